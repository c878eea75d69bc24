/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of a `check` report (see checkfmt.h). Moved here from
 * cli/cmd-check.c so the command is glue only and the layouts are unit-tested.
 */
#include <string.h>

#include "core/tcpstate.h"
#include "output/checkfmt.h"
#include "output/json.h"
#include "output/nagios.h"
#include "output/wrap.h"

#define CHECK_COLS 100

/* --- human ----------------------------------------------------------------- */

static void human_headline(struct tsc_buf *b, const struct tsc_checkfmt *in)
{
	const struct tsc_check_report *rep = in->rep;

	tsc_buf_printf(b, "TCPSCOPE %s: %u critical, %u warning, %u ok (%llu sockets",
		       tsc_severity_name(rep->worst), rep->nsev[TSC_SEV_CRITICAL],
		       rep->nsev[TSC_SEV_WARNING], rep->nsev[TSC_SEV_OK],
		       (unsigned long long)in->nsockets);
	if (in->netns)
		tsc_buf_printf(b, ", netns %s", in->netns);
	if (in->interval_ms)
		tsc_buf_printf(b, ", counters over %.1f s", (double)in->interval_ms / 1000.0);
	if (in->has_port)
		tsc_buf_printf(b, ", port %u", in->port);
	if (in->process)
		tsc_buf_printf(b, ", process %s", in->process);
	tsc_buf_puts(b, ")\n");
}

static void human_problem(struct tsc_buf *b, const struct tsc_finding *f)
{
	tsc_buf_printf(b, "\n%-9s %s: %s\n", tsc_severity_name(f->severity), f->id, f->title);
	for (unsigned k = 0; k < f->nevidence; k++)
		tsc_buf_printf(b, "  %-9s %s\n", k ? "" : "evidence", f->evidence[k]);
	tsc_buf_puts(b, "  meaning   ");
	tsc_fmt_wrap(b, f->meaning, 12, "            ", CHECK_COLS);
	tsc_buf_printf(b, "  fix       [%s]", f->fix_kind);
	tsc_fmt_wrap(b, f->fix, 14 + strlen(f->fix_kind), "            ", CHECK_COLS);
}

void tsc_checkfmt_human(struct tsc_buf *b, const struct tsc_checkfmt *in)
{
	const struct tsc_check_report *rep = in->rep;

	human_headline(b, in);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->f[i].severity != TSC_SEV_OK)
			human_problem(b, &rep->f[i]);
	tsc_buf_putc(b, '\n');
	for (size_t i = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];

		if (f->severity == TSC_SEV_OK)
			tsc_buf_printf(b, "OK        %s: %s\n", f->id, f->title);
	}
}

/* --- JSON ------------------------------------------------------------------ */

static void json_threshold(struct tsc_json *j, const char *key, double v)
{
	if (v > 0)
		tsc_json_double(j, key, v, 3);
	else
		tsc_json_null(j, key);
}

static void json_sysctls(struct tsc_json *j, const struct tsc_check_sysctls *s)
{
	const struct tsc_sysctl_fact *f;
	int64_t v;

	tsc_json_obj_begin(j, "sysctls");
	for (size_t i = 0; tsc_check_sysctl_at(s, i, &f, &v); i++) {
		if (v >= 0)
			tsc_json_i64(j, f->key, v);
		else
			tsc_json_null(j, f->key);
	}
	f = tsc_sysctl_fact_find("ip_local_port_range");
	if (s->port_lo >= 0) {
		tsc_json_arr_begin(j, f->key);
		tsc_json_i64(j, NULL, s->port_lo);
		tsc_json_i64(j, NULL, s->port_hi);
		tsc_json_arr_end(j);
	} else {
		tsc_json_null(j, f->key);
	}
	tsc_json_obj_end(j);
}

static void json_counters(struct tsc_json *j, const struct tsc_check_counters *c0,
			  const struct tsc_check_counters *c1)
{
	tsc_json_obj_begin(j, "counters");
	for (size_t i = 0; i < TSC_CNT_N; i++) {
		if (!c0->have[i])
			continue;
		if (c1)
			tsc_json_i64(j, tsc_check_counter_name(i), c1->v[i] - c0->v[i]);
		else
			tsc_json_i64(j, tsc_check_counter_name(i), c0->v[i]);
	}
	tsc_json_obj_end(j);
	tsc_json_str(j, "counters_are", c1 ? "deltas over interval_s" : "totals");
}

static void json_finding(struct tsc_json *j, const struct tsc_finding *f)
{
	tsc_json_obj_begin(j, NULL);
	tsc_json_str(j, "id", f->id);
	tsc_json_str(j, "severity", tsc_severity_name(f->severity));
	tsc_json_str(j, "title", f->title);
	tsc_json_double(j, "value", f->value, 3);
	tsc_json_str(j, "unit", *f->unit ? f->unit : tsc_check_rule_unit(f->rule));
	json_threshold(j, "warn", f->th.warn);
	json_threshold(j, "crit", f->th.crit);
	tsc_json_arr_begin(j, "evidence");
	for (unsigned k = 0; k < f->nevidence; k++)
		tsc_json_str(j, NULL, f->evidence[k]);
	tsc_json_arr_end(j);
	tsc_json_str(j, "meaning", f->meaning);
	tsc_json_str(j, "fix_kind", f->fix_kind);
	tsc_json_str(j, "fix", f->fix);
	tsc_json_obj_end(j);
}

void tsc_checkfmt_json(struct tsc_buf *b, const struct tsc_checkfmt *in)
{
	const struct tsc_check_report *rep = in->rep;
	struct tsc_json j;

	tsc_json_init(&j, b, true);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "status", tsc_severity_name(rep->worst));
	tsc_json_i64(&j, "exit_code", rep->worst);
	tsc_json_str(&j, "netns", in->netns);
	if (in->interval_ms)
		tsc_json_double(&j, "interval_s", (double)in->interval_ms / 1000.0, 3);
	else
		tsc_json_null(&j, "interval_s");
	tsc_json_u64(&j, "sockets", in->nsockets);
	tsc_json_obj_begin(&j, "states");
	for (size_t i = 0; i < 11; i++)
		tsc_json_u64(&j, tsc_tcp_state_rfc(tsc_tcp_state_order[i]),
			     in->counts[tsc_tcp_state_order[i]]);
	tsc_json_obj_end(&j);
	json_sysctls(&j, in->sys);
	json_counters(&j, in->c0, in->c1);
	tsc_json_arr_begin(&j, "findings");
	for (size_t i = 0; i < rep->n; i++)
		json_finding(&j, &rep->f[i]);
	tsc_json_arr_end(&j);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

/* --- Nagios ---------------------------------------------------------------- */

static size_t add_perf(struct tsc_perf *p, size_t n, const char *label, double v, const char *uom)
{
	p[n] = (struct tsc_perf){ .label = label, .value = v, .uom = uom, .has_min = true };
	return n + 1;
}

/* A finding's perfdata item. A percentage has the range 0..100, but some
 * can exceed it (a SYN queue admits one request above its backlog): then
 * max is left out rather than claim a value above the maximum. */
static size_t finding_perf(struct tsc_perf *p, size_t n, const struct tsc_finding *f)
{
	bool is_pct = !strcmp(f->unit, "%");

	n = add_perf(p, n, f->metric, f->value, is_pct ? "%" : NULL);
	p[n - 1].has_warn = f->th.warn > 0;
	p[n - 1].warn = f->th.warn;
	p[n - 1].has_crit = f->th.crit > 0;
	p[n - 1].crit = f->th.crit;
	p[n - 1].has_max = is_pct && f->value <= 100;
	p[n - 1].max = 100;
	return n;
}

static void nagios_summary(struct tsc_buf *sum, const struct tsc_checkfmt *in)
{
	const struct tsc_check_report *rep = in->rep;

	if (rep->worst == TSC_SEV_OK) {
		tsc_buf_printf(sum, "%llu sockets, all %zu checks OK",
			       (unsigned long long)in->nsockets, rep->n);
		return;
	}
	for (size_t i = 0, k = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];

		if (f->severity == TSC_SEV_OK)
			continue;
		tsc_buf_printf(sum, "%s%s: %s", k++ ? "; " : "", f->id, f->title);
	}
}

void tsc_checkfmt_nagios(struct tsc_buf *b, const struct tsc_checkfmt *in)
{
	static const struct {
		const char *label;
		unsigned state;
	} states[] = {
		{ "syn_recv", TSC_TCP_SYN_RECV },     { "time_wait", TSC_TCP_TIME_WAIT },
		{ "close_wait", TSC_TCP_CLOSE_WAIT }, { "fin_wait2", TSC_TCP_FIN_WAIT2 },
		{ "listen", TSC_TCP_LISTEN },
	};
	const struct tsc_check_report *rep = in->rep;
	struct tsc_perf perf[TSC_CHECK_MAX_FINDINGS + 8];
	struct tsc_buf sum;
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		if (rep->f[i].metric[0])
			n = finding_perf(perf, n, &rep->f[i]);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(states); i++)
		n = add_perf(perf, n, states[i].label, (double)in->counts[states[i].state], NULL);

	tsc_buf_init(&sum, 4096);
	nagios_summary(&sum, in);
	tsc_nagios_status(b, "TCPSCOPE", (int)rep->worst, tsc_buf_str(&sum), perf, n);
	tsc_buf_release(&sum);
	/* long output: one line per problem with its first evidence and fix kind */
	for (size_t i = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];

		if (f->severity == TSC_SEV_OK)
			continue;
		tsc_buf_printf(b, "%s %s: ", tsc_severity_name(f->severity), f->id);
		tsc_nagios_text(b, f->nevidence > 1 ? f->evidence[1] : f->evidence[0]);
		tsc_buf_printf(b, " [fix: %s]\n", f->fix_kind);
	}
}

/* --- --list ---------------------------------------------------------------- */

void tsc_checkfmt_list(struct tsc_buf *b, const struct tsc_check_config *cfg)
{
	tsc_buf_printf(b, "%-14s %8s %8s  %s\n", "RULE", "WARN", "CRIT", "UNIT (alert above)");
	for (unsigned i = 0; i < TSC_CHECK_NRULES; i++)
		tsc_buf_printf(b, "%-14s %8g %8g  %s\n", tsc_check_rule_id(i), cfg->th[i].warn,
			       cfg->th[i].crit, tsc_check_rule_unit(i));
}
