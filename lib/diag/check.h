/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The findings engine behind `tcpscope check`. Input: one socket snapshot
 * (sockets added one by one with their owners), the kernel counters (one
 * sample, or two taken --interval apart for rates) and the TCP sysctls.
 * Output: one finding per rule with a severity, the evidence (numbers, top
 * listeners/processes/remotes), what it means in TCP terms and the fix.
 * The rules are pure computation; the only I/O is in the input readers
 * (tsc_check_sysctls_read, tsc_check_counters_read) and in
 * tsc_check_snap_collect (check-collect.c), the sock_diag dump that `tune`
 * uses too. Nothing here prints: output/checkfmt.h renders a report.
 * References: RFC 9293 3.3.2/3.6, Linux net/ipv4/tcp_input.c
 * (tcp_conn_request, tcp_syn_flood_action), inet_connection_sock.c,
 * tcp_minisocks.c (tcp_time_wait), tcp_timer.c (orphans, keepalive).
 */
#ifndef TSC_DIAG_CHECK_H
#define TSC_DIAG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "core/tcpstate.h"
#include "diag/sysctl-facts.h"
#include "sockdiag/sockdiag.h"
#include "sys/counters.h"
#include "sys/procmap.h"

/* Ordered as Nagios states (and their exit codes). */
enum tsc_severity {
	TSC_SEV_OK = 0,
	TSC_SEV_WARNING = 1,
	TSC_SEV_CRITICAL = 2,
	TSC_SEV_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *tsc_severity_name(enum tsc_severity s);
/* The worse of two, as Nagios ranks them: CRITICAL > WARNING > UNKNOWN > OK. */
enum tsc_severity tsc_severity_worst(enum tsc_severity a, enum tsc_severity b);

/* The rules, in report order. */
enum tsc_check_rule {
	TSC_CHECK_ESTABLISHED,
	TSC_CHECK_SYN_RECV,
	TSC_CHECK_ACCEPT_QUEUE,
	TSC_CHECK_CLOSE_WAIT,
	TSC_CHECK_TIME_WAIT,
	TSC_CHECK_PORTS,
	TSC_CHECK_FIN_WAIT1,
	TSC_CHECK_FIN_WAIT2,
	TSC_CHECK_ORPHANS,
	TSC_CHECK_LAST_ACK,
	TSC_CHECK_ATTACK,
	TSC_CHECK_IDLE,
	TSC_CHECK_RETRANS,
	TSC_CHECK_NRULES,
};

/* A threshold pair: the finding is WARNING when the rule's value is above
 * warn, CRITICAL when above crit (Nagios: alert outside 0..N). 0 disables
 * that level. Values are in the rule's unit (tsc_check_rule_unit). */
struct tsc_threshold {
	double warn, crit;
};

#define TSC_CHECK_MAX_PORTS 16

struct tsc_port_threshold {
	uint16_t port;
	struct tsc_threshold th;
};

struct tsc_check_config {
	struct tsc_threshold th[TSC_CHECK_NRULES];
	struct tsc_port_threshold ports[TSC_CHECK_MAX_PORTS]; /* ESTABLISHED per local port */
	unsigned nports;
	unsigned top; /* evidence items per finding (listeners, processes, remotes) */
};

/* Defaults (documented in doc/cmd/check.md): established 600:800, ... */
void tsc_check_config_init(struct tsc_check_config *cfg);

/* Rule ids ("established", "syn-recv", "accept-queue", ...). */
const char *tsc_check_rule_id(enum tsc_check_rule r);
/* What the threshold counts: "sockets", "% of backlog", ... */
const char *tsc_check_rule_unit(enum tsc_check_rule r);
/* Rule by id, or -EINVAL. */
TSC_MUST_CHECK int tsc_check_rule_parse(const char *id);
/* All ids, comma-separated, for error messages. */
const char *tsc_check_rule_ids(void);

/* Parses "WARN[:CRIT]" (non-negative decimals, at most 3 decimals; a
 * missing CRIT keeps *ret's crit). Returns 0, -EINVAL (format, sign) or
 * -ERANGE (above 10^12, or warn > crit with both non-zero). */
TSC_MUST_CHECK int tsc_check_threshold_parse(const char *spec, struct tsc_threshold *ret);
/* Checks warn <= crit when both are set. Returns 0 or -ERANGE. */
TSC_MUST_CHECK int tsc_check_threshold_valid(const struct tsc_threshold *th);
/* Parses "PORT:WARN[:CRIT]" (a missing CRIT means no critical level) and
 * adds it. Returns 0, -EINVAL, -ERANGE or -E2BIG (too many ports). */
TSC_MUST_CHECK int tsc_check_port_threshold_add(struct tsc_check_config *cfg, const char *spec);

/* The sysctls the rules compare against; -1 = could not be read. */
struct tsc_check_sysctls {
	int64_t somaxconn, max_syn_backlog, syncookies, max_tw_buckets;
	int64_t port_lo, port_hi, fin_timeout, max_orphans, tw_reuse;
	int64_t keepalive_time, keepalive_intvl, keepalive_probes;
};

void tsc_check_sysctls_init(struct tsc_check_sysctls *s);
/* Reads them from root (NULL = /proc/sys) in the calling thread's network
 * namespace. Unreadable ones stay -1. Returns how many were read. */
int tsc_check_sysctls_read(const char *root, struct tsc_check_sysctls *s);
/* The i-th single-integer sysctl of s in report order (somaxconn first; the
 * ip_local_port_range pair is not among them): its fact (name, key) and
 * value. Returns false when i is past the end. */
bool tsc_check_sysctl_at(const struct tsc_check_sysctls *s, size_t i,
			 const struct tsc_sysctl_fact **ret_f, int64_t *ret_v);

/* The counters the rules use, picked out of /proc/net/{snmp,netstat}. */
enum tsc_check_counter {
	TSC_CNT_LISTEN_OVERFLOWS,
	TSC_CNT_LISTEN_DROPS,
	TSC_CNT_SYNCOOKIES_SENT,
	TSC_CNT_SYNCOOKIES_RECV,
	TSC_CNT_SYNCOOKIES_FAILED,
	TSC_CNT_TW_OVERFLOW,
	TSC_CNT_ABORT_ON_TIMEOUT,
	TSC_CNT_ABORT_ON_DATA,
	TSC_CNT_ABORT_ON_MEMORY,
	TSC_CNT_SYN_RETRANS,
	TSC_CNT_RETRANS_SEGS,
	TSC_CNT_OUT_SEGS,
	TSC_CNT_REQ_QFULL_DROP,
	TSC_CNT_REQ_QFULL_COOKIE,
	TSC_CNT_N,
};

struct tsc_check_counters {
	bool valid;
	bool have[TSC_CNT_N];
	int64_t v[TSC_CNT_N];
};

/* "TcpExt.ListenOverflows" style name of a counter. */
const char *tsc_check_counter_name(enum tsc_check_counter c);
/* Picks the counters out of a parsed set (missing ones: have[] false). */
void tsc_check_counters_from(const struct tsc_counters *all, struct tsc_check_counters *ret);
/* Reads dir/snmp and dir/netstat (dir NULL: /proc/self/net, the calling
 * thread's network namespace) and picks the counters. Returns 0; the -errno
 * of tsc_counters_read_file (-EINVAL, -ERANGE, -E2BIG: malformed) with
 * *ret_file the file's name ("snmp" or "netstat"); or -ENODATA when there are
 * no Tcp counters (*ret_file "snmp"). ret_file may be NULL. */
TSC_MUST_CHECK int tsc_check_counters_read(const char *dir, struct tsc_check_counters *ret,
					   const char **ret_file);

/* --- the socket snapshot ------------------------------------------------ */

struct tsc_check_snap_opts {
	uint16_t eph_lo, eph_hi; /* ip_local_port_range; 0,0 = count every local port */
	uint32_t idle_ms;	 /* ESTABLISHED idle this long without keepalive: suspect */
	size_t max_groups;	 /* bound per breakdown table (0 = 100000) */
};

struct tsc_check_snap;

/* NULL with errno set. */
struct tsc_check_snap *tsc_check_snap_new(const struct tsc_check_snap_opts *opts);
void tsc_check_snap_free(struct tsc_check_snap *s);
/* Counts one socket (as dumped with TSC_SD_EXT_INFO for the idle rule);
 * owner is its first owning process or NULL. Never fails: when a breakdown
 * table is full the socket is still counted per state, and the overflow is
 * reported in the evidence. */
void tsc_check_snap_add(struct tsc_check_snap *s, const struct tsc_sock *sk,
			const struct tsc_proc_owner *owner);
/* Per-state counts (TSC_TCP_MAX_STATES, request sockets counted as SYN_RECV). */
const uint64_t *tsc_check_snap_counts(const struct tsc_check_snap *s);
/* Sockets passed to tsc_check_snap_add (in scope), valid or not. */
uint64_t tsc_check_snap_nsockets(const struct tsc_check_snap *s);
/* Marks a local port as listened on, before the sockets are added: sockets
 * on it are then incoming (TIME_WAIT "incoming", never counted as ports
 * held toward a destination). tsc_check_snap_collect does it. */
void tsc_check_snap_listening(struct tsc_check_snap *s, uint16_t port);

/* Which sockets a snapshot takes (check's --port and --process), and their
 * owners. All fields optional. */
struct tsc_check_scope {
	struct tsc_procmap *pm; /* owners by inode; NULL: no owners */
	bool has_port;
	uint16_t port;	     /* only sockets with this local or remote port */
	const char *process; /* only sockets of this process (comm, or pid when
			      * process_pid > 0), plus the ownerless sockets
			      * (half-open, TIME_WAIT, orphans) of its listening ports */
	int32_t process_pid;
};

/* Fills s from the kernel's socket table of the calling thread's network
 * namespace: the listeners first (their ports, see tsc_check_snap_listening),
 * then every TCP socket in scope, with tcp_info when s has an idle_ms.
 * h NULL reads /proc/net/tcp and tcp6 instead of sock_diag (no queues of
 * request sockets, no tcp_info). Returns the number of sockets dumped or the
 * dump's -errno. */
TSC_MUST_CHECK long tsc_check_snap_collect(struct tsc_check_snap *s, struct tsc_sockdiag *h,
					   const struct tsc_check_scope *scope);

/* --- findings ------------------------------------------------------------ */

#define TSC_FINDING_MAX_EVIDENCE 10
#define TSC_FINDING_TEXT	 1024

struct tsc_finding {
	enum tsc_check_rule rule;
	const char *id; /* rule id; "established-port" for per-port rules */
	enum tsc_severity severity;
	char title[200]; /* one line */
	char evidence[TSC_FINDING_MAX_EVIDENCE][200];
	unsigned nevidence;
	const char *meaning;  /* static: what it means in TCP terms */
	const char *fix_kind; /* "application", "kernel setting", "network", "none" */
	char fix[TSC_FINDING_TEXT];
	/* the measured value and its thresholds, for perfdata */
	char metric[32];  /* perfdata label, "" if none */
	const char *unit; /* "", "%" */
	double value;
	struct tsc_threshold th;
	bool has_max;
	double max;
};

#define TSC_CHECK_MAX_FINDINGS (TSC_CHECK_NRULES + TSC_CHECK_MAX_PORTS)

struct tsc_check_report {
	struct tsc_finding f[TSC_CHECK_MAX_FINDINGS];
	size_t n;
	enum tsc_severity worst;
	unsigned nsev[4]; /* findings per severity */
};

struct tsc_check_input {
	const struct tsc_check_snap *snap;
	const struct tsc_check_sysctls *sys;
	const struct tsc_check_counters *c0; /* first sample, or NULL */
	const struct tsc_check_counters *c1; /* second sample (--interval) or NULL */
	uint64_t interval_ms;
	bool scoped; /* --port/--process: counters are namespace-wide, say so */
};

/* Evaluates every rule. Returns a newly allocated report (free with
 * tsc_check_report_free) or NULL with errno set. */
struct tsc_check_report *tsc_check_run(const struct tsc_check_config *cfg,
				       const struct tsc_check_input *in);
void tsc_check_report_free(struct tsc_check_report *r);

/* The severity a value gets against a threshold (exposed for tests). */
enum tsc_severity tsc_check_grade(double value, const struct tsc_threshold *th);

#endif
