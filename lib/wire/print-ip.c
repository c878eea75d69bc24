/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4, IPv6 (with hop-by-hop, destination, routing and fragment headers) and
 * ARP printers, in tcpdump 4.99.3's format (print-ip.c, print-ip6.c,
 * print-ip6opts.c, print-frag6.c, print-rt6.c, print-arp.c). They print from
 * the decoded structs of ip.c/l4.c; option and extension-header areas are
 * walked with the bounds-checked cursor.
 */
#include <string.h>

#include "wire/internal.h"

static void ip_demux(struct tsc__pr *pr, struct tsc_cur c, uint32_t len, struct tsc__l3 *l3)
{
	switch (l3->nh) {
	case 6:
		tsc__tcp_print(pr, c, len, l3);
		return;
	case 17:
		tsc__udp_print(pr, c, len, l3);
		return;
	case 1:
		tsc__icmp_print(pr, c, len, l3);
		return;
	case 58:
		tsc__icmp6_print(pr, c, len, l3);
		return;
	case 4:
		tsc__ip4_print(pr, c, len);
		if (!pr->o->vflag && !pr->stop)
			tsc__puts(pr->b, " (ipip-proto-4)");
		return;
	case 41:
		tsc__ip6_print(pr, c, len);
		return;
	case 59:
		tsc__puts(pr->b, "no next header");
		return;
	default:
		tsc__puts(pr->b, " ip-proto-");
		tsc__put_u(pr->b, l3->nh);
		tsc__putc(pr->b, ' ');
		tsc__put_u(pr->b, len);
		return;
	}
}

/* ---- IPv4 options (RFC 791 section 3.1) ---- */

static bool ip_printroute(struct tsc__pr *pr, struct tsc_cur o, uint32_t length)
{
	uint8_t p8;
	uint32_t ptr;

	if (length < 3) {
		tsc__puts(pr->b, " [bad length ");
		tsc__put_u(pr->b, length);
		tsc__putc(pr->b, ']');
		return true;
	}
	if ((length + 1) & 3) {
		tsc__puts(pr->b, " [bad length ");
		tsc__put_u(pr->b, length);
		tsc__putc(pr->b, ']');
	}
	if (!tsc_cur_peek_u8(&o, 2, &p8))
		return false;
	ptr = (uint32_t)p8 - 1;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) {
		tsc__puts(pr->b, " [bad ptr ");
		tsc__put_u(pr->b, p8);
		tsc__putc(pr->b, ']');
	}
	for (uint32_t len = 3; len < length; len += 4) {
		struct tsc_cur a = o;
		uint8_t addr[4];

		if (!tsc_cur_skip(&a, len) || !tsc_cur_bytes(&a, addr, 4))
			return false;
		tsc__putc(pr->b, ' ');
		tsc__put_ip4(pr->b, addr);
		if (ptr > len)
			tsc__putc(pr->b, ',');
	}
	return true;
}

static bool ip_printts(struct tsc__pr *pr, struct tsc_cur o, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	uint8_t p8, flg;
	uint32_t ptr, len = 0, hoplen;
	const char *type = " ";

	if (length < 4) {
		tsc__puts(b, "[bad length ");
		tsc__put_u(b, length);
		tsc__putc(b, ']');
		return true;
	}
	tsc__puts(b, " TS{");
	if (!tsc_cur_peek_u8(&o, 3, &flg) || !tsc_cur_peek_u8(&o, 2, &p8))
		return false;
	hoplen = (flg & 0xf) != 0 ? 8 : 4;
	if ((length - 4) & (hoplen - 1)) {
		tsc__puts(b, "[bad length ");
		tsc__put_u(b, length);
		tsc__putc(b, ']');
	}
	ptr = (uint32_t)p8 - 1;
	if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) {
		tsc__puts(b, "[bad ptr ");
		tsc__put_u(b, p8);
		tsc__putc(b, ']');
	}
	switch (flg & 0xf) {
	case 0:
		tsc__puts(b, "TSONLY");
		break;
	case 1:
		tsc__puts(b, "TS+ADDR");
		break;
	case 2:
		tsc__puts(b, "PRESPEC2.0");
		break;
	case 3:
		tsc__puts(b, "PRESPEC");
		break;
	default:
		tsc__puts(b, "[bad ts type ");
		tsc__put_u(b, flg & 0xf);
		tsc__putc(b, ']');
		goto done;
	}
	for (len = 4; len < length; len += hoplen) {
		struct tsc_cur h = o;
		uint8_t addr[4];
		uint32_t ts = 0; /* read below once has() passed; gcc -O2 cannot tell */

		if (ptr == len)
			type = " ^ ";
		if (!tsc_cur_skip(&h, len) || !tsc_cur_has(&h, hoplen))
			return false;
		if (hoplen == 8)
			(void)tsc_cur_bytes(&h, addr, 4);
		(void)tsc_cur_be32(&h, &ts);
		tsc__puts(b, type);
		tsc__put_u(b, ts);
		tsc__putc(b, '@');
		if (hoplen == 8)
			tsc__put_ip4(b, addr);
		type = " ";
	}
done:
	if (ptr == len)
		tsc__puts(b, " ^ ");
	if (flg >> 4) {
		tsc__puts(b, " [");
		tsc__put_u(b, flg >> 4);
		tsc__puts(b, " hops not recorded]} ");
	} else {
		tsc__putc(b, '}');
	}
	return true;
}

static const char *ipopt_name(uint8_t code)
{
	switch (code) {
	case 0:
		return "EOL";
	case 1:
		return "NOP";
	case 68:
		return "timestamp";
	case 130:
		return "security";
	case 7:
		return "RR";
	case 137:
		return "SSRR";
	case 131:
		return "LSRR";
	case 148:
		return "RA";
	case 82:
		return "traceroute";
	default:
		return NULL;
	}
}

/* Returns 1, 0 when an option's data is cut short by the capture (tcpdump's
 * "[truncated-option]"), or -1 when an option's kind or length byte is
 * (tcpdump's GET_U_1 longjmp: the packet's printing ends). */
static int ip_optprint(struct tsc__pr *pr, struct tsc_cur o, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	const char *sep = "";
	uint32_t option_len;

	for (; length > 0; length -= option_len) {
		uint8_t code, l8;
		const char *name;

		tsc__puts(b, sep);
		sep = ",";
		if (!tsc_cur_peek_u8(&o, 0, &code))
			return -1;
		name = ipopt_name(code);
		if (name) {
			tsc__puts(b, name);
		} else {
			tsc__puts(b, "unknown ");
			tsc__put_u(b, code);
		}
		if (code == 0 || code == 1) {
			option_len = 1;
		} else {
			if (!tsc_cur_peek_u8(&o, 1, &l8))
				return -1;
			option_len = l8;
			if (option_len < 2) {
				tsc__puts(b, " [bad length ");
				tsc__put_u(b, option_len);
				tsc__putc(b, ']');
				return 1;
			}
		}
		if (option_len > length) {
			tsc__puts(b, " [bad length ");
			tsc__put_u(b, option_len);
			tsc__putc(b, ']');
			return 1;
		}
		if (!tsc_cur_has(&o, option_len))
			return 0;
		switch (code) {
		case 0:
			return 1;
		case 68:
			if (!ip_printts(pr, o, option_len))
				return 0;
			break;
		case 7:
		case 137:
		case 131:
			if (!ip_printroute(pr, o, option_len))
				return 0;
			break;
		case 148:
			if (option_len < 4) {
				tsc__puts(b, " [bad length ");
				tsc__put_u(b, option_len);
				tsc__putc(b, ']');
			} else {
				uint16_t v = 0;

				(void)tsc_cur_peek_be16(&o, 2, &v);
				if (v) {
					tsc__puts(b, " value ");
					tsc__put_u(b, v);
				}
			}
			break;
		default:
			break;
		}
		(void)tsc_cur_skip(&o, option_len);
	}
	return 1;
}

/* The final destination of a source route, for pseudo-header checksums. */
static void ip_finddst(const struct tsc_wire_ip4 *ip, uint8_t *dst)
{
	struct tsc_cur o = ip->opts, opt;

	memcpy(dst, ip->dst, 4);
	while (o.len > 0) {
		uint8_t tt, len;

		(void)tsc_cur_peek_u8(&o, 0, &tt);
		if (tt == 0)
			break;
		if (tt == 1) {
			(void)tsc_cur_skip(&o, 1);
			continue;
		}
		if (!tsc_cur_peek_u8(&o, 1, &len) || len < 2 || len > o.len)
			break;
		(void)tsc_cur_sub(&o, len, &opt);
		/* the last address of a strict or loose source route (RFC 791) */
		if ((tt == 137 || tt == 131) && len >= 7 && tsc_cur_skip(&opt, len - 4u))
			(void)tsc_cur_bytes(&opt, dst, 4);
	}
}

static const char *ip_frag_flags(uint16_t off, char *tmp)
{
	size_t n = 0;

	tmp[0] = '\0';
	if (off & 0x2000) {
		memcpy(tmp, "+", 2);
		n = 1;
	}
	if (off & 0x4000) {
		memcpy(tmp + n, n ? ", DF" : "DF", n ? 5 : 3);
		n += n ? 4 : 2;
	}
	if (off & 0x8000)
		memcpy(tmp + n, n ? ", rsvd" : "rsvd", n ? 7 : 5);
	return tmp[0] ? tmp : "none";
}

static void ip4_verbose(struct tsc__pr *pr, const struct tsc_wire_ip4 *ip, bool *truncated)
{
	struct tsc_buf *b = pr->b;
	char fl[24];

	tsc__puts(b, "(tos 0x");
	tsc__put_hex(b, ip->tos, 0);
	switch (ip->tos & 3) {
	case 1:
		tsc__puts(b, ",ECT(1)");
		break;
	case 2:
		tsc__puts(b, ",ECT(0)");
		break;
	case 3:
		tsc__puts(b, ",CE");
		break;
	default:
		break;
	}
	if (ip->ttl >= 1) {
		tsc__puts(b, ", ttl ");
		tsc__put_u(b, ip->ttl);
	}
	tsc__puts(b, ", id ");
	tsc__put_u(b, ip->id);
	tsc__puts(b, ", offset ");
	tsc__put_u(b, (uint32_t)(ip->off & 0x1fff) * 8);
	tsc__puts(b, ", flags [");
	tsc__puts(b, ip_frag_flags(ip->off, fl));
	tsc__puts(b, "], proto ");
	tsc__puts(b, tsc__ipproto_name(ip->proto));
	tsc__puts(b, " (");
	tsc__put_u(b, ip->proto);
	tsc__puts(b, "), length ");
	tsc__put_u(b, ip->tot_len);
	if (ip->hlen > 20) {
		int r;

		tsc__puts(b, ", options (");
		r = ip_optprint(pr, ip->opts, ip->hlen - 20);
		if (r < 0) {
			tsc__trunc_jmp(pr, "ip");
			*truncated = true;
			return;
		}
		if (r == 0) {
			tsc__puts(b, " [truncated-option]");
			*truncated = true;
		}
		tsc__putc(b, ')');
	}
	if (!pr->o->Kflag && ip->hdr.len >= ip->hlen) {
		uint16_t sum = tsc_wire_cksum(&ip->hdr, 1);

		if (sum != 0) {
			tsc__puts(b, ", bad cksum ");
			tsc__put_hex(b, ip->sum, 0);
			tsc__puts(b, " (->");
			tsc__put_hex(b, tsc__cksum_shouldbe(ip->sum, sum), 0);
			tsc__puts(b, ")!");
		}
	}
	tsc__puts(b, ")\n    ");
}

static void put_addrs(struct tsc_buf *b, const uint8_t *src, const uint8_t *dst, bool v6,
		      const char *end)
{
	if (v6)
		tsc__put_ip6(b, src);
	else
		tsc__put_ip4(b, src);
	tsc__puts(b, " > ");
	if (v6)
		tsc__put_ip6(b, dst);
	else
		tsc__put_ip4(b, dst);
	tsc__puts(b, end);
}

void tsc__ip4_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_ip4 ip;
	struct tsc__l3 l3 = { .ver = 4 };
	enum tsc_decode r = tsc_wire_ip4_decode(c, length, &ip);
	bool truncated = false;

	if (r == TSC_DECODE_TRUNC && ip.ver == 0 && c.len == 0) {
		tsc__trunc_jmp(pr, "ip");
		return;
	}
	if (ip.ver != 4) {
		if (ip.ver == 6)
			tsc__puts(b, "IP6, wrong link-layer encapsulation");
		else {
			tsc__puts(b, "IP");
			tsc__put_u(b, ip.ver);
		}
		tsc__invalid(pr);
		return;
	}
	if (!pr->o->eflag)
		tsc__puts(b, "IP ");
	if (r == TSC_DECODE_TRUNC) {
		tsc__trunc(pr, "ip");
		return;
	}
	if (length < 20) {
		tsc__puts(b, "truncated-ip ");
		tsc__put_u(b, length);
		return;
	}
	if (ip.hlen < 20) {
		tsc__puts(b, "bad-hlen ");
		tsc__put_u(b, ip.hlen);
		return;
	}
	if (length < ip.tot_len) {
		tsc__puts(b, "truncated-ip - ");
		tsc__put_u(b, ip.tot_len - length);
		tsc__puts(b, " bytes missing! ");
	}
	if (ip.tot_len < ip.hlen) {
		tsc__puts(b, "bad-len ");
		tsc__put_u(b, ip.tot_len);
		return;
	}
	if (pr->o->vflag) {
		ip4_verbose(pr, &ip, &truncated);
		if (pr->stop)
			return;
		if (truncated) {
			put_addrs(b, ip.src, ip.dst, false, ": ");
			tsc__trunc(pr, "ip");
			return;
		}
	}
	if (c.len < ip.hlen) {
		/* options cut short by the capture (-v has said so above) */
		tsc__puts(b, " [remaining caplen(");
		tsc__put_u(b, c.len);
		tsc__puts(b, ") < header length(");
		tsc__put_u(b, ip.hlen);
		tsc__puts(b, ")]");
		tsc__trunc_jmp(pr, "ip");
		return;
	}
	l3.ip4 = &ip;
	l3.nh = ip.proto;
	l3.fragmented = (ip.off & 0x3fff) != 0;
	ip_finddst(&ip, l3.ph_dst);
	if ((ip.off & 0x1fff) == 0) {
		if (ip.proto != 6 && ip.proto != 17 && ip.proto != 132 && ip.proto != 33)
			put_addrs(b, ip.src, ip.dst, false, ": ");
		ip_demux(pr, ip.payload, ip.payload_len, &l3);
	} else {
		put_addrs(b, ip.src, ip.dst, false, ":");
		tsc__puts(b, " ip-proto-");
		tsc__put_u(b, ip.proto);
	}
}
