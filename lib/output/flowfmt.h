/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting of rebuilt TCP connections (lib/flow): one NDJSON object, one
 * CSV row or one table line per connection, the --summary report (states
 * reached, how connections ended, top talkers, totals) and the --follow
 * ladder diagram. Formats into a tsc_buf; never prints.
 */
#ifndef TSC_OUTPUT_FLOWFMT_H
#define TSC_OUTPUT_FLOWFMT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "flow/flow.h"

/* One NDJSON line (keys in doc/cmd/flows.md). */
void tsc_flowfmt_json(struct tsc_buf *b, const struct tsc_flow *f);
void tsc_flowfmt_csv_header(struct tsc_buf *b);
void tsc_flowfmt_csv(struct tsc_buf *b, const struct tsc_flow *f);
void tsc_flowfmt_table_header(struct tsc_buf *b);
void tsc_flowfmt_table(struct tsc_buf *b, const struct tsc_flow *f);

/* --summary: feed every emitted connection, then print. */
struct tsc_flowsum;
struct tsc_flowsum *tsc_flowsum_new(void); /* NULL + errno */
void tsc_flowsum_free(struct tsc_flowsum *s);
void tsc_flowsum_add(struct tsc_flowsum *s, const struct tsc_flow *f);
void tsc_flowsum_print(struct tsc_flowsum *s, const struct tsc_flow_stats *st, uint32_t max_flows,
		       struct tsc_buf *b);
void tsc_flowsum_json(struct tsc_flowsum *s, const struct tsc_flow_stats *st, uint32_t max_flows,
		      struct tsc_buf *b);

/* --follow: the ladder of one connection. Pass 1 found the record f (its
 * state history); pass 2 feeds the connection's segments in order.
 * Runs of data/ACK segments without a state change or trouble are folded. */
struct tsc_ladder;
struct tsc_ladder *tsc_ladder_new(const struct tsc_flow *f, struct tsc_buf *b); /* NULL+errno */
void tsc_ladder_seg(struct tsc_ladder *l, const struct tsc_flow_seg *s);
void tsc_ladder_finish(struct tsc_ladder *l);
void tsc_ladder_free(struct tsc_ladder *l);

#endif
