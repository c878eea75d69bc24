/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules of `check`: each turns the snapshot, counters and sysctls into
 * one finding with evidence, meaning and fix. Kernel behaviour the rules rely
 * on (Linux 6.x): a listener's SYN queue and accept queue are both bounded by
 * min(listen() backlog, net.core.somaxconn) (inet_csk_reqsk_queue_is_full,
 * sk_acceptq_is_full); beyond that syncookies answer or the SYN is dropped
 * (tcp_conn_request); tcp_max_syn_backlog only matters without syncookies;
 * TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s) and above tcp_max_tw_buckets is
 * not entered (TCPTimeWaitOverflow); tcp_fin_timeout bounds orphaned
 * FIN_WAIT2 only.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/check-internal.h"
#include "output/sockfmt.h"

/* --- helpers --------------------------------------------------------------- */

static struct tsc_finding *finding(struct tsc_check_report *r, enum tsc_check_rule rule,
				   const struct tsc_threshold *th, double value)
{
	struct tsc_finding *f;

	if (r->n >= TSC_CHECK_MAX_FINDINGS)
		return NULL;
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->id = tsc_check_rule_id(rule);
	f->th = *th;
	f->value = value;
	f->unit = "";
	f->severity = tsc_check_grade(value, th);
	f->fix_kind = "none";
	snprintf(f->metric, sizeof(f->metric), "%s", f->id);
	return f;
}

static void raise_to(struct tsc_finding *f, enum tsc_severity s)
{
	if (s == TSC_SEV_CRITICAL || (s == TSC_SEV_WARNING && f->severity == TSC_SEV_OK))
		f->severity = s;
}

__attribute__((format(printf, 2, 3))) static void ev(struct tsc_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->nevidence >= TSC_FINDING_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(f->evidence[f->nevidence++], sizeof(f->evidence[0]), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void title(struct tsc_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->title, sizeof(f->title), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void fix(struct tsc_finding *f, const char *kind,
						      const char *fmt, ...)
{
	va_list ap;

	f->fix_kind = kind;
	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

/* A sysctl value for text: the number, or "?" when it could not be read. */
static const char *sv(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%" PRId64, v);
	return buf;
}

/* A sysctl's key from the fact table (diag/sysctl-facts.c), so that fix
 * texts name it exactly as `tune` and `explain` do. */
static const char *sysctl_key(const char *name)
{
	const struct tsc_sysctl_fact *f = tsc_sysctl_fact_find(name);

	return f ? f->key : name;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

/* The counter's change over the interval (true), or its value since the
 * namespace started when there is no second sample (false). *ok is false
 * when the counter is not known at all. */
static bool counter(const struct tsc_check_input *in, enum tsc_check_counter c, int64_t *ret,
		    bool *ok)
{
	*ok = false;
	*ret = 0;
	if (!in->c0 || !in->c0->valid || !in->c0->have[c])
		return false;
	*ok = true;
	if (in->c1 && in->c1->valid && in->c1->have[c]) {
		*ret = in->c1->v[c] - in->c0->v[c];
		if (*ret < 0)
			*ret = 0; /* counters do not go back; a reset is not a rate */
		return true;
	}
	*ret = in->c0->v[c];
	return false;
}

/* "TcpExt.ListenOverflows +12 in 2.0 s (total 40)" or "... 40 since the
 * namespace started". Returns the delta (0 without an interval). */
static int64_t ev_counter(struct tsc_finding *f, const struct tsc_check_input *in,
			  enum tsc_check_counter c)
{
	int64_t v;
	bool ok;
	bool rate = counter(in, c, &v, &ok);

	if (!ok)
		return 0;
	if (rate) {
		ev(f, "%s +%" PRId64 " in %.1f s (total %" PRId64 ")", tsc_check_counter_name(c), v,
		   (double)in->interval_ms / 1000.0, in->c1->v[c]);
		return v;
	}
	ev(f, "%s %" PRId64 " since the network namespace started (no --interval: not a rate)",
	   tsc_check_counter_name(c), v);
	return 0;
}

static void owner_label(char *dst, size_t len, int32_t pid, const char *comm)
{
	if (pid)
		snprintf(dst, len, "%s (pid %" PRId32 ")", comm, pid);
	else
		snprintf(dst, len, "no owning process");
}

static uint64_t score_n(const void *val, const void *arg)
{
	(void)arg;
	return ((const struct tsc__count_val *)val)->n;
}

static uint64_t score_extra(const void *val, const void *arg)
{
	(void)arg;
	return ((const struct tsc__count_val *)val)->extra;
}

static uint64_t score_state(const void *val, const void *arg)
{
	return ((const struct tsc__remote_val *)val)->counts[*(const unsigned *)arg];
}

/* "top remotes in STATE: a (n), b (n)" as one evidence line. */
static void ev_top_remotes(struct tsc_finding *f, const struct tsc_check_config *cfg,
			   const struct tsc_check_snap *s, unsigned state)
{
	struct tsc__top top[8];
	size_t n = tsc__top(s->remotes, score_state, &state, top, cfg->top < 8 ? cfg->top : 8);
	char line[200], a[TSC_ADDRSTRLEN];
	size_t off;

	if (!n)
		return;
	off = (size_t)snprintf(line, sizeof(line), "top remote addresses:");
	for (size_t i = 0; i < n && off < sizeof(line); i++) {
		const struct tsc__remote_key *k = top[i].key;

		tsc_fmt_addr(a, k->family, k->addr);
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s %s (%" PRIu64 ")",
					i ? "," : "", a, top[i].score);
	}
	ev(f, "%s", line);
}

/* --- ESTABLISHED ------------------------------------------------------------ */

static void rule_established(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			     struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	uint64_t est = s->counts[TSC_TCP_ESTABLISHED];
	struct tsc_finding *f =
		finding(r, TSC_CHECK_ESTABLISHED, &cfg->th[TSC_CHECK_ESTABLISHED], (double)est);
	struct tsc__top top[8];
	size_t n;

	if (!f)
		return;
	title(f, "%" PRIu64 " ESTABLISHED connections", est);
	ev(f, "ESTABLISHED %" PRIu64 " (warning above %g, critical above %g)", est, f->th.warn,
	   f->th.crit);
	n = tsc__top(s->est_ports, score_n, NULL, top, cfg->top < 8 ? cfg->top : 8);
	for (size_t i = 0; i < n; i++)
		ev(f, "local port %u: %" PRIu64 " ESTABLISHED", *(const uint16_t *)top[i].key,
		   top[i].score);
	f->meaning = "ESTABLISHED is the normal data-transfer state of RFC 9293 on both sides; a "
		     "high count is load, or connections that are never closed (pools that only "
		     "grow, clients that leak), not a TCP fault.";
	fix(f, f->severity ? "application" : "none",
	    "compare with the expected concurrency; if the count only grows, find the owners "
	    "('tcpscope states --by process', '--by remote') and the code that never closes; if "
	    "this load is normal, raise the thresholds (--warn/--crit, --port-warn PORT:W:C)");

	for (unsigned i = 0; i < cfg->nports; i++) {
		const struct tsc_port_threshold *pt = &cfg->ports[i];
		uint16_t port = pt->port;
		const struct tsc__count_val *v = tsc_hash_find(s->est_ports, &port);
		uint64_t cnt = v ? v->n : 0;

		f = finding(r, TSC_CHECK_ESTABLISHED, &pt->th, (double)cnt);
		if (!f)
			return;
		f->id = "established-port";
		snprintf(f->metric, sizeof(f->metric), "established_%u", port);
		title(f, "%" PRIu64 " ESTABLISHED connections on local port %u", cnt, port);
		ev(f,
		   "local port %u: %" PRIu64 " ESTABLISHED (warning above %g, critical above %g)",
		   port, cnt, pt->th.warn, pt->th.crit);
		f->meaning = r->f[0].meaning;
		fix(f, f->severity ? "application" : "none", "%s", r->f[0].fix);
	}
}

/* --- SYN_RECV: half-open connections, SYN floods --------------------------- */

/* Sum of the backlogs of the listeners on a port (v4 + v6, SO_REUSEPORT). */
static uint64_t port_backlog(const struct tsc_check_snap *s, uint16_t port)
{
	size_t pos = 0;
	const void *key;
	void *val;
	uint64_t sum = 0;

	while (tsc_hash_next(s->listeners, &pos, &key, &val))
		if (((const struct tsc__listener_key *)key)->port == port)
			sum += ((const struct tsc__listener_val *)val)->backlog;
	return sum;
}

struct synfill {
	uint16_t port;
	uint64_t half, backlog;
	double pct;
};

/* The ports with the fullest SYN queues, fullest first (at most n). */
static size_t synfill_top(const struct tsc_check_snap *s, struct synfill *out, size_t n)
{
	size_t pos = 0, have = 0;
	const void *key;
	void *val;

	while (n && tsc_hash_next(s->synrecv, &pos, &key, &val)) {
		struct synfill e = { .port = *(const uint16_t *)key };
		size_t i;

		e.half = ((const struct tsc__count_val *)val)->n;
		e.backlog = port_backlog(s, e.port);
		e.pct = pct(e.half, e.backlog ? e.backlog : 1);
		if (have == n && out[n - 1].pct >= e.pct)
			continue;
		i = have < n ? have++ : n - 1;
		while (i > 0 && out[i - 1].pct < e.pct) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = e;
	}
	return have;
}

static void synrecv_sources(struct tsc_finding *f, const struct tsc_check_config *cfg,
			    const struct tsc_check_snap *s, uint64_t half)
{
	struct tsc__top top[8];
	size_t nsrc = tsc_hash_count(s->syn_sources);
	size_t n = tsc__top(s->syn_sources, score_n, NULL, top, cfg->top < 4 ? cfg->top : 4);
	char line[200], a[TSC_ADDRSTRLEN];
	size_t off;

	off = (size_t)snprintf(line, sizeof(line), "%zu distinct source addresses", nsrc);
	for (size_t i = 0; i < n && off < sizeof(line); i++) {
		const struct tsc__remote_key *k = top[i].key;

		tsc_fmt_addr(a, k->family, k->addr);
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s %s (%" PRIu64 ")",
					i ? "," : "; top:", a, top[i].score);
	}
	ev(f, "%s", line);
	if (half >= 16 && nsrc * 2 >= half)
		ev(f, "many different sources, few half-open each: the pattern of a (spoofed) SYN "
		      "flood");
	else if (half >= 16)
		ev(f, "few sources: a client in a retry loop, or SYN-ACKs/ACKs lost on the path");
}

static void rule_syn_recv(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			  struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	const struct tsc_check_sysctls *sys = in->sys;
	uint64_t half = s->counts[TSC_TCP_SYN_RECV];
	struct synfill top[8];
	size_t n = synfill_top(s, top, cfg->top < 8 ? cfg->top : 8);
	char b1[24], b2[24], b3[24];
	struct tsc_finding *f;
	int64_t cookies, drops;

	f = finding(r, TSC_CHECK_SYN_RECV, &cfg->th[TSC_CHECK_SYN_RECV], n ? top[0].pct : 0.0);
	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "syn_recv_fill");
	if (n)
		title(f,
		      "%" PRIu64 " half-open connections (SYN_RECV); port %u's SYN queue %.0f%% "
		      "full",
		      half, top[0].port, top[0].pct);
	else
		title(f, "no half-open connections (SYN_RECV)");
	ev(f, "SYN_RECV %" PRIu64 " (SYN received, SYN-ACK sent, final ACK not yet received)",
	   half);
	for (size_t i = 0; i < n; i++)
		ev(f, "port %u: %" PRIu64 " half-open, listener backlog %" PRIu64 " (%.0f%%)",
		   top[i].port, top[i].half, top[i].backlog, top[i].pct);
	if (half)
		synrecv_sources(f, cfg, s, half);
	ev(f, "tcp_syncookies=%s, somaxconn=%s, tcp_max_syn_backlog=%s",
	   sv(b1, sizeof(b1), sys->syncookies), sv(b2, sizeof(b2), sys->somaxconn),
	   sv(b3, sizeof(b3), sys->max_syn_backlog));
	cookies = ev_counter(f, in, TSC_CNT_SYNCOOKIES_SENT);
	drops = ev_counter(f, in, TSC_CNT_REQ_QFULL_DROP);
	(void)ev_counter(f, in, TSC_CNT_REQ_QFULL_COOKIE);
	if (cookies > 0)
		raise_to(f, TSC_SEV_WARNING); /* a SYN queue overflowed during the interval */
	if (drops > 0)
		raise_to(f, TSC_SEV_CRITICAL); /* SYNs dropped: connection attempts lost */
	if (sys->syncookies == 0 && half)
		ev(f, "syncookies are off: when a SYN queue is full new SYNs are dropped");
	f->meaning = "SYN_RECV (SYN-RECEIVED, server side): a SYN arrived and was answered with a "
		     "SYN-ACK, but the client's ACK that completes the three-way handshake is "
		     "missing. Many of them mean the ACKs never come: spoofed or dead sources (SYN "
		     "flood) or ACKs lost on the way back. Each waits in the listener's SYN queue "
		     "while the SYN-ACK is retransmitted (tcp_synack_retries).";
	fix(f, f->severity ? "kernel setting" : "none",
	    "keep %s=1 (now %s) so a full SYN queue answers with cookies instead of dropping "
	    "SYNs; a listener's SYN queue is bounded by its listen() backlog capped at %s (now "
	    "%s): raise both (application's listen(fd, N) and somaxconn) for legitimate bursts; "
	    "tcp_max_syn_backlog (now %s) matters only with syncookies off; lower %s to free "
	    "half-open entries sooner; filter spoofed sources upstream",
	    sysctl_key("tcp_syncookies"), sv(b1, sizeof(b1), sys->syncookies),
	    sysctl_key("somaxconn"), sv(b2, sizeof(b2), sys->somaxconn),
	    sv(b3, sizeof(b3), sys->max_syn_backlog), sysctl_key("tcp_synack_retries"));
}

/* --- accept queue ------------------------------------------------------------ */

static uint64_t score_fill(const void *val, const void *arg)
{
	const struct tsc__listener_val *v = val;

	(void)arg;
	/* +1 so that an empty queue of a zero backlog does not score */
	return v->rqueue ? (uint64_t)(pct(v->rqueue, v->backlog ? v->backlog : 1) * 10) + 1 : 0;
}

static void rule_accept_queue(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			      struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	struct tsc__top top[8];
	size_t n = tsc__top(s->listeners, score_fill, NULL, top, cfg->top < 8 ? cfg->top : 8);
	double worst = 0;
	struct tsc_finding *f;
	char ep[TSC_ADDRSTRLEN + 8], who[48], b1[24];
	int64_t ovf, drops;
	bool full = false;

	if (n) {
		const struct tsc__listener_val *v = top[0].val;

		worst = pct(v->rqueue, v->backlog ? v->backlog : 1);
	}
	f = finding(r, TSC_CHECK_ACCEPT_QUEUE, &cfg->th[TSC_CHECK_ACCEPT_QUEUE], worst);
	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "accept_queue_fill");
	ev(f, "%zu listening sockets", tsc_hash_count(s->listeners));
	for (size_t i = 0; i < n; i++) {
		const struct tsc__listener_key *k = top[i].key;
		const struct tsc__listener_val *v = top[i].val;
		bool isfull = v->rqueue > v->backlog; /* sk_acceptq_is_full */

		tsc_fmt_endpoint(ep, k->family, k->addr, k->port);
		owner_label(who, sizeof(who), v->pid, v->comm);
		ev(f, "%s %s: accept queue %" PRIu32 " of backlog %" PRIu32 "%s", ep, who,
		   v->rqueue, v->backlog, isfull ? " (full)" : "");
		if (i == 0) {
			full = isfull;
			if (full)
				title(f, "accept queue full on %s, %s", ep, who);
			else
				title(f,
				      "accept queue of %s, %s: %" PRIu32 " of %" PRIu32
				      " waiting for accept()",
				      ep, who, v->rqueue, v->backlog);
		}
	}
	if (!n)
		title(f, "no connections waiting in an accept queue");
	ovf = ev_counter(f, in, TSC_CNT_LISTEN_OVERFLOWS);
	drops = ev_counter(f, in, TSC_CNT_LISTEN_DROPS);
	if (ovf > 0 || drops > 0)
		raise_to(f, full ? TSC_SEV_CRITICAL : TSC_SEV_WARNING);
	f->meaning = "The three-way handshake completed in the kernel, but the application has not "
		     "called accept(). When a listener's accept queue is full the kernel drops the "
		     "client's final ACK of new handshakes (ListenOverflows, ListenDrops), leaves "
		     "them in SYN_RECV and retransmits the SYN-ACK: clients see slow connects or "
		     "timeouts. What is missing is not a packet but the accept() call.";
	fix(f, f->severity ? "application" : "none",
	    "the process named above does not accept fast enough (blocked accept loop, too few "
	    "workers, stalled event loop): fix the application. A larger backlog (listen(fd, N), "
	    "capped by %s, now %s) only absorbs bursts; %s=1 turns the timeouts into resets",
	    sysctl_key("somaxconn"), sv(b1, sizeof(b1), in->sys->somaxconn),
	    sysctl_key("tcp_abort_on_overflow"));
}

/* --- CLOSE_WAIT ------------------------------------------------------------ */

static void rule_close_wait(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			    struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	struct tsc__top top[8];
	size_t n = tsc__top(s->closewait, score_n, NULL, top, cfg->top < 8 ? cfg->top : 8);
	uint64_t total = s->counts[TSC_TCP_CLOSE_WAIT];
	struct tsc_finding *f;
	char who[48];

	f = finding(r, TSC_CHECK_CLOSE_WAIT, &cfg->th[TSC_CHECK_CLOSE_WAIT],
		    n ? (double)top[0].score : 0.0);
	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "close_wait_max");
	ev(f, "CLOSE_WAIT %" PRIu64 " in all", total);
	for (size_t i = 0; i < n; i++) {
		const struct tsc__proc_port_key *k = top[i].key;

		owner_label(who, sizeof(who), k->pid, k->comm);
		ev(f, "%s, local port %u: %" PRIu64 " CLOSE_WAIT", who, k->port, top[i].score);
		if (i == 0)
			title(f, "%" PRIu64 " CLOSE_WAIT sockets held by %s on local port %u",
			      top[i].score, who, k->port);
	}
	if (!n)
		title(f, "no CLOSE_WAIT sockets");
	if (s->closewait_noowner)
		ev(f,
		   "%" PRIu64 " CLOSE_WAIT without a visible owner (other users' processes, "
		   "or the descriptor was passed on)",
		   s->closewait_noowner);
	f->meaning =
		"CLOSE_WAIT (passive close): the peer sent its FIN and the kernel ACKed it; the "
		"local application got end-of-file but never called close(). Nothing is "
		"missing on the wire: the kernel waits for the application, and CLOSE_WAIT "
		"has no timeout, so leaked sockets stay until the process closes or exits.";
	fix(f, f->severity ? "application" : "none",
	    "an application bug: when read()/recv() returns 0 (EOF) or an error, close() the "
	    "socket, also in error paths, and release pooled connections the peer closed. No "
	    "sysctl fixes this (tcp_fin_timeout and keepalive do not apply to CLOSE_WAIT); "
	    "restarting the process only releases the sockets until they leak again");
}

/* --- TIME_WAIT ------------------------------------------------------------ */

static void rule_time_wait(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			   struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	const struct tsc_check_sysctls *sys = in->sys;
	uint64_t tw = s->counts[TSC_TCP_TIME_WAIT];
	double p = sys->max_tw_buckets > 0 ? pct(tw, (uint64_t)sys->max_tw_buckets) : 0.0;
	struct tsc_finding *f = finding(r, TSC_CHECK_TIME_WAIT, &cfg->th[TSC_CHECK_TIME_WAIT], p);
	struct tsc__top top[8];
	size_t n;
	char b1[24], b2[24], ep[TSC_ADDRSTRLEN + 8];
	int64_t ovf;

	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "time_wait_pct");
	title(f, "%" PRIu64 " TIME_WAIT sockets, %.0f%% of tcp_max_tw_buckets (%s)", tw, p,
	      sv(b1, sizeof(b1), sys->max_tw_buckets));
	ev(f, "TIME_WAIT %" PRIu64 " of tcp_max_tw_buckets %s", tw,
	   sv(b1, sizeof(b1), sys->max_tw_buckets));
	n = tsc__top(s->dests, score_extra, NULL, top, cfg->top < 8 ? cfg->top : 8);
	for (size_t i = 0; i < n; i++) {
		const struct tsc__dest_key *k = top[i].key;

		tsc_fmt_endpoint(ep, k->family, k->raddr, k->rport);
		ev(f, "toward %s: %" PRIu64 " TIME_WAIT (this side closed first)", ep,
		   top[i].score);
	}
	ev_top_remotes(f, cfg, s, TSC_TCP_TIME_WAIT);
	ovf = ev_counter(f, in, TSC_CNT_TW_OVERFLOW);
	if (ovf > 0)
		raise_to(f, TSC_SEV_WARNING);
	if (sys->max_tw_buckets > 0 && tw >= (uint64_t)sys->max_tw_buckets)
		ev(f, "the table is full: new TIME_WAIT sockets are not created (closed at once)");
	f->meaning = "TIME_WAIT is kept by the side that closed first (active close) for 2*MSL, a "
		     "fixed 60 s on Linux, so that delayed segments of the old connection die and "
		     "the last ACK can be repeated. It is normal; a pile-up means many short "
		     "connections closed by this side. Above tcp_max_tw_buckets the kernel skips "
		     "TIME_WAIT (TCPTimeWaitOverflow) and loses that protection.";
	fix(f, f->severity ? "application" : "none",
	    "reuse connections (HTTP keep-alive, connection pools) instead of one connection per "
	    "request, or let the peer close first; for outgoing connections "
	    "%s=1 (now %s) lets connect() reuse a TIME_WAIT port safely (timestamps). Do not "
	    "lower tcp_fin_timeout for this (it does not govern TIME_WAIT) and do not look for "
	    "tcp_tw_recycle (removed in Linux %s; it broke clients behind NAT)",
	    sysctl_key("tcp_tw_reuse"), sv(b2, sizeof(b2), sys->tw_reuse),
	    tsc_sysctl_fact_find("tcp_tw_recycle")->removed_in);
}

/* --- ephemeral ports toward one destination ---------------------------------- */

static bool is_loopback(const struct tsc__dest_key *k)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (k->family == AF_INET)
		return k->raddr[0] == 127;
	return !memcmp(k->raddr, lo6, 16);
}

/* Ports that connect() cannot reuse: TIME_WAIT ports are reusable with
 * tcp_tw_reuse=1, or 2 toward loopback (the default since Linux 4.19). */
static uint64_t ports_used(const struct tsc__dest_key *k, const struct tsc__count_val *v,
			   int64_t tw_reuse)
{
	if (tw_reuse == 1 || (tw_reuse == 2 && is_loopback(k)))
		return v->n - v->extra;
	return v->n;
}

static void rule_ports(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
		       struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	const struct tsc_check_sysctls *sys = in->sys;
	uint64_t range = sys->port_lo >= 0 ? (uint64_t)(sys->port_hi - sys->port_lo + 1) : 0;
	const struct tsc__dest_key *wk = NULL;
	const struct tsc__count_val *wv = NULL;
	uint64_t wused = 0;
	size_t pos = 0;
	const void *key;
	void *val;
	struct tsc_finding *f;
	char ep[TSC_ADDRSTRLEN + 8], la[TSC_ADDRSTRLEN], b1[24];

	while (tsc_hash_next(s->dests, &pos, &key, &val)) {
		uint64_t used = ports_used(key, val, sys->tw_reuse);

		if (used > wused) {
			wused = used;
			wk = key;
			wv = val;
		}
	}
	f = finding(r, TSC_CHECK_PORTS, &cfg->th[TSC_CHECK_PORTS], range ? pct(wused, range) : 0);
	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "ports_pct");
	if (range)
		ev(f, "ip_local_port_range %" PRId64 "-%" PRId64 ": %" PRIu64 " ports",
		   sys->port_lo, sys->port_hi, range);
	else
		ev(f, "ip_local_port_range could not be read");
	if (wk) {
		tsc_fmt_endpoint(ep, wk->family, wk->raddr, wk->rport);
		tsc_fmt_addr(la, wk->family, wk->laddr);
		title(f, "%" PRIu64 " of %" PRIu64 " local ports in use from %s toward %s (%.0f%%)",
		      wused, range, la, ep, f->value);
		ev(f,
		   "from %s toward %s: %" PRIu64 " sockets with local ports in the range, %" PRIu64
		   " of them TIME_WAIT",
		   la, ep, wv->n, wv->extra);
		if (range && wused >= range)
			ev(f, "exhausted: connect() to %s fails with EADDRNOTAVAIL", ep);
	} else {
		title(f, "no outgoing connections hold ephemeral ports");
	}
	ev(f,
	   "tcp_tw_reuse=%s (1: TIME_WAIT ports reusable for outgoing connections; 2: only "
	   "toward loopback)",
	   sv(b1, sizeof(b1), sys->tw_reuse));
	f->meaning = "Each connection from one local address to one remote ip:port needs its own "
		     "local port, and ports held in TIME_WAIT count. When every port of "
		     "ip_local_port_range is taken toward a destination, connect() fails with "
		     "EADDRNOTAVAIL (\"Cannot assign requested address\") before any SYN is sent.";
	fix(f, f->severity ? "application" : "none",
	    "reuse connections (keep-alive, pools) instead of opening one per request; widen "
	    "%s (now %" PRId64 " %" PRId64 ") if no service listens there; %s=1 for outgoing "
	    "connections; spread the load over more destination addresses/ports or source "
	    "addresses (IP_BIND_ADDRESS_NO_PORT)",
	    sysctl_key("ip_local_port_range"), sys->port_lo, sys->port_hi,
	    sysctl_key("tcp_tw_reuse"));
}

/* --- closing states ------------------------------------------------------ */

static void rule_fin_wait1(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			   struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	uint64_t n = s->counts[TSC_TCP_FIN_WAIT1];
	struct tsc_finding *f =
		finding(r, TSC_CHECK_FIN_WAIT1, &cfg->th[TSC_CHECK_FIN_WAIT1], (double)n);

	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "fin_wait1");
	title(f, "%" PRIu64 " FIN_WAIT1 sockets, %" PRIu64 " retransmitting their FIN", n,
	      s->fw1_retrans);
	ev(f,
	   "FIN_WAIT1 %" PRIu64 ", %" PRIu64 " with the retransmission timer running "
	   "(FIN or data not ACKed)",
	   n, s->fw1_retrans);
	ev_top_remotes(f, cfg, s, TSC_TCP_FIN_WAIT1);
	(void)ev_counter(f, in, TSC_CNT_ABORT_ON_TIMEOUT);
	f->meaning =
		"FIN_WAIT1 (active close): this side sent its FIN and waits for the peer to "
		"ACK it. A pile-up means that ACK never comes: the peers vanished (powered "
		"off, unplugged, NAT or firewall state expired) or advertise a zero window, so "
		"unsent data is stuck in front of the FIN. The kernel retransmits with "
		"exponential backoff.";
	fix(f, f->severity ? "network" : "none",
	    "find why the remotes above stopped answering; orphaned FIN_WAIT1 sockets (the "
	    "application already closed) are killed after net.ipv4.tcp_orphan_retries "
	    "retransmissions; an application can bound the wait with TCP_USER_TIMEOUT or "
	    "SO_LINGER");
}

static void rule_fin_wait2(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			   struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	uint64_t n = s->counts[TSC_TCP_FIN_WAIT2];
	struct tsc_finding *f =
		finding(r, TSC_CHECK_FIN_WAIT2, &cfg->th[TSC_CHECK_FIN_WAIT2], (double)n);
	char b1[24];

	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "fin_wait2");
	title(f, "%" PRIu64 " FIN_WAIT2 sockets", n);
	ev(f, "FIN_WAIT2 %" PRIu64 "; tcp_fin_timeout=%s s", n,
	   sv(b1, sizeof(b1), in->sys->fin_timeout));
	ev_top_remotes(f, cfg, s, TSC_TCP_FIN_WAIT2);
	f->meaning = "FIN_WAIT2 (active close): our FIN was ACKed and we wait for the peer's FIN. "
		     "The peer application has not closed yet (its socket is in CLOSE_WAIT: look "
		     "there for a leak) or the peer vanished after ACKing.";
	fix(f, f->severity ? "application" : "none",
	    "orphaned FIN_WAIT2 sockets (closed by the application) are bounded by "
	    "%s (now %s s); sockets still owned after shutdown(SHUT_WR) never time out: the "
	    "application must close() them. On the peer, look for a CLOSE_WAIT leak",
	    sysctl_key("tcp_fin_timeout"), sv(b1, sizeof(b1), in->sys->fin_timeout));
}

static void rule_orphans(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			 struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	int64_t max = in->sys->max_orphans;
	double p = max > 0 ? pct(s->orphans, (uint64_t)max) : 0.0;
	struct tsc_finding *f = finding(r, TSC_CHECK_ORPHANS, &cfg->th[TSC_CHECK_ORPHANS], p);
	char b1[24];

	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "orphans_pct");
	title(f, "%" PRIu64 " orphaned sockets, %.1f%% of tcp_max_orphans (%s)", s->orphans, p,
	      sv(b1, sizeof(b1), max));
	ev(f, "orphans (FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK without an owning socket) %" PRIu64,
	   s->orphans);
	(void)ev_counter(f, in, TSC_CNT_ABORT_ON_MEMORY);
	f->meaning = "Orphans are connections the application already closed that the kernel is "
		     "still finishing (FIN handshake). Above net.ipv4.tcp_max_orphans the kernel "
		     "resets them at once (\"too many orphaned sockets\").";
	fix(f, f->severity ? "kernel setting" : "none",
	    "find why closes do not complete (see fin-wait-1 and last-ack); %s (now %s) can be "
	    "raised if memory allows (each orphan can hold up to ~64 KB)",
	    sysctl_key("tcp_max_orphans"), sv(b1, sizeof(b1), max));
}

static void rule_last_ack(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			  struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	uint64_t n = s->counts[TSC_TCP_LAST_ACK];
	struct tsc_finding *f =
		finding(r, TSC_CHECK_LAST_ACK, &cfg->th[TSC_CHECK_LAST_ACK], (double)n);

	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "last_ack");
	title(f, "%" PRIu64 " LAST_ACK sockets", n);
	ev(f, "LAST_ACK %" PRIu64, n);
	ev_top_remotes(f, cfg, s, TSC_TCP_LAST_ACK);
	f->meaning = "LAST_ACK (passive close): the peer closed first, then this side sent its own "
		     "FIN and waits for its ACK. A pile-up means those final ACKs are missing: "
		     "peers that vanish right after closing, or a firewall dropping them.";
	fix(f, f->severity ? "network" : "none",
	    "check the remotes above and the path (firewall state timeouts); the FIN is "
	    "retransmitted and the socket dropped after net.ipv4.tcp_orphan_retries");
}

/* --- attack pattern, idle connections, retransmissions -------------------- */

static void rule_attack(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			struct tsc_check_report *r)
{
	const uint64_t *c = in->snap->counts;
	uint64_t churn = c[TSC_TCP_SYN_RECV] + c[TSC_TCP_TIME_WAIT] + c[TSC_TCP_FIN_WAIT1];
	uint64_t est = c[TSC_TCP_ESTABLISHED];
	bool pattern = churn && est * 10 < churn;
	struct tsc_finding *f = finding(r, TSC_CHECK_ATTACK, &cfg->th[TSC_CHECK_ATTACK],
					pattern ? (double)churn : 0.0);

	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "attack_churn");
	title(f, "%s%" PRIu64 " SYN_RECV + TIME_WAIT + FIN_WAIT1 vs %" PRIu64 " ESTABLISHED",
	      f->severity ? "attack pattern, few established and many opening/closing: " : "",
	      churn, est);
	ev(f,
	   "SYN_RECV %" PRIu64 ", TIME_WAIT %" PRIu64 ", FIN_WAIT1 %" PRIu64
	   ", ESTABLISHED %" PRIu64,
	   c[TSC_TCP_SYN_RECV], c[TSC_TCP_TIME_WAIT], c[TSC_TCP_FIN_WAIT1], est);
	f->meaning = "Many connections being opened or torn down while few are established is the "
		     "shape of a SYN flood (SYN_RECV), a flood of short connections (TIME_WAIT) or "
		     "clients vanishing (FIN_WAIT1): a denial of service, a scanner or a client "
		     "stuck in a retry loop.";
	fix(f, f->severity ? "network" : "none",
	    "identify the sources ('tcpscope states --by remote', the syn-recv evidence), "
	    "rate-limit or block them upstream, keep net.ipv4.tcp_syncookies=1");
}

static void rule_idle(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
		      struct tsc_check_report *r)
{
	const struct tsc_check_snap *s = in->snap;
	const struct tsc_check_sysctls *sys = in->sys;
	struct tsc_finding *f =
		finding(r, TSC_CHECK_IDLE, &cfg->th[TSC_CHECK_IDLE], (double)s->idle);
	char l[TSC_ADDRSTRLEN + 8], p[TSC_ADDRSTRLEN + 8], b1[24], b2[24], b3[24];

	if (!f)
		return;
	snprintf(f->metric, sizeof(f->metric), "idle_no_keepalive");
	title(f, "%" PRIu64 " ESTABLISHED idle over %" PRIu32 " s without keepalive", s->idle,
	      s->o.idle_ms / 1000);
	ev(f,
	   "%" PRIu64 " ESTABLISHED received nothing for over %" PRIu32 " s and have no timer; "
	   "%" PRIu64 " have a keepalive timer",
	   s->idle, s->o.idle_ms / 1000, s->keepalive);
	for (unsigned i = 0; i < s->nidle_ex && i < cfg->top; i++) {
		const struct tsc_sock *sk = &s->idle_ex[i].sk;

		tsc_fmt_endpoint(l, sk->family, sk->local, sk->lport);
		tsc_fmt_endpoint(p, sk->family, sk->peer, sk->pport);
		ev(f, "%s -> %s idle %" PRIu32 " s", l, p, s->idle_ex[i].idle_ms / 1000);
	}
	ev(f,
	   "tcp_keepalive_time=%s s, intvl=%s s, probes=%s (defaults for sockets that enable "
	   "SO_KEEPALIVE)",
	   sv(b1, sizeof(b1), sys->keepalive_time), sv(b2, sizeof(b2), sys->keepalive_intvl),
	   sv(b3, sizeof(b3), sys->keepalive_probes));
	f->meaning = "An ESTABLISHED connection that has received nothing for a long time and has "
		     "no keepalive timer may be half-open: the peer crashed or a NAT/firewall "
		     "forgot the flow, and since this side sends nothing, nothing will ever tell "
		     "it. The socket and its memory stay forever.";
	fix(f, f->severity ? "application" : "none",
	    "enable SO_KEEPALIVE on these sockets and set TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT "
	    "below the NAT/firewall idle timeout (or use application heartbeats); the "
	    "net.ipv4.tcp_keepalive_* sysctls only set the defaults for sockets that enable "
	    "SO_KEEPALIVE; TCP_USER_TIMEOUT bounds unacknowledged data");
}

static void rule_retrans(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
			 struct tsc_check_report *r)
{
	int64_t out = 0, ret = 0;
	bool ok1, ok2;
	bool rate = counter(in, TSC_CNT_OUT_SEGS, &out, &ok1) &
		    counter(in, TSC_CNT_RETRANS_SEGS, &ret, &ok2);
	double p = out > 0 ? (double)ret * 100.0 / (double)out : 0.0;
	struct tsc_finding *f;

	/* a rate only over an interval with enough traffic to mean something */
	f = finding(r, TSC_CHECK_RETRANS, &cfg->th[TSC_CHECK_RETRANS],
		    rate && out >= 100 ? p : 0.0);
	if (!f)
		return;
	f->unit = "%";
	snprintf(f->metric, sizeof(f->metric), "retrans_pct");
	if (!ok1 || !ok2) {
		title(f, "retransmission counters not available");
	} else if (rate) {
		title(f, "%.2f%% of segments retransmitted in %.1f s (%" PRId64 " of %" PRId64 ")",
		      p, (double)in->interval_ms / 1000.0, ret, out);
		if (out < 100)
			ev(f, "fewer than 100 segments sent: too little traffic for a rate");
	} else {
		f->metric[0] = '\0'; /* no rate, no perfdata */
		title(f,
		      "%.2f%% of segments retransmitted since the namespace started (use "
		      "--interval for a rate)",
		      p);
	}
	ev(f, "Tcp.RetransSegs %" PRId64 ", Tcp.OutSegs %" PRId64 "%s", ret, out,
	   rate ? " (in the interval)" : " (since the namespace started)");
	(void)ev_counter(f, in, TSC_CNT_SYN_RETRANS);
	(void)ev_counter(f, in, TSC_CNT_ABORT_ON_TIMEOUT);
	f->meaning = "Segments sent again because no ACK came back in time (RTO) or loss was "
		     "inferred from duplicate ACKs/SACK: packet loss or heavy reordering on the "
		     "path, or overloaded receivers. Throughput drops and latency rises.";
	fix(f, f->severity ? "network" : "none",
	    "find the affected connections ('tcpscope sockets -i' shows retrans per socket), "
	    "check interfaces for errors and drops, MTU black holes, congested links");
}

void tsc__check_rules(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
		      struct tsc_check_report *r)
{
	rule_established(cfg, in, r);
	rule_syn_recv(cfg, in, r);
	rule_accept_queue(cfg, in, r);
	rule_close_wait(cfg, in, r);
	rule_time_wait(cfg, in, r);
	rule_ports(cfg, in, r);
	rule_fin_wait1(cfg, in, r);
	rule_fin_wait2(cfg, in, r);
	rule_orphans(cfg, in, r);
	rule_last_ack(cfg, in, r);
	rule_attack(cfg, in, r);
	rule_idle(cfg, in, r);
	rule_retrans(cfg, in, r);
	if (in->scoped)
		for (size_t i = 0; i < r->n; i++)
			if (r->f[i].rule == TSC_CHECK_RETRANS)
				ev(&r->f[i], "counters are for the whole network namespace, not "
					     "only the --port/--process scope");
}
