/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of `tune` (see tunefmt.h). Moved here from cli/cmd-tune.c so the
 * command is glue only and the layouts are unit-tested.
 */
#include <string.h>

#include "core/tcpstate.h"
#include "output/json.h"
#include "output/tunefmt.h"
#include "output/wrap.h"

#define WRAP_COLS 78
#define CONT	  "           " /* under the text after "  label    " */

const char *tsc_tunefmt_where(const struct tsc_tunefmt *o)
{
	if (o->netns)
		return o->netns;
	return o->in_netns ? "(the one tcpscope runs in)" : "(initial: the host's)";
}

static bool shown(const struct tsc_tunefmt *o, size_t i)
{
	return !o->show || o->show[i];
}

/* prefix, then text wrapped with continuation lines starting with cont */
static void put_wrapped(struct tsc_buf *b, const char *prefix, const char *text, const char *cont)
{
	tsc_buf_puts(b, prefix);
	tsc_fmt_wrap(b, text, strlen(prefix), cont, WRAP_COLS);
}

static void fmt_value(const struct tsc_sysctl_value *v, char *buf, size_t len)
{
	(void)tsc_sysctl_value_format(v, buf, len);
}

/* --- text ------------------------------------------------------------------- */

static void text_observed(struct tsc_buf *b, const struct tsc_tune_obs *obs)
{
	if (obs->have_sockets)
		tsc_buf_printf(
			b,
			"observed: ESTABLISHED %llu, SYN_RECV %llu, TIME_WAIT %llu (outgoing "
			"%llu, on listening ports %llu), LISTEN %llu (full %llu), orphans "
			"%llu (FIN_WAIT2 %llu)\n",
			(unsigned long long)obs->states[TSC_TCP_ESTABLISHED],
			(unsigned long long)obs->states[TSC_TCP_SYN_RECV],
			(unsigned long long)obs->states[TSC_TCP_TIME_WAIT],
			(unsigned long long)obs->tw_outgoing, (unsigned long long)obs->tw_incoming,
			(unsigned long long)obs->states[TSC_TCP_LISTEN],
			(unsigned long long)obs->listeners_full, (unsigned long long)obs->orphans,
			(unsigned long long)obs->orphan_fin_wait2);
	else
		tsc_buf_puts(b, "observed: socket table not readable\n");
	if (obs->dest_max)
		tsc_buf_printf(b,
			       "busiest outgoing destination: %s, %llu sockets (%llu TIME_WAIT)\n",
			       obs->dest, (unsigned long long)obs->dest_max,
			       (unsigned long long)obs->dest_max_tw);
	if (obs->have_counters)
		tsc_buf_printf(b,
			       "counters since boot/namespace start: ListenOverflows %lld, "
			       "SyncookiesSent %lld, TCPTimeWaitOverflow %lld, TCPAbortOnMemory "
			       "%lld\n",
			       (long long)obs->listen_overflows, (long long)obs->syncookies_sent,
			       (long long)obs->tw_overflow, (long long)obs->abort_on_memory);
}

static void text_item(struct tsc_buf *b, const struct tsc_tunefmt *o,
		      const struct tsc_tune_item *it)
{
	const struct tsc_sysctl_fact *f = it->fact;
	char cur[96], rec[96];

	tsc_buf_printf(b, "%s  (%s, %s)\n", f->name, f->key,
		       f->per_netns ? "per network namespace" : "HOST-WIDE");
	if (it->read_err == 0) {
		fmt_value(&it->cur, cur, sizeof(cur));
		tsc_buf_printf(b, "  current  %s, kernel default %s%s\n", cur, f->kernel_default,
			       f->default_note ? " (computed at boot)" : "");
	} else {
		tsc_buf_printf(b, "  current  (none), kernel default %s\n", f->kernel_default);
	}
	put_wrapped(b, "  does     ", f->summary, CONT);
	if (o->truth)
		put_wrapped(b, "  truth    ", f->truth, CONT);
	if (it->change) {
		fmt_value(&it->rec, rec, sizeof(rec));
		tsc_buf_printf(b, "  advice   set %s%s\n", rec,
			       it->host_wide_here ? " (host-wide: written only with --force)" : "");
	} else if (f->removed_in) {
		tsc_buf_puts(b, "  advice   nothing to set: removed\n");
	} else {
		tsc_buf_puts(b, "  advice   leave it\n");
	}
	/* "leave it: " is already the advice line */
	put_wrapped(b, "  why      ", strncmp(it->why, "leave it: ", 10) ? it->why : it->why + 10,
		    CONT);
	tsc_buf_putc(b, '\n');
}

void tsc_tunefmt_text(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_obs *obs)
{
	size_t nchange = 0;

	tsc_buf_printf(b, "tcpscope tune: Linux %s, network namespace %s\n", o->kernel,
		       tsc_tunefmt_where(o));
	text_observed(b, obs);
	for (size_t i = 0; i < t->n; i++)
		nchange += t->items[i].change && shown(o, i);
	tsc_buf_printf(b, "recommended changes: %zu%s\n\n", nchange,
		       nchange ? " (tcpscope tune --emit | --apply)" : "");
	for (size_t i = 0; i < t->n; i++)
		if (shown(o, i))
			text_item(b, o, &t->items[i]);
}

/* --- JSON ------------------------------------------------------------------- */

static void json_obs(struct tsc_json *j, const struct tsc_tune_obs *obs)
{
	tsc_json_obj_begin(j, "observed");
	tsc_json_bool(j, "sockets_read", obs->have_sockets);
	tsc_json_obj_begin(j, "states");
	for (unsigned s = 1; s <= TSC_TCP_CLOSING; s++)
		tsc_json_u64(j, tsc_tcp_state_netstat(s), obs->states[s]);
	tsc_json_obj_end(j);
	tsc_json_u64(j, "listeners_full", obs->listeners_full);
	tsc_json_u64(j, "orphans", obs->orphans);
	tsc_json_u64(j, "orphan_fin_wait2", obs->orphan_fin_wait2);
	tsc_json_u64(j, "time_wait_outgoing", obs->tw_outgoing);
	tsc_json_u64(j, "time_wait_incoming", obs->tw_incoming);
	tsc_json_str(j, "busiest_destination", obs->dest_max ? obs->dest : NULL);
	tsc_json_u64(j, "busiest_destination_sockets", obs->dest_max);
	tsc_json_u64(j, "busiest_destination_time_wait", obs->dest_max_tw);
	tsc_json_bool(j, "counters_read", obs->have_counters);
	tsc_json_obj_begin(j, "counters");
	tsc_json_i64(j, "ListenOverflows", obs->listen_overflows);
	tsc_json_i64(j, "ListenDrops", obs->listen_drops);
	tsc_json_i64(j, "SyncookiesSent", obs->syncookies_sent);
	tsc_json_i64(j, "SyncookiesFailed", obs->syncookies_failed);
	tsc_json_i64(j, "TCPTimeWaitOverflow", obs->tw_overflow);
	tsc_json_i64(j, "TCPAbortOnMemory", obs->abort_on_memory);
	tsc_json_i64(j, "TCPReqQFullDrop", obs->reqq_full_drop);
	tsc_json_obj_end(j);
	tsc_json_obj_end(j);
}

static void json_item(struct tsc_json *j, const struct tsc_tune_item *it)
{
	const struct tsc_sysctl_fact *f = it->fact;
	char v[96];

	tsc_json_obj_begin(j, NULL);
	tsc_json_str(j, "name", f->name);
	tsc_json_str(j, "key", f->key);
	tsc_json_str(j, "path", f->path);
	tsc_json_bool(j, "per_netns", f->per_netns);
	tsc_json_bool(j, "host_wide_here", it->host_wide_here);
	tsc_json_str(j, "removed_in", f->removed_in);
	fmt_value(&it->cur, v, sizeof(v));
	tsc_json_str(j, "current", it->read_err == 0 ? v : NULL);
	tsc_json_str(j, "error", it->read_err ? strerror(-it->read_err) : NULL);
	tsc_json_str(j, "default", f->kernel_default);
	tsc_json_str(j, "unit", f->unit);
	tsc_json_str(j, "summary", f->summary);
	tsc_json_str(j, "truth", f->truth);
	tsc_json_str(j, "action", it->change ? "set" : "leave");
	fmt_value(&it->rec, v, sizeof(v));
	tsc_json_str(j, "recommended", it->change ? v : NULL);
	tsc_json_str(j, "why", it->why);
	tsc_json_obj_end(j);
}

void tsc_tunefmt_json(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_obs *obs)
{
	struct tsc_json j;

	tsc_json_init(&j, b, true);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "kernel", o->kernel);
	tsc_json_str(&j, "netns", o->netns);
	tsc_json_bool(&j, "in_netns", o->in_netns);
	json_obs(&j, obs);
	tsc_json_arr_begin(&j, "sysctls");
	for (size_t i = 0; i < t->n; i++)
		if (shown(o, i))
			json_item(&j, &t->items[i]);
	tsc_json_arr_end(&j);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

/* --- writing ---------------------------------------------------------------- */

static const struct tsc_tune_item *item_of(const struct tsc_tune *t,
					   const struct tsc_sysctl_fact *f)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].fact == f)
			return &t->items[i];
	return NULL;
}

void tsc_tunefmt_emit(struct tsc_buf *b, const struct tsc_tunefmt *o, const struct tsc_tune *t,
		      const struct tsc_tune_plan *p, bool from_sets)
{
	tsc_buf_printf(b,
		       "# sysctl.d snippet from tcpscope tune (Linux %s, network namespace %s)\n",
		       o->kernel, tsc_tunefmt_where(o));
	tsc_buf_puts(b, "# Only the recommended changes, each with the evidence. Install as\n"
			"# /etc/sysctl.d/90-tcpscope.conf and load with 'sysctl --system'\n"
			"# (inside a namespace: 'ip netns exec NAME sysctl -p FILE').\n");
	if (!p->n)
		tsc_buf_puts(b, "# Nothing to change: every sysctl is best left as it is.\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct tsc_sysctl_fact *f = p->v[i].fact;
		const struct tsc_tune_item *it = item_of(t, f);
		char cur[96], val[96];

		fmt_value(&p->v[i].val, val, sizeof(val));
		tsc_buf_putc(b, '\n');
		if (it && it->read_err == 0) {
			fmt_value(&it->cur, cur, sizeof(cur));
			tsc_buf_printf(b, "# %s: %s -> %s (kernel default %s)\n", f->name, cur, val,
				       f->kernel_default);
		}
		if (it && it->change && !from_sets)
			put_wrapped(b, "# ", it->why, "# ");
		else
			tsc_buf_puts(b, "# set with --set\n");
		tsc_buf_printf(b, "%s = %s\n", f->key, val);
	}
}

void tsc_tunefmt_changes(struct tsc_buf *b, const struct tsc_tune_plan *prev,
			 const struct tsc_tune_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char a[96], v[96];

		fmt_value(&prev->v[i].val, a, sizeof(a));
		fmt_value(&p->v[i].val, v, sizeof(v));
		tsc_buf_printf(b, "%s: %s -> %s\n", p->v[i].fact->key, a, v);
	}
}

void tsc_tunefmt_would_write(struct tsc_buf *b, const struct tsc_tune_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char v[96];

		fmt_value(&p->v[i].val, v, sizeof(v));
		tsc_buf_printf(b, "would write %s = %s (valid; add --apply)\n", p->v[i].fact->key,
			       v);
	}
}
