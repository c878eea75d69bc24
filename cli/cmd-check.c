/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope check`: one socket snapshot, the kernel counters (two samples
 * with --interval) and the TCP sysctls through the findings engine
 * (lib/diag/check.h), printed for people, as JSON, or as a Nagios/Icinga
 * plugin. Exit codes are the plugin's in every mode: 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN (a runtime error); a usage error exits 2 (3 with
 * --nagios). Option parsing and glue only: the snapshot and its scope are
 * lib/diag (tsc_check_snap_collect), the renderings lib/output/checkfmt.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/strparse.h"
#include "diag/check.h"
#include "output/checkfmt.h"
#include "output/nagios.h"
#include "sockdiag/sockdiag.h"
#include "sys/netns.h"
#include "sys/procmap.h"

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

static int read_counters(const struct check_run *r, struct tsc_check_counters *ret)
{
	const char *dir = r->proc_net ? r->proc_net : "/proc/self/net", *file = "snmp";
	int e = tsc_check_counters_read(dir, ret, &file);

	if (e == -ENODATA)
		return RUNTIME(r, "no Tcp counters in '%s/snmp'", dir);
	if (e == -EINVAL || e == -ERANGE || e == -E2BIG)
		return RUNTIME(r, "cannot parse '%s/%s': malformed counters (%s)", dir, file,
			       strerror(-e));
	if (e < 0)
		return RUNTIME(r, "cannot read '%s/%s': %s", dir, file, strerror(-e));
	return 0;
}

static int snapshot(struct check_run *r, const struct tsc_check_sysctls *sys)
{
	struct tsc_check_snap_opts so = { .idle_ms = (uint32_t)r->idle_ms };
	struct tsc_check_scope scope = { .has_port = r->has_port,
					 .port = r->port,
					 .process = r->process,
					 .process_pid = r->process_pid };
	struct tsc_sockdiag *h;
	long n;

	if (sys->port_lo >= 0) {
		so.eph_lo = (uint16_t)sys->port_lo;
		so.eph_hi = (uint16_t)sys->port_hi;
	}
	r->snap = tsc_check_snap_new(&so);
	if (!r->snap)
		return RUNTIME(r, "out of memory");
	r->pm = tsc_cli_procmap();
	if (!r->pm && !r->nagios)
		tsc_warning("cannot map sockets to processes: %s", strerror(errno));
	h = tsc_sockdiag_new();
	if (!h)
		return RUNTIME(r, "cannot open a sock_diag netlink socket: %s", strerror(errno));
	scope.pm = r->pm;
	n = tsc_check_snap_collect(r->snap, h, &scope);
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

static int print_list(void)
{
	struct tsc_check_config cfg;
	struct tsc_buf b;

	tsc_check_config_init(&cfg);
	tsc_stdout_buf(&b);
	tsc_checkfmt_list(&b, &cfg);
	return tsc_stdout_finish(&b);
}

static int run(struct check_run *r)
{
	struct tsc_check_sysctls sys;
	struct tsc_check_counters c0, c1;
	struct tsc_check_input in = { 0 };
	struct tsc_check_report *rep;
	struct tsc_checkfmt out;
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
	out = (struct tsc_checkfmt){ .rep = rep,
				     .counts = tsc_check_snap_counts(r->snap),
				     .nsockets = tsc_check_snap_nsockets(r->snap),
				     .sys = &sys,
				     .c0 = &c0,
				     .c1 = in.c1,
				     .interval_ms = r->interval_ms,
				     .netns = r->netns,
				     .has_port = r->has_port,
				     .port = r->port,
				     .process = r->process };
	tsc_stdout_buf(&b);
	if (r->json)
		tsc_checkfmt_json(&b, &out);
	else if (r->nagios)
		tsc_checkfmt_nagios(&b, &out);
	else
		tsc_checkfmt_human(&b, &out);
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
