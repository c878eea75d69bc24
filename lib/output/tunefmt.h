/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of `tune` (diag/tune.h): the report as text or JSON, the
 * commented sysctl.d snippet of --emit, and the lines that say what was (or
 * would be) written. Formatting only; which sysctls to show, and everything
 * that reads or writes the kernel, is the caller's. Keys and layouts are
 * documented in doc/cmd/tune.md.
 */
#ifndef TSC_OUTPUT_TUNEFMT_H
#define TSC_OUTPUT_TUNEFMT_H

#include <stdbool.h>

#include "core/buf.h"
#include "diag/tune.h"

struct tsc_tunefmt {
	const char *kernel; /* release of the running kernel ("6.18.0") */
	const char *netns;  /* --netns NAME, or NULL */
	bool in_netns;	    /* running outside the initial network namespace */
	bool truth;	    /* text: also each sysctl's full explanation */
	const bool *show;   /* per item of the tune (same index): shown; NULL = all */
};

/* The namespace as the reports name it: NAME, "(the one tcpscope runs in)"
 * or "(initial: the host's)". */
const char *tsc_tunefmt_where(const struct tsc_tunefmt *o);

/* The report for people: kernel and namespace, what was observed, the
 * number of recommended changes, then per shown sysctl its scope, current
 * value and default, what it does, the advice and why (wrapped at 78). */
void tsc_tunefmt_text(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_obs *obs);

/* The same as one pretty-printed JSON document: kernel, netns, in_netns,
 * observed {...}, sysctls [...]. */
void tsc_tunefmt_json(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_obs *obs);

/* A sysctl.d snippet of plan p: a comment header, then per entry its change
 * and evidence as comments and "key = value". from_sets: the values came
 * from --set, not from the recommendations of t. */
void tsc_tunefmt_emit(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_plan *p, bool from_sets);

/* "key: OLD -> NEW" per entry of p, OLD from prev (same order). */
void tsc_tunefmt_changes(struct tsc_buf *b, const struct tsc_tune_plan *prev,
			 const struct tsc_tune_plan *p);

/* "would write key = value (valid; add --apply)" per entry of p. */
void tsc_tunefmt_would_write(struct tsc_buf *b, const struct tsc_tune_plan *p);

#endif
