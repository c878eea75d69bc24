/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nagios/Icinga plugin output (Nagios Plugin Development Guidelines, "Plugin
 * Output" and "Performance data"): one status line
 *   SERVICE STATUS - summary | 'label'=value[UOM];[warn];[crit];[min];[max] ...
 * then optional long-output lines. Labels are single-quoted with a quote
 * doubled (''), and '=' is replaced since no parser accepts it; '|' in the
 * text parts is replaced by '/', since it starts the perfdata. Formatting only.
 */
#ifndef TSC_OUTPUT_NAGIOS_H
#define TSC_OUTPUT_NAGIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Plugin states, which are also the plugin's exit codes. */
enum tsc_nagios_state {
	TSC_NAGIOS_OK = 0,
	TSC_NAGIOS_WARNING = 1,
	TSC_NAGIOS_CRITICAL = 2,
	TSC_NAGIOS_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN" ("UNKNOWN" for anything else). */
const char *tsc_nagios_state_name(int state);

/* One performance data item. Optional fields are written empty when not
 * set, and trailing empty fields are left out. */
struct tsc_perf {
	const char *label;
	double value;
	const char *uom; /* "", "%", "s", "ms", "c" (counter), "B"...; NULL = none */
	bool has_warn, has_crit, has_min, has_max;
	double warn, crit, min, max;
};

/* A number as perfdata wants it: plain decimal, no exponent, integers without
 * a fraction, others with up to 3 decimals ("12", "0.5", "2.125"). NaN and
 * infinities become "U" (the guidelines' "unknown"). */
void tsc_nagios_number(struct tsc_buf *b, double v);

/* 'label' with quotes doubled and '=' replaced by '_'; an empty label is
 * written as 'unnamed'. */
void tsc_nagios_label(struct tsc_buf *b, const char *label);

/* One item: 'label'=value[uom];warn;crit;min;max */
void tsc_nagios_perf(struct tsc_buf *b, const struct tsc_perf *p);

/* Text for the status or long-output part: '|' becomes '/', newlines and
 * other control characters become spaces. */
void tsc_nagios_text(struct tsc_buf *b, const char *s);

/* The status line with its newline: "SERVICE STATE - summary | perf...".
 * Without perfdata (n == 0) the '|' is left out. */
void tsc_nagios_status(struct tsc_buf *b, const char *service, int state, const char *summary,
		       const struct tsc_perf *perf, size_t n);

#endif
