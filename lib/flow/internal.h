/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between the files of lib/flow: sequence-number comparisons modulo
 * 2^32 (RFC 9293 section 3.4) and the history hook.
 */
#ifndef TSC_FLOW_INTERNAL_H
#define TSC_FLOW_INTERNAL_H

#include <stdint.h>

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

void tsc__flow_history(struct tsc_flow *f, int side, const struct tsc_flow_seg *s);

#endif
