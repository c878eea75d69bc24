/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet printer: timestamp, link layer, network dispatch and the
 * -x/-X/-A dumps, formatting tcpdump 4.99.3's output into a tsc_buf.
 * Timestamps use a UTC offset computed once by the caller (no per-packet
 * localtime); civil dates are computed here (Howard Hinnant's days_from_civil
 * inverse). Relative TCP sequence state lives in the printer (print-tcp.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "wire/internal.h"

#define SEQ_TABLE_DEFAULT 65536u

struct tsc_wire_printer *tsc_wire_printer_new(const struct tsc_wire_opts *opts)
{
	struct tsc_wire_printer *p = calloc(1, sizeof(*p));
	uint32_t cap = opts->seq_table_max ? opts->seq_table_max : SEQ_TABLE_DEFAULT;

	if (!p)
		return NULL;
	p->o = *opts;
	p->seq_cap = cap;
	p->seq = calloc(cap, sizeof(*p->seq));
	if (!p->seq) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

void tsc_wire_printer_free(struct tsc_wire_printer *p)
{
	if (!p)
		return;
	free(p->seq);
	free(p);
}

uint64_t tsc_wire_printer_seq_evictions(const struct tsc_wire_printer *p)
{
	return p->seq_evicted;
}

/* ---- timestamps ---- */

static void put_2(struct tsc_buf *b, unsigned v)
{
	tsc__putc(b, (char)('0' + v / 10 % 10));
	tsc__putc(b, (char)('0' + v % 10));
}

static void put_frac(struct tsc_buf *b, uint32_t frac, bool nano)
{
	char tmp[21];
	size_t n = tsc__fmt_dec(tmp, frac);
	size_t width = nano ? 9 : 6;

	tsc__putc(b, '.');
	for (size_t i = n; i < width; i++)
		tsc__putc(b, '0');
	tsc__put(b, tmp, n);
}

static void put_hms(struct tsc_buf *b, uint64_t secs_of_day_or_more)
{
	uint64_t s = secs_of_day_or_more;

	if (s / 3600 >= 100)
		tsc__put_u(b, s / 3600);
	else
		put_2(b, (unsigned)(s / 3600));
	tsc__putc(b, ':');
	put_2(b, (unsigned)(s / 60 % 60));
	tsc__putc(b, ':');
	put_2(b, (unsigned)(s % 60));
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	uint64_t doe = (uint64_t)(z - era * 146097);
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_delta(struct tsc_buf *b, int64_t s1, uint32_t f1, int64_t s0, uint32_t f0,
		      bool nano)
{
	int64_t unit = nano ? 1000000000 : 1000000;
	/* seconds and fraction apart: (s1 - s0) * unit overflows for
	 * timestamps far apart (a hostile file) */
	int64_t ds = s1 - s0, df = (int64_t)f1 - (int64_t)f0;

	ds += df / unit; /* fractions of a hostile file can exceed a second */
	df %= unit;
	if (ds > 0 && df < 0) {
		ds--;
		df += unit;
	} else if (ds < 0 && df > 0) {
		ds++;
		df -= unit;
	}
	tsc__putc(b, ds < 0 || df < 0 ? '-' : ' ');
	put_hms(b, (uint64_t)(ds < 0 ? -ds : ds));
	put_frac(b, (uint32_t)(df < 0 ? -df : df), nano);
}

static void print_ts(struct tsc_wire_printer *p, struct tsc_buf *b, int64_t sec, uint32_t frac)
{
	const struct tsc_wire_opts *o = &p->o;
	int64_t local = sec + o->utc_offset;
	int64_t days = (local >= 0 ? local : local - 86399) / 86400;
	uint64_t sod = (uint64_t)(local - days * 86400);

	switch (o->ts_mode) {
	case TSC_TS_NONE:
		return;
	case TSC_TS_UNIX:
		if (sec < 0) {
			tsc__putc(b, '-');
			tsc__put_u(b, (uint64_t)-sec);
		} else {
			tsc__put_u(b, (uint64_t)sec);
		}
		put_frac(b, frac, o->nano);
		break;
	case TSC_TS_DELTA:
		if (!p->have_prev) {
			p->prev_sec = sec;
			p->prev_frac = frac;
			p->have_prev = true;
		}
		put_delta(b, sec, frac, p->prev_sec, p->prev_frac, o->nano);
		p->prev_sec = sec;
		p->prev_frac = frac;
		break;
	case TSC_TS_SINCE_FIRST:
		if (!p->have_first) {
			p->first_sec = sec;
			p->first_frac = frac;
			p->have_first = true;
		}
		put_delta(b, sec, frac, p->first_sec, p->first_frac, o->nano);
		break;
	case TSC_TS_DATE: {
		int64_t y;
		unsigned m, d;

		civil_from_days(days, &y, &m, &d);
		tsc__put_u(b, (uint64_t)(y < 0 ? 0 : y));
		tsc__putc(b, '-');
		put_2(b, m);
		tsc__putc(b, '-');
		put_2(b, d);
		tsc__putc(b, ' ');
		put_hms(b, sod);
		put_frac(b, frac, o->nano);
		break;
	}
	default:
		put_hms(b, sod);
		put_frac(b, frac, o->nano);
		break;
	}
	tsc__putc(b, ' ');
}

/* ---- link layer ---- */

static const char *ethertype_name(uint16_t t)
{
	switch (t) {
	case TSC_ETH_IPV4:
		return "IPv4";
	case TSC_ETH_ARP:
		return "ARP";
	case TSC_ETH_IPV6:
		return "IPv6";
	case TSC_ETH_VLAN:
		return "802.1Q";
	case TSC_ETH_QINQ:
		return "802.1Q-QinQ";
	case 0x9100:
		return "802.1Q-9100";
	case 0x9200:
		return "802.1Q-9200";
	case 0x8035:
		return "Reverse ARP";
	case 0x8847:
		return "MPLS unicast";
	case 0x8848:
		return "MPLS multicast";
	case 0x8863:
		return "PPPoE D";
	case 0x8864:
		return "PPPoE S";
	case 0x888e:
		return "EAPOL";
	case 0x88cc:
		return "LLDP";
	case 0x9000:
		return "Loopback";
	default:
		return "Unknown";
	}
}

static void put_ethertype(struct tsc_buf *b, uint16_t t)
{
	tsc__puts(b, "ethertype ");
	tsc__puts(b, ethertype_name(t));
	tsc__puts(b, " (0x");
	tsc__put_hex(b, t, 4);
	tsc__putc(b, ')');
}

static void eth_header_print(struct tsc__pr *pr, const struct tsc_wire_link *l, uint32_t wirelen)
{
	struct tsc_buf *b = pr->b;

	tsc__put_mac(b, tsc_cur_make(l->src, 6));
	tsc__puts(b, " > ");
	tsc__put_mac(b, tsc_cur_make(l->dst, 6));
	tsc__puts(b, ", ");
	/* tcpdump prints the type and length once the first VLAN tag is read */
	if (l->vlan_trunc && l->nvlan == 0)
		return;
	if (l->outer_type <= 1500) {
		tsc__puts(b, "802.3");
	} else {
		put_ethertype(b, l->outer_type);
	}
	tsc__puts(b, ", length ");
	tsc__put_u(b, wirelen);
	tsc__puts(b, ": ");
}

void tsc__ether_type_print(struct tsc__pr *pr, uint16_t type, struct tsc_cur c, uint32_t length)
{
	switch (type) {
	case TSC_ETH_IPV4:
		tsc__ip4_print(pr, c, length);
		return;
	case TSC_ETH_IPV6:
		tsc__ip6_print(pr, c, length);
		return;
	case TSC_ETH_ARP:
		tsc__arp_print(pr, c, length);
		return;
	default:
		break;
	}
	if (!pr->o->xflag && !pr->o->Xflag && !pr->o->Aflag)
		tsc__hex_ascii_print(pr->b, "\n\t", c);
}

static void ether_print(struct tsc__pr *pr, const struct tsc_wire_link *l, struct tsc_cur c,
			uint32_t wirelen)
{
	uint32_t length = wirelen >= l->hdrlen ? wirelen - l->hdrlen : 0;
	bool known = l->ethertype == TSC_ETH_IPV4 || l->ethertype == TSC_ETH_IPV6 ||
		     l->ethertype == TSC_ETH_ARP;

	if (pr->o->eflag || (!known && !l->vlan_trunc))
		eth_header_print(pr, l, wirelen);
	if (pr->o->eflag) {
		for (unsigned i = 0; i < l->nvlan; i++) {
			uint16_t tci = l->vlan[i].tci;
			uint16_t next = i + 1 < l->nvlan ? l->vlan[i + 1].tpid : l->ethertype;

			tsc__puts(pr->b, "vlan ");
			tsc__put_u(pr->b, tci & 0x0fff);
			tsc__puts(pr->b, ", p ");
			tsc__put_u(pr->b, tci >> 13);
			if (tci & 0x1000)
				tsc__puts(pr->b, ", DEI");
			tsc__puts(pr->b, ", ");
			/* the type after the last whole tag is the cut-short tag's */
			if (next > 1500 && !(l->vlan_trunc && i + 1 == l->nvlan)) {
				put_ethertype(pr->b, next);
				tsc__puts(pr->b, ", ");
			}
		}
	}
	if (l->vlan_trunc) {
		tsc__trunc(pr, "vlan");
		return;
	}
	if (l->macsec)
		length = length >= 16 ? length - 16 : 0; /* the ICV is not payload */
	(void)tsc_cur_skip(&c, l->hdrlen);
	tsc__ether_type_print(pr, l->ethertype, c, length);
}

static const char *sll_pkttype(uint16_t t)
{
	switch (t) {
	case 0:
		return "In";
	case 1:
		return "B";
	case 2:
		return "M";
	case 3:
		return "P";
	case 4:
		return "Out";
	default:
		return "?";
	}
}

static void pad_right(struct tsc_buf *b, const char *s, size_t w)
{
	size_t n = strlen(s);

	tsc__put(b, s, n);
	for (; n < w; n++)
		tsc__putc(b, ' ');
}

static void pad_left(struct tsc_buf *b, const char *s, size_t w)
{
	size_t n = strlen(s);

	for (size_t i = n; i < w; i++)
		tsc__putc(b, ' ');
	tsc__put(b, s, n);
}

static const char *ifname_lookup(struct tsc_wire_printer *p, uint32_t index)
{
	char name[IF_NAMESIZE + 1];

	for (unsigned i = 0; i < TSC_ARRAY_SIZE(p->ifn); i++)
		if (p->ifn[i].index == index && p->ifn[i].name[0])
			return p->ifn[i].name;
	struct tsc__ifname *e = &p->ifn[p->ifn_next++ % TSC_ARRAY_SIZE(p->ifn)];

	e->index = index;
	if (!if_indextoname(index, name))
		memcpy(name, "?", 2);
	name[IF_NAMESIZE] = '\0';
	memcpy(e->name, name, sizeof(e->name) - 1);
	e->name[sizeof(e->name) - 1] = '\0';
	return e->name;
}

static void sll_print(struct tsc__pr *pr, const struct tsc_wire_link *l, struct tsc_cur c,
		      uint32_t wirelen)
{
	struct tsc_buf *b = pr->b;
	uint32_t length = wirelen >= l->hdrlen ? wirelen - l->hdrlen : 0;

	if (l->linktype == TSC_LINK_SLL2) {
		pad_right(b, ifname_lookup(pr->p, l->ifindex), 5);
		tsc__putc(b, ' ');
		pad_right(b, sll_pkttype(l->pkttype), 3);
		tsc__putc(b, ' ');
	}
	if (pr->o->eflag) {
		if (l->linktype == TSC_LINK_SLL2) {
			tsc__puts(b, "ifindex ");
			tsc__put_u(b, l->ifindex);
			tsc__putc(b, ' ');
		} else {
			pad_left(b, sll_pkttype(l->pkttype), 3);
			tsc__putc(b, ' ');
		}
		if (l->halen == 6) {
			tsc__put_mac(b, tsc_cur_make(l->src, 6));
			tsc__putc(b, ' ');
		}
		if (!pr->o->qflag) {
			put_ethertype(b, l->ethertype);
			tsc__puts(b, ", length ");
			tsc__put_u(b, wirelen);
			tsc__puts(b, ": ");
		}
	}
	(void)tsc_cur_skip(&c, l->hdrlen);
	tsc__ether_type_print(pr, l->ethertype, c, length);
}

static const char *bsd_af_name(uint32_t af)
{
	switch (af) {
	case 2:
		return "IPv4";
	case 24:
	case 28:
	case 30:
		return "IPv6";
	case 7:
		return "ISO";
	case 16:
		return "Appletalk";
	case 23:
		return "IPX";
	default:
		return "Unknown";
	}
}

static void null_print(struct tsc__pr *pr, const struct tsc_wire_link *l, struct tsc_cur c,
		       uint32_t wirelen)
{
	uint32_t length = wirelen >= 4 ? wirelen - 4 : 0;

	if (pr->o->eflag) {
		tsc__puts(pr->b, "AF ");
		tsc__puts(pr->b, bsd_af_name(l->af));
		tsc__puts(pr->b, " (");
		tsc__put_u(pr->b, l->af);
		tsc__puts(pr->b, "), length ");
		tsc__put_u(pr->b, wirelen);
		tsc__puts(pr->b, ": ");
	}
	(void)tsc_cur_skip(&c, 4);
	if (l->af == 2)
		tsc__ip4_print(pr, c, length);
	else if (l->af == 24 || l->af == 28 || l->af == 30)
		tsc__ip6_print(pr, c, length);
	else if (!pr->o->xflag && !pr->o->Xflag && !pr->o->Aflag)
		tsc__hex_ascii_print(pr->b, "\n\t", c);
}

static void raw_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t wirelen)
{
	uint8_t v;

	if (pr->o->eflag)
		tsc__puts(pr->b, "ip: ");
	if (wirelen < 1) {
		tsc__puts(pr->b, "truncated-ip ");
		tsc__put_u(pr->b, wirelen);
		return;
	}
	if (!tsc_cur_peek_u8(&c, 0, &v)) {
		tsc__trunc(pr, "ipN");
		return;
	}
	if ((v & 0xf0) == 0x40) {
		tsc__ip4_print(pr, c, wirelen);
	} else if ((v & 0xf0) == 0x60) {
		tsc__ip6_print(pr, c, wirelen);
	} else {
		tsc__puts(pr->b, "unknown ip ");
		tsc__put_u(pr->b, v >> 4);
	}
}

static void link_trunc(struct tsc__pr *pr, uint32_t linktype)
{
	switch (linktype) {
	case TSC_LINK_ETHERNET:
		tsc__trunc(pr, "ether");
		break;
	case TSC_LINK_SLL:
		tsc__trunc_jmp(pr, "sll");
		break;
	case TSC_LINK_SLL2:
		tsc__trunc_jmp(pr, "sll2");
		break;
	default:
		tsc__trunc_jmp(pr, "null");
		break;
	}
}

static uint32_t dispatch(struct tsc__pr *pr, uint32_t linktype, struct tsc_cur c, uint32_t wirelen)
{
	struct tsc_wire_link l;
	enum tsc_decode r = tsc_wire_link_decode(linktype, c, &l);

	if (r == TSC_DECODE_BAD) {
		tsc__puts(pr->b, "[unsupported link-type ");
		tsc__put_u(pr->b, linktype);
		tsc__putc(pr->b, ']');
		return 0;
	}
	if (r == TSC_DECODE_TRUNC && !l.vlan_trunc) {
		link_trunc(pr, linktype);
		return (uint32_t)c.len;
	}
	switch (linktype) {
	case TSC_LINK_ETHERNET:
		ether_print(pr, &l, c, wirelen);
		break;
	case TSC_LINK_SLL:
	case TSC_LINK_SLL2:
		sll_print(pr, &l, c, wirelen);
		break;
	case TSC_LINK_NULL:
	case TSC_LINK_LOOP:
		null_print(pr, &l, c, wirelen);
		break;
	default:
		raw_print(pr, c, wirelen);
		break;
	}
	/* a cut-short VLAN tag is like a cut-short Ethernet header: -x and -X
	 * dump nothing */
	return l.vlan_trunc ? (uint32_t)c.len : l.hdrlen;
}

/* tcpdump's MAXIMUM_SNAPLEN: the largest length its record sanity check
 * accepts. */
#define MAX_SNAPLEN 262144u

static void invalid_item(struct tsc_buf *b, bool *first)
{
	tsc__puts(b, *first ? "[Invalid header:" : ",");
	*first = false;
}

/*
 * tcpdump's record sanity check (pretty_print_packet): a record with no
 * captured bytes, a zero or smaller-than-captured wire length, or a length
 * above MAX_SNAPLEN is printed as "[Invalid header: ...]" alone, without a
 * timestamp, a decode or a dump. Returns true when it printed that line.
 */
static bool invalid_header(struct tsc_buf *b, uint32_t caplen, uint32_t wirelen)
{
	bool first = true;

	if (caplen == 0) {
		invalid_item(b, &first);
		tsc__puts(b, " caplen==0");
	}
	if (wirelen == 0) {
		invalid_item(b, &first);
		tsc__puts(b, " len==0");
	} else if (wirelen < caplen) {
		invalid_item(b, &first);
		tsc__puts(b, " len(");
		tsc__put_u(b, wirelen);
		tsc__puts(b, ") < caplen(");
		tsc__put_u(b, caplen);
		tsc__putc(b, ')');
	}
	if (caplen > MAX_SNAPLEN) {
		invalid_item(b, &first);
		tsc__puts(b, " caplen(");
		tsc__put_u(b, caplen);
		tsc__puts(b, ") > 262144");
	}
	if (wirelen > MAX_SNAPLEN) {
		invalid_item(b, &first);
		tsc__puts(b, " len(");
		tsc__put_u(b, wirelen);
		tsc__puts(b, ") > 262144");
	}
	if (first)
		return false;
	tsc__puts(b, "]\n");
	return true;
}

void tsc_wire_print_packet(struct tsc_wire_printer *p, struct tsc_buf *out, uint32_t linktype,
			   int64_t ts_sec, uint32_t ts_frac, const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen)
{
	struct tsc__pr pr = { .p = p, .o = &p->o, .b = out };
	struct tsc_cur c = tsc_cur_make(data, caplen);
	uint32_t hdrlen;

	/* wirelen - 1 wraps around for 0: a zero or too large wire length is
	 * one compare */
	if (caplen == 0 || wirelen < caplen || wirelen - 1 >= MAX_SNAPLEN) {
		if (invalid_header(out, caplen, wirelen))
			return;
	}
	print_ts(p, out, ts_sec, ts_frac);
	hdrlen = dispatch(&pr, linktype, c, wirelen);
	if (pr.jmp)
		hdrlen = 0;
	/* -XX (or -xx without -X) dumps the link header too; -X, -x and -A
	 * only what follows it */
	if (!(p->o.Xflag ? p->o.Xflag > 1 : p->o.xflag > 1) && !tsc_cur_skip(&c, hdrlen))
		c = tsc_cur_make(NULL, 0);
	if (p->o.Xflag)
		tsc__hex_ascii_print(out, "\n\t", c);
	else if (p->o.xflag)
		tsc__hex_print(out, "\n\t", c);
	else if (p->o.Aflag && c.len)
		tsc__ascii_print(out, c);
	tsc__putc(out, '\n');
}
