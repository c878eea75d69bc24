/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope check`: one socket snapshot, the kernel counters (two samples
 * with --interval) and the TCP sysctls through the findings engine
 * (lib/diag/check.h), printed for people, as JSON, or as a Nagios/Icinga
 * plugin. Exit codes are the plugin's in every mode: 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN (a runtime error); a usage error exits 2 (3 with
 * --nagios). Option parsing and glue only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli.h"
#include "core/strparse.h"
#include "core/tcpstate.h"
#include "diag/check.h"
#include "output/json.h"
#include "output/nagios.h"
#include "sockdiag/sockdiag.h"
#include "sys/counters.h"
#include "sys/netns.h"
#include "sys/procmap.h"
#include "sys/sysctl.h"

#define EXIT_UNKNOWN 3

static const char usage_text[] =
	"usage: tcpscope check [--warn N] [--crit N] [--port-warn PORT:WARN[:CRIT]]...\n"
	"                      [--threshold RULE=WARN[:CRIT]]... [--interval SECONDS]\n"
	"                      [--idle SECONDS] [--port P] [--process NAME|PID] [--top N]\n"
	"                      [--json | --nagios] [--netns NAME]\n"
	"\n"
	"Diagnose TCP from one snapshot of the kernel's socket table, the kernel counters\n"
	"(/proc/net/snmp, /proc/net/netstat) and the TCP sysctls. Every finding has a\n"
	"severity, the evidence, what it means in TCP terms and the fix (application bug or\n"
	"kernel setting). Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (error).\n"
	"\n"
	"      --warn N, --crit N     ESTABLISHED thresholds (default 600, 800; alert above)\n"
	"      --port-warn P:W[:C]    ESTABLISHED thresholds for local port P (repeatable)\n"
	"      --threshold R=W[:C]    thresholds of rule R (repeatable; 0 disables a level);\n"
	"                             rules and units: see --list\n"
	"      --list                 list the rules with their default thresholds and units\n"
	"      --interval S           sample the counters twice, S seconds apart, for rates\n"
	"      --idle S               ESTABLISHED idle this long without keepalive is suspect\n"
	"                             (default 3600)\n"
	"      --port P               only sockets with local or remote port P\n"
	"      --process NAME|PID     only sockets of this process (by comm or pid), plus the\n"
	"                             half-open and TIME_WAIT sockets of its listening ports\n"
	"      --top N                evidence items per finding (default 5, at most 8)\n"
	"      --json                 one JSON document\n"
	"      --nagios               Nagios/Icinga plugin output with performance data\n"
	"      --netns NAME           run in network namespace /var/run/netns/NAME\n"
	"      --proc-net DIR         read snmp and netstat from DIR (default /proc/self/net)\n"
	"      --sysctl-root DIR      read sysctls below DIR (default /proc/sys)\n";

enum {
	OPT_WARN = 0x100,
	OPT_CRIT,
	OPT_PORT_WARN,
	OPT_THRESHOLD,
	OPT_LIST,
	OPT_INTERVAL,
	OPT_IDLE,
	OPT_PORT,
	OPT_PROCESS,
	OPT_TOP,
	OPT_JSON,
	OPT_NAGIOS,
	OPT_NETNS,
	OPT_PROC_NET,
	OPT_SYSCTL_ROOT,
};

static const struct option longopts[] = {
	{ "warn", required_argument, NULL, OPT_WARN },
	{ "crit", required_argument, NULL, OPT_CRIT },
	{ "port-warn", required_argument, NULL, OPT_PORT_WARN },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "process", required_argument, NULL, OPT_PROCESS },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "nagios", no_argument, NULL, OPT_NAGIOS },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "proc-net", required_argument, NULL, OPT_PROC_NET },
	{ "sysctl-root", required_argument, NULL, OPT_SYSCTL_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct check_run {
	struct tsc_check_config cfg;
	bool json, nagios, list;
	const char *netns;
	const char *proc_net, *sysctl_root;
	uint64_t interval_ms, idle_ms;
	bool has_port;
	uint16_t port;
	const char *process;
	int32_t process_pid; /* > 0 when --process is a number */
	/* state */
	struct tsc_procmap *pm;
	struct tsc_check_snap *snap;
	uint16_t proc_ports[64]; /* listening ports of --process */
	unsigned nproc_ports;
	uint64_t nsockets;
};

/* A failure: a one-line error, as the plugin's UNKNOWN status with --nagios.
 * Returns the exit code. */
__attribute__((format(printf, 3, 4))) static int fail(const struct check_run *r, int code,
						      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->nagios) {
		struct tsc_buf b;

		tsc_stdout_buf(&b);
		tsc_nagios_status(&b, "TCPSCOPE", TSC_NAGIOS_UNKNOWN, msg, NULL, 0);
		(void)tsc_stdout_finish(&b);
		return EXIT_UNKNOWN;
	}
	tsc_error("%s", msg);
	return code;
}

#define USAGE(r, ...)	fail(r, TSC_EXIT_USAGE, __VA_ARGS__)
#define RUNTIME(r, ...) fail(r, EXIT_UNKNOWN, __VA_ARGS__)

static int threshold_error(const struct check_run *r, const char *opt, const char *arg, int err)
{
	if (err == -ERANGE)
		return USAGE(r,
			     "bad thresholds '%s' for %s: warning must not exceed critical, "
			     "values at most 10^12",
			     arg, opt);
	return USAGE(r, "bad thresholds '%s' for %s (expected WARN[:CRIT], non-negative numbers)",
		     arg, opt);
}

static int opt_threshold(struct check_run *r, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char id[32];
	int rule, e;

	if (!eq || (size_t)(eq - arg) >= sizeof(id))
		return USAGE(r, "bad --threshold '%s' (expected RULE=WARN[:CRIT]; rules: %s)", arg,
			     tsc_check_rule_ids());
	memcpy(id, arg, (size_t)(eq - arg));
	id[eq - arg] = '\0';
	rule = tsc_check_rule_parse(id);
	if (rule < 0)
		return USAGE(r, "unknown rule '%s' (valid: %s)", id, tsc_check_rule_ids());
	e = tsc_check_threshold_parse(eq + 1, &r->cfg.th[rule]);
	if (e < 0)
		return threshold_error(r, "--threshold", arg, e);
	return 0;
}

/* --warn N / --crit N: one level through the same strict parser. */
static int opt_level(struct check_run *r, const char *opt, const char *arg, bool crit)
{
	struct tsc_threshold th = { 0, 0 };
	char spec[64];
	int e;

	if (strlen(arg) >= sizeof(spec) - 2)
		return threshold_error(r, opt, arg, -EINVAL);
	snprintf(spec, sizeof(spec), "%s%s", crit ? "0:" : "", arg);
	e = tsc_check_threshold_parse(spec, &th);
	if (e < 0)
		return threshold_error(r, opt, arg, -EINVAL);
	if (crit)
		r->cfg.th[TSC_CHECK_ESTABLISHED].crit = th.crit;
	else
		r->cfg.th[TSC_CHECK_ESTABLISHED].warn = th.warn;
	return 0;
}

static int opt_process(struct check_run *r, const char *arg)
{
	uint32_t pid;

	if (!*arg || strlen(arg) > 15)
		return USAGE(r,
			     "bad --process '%s' (a command name of at most 15 characters, as "
			     "in /proc/PID/comm, or a pid)",
			     arg);
	r->process = arg;
	if (tsc_parse_u32(arg, 1, INT32_MAX, &pid) == 0)
		r->process_pid = (int32_t)pid;
	return 0;
}

static int parse_one(struct check_run *r, int opt, const char *arg)
{
	uint64_t v;
	int e;

	switch (opt) {
	case OPT_WARN:
		return opt_level(r, "--warn", arg, false);
	case OPT_CRIT:
		return opt_level(r, "--crit", arg, true);
	case OPT_PORT_WARN:
		e = tsc_check_port_threshold_add(&r->cfg, arg);
		if (e == -E2BIG)
			return USAGE(r, "too many --port-warn (at most %d)", TSC_CHECK_MAX_PORTS);
		if (e < 0)
			return e == -ERANGE ? threshold_error(r, "--port-warn", arg, e)
					    : USAGE(r,
						    "bad --port-warn '%s' (expected "
						    "PORT:WARN[:CRIT], e.g. 443:100:200)",
						    arg);
		return 0;
	case OPT_THRESHOLD:
		return opt_threshold(r, arg);
	case OPT_INTERVAL:
		if (tsc_parse_seconds_ms(arg, 3600000, &r->interval_ms) < 0 || !r->interval_ms)
			return USAGE(r, "bad interval '%s' (seconds, > 0 and at most 3600)", arg);
		return 0;
	case OPT_IDLE:
		if (tsc_parse_u64(arg, 1, 86400 * 30, &v) < 0)
			return USAGE(r, "bad --idle '%s' (seconds, 1 to 2592000)", arg);
		r->idle_ms = v * 1000;
		return 0;
	case OPT_PORT:
		if (tsc_parse_port(arg, &r->port) < 0)
			return USAGE(r, "bad port '%s' for --port (expected 0-65535)", arg);
		r->has_port = true;
		return 0;
	case OPT_PROCESS:
		return opt_process(r, arg);
	case OPT_TOP:
		if (tsc_parse_u64(arg, 1, 8, &v) < 0)
			return USAGE(r, "bad --top '%s' (1 to 8)", arg);
		r->cfg.top = (unsigned)v;
		return 0;
	case OPT_JSON:
		r->json = true;
		return 0;
	case OPT_NAGIOS:
		r->nagios = true;
		return 0;
	case OPT_LIST:
		r->list = true;
		return 0;
	case OPT_NETNS:
		r->netns = arg;
		return 0;
	case OPT_PROC_NET:
		r->proc_net = arg;
		return 0;
	case OPT_SYSCTL_ROOT:
		r->sysctl_root = arg;
		return 0;
	default:
		return -1;
	}
}

static const char *valid_options(void)
{
	return "--warn, --crit, --port-warn, --threshold, --list, --interval, --idle, --port, "
	       "--process, --top, --json, --nagios, --netns, --proc-net, --sysctl-root, --help";
}

/* Returns 0 to go on, 1 after --help, or an exit code + 2 (never 0/1). */
static int parse_args(struct check_run *r, int argc, char **argv)
{
	int opt;

	/* --nagios first, so that every later error is a plugin UNKNOWN */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios"))
			r->nagios = true;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int e;

		if (opt == 'h') {
			fputs(usage_text, stdout);
			return 1;
		}
		if (opt == '?' || opt == ':') {
			const char *bad = argv[optind - 1];

			if (opt == ':')
				return 2 + USAGE(r,
						 "option '%s' needs a value (see 'tcpscope check "
						 "--help')",
						 bad);
			return 2 +
			       USAGE(r, "unknown option '%s' (valid: %s)", bad, valid_options());
		}
		e = parse_one(r, opt, optarg);
		if (e)
			return 2 + e;
	}
	if (optind < argc)
		return 2 + USAGE(r, "unexpected argument '%s' (see 'tcpscope check --help')",
				 argv[optind]);
	if (r->json && r->nagios)
		return 2 + USAGE(r, "--json and --nagios exclude each other");
	if (tsc_check_threshold_valid(&r->cfg.th[TSC_CHECK_ESTABLISHED]) < 0)
		return 2 + USAGE(r, "--warn (%g) must not exceed --crit (%g)",
				 r->cfg.th[TSC_CHECK_ESTABLISHED].warn,
				 r->cfg.th[TSC_CHECK_ESTABLISHED].crit);
	return 0;
}

/* --- inputs ---------------------------------------------------------------- */

static int read_counters(struct check_run *r, struct tsc_check_counters *ret)
{
	static const char *const files[] = { "snmp", "netstat" };
	struct tsc_counters all;
	const char *dir = r->proc_net ? r->proc_net : "/proc/self/net";
	char path[4096];
	int64_t dummy;
	int e = 0;

	tsc_counters_init(&all);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(files) && e >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		e = tsc_counters_read_file(&all, path);
		if (e == -EINVAL || e == -ERANGE || e == -E2BIG)
			e = RUNTIME(r, "cannot parse '%s': malformed counters (%s)", path,
				    strerror(-e));
		else if (e < 0)
			e = RUNTIME(r, "cannot read '%s': %s", path, strerror(-e));
		else
			e = 0;
		if (e > 0)
			break;
	}
	if (e == 0 && !tsc_counters_get(&all, "Tcp", "OutSegs", &dummy))
		e = RUNTIME(r, "no Tcp counters in '%s/snmp'", dir);
	if (e == 0)
		tsc_check_counters_from(&all, ret);
	tsc_counters_release(&all);
	return e;
}

static bool process_match(const struct check_run *r, const struct tsc_proc_owner *o)
{
	if (!o)
		return false;
	if (r->process_pid > 0)
		return o->pid == r->process_pid;
	return !strcmp(o->comm, r->process);
}

static const struct tsc_proc_owner *owner_of(const struct check_run *r, const struct tsc_sock *s)
{
	const struct tsc_proc_owner *o = NULL;

	if (!r->pm || !s->inode || tsc_procmap_lookup(r->pm, s->inode, &o) == 0)
		return NULL;
	return o;
}

/* First pass with --process: the ports the process listens on. */
static int on_listener(const struct tsc_sock *s, void *arg)
{
	struct check_run *r = arg;

	if (process_match(r, owner_of(r, s)) && r->nproc_ports < TSC_ARRAY_SIZE(r->proc_ports))
		r->proc_ports[r->nproc_ports++] = s->lport;
	return 0;
}

static bool in_scope(const struct check_run *r, const struct tsc_sock *s,
		     const struct tsc_proc_owner *o)
{
	if (r->has_port && s->lport != r->port && s->pport != r->port)
		return false;
	if (!r->process)
		return true;
	if (o)
		return process_match(r, o);
	/* ownerless (half-open, TIME_WAIT, orphans): of the process's listeners */
	for (unsigned i = 0; i < r->nproc_ports; i++)
		if (s->lport == r->proc_ports[i])
			return true;
	return false;
}

static int on_sock(const struct tsc_sock *s, void *arg)
{
	struct check_run *r = arg;
	const struct tsc_proc_owner *o = owner_of(r, s);

	if (!in_scope(r, s, o))
		return 0;
	r->nsockets++;
	tsc_check_snap_add(r->snap, s, o);
	return 0;
}

static int snapshot(struct check_run *r, const struct tsc_check_sysctls *sys)
{
	struct tsc_sockdiag_query q = {
		.states = TSC_TCPF_ALL, .ipv4 = true, .ipv6 = true, .ext = TSC_SD_EXT_INFO
	};
	struct tsc_check_snap_opts so = { .idle_ms = (uint32_t)r->idle_ms };
	struct tsc_sockdiag *h;
	long n = 0;

	if (sys->port_lo >= 0) {
		so.eph_lo = (uint16_t)sys->port_lo;
		so.eph_hi = (uint16_t)sys->port_hi;
	}
	r->snap = tsc_check_snap_new(&so);
	if (!r->snap)
		return RUNTIME(r, "out of memory");
	r->pm = tsc_procmap_new("/proc", NULL, NULL);
	if (!r->pm && !r->nagios)
		tsc_warning("cannot map sockets to processes: %s", strerror(errno));
	h = tsc_sockdiag_new();
	if (!h)
		return RUNTIME(r, "cannot open a sock_diag netlink socket: %s", strerror(errno));
	if (r->process) {
		struct tsc_sockdiag_query lq = q;

		lq.states = TSC_TCPF(TSC_TCP_LISTEN);
		lq.ext = 0;
		n = tsc_sockdiag_dump(h, &lq, on_listener, r);
	}
	if (n >= 0)
		n = tsc_sockdiag_dump(h, &q, on_sock, r);
	tsc_sockdiag_free(h);
	if (n < 0)
		return RUNTIME(r, "cannot dump the kernel's socket table: %s", strerror((int)-n));
	return 0;
}

static int sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR || tsc_interrupted)
			return -EINTR;
	}
	return 0;
}

/* --- output ---------------------------------------------------------------- */

/* Word-wraps text at 100 columns; continuation lines indented by indent. */
static void wrap(struct tsc_buf *b, const char *text, size_t first_col, size_t indent)
{
	size_t col = first_col;
	const char *p = text;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (col > indent && col + 1 + w > 100) {
			tsc_buf_printf(b, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			tsc_buf_putc(b, ' ');
			col++;
		}
		tsc_buf_put(b, p, w);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	tsc_buf_putc(b, '\n');
}

static void print_human(const struct check_run *r, const struct tsc_check_report *rep,
			struct tsc_buf *b)
{
	tsc_buf_printf(b, "TCPSCOPE %s: %u critical, %u warning, %u ok (%llu sockets",
		       tsc_severity_name(rep->worst), rep->nsev[TSC_SEV_CRITICAL],
		       rep->nsev[TSC_SEV_WARNING], rep->nsev[TSC_SEV_OK],
		       (unsigned long long)r->nsockets);
	if (r->netns)
		tsc_buf_printf(b, ", netns %s", r->netns);
	if (r->interval_ms)
		tsc_buf_printf(b, ", counters over %.1f s", (double)r->interval_ms / 1000.0);
	if (r->has_port)
		tsc_buf_printf(b, ", port %u", r->port);
	if (r->process)
		tsc_buf_printf(b, ", process %s", r->process);
	tsc_buf_puts(b, ")\n");
	for (size_t i = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];

		if (f->severity == TSC_SEV_OK)
			continue;
		tsc_buf_printf(b, "\n%-9s %s: %s\n", tsc_severity_name(f->severity), f->id,
			       f->title);
		for (unsigned k = 0; k < f->nevidence; k++)
			tsc_buf_printf(b, "  %-9s %s\n", k ? "" : "evidence", f->evidence[k]);
		tsc_buf_puts(b, "  meaning   ");
		wrap(b, f->meaning, 12, 12);
		tsc_buf_printf(b, "  fix       [%s]", f->fix_kind);
		wrap(b, f->fix, 14 + strlen(f->fix_kind), 12);
	}
	tsc_buf_putc(b, '\n');
	for (size_t i = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];

		if (f->severity == TSC_SEV_OK)
			tsc_buf_printf(b, "OK        %s: %s\n", f->id, f->title);
	}
}

static void json_threshold(struct tsc_json *j, const char *key, double v)
{
	if (v > 0)
		tsc_json_double(j, key, v, 3);
	else
		tsc_json_null(j, key);
}

static void json_sysctl(struct tsc_json *j, const char *key, int64_t v)
{
	if (v >= 0)
		tsc_json_i64(j, key, v);
	else
		tsc_json_null(j, key);
}

static void json_sysctls(struct tsc_json *j, const struct tsc_check_sysctls *s)
{
	tsc_json_obj_begin(j, "sysctls");
	json_sysctl(j, "net.core.somaxconn", s->somaxconn);
	json_sysctl(j, "net.ipv4.tcp_max_syn_backlog", s->max_syn_backlog);
	json_sysctl(j, "net.ipv4.tcp_syncookies", s->syncookies);
	json_sysctl(j, "net.ipv4.tcp_max_tw_buckets", s->max_tw_buckets);
	json_sysctl(j, "net.ipv4.tcp_tw_reuse", s->tw_reuse);
	json_sysctl(j, "net.ipv4.tcp_fin_timeout", s->fin_timeout);
	json_sysctl(j, "net.ipv4.tcp_max_orphans", s->max_orphans);
	json_sysctl(j, "net.ipv4.tcp_keepalive_time", s->keepalive_time);
	json_sysctl(j, "net.ipv4.tcp_keepalive_intvl", s->keepalive_intvl);
	json_sysctl(j, "net.ipv4.tcp_keepalive_probes", s->keepalive_probes);
	if (s->port_lo >= 0) {
		tsc_json_arr_begin(j, "net.ipv4.ip_local_port_range");
		tsc_json_i64(j, NULL, s->port_lo);
		tsc_json_i64(j, NULL, s->port_hi);
		tsc_json_arr_end(j);
	} else {
		tsc_json_null(j, "net.ipv4.ip_local_port_range");
	}
	tsc_json_obj_end(j);
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

static void print_json(const struct check_run *r, const struct tsc_check_report *rep,
		       const struct tsc_check_sysctls *sys, const struct tsc_check_counters *c0,
		       const struct tsc_check_counters *c1, struct tsc_buf *b)
{
	const uint64_t *counts = tsc_check_snap_counts(r->snap);
	struct tsc_json j;

	tsc_json_init(&j, b, true);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "status", tsc_severity_name(rep->worst));
	tsc_json_i64(&j, "exit_code", rep->worst);
	tsc_json_str(&j, "netns", r->netns);
	if (r->interval_ms)
		tsc_json_double(&j, "interval_s", (double)r->interval_ms / 1000.0, 3);
	else
		tsc_json_null(&j, "interval_s");
	tsc_json_u64(&j, "sockets", r->nsockets);
	tsc_json_obj_begin(&j, "states");
	for (size_t i = 0; i < 11; i++)
		tsc_json_u64(&j, tsc_tcp_state_rfc(tsc_tcp_state_order[i]),
			     counts[tsc_tcp_state_order[i]]);
	tsc_json_obj_end(&j);
	json_sysctls(&j, sys);
	tsc_json_obj_begin(&j, "counters");
	for (size_t i = 0; i < TSC_CNT_N; i++) {
		if (!c0->have[i])
			continue;
		if (c1)
			tsc_json_i64(&j, tsc_check_counter_name(i), c1->v[i] - c0->v[i]);
		else
			tsc_json_i64(&j, tsc_check_counter_name(i), c0->v[i]);
	}
	tsc_json_obj_end(&j);
	tsc_json_str(&j, "counters_are", c1 ? "deltas over interval_s" : "totals");
	tsc_json_arr_begin(&j, "findings");
	for (size_t i = 0; i < rep->n; i++)
		json_finding(&j, &rep->f[i]);
	tsc_json_arr_end(&j);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

static size_t add_perf(struct tsc_perf *p, size_t n, const char *label, double v, const char *uom)
{
	p[n] = (struct tsc_perf){ .label = label, .value = v, .uom = uom, .has_min = true };
	return n + 1;
}

static void print_nagios(const struct check_run *r, const struct tsc_check_report *rep,
			 struct tsc_buf *b)
{
	static const struct {
		const char *label;
		unsigned state;
	} states[] = {
		{ "syn_recv", TSC_TCP_SYN_RECV },     { "time_wait", TSC_TCP_TIME_WAIT },
		{ "close_wait", TSC_TCP_CLOSE_WAIT }, { "fin_wait2", TSC_TCP_FIN_WAIT2 },
		{ "listen", TSC_TCP_LISTEN },
	};
	struct tsc_perf perf[TSC_CHECK_MAX_FINDINGS + 8];
	const uint64_t *counts = tsc_check_snap_counts(r->snap);
	struct tsc_buf sum;
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++) {
		const struct tsc_finding *f = &rep->f[i];
		bool is_pct = !strcmp(f->unit, "%");

		if (!f->metric[0])
			continue;
		n = add_perf(perf, n, f->metric, f->value, is_pct ? "%" : NULL);
		perf[n - 1].has_warn = f->th.warn > 0;
		perf[n - 1].warn = f->th.warn;
		perf[n - 1].has_crit = f->th.crit > 0;
		perf[n - 1].crit = f->th.crit;
		perf[n - 1].has_max = is_pct;
		perf[n - 1].max = 100;
	}
	for (size_t i = 0; i < TSC_ARRAY_SIZE(states); i++)
		n = add_perf(perf, n, states[i].label, (double)counts[states[i].state], NULL);

	tsc_buf_init(&sum, 4096);
	if (rep->worst == TSC_SEV_OK) {
		tsc_buf_printf(&sum, "%llu sockets, all %zu checks OK",
			       (unsigned long long)r->nsockets, rep->n);
	} else {
		for (size_t i = 0, k = 0; i < rep->n; i++) {
			const struct tsc_finding *f = &rep->f[i];

			if (f->severity == TSC_SEV_OK)
				continue;
			tsc_buf_printf(&sum, "%s%s: %s", k++ ? "; " : "", f->id, f->title);
		}
	}
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

static int print_list(void)
{
	struct tsc_check_config cfg;
	struct tsc_buf b;

	tsc_check_config_init(&cfg);
	tsc_stdout_buf(&b);
	tsc_buf_printf(&b, "%-14s %8s %8s  %s\n", "RULE", "WARN", "CRIT", "UNIT (alert above)");
	for (unsigned i = 0; i < TSC_CHECK_NRULES; i++)
		tsc_buf_printf(&b, "%-14s %8g %8g  %s\n", tsc_check_rule_id(i), cfg.th[i].warn,
			       cfg.th[i].crit, tsc_check_rule_unit(i));
	return tsc_stdout_finish(&b);
}

static int run(struct check_run *r)
{
	struct tsc_check_sysctls sys;
	struct tsc_check_counters c0, c1;
	struct tsc_check_input in = { 0 };
	struct tsc_check_report *rep;
	struct tsc_buf b;
	int e;

	if (r->netns) {
		e = tsc_netns_enter(r->netns);
		if (e == -ENOENT)
			return RUNTIME(r,
				       "network namespace '%s' does not exist (see 'ip netns "
				       "list')",
				       r->netns);
		if (e < 0)
			return RUNTIME(r, "cannot enter network namespace '%s': %s", r->netns,
				       strerror(-e));
	}
	tsc_check_sysctls_init(&sys);
	(void)tsc_check_sysctls_read(r->sysctl_root, &sys);
	e = read_counters(r, &c0);
	if (e)
		return e;
	if (r->interval_ms) {
		if (sleep_ms(r->interval_ms) < 0)
			return RUNTIME(r, "interrupted");
		e = read_counters(r, &c1);
		if (e)
			return e;
	}
	e = snapshot(r, &sys);
	if (e)
		return e;
	in.snap = r->snap;
	in.sys = &sys;
	in.c0 = &c0;
	in.c1 = r->interval_ms ? &c1 : NULL;
	in.interval_ms = r->interval_ms;
	in.scoped = r->has_port || r->process;
	rep = tsc_check_run(&r->cfg, &in);
	if (!rep)
		return RUNTIME(r, "out of memory");
	tsc_stdout_buf(&b);
	if (r->json)
		print_json(r, rep, &sys, &c0, in.c1, &b);
	else if (r->nagios)
		print_nagios(r, rep, &b);
	else
		print_human(r, rep, &b);
	e = (int)rep->worst;
	tsc_check_report_free(rep);
	if (tsc_stdout_finish(&b) != TSC_EXIT_OK)
		return EXIT_UNKNOWN;
	return e;
}

int cmd_check(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct check_run r = { .json = ctx->json, .netns = ctx->netns, .idle_ms = 3600 * 1000 };
	int rc;

	tsc_check_config_init(&r.cfg);
	rc = parse_args(&r, argc, argv);
	if (rc == 1)
		return TSC_EXIT_OK;
	if (rc)
		return rc - 2;
	if (r.list)
		return print_list();
	rc = run(&r);
	tsc_check_snap_free(r.snap);
	tsc_procmap_free(r.pm);
	return rc;
}
