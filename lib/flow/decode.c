/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Frame -> struct tsc_flow_seg: chains the lib/wire decoders (link, IPv4,
 * IPv6, TCP) and copies the few fields flow tracking needs. It walks the IPv6
 * extension-header chain (RFC 8200 section 4) only far enough to find TCP;
 * non-first fragments are not TCP segments for us. One fast path reads the
 * shape nearly every frame of a capture has (Ethernet II, IPv4 without options
 * or IPv6 without extension headers, then TCP; a SYN's options still through
 * lib/wire's option walk) in one pass through the cursor; anything else, and
 * every frame it would judge differently, takes the lib/wire chain.
 */
#include <string.h>

#include "flow/flow.h"
#include "flow/internal.h"
#include "wire/wire.h"

enum { DEC_TCP = 1, DEC_OTHER = 0, DEC_TRUNC = -1, DEC_BAD = -2 };

/* The window scale and MSS of a SYN from lib/wire's option walk over t
 * (seg, have_hdr and hlen set). */
static void syn_opts(struct tsc_wire_tcp *t, struct tsc_flow_seg *s)
{
	tsc_wire_tcp_opts_decode(t);
	for (unsigned i = 0; i < t->nopt; i++) {
		if (t->opt[i].status != TSC_DECODE_OK)
			continue;
		if (t->opt[i].kind == 3)
			s->wscale = (int8_t)(t->opt[i].v[0] > 14 ? 14 : t->opt[i].v[0]);
		else if (t->opt[i].kind == 2)
			s->mss = (uint16_t)t->opt[i].v[0];
	}
}

static int tcp_fill(struct tsc_cur seg, uint32_t declared, struct tsc_flow_seg *s)
{
	struct tsc_wire_tcp t;
	enum tsc_decode d;

	if (seg.len > declared)
		seg.len = declared;
	/* no option array to clear: options are walked on SYNs only */
	d = tsc_wire_tcp_decode_fixed(seg, &t);
	if (d == TSC_DECODE_TRUNC)
		return DEC_TRUNC;
	if (d == TSC_DECODE_BAD || t.hlen > declared)
		return DEC_BAD;
	s->sport = t.sport;
	s->dport = t.dport;
	s->seq = t.seq;
	s->ack = t.ack;
	s->flags = t.flags;
	s->win = t.win;
	s->len = declared - t.hlen;
	s->wscale = -1;
	s->mss = 0;
	/* only SYNs carry what we need (wscale, mss): spare the walk otherwise */
	if (t.flags & TSC_TH_SYN)
		syn_opts(&t, s);
	return DEC_TCP;
}

static int ip4_fill(struct tsc_cur c, uint32_t length, struct tsc_flow_seg *s)
{
	struct tsc_wire_ip4 ip;
	enum tsc_decode d = tsc_wire_ip4_decode(c, length, &ip);

	if (d == TSC_DECODE_TRUNC)
		return DEC_TRUNC;
	if (d == TSC_DECODE_BAD)
		return DEC_BAD;
	if (ip.proto != 6)
		return DEC_OTHER;
	/* a non-first fragment carries no TCP header */
	if (ip.off & 0x1fff)
		return DEC_OTHER;
	s->family = 4;
	memset(s->src, 0, sizeof(s->src));
	memset(s->dst, 0, sizeof(s->dst));
	memcpy(s->src, ip.src, 4);
	memcpy(s->dst, ip.dst, 4);
	if (ip.payload.len == 0 && ip.payload_len > 0)
		return DEC_TRUNC;
	return tcp_fill(ip.payload, ip.payload_len, s);
}

static bool ip6_is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 44;
}

static int ip6_fill(struct tsc_cur c, uint32_t length, struct tsc_flow_seg *s)
{
	struct tsc_wire_ip6 ip6;
	enum tsc_decode d = tsc_wire_ip6_decode(c, length, &ip6);
	struct tsc_cur cur;
	uint32_t left;
	uint8_t nh;

	if (d == TSC_DECODE_TRUNC)
		return DEC_TRUNC;
	if (d == TSC_DECODE_BAD)
		return DEC_BAD;
	s->family = 6;
	memcpy(s->src, ip6.src, 16);
	memcpy(s->dst, ip6.dst, 16);
	cur = ip6.after;
	left = ip6.plen;
	nh = ip6.nxt;
	for (unsigned i = 0; i < 8 && ip6_is_ext(nh); i++) {
		uint8_t next, hl;
		uint16_t off;
		uint32_t sz;
		struct tsc_cur h = cur;

		if (!tsc_cur_u8(&h, &next) || !tsc_cur_u8(&h, &hl))
			return DEC_TRUNC;
		sz = nh == 44 ? 8u : ((uint32_t)hl + 1) * 8;
		if (nh == 44) {
			if (!tsc_cur_be16(&h, &off))
				return DEC_TRUNC;
			if (off & 0xfff8)
				return DEC_OTHER; /* not the first fragment */
		}
		if (sz > left)
			return DEC_BAD;
		if (!tsc_cur_skip(&cur, sz))
			return DEC_TRUNC;
		left -= sz;
		nh = next;
	}
	if (nh != 6)
		return DEC_OTHER;
	if (ip6.plen == 0)
		return DEC_OTHER; /* jumbogram: not worth tracking */
	return tcp_fill(cur, left, s);
}

/* The fast path reads fixed offsets of one cursor after a single length
 * check (peeks that cannot fail there: the compiler drops their checks). */
enum { FAST_NO = 2 };

static inline uint8_t peek8(const struct tsc_cur *c, size_t off)
{
	uint8_t v = 0;

	(void)tsc_cur_peek_u8(c, off, &v);
	return v;
}

static inline uint16_t peek16(const struct tsc_cur *c, size_t off)
{
	uint16_t v = 0;

	(void)tsc_cur_peek_be16(c, off, &v);
	return v;
}

static inline uint32_t peek32(const struct tsc_cur *c, size_t off)
{
	return (uint32_t)peek16(c, off) << 16 | peek16(c, off + 2);
}

/* The TCP fixed header at offset o of c (the caller checked that c holds
 * it), declared: the length the IP header gives the segment. A data offset
 * below 5 or past the declared length is BAD: FAST_NO, the general path
 * judges it. A SYN's options go through lib/wire's walk, on the segment as
 * tcp_fill() would see it (captured, cut at the declared length). */
/* Out of line: its ~1.3 KB option array would make every segment's stack
 * frame that large. */
static __attribute__((noinline)) void fast_syn_opts(const struct tsc_cur *c, size_t o,
						    uint32_t declared, uint32_t hlen,
						    struct tsc_flow_seg *s)
{
	struct tsc_wire_tcp t;

	t.seg = *c;
	(void)tsc_cur_skip(&t.seg, o);
	if (t.seg.len > declared)
		t.seg.len = declared;
	t.have_hdr = 1;
	t.hlen = hlen;
	syn_opts(&t, s);
}

static inline int fast_tcp(const struct tsc_cur *c, size_t o, uint32_t declared,
			   struct tsc_flow_seg *s)
{
	uint8_t flags = peek8(c, o + 13);
	uint32_t hlen = (uint32_t)(peek8(c, o + 12) >> 4) * 4;

	if (hlen < 20 || hlen > declared)
		return FAST_NO;
	s->sport = peek16(c, o);
	s->dport = peek16(c, o + 2);
	s->seq = peek32(c, o + 4);
	s->ack = peek32(c, o + 8);
	s->flags = flags;
	s->win = peek16(c, o + 14);
	s->len = declared - hlen;
	s->wscale = -1;
	s->mss = 0;
	if (flags & TSC_TH_SYN)
		fast_syn_opts(c, o, declared, hlen, s);
	return DEC_TCP;
}

/* Ethernet II + IPv4 (IHL 5, not a later fragment) or IPv6 (TCP as the next
 * header) + the 20-byte TCP header, all captured: exactly the fields, and the
 * verdict, of the lib/wire chain for these frames; FAST_NO for every other
 * frame (the general path then decides). */
static int fast_eth(const uint8_t *data, uint32_t caplen, uint32_t wirelen, struct tsc_flow_seg *s)
{
	struct tsc_cur c = tsc_cur_make(data, caplen), a = c;
	uint16_t type, tot, plen;

	if (!tsc_cur_has(&c, 14 + 20 + 20))
		return FAST_NO;
	type = peek16(&c, 12);
	if (type == TSC_ETH_IPV4) {
		/* IHL 5; the total length covers IP + TCP header, so the
		 * captured TCP header, min(caplen, total length) - 34, is whole */
		tot = peek16(&c, 16);
		if (wirelen < 14 + 20 || peek8(&c, 14) != 0x45 || tot < 40 ||
		    (peek16(&c, 20) & 0x1fff) || peek8(&c, 23) != 6)
			return FAST_NO;
		s->family = 4;
		memset(s->src, 0, sizeof(s->src));
		memset(s->dst, 0, sizeof(s->dst));
		(void)(tsc_cur_skip(&a, 26) && tsc_cur_bytes(&a, s->src, 4) &&
		       tsc_cur_bytes(&a, s->dst, 4));
		return fast_tcp(&c, 34, (uint32_t)tot - 20, s);
	}
	if (type == TSC_ETH_IPV6 && tsc_cur_has(&c, 14 + 40 + 20)) {
		/* version 6, the payload length (not a jumbogram) holds the TCP
		 * header, the next header is TCP (no extension headers) */
		plen = peek16(&c, 18);
		if (wirelen < 14 + 40 || (peek8(&c, 14) >> 4) != 6 || plen < 20 ||
		    peek8(&c, 20) != 6)
			return FAST_NO;
		s->family = 6;
		(void)(tsc_cur_skip(&a, 22) && tsc_cur_bytes(&a, s->src, 16) &&
		       tsc_cur_bytes(&a, s->dst, 16));
		return fast_tcp(&c, 54, plen, s);
	}
	return FAST_NO;
}

int tsc_flow_decode_frame(uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
			  struct tsc_flow_seg *s)
{
	if (linktype == TSC_LINK_ETHERNET) {
		int r = fast_eth(data, caplen, wirelen, s);

		if (r != FAST_NO) {
			s->wirelen = wirelen;
			return r;
		}
	}
	return tsc__flow_decode_frame_slow(linktype, data, caplen, wirelen, s);
}

int tsc__flow_decode_frame_slow(uint32_t linktype, const uint8_t *data, uint32_t caplen,
				uint32_t wirelen, struct tsc_flow_seg *s)
{
	struct tsc_cur c = tsc_cur_make(data, caplen);
	struct tsc_wire_link l;
	uint32_t length;
	uint8_t v;
	int family = 0;

	switch (tsc_wire_link_decode(linktype, c, &l)) {
	case TSC_DECODE_OK:
		break;
	case TSC_DECODE_TRUNC:
		return DEC_TRUNC;
	default:
		return DEC_OTHER;
	}
	if (!tsc_cur_skip(&c, l.hdrlen))
		return DEC_TRUNC;
	length = wirelen > l.hdrlen ? wirelen - l.hdrlen : 0;
	s->wirelen = wirelen;
	if (l.ethertype == TSC_ETH_IPV4)
		family = 4;
	else if (l.ethertype == TSC_ETH_IPV6)
		family = 6;
	else if (l.linktype == TSC_LINK_NULL || l.linktype == TSC_LINK_LOOP)
		family = l.af == 2						  ? 4
			 : (l.af == 10 || l.af == 24 || l.af == 28 || l.af == 30) ? 6
										  : 0;
	else if (l.linktype == TSC_LINK_RAW) {
		struct tsc_cur h = c;

		if (!tsc_cur_u8(&h, &v))
			return DEC_TRUNC;
		family = v >> 4;
	}
	if (family == 4)
		return ip4_fill(c, length, s);
	if (family == 6)
		return ip6_fill(c, length, s);
	return DEC_OTHER;
}
