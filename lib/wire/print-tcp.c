/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCP printer (tcpdump 4.99.3 print-tcp.c and print-mptcp.c formats):
 * flags, relative sequence numbers per conversation, checksum with -v, every
 * option kind, RST payload with -v. Relative sequence numbers need state: a
 * bounded open-addressing table keyed like tcpdump's tcp_seq_hash (canonical
 * address/port order); when full the least recently used entry is replaced
 * and counted, so memory stays fixed whatever the traffic.
 */
#include <string.h>

#include "core/cursor.h"
#include "wire/internal.h"

/* ---- relative sequence numbers ---- */

static uint32_t seq_hash(const struct tsc__seq_entry *k)
{
	uint32_t h = 2166136261u ^ k->port;

	for (int i = 0; i < 16; i++)
		h = (h ^ k->src[i] ^ ((uint32_t)k->dst[i] << 8)) * 16777619u;
	return h;
}

static bool seq_same(const struct tsc__seq_entry *a, const struct tsc__seq_entry *b)
{
	return a->v6 == b->v6 && a->port == b->port && !memcmp(a->src, b->src, 16) &&
	       !memcmp(a->dst, b->dst, 16);
}

/* Finds the conversation or returns the slot to (re)use; *found says which. */
static struct tsc__seq_entry *seq_lookup(struct tsc_wire_printer *p, const struct tsc__seq_entry *k,
					 bool *found)
{
	uint32_t h = seq_hash(k), mask = p->seq_cap - 1;
	struct tsc__seq_entry *oldest = NULL;
	bool pow2 = (p->seq_cap & mask) == 0;

	for (uint32_t i = 0; i < 16; i++) {
		uint32_t idx = pow2 ? (h + i) & mask : (h + i) % p->seq_cap;
		struct tsc__seq_entry *e = &p->seq[idx];

		if (!e->used) {
			*found = false;
			return e;
		}
		if (seq_same(e, k)) {
			*found = true;
			return e;
		}
		if (!oldest || e->stamp < oldest->stamp)
			oldest = e;
	}
	p->seq_evicted++;
	*found = false;
	return oldest;
}

static void tcp_relative(struct tsc_wire_printer *p, const struct tsc__l3 *l3,
			 const struct tsc_wire_tcp *t, uint32_t *seq, uint32_t *ack, bool *rev,
			 uint32_t *thseq, uint32_t *thack)
{
	struct tsc__seq_entry k;
	const uint8_t *src, *dst;
	size_t alen = l3->ver == 6 ? 16 : 4;
	struct tsc__seq_entry *e;
	bool found;

	memset(&k, 0, sizeof(k));
	src = l3->ver == 6 ? l3->ip6->src : l3->ip4->src;
	dst = l3->ver == 6 ? l3->ip6->dst : l3->ip4->dst;
	*rev = t->sport > t->dport || (t->sport == t->dport && memcmp(src, dst, alen) > 0);
	k.v6 = l3->ver == 6;
	if (*rev) {
		memcpy(k.src, dst, alen);
		memcpy(k.dst, src, alen);
		k.port = (uint32_t)t->dport << 16 | t->sport;
	} else {
		memcpy(k.src, src, alen);
		memcpy(k.dst, dst, alen);
		k.port = (uint32_t)t->sport << 16 | t->dport;
	}
	e = seq_lookup(p, &k, &found);
	if (!found || (t->flags & TSC_TH_SYN)) {
		k.used = 1;
		if (*rev) {
			k.ack = *seq;
			k.seq = *ack - 1;
		} else {
			k.seq = *seq;
			k.ack = *ack - 1;
		}
		*e = k;
	} else if (*rev) {
		*seq -= e->ack;
		*ack -= e->seq;
	} else {
		*seq -= e->seq;
		*ack -= e->ack;
	}
	e->stamp = ++p->seq_clock;
	*thseq = e->seq;
	*thack = e->ack;
}

/* ---- options ---- */

static const char *opt_name(uint8_t kind)
{
	switch (kind) {
	case 0:
		return "eol";
	case 1:
		return "nop";
	case 2:
		return "mss";
	case 3:
		return "wscale";
	case 4:
		return "sackOK";
	case 5:
		return "sack";
	case 6:
		return "echo";
	case 7:
		return "echoreply";
	case 8:
		return "TS";
	case 11:
		return "cc";
	case 12:
		return "ccnew";
	case 13:
		return "";
	case 19:
		return "md5";
	case 20:
		return "scps";
	case 28:
		return "uto";
	case 29:
		return "tcp-ao";
	case 30:
		return "mptcp";
	case 34:
		return "tfo";
	case 254:
		return "exp";
	default:
		return NULL;
	}
}

/* The rest of c as lowercase hex, two digits a byte. */
static void put_bytes_hex(struct tsc_buf *b, struct tsc_cur c)
{
	static const char hx[] = "0123456789abcdef";
	uint8_t x;

	while (tsc_cur_u8(&c, &x)) {
		tsc__putc(b, hx[x >> 4]);
		tsc__putc(b, hx[x & 0xf]);
	}
}

/* label, then the next 4 bytes (or 8 when wide) of c as a big-endian number,
 * in hex when hex; false (nothing read) when c is too short. */
static bool put_num(struct tsc_buf *b, const char *label, bool wide, bool hex, struct tsc_cur *c)
{
	uint64_t v;
	uint32_t v32;

	if (wide) {
		if (!tsc_cur_be64(c, &v))
			return false;
	} else {
		if (!tsc_cur_be32(c, &v32))
			return false;
		v = v32;
	}
	tsc__puts(b, label);
	if (hex)
		tsc__put_hex(b, v, 0);
	else
		tsc__put_u(b, v);
	return true;
}

/* label, then the next byte of c in decimal. */
static bool put_u8(struct tsc_buf *b, const char *label, struct tsc_cur *c)
{
	uint8_t v;

	if (!tsc_cur_u8(c, &v))
		return false;
	tsc__puts(b, label);
	tsc__put_u(b, v);
	return true;
}

/* MP_CAPABLE (RFC 8684 3.1); c is past the subtype byte. */
static bool mptcp_capable(struct tsc_buf *b, struct tsc_cur c, uint32_t len, uint8_t st,
			  uint8_t flags)
{
	unsigned ver = st & 0xfu;
	uint8_t f;

	if (!((len == 12 || len == 4) && (flags & TSC_TH_SYN)) &&
	    !((len == 20 || len == 22) && (flags & (TSC_TH_SYN | TSC_TH_ACK)) == TSC_TH_ACK))
		return false;
	if (ver > 1) {
		tsc__puts(b, " Unknown Version (");
		tsc__put_u(b, ver);
		tsc__putc(b, ')');
		return true;
	}
	if (!tsc_cur_u8(&c, &f))
		return false;
	tsc__puts(b, " v");
	tsc__put_u(b, ver);
	if (f & 0x80)
		tsc__puts(b, " csum");
	if (len == 12 || len >= 20) {
		if (!put_num(b, " {0x", true, true, &c))
			return false;
		if (len >= 20 && !put_num(b, ",0x", true, true, &c))
			return false;
		tsc__putc(b, '}');
	}
	return true;
}

/* MP_JOIN (RFC 8684 3.2): SYN, SYN/ACK and third-ACK forms by length. */
static bool mptcp_join(struct tsc_buf *b, struct tsc_cur c, uint32_t len, uint8_t st, uint8_t flags)
{
	struct tsc_cur hmac;

	if (!(len == 12 && (flags & TSC_TH_SYN)) &&
	    !(len == 16 && (flags & (TSC_TH_SYN | TSC_TH_ACK)) == (TSC_TH_SYN | TSC_TH_ACK)) &&
	    !(len == 24 && (flags & TSC_TH_ACK)))
		return false;
	if (len != 24) {
		if (st & 1)
			tsc__puts(b, " backup");
		if (!put_u8(b, " id ", &c))
			return false;
	} else if (!tsc_cur_skip(&c, 1)) {
		return false;
	}
	if (len == 12)
		return put_num(b, " token 0x", false, true, &c) &&
		       put_num(b, " nonce 0x", false, true, &c);
	if (len == 16)
		return put_num(b, " hmac 0x", true, true, &c) &&
		       put_num(b, " nonce 0x", false, true, &c);
	if (!tsc_cur_sub(&c, 20, &hmac))
		return false;
	tsc__puts(b, " hmac 0x");
	put_bytes_hex(b, hmac);
	return true;
}

/* DSS (RFC 8684 3.3): flags, then the fields they announce; the data ACK
 * and data sequence number are 8 bytes wide when their flag says so. */
static bool mptcp_dss(struct tsc_buf *b, struct tsc_cur c, uint32_t len, uint8_t flags)
{
	uint8_t f;

	if (len < 4 || (flags & TSC_TH_SYN) || !tsc_cur_u8(&c, &f))
		return false;
	if (f & 0x10)
		tsc__puts(b, " fin");
	if ((f & 0x01) && !put_num(b, " ack ", f & 0x02, false, &c))
		return false;
	if (f & 0x04) {
		uint32_t subseq;
		uint16_t dlen, csum;

		if (!put_num(b, " seq ", f & 0x08, false, &c) || !tsc_cur_be32(&c, &subseq))
			return false;
		tsc__puts(b, " subseq ");
		tsc__put_u(b, subseq);
		if (!tsc_cur_be16(&c, &dlen))
			return false;
		tsc__puts(b, " len ");
		tsc__put_u(b, dlen);
		if (tsc_cur_be16(&c, &csum)) {
			tsc__puts(b, " csum 0x");
			tsc__put_hex(b, csum, 0);
		}
	}
	return c.len == 0;
}

/* ADD_ADDR (RFC 8684 3.4.1): the length tells the address family and
 * whether a port and a truncated HMAC follow. */
static bool mptcp_add_addr(struct tsc_buf *b, struct tsc_cur c, uint32_t len, uint8_t st)
{
	static const struct {
		unsigned v;
		const char *s;
	} echo[] = { { 6, "v0-ip6" }, { 4, "v0-ip4" }, { 1, "v1-echo" }, { 0, "v1" } };
	const char *es = "[bad version/echo]";
	bool v6 = len > 18, port, hmac;
	uint8_t a[16];
	uint16_t pn;

	if (!(len == 8 || len == 10 || len == 16 || len == 18 || len == 20 || len == 22 ||
	      len == 28 || len == 30))
		return false;
	port = len == 10 || len == 18 || len == 22 || len == 30;
	hmac = len == 16 || len == 18 || len == 28 || len == 30;
	for (unsigned i = 0; i < TSC_ARRAY_SIZE(echo); i++)
		if (echo[i].v == (st & 0xfu))
			es = echo[i].s;
	tsc__putc(b, ' ');
	tsc__puts(b, es);
	if (!put_u8(b, " id ", &c) || !tsc_cur_bytes(&c, a, v6 ? 16 : 4))
		return false;
	tsc__putc(b, ' ');
	if (v6)
		tsc__put_ip6(b, a);
	else
		tsc__put_ip4(b, a);
	if (port) {
		if (!tsc_cur_be16(&c, &pn))
			return false;
		tsc__putc(b, ':');
		tsc__put_u(b, pn);
	}
	return !hmac || put_num(b, " hmac 0x", true, true, &c);
}

/* RFC 8684 section 3; c is the option data after kind and length, len the
 * declared option length. Returns false for tcpdump's "[bad opt]". */
static bool mptcp_print(struct tsc_buf *b, struct tsc_cur c, uint32_t len, uint8_t flags)
{
	static const char *const names[] = { "capable",	 "join",       "dss",
					     "add-addr", "rem-addr",   "prio",
					     "fail",	 "fast-close", "unknown" };
	uint8_t st, id;
	unsigned sub;

	if (len < 3 || !tsc_cur_u8(&c, &st))
		return false;
	sub = st >> 4;
	if (sub > 8)
		sub = 8;
	tsc__putc(b, ' ');
	tsc__put_u(b, len);
	tsc__putc(b, ' ');
	tsc__puts(b, names[sub]);
	switch (sub) {
	case 0:
		return mptcp_capable(b, c, len, st, flags);
	case 1:
		return mptcp_join(b, c, len, st, flags);
	case 2:
		return mptcp_dss(b, c, len, flags);
	case 3:
		return mptcp_add_addr(b, c, len, st);
	case 4:
		if (len < 4)
			return false;
		tsc__puts(b, " id");
		while (tsc_cur_u8(&c, &id)) {
			tsc__putc(b, ' ');
			tsc__put_u(b, id);
		}
		return true;
	case 5:
		if (len != 3 && len != 4)
			return false;
		tsc__puts(b, (st & 1) ? " backup" : " non-backup");
		return len != 4 || put_u8(b, " id ", &c);
	case 6:
	case 7:
		if (len != 12 || !tsc_cur_skip(&c, 1))
			return false;
		return put_num(b, sub == 6 ? " seq " : " key 0x", true, sub == 7, &c);
	default:
		return true;
	}
}

/* TCP Fast Open (RFC 7413 section 4.1.1): d is the cookie. */
static void tfo_print(struct tsc__pr *pr, struct tsc_cur d, bool exp)
{
	size_t n = d.len;

	if (exp)
		tsc__puts(pr->b, "tfo");
	if (n == 0) {
		tsc__puts(pr->b, " cookiereq");
	} else if (n % 2 != 0 || n < 4 || n > 16) {
		tsc__invalid(pr);
	} else {
		tsc__puts(pr->b, " cookie ");
		put_bytes_hex(pr->b, d);
	}
}

struct tcp_ctx {
	const struct tsc__l3 *l3;
	const struct tsc_wire_tcp *t;
	uint32_t length; /* payload length */
	bool rev;
	uint32_t thseq, thack;
	/* what "[|...]" names: tcpdump's mptcp_print sets ndo_protocol to
	 * "mptcp", so every later truncation of the packet says so */
	const char *proto;
};

static void md5_print(struct tsc__pr *pr, const struct tcp_ctx *x, struct tsc_cur sig)
{
	/* tcpdump with libcrypto: it cannot check without -M, says why */
	if (x->t->seg.len < x->t->hlen + (size_t)x->length)
		tsc__puts(pr->b, "snaplen too short, ");
	else
		tsc__puts(pr->b, "shared secret not supplied with -M, ");
	tsc__puts(pr->b, "can't check - ");
	put_bytes_hex(pr->b, sig);
}

/* SACK blocks (RFC 2018 section 3), relative to the conversation's base. */
static void sack_print(struct tsc_buf *b, const struct tcp_ctx *x, struct tsc_cur d, uint32_t dl)
{
	uint32_t base = x->rev ? x->thseq : x->thack;

	if (dl % 8 != 0) {
		tsc__puts(b, " invalid sack");
		return;
	}
	tsc__putc(b, ' ');
	tsc__put_u(b, dl / 8);
	tsc__putc(b, ' ');
	while (tsc_cur_has(&d, 8)) {
		uint32_t s, e;

		(void)tsc_cur_be32(&d, &s);
		(void)tsc_cur_be32(&d, &e);
		tsc__putc(b, '{');
		tsc__put_u(b, (uint32_t)(s - base));
		tsc__putc(b, ':');
		tsc__put_u(b, (uint32_t)(e - base));
		tsc__putc(b, '}');
	}
}

/* TCP-AO (RFC 5925 section 2.2): key ids, then the MAC, as far as captured. */
static void tcp_ao_print(struct tsc__pr *pr, struct tsc_cur d, uint32_t dl)
{
	if (dl < 2) {
		tsc__invalid(pr);
		return;
	}
	/* tcpdump prints " mac 0x" before it checks the MAC's first byte */
	if (put_u8(pr->b, " keyid ", &d) && put_u8(pr->b, " rnextkeyid ", &d) && dl > 2) {
		tsc__puts(pr->b, " mac 0x");
		put_bytes_hex(pr->b, d);
	}
}

/* Prints one option's data; false: "[bad opt]" (mptcp/exp) */
static bool opt_data_print(struct tsc__pr *pr, const struct tcp_ctx *x,
			   const struct tsc_wire_tcpopt *o)
{
	struct tsc_buf *b = pr->b;
	struct tsc_cur d = o->data;
	uint32_t dl = o->len >= 2 ? o->len - 2u : 0;

	switch (o->kind) {
	case 2:
	case 3:
	case 6:
	case 7:
	case 11:
	case 12:
	case 13:
		tsc__putc(b, ' ');
		tsc__put_u(b, o->v[0]);
		return true;
	case 5:
		sack_print(b, x, d, dl);
		return true;
	case 8:
		tsc__puts(b, " val ");
		tsc__put_u(b, o->v[0]);
		tsc__puts(b, " ecr ");
		tsc__put_u(b, o->v[1]);
		return true;
	case 19:
		tsc__putc(b, ' ');
		md5_print(pr, x, d);
		return true;
	case 20: {
		uint8_t cap;

		if (!tsc_cur_u8(&d, &cap))
			return false;
		tsc__puts(b, " cap ");
		tsc__put_hex(b, cap, 2);
		return put_u8(b, " id ", &d);
	}
	case 28: {
		uint32_t uto = o->v[0];

		tsc__puts(b, " 0x");
		tsc__put_hex(b, uto, 0);
		uto = (uto & 1) ? (uto >> 1) * 60 : uto >> 1;
		tsc__putc(b, ' ');
		tsc__put_u(b, uto);
		return true;
	}
	case 29:
		tcp_ao_print(pr, d, dl);
		return true;
	case 0:
	case 1:
	case 4:
		return true;
	case 30:
		return mptcp_print(b, d, o->len, x->t->flags);
	case 34:
		tsc__putc(b, ' ');
		tfo_print(pr, d, false);
		return true;
	case 254: {
		uint16_t magic;

		/* RFC 6994: a 16-bit experiment id leads the data */
		if (dl < 2 || !tsc_cur_be16(&d, &magic))
			return false;
		tsc__putc(b, '-');
		if (magic == 0xf989)
			tfo_print(pr, d, true);
		else
			tsc__put_hex(b, magic, 4);
		return true;
	}
	default:
		if (dl)
			tsc__puts(b, " 0x");
		put_bytes_hex(b, d);
		return true;
	}
}

/* SACK and TCP-AO with a length tcpdump calls invalid: it prints that
 * without reading the data, so a short capture does not end the option. */
static bool opt_data_unread(const struct tsc_wire_tcpopt *o)
{
	uint32_t dl = o->len >= 2 ? o->len - 2u : 0;

	return (o->kind == 5 && dl % 8 != 0) || (o->kind == 29 && dl < 2);
}

/* Declared option bytes after option i (kind and length bytes included). */
static uint32_t opt_area_left(const struct tsc_wire_tcp *t, unsigned i)
{
	uint32_t used = 0;

	for (unsigned k = 0; k <= i && k < t->nopt; k++)
		used += t->opt[k].len;
	return t->hlen - 20 > used ? t->hlen - 20 - used : 0;
}

static void opts_print(struct tsc__pr *pr, struct tcp_ctx *x)
{
	struct tsc_buf *b = pr->b;
	const struct tsc_wire_tcp *t = x->t;
	bool trunc_next = false; /* the capture ends at the next option */
	unsigned i;

	tsc__puts(b, ", options [");
	for (i = 0; i < t->nopt; i++) {
		const struct tsc_wire_tcpopt *o = &t->opt[i];
		const char *name = opt_name(o->kind);
		uint32_t used;

		if (i)
			tsc__putc(b, ',');
		if (name) {
			tsc__puts(b, name);
		} else {
			tsc__puts(b, "unknown-");
			tsc__put_u(b, o->kind);
		}
		if (o->status == TSC_DECODE_BAD)
			goto bad;
		if (o->status == TSC_DECODE_TRUNC && opt_data_unread(o)) {
			(void)opt_data_print(pr, x, o);
			trunc_next = opt_area_left(t, i) > 0;
			continue;
		}
		if (o->status == TSC_DECODE_TRUNC) {
			if (o->kind == 5 || o->kind == 29 || !opt_name(o->kind))
				(void)opt_data_print(pr, x, o);
			/* tcpdump's LENCHECK goes to its local trunc label: it
			 * closes with '>' once an option has been printed */
			tsc__trunc(pr, x->proto);
			if (i)
				tsc__putc(b, '>');
			return;
		}
		if (o->kind == 30)
			x->proto = "mptcp";
		if (!opt_data_print(pr, x, o))
			goto bad;
		used = (uint32_t)o->data.len + (o->kind <= 1 ? 1u : 2u);
		if (o->kind == 5 && (o->len - 2u) % 8 != 0)
			used = o->len;
		if (used != o->len) {
			tsc__puts(b, "[len ");
			tsc__put_u(b, o->len);
			tsc__putc(b, ']');
		}
	}
	if (t->opt_status == TSC_DECODE_TRUNC || trunc_next) {
		if (t->nopt)
			tsc__putc(b, ',');
		tsc__trunc_jmp(pr, x->proto);
		return;
	}
	if (t->opt_status == TSC_DECODE_BAD) {
		if (t->nopt)
			tsc__putc(b, ',');
		goto bad;
	}
	tsc__putc(b, ']');
	return;
bad:
	/* tcpdump closes the list only when an option before the bad one was
	 * printed (its ch != '\0'); i is the bad option's index (nopt when the
	 * walk itself stopped on a bad length) */
	tsc__puts(b, "[bad opt]");
	if (i > 0)
		tsc__putc(b, ']');
	pr->stop = true;
}

static void rst_data_print(struct tsc__pr *pr, struct tsc_cur d, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	uint32_t n = length;

	tsc__puts(b, d.len >= length ? " [RST" : " [!RST");
	if (n > 30) {
		n = 30;
		tsc__putc(b, '+');
	}
	tsc__putc(b, ' ');
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ch;

		if (!tsc_cur_u8(&d, &ch))
			break;
		tsc__put_char_vis(b, ch);
	}
	tsc__putc(b, ']');
}

static void ports_print(struct tsc_buf *b, const struct tsc__l3 *l3, const struct tsc_wire_tcp *t)
{
	bool direct = l3->ver == 6 ? l3->ip6->nxt == 6 : l3->ip4->proto == 6;

	if (direct) {
		if (l3->ver == 6)
			tsc__put_ip6(b, l3->ip6->src);
		else
			tsc__put_ip4(b, l3->ip4->src);
		tsc__putc(b, '.');
	}
	tsc__put_u(b, t->sport);
	tsc__puts(b, " > ");
	if (direct) {
		if (l3->ver == 6)
			tsc__put_ip6(b, l3->ip6->dst);
		else
			tsc__put_ip4(b, l3->ip4->dst);
		tsc__putc(b, '.');
	}
	tsc__put_u(b, t->dport);
	tsc__puts(b, ": ");
}

static void flags_print(struct tsc_buf *b, uint8_t f)
{
	static const char fl[] = "FSRP.UEW";

	tsc__puts(b, "Flags [");
	if (!f)
		tsc__puts(b, "none");
	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			tsc__putc(b, fl[i]);
	tsc__putc(b, ']');
}

static void cksum_print(struct tsc__pr *pr, const struct tsc__l3 *l3, const struct tsc_wire_tcp *t,
			uint32_t length)
{
	uint16_t sum;

	if (t->seg.len < length)
		return;
	sum = tsc__l4_cksum(l3, t->seg, length, 6);
	tsc__puts(pr->b, ", cksum 0x");
	tsc__put_hex(pr->b, t->sum, 4);
	if (sum != 0) {
		tsc__puts(pr->b, " (incorrect -> 0x");
		tsc__put_hex(pr->b, tsc__cksum_shouldbe(t->sum, sum), 4);
		tsc__putc(pr->b, ')');
	} else {
		tsc__puts(pr->b, " (correct)");
	}
}

static void tcp_body_print(struct tsc__pr *pr, struct tcp_ctx *x, uint32_t length)
{
	struct tsc_buf *b = pr->b;
	const struct tsc_wire_tcp *t = x->t;
	uint32_t seq = t->seq, ack = t->ack;

	flags_print(b, t->flags);
	if (!pr->o->Sflag && (t->flags & TSC_TH_ACK))
		tcp_relative(pr->p, x->l3, t, &seq, &ack, &x->rev, &x->thseq, &x->thack);
	if (t->hlen > length) {
		tsc__puts(b, " [bad hdr length ");
		tsc__put_u(b, t->hlen);
		tsc__puts(b, " - too long, > ");
		tsc__put_u(b, length);
		tsc__putc(b, ']');
		return;
	}
	if (pr->o->vflag && !pr->o->Kflag && !x->l3->fragmented)
		cksum_print(pr, x->l3, t, length);
	length -= t->hlen;
	x->length = length;
	if (pr->o->vflag > 1 || length > 0 || (t->flags & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST))) {
		tsc__puts(b, ", seq ");
		tsc__put_u(b, seq);
		if (length > 0) {
			tsc__putc(b, ':');
			tsc__put_u(b, (uint32_t)(seq + length));
		}
	}
	if (t->flags & TSC_TH_ACK) {
		tsc__puts(b, ", ack ");
		tsc__put_u(b, ack);
	}
	tsc__puts(b, ", win ");
	tsc__put_u(b, t->win);
	if (t->flags & TSC_TH_URG) {
		tsc__puts(b, ", urg ");
		tsc__put_u(b, t->urp);
	}
}

void tsc__tcp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length, const struct tsc__l3 *l3)
{
	struct tsc_buf *b = pr->b;
	struct tsc_wire_tcp t;
	struct tcp_ctx x = { .l3 = l3, .t = &t, .proto = "tcp" };
	enum tsc_decode r = tsc_wire_tcp_decode(c, length, &t);

	if (!t.have_ports) {
		if (l3->ver == 6) {
			tsc__put_ip6(b, l3->ip6->src);
			tsc__puts(b, " > ");
			tsc__put_ip6(b, l3->ip6->dst);
		} else {
			tsc__put_ip4(b, l3->ip4->src);
			tsc__puts(b, " > ");
			tsc__put_ip4(b, l3->ip4->dst);
		}
		tsc__putc(b, ':');
		tsc__trunc(pr, "tcp");
		return;
	}
	ports_print(b, l3, &t);
	if (!t.have_hdr) {
		tsc__trunc(pr, "tcp");
		return;
	}
	if (r == TSC_DECODE_BAD) {
		tsc__puts(b, " tcp ");
		tsc__put_u(b, (uint32_t)(length - t.hlen));
		tsc__puts(b, " [bad hdr length ");
		tsc__put_u(b, t.hlen);
		tsc__puts(b, " - too short, < 20]");
		return;
	}
	if (pr->o->qflag) {
		tsc__puts(b, "tcp ");
		tsc__put_u(b, (uint32_t)(length - t.hlen));
		if (t.hlen > length) {
			tsc__puts(b, " [bad hdr length ");
			tsc__put_u(b, t.hlen);
			tsc__puts(b, " - too long, > ");
			tsc__put_u(b, length);
			tsc__putc(b, ']');
		}
		return;
	}
	tcp_body_print(pr, &x, length);
	if (t.hlen > length)
		return;
	if (t.hlen > 20) {
		tsc_wire_tcp_opts_decode(&t);
		opts_print(pr, &x);
		if (pr->stop)
			return;
	}
	tsc__puts(b, ", length ");
	tsc__put_u(b, x.length);
	if (x.length == 0)
		return;
	if (c.len < t.hlen) {
		tsc__puts(b, " [remaining caplen(");
		tsc__put_u(b, c.len);
		tsc__puts(b, ") < header length(");
		tsc__put_u(b, t.hlen);
		tsc__puts(b, ")]");
		tsc__trunc(pr, x.proto);
		return;
	}
	if ((t.flags & TSC_TH_RST) && pr->o->vflag) {
		(void)tsc_cur_skip(&c, t.hlen);
		rst_data_print(pr, c, x.length);
	}
}
