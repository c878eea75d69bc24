/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between the files of lib/flow: sequence-number comparisons modulo
 * 2^32 (RFC 9293 section 3.4) and the history hook.
 */
#ifndef TSC_FLOW_INTERNAL_H
#define TSC_FLOW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "flow/flow.h"

static inline bool tsc__seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool tsc__seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static inline bool tsc__seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Constant-size compares: the compiler turns them into word compares. */
static inline bool tsc__addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	return family == 4 ? !memcmp(a, b, 4) : !memcmp(a, b, 16);
}

/* tsc_flow_side, inlined into the table's lookup. */
static inline int tsc__flow_side(const struct tsc_flow *f, const struct tsc_flow_seg *s)
{
	if (s->sport == f->port[0] && s->dport == f->port[1] &&
	    tsc__addr_eq(s->src, f->addr[0], f->family) &&
	    tsc__addr_eq(s->dst, f->addr[1], f->family))
		return 0;
	if (s->sport == f->port[1] && s->dport == f->port[0] &&
	    tsc__addr_eq(s->src, f->addr[1], f->family) &&
	    tsc__addr_eq(s->dst, f->addr[0], f->family))
		return 1;
	return -1;
}

/* tsc_flow_decode_frame without its fast path (for the tests that hold the
 * two to the same results). */
int tsc__flow_decode_frame_slow(uint32_t linktype, const uint8_t *data, uint32_t caplen,
				uint32_t wirelen, struct tsc_flow_seg *ret);

/* Zeek history letters "shadfrtw" as bit numbers of hist_seen, and the bit
 * for "sent data". */
enum { H_S, H_H, H_A, H_D, H_F, H_R, H_T, H_W, K_DATA = 8 };

/* Everything one segment does to its record: tsc_flow_record, then
 * tsc_flow_analyze. Returns tsc_flow_record's result. */
bool tsc__flow_segment(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
		       struct tsc_flow_verdict *ret_v);

#endif
