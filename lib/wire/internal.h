/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between lib/wire's printers: the printer object, the per-packet
 * print state, and the formatting helpers (addresses, numbers, hex dumps).
 */
#ifndef TSC_WIRE_INTERNAL_H
#define TSC_WIRE_INTERNAL_H

#include <string.h>

#include "wire/wire.h"

/* Inline fast paths of tsc_buf_put/puts/putc for the printers, which call
 * them ~40 times a packet: when the bytes fit below the capacity and below
 * the sink's flush mark, copy in place; otherwise (growth, flush, sticky
 * error) take the out-of-line path, which keeps tsc_buf's semantics. */
static inline bool tsc__fits(const struct tsc_buf *b, size_t n)
{
	return !b->err && b->cap > n && b->len < b->cap - n &&
	       (!b->sink || b->len + n < b->flush_at);
}

static inline void tsc__put(struct tsc_buf *b, const void *p, size_t n)
{
	if (tsc__fits(b, n)) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
	} else {
		tsc_buf_put(b, p, n);
	}
}

static inline void tsc__puts(struct tsc_buf *b, const char *s)
{
	tsc__put(b, s, strlen(s));
}

static inline void tsc__putc(struct tsc_buf *b, char c)
{
	if (tsc__fits(b, 1))
		b->p[b->len++] = c;
	else
		tsc_buf_putc(b, c);
}

/* Decimal digits of v into dst (21 bytes); returns the length. Two digits a
 * step from a table: the printers format ~6 numbers a packet. */
size_t tsc__fmt_dec(char *dst, uint64_t v);

struct tsc__seq_entry {
	uint8_t used, v6;
	uint32_t port; /* sport << 16 | dport of the canonical direction */
	uint8_t src[16], dst[16];
	uint32_t seq, ack;
	uint64_t stamp; /* last use, for eviction */
};

struct tsc__ifname {
	uint32_t index;
	char name[17];
};

struct tsc_wire_printer {
	struct tsc_wire_opts o;
	/* relative sequence numbers: a bounded open-addressing table */
	struct tsc__seq_entry *seq;
	uint32_t seq_cap;
	uint64_t seq_clock, seq_evicted;
	/* timestamps */
	bool have_prev, have_first;
	int64_t prev_sec, first_sec;
	uint32_t prev_frac, first_frac;
	/* SLL2 interface names */
	struct tsc__ifname ifn[16];
	unsigned ifn_next;
};

/* Per-packet print state. stop plays the part of tcpdump's longjmp: once a
 * truncation marker is printed nothing else of the packet is. jmp records
 * that the truncation was one tcpdump reaches by longjmp (a GET_ macro
 * reading past the capture) rather than by its printer's own check and
 * return: then tcpdump forgets the link header length, and -x, -X and -A
 * dump the packet from its first byte. */
struct tsc__pr {
	struct tsc_wire_printer *p;
	const struct tsc_wire_opts *o;
	struct tsc_buf *b;
	bool stop;
	bool jmp;
};

/* " [|proto]" once per packet: tcpdump's nd_print_trunc() after a check of
 * the printer's own (ND_TTEST, ND_TCHECK and goto trunc) */
void tsc__trunc(struct tsc__pr *pr, const char *proto);
/* the same, where tcpdump's read itself fails and longjmps (ND_TRUNCATED) */
void tsc__trunc_jmp(struct tsc__pr *pr, const char *proto);
void tsc__invalid(struct tsc__pr *pr);
void tsc__put_ip4(struct tsc_buf *b, const uint8_t *a);
void tsc__put_ip6(struct tsc_buf *b, const uint8_t *a);
void tsc__put_mac(struct tsc_buf *b, struct tsc_cur c); /* every byte of c, colon-separated */
void tsc__put_u(struct tsc_buf *b, uint64_t v);
void tsc__put_hex(struct tsc_buf *b, uint64_t v, int width); /* lowercase, no 0x */
/* tcpdump's -x, -X and -A dumps of every byte of c */
void tsc__hex_print(struct tsc_buf *b, const char *ident, struct tsc_cur c);
void tsc__hex_ascii_print(struct tsc_buf *b, const char *ident, struct tsc_cur c);
void tsc__ascii_print(struct tsc_buf *b, struct tsc_cur c);
/* The first min(n, c.len) bytes of c. */
static inline struct tsc_cur tsc__cur_head(struct tsc_cur c, size_t n)
{
	struct tsc_cur head;

	if (!tsc_cur_sub(&c, c.len < n ? c.len : n, &head))
		return tsc_cur_make(NULL, 0);
	return head;
}
void tsc__put_char_vis(struct tsc_buf *b, uint8_t c); /* tcpdump's fn_print_char */

/* layer printers; length = declared length handed down */
void tsc__ether_type_print(struct tsc__pr *pr, uint16_t type, struct tsc_cur c, uint32_t length);
void tsc__ip4_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length);
void tsc__ip6_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length);
void tsc__arp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length);

/* What a transport printer knows about the network layer below it. */
struct tsc__l3 {
	int ver;			/* 4 or 6 */
	const struct tsc_wire_ip4 *ip4; /* ver 4 */
	const struct tsc_wire_ip6 *ip6; /* ver 6 */
	uint8_t nh;			/* the protocol field that led here */
	uint8_t ph_dst[16];		/* pseudo-header destination (after routing) */
	bool fragmented;
};

void tsc__tcp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		    const struct tsc__l3 *l3);
void tsc__udp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		    const struct tsc__l3 *l3);
void tsc__icmp_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		     const struct tsc__l3 *l3);
void tsc__icmp6_print(struct tsc__pr *pr, struct tsc_cur c, uint32_t length,
		      const struct tsc__l3 *l3);
/* Pseudo-header checksum for TCP/UDP/ICMPv6 over seg (length len). */
uint16_t tsc__l4_cksum(const struct tsc__l3 *l3, struct tsc_cur seg, uint32_t len, uint8_t proto);
const char *tsc__ipproto_name(uint8_t p);
/* tcpdump's in_cksum_shouldbe(): the value the checksum field should hold. */
static inline uint16_t tsc__cksum_shouldbe(uint16_t sum, uint16_t computed)
{
	uint32_t s = (uint32_t)sum + computed;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#endif
