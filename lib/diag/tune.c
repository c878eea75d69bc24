/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tune's pure logic: recommendations from observed state, value validation,
 * plans, the saved-values file, and the write/verify/roll-back sequence over
 * an I/O seam (struct tsc_tune_io). The facts (defaults, ranges, what a knob
 * really does) come from diag/sysctl-facts.c; the rules here only decide
 * when the evidence justifies a change. Kernel behaviour cited per rule:
 * net/ipv4/tcp_minisocks.c (TIME-WAIT, fixed TCP_TIMEWAIT_LEN = 60 s),
 * inet_hashtables.c (ephemeral ports), tcp_input.c (SYN queue, cookies).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "diag/tune.h"

void tsc_tune_obs_init(struct tsc_tune_obs *obs)
{
	memset(obs, 0, sizeof(*obs));
	obs->listen_overflows = -1;
	obs->listen_drops = -1;
	obs->syncookies_sent = -1;
	obs->syncookies_failed = -1;
	obs->tw_overflow = -1;
	obs->abort_on_memory = -1;
	obs->reqq_full_drop = -1;
}

void tsc_tune_init(struct tsc_tune *t)
{
	size_t n;
	const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&n);

	memset(t, 0, sizeof(*t));
	if (n > TSC_TUNE_MAX_ITEMS)
		n = TSC_TUNE_MAX_ITEMS;
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->items[i].fact = &f[i];
		t->items[i].read_err = -ENODATA;
	}
}

void tsc_tune_read(struct tsc_tune *t, const struct tsc_tune_io *io, bool in_netns)
{
	for (size_t i = 0; i < t->n; i++) {
		struct tsc_tune_item *it = &t->items[i];
		char text[256];
		int r = io->read(io->arg, it->fact, text, sizeof(text));

		it->host_wide_here = in_netns && !it->fact->per_netns;
		if (r >= 0)
			r = tsc_sysctl_value_parse(it->fact, text, &it->cur);
		it->read_err = r < 0 ? r : 0;
	}
}

struct tsc_tune_item *tsc_tune_find(struct tsc_tune *t, const struct tsc_sysctl_fact *f)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].fact == f)
			return &t->items[i];
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Recommendations */

static void why(struct tsc_tune_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void why(struct tsc_tune_item *it, const char *fmt, ...)
{
	size_t used = strlen(it->why);
	va_list ap;

	if (used + 1 >= sizeof(it->why))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(it->why + used, sizeof(it->why) - used, fmt, ap);
	va_end(ap);
}

static void recommend(struct tsc_tune_item *it, unsigned n, int64_t a, int64_t b, int64_t c)
{
	it->change = true;
	it->rec.n = n;
	it->rec.v[0] = a;
	it->rec.v[1] = b;
	it->rec.v[2] = c;
}

/* Current value of another sysctl (by short name), or NULL if unread. */
static const struct tsc_sysctl_value *cur_of(const struct tsc_tune *t, const char *name)
{
	const struct tsc_sysctl_fact *f = tsc_sysctl_fact_find(name);

	for (size_t i = 0; f && i < t->n; i++)
		if (t->items[i].fact == f && t->items[i].read_err == 0)
			return &t->items[i].cur;
	return NULL;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Size of the ephemeral range, 0 if unknown. */
static int64_t port_range_size(const struct tsc_tune *t)
{
	const struct tsc_sysctl_value *r = cur_of(t, "ip_local_port_range");

	if (!r || r->v[1] < r->v[0])
		return 0;
	return r->v[1] - r->v[0] + 1;
}

/* Outgoing connections toward one ip:port hold half the ephemeral range or
 * more: connect() is close to EADDRNOTAVAIL (inet_hash_connect finds no free
 * port for that 4-tuple). */
static bool port_pressure(const struct tsc_tune *t, const struct tsc_tune_obs *obs)
{
	int64_t size = port_range_size(t);

	return obs->have_sockets && size > 0 && obs->dest_max >= 8 &&
	       (int64_t)obs->dest_max * 2 >= size;
}

static void rule_syncookies(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	if (it->cur.v[0] == 0) {
		recommend(it, 1, 1, 0, 0);
		why(it, "syncookies are off: when a listener's SYN queue fills (a SYN flood, or a "
			"burst larger than the listen() backlog) new SYNs are dropped instead of "
			"answered with a cookie; 1 costs nothing until then.");
		if (obs->reqq_full_drop > 0)
			why(it, " TCPReqQFullDrop=%lld: SYNs were dropped that way.",
			    (long long)obs->reqq_full_drop);
		return;
	}
	if (it->cur.v[0] == 2) {
		recommend(it, 1, 1, 0, 0);
		why(it, "2 answers every SYN with a cookie (meant for testing): connections from "
			"peers without TCP timestamps lose window scaling and SACK; 1 uses cookies "
			"only when a SYN queue is full.");
		return;
	}
	if (obs->syncookies_sent > 0)
		why(it,
		    "leave it: cookies were sent %lld times (SyncookiesSent, failed %lld): a "
		    "listener's SYN queue overflowed and cookies kept those connections. The "
		    "queue is bounded by the listen() backlog capped by somaxconn: raise those, "
		    "not this.",
		    (long long)obs->syncookies_sent, (long long)max64(obs->syncookies_failed, 0));
	else
		why(it, "leave it: on (only when a SYN queue is full), the right setting%s.",
		    obs->syncookies_sent == 0 ? "; no cookie was needed so far" : "");
}

static void rule_syn_backlog(struct tsc_tune_item *it, const struct tsc_tune *t,
			     const struct tsc_tune_obs *obs)
{
	const struct tsc_sysctl_value *sc = cur_of(t, "tcp_syncookies");

	why(it, "leave it: this is not the SYN queue size; it matters only with "
		"tcp_syncookies=0 (then SYNs from unknown peers are dropped once a listener's "
		"half-open count is within a quarter of it).");
	if (sc && sc->v[0] == 0)
		why(it, " Syncookies are off here: turn them on (tcp_syncookies=1) instead.");
	if (obs->have_sockets)
		why(it, " Half-open now: %llu.", (unsigned long long)obs->states[TSC_TCP_SYN_RECV]);
}

static void rule_somaxconn(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	bool evidence = obs->listen_overflows > 0 || obs->listeners_full > 0;
	int64_t cur = it->cur.v[0];

	if (!evidence) {
		why(it,
		    "leave it: no accept-queue overflow seen (ListenOverflows %lld, full "
		    "listeners now %llu).",
		    (long long)obs->listen_overflows, (unsigned long long)obs->listeners_full);
		return;
	}
	why(it, "accept queues overflowed: ListenOverflows=%lld, %llu listener(s) full now",
	    (long long)obs->listen_overflows, (unsigned long long)obs->listeners_full);
	if (obs->listeners_full > 0)
		why(it, " (e.g. port %u)", obs->full_port);
	if (cur >= 65535) {
		why(it, ". The cap is already high: the limit is the application's listen() "
			"backlog and how fast it calls accept(); leave it.");
		return;
	}
	recommend(it, 1, min64(max64(cur * 2, 4096), 65535), 0, 0);
	why(it, ". A higher cap helps only when the application's listen() backlog is raised "
		"too and it calls listen() again (restart); the real fix is accepting faster.");
}

static void rule_synack(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	int64_t r = it->cur.v[0];
	uint64_t half_open = obs->states[TSC_TCP_SYN_RECV];

	if (obs->have_sockets && half_open >= 256 && r > 3) {
		recommend(it, 1, 3, 0, 0);
		why(it,
		    "%llu half-open (SYN_RECV) connections now: with %lld retries each one "
		    "stays about %lld s; 3 drops an unanswered one after 15 s (SYN-ACKs at "
		    "0,1,3,7 s), at the cost of clients that lose 4 SYN-ACKs in a row.",
		    (unsigned long long)half_open, (long long)r,
		    r < 30 ? (2LL << r) - 1 : (long long)INT32_MAX);
		return;
	}
	why(it,
	    "leave it: %llu half-open connections now; shorter retries only help against "
	    "floods of half-open connections.",
	    (unsigned long long)half_open);
}

static void rule_fin_timeout(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	uint64_t fw2 = obs->orphan_fin_wait2;

	if (obs->have_sockets && fw2 >= 1000 && it->cur.v[0] > 30) {
		recommend(it, 1, 30, 0, 0);
		why(it,
		    "%llu orphaned FIN_WAIT2 sockets (closed by their application, the peer "
		    "never sent its FIN): each lives tcp_fin_timeout seconds; 30 halves that. ",
		    (unsigned long long)fw2);
	} else {
		why(it, "leave it: it only limits orphaned FIN_WAIT2 (%llu now). ",
		    (unsigned long long)fw2);
	}
	why(it, "It does not shorten TIME_WAIT, which is fixed at 60 s (TCP_TIMEWAIT_LEN)");
	if (obs->states[TSC_TCP_TIME_WAIT])
		why(it, ": the %llu TIME_WAIT sockets here are not affected by it",
		    (unsigned long long)obs->states[TSC_TCP_TIME_WAIT]);
	why(it, ".");
	if (!it->change && it->cur.v[0] < 10)
		why(it, " At %lld it cuts off peers that are still sending after our FIN.",
		    (long long)it->cur.v[0]);
}

static void rule_tw_reuse(struct tsc_tune_item *it, const struct tsc_tune *t,
			  const struct tsc_tune_obs *obs)
{
	const struct tsc_sysctl_value *ts = cur_of(t, "tcp_timestamps");

	if (port_pressure(t, obs) && obs->dest_max_tw * 2 >= obs->dest_max && it->cur.v[0] != 1) {
		recommend(it, 1, 1, 0, 0);
		why(it,
		    "%llu of this host's outgoing connections toward %s are in TIME_WAIT (of "
		    "%lld ephemeral ports): with 1, connect() reuses such a 4-tuple once its "
		    "last packet is over 1 s old, PAWS (timestamps) rejecting old duplicates. "
		    "It only helps outgoing connections.",
		    (unsigned long long)obs->dest_max_tw, obs->dest, (long long)port_range_size(t));
		if (ts && ts->v[0] == 0)
			why(it, " It needs tcp_timestamps, which is off here.");
		return;
	}
	if (obs->tw_incoming > 0 && obs->tw_incoming >= obs->tw_outgoing)
		why(it,
		    "leave it: the %llu TIME_WAIT sockets on listening ports belong to accepted "
		    "connections, and tcp_tw_reuse does nothing for those (it only helps this "
		    "host's own connect()).",
		    (unsigned long long)obs->tw_incoming);
	else
		why(it,
		    "leave it: no outgoing port pressure (busiest destination: %llu "
		    "connections of %lld ports); it only helps outgoing connections.",
		    (unsigned long long)obs->dest_max, (long long)port_range_size(t));
}

static void rule_port_range(struct tsc_tune_item *it, const struct tsc_tune *t,
			    const struct tsc_tune_obs *obs)
{
	int64_t lo = it->cur.v[0], hi = it->cur.v[1];

	if (!port_pressure(t, obs)) {
		why(it, "leave it: the busiest destination holds %llu of %lld ephemeral ports.",
		    (unsigned long long)obs->dest_max, (long long)port_range_size(t));
		return;
	}
	why(it,
	    "%llu sockets of this host (%llu in TIME_WAIT) toward %s use local ports from "
	    "the %lld-port range %lld-%lld; a 4-tuple must be unique, so connect() fails with "
	    "EADDRNOTAVAIL when they run out.",
	    (unsigned long long)obs->dest_max, (unsigned long long)obs->dest_max_tw, obs->dest,
	    (long long)port_range_size(t), (long long)lo, (long long)hi);
	if (lo <= 10240 && hi >= 65535) {
		why(it, " The range is already wide: leave it; use more destination or source "
			"addresses, or reuse connections (keep-alive, pooling).");
		return;
	}
	recommend(it, 2, min64(lo, 10240), 65535, 0);
	why(it,
	    " Widening gives %lld ports per destination; keep listening ports out of it "
	    "(ip_local_reserved_ports). Reusing connections is the real fix.",
	    (long long)(65535 - min64(lo, 10240) + 1));
}

static void rule_tw_buckets(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	int64_t cur = it->cur.v[0];
	uint64_t tw = obs->states[TSC_TCP_TIME_WAIT];

	if (obs->tw_overflow > 0 || (obs->have_sockets && cur > 0 && (int64_t)tw * 4 >= cur * 3)) {
		recommend(it, 1, min64(max64(cur * 2, 131072), 2147483647), 0, 0);
		why(it,
		    "TIME_WAIT overflowed %lld times (TCPTimeWaitOverflow), %llu TIME_WAIT "
		    "sockets of at most %lld now: past the limit a closing socket skips "
		    "TIME_WAIT, losing the protection against old duplicate segments. Lowering "
		    "it to get rid of TIME_WAIT is the myth.",
		    (long long)max64(obs->tw_overflow, 0), (unsigned long long)tw, (long long)cur);
		return;
	}
	why(it, "leave it: %llu TIME_WAIT sockets of at most %lld, no overflow.",
	    (unsigned long long)tw, (long long)cur);
}

static void rule_keepalive(struct tsc_tune_item *it, const struct tsc_tune *t)
{
	const struct tsc_sysctl_value *kt = cur_of(t, "tcp_keepalive_time");
	const struct tsc_sysctl_value *ki = cur_of(t, "tcp_keepalive_intvl");
	const struct tsc_sysctl_value *kp = cur_of(t, "tcp_keepalive_probes");

	why(it, "leave it: keepalive applies only to sockets with SO_KEEPALIVE");
	if (kt && ki && kp)
		why(it, ", which find a dead peer after %lld s idle + %lld x %lld s = %lld s",
		    (long long)kt->v[0], (long long)kp->v[0], (long long)ki->v[0],
		    (long long)(kt->v[0] + kp->v[0] * ki->v[0]));
	why(it, "; applications that need it sooner (e.g. under a NAT idle timeout) set "
		"TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT per socket.");
}

static void rule_mem(struct tsc_tune_item *it)
{
	struct tsc_sysctl_value d;

	if (tsc_sysctl_value_parse(it->fact, it->fact->kernel_default, &d) == 0 &&
	    it->cur.v[2] < d.v[2]) {
		recommend(it, 3, min64(it->cur.v[0], d.v[0]), min64(it->cur.v[1], d.v[1]), d.v[2]);
		why(it,
		    "max is %lld bytes, below the kernel default %lld: it caps autotuning, "
		    "and one connection moves at most about max per round trip.",
		    (long long)it->cur.v[2], (long long)d.v[2]);
		return;
	}
	why(it,
	    "leave it: autotuning grows buffers up to %lld bytes (about %lld Mbit/s at "
	    "100 ms RTT); raise max only for long fat paths.",
	    (long long)it->cur.v[2], (long long)(it->cur.v[2] * 8 / 100000));
}

static void rule_orphans(struct tsc_tune_item *it, const struct tsc_tune_obs *obs)
{
	int64_t cur = it->cur.v[0];

	if (obs->abort_on_memory > 0 ||
	    (obs->have_sockets && cur > 0 && (int64_t)obs->orphans * 4 >= cur * 3)) {
		recommend(it, 1, min64(max64(cur * 2, 65536), 2147483647), 0, 0);
		why(it,
		    "%llu orphaned sockets of at most %lld, TCPAbortOnMemory=%lld: past the "
		    "limit orphans are reset at once (\"too many orphaned sockets\").",
		    (unsigned long long)obs->orphans, (long long)cur,
		    (long long)max64(obs->abort_on_memory, 0));
		return;
	}
	why(it, "leave it: %llu orphaned sockets of at most %lld.",
	    (unsigned long long)obs->orphans, (long long)cur);
}

static void rule_default(struct tsc_tune_item *it)
{
	char cur[64];

	(void)tsc_sysctl_value_format(&it->cur, cur, sizeof(cur));
	if (tsc_sysctl_value_is_default(it->fact, &it->cur))
		why(it, "leave it: at the kernel default; nothing observed argues for a change.");
	else
		why(it,
		    "leave it: %s (kernel default %s); nothing observed argues for or against "
		    "it.",
		    cur, it->fact->kernel_default);
}

static void rule_unreadable(struct tsc_tune_item *it)
{
	const struct tsc_sysctl_fact *f = it->fact;

	if (f->removed_in) {
		why(it,
		    "removed in Linux %s%s: there is nothing to set. It dropped SYNs from "
		    "clients behind NAT (per-host timestamps). For TIME_WAIT of outgoing "
		    "connections use tcp_tw_reuse.",
		    f->removed_in, it->read_err == -ENOENT ? " and absent from this kernel" : "");
	} else if (it->read_err == -ENOENT && !f->per_netns) {
		why(it, "host-wide sysctl, not visible inside a network namespace: run tune in "
			"the initial namespace.");
	} else if (it->read_err == -ENOENT && f->since) {
		why(it, "not in this kernel (added in Linux %s).", f->since);
	} else {
		why(it, "cannot read it: %s.", strerror(-it->read_err));
	}
}

static void recommend_one(struct tsc_tune *t, struct tsc_tune_item *it,
			  const struct tsc_tune_obs *obs)
{
	const char *n = it->fact->name;

	if (!strcmp(n, "tcp_syncookies"))
		rule_syncookies(it, obs);
	else if (!strcmp(n, "tcp_max_syn_backlog"))
		rule_syn_backlog(it, t, obs);
	else if (!strcmp(n, "somaxconn"))
		rule_somaxconn(it, obs);
	else if (!strcmp(n, "tcp_synack_retries"))
		rule_synack(it, obs);
	else if (!strcmp(n, "tcp_fin_timeout"))
		rule_fin_timeout(it, obs);
	else if (!strcmp(n, "tcp_tw_reuse"))
		rule_tw_reuse(it, t, obs);
	else if (!strcmp(n, "ip_local_port_range"))
		rule_port_range(it, t, obs);
	else if (!strcmp(n, "tcp_max_tw_buckets"))
		rule_tw_buckets(it, obs);
	else if (!strncmp(n, "tcp_keepalive_", 14))
		rule_keepalive(it, t);
	else if (!strcmp(n, "tcp_rmem") || !strcmp(n, "tcp_wmem"))
		rule_mem(it);
	else if (!strcmp(n, "tcp_max_orphans"))
		rule_orphans(it, obs);
	else
		rule_default(it);
}

void tsc_tune_recommend(struct tsc_tune *t, const struct tsc_tune_obs *obs)
{
	for (size_t i = 0; i < t->n; i++) {
		struct tsc_tune_item *it = &t->items[i];

		it->change = false;
		memset(&it->rec, 0, sizeof(it->rec));
		it->why[0] = '\0';
		if (it->read_err || it->fact->removed_in) {
			rule_unreadable(it);
			continue;
		}
		recommend_one(t, it, obs);
		if (it->change && tsc_tune_value_check(it->fact, &it->rec) < 0)
			it->change = false; /* never advise what we would refuse to write */
		if (it->change && !memcmp(&it->rec, &it->cur, sizeof(it->rec)))
			it->change = false;
	}
}

/* ------------------------------------------------------------------------ */
/* Validation */

const char *tsc_tune_value_rule(const struct tsc_sysctl_fact *f, char *buf, size_t len)
{
	if (f->removed_in)
		(void)snprintf(buf, len, "nothing: removed in Linux %s", f->removed_in);
	else if (f->format == TSC_SYSCTL_PAIR)
		(void)snprintf(buf, len, "two integers 'LOW HIGH', each %lld..%lld, LOW < HIGH",
			       (long long)f->min, (long long)f->max);
	else if (f->format == TSC_SYSCTL_TRIPLE)
		(void)snprintf(buf, len,
			       "three integers 'MIN DEFAULT MAX', each %lld..%lld, "
			       "ascending",
			       (long long)f->min, (long long)f->max);
	else
		(void)snprintf(buf, len, "an integer in %lld..%lld", (long long)f->min,
			       (long long)f->max);
	return buf;
}

int tsc_tune_value_check(const struct tsc_sysctl_fact *f, const struct tsc_sysctl_value *v)
{
	int r = tsc_sysctl_value_check(f, v);

	if (r < 0)
		return r;
	/* The kernel takes "N N" for ip_local_port_range, which leaves one
	 * port: refuse it, it is never what anyone means. */
	if (f->format == TSC_SYSCTL_PAIR && v->v[0] >= v->v[1])
		return -ERANGE;
	return 0;
}

int tsc_tune_parse_set(const char *arg, const struct tsc_sysctl_fact **ret_f,
		       struct tsc_sysctl_value *ret_v)
{
	const char *eq = strchr(arg, '=');
	char name[128];
	size_t nlen;
	int r;

	*ret_f = NULL;
	if (!eq)
		return -EINVAL;
	nlen = (size_t)(eq - arg);
	while (nlen && arg[nlen - 1] == ' ')
		nlen--;
	if (nlen == 0 || nlen >= sizeof(name))
		return -ENOENT;
	memcpy(name, arg, nlen);
	name[nlen] = '\0';
	*ret_f = tsc_sysctl_fact_find(name);
	if (!*ret_f)
		return -ENOENT;
	if ((*ret_f)->removed_in)
		return -EOPNOTSUPP;
	eq++;
	while (*eq == ' ')
		eq++;
	r = tsc_sysctl_value_parse(*ret_f, eq, ret_v);
	if (r < 0)
		return r == -ERANGE ? -ERANGE : -EINVAL;
	return tsc_tune_value_check(*ret_f, ret_v);
}

/* ------------------------------------------------------------------------ */
/* Plans */

int tsc_tune_plan_add(struct tsc_tune_plan *p, const struct tsc_sysctl_fact *f,
		      const struct tsc_sysctl_value *v)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].fact != f)
			continue;
		if (p->v[i].val.n == v->n && !memcmp(p->v[i].val.v, v->v, sizeof(v->v[0]) * v->n))
			return 0;
		return -EEXIST;
	}
	if (p->n >= TSC_TUNE_MAX_ITEMS)
		return -E2BIG;
	p->v[p->n].fact = f;
	memset(&p->v[p->n].val, 0, sizeof(p->v[p->n].val));
	p->v[p->n].val.n = v->n;
	memcpy(p->v[p->n].val.v, v->v, sizeof(v->v[0]) * (v->n <= 3 ? v->n : 3));
	p->n++;
	return 0;
}

void tsc_tune_plan_from(struct tsc_tune_plan *p, const struct tsc_tune *t, bool allow_host_wide)
{
	p->n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct tsc_tune_item *it = &t->items[i];

		if (!it->change || (it->host_wide_here && !allow_host_wide))
			continue;
		if (tsc_tune_plan_add(p, it->fact, &it->rec) < 0)
			break; /* cannot happen: one item per fact, at most MAX_ITEMS */
	}
}

static int read_value(const struct tsc_tune_io *io, const struct tsc_sysctl_fact *f,
		      struct tsc_sysctl_value *ret)
{
	char text[256];
	int r = io->read(io->arg, f, text, sizeof(text));

	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	return tsc_sysctl_value_parse(f, text, ret) < 0 ? -EINVAL : 0;
}

int tsc_tune_snapshot(const struct tsc_tune_io *io, const struct tsc_tune_plan *p,
		      struct tsc_tune_plan *ret, size_t *ret_bad)
{
	ret->n = 0;
	for (size_t i = 0; i < p->n; i++) {
		int r;

		ret->v[i].fact = p->v[i].fact;
		r = read_value(io, p->v[i].fact, &ret->v[i].val);
		if (r < 0) {
			*ret_bad = i;
			return r;
		}
		ret->n = i + 1;
	}
	return 0;
}

/* Writes one value and reads it back. */
static int write_verified(const struct tsc_tune_io *io, const struct tsc_tune_change *c)
{
	char text[96];
	struct tsc_sysctl_value back;
	int r;

	(void)tsc_sysctl_value_format(&c->val, text, sizeof(text));
	r = io->write(io->arg, c->fact, text);
	if (r < 0)
		return r;
	r = read_value(io, c->fact, &back);
	if (r < 0)
		return r == -EINVAL ? -EIO : r; /* stored something else */
	if (back.n != c->val.n || memcmp(back.v, c->val.v, sizeof(back.v[0]) * back.n))
		return -EIO;
	return 0;
}

int tsc_tune_write(const struct tsc_tune_io *io, const struct tsc_tune_plan *p,
		   const struct tsc_tune_plan *prev, size_t *ret_bad, int *ret_rollback_err)
{
	size_t i;
	int r = 0;

	*ret_rollback_err = 0;
	for (i = 0; i < p->n; i++) {
		r = write_verified(io, &p->v[i]);
		if (r < 0)
			break;
	}
	if (r == 0)
		return 0;
	*ret_bad = i;
	/* Roll back in reverse order, including the failed one: a write that
	 * the kernel took but stored differently must be undone too. */
	for (size_t k = i + 1; k-- > 0;) {
		int rr;

		if (k >= prev->n || prev->v[k].fact != p->v[k].fact) {
			rr = -EINVAL;
		} else {
			rr = write_verified(io, &prev->v[k]);
			if (rr < 0 && k == i && r != -EIO)
				rr = 0; /* the failed write itself changed nothing */
		}
		if (rr < 0 && *ret_rollback_err == 0)
			*ret_rollback_err = rr;
	}
	return r;
}

/* ------------------------------------------------------------------------ */
/* The saved-values file */

void tsc_tune_save_format(const struct tsc_tune_plan *p, const char *header, struct tsc_buf *b)
{
	const char *h = header;

	while (h && *h) {
		size_t len = strcspn(h, "\n");

		tsc_buf_puts(b, "# ");
		tsc_buf_put(b, h, len);
		tsc_buf_putc(b, '\n');
		h += len;
		if (*h == '\n')
			h++;
	}
	for (size_t i = 0; i < p->n; i++) {
		char text[96];

		(void)tsc_sysctl_value_format(&p->v[i].val, text, sizeof(text));
		tsc_buf_printf(b, "%s = %s\n", p->v[i].fact->key, text);
	}
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One "KEY = VALUE" line (no newline, trimmed of nothing yet). */
static int parse_line(struct tsc_cur line, struct tsc_tune_plan *ret)
{
	char key[128], val[128];
	size_t klen = 0, vlen = 0;
	const struct tsc_sysctl_fact *f;
	struct tsc_sysctl_value v;
	uint8_t c = 0;

	while (tsc_cur_has(&line, 1) && is_blank(line.p[0]))
		(void)tsc_cur_skip(&line, 1);
	if (!tsc_cur_has(&line, 1) || line.p[0] == '#' || line.p[0] == ';')
		return 0;
	while (tsc_cur_u8(&line, &c) && c != '=') {
		if (klen + 1 >= sizeof(key) || c == '\0')
			return -EINVAL;
		key[klen++] = (char)c;
	}
	if (c != '=')
		return -EINVAL;
	while (klen && is_blank((uint8_t)key[klen - 1]))
		klen--;
	key[klen] = '\0';
	while (tsc_cur_has(&line, 1) && is_blank(line.p[0]))
		(void)tsc_cur_skip(&line, 1);
	while (tsc_cur_u8(&line, &c)) {
		if (vlen + 1 >= sizeof(val) || c == '\0')
			return -EINVAL;
		val[vlen++] = (char)c;
	}
	while (vlen && is_blank((uint8_t)val[vlen - 1]))
		vlen--;
	val[vlen] = '\0';
	f = tsc_sysctl_fact_find(key);
	if (!f || f->removed_in || tsc_sysctl_value_parse(f, val, &v) < 0)
		return -EINVAL;
	for (size_t i = 0; i < ret->n; i++)
		if (ret->v[i].fact == f)
			return -EINVAL;
	return tsc_tune_plan_add(ret, f, &v);
}

int tsc_tune_save_parse(const void *text, size_t len, struct tsc_tune_plan *ret, size_t *ret_line)
{
	struct tsc_cur c = tsc_cur_make(text, len);
	size_t lineno = 0;

	ret->n = 0;
	*ret_line = 0;
	if (len > TSC_TUNE_FILE_MAX)
		return -E2BIG;
	while (tsc_cur_has(&c, 1)) {
		const uint8_t *nl = memchr(c.p, '\n', c.len);
		size_t l = nl ? (size_t)(nl - c.p) : c.len;
		struct tsc_cur line;
		int r;

		lineno++;
		if (!tsc_cur_sub(&c, l, &line))
			return -EINVAL;
		if (nl)
			(void)tsc_cur_skip(&c, 1);
		r = parse_line(line, ret);
		if (r < 0) {
			*ret_line = lineno;
			return r == -E2BIG ? -E2BIG : -EINVAL;
		}
	}
	return 0;
}
