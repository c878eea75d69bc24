/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP, ICMP and ICMPv6 printers in tcpdump 4.99.3's format (print-udp.c,
 * print-icmp.c, print-icmp6.c) at the verbosity levels we support, plus the
 * pseudo-header checksum shared with TCP. Application protocols are not
 * decoded: UDP stops after "UDP, length N", as tcpdump does for unknown ports.
 */
#include <string.h>

#include "wire/internal.h"

uint16_t tsc__l4_cksum(const struct tsc__l3 *l3, struct tsc_cur seg, uint32_t len, uint8_t proto)
{
	uint8_t ph[40];
	struct tsc_cur v[2];
	size_t n;

	seg.len = len;
	memset(ph, 0, sizeof(ph));
	if (l3->ver == 4) {
		memcpy(ph, l3->ip4->src, 4);
		memcpy(ph + 4, l3->ph_dst, 4);
		ph[9] = proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		n = 12;
	} else {
		memcpy(ph, l3->ip6->src, 16);
		memcpy(ph + 16, l3->ph_dst, 16);
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[39] = proto;
		n = 40;
	}
	v[0] = tsc_cur_make(ph, n);
	v[1] = seg;
	return tsc_wire_cksum(v, 2);
}

static void put_src_dst(struct tsc_buf *b, const struct tsc__l3 *l3, bool dst)
{
	if (l3->ver == 6)
		tsc__put_ip6(b, dst ? l3->ip6->dst : l3->ip6->src);
	else
		tsc__put_ip4(b, dst ? l3->ip4->dst : l3->ip4->src);
}

static void udpipaddr_print(struct tsc_buf *b, const struct tsc__l3 *l3, int sport, int dport)
{
	bool direct = l3->ver == 6 ? l3->ip6->nxt == 17 : l3->ip4->proto == 17;

	if (direct) {
		put_src_dst(b, l3, false);
		if (sport >= 0) {
			tsc__putc(b, '.');
			tsc__put_u(b, (uint32_t)sport);
		}
		tsc__puts(b, " > ");
		put_src_dst(b, l3, true);
		if (dport >= 0) {
			tsc__putc(b, '.');
			tsc__put_u(b, (uint32_t)dport);
		}
		tsc__puts(b, ": ");
	} else if (sport >= 0) {
		tsc__put_u(b, (uint32_t)sport);
		tsc__puts(b, " > ");
		tsc__put_u(b, (uint32_t)dport);
		tsc__puts(b, ": ");
	}
}

static void udp_cksum_print(struct tsc__pr *pr, const struct tsc__l3 *l3,
			    const struct tsc_wire_udp *u, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	uint16_t sum;

	if (l3->ver == 4 && pr->o->vflag > 1 && u->sum == 0) {
		tsc__puts(b, "[no cksum] ");
		return;
	}
	if ((l3->ver == 4 && pr->o->vflag < 2) || u->seg.len < (size_t)length + 8)
		return;
	sum = tsc__l4_cksum(l3, u->seg, length + 8, 17);
	if (sum != 0) {
		tsc__puts(b, "[bad udp cksum 0x");
		tsc__put_hex(b, u->sum, 4);
		tsc__puts(b, " -> 0x");
		tsc__put_hex(b, tsc__cksum_shouldbe(u->sum, sum), 4);
		tsc__puts(b, "!] ");
	} else {
		tsc__puts(b, "[udp sum ok] ");
	}
}

void tsc__udp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length, const struct tsc__l3 *l3)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_udp u;
	uint32_t ulen;

	if (tsc_wire_udp_decode(c, &u) != TSC_DECODE_OK && !u.have_ports) {
		udpipaddr_print(b, l3, -1, -1);
		tsc__trunc(pr, "udp");
		return;
	}
	if (length < 8) {
		udpipaddr_print(b, l3, u.sport, u.dport);
		tsc__puts(b, "truncated-udp ");
		tsc__put_u(b, length);
		return;
	}
	if (c.len < 6) {
		udpipaddr_print(b, l3, u.sport, u.dport);
		tsc__trunc(pr, "udp");
		return;
	}
	ulen = u.len;
	if (ulen == 0 && length > 65535)
		ulen = length;
	if (ulen < 8) {
		udpipaddr_print(b, l3, u.sport, u.dport);
		tsc__puts(b, "truncated-udplength ");
		tsc__put_u(b, ulen);
		return;
	}
	ulen -= 8;
	length -= 8;
	if (ulen < length)
		length = ulen;
	if (c.len < 8) {
		udpipaddr_print(b, l3, u.sport, u.dport);
		tsc__trunc(pr, "udp");
		return;
	}
	udpipaddr_print(b, l3, u.sport, u.dport);
	if (pr->o->vflag && !pr->o->Kflag && !l3->fragmented)
		udp_cksum_print(pr, l3, &u, length);
	tsc__puts(b, "UDP, length ");
	tsc__put_u(b, ulen);
}

/* ---- ICMP (RFC 792) ---- */

static const char *const unreach_fmt[] = {
	"net %s unreachable",
	"host %s unreachable",
	NULL,
	NULL,
	NULL,
	"%s unreachable - source route failed",
	"net %s unreachable - unknown",
	"host %s unreachable - unknown",
	"%s unreachable - source host isolated",
	"net %s unreachable - admin prohibited",
	"host %s unreachable - admin prohibited",
	"net %s unreachable - tos prohibited",
	"host %s unreachable - tos prohibited",
	"host %s unreachable - admin prohibited filter",
	"host %s unreachable - host precedence violation",
	"host %s unreachable - precedence cutoff",
};

/* Expands one "%s" of fmt with an IPv4 address. */
static void put_fmt_addr(struct tsc_buf *b, const char *fmt, const uint8_t *addr)
{
	const char *s = strstr(fmt, "%s");

	tsc__put(b, fmt, (size_t)(s - fmt));
	tsc__put_ip4(b, addr);
	tsc__puts(b, s + 2);
}

static bool is_icmp_err(uint8_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* Builds the ICMP summary into b; false if the packet is truncated. */
static bool icmp_summary(struct tsc_buf *b, const struct tsc_wire_icmp *m)
{
	struct tsc_cur body = m->body, ip = m->body;
	uint16_t id, seq;
	uint8_t dst[4], hl, proto;
	uint16_t dport, mtu;

	switch (m->type) {
	case 0:
	case 8:
		if (!tsc_cur_be16(&body, &id) || !tsc_cur_be16(&body, &seq))
			return false;
		tsc__puts(b, m->type == 8 ? "echo request, id " : "echo reply, id ");
		tsc__put_u(b, id);
		tsc__puts(b, ", seq ");
		tsc__put_u(b, seq);
		return true;
	case 3:
		if (!tsc_cur_skip(&ip, 4))
			return false;
		{
			struct tsc_cur d = ip;

			if (!tsc_cur_skip(&d, 16) || !tsc_cur_bytes(&d, dst, 4))
				return false;
		}
		if (m->code == 2) {
			if (!tsc_cur_peek_u8(&ip, 9, &proto))
				return false;
			tsc__put_ip4(b, dst);
			tsc__puts(b, " protocol ");
			tsc__put_u(b, proto);
			tsc__puts(b, " unreachable");
		} else if (m->code == 3) {
			if (!tsc_cur_peek_u8(&ip, 0, &hl) || !tsc_cur_peek_u8(&ip, 9, &proto) ||
			    !tsc_cur_peek_be16(&ip, (size_t)(hl & 0xf) * 4 + 2, &dport))
				return false;
			tsc__put_ip4(b, dst);
			if (proto == 6 || proto == 17) {
				tsc__puts(b, proto == 6 ? " tcp port " : " udp port ");
				tsc__put_u(b, dport);
				tsc__puts(b, " unreachable");
			} else {
				tsc__puts(b, " protocol ");
				tsc__put_u(b, proto);
				tsc__puts(b, " port ");
				tsc__put_u(b, dport);
				tsc__puts(b, " unreachable");
			}
		} else if (m->code == 4) {
			if (!tsc_cur_peek_be16(&body, 2, &mtu))
				return false;
			tsc__put_ip4(b, dst);
			tsc__puts(b, " unreachable - need to frag");
			if (mtu) {
				tsc__puts(b, " (mtu ");
				tsc__put_u(b, mtu);
				tsc__putc(b, ')');
			}
		} else if (m->code < TSC_ARRAY_SIZE(unreach_fmt)) {
			put_fmt_addr(b, unreach_fmt[m->code], dst);
		} else {
			tsc__put_ip4(b, dst);
			tsc__puts(b, " unreachable - #");
			tsc__put_u(b, m->code);
		}
		return true;
	case 11:
		/* tcpdump checks that the quoted IP header is captured */
		if (!tsc_cur_skip(&ip, 4) || !tsc_cur_has(&ip, 20))
			return false;
		if (m->code == 0) {
			tsc__puts(b, "time exceeded in-transit");
		} else if (m->code == 1) {
			tsc__puts(b, "ip reassembly time exceeded");
		} else {
			tsc__puts(b, "time exceeded-#");
			tsc__put_u(b, m->code);
		}
		return true;
	case 12: {
		uint8_t ptr;

		if (m->code) {
			tsc__puts(b, "parameter problem - code ");
			tsc__put_u(b, m->code);
			return true;
		}
		if (!tsc_cur_peek_u8(&body, 0, &ptr))
			return false;
		tsc__puts(b, "parameter problem - octet ");
		tsc__put_u(b, ptr);
		return true;
	}
	case 5: {
		static const char *const r[] = { "net", "host", "tos-net", "tos-host" };
		uint8_t gw[4];

		if (!tsc_cur_bytes(&body, gw, 4) || !tsc_cur_skip(&body, 16) ||
		    !tsc_cur_bytes(&body, dst, 4))
			return false;
		tsc__puts(b, "redirect");
		if (m->code < 4) {
			tsc__putc(b, ' ');
			tsc__put_ip4(b, dst);
			tsc__puts(b, " to ");
			tsc__puts(b, r[m->code]);
			tsc__putc(b, ' ');
		} else {
			tsc__puts(b, "-#");
			tsc__put_u(b, m->code);
			tsc__putc(b, ' ');
			tsc__put_ip4(b, dst);
			tsc__puts(b, " to ");
		}
		tsc__put_ip4(b, gw);
		return true;
	}
	case 13:
		if (!tsc_cur_be16(&body, &id) || !tsc_cur_be16(&body, &seq))
			return false;
		tsc__puts(b, "time stamp query id ");
		tsc__put_u(b, id);
		tsc__puts(b, " seq ");
		tsc__put_u(b, seq);
		return true;
	case 4:
		tsc__puts(b, "source quench");
		return true;
	case 10:
		tsc__puts(b, "router solicitation");
		return true;
	case 14:
		tsc__puts(b, "time stamp reply");
		return true;
	case 15:
		tsc__puts(b, "information request");
		return true;
	case 16:
		tsc__puts(b, "information reply");
		return true;
	case 17:
		tsc__puts(b, "address mask request");
		return true;
	case 18: {
		uint32_t mask;

		if (!tsc_cur_skip(&body, 4) || !tsc_cur_be32(&body, &mask))
			return false;
		tsc__puts(b, "address mask is 0x");
		tsc__put_hex(b, mask, 8);
		return true;
	}
	default:
		tsc__puts(b, "type-#");
		tsc__put_u(b, m->type);
		return true;
	}
}

/* Whether tcpdump's icmp_print reaches a summary cut short by a failing read
 * (longjmp) rather than by its own checks: the time-exceeded check of the
 * quoted IP header, and the port-unreachable check of its protocol byte
 * (m->body starts at the ICMP header's byte 4; the quoted IP header 4 bytes
 * later; its protocol is the header's byte 9). */
static bool icmp_trunc_is_jmp(const struct tsc_wire_icmp *m)
{
	if (m->type == 11)
		return false;
	return !(m->type == 3 && m->code == 3 && !tsc_cur_has(&m->body, 4 + 9 + 1));
}

void tsc__icmp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		     const struct tsc__l3 *l3)
{
	struct tsc_buf *b = pr->b, sum_text;
	struct tsc_wire_icmp m;
	bool ok;

	if (tsc_wire_icmp_decode(c, &m) == TSC_DECODE_TRUNC && !m.have_hdr) {
		tsc__trunc_jmp(pr, "icmp");
		return;
	}
	/* tcpdump prints "ICMP " only with a complete summary: build it apart,
	 * since b may have handed earlier bytes to its sink already */
	tsc_buf_init(&sum_text, 1024);
	ok = icmp_summary(&sum_text, &m);
	if (ok) {
		tsc__puts(b, "ICMP ");
		if (sum_text.len)
			tsc__put(b, sum_text.p, sum_text.len);
	}
	if (tsc_buf_error(&sum_text) && !b->err)
		b->err = tsc_buf_error(&sum_text);
	tsc_buf_release(&sum_text);
	if (!ok) {
		if (icmp_trunc_is_jmp(&m))
			tsc__trunc_jmp(pr, "icmp");
		else
			tsc__trunc(pr, "icmp");
		return;
	}
	tsc__puts(b, ", length ");
	tsc__put_u(b, length);
	if (pr->o->vflag && !l3->fragmented && c.len >= length) {
		struct tsc_cur all = c;
		uint16_t sum;

		all.len = length;
		sum = tsc_wire_cksum(&all, 1);
		if (sum != 0) {
			tsc__puts(b, " (wrong icmp cksum ");
			tsc__put_hex(b, m.sum, 0);
			tsc__puts(b, " (->");
			tsc__put_hex(b, tsc__cksum_shouldbe(m.sum, sum), 0);
			tsc__puts(b, ")!)");
		}
	}
	if (pr->o->vflag && is_icmp_err(m.type)) {
		struct tsc_cur in = c;
		uint16_t ilen;

		tsc__puts(b, "\n\t");
		/* the quoted datagram starts after the 8-byte ICMP header */
		if (!tsc_cur_skip(&in, 8) || !tsc_cur_peek_be16(&in, 2, &ilen)) {
			tsc__trunc_jmp(pr, "icmp");
			return;
		}
		tsc__ip4_print(pr, in, ilen);
	}
}

/* ---- ICMPv6 (RFC 4443, RFC 4861) ---- */

static const char *icmp6_type_name(uint8_t t)
{
	switch (t) {
	case 1:
		return "destination unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded in-transit";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 130:
		return "multicast listener query";
	case 131:
		return "multicast listener report";
	case 132:
		return "multicast listener done";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	case 138:
		return "router renumbering";
	case 139:
		return "node information query";
	case 140:
		return "node information reply";
	case 141:
		return "inverse neighbor solicitation";
	case 142:
		return "inverse neighbor advertisement";
	case 143:
		return "multicast listener report v2";
	case 144:
		return "ha discovery request";
	case 145:
		return "ha discovery reply";
	case 146:
		return "mobile router solicitation";
	case 147:
		return "mobile router advertisement";
	case 151:
		return "multicast router advertisement";
	case 152:
		return "multicast router solicitation";
	case 153:
		return "multicast router termination";
	default:
		return NULL;
	}
}

static void icmp6_put_type(struct tsc_buf *b, uint8_t type)
{
	const char *name = icmp6_type_name(type);

	if (name) {
		tsc__puts(b, name);
	} else {
		tsc__puts(b, "unknown icmp6 type (");
		tsc__put_u(b, type);
		tsc__putc(b, ')');
	}
}

static const char *const unreach6[] = { "unreachable route", "unreachable prohibited",
					"beyond scope", "unreachable address", "unreachable port" };

/* The TCP or UDP header of the packet an ICMPv6 error quotes, past its
 * extension headers (tcpdump's get_upperlayer): false for any other upper
 * layer or a short capture, which tcpdump prints as truncated. */
static bool quoted_ports(struct tsc_cur ip6, uint8_t *proto, uint16_t *dport)
{
	uint8_t nh, l8;

	if (!tsc_cur_peek_u8(&ip6, 6, &nh) || !tsc_cur_skip(&ip6, 40))
		return false;
	for (int i = 0; i < 8; i++) {
		size_t hlen;

		switch (nh) {
		case 6:
		case 17:
			*proto = nh;
			return tsc_cur_peek_be16(&ip6, 2, dport);
		case 0:
		case 60:
		case 43:
		case 51:
			if (!tsc_cur_peek_u8(&ip6, 1, &l8))
				return false;
			/* AH counts 4-octet units less 2 (RFC 4302), the others 8-octet
			 * units less 1 (RFC 8200) */
			hlen = nh == 51 ? ((size_t)l8 + 2) << 2 : ((size_t)l8 + 1) << 3;
			break;
		case 44:
			hlen = 8;
			break;
		default:
			return false;
		}
		if (!tsc_cur_peek_u8(&ip6, 0, &nh) || !tsc_cur_skip(&ip6, hlen))
			return false;
	}
	return false;
}

static bool icmp6_body(struct tsc__pr *pr, const struct tsc_wire_icmp *m, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	struct tsc_cur oip = m->body;
	uint8_t a[16];

	(void)tsc_cur_skip(&oip, 4);
	switch (m->type) {
	case 1: {
		uint8_t proto;
		uint16_t dport;
		struct tsc_cur d = oip;

		tsc__puts(b, ", ");
		if (m->code < TSC_ARRAY_SIZE(unreach6)) {
			tsc__puts(b, unreach6[m->code]);
		} else {
			tsc__puts(b, "unknown unreach code (");
			tsc__put_u(b, m->code);
			tsc__putc(b, ')');
		}
		if (m->code == 0 || m->code == 1 || m->code == 3) {
			if (!tsc_cur_skip(&d, 24) || !tsc_cur_bytes(&d, a, 16))
				return false;
			tsc__putc(b, ' ');
			tsc__put_ip6(b, a);
		} else if (m->code == 2) {
			uint8_t s[16];

			if (!tsc_cur_skip(&d, 8) || !tsc_cur_bytes(&d, s, 16) ||
			    !tsc_cur_bytes(&d, a, 16))
				return false;
			tsc__putc(b, ' ');
			tsc__put_ip6(b, a);
			tsc__puts(b, ", source address ");
			tsc__put_ip6(b, s);
		} else if (m->code == 4) {
			if (!tsc_cur_skip(&d, 24) || !tsc_cur_bytes(&d, a, 16) ||
			    !quoted_ports(oip, &proto, &dport))
				return false;
			tsc__puts(b, ", ");
			tsc__put_ip6(b, a);
			tsc__puts(b, proto == 6 ? " tcp port " : " udp port ");
			tsc__put_u(b, dport);
		} else if (pr->o->vflag <= 1) {
			tsc__hex_print(b, "\n\t", tsc__cur_head(m->msg, length));
			return true;
		}
		break;
	}
	case 2: {
		uint32_t mtu;
		struct tsc_cur d = m->body;

		if (!tsc_cur_be32(&d, &mtu))
			return false;
		tsc__puts(b, ", mtu ");
		tsc__put_u(b, mtu);
		break;
	}
	case 3: {
		struct tsc_cur d = oip;

		if (m->code == 0) {
			if (!tsc_cur_skip(&d, 24) || !tsc_cur_bytes(&d, a, 16))
				return false;
			tsc__puts(b, " for ");
			tsc__put_ip6(b, a);
		} else if (m->code == 1) {
			tsc__puts(b, " (reassembly)");
		} else {
			tsc__puts(b, ", unknown code (");
			tsc__put_u(b, m->code);
			tsc__putc(b, ')');
		}
		break;
	}
	case 4: {
		static const char *const pp[] = { ", erroneous - octet ", ", next header - octet ",
						  ", option - octet " };
		struct tsc_cur d = oip;
		uint32_t ptr;

		if (!tsc_cur_skip(&d, 24) || !tsc_cur_has(&d, 16))
			return false;
		d = m->body;
		(void)tsc_cur_be32(&d, &ptr);
		if (m->code < 3) {
			tsc__puts(b, pp[m->code]);
			tsc__put_u(b, ptr);
		} else {
			tsc__puts(b, ", code-#");
			tsc__put_u(b, m->code);
		}
		break;
	}
	case 128:
	case 129: {
		uint16_t id, seq;
		struct tsc_cur d = m->body;

		if (!tsc_cur_be16(&d, &id) || !tsc_cur_be16(&d, &seq))
			return false;
		tsc__puts(b, ", id ");
		tsc__put_u(b, id);
		tsc__puts(b, ", seq ");
		tsc__put_u(b, seq);
		break;
	}
	case 135:
	case 136: {
		struct tsc_cur d = m->body;

		if (!tsc_cur_skip(&d, 4) || !tsc_cur_bytes(&d, a, 16))
			return false;
		tsc__puts(b, m->type == 135 ? ", who has " : ", tgt is ");
		tsc__put_ip6(b, a);
		break;
	}
	case 137: {
		struct tsc_cur d = m->body;
		uint8_t dst[16];

		if (!tsc_cur_skip(&d, 4) || !tsc_cur_bytes(&d, a, 16) ||
		    !tsc_cur_bytes(&d, dst, 16))
			return false;
		tsc__puts(b, ", ");
		tsc__put_ip6(b, a);
		tsc__puts(b, " to ");
		tsc__put_ip6(b, dst);
		break;
	}
	case 130:
	case 131:
	case 132:
	case 133:
	case 134:
	case 138:
	case 139:
	case 140:
	case 141:
	case 142:
	case 143:
	case 144:
	case 145:
	case 146:
	case 147:
		break;
	default:
		tsc__puts(b, ", length ");
		tsc__put_u(b, length);
		if (pr->o->vflag <= 1)
			tsc__hex_print(b, "\n\t", tsc__cur_head(m->msg, length));
		return true;
	}
	if (!pr->o->vflag) {
		tsc__puts(b, ", length ");
		tsc__put_u(b, length);
	}
	return true;
}

void tsc__icmp6_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		      const struct tsc__l3 *l3)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_icmp m;

	if (tsc_wire_icmp_decode(c, &m) == TSC_DECODE_TRUNC && !m.have_hdr) {
		uint8_t type;

		/* tcpdump names the type before it reads the code */
		if (tsc_cur_peek_u8(&c, 0, &type)) {
			tsc__puts(b, "ICMP6, ");
			icmp6_put_type(b, type);
		}
		tsc__trunc_jmp(pr, "icmp6");
		return;
	}
	if (pr->o->vflag && !l3->fragmented && c.len >= length && l3->ver == 6) {
		uint16_t sum = tsc__l4_cksum(l3, c, length, 58);

		if (sum != 0) {
			tsc__puts(b, "[bad icmp6 cksum 0x");
			tsc__put_hex(b, m.sum, 4);
			tsc__puts(b, " -> 0x");
			tsc__put_hex(b, tsc__cksum_shouldbe(m.sum, sum), 4);
			tsc__puts(b, "!] ");
		} else {
			tsc__puts(b, "[icmp6 sum ok] ");
		}
	}
	tsc__puts(b, "ICMP6, ");
	icmp6_put_type(b, m.type);
	if (pr->o->vflag && m.type >= 133 && m.type <= 137) {
		tsc__puts(b, ", length ");
		tsc__put_u(b, length);
	}
	/* tcpdump's own checks (goto trunc): the port-unreachable quoted
	 * upper layer and the parameter-problem quoted header; every other
	 * field is read with GET_ macros, which longjmp */
	if (!icmp6_body(pr, &m, length)) {
		if ((m.type == 1 && m.code == 4) || m.type == 4)
			tsc__trunc(pr, "icmp6");
		else
			tsc__trunc_jmp(pr, "icmp6");
	}
}
