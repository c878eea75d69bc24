/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The three renderings of a `check` report (diag/check.h): for people (the
 * problems first with evidence, meaning and fix, then one line per OK
 * check), one JSON document, and a Nagios/Icinga plugin status line with
 * performance data and long output (output/nagios.h). Also the rule list of
 * `check --list`. Formatting only: the caller gathers the inputs and flushes
 * the buffer. Keys and layouts are documented in doc/cmd/check.md.
 */
#ifndef TSC_OUTPUT_CHECKFMT_H
#define TSC_OUTPUT_CHECKFMT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "diag/check.h"

/* Everything a rendering shows besides the findings. All pointers are
 * borrowed; only rep is needed by the human and Nagios forms. */
struct tsc_checkfmt {
	const struct tsc_check_report *rep;
	const uint64_t *counts;			  /* per state, tsc_check_snap_counts() */
	uint64_t nsockets;			  /* sockets in scope */
	const struct tsc_check_sysctls *sys;	  /* JSON only */
	const struct tsc_check_counters *c0, *c1; /* JSON only; c1 NULL without --interval */
	uint64_t interval_ms;			  /* 0: one counter sample */
	const char *netns;			  /* NULL: the namespace tcpscope runs in */
	bool has_port;
	uint16_t port;
	const char *process; /* --process as given, or NULL */
};

/* Human report: "TCPSCOPE STATUS: ..." headline, each problem with its
 * evidence, meaning and fix (wrapped at 100 columns), then the OK checks. */
void tsc_checkfmt_human(struct tsc_buf *b, const struct tsc_checkfmt *in);

/* One pretty-printed JSON document with status, exit_code, netns,
 * interval_s, sockets, states, sysctls, counters (totals, or deltas over the
 * interval), counters_are and findings. Needs counts, sys and c0. */
void tsc_checkfmt_json(struct tsc_buf *b, const struct tsc_checkfmt *in);

/* Nagios plugin output: the status line "TCPSCOPE STATE - summary | perf"
 * and one long-output line per problem. Perfdata: each finding's metric with
 * its thresholds (percentages with min 0 and max 100, except that max is
 * left out when the value exceeds 100, e.g. a SYN queue holding one request
 * more than its backlog), then the counts of a few states. Needs counts. */
void tsc_checkfmt_nagios(struct tsc_buf *b, const struct tsc_checkfmt *in);

/* The table of `check --list`: rule, warning and critical level, unit. */
void tsc_checkfmt_list(struct tsc_buf *b, const struct tsc_check_config *cfg);

#endif
