/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope states`: the per-state census (all 11 states, zeros included, in
 * state-diagram order), optionally by local port, remote address or process,
 * once or every --interval seconds with deltas (sar -n SOCK, netstat -c).
 * Without filters or breakdowns it uses the sockdiag counting fast path.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bpf/iter.h"
#include "cli.h"
#include "core/strparse.h"
#include "core/tcpstate.h"
#include "output/json.h"
#include "output/sockfmt.h"
#include "sockdiag/census.h"
#include "sockopts.h"
#include "sys/procmap.h"

static const char usage_text[] =
	"usage: tcpscope states [--by port|remote|process] [--top N] [-4 | -6] [--state LIST]\n"
	"                       [--sport P] [--dport P] [--port P] [--src CIDR] [--dst CIDR]\n"
	"                       [-c | --interval SECONDS] [--count N] [--json] [--netns NAME]\n"
	"                       [--source netlink|proc]\n"
	"\n"
	"Count TCP sockets per state: all 11 RFC 9293 states in state-diagram order, zero\n"
	"counts included, then the total. Half-open connections (kernel request sockets,\n"
	"NEW_SYN_RECV) are counted as SYN_RECV, as ss shows them; TIME_WAIT counts the\n"
	"kernel's timewait sockets (a timewait socket still in FIN_WAIT2 substate counts\n"
	"as FIN_WAIT2). CLOSED counts bound-but-unconnected sockets where the kernel can\n"
	"dump them (Linux 6.10+).\n"
	"\n"
	"      --by KEY         break down by: port (local port), remote (remote address),\n"
	"                       process (owning pid/comm; sockets without an owner, such as\n"
	"                       TIME_WAIT, are grouped as '-')\n"
	"      --top N          show the N largest groups (default 20; 0 = all)\n"
	"      --state LIST     count only these states/groups (see 'tcpscope sockets --help')\n"
	"  -4, -6, --sport, --dport, --port, --src, --dst   filters, as in 'sockets'\n"
	"  -c                   continuous: every second (same as --interval 1)\n"
	"      --interval S     repeat every S seconds (decimals allowed) printing counts and\n"
	"                       the change since the previous sample; Ctrl-C stops\n"
	"      --count N        with -c/--interval: stop after N samples\n"
	"      --json           JSON: {\"states\": {\"LISTEN\": n, ...}, \"total\": n} (+ \"groups\");\n"
	"                       with --interval one JSON object per line, with \"delta\"\n"
	"      --netns NAME     run in network namespace /var/run/netns/NAME\n"
	"      --source S       netlink (default) or proc\n";

static const struct option longopts[] = {
	{ "by", required_argument, NULL, OPT_BY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct states_run {
	struct tsc_sockopts o;
	enum tsc_census_by by;
	uint64_t top;
	uint64_t interval_ms;
	uint64_t count;
	bool json;
	struct tsc_procmap *pm;
	struct tsc_census *c;
};

static int on_sock(const struct tsc_sock *s, void *arg)
{
	struct states_run *r = arg;
	const struct tsc_proc_owner *owners = NULL;

	if (r->pm && tsc_procmap_lookup(r->pm, s->inode, &owners) == 0)
		owners = NULL;
	tsc_census_add(r->c, s, owners);
	return 0;
}

/* One sample into a fresh census. Returns 0 or an exit code. */
static int sample(struct states_run *r)
{
	long n;

	tsc_census_free(r->c);
	r->c = tsc_census_new(r->by, 0);
	if (!r->c) {
		tsc_error("out of memory");
		return TSC_EXIT_FAIL;
	}
	if (r->by == TSC_CENSUS_BY_PROCESS) {
		tsc_procmap_free(r->pm);
		r->pm = tsc_cli_procmap();
		if (!r->pm) {
			tsc_error("cannot map sockets to processes: %s", strerror(errno));
			return TSC_EXIT_FAIL;
		}
	}
	if (r->by == TSC_CENSUS_BY_NONE && r->o.source == TSC_SOURCE_NETLINK &&
	    !tsc_sock_filter_active(&r->o.f)) {
		uint64_t counts[TSC_TCP_MAX_STATES] = { 0 };
		struct tsc_sockdiag *h = tsc_sockdiag_new();

		if (!h)
			return tsc_sockopts_dump_error(&r->o, -errno);
		/* BPF iterator census (lib/bpf/iter.h), the default unless
		 * TSC_BPF_ITER=0: counts in the kernel, >= 3x faster than the
		 * bare netlink dump (doc/internals/bpf-iter.md); any error
		 * (not root, no BTF, built without BPF, a walk that gave up)
		 * falls back to netlink silently */
		n = -EOPNOTSUPP;
		if (tsc_cli_bpf_iter() != 0)
			n = tsc_bpf_iter_census(h, &r->o.q, counts);
		if (n < 0)
			n = tsc_sockdiag_count(h, &r->o.q, counts);
		tsc_sockdiag_free(h);
		if (n >= 0)
			tsc_census_add_counts(r->c, counts);
	} else {
		n = tsc_sockopts_dump(&r->o, on_sock, r);
	}
	if (n < 0)
		return tsc_sockopts_dump_error(&r->o, n);
	return 0;
}

static const char *by_name(enum tsc_census_by by)
{
	switch (by) {
	case TSC_CENSUS_BY_PORT:
		return "port";
	case TSC_CENSUS_BY_REMOTE:
		return "remote";
	case TSC_CENSUS_BY_PROCESS:
		return "process";
	default:
		return NULL;
	}
}

static void group_label(char *dst, size_t len, const struct tsc_census_key *k,
			enum tsc_census_by by)
{
	char a[TSC_ADDRSTRLEN];

	switch (by) {
	case TSC_CENSUS_BY_PORT:
		snprintf(dst, len, "%u", k->port);
		break;
	case TSC_CENSUS_BY_REMOTE:
		tsc_fmt_addr(a, k->family, k->addr);
		snprintf(dst, len, "%s", a);
		break;
	case TSC_CENSUS_BY_PROCESS:
		if (k->pid)
			snprintf(dst, len, "%s(%d)", k->comm, k->pid);
		else
			snprintf(dst, len, "-");
		break;
	default:
		snprintf(dst, len, "-");
	}
}

static void json_states(struct tsc_json *j, const char *key, const uint64_t *counts)
{
	tsc_json_obj_begin(j, key);
	for (size_t i = 0; i < 11; i++) {
		unsigned st = tsc_tcp_state_order[i];

		tsc_json_u64(j, tsc_tcp_state_rfc(st), counts[st]);
	}
	tsc_json_obj_end(j);
}

static void json_group_key(struct tsc_json *j, const struct tsc_census_key *k,
			   enum tsc_census_by by)
{
	char a[TSC_ADDRSTRLEN];

	if (by == TSC_CENSUS_BY_PORT) {
		tsc_json_u64(j, "port", k->port);
	} else if (by == TSC_CENSUS_BY_REMOTE) {
		tsc_fmt_addr(a, k->family, k->addr);
		tsc_json_str(j, "remote", a);
	} else if (k->pid) {
		tsc_json_i64(j, "pid", k->pid);
		tsc_json_str(j, "comm", k->comm);
	} else {
		tsc_json_null(j, "pid");
		tsc_json_null(j, "comm");
	}
}

static int print_groups(struct states_run *r, struct tsc_buf *b, struct tsc_json *j)
{
	struct tsc_census_group *g = NULL;
	long n = tsc_census_groups(r->c, r->top, &g);
	bool used[TSC_TCP_MAX_STATES] = { false };
	char label[64];

	if (n < 0) {
		tsc_error("out of memory");
		return TSC_EXIT_FAIL;
	}
	if (r->json) {
		tsc_json_str(j, "by", by_name(r->by));
		tsc_json_arr_begin(j, "groups");
		for (long i = 0; i < n; i++) {
			tsc_json_obj_begin(j, NULL);
			json_group_key(j, &g[i].key, r->by);
			tsc_json_u64(j, "total", g[i].total);
			json_states(j, "states", g[i].counts);
			tsc_json_obj_end(j);
		}
		tsc_json_arr_end(j);
		tsc_json_u64(j, "groups_total", tsc_census_ngroups(r->c));
		tsc_json_u64(j, "overflow", tsc_census_overflow(r->c));
		free(g);
		return 0;
	}
	for (long i = 0; i < n; i++)
		for (unsigned st = 0; st < TSC_TCP_MAX_STATES; st++)
			used[st] |= g[i].counts[st] != 0;
	tsc_buf_printf(b, "\n%-24s %8s",
		       r->by == TSC_CENSUS_BY_PORT     ? "LOCAL PORT"
		       : r->by == TSC_CENSUS_BY_REMOTE ? "REMOTE ADDRESS"
						       : "PROCESS",
		       "TOTAL");
	for (size_t i = 0; i < 11; i++)
		if (used[tsc_tcp_state_order[i]])
			tsc_buf_printf(b, " %11s", tsc_tcp_state_netstat(tsc_tcp_state_order[i]));
	tsc_buf_putc(b, '\n');
	for (long i = 0; i < n; i++) {
		group_label(label, sizeof(label), &g[i].key, r->by);
		tsc_buf_printf(b, "%-24s %8llu", label, (unsigned long long)g[i].total);
		for (size_t k = 0; k < 11; k++) {
			unsigned st = tsc_tcp_state_order[k];

			if (used[st])
				tsc_buf_printf(b, " %11llu", (unsigned long long)g[i].counts[st]);
		}
		tsc_buf_putc(b, '\n');
	}
	if ((size_t)n < tsc_census_ngroups(r->c))
		tsc_buf_printf(b, "(%zu more; --top 0 shows all)\n",
			       tsc_census_ngroups(r->c) - (size_t)n);
	free(g);
	return 0;
}

static int print_once(struct states_run *r)
{
	struct tsc_buf b;
	struct tsc_json j;
	const uint64_t *counts = tsc_census_counts(r->c);
	int rc = 0;

	tsc_stdout_buf(&b);
	tsc_json_init(&j, &b, true);
	if (r->json) {
		tsc_json_obj_begin(&j, NULL);
		json_states(&j, "states", counts);
		tsc_json_u64(&j, "total", tsc_census_total(r->c));
	} else {
		tsc_buf_puts(&b, "STATE          COUNT\n");
		for (size_t i = 0; i < 11; i++) {
			unsigned st = tsc_tcp_state_order[i];

			tsc_buf_printf(&b, "%-12s %7llu\n", tsc_tcp_state_netstat(st),
				       (unsigned long long)counts[st]);
		}
		tsc_buf_printf(&b, "%-12s %7llu\n", "TOTAL",
			       (unsigned long long)tsc_census_total(r->c));
	}
	if (r->by != TSC_CENSUS_BY_NONE)
		rc = print_groups(r, &b, &j);
	if (r->json) {
		tsc_json_obj_end(&j);
		tsc_json_newline(&j);
	}
	if (rc) {
		tsc_buf_release(&b);
		return rc;
	}
	return tsc_stdout_finish(&b);
}

static void print_interval_header(struct tsc_buf *b)
{
	tsc_buf_puts(b, "TIME    ");
	for (size_t i = 0; i < 11; i++)
		tsc_buf_printf(b, " %13s", tsc_tcp_state_netstat(tsc_tcp_state_order[i]));
	tsc_buf_printf(b, " %13s\n", "TOTAL");
}

static void cell(struct tsc_buf *b, uint64_t now, uint64_t before, bool first)
{
	char tmp[32];

	if (first)
		snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)now);
	else
		snprintf(tmp, sizeof(tmp), "%llu(%+lld)", (unsigned long long)now,
			 (long long)(now - before));
	tsc_buf_printf(b, " %13s", tmp);
}

static void print_sample(struct states_run *r, struct tsc_buf *b, const uint64_t *prev,
			 uint64_t prev_total, bool first)
{
	const uint64_t *cur = tsc_census_counts(r->c);
	struct timespec ts;
	struct tm tm;
	char when[16];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (r->json) {
		struct tsc_json j;
		uint64_t d[TSC_TCP_MAX_STATES];

		tsc_json_init(&j, b, false);
		tsc_json_obj_begin(&j, NULL);
		tsc_json_double(&j, "ts", (double)ts.tv_sec + ts.tv_nsec / 1e9, 3);
		json_states(&j, "states", cur);
		tsc_json_u64(&j, "total", tsc_census_total(r->c));
		for (unsigned st = 0; st < TSC_TCP_MAX_STATES; st++)
			d[st] = first ? 0 : cur[st] - prev[st];
		tsc_json_obj_begin(&j, "delta");
		for (size_t i = 0; i < 11; i++) {
			unsigned st = tsc_tcp_state_order[i];

			tsc_json_i64(&j, tsc_tcp_state_rfc(st), (int64_t)d[st]);
		}
		tsc_json_obj_end(&j);
		tsc_json_obj_end(&j);
		tsc_json_newline(&j);
		return;
	}
	tsc_buf_printf(b, "%-8s", when);
	for (size_t i = 0; i < 11; i++) {
		unsigned st = tsc_tcp_state_order[i];

		cell(b, cur[st], prev[st], first);
	}
	cell(b, tsc_census_total(r->c), prev_total, first);
	tsc_buf_putc(b, '\n');
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (!tsc_interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int run_interval(struct states_run *r)
{
	uint64_t prev[TSC_TCP_MAX_STATES] = { 0 }, prev_total = 0;
	struct tsc_buf b;
	int rc = 0;

	tsc_stdout_buf(&b);
	if (!r->json)
		print_interval_header(&b);
	for (uint64_t i = 0; !tsc_interrupted && (r->count == 0 || i < r->count); i++) {
		if (i)
			sleep_ms(r->interval_ms);
		if (tsc_interrupted)
			break;
		rc = sample(r);
		if (rc)
			break;
		print_sample(r, &b, prev, prev_total, i == 0);
		memcpy(prev, tsc_census_counts(r->c), sizeof(prev));
		prev_total = tsc_census_total(r->c);
		if (tsc_buf_flush(&b) < 0)
			break;
	}
	if (rc) {
		tsc_buf_release(&b);
		return rc;
	}
	return tsc_stdout_finish(&b);
}

static int parse_by(const char *arg, enum tsc_census_by *ret)
{
	if (!strcmp(arg, "port"))
		*ret = TSC_CENSUS_BY_PORT;
	else if (!strcmp(arg, "remote"))
		*ret = TSC_CENSUS_BY_REMOTE;
	else if (!strcmp(arg, "process"))
		*ret = TSC_CENSUS_BY_PROCESS;
	else
		return tsc_usage_error("unknown breakdown '%s' (valid: port, remote, process)",
				       arg);
	return 0;
}

int cmd_states(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct states_run r = { .top = 20, .json = ctx->json };
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "46ch", longopts, NULL)) != -1) {
		int h = tsc_sockopts_handle(&r.o, opt, optarg);

		if (h < 0)
			return -h;
		if (h > 0)
			continue;
		switch (opt) {
		case OPT_BY:
			if (parse_by(optarg, &r.by))
				return TSC_EXIT_USAGE;
			break;
		case OPT_TOP:
			if (tsc_parse_u64(optarg, 0, 1000000000, &r.top) < 0)
				return tsc_usage_error("bad number '%s' for --top", optarg);
			break;
		case 'c':
			r.interval_ms = 1000;
			break;
		case OPT_INTERVAL:
			if (tsc_parse_seconds_ms(optarg, 86400000, &r.interval_ms) < 0 ||
			    r.interval_ms == 0)
				return tsc_usage_error("bad interval '%s' (seconds, > 0, e.g. 1 or "
						       "0.5)",
						       optarg);
			break;
		case OPT_COUNT:
			if (tsc_parse_u64(optarg, 1, UINT32_MAX, &r.count) < 0)
				return tsc_usage_error("bad count '%s' (a number >= 1)", optarg);
			break;
		case OPT_JSON:
			r.json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return TSC_EXIT_OK;
		default:
			return tsc_bad_option("states");
		}
	}
	if (optind < argc)
		return tsc_usage_error("unexpected argument '%s' (see 'tcpscope states --help')",
				       argv[optind]);
	if (r.count && !r.interval_ms)
		return tsc_usage_error("--count needs -c or --interval");
	rc = tsc_sockopts_finish(&r.o, TSC_TCPF_ALL);
	if (rc)
		return rc;
	if (r.interval_ms) {
		rc = run_interval(&r);
	} else {
		rc = sample(&r);
		if (!rc)
			rc = print_once(&r);
	}
	tsc_census_free(r.c);
	tsc_procmap_free(r.pm);
	return rc;
}
