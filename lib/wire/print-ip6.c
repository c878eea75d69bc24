/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv6 and ARP printers (tcpdump 4.99.3's print-ip6.c, print-ip6opts.c,
 * print-frag6.c, print-rt6.c, print-arp.c). The extension-header chain is
 * walked with a cursor limited to the declared payload length; a jumbo
 * payload option (RFC 2675) replaces a zero payload length.
 */
#include <string.h>

#include "wire/internal.h"

struct ip6_walk {
	uint32_t payload_len;
	bool found_jumbo;
};

static void put_opt(struct tsc_buf *b, const char *s, uint32_t v, bool hex2, const char *tail)
{
	tsc__puts(b, s);
	if (hex2) {
		tsc__puts(b, "0x");
		tsc__put_hex(b, v, 2);
	} else {
		tsc__put_u(b, v);
	}
	tsc__puts(b, tail);
}

/* RFC 8200 section 4.2 options; hbh: jumbo payload allowed. false: "trunc". */
static bool ip6_opts(struct tsc__pr *pr, struct tsc_cur o, struct ip6_walk *w, bool hbh)
{
	struct tsc_buf *b = pr->b;
	bool v = pr->o->vflag != 0, found = false;
	uint8_t type, ol;

	while (tsc_cur_u8(&o, &type)) {
		struct tsc_cur d = { 0 }; /* the option's data */
		uint16_t ra;
		uint32_t j;

		ol = 0;
		if (type != 0 && (!tsc_cur_u8(&o, &ol) || !tsc_cur_sub(&o, ol, &d)))
			return false;
		switch (type) {
		case 0:
			if (v)
				tsc__puts(b, "(pad1)");
			break;
		case 1:
			if (v)
				tsc__puts(b, "(padn)");
			break;
		case 5:
			if (ol != 2) {
				put_opt(b, "(rtalert: invalid len ", ol, false, ")");
				return false;
			}
			if (v && tsc_cur_be16(&d, &ra)) {
				/* tcpdump: "(rtalert: 0x%04x) " */
				tsc__puts(b, "(rtalert: 0x");
				tsc__put_hex(b, ra, 4);
				tsc__puts(b, ") ");
			}
			break;
		case 0xc2:
			if (ol != 4) {
				put_opt(b, "(jumbo: invalid len ", ol, false, ")");
				return false;
			}
			if (!tsc_cur_be32(&d, &j))
				return false;
			if (found) {
				if (v)
					put_opt(b, "(jumbo: ", j, false, " - already seen) ");
			} else if (!hbh) {
				found = true;
				if (v)
					put_opt(b, "(jumbo: ", j, false,
						" - not a hop-by-hop option) ");
			} else if (w->payload_len != 0) {
				found = true;
				if (v)
					put_opt(b, "(jumbo: ", j, false, " - payload len != 0) ");
			} else if (j < 65536) {
				found = true;
				if (v)
					put_opt(b, "(jumbo: ", j, false, " - < 65536) ");
			} else {
				found = true;
				w->found_jumbo = true;
				w->payload_len = j;
				if (v)
					put_opt(b, "(jumbo: ", j, false, ") ");
			}
			break;
		default:
			if (v) {
				put_opt(b, "(opt_type ", type, true, ": len=");
				put_opt(b, "", ol, false, ")");
			}
			break;
		}
	}
	if (v)
		tsc__putc(b, ' ');
	return true;
}

/* Returns the header length, or -1 when the packet's printing ends. */
static long ext_opts(struct tsc__pr *pr, struct tsc_cur c, struct ip6_walk *w, bool hbh)
{
	uint8_t l8;
	uint32_t hlen;
	struct tsc_cur body;

	if (!tsc_cur_peek_u8(&c, 1, &l8)) {
		tsc__trunc_jmp(pr, hbh ? "hbhopt" : "dstopt");
		return -1;
	}
	hlen = ((uint32_t)l8 + 1) << 3;
	/* tcpdump names the header only once all of it is captured */
	if (!tsc_cur_has(&c, hlen)) {
		tsc__trunc(pr, hbh ? "hbhopt" : "dstopt");
		return -1;
	}
	tsc__puts(pr->b, hbh ? "HBH " : "DSTOPT ");
	body = c;
	body.len = hlen;
	(void)tsc_cur_skip(&body, 2);
	if ((hbh || pr->o->vflag) && !ip6_opts(pr, body, w, hbh)) {
		tsc__trunc(pr, hbh ? "hbhopt" : "dstopt");
		return -1;
	}
	return (long)hlen;
}

static long frag6_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t off_in_pkt,
			const struct tsc_wire_ip6 *ip6)
{
	struct tsc_buf *b = pr->b;
	uint16_t offlg;
	uint32_t ident = 0;
	uint64_t rest = 40 + (uint64_t)ip6->plen - off_in_pkt - 8;

	if (!tsc_cur_skip(&c, 2) || !tsc_cur_be16(&c, &offlg) ||
	    (!tsc_cur_be32(&c, &ident) && pr->o->vflag)) {
		tsc__trunc_jmp(pr, "frag6");
		return -1;
	}
	tsc__puts(b, "frag (");
	if (pr->o->vflag) {
		tsc__puts(b, "0x");
		tsc__put_hex(b, ident, 8);
		tsc__putc(b, ':');
	}
	tsc__put_u(b, offlg & 0xfff8);
	tsc__putc(b, '|');
	tsc__put_u(b, rest);
	tsc__putc(b, ')');
	if (offlg & 0xfff8)
		return -1;
	tsc__putc(b, ' ');
	return 8;
}

static long rt6_print(struct tsc__pr *pr, struct tsc_cur c, uint8_t *ph_dst)
{
	struct tsc_buf *b = pr->b;
	uint8_t nxt, len, type, segleft;
	uint32_t rsv;

	if (!tsc_cur_u8(&c, &nxt)) {
		/* no byte of the header: ip6_print's own check */
		tsc__trunc(pr, "ip6");
		return -1;
	}
	/* tcpdump prints each field as it reads it (GET_ macros) */
	tsc__puts(b, "RT6");
	if (!tsc_cur_u8(&c, &len))
		goto trunc;
	tsc__puts(b, " (len=");
	tsc__put_u(b, len);
	if (!tsc_cur_u8(&c, &type))
		goto trunc;
	tsc__puts(b, ", type=");
	tsc__put_u(b, type);
	if (type == 0)
		tsc__puts(b, " [Deprecated]");
	if (!tsc_cur_u8(&c, &segleft))
		goto trunc;
	tsc__puts(b, ", segleft=");
	tsc__put_u(b, segleft);
	if (type != 0 && type != 2) {
		tsc__puts(b, " (unknown type)");
		tsc__invalid(pr);
		return -1;
	}
	if (!tsc_cur_be32(&c, &rsv))
		goto trunc;
	if (pr->o->vflag) {
		tsc__puts(b, ", rsv=0x");
		tsc__put_hex(b, rsv, 0);
	}
	if (len % 2 == 1) {
		tsc__invalid(pr);
		return -1;
	}
	for (unsigned i = 0; i < len / 2u; i++) {
		uint8_t a[16];

		if (!tsc_cur_bytes(&c, a, 16))
			goto trunc;
		tsc__puts(b, ", [");
		tsc__put_u(b, i);
		tsc__putc(b, ']');
		tsc__put_ip6(b, a);
		memcpy(ph_dst, a, 16);
	}
	tsc__puts(b, ") ");
	return ((long)len + 1) << 3;
trunc:
	tsc__trunc_jmp(pr, "rt6");
	return -1;
}

static void ip6_verbose(struct tsc__pr *pr, const struct tsc_wire_ip6 *ip6)
{
	struct tsc_buf *b = pr->b;

	tsc__putc(b, '(');
	if (ip6->tclass) {
		tsc__puts(b, "class 0x");
		tsc__put_hex(b, ip6->tclass, 2);
		tsc__puts(b, ", ");
	}
	if (ip6->flow) {
		tsc__puts(b, "flowlabel 0x");
		tsc__put_hex(b, ip6->flow, 5);
		tsc__puts(b, ", ");
	}
	tsc__puts(b, "hlim ");
	tsc__put_u(b, ip6->hlim);
	tsc__puts(b, ", next-header ");
	tsc__puts(b, tsc__ipproto_name(ip6->nxt));
	tsc__puts(b, " (");
	tsc__put_u(b, ip6->nxt);
	tsc__puts(b, ") payload length: ");
	tsc__put_u(b, ip6->plen);
	tsc__puts(b, ") ");
}

static void missing(struct tsc_buf *b, uint64_t n)
{
	tsc__puts(b, "truncated-ip6 - ");
	tsc__put_u(b, n);
	tsc__puts(b, " bytes missing!");
}

/* The upper layer: fix up the length for jumbograms, then demux. */
static void ip6_upper(struct tsc__pr *pr, struct tsc_cur c, uint32_t length, uint32_t total,
		      struct ip6_walk *w, bool found_ext, struct tsc__l3 *l3, struct tsc_cur all)
{
	uint32_t len;

	if (w->found_jumbo) {
		uint64_t l = (uint64_t)w->payload_len + 40;

		if (l < total) {
			tsc__trunc(pr, "ip6");
			return;
		}
		if (length < l)
			missing(pr->b, l - length);
		len = (uint32_t)(l - total);
		c = all;
		(void)tsc_cur_skip(&c, total);
		if (c.len > len)
			c.len = len;
	} else if (w->payload_len == 0) {
		if (found_ext) {
			tsc__trunc(pr, "ip6");
			return;
		}
		len = 0;
		c.len = 0;
	} else {
		len = (uint32_t)(w->payload_len + 40 - total);
	}
	switch (l3->nh) {
	case 6:
		tsc__tcp_print(pr, c, len, l3);
		break;
	case 17:
		tsc__udp_print(pr, c, len, l3);
		break;
	case 58:
		tsc__icmp6_print(pr, c, len, l3);
		break;
	case 4:
		tsc__ip4_print(pr, c, len);
		break;
	case 41:
		tsc__ip6_print(pr, c, len);
		break;
	case 59:
		tsc__puts(pr->b, "no next header");
		break;
	default:
		tsc__puts(pr->b, " ip-proto-");
		tsc__put_u(pr->b, l3->nh);
		tsc__putc(pr->b, ' ');
		tsc__put_u(pr->b, len);
		break;
	}
}

void tsc__ip6_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_ip6 ip6;
	struct tsc__l3 l3 = { .ver = 6 };
	enum tsc_decode r = tsc_wire_ip6_decode(c, length, &ip6);
	struct ip6_walk w;
	struct tsc_cur all, cur;
	uint32_t total = 40;
	bool found_ext = false, found_hbh = false;
	uint8_t nh, nh_next, ph = 255;

	if (r == TSC_DECODE_TRUNC) {
		tsc__trunc(pr, "ip6");
		return;
	}
	if (length < 40) {
		tsc__puts(b, "truncated-ip6 ");
		tsc__put_u(b, length);
		return;
	}
	if (!pr->o->eflag)
		tsc__puts(b, "IP6 ");
	if (ip6.ver != 6) {
		tsc__puts(b, "version error: ");
		tsc__put_u(b, ip6.ver);
		tsc__puts(b, " != 6");
		return;
	}
	if (ip6.plen && length < (uint32_t)ip6.plen + 40)
		missing(b, (uint32_t)ip6.plen + 40 - length);
	if (pr->o->vflag)
		ip6_verbose(pr, &ip6);
	w.payload_len = ip6.plen;
	w.found_jumbo = false;
	l3.ip6 = &ip6;
	memcpy(l3.ph_dst, ip6.dst, 16);
	/* all: the datagram from the IPv6 header on, as captured */
	all = c;
	if (ip6.plen && all.len > (size_t)ip6.plen + 40)
		all.len = (size_t)ip6.plen + 40;
	cur = ip6.after;
	nh = ip6.nxt;
	if (nh != 6 && nh != 17 && nh != 33 && nh != 132) {
		tsc__put_ip6(b, ip6.src);
		tsc__puts(b, " > ");
		tsc__put_ip6(b, ip6.dst);
		tsc__puts(b, ": ");
	}
	for (;;) {
		long adv;

		switch (nh) {
		case 0:
			if (found_hbh) {
				tsc__puts(b, "[The Hop-by-Hop Options header was already found]");
				tsc__invalid(pr);
				return;
			}
			if (ph != 255) {
				tsc__puts(
					b,
					"[The Hop-by-Hop Options header don't follow the IPv6 header]");
				tsc__invalid(pr);
				return;
			}
			adv = ext_opts(pr, cur, &w, true);
			if (adv >= 0 && w.payload_len == 0 && !w.found_jumbo) {
				tsc__puts(b, "[No valid Jumbo Payload Hop-by-Hop option found]");
				tsc__invalid(pr);
				return;
			}
			found_hbh = true;
			break;
		case 60:
			adv = ext_opts(pr, cur, &w, false);
			break;
		case 44:
			adv = frag6_print(pr, cur, total, &ip6);
			l3.fragmented = true;
			break;
		case 43:
			adv = rt6_print(pr, cur, l3.ph_dst);
			break;
		default:
			l3.nh = nh;
			ip6_upper(pr, cur, length, total, &w, found_ext, &l3, all);
			return;
		}
		if (adv < 0)
			return;
		found_ext = true;
		if (!tsc_cur_peek_u8(&cur, 0, &nh_next))
			return;
		/* tcpdump's frag6 case stops once the capture is used up; after
		 * the other headers it goes on to the next one even then */
		if (!tsc_cur_skip(&cur, (size_t)adv) || (nh == 44 && cur.len == 0))
			return;
		ph = nh;
		nh = nh_next;
		total += (uint32_t)adv;
	}
}

/* ---- ARP (RFC 826) ---- */

static bool nonzero(struct tsc_cur a)
{
	uint8_t x;

	while (tsc_cur_u8(&a, &x))
		if (x)
			return true;
	return false;
}

static void arp_paddr(struct tsc_buf *b, const struct tsc_wire_arp *a, struct tsc_cur pa)
{
	uint8_t ip[4];

	if (a->pro != TSC_ETH_IPV4 && a->pro != 0x1000)
		tsc__puts(b, "<wrong proto type>");
	else if (a->pln != 4)
		tsc__puts(b, "<wrong len>");
	else if (!tsc_cur_bytes(&pa, ip, sizeof(ip)))
		tsc__puts(b, "<wrong len>");
	else
		tsc__put_ip4(b, ip);
}

static const char *arp_op(uint16_t op)
{
	switch (op) {
	case 1:
		return "Request";
	case 2:
		return "Reply";
	case 3:
		return "Reverse Request";
	case 4:
		return "Reverse Reply";
	case 8:
		return "Inverse Request";
	case 9:
		return "Inverse Reply";
	case 10:
		return "NACK Reply";
	default:
		return NULL;
	}
}

static void arp_hrd_pro(struct tsc_buf *b, const struct tsc_wire_arp *a)
{
	switch (a->hrd) {
	case 1:
		tsc__puts(b, "Ethernet");
		break;
	case 6:
		tsc__puts(b, "IEEE 802");
		break;
	case 15:
		tsc__puts(b, "Frame Relay");
		break;
	case 19:
		tsc__puts(b, "ATM");
		break;
	default:
		tsc__puts(b, "Unknown Hardware (");
		tsc__put_u(b, a->hrd);
		tsc__putc(b, ')');
	}
	tsc__puts(b, " (len ");
	tsc__put_u(b, a->hln);
	tsc__puts(b, "), ");
	if (a->pro == TSC_ETH_IPV4) {
		tsc__puts(b, "IPv4");
	} else if (a->pro == TSC_ETH_IPV6) {
		tsc__puts(b, "IPv6");
	} else {
		tsc__puts(b, "Unknown Protocol (0x");
		tsc__put_hex(b, a->pro, 4);
		tsc__putc(b, ')');
	}
	tsc__puts(b, " (len ");
	tsc__put_u(b, a->pln);
	tsc__putc(b, ')');
}

void tsc__arp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_arp a;
	const char *op;

	if (tsc_wire_arp_decode(c, &a) != TSC_DECODE_OK) {
		/* tcpdump 4.99.3 reads the fixed part and the addresses with
		 * GET_ macros: a short capture ends in its longjmp */
		tsc__trunc_jmp(pr, "arp");
		return;
	}
	if (!pr->o->eflag)
		tsc__puts(b, "ARP, ");
	if ((a.pro != TSC_ETH_IPV4 && a.pro != 0x1000) || a.pln != 4 || a.hln == 0 ||
	    pr->o->vflag) {
		arp_hrd_pro(b, &a);
		if (!pr->o->vflag)
			goto out;
	}
	op = arp_op(a.op);
	if (pr->o->vflag)
		tsc__puts(b, ", ");
	if (op) {
		tsc__puts(b, op);
	} else {
		tsc__puts(b, "Unknown (");
		tsc__put_u(b, a.op);
		tsc__putc(b, ')');
	}
	tsc__putc(b, ' ');
	switch (a.op) {
	case 1:
		tsc__puts(b, "who-has ");
		arp_paddr(b, &a, a.tpa);
		if (nonzero(a.tha)) {
			tsc__puts(b, " (");
			tsc__put_mac(b, a.tha);
			tsc__putc(b, ')');
		}
		tsc__puts(b, " tell ");
		arp_paddr(b, &a, a.spa);
		break;
	case 2:
		arp_paddr(b, &a, a.spa);
		tsc__puts(b, " is-at ");
		tsc__put_mac(b, a.sha);
		break;
	case 3:
	case 8:
		tsc__puts(b, "who-is ");
		tsc__put_mac(b, a.tha);
		tsc__puts(b, " tell ");
		tsc__put_mac(b, a.sha);
		break;
	case 4:
		tsc__put_mac(b, a.tha);
		tsc__puts(b, " at ");
		arp_paddr(b, &a, a.tpa);
		break;
	case 9:
		tsc__put_mac(b, a.sha);
		tsc__puts(b, " at ");
		arp_paddr(b, &a, a.spa);
		break;
	default:
		if (!pr->o->xflag && !pr->o->Xflag && !pr->o->Aflag)
			tsc__hex_ascii_print(b, "\n\t", c);
		return;
	}
out:
	tsc__puts(b, ", length ");
	tsc__put_u(b, length);
}
