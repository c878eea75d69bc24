/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nagios plugin output formatting (see nagios.h).
 */
#include <math.h>
#include <stdint.h>

#include "output/nagios.h"

const char *tsc_nagios_state_name(int state)
{
	switch (state) {
	case TSC_NAGIOS_OK:
		return "OK";
	case TSC_NAGIOS_WARNING:
		return "WARNING";
	case TSC_NAGIOS_CRITICAL:
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}

void tsc_nagios_number(struct tsc_buf *b, double v)
{
	char tmp[64];
	int n;

	if (!isfinite(v)) {
		tsc_buf_putc(b, 'U');
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		if (v == 0)
			v = 0; /* no "-0" */
		tsc_buf_printf(b, "%.0f", v);
		return;
	}
	/* %f never uses an exponent; trim trailing zeros of the 3 decimals */
	n = snprintf(tmp, sizeof(tmp), "%.3f", v);
	if (n <= 0 || (size_t)n >= sizeof(tmp)) {
		tsc_buf_putc(b, 'U');
		return;
	}
	while (n > 1 && tmp[n - 1] == '0')
		n--;
	if (tmp[n - 1] == '.')
		n--;
	tsc_buf_put(b, tmp, (size_t)n);
}

void tsc_nagios_label(struct tsc_buf *b, const char *label)
{
	tsc_buf_putc(b, '\'');
	if (!label || !*label)
		tsc_buf_puts(b, "unnamed");
	for (const char *p = label; p && *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\'')
			tsc_buf_puts(b, "''");
		else if (ch == '=' || ch < 0x20 || ch == 0x7f)
			tsc_buf_putc(b, '_');
		else
			tsc_buf_putc(b, (char)ch);
	}
	tsc_buf_putc(b, '\'');
}

void tsc_nagios_perf(struct tsc_buf *b, const struct tsc_perf *p)
{
	const bool has[4] = { p->has_warn, p->has_crit, p->has_min, p->has_max };
	const double val[4] = { p->warn, p->crit, p->min, p->max };
	int last = -1;

	tsc_nagios_label(b, p->label);
	tsc_buf_putc(b, '=');
	tsc_nagios_number(b, p->value);
	if (p->uom)
		tsc_buf_puts(b, p->uom);
	for (int i = 0; i < 4; i++)
		if (has[i])
			last = i;
	for (int i = 0; i <= last; i++) {
		tsc_buf_putc(b, ';');
		if (has[i])
			tsc_nagios_number(b, val[i]);
	}
}

void tsc_nagios_text(struct tsc_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '|')
			tsc_buf_putc(b, '/');
		else if (ch < 0x20 || ch == 0x7f)
			tsc_buf_putc(b, ' ');
		else
			tsc_buf_putc(b, (char)ch);
	}
}

void tsc_nagios_status(struct tsc_buf *b, const char *service, int state, const char *summary,
		       const struct tsc_perf *perf, size_t n)
{
	tsc_nagios_text(b, service);
	tsc_buf_putc(b, ' ');
	tsc_buf_puts(b, tsc_nagios_state_name(state));
	tsc_buf_puts(b, " - ");
	tsc_nagios_text(b, summary);
	if (n) {
		tsc_buf_puts(b, " |");
		for (size_t i = 0; i < n; i++) {
			tsc_buf_putc(b, ' ');
			tsc_nagios_perf(b, &perf[i]);
		}
	}
	tsc_buf_putc(b, '\n');
}
