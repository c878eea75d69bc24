/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of the built-in TCP reference (diag/reference.h, the sysctl
 * facts of diag/sysctl-facts.h) behind `explain`: one entry as wrapped text
 * or as one JSON object per line, and the topic lists. Formatting only: a
 * sysctl's current value is read by the caller (tsc_sysctl_fact_read) and
 * passed in. Keys and layouts are documented in doc/cmd/explain.md.
 */
#ifndef TSC_OUTPUT_REFFMT_H
#define TSC_OUTPUT_REFFMT_H

#include <stdbool.h>

#include "core/buf.h"
#include "diag/reference.h"
#include "diag/sysctl-facts.h"

/* One entry as text: a title line, then labelled fields wrapped at 78
 * columns. cur is the current value of a sysctl hit (required for one,
 * ignored for the other kinds). */
void tsc_reffmt_text(struct tsc_buf *b, const struct tsc_ref_hit *h,
		     const struct tsc_sysctl_current *cur);

/* One entry as one compact JSON object and a newline (NDJSON), "kind" first.
 * cur as for tsc_reffmt_text. */
void tsc_reffmt_json(struct tsc_buf *b, const struct tsc_ref_hit *h,
		     const struct tsc_sysctl_current *cur);

/* The topics of one kind, or of every kind when only is TSC_REF_NONE: as
 * text grouped under headings (with a "Try:" line for everything), or as one
 * JSON object {"topics": [{kind, name, summary}...]}. */
void tsc_reffmt_list(struct tsc_buf *b, bool json, enum tsc_ref_kind only);

#endif
