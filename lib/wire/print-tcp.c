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

static void put_bytes_hex(struct tsc_buf *b, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		tsc__putc(b, hx[p[i] >> 4]);
		tsc__putc(b, hx[p[i] & 0xf]);
	}
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An MPTCP DSS data ACK or data sequence number (RFC 8684 3.3): the label,
 * then 8 bytes when wide, else 4; false when the option is too short. */
static bool put_dss_num(struct tsc_buf *b, const char *label, bool wide, struct tsc_cur *c)
{
	uint32_t hi = 0, lo;

	tsc__puts(b, label);
	if (wide && !tsc_cur_be32(c, &hi))
		return false;
	if (!tsc_cur_be32(c, &lo))
		return false;
	tsc__put_u(b, (uint64_t)hi << 32 | lo);
	return true;
}

/* RFC 8684 section 3; returns false for tcpdump's "[bad opt]". */
static bool mptcp_print(struct tsc_buf *b, const uint8_t *o, uint32_t len, uint8_t flags)
{
	static const char *const names[] = { "capable",	 "join",       "dss",
					     "add-addr", "rem-addr",   "prio",
					     "fail",	 "fast-close", "unknown" };
	unsigned sub;

	if (len < 3)
		return false;
	sub = o[2] >> 4;
	if (sub > 8)
		sub = 8;
	tsc__putc(b, ' ');
	tsc__put_u(b, len);
	tsc__putc(b, ' ');
	tsc__puts(b, names[sub]);
	switch (sub) {
	case 0: {
		unsigned ver;

		if (!((len == 12 || len == 4) && (flags & TSC_TH_SYN)) &&
		    !((len == 20 || len == 22) &&
		      (flags & (TSC_TH_SYN | TSC_TH_ACK)) == TSC_TH_ACK))
			return false;
		ver = o[2] & 0xf;
		if (ver > 1) {
			tsc__puts(b, " Unknown Version (");
			tsc__put_u(b, ver);
			tsc__putc(b, ')');
			return true;
		}
		tsc__puts(b, " v");
		tsc__put_u(b, ver);
		if (o[3] & 0x80)
			tsc__puts(b, " csum");
		if (len == 12 || len >= 20) {
			tsc__puts(b, " {0x");
			tsc__put_hex(b, be64(o + 4), 0);
			if (len >= 20) {
				tsc__puts(b, ",0x");
				tsc__put_hex(b, be64(o + 12), 0);
			}
			tsc__putc(b, '}');
		}
		return true;
	}
	case 1:
		if (!(len == 12 && (flags & TSC_TH_SYN)) &&
		    !(len == 16 &&
		      (flags & (TSC_TH_SYN | TSC_TH_ACK)) == (TSC_TH_SYN | TSC_TH_ACK)) &&
		    !(len == 24 && (flags & TSC_TH_ACK)))
			return false;
		if (len != 24) {
			if (o[2] & 1)
				tsc__puts(b, " backup");
			tsc__puts(b, " id ");
			tsc__put_u(b, o[3]);
		}
		if (len == 12) {
			tsc__puts(b, " token 0x");
			tsc__put_hex(b, be32(o + 4), 0);
			tsc__puts(b, " nonce 0x");
			tsc__put_hex(b, be32(o + 8), 0);
		} else if (len == 16) {
			tsc__puts(b, " hmac 0x");
			tsc__put_hex(b, be64(o + 4), 0);
			tsc__puts(b, " nonce 0x");
			tsc__put_hex(b, be32(o + 12), 0);
		} else {
			tsc__puts(b, " hmac 0x");
			put_bytes_hex(b, o + 4, 20);
		}
		return true;
	case 2: {
		struct tsc_cur c;
		uint8_t f;

		if (len < 4 || (flags & TSC_TH_SYN))
			return false;
		f = o[3];
		if (f & 0x10)
			tsc__puts(b, " fin");
		c = tsc_cur_make(o + 4, len - 4u);
		if ((f & 0x01) && !put_dss_num(b, " ack ", f & 0x02, &c))
			return false;
		if (f & 0x04) {
			uint32_t subseq;
			uint16_t dlen, csum;

			if (!put_dss_num(b, " seq ", f & 0x08, &c) || !tsc_cur_be32(&c, &subseq))
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
	case 3: {
		static const struct {
			unsigned v;
			const char *s;
		} echo[] = { { 6, "v0-ip6" }, { 4, "v0-ip4" }, { 1, "v1-echo" }, { 0, "v1" } };
		const char *es = "[bad version/echo]";

		if (!(len == 8 || len == 10 || len == 16 || len == 18 || len == 20 || len == 22 ||
		      len == 28 || len == 30))
			return false;
		for (unsigned i = 0; i < TSC_ARRAY_SIZE(echo); i++)
			if (echo[i].v == (o[2] & 0xfu))
				es = echo[i].s;
		tsc__putc(b, ' ');
		tsc__puts(b, es);
		tsc__puts(b, " id ");
		tsc__put_u(b, o[3]);
		tsc__putc(b, ' ');
		if (len <= 18) {
			tsc__put_ip4(b, o + 4);
			if (len == 10 || len == 18) {
				tsc__putc(b, ':');
				tsc__put_u(b, (uint32_t)o[8] << 8 | o[9]);
			}
			if (len == 16 || len == 18) {
				tsc__puts(b, " hmac 0x");
				tsc__put_hex(b, be64(o + (len == 16 ? 8 : 10)), 0);
			}
		} else {
			tsc__put_ip6(b, o + 4);
			if (len == 22 || len == 30) {
				tsc__putc(b, ':');
				tsc__put_u(b, (uint32_t)o[20] << 8 | o[21]);
			}
			if (len == 28 || len == 30) {
				tsc__puts(b, " hmac 0x");
				tsc__put_hex(b, be64(o + (len == 28 ? 20 : 22)), 0);
			}
		}
		return true;
	}
	case 4:
		if (len < 4)
			return false;
		tsc__puts(b, " id");
		for (uint32_t i = 3; i < len; i++) {
			tsc__putc(b, ' ');
			tsc__put_u(b, o[i]);
		}
		return true;
	case 5:
		if (len != 3 && len != 4)
			return false;
		tsc__puts(b, (o[2] & 1) ? " backup" : " non-backup");
		if (len == 4) {
			tsc__puts(b, " id ");
			tsc__put_u(b, o[3]);
		}
		return true;
	case 6:
	case 7:
		if (len != 12)
			return false;
		tsc__puts(b, sub == 6 ? " seq " : " key 0x");
		if (sub == 6)
			tsc__put_u(b, be64(o + 4));
		else
			tsc__put_hex(b, be64(o + 4), 0);
		return true;
	default:
		return true;
	}
}

static void tfo_print(struct tsc__pr *pr, const uint8_t *d, uint32_t n, bool exp)
{
	if (exp)
		tsc__puts(pr->b, "tfo");
	if (n == 0) {
		tsc__puts(pr->b, " cookiereq");
	} else if (n % 2 != 0 || n < 4 || n > 16) {
		tsc__invalid(pr);
	} else {
		tsc__puts(pr->b, " cookie ");
		put_bytes_hex(pr->b, d, n);
	}
}

struct tcp_ctx {
	const struct tsc__l3 *l3;
	const struct tsc_wire_tcp *t;
	uint32_t length; /* payload length */
	bool rev;
	uint32_t thseq, thack;
};

static void md5_print(struct tsc__pr *pr, const struct tcp_ctx *x, const uint8_t *sig)
{
	/* tcpdump with libcrypto: it cannot check without -M, says why */
	if (x->t->seg.len < x->t->hlen + (size_t)x->length)
		tsc__puts(pr->b, "snaplen too short, ");
	else
		tsc__puts(pr->b, "shared secret not supplied with -M, ");
	tsc__puts(pr->b, "can't check - ");
	put_bytes_hex(pr->b, sig, 16);
}

/* Prints one option's data; false: "[bad opt]" (mptcp/exp) */
static bool opt_data_print(struct tsc__pr *pr, const struct tcp_ctx *x,
			   const struct tsc_wire_tcpopt *o)
{
	struct tsc_buf *b = pr->b;
	const uint8_t *d = o->data.p;
	uint32_t n = (uint32_t)o->data.len, dl = o->len >= 2 ? o->len - 2u : 0;

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
		if (dl % 8 != 0) {
			tsc__puts(b, " invalid sack");
			return true;
		}
		tsc__putc(b, ' ');
		tsc__put_u(b, dl / 8);
		tsc__putc(b, ' ');
		for (uint32_t i = 0; i + 8 <= n; i += 8) {
			uint32_t s = be32(d + i), e = be32(d + i + 4);
			uint32_t base = x->rev ? x->thseq : x->thack;

			tsc__putc(b, '{');
			tsc__put_u(b, (uint32_t)(s - base));
			tsc__putc(b, ':');
			tsc__put_u(b, (uint32_t)(e - base));
			tsc__putc(b, '}');
		}
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
	case 20:
		tsc__puts(b, " cap ");
		tsc__put_hex(b, d[0], 2);
		tsc__puts(b, " id ");
		tsc__put_u(b, d[1]);
		return true;
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
		if (dl < 2) {
			tsc__invalid(pr);
			return true;
		}
		if (n >= 1) {
			tsc__puts(b, " keyid ");
			tsc__put_u(b, d[0]);
		}
		if (n >= 2) {
			tsc__puts(b, " rnextkeyid ");
			tsc__put_u(b, d[1]);
		}
		if (dl > 2 && n > 2) {
			tsc__puts(b, " mac 0x");
			put_bytes_hex(b, d + 2, n - 2);
		}
		return true;
	case 0:
	case 1:
	case 4:
		return true;
	case 30:
		return mptcp_print(b, d - 2, o->len, x->t->flags);
	case 34:
		tsc__putc(b, ' ');
		tfo_print(pr, d, n, false);
		return true;
	case 254: {
		uint16_t magic;

		if (dl < 2)
			return false;
		magic = (uint16_t)(d[0] << 8 | d[1]);
		tsc__putc(b, '-');
		if (magic == 0xf989)
			tfo_print(pr, d + 2, n - 2, true);
		else
			tsc__put_hex(b, magic, 4);
		return true;
	}
	default:
		if (dl)
			tsc__puts(b, " 0x");
		put_bytes_hex(b, d, n);
		return true;
	}
}

static void opts_print(struct tsc__pr *pr, const struct tcp_ctx *x)
{
	struct tsc_buf *b = pr->b;
	const struct tsc_wire_tcp *t = x->t;

	tsc__puts(b, ", options [");
	for (unsigned i = 0; i < t->nopt; i++) {
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
		if (o->status == TSC_DECODE_TRUNC) {
			if (o->kind == 5 || o->kind == 29 || !opt_name(o->kind))
				(void)opt_data_print(pr, x, o);
			/* tcpdump's LENCHECK goes to its local trunc label: it
			 * closes with '>' once an option has been printed */
			tsc__trunc(pr, "tcp");
			if (i)
				tsc__putc(b, '>');
			return;
		}
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
	if (t->opt_status == TSC_DECODE_TRUNC) {
		if (t->nopt)
			tsc__putc(b, ',');
		tsc__trunc(pr, "tcp");
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
	tsc__puts(b, "[bad opt]");
	if (t->nopt > 1 || (t->nopt == 1 && t->opt_status == TSC_DECODE_BAD))
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
	for (uint32_t i = 0; i < n && i < d.len; i++)
		tsc__put_char_vis(b, d.p[i]);
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
	struct tcp_ctx x = { .l3 = l3, .t = &t };
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
		tsc__trunc(pr, "tcp");
		return;
	}
	if ((t.flags & TSC_TH_RST) && pr->o->vflag) {
		(void)tsc_cur_skip(&c, t.hlen);
		rst_data_print(pr, c, x.length);
	}
}
