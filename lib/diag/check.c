/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `check`'s configuration, thresholds, sysctl and counter inputs, and the
 * report (see check.h). The rules themselves are in check-rules.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strparse.h"
#include "diag/check-internal.h"
#include "sys/sysctl.h"

static const struct {
	const char *id;
	const char *unit;
	struct tsc_threshold def;
} rules[TSC_CHECK_NRULES] = {
	[TSC_CHECK_ESTABLISHED] = { "established", "sockets", { 600, 800 } },
	[TSC_CHECK_SYN_RECV] = { "syn-recv", "% of a listener's backlog half-open", { 50, 90 } },
	[TSC_CHECK_ACCEPT_QUEUE] = { "accept-queue",
				     "% of a listener's backlog waiting for accept()",
				     { 50, 100 } },
	[TSC_CHECK_CLOSE_WAIT] = { "close-wait",
				   "sockets per process and local port",
				   { 10, 100 } },
	[TSC_CHECK_TIME_WAIT] = { "time-wait", "% of tcp_max_tw_buckets", { 50, 90 } },
	[TSC_CHECK_PORTS] = { "ports",
			      "% of ip_local_port_range used toward one destination",
			      { 50, 90 } },
	[TSC_CHECK_FIN_WAIT1] = { "fin-wait-1", "sockets", { 20, 200 } },
	[TSC_CHECK_FIN_WAIT2] = { "fin-wait-2", "sockets", { 200, 2000 } },
	[TSC_CHECK_ORPHANS] = { "orphans", "% of tcp_max_orphans", { 25, 50 } },
	[TSC_CHECK_LAST_ACK] = { "last-ack", "sockets", { 50, 500 } },
	[TSC_CHECK_ATTACK] = { "attack",
			       "SYN_RECV+TIME_WAIT+FIN_WAIT1 sockets while ESTABLISHED < 10% of them",
			       { 500, 5000 } },
	[TSC_CHECK_IDLE] = { "idle", "idle ESTABLISHED sockets without keepalive", { 10, 0 } },
	[TSC_CHECK_RETRANS] = { "retrans",
				"% of segments sent retransmitted (--interval)",
				{ 2, 10 } },
};

static const char *const severity_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *tsc_severity_name(enum tsc_severity s)
{
	return (unsigned)s < TSC_ARRAY_SIZE(severity_names) ? severity_names[s] : "UNKNOWN";
}

enum tsc_severity tsc_severity_worst(enum tsc_severity a, enum tsc_severity b)
{
	/* rank: OK 0, UNKNOWN 1, WARNING 2, CRITICAL 3 */
	static const int rank[] = { 0, 2, 3, 1 };

	if ((unsigned)a > TSC_SEV_UNKNOWN)
		a = TSC_SEV_UNKNOWN;
	if ((unsigned)b > TSC_SEV_UNKNOWN)
		b = TSC_SEV_UNKNOWN;
	return rank[a] >= rank[b] ? a : b;
}

void tsc_check_config_init(struct tsc_check_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < TSC_CHECK_NRULES; i++)
		cfg->th[i] = rules[i].def;
	cfg->top = 5;
}

const char *tsc_check_rule_id(enum tsc_check_rule r)
{
	return (unsigned)r < TSC_CHECK_NRULES ? rules[r].id : "unknown";
}

const char *tsc_check_rule_unit(enum tsc_check_rule r)
{
	return (unsigned)r < TSC_CHECK_NRULES ? rules[r].unit : "";
}

int tsc_check_rule_parse(const char *id)
{
	for (size_t i = 0; i < TSC_CHECK_NRULES; i++)
		if (id && !strcmp(id, rules[i].id))
			return (int)i;
	return -EINVAL;
}

const char *tsc_check_rule_ids(void)
{
	return "established, syn-recv, accept-queue, close-wait, time-wait, ports, fin-wait-1, "
	       "fin-wait-2, orphans, last-ack, attack, idle, retrans";
}

#define THRESHOLD_MAX_MILLI 1000000000000000ull /* 10^12 in thousandths */

static int parse_level(const char *s, size_t len, double *ret)
{
	char tmp[32];
	uint64_t milli;
	int r;

	if (len == 0 || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* the strict decimal parser: digits, an optional fraction, no sign */
	r = tsc_parse_seconds_ms(tmp, THRESHOLD_MAX_MILLI, &milli);
	if (r < 0)
		return r;
	*ret = (double)milli / 1000.0;
	return 0;
}

int tsc_check_threshold_valid(const struct tsc_threshold *th)
{
	if (th->warn > 0 && th->crit > 0 && th->warn > th->crit)
		return -ERANGE;
	return 0;
}

int tsc_check_threshold_parse(const char *spec, struct tsc_threshold *ret)
{
	struct tsc_threshold th = *ret;
	const char *colon;
	int r;

	if (!spec)
		return -EINVAL;
	colon = strchr(spec, ':');
	r = parse_level(spec, colon ? (size_t)(colon - spec) : strlen(spec), &th.warn);
	if (r < 0)
		return r;
	if (colon) {
		r = parse_level(colon + 1, strlen(colon + 1), &th.crit);
		if (r < 0)
			return r;
	}
	r = tsc_check_threshold_valid(&th);
	if (r < 0)
		return r;
	*ret = th;
	return 0;
}

int tsc_check_port_threshold_add(struct tsc_check_config *cfg, const char *spec)
{
	struct tsc_port_threshold pt = { 0 };
	const char *colon = spec ? strchr(spec, ':') : NULL;
	char port[8];
	size_t len;
	int r;

	if (!colon)
		return -EINVAL;
	len = (size_t)(colon - spec);
	if (len == 0 || len >= sizeof(port))
		return -EINVAL;
	memcpy(port, spec, len);
	port[len] = '\0';
	r = tsc_parse_port(port, &pt.port);
	if (r < 0)
		return -EINVAL;
	r = tsc_check_threshold_parse(colon + 1, &pt.th);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < cfg->nports; i++) {
		if (cfg->ports[i].port == pt.port) {
			cfg->ports[i] = pt; /* the last one given wins */
			return 0;
		}
	}
	if (cfg->nports >= TSC_CHECK_MAX_PORTS)
		return -E2BIG;
	cfg->ports[cfg->nports++] = pt;
	return 0;
}

enum tsc_severity tsc_check_grade(double value, const struct tsc_threshold *th)
{
	if (th->crit > 0 && value > th->crit)
		return TSC_SEV_CRITICAL;
	if (th->warn > 0 && value > th->warn)
		return TSC_SEV_WARNING;
	return TSC_SEV_OK;
}

/* --- inputs ---------------------------------------------------------------- */

void tsc_check_sysctls_init(struct tsc_check_sysctls *s)
{
	int64_t *v = &s->somaxconn;

	for (size_t i = 0; i < sizeof(*s) / sizeof(int64_t); i++)
		v[i] = -1;
}

/* The single-integer sysctls, by their short name in the fact table (which
 * gives the key and path), in report order. */
static const struct {
	const char *name;
	size_t off;
} check_sysctls[] = {
	{ "somaxconn", offsetof(struct tsc_check_sysctls, somaxconn) },
	{ "tcp_max_syn_backlog", offsetof(struct tsc_check_sysctls, max_syn_backlog) },
	{ "tcp_syncookies", offsetof(struct tsc_check_sysctls, syncookies) },
	{ "tcp_max_tw_buckets", offsetof(struct tsc_check_sysctls, max_tw_buckets) },
	{ "tcp_tw_reuse", offsetof(struct tsc_check_sysctls, tw_reuse) },
	{ "tcp_fin_timeout", offsetof(struct tsc_check_sysctls, fin_timeout) },
	{ "tcp_max_orphans", offsetof(struct tsc_check_sysctls, max_orphans) },
	{ "tcp_keepalive_time", offsetof(struct tsc_check_sysctls, keepalive_time) },
	{ "tcp_keepalive_intvl", offsetof(struct tsc_check_sysctls, keepalive_intvl) },
	{ "tcp_keepalive_probes", offsetof(struct tsc_check_sysctls, keepalive_probes) },
};

bool tsc_check_sysctl_at(const struct tsc_check_sysctls *s, size_t i,
			 const struct tsc_sysctl_fact **ret_f, int64_t *ret_v)
{
	if (i >= TSC_ARRAY_SIZE(check_sysctls))
		return false;
	*ret_f = tsc_sysctl_fact_find(check_sysctls[i].name);
	memcpy(ret_v, (const char *)s + check_sysctls[i].off, sizeof(*ret_v));
	return *ret_f != NULL;
}

int tsc_check_sysctls_read(const char *root, struct tsc_check_sysctls *s)
{
	const struct tsc_sysctl_fact *f;
	int64_t range[2], v;
	int n = 0;

	for (size_t i = 0; tsc_check_sysctl_at(s, i, &f, &v); i++) {
		if (tsc_sysctl_read_int(root, f->key, &v) == 0) {
			memcpy((char *)s + check_sysctls[i].off, &v, sizeof(v));
			n++;
		}
	}
	f = tsc_sysctl_fact_find("ip_local_port_range");
	if (tsc_sysctl_read_ints(root, f->key, range, 2) == 2 && range[0] >= 0 &&
	    range[0] <= range[1] && range[1] <= 65535) {
		s->port_lo = range[0];
		s->port_hi = range[1];
		n++;
	}
	return n;
}

static const struct {
	const char *group, *name, *full;
} counter_names[TSC_CNT_N] = {
	[TSC_CNT_LISTEN_OVERFLOWS] = { "TcpExt", "ListenOverflows", "TcpExt.ListenOverflows" },
	[TSC_CNT_LISTEN_DROPS] = { "TcpExt", "ListenDrops", "TcpExt.ListenDrops" },
	[TSC_CNT_SYNCOOKIES_SENT] = { "TcpExt", "SyncookiesSent", "TcpExt.SyncookiesSent" },
	[TSC_CNT_SYNCOOKIES_RECV] = { "TcpExt", "SyncookiesRecv", "TcpExt.SyncookiesRecv" },
	[TSC_CNT_SYNCOOKIES_FAILED] = { "TcpExt", "SyncookiesFailed", "TcpExt.SyncookiesFailed" },
	[TSC_CNT_TW_OVERFLOW] = { "TcpExt", "TCPTimeWaitOverflow", "TcpExt.TCPTimeWaitOverflow" },
	[TSC_CNT_ABORT_ON_TIMEOUT] = { "TcpExt", "TCPAbortOnTimeout", "TcpExt.TCPAbortOnTimeout" },
	[TSC_CNT_ABORT_ON_DATA] = { "TcpExt", "TCPAbortOnData", "TcpExt.TCPAbortOnData" },
	[TSC_CNT_ABORT_ON_MEMORY] = { "TcpExt", "TCPAbortOnMemory", "TcpExt.TCPAbortOnMemory" },
	[TSC_CNT_SYN_RETRANS] = { "TcpExt", "TCPSynRetrans", "TcpExt.TCPSynRetrans" },
	[TSC_CNT_RETRANS_SEGS] = { "Tcp", "RetransSegs", "Tcp.RetransSegs" },
	[TSC_CNT_OUT_SEGS] = { "Tcp", "OutSegs", "Tcp.OutSegs" },
	[TSC_CNT_REQ_QFULL_DROP] = { "TcpExt", "TCPReqQFullDrop", "TcpExt.TCPReqQFullDrop" },
	[TSC_CNT_REQ_QFULL_COOKIE] = { "TcpExt", "TCPReqQFullDoCookies",
				       "TcpExt.TCPReqQFullDoCookies" },
};

const char *tsc_check_counter_name(enum tsc_check_counter c)
{
	return (unsigned)c < TSC_CNT_N ? counter_names[c].full : "unknown";
}

void tsc_check_counters_from(const struct tsc_counters *all, struct tsc_check_counters *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->valid = true;
	for (size_t i = 0; i < TSC_CNT_N; i++)
		ret->have[i] = tsc_counters_get(all, counter_names[i].group, counter_names[i].name,
						&ret->v[i]);
}

int tsc_check_counters_read(const char *dir, struct tsc_check_counters *ret, const char **ret_file)
{
	static const char *const files[] = { "snmp", "netstat" };
	struct tsc_counters all;
	char path[4096];
	int64_t dummy;
	int r = 0;

	if (!dir)
		dir = "/proc/self/net";
	tsc_counters_init(&all);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(files) && r >= 0; i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", dir, files[i]);

		if (ret_file)
			*ret_file = files[i];
		r = n < 0 || (size_t)n >= sizeof(path) ? -ENAMETOOLONG
						       : tsc_counters_read_file(&all, path);
	}
	if (r >= 0 && !tsc_counters_get(&all, "Tcp", "OutSegs", &dummy)) {
		if (ret_file)
			*ret_file = files[0];
		r = -ENODATA;
	}
	if (r >= 0) {
		tsc_check_counters_from(&all, ret);
		r = 0;
	}
	tsc_counters_release(&all);
	return r;
}

/* --- the report ------------------------------------------------------------ */

struct tsc_check_report *tsc_check_run(const struct tsc_check_config *cfg,
				       const struct tsc_check_input *in)
{
	struct tsc_check_report *r;

	if (!cfg || !in || !in->snap || !in->sys) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	tsc__check_rules(cfg, in, r);
	r->worst = TSC_SEV_OK;
	for (size_t i = 0; i < r->n; i++) {
		r->worst = tsc_severity_worst(r->worst, r->f[i].severity);
		r->nsev[r->f[i].severity & 3]++;
	}
	return r;
}

void tsc_check_report_free(struct tsc_check_report *r)
{
	free(r);
}
