/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timewait watcher: where fentry cannot see timewait sockets, follow each
 * one announced by a hand-off event through sock_diag dumps of its network
 * namespace (timewait sockets report their substate, FIN_WAIT2 or TIME_WAIT).
 * A substate change becomes FIN-WAIT-2 -> TIME-WAIT, a disappearance
 * X -> CLOSED, both with method "inferred" and the poll time as timestamp.
 * Request sockets (seen by their SYN-ACKs) are followed the same way: one
 * that disappears without a child taking over (the child's tracepoint event
 * removes it first) died half-open: SYN-RECEIVED -> CLOSED.
 * No namespace is held open between polls (a held socket would keep a
 * deleted namespace, and its timewait sockets, alive).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"
#include "sockdiag/sockdiag.h"
#include "sys/netns.h"

#define NS_CACHE    32
#define NS_DONE_MAX 1024

struct tw_ent {
	uint32_t netns;
	int family;
	uint8_t l[16], p[16];
	uint16_t lp, pp;
	uint8_t sub, cur; /* FIN_WAIT2, TIME_WAIT, or SYN_RECV for a request */
	bool seen;
	uint8_t missed;	  /* a request's consecutive polls without it */
	uint64_t gone_ns; /* when it was first missed */
	uint64_t left_ns; /* FIN_WAIT2 entry missing from a fast poll: when */
	uint64_t ts, conn, birth;
	uint32_t pid;
	char comm[17];
};

struct ns_path {
	uint32_t ino;
	char path[64];
};

struct tsc_tw_watch {
	struct tw_ent *ents;
	uint32_t *next; /* hash chains over ents[0..nidx), rebuilt per poll */
	/* chain heads: a power of two >= max, so chains stay ~1 long even when
	 * the table is full (tsc_tw_watch_reused() walks one per event; with
	 * 4,096 heads for 65,536 sockets it was 28 % of the reader's time) */
	uint32_t *head;
	unsigned idx_bits;
	unsigned n, max, nidx;
	struct tw_ent *rq; /* request sockets, most recent last */
	unsigned nrq, maxrq;
	uint64_t unwatched;
	struct ns_path ns[NS_CACHE];
	unsigned nns, ns_next;
	tsc_tw_watch_tick_fn tick; /* called during long dumps */
	void *tick_arg;
};

/* Sockets of a dump between two ticks: a dump of ~65,000 timewait
 * sockets takes tens of milliseconds, longer than a 1 MiB ring buffer
 * lasts at 180,000 events per second. */
#define TICK_EVERY 4096

static int report_by(const struct tw_ent *e, uint8_t new, uint64_t now, uint8_t method,
		     tsc_trace_event_fn fn, void *arg);

static int report(const struct tw_ent *e, uint8_t new, uint64_t now, tsc_trace_event_fn fn,
		  void *arg)
{
	return report_by(e, new, now, TSC_BPF_M_INFERRED, fn, arg);
}

struct tsc_tw_watch *tsc_tw_watch_new(unsigned max_entries)
{
	struct tsc_tw_watch *w;

	if (!max_entries || max_entries > (1u << 20)) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->ents = calloc(max_entries, sizeof(*w->ents));
	w->next = calloc(max_entries, sizeof(*w->next));
	w->maxrq = max_entries < TSC_TW_WATCH_MAX_REQ ? max_entries : TSC_TW_WATCH_MAX_REQ;
	w->rq = calloc(w->maxrq, sizeof(*w->rq));
	w->idx_bits = 4;
	while ((1u << w->idx_bits) < max_entries)
		w->idx_bits++;
	w->head = malloc(sizeof(*w->head) << w->idx_bits);
	if (!w->ents || !w->next || !w->rq || !w->head) {
		free(w->ents);
		free(w->next);
		free(w->rq);
		free(w->head);
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->max = max_entries;
	/* empty chains: entries are indexed as they are added */
	memset(w->head, 0xff, sizeof(*w->head) << w->idx_bits);
	return w;
}

void tsc_tw_watch_free(struct tsc_tw_watch *w)
{
	if (!w)
		return;
	free(w->ents);
	free(w->next);
	free(w->rq);
	free(w->head);
	free(w);
}

static unsigned idx_of(const struct tsc_tw_watch *w, uint32_t netns, uint16_t lp, uint16_t pp)
{
	uint32_t h = (netns ^ ((uint32_t)lp << 16 | pp)) * 0x9e3779b1u;

	return h >> (32 - w->idx_bits);
}

/* Chains of entries by (netns, ports); UINT32_MAX ends a chain. */
static void build_index(struct tsc_tw_watch *w)
{
	memset(w->head, 0xff, sizeof(*w->head) << w->idx_bits);
	for (uint32_t i = 0; i < w->n; i++) {
		unsigned k = idx_of(w, w->ents[i].netns, w->ents[i].lp, w->ents[i].pp);

		w->next[i] = w->head[k];
		w->head[k] = i;
	}
	w->nidx = w->n;
}

int tsc_tw_watch_add(struct tsc_tw_watch *w, const struct tsc_trace_event *ev)
{
	struct tw_ent *e;

	if (!ev->tw_substate)
		return -EINVAL;
	if (w->n >= w->max) {
		w->unwatched++;
		return -ENOSPC;
	}
	e = &w->ents[w->n++];
	memset(e, 0, sizeof(*e));
	e->netns = ev->netns;
	e->family = ev->family;
	memcpy(e->l, ev->saddr, 16);
	memcpy(e->p, ev->daddr, 16);
	e->lp = ev->sport;
	e->pp = ev->dport;
	e->sub = ev->tw_substate;
	if (w->nidx == w->n - 1) {
		/* keep the index complete: O(1) lookups between polls */
		unsigned k = idx_of(w, e->netns, e->lp, e->pp);

		w->next[w->n - 1] = w->head[k];
		w->head[k] = w->n - 1;
		w->nidx = w->n;
	}
	e->conn = ev->conn;
	e->birth = ev->birth_ns;
	/* a FIN-WAIT-2 hand-off continues the FIN-WAIT-2 that began earlier */
	e->ts = ev->tw_substate == TSC_TCP_FIN_WAIT2 && ev->has_span ? ev->ts_ns - ev->span_ns
								     : ev->ts_ns;
	e->pid = ev->pid;
	memcpy(e->comm, ev->comm, sizeof(e->comm));
	return 0;
}

/* The followed socket e has the 4-tuple and namespace of event ev. */
static bool same_tuple(const struct tw_ent *e, const struct tsc_trace_event *ev)
{
	size_t alen = ev->family == AF_INET6 ? 16 : 4;

	return e->netns == ev->netns && e->family == ev->family && e->lp == ev->sport &&
	       e->pp == ev->dport && !memcmp(e->l, ev->saddr, alen) &&
	       !memcmp(e->p, ev->daddr, alen);
}

int tsc_tw_watch_reused(struct tsc_tw_watch *w, const struct tsc_trace_event *ev,
			tsc_trace_event_fn fn, void *arg)
{

	if (ev->method != TSC_BPF_M_TRACEPOINT || !ev->sport || !w->nidx)
		return 0;
	/* Only the first events of a socket can be a new connection on the
	 * tuple (connect: CLOSE or SYN_SENT ->, a SYN accepted in TIME-WAIT:
	 * the child's LISTEN ->); the lookup is two cache misses in tables of
	 * up to 65,536 sockets, and was the reader's second cost when done
	 * for every event. A new connection whose first events were lost
	 * (ring buffer full) is settled by the next full poll instead. */
	if (ev->old != TSC_TCP_CLOSE && ev->old != TSC_TCP_SYN_SENT && ev->old != TSC_TCP_LISTEN)
		return 0;
	for (uint32_t i = w->head[idx_of(w, ev->netns, ev->sport, ev->dport)]; i != UINT32_MAX;
	     i = w->next[i]) {
		struct tw_ent *e = &w->ents[i];
		int r = 0;

		if (!same_tuple(e, ev) || (e->conn == ev->conn && e->birth == ev->birth_ns))
			continue;
		if (e->sub == TSC_TCP_FIN_WAIT2 && e->left_ns) {
			/* only TIME-WAIT sockets are recycled */
			r = report(e, TSC_TCP_TIME_WAIT, e->left_ns, fn, arg);
			e->sub = TSC_TCP_TIME_WAIT;
			e->ts = e->left_ns;
		}
		if (r == 0)
			r = report(e, TSC_TCP_CLOSE, ev->ts_ns, fn, arg);
		e->netns = 0; /* compacted away at the next poll */
		if (r < 0)
			return r;
	}
	return 0;
}

int tsc_tw_watch_expired(struct tsc_tw_watch *w, const struct tsc_trace_event *ev,
			 tsc_trace_event_fn fn, void *arg)
{

	/* the kernel's record (superseded), not an end reported here */
	if (ev->method != TSC_BPF_M_TWTIMER || !(ev->flags & TSC_BPF_F_SUPERSEDED) || !w->nidx)
		return 0;
	for (uint32_t i = w->head[idx_of(w, ev->netns, ev->sport, ev->dport)]; i != UINT32_MAX;
	     i = w->next[i]) {
		struct tw_ent *e = &w->ents[i];
		int r = 0;

		if (!same_tuple(e, ev))
			continue;
		/* a FIN-WAIT-2 socket whose change a fast poll noted and the
		 * kernel reports in TIME-WAIT: the change first */
		if (e->sub == TSC_TCP_FIN_WAIT2 && ev->old == TSC_TCP_TIME_WAIT) {
			uint64_t t = e->left_ns ? e->left_ns : ev->ts_ns;

			r = report(e, TSC_TCP_TIME_WAIT, t, fn, arg);
			e->sub = TSC_TCP_TIME_WAIT;
			e->ts = t;
		}
		if (r == 0)
			r = report_by(e, TSC_TCP_CLOSE, ev->ts_ns, TSC_BPF_M_TWTIMER, fn, arg);
		e->netns = 0; /* compacted away at the next poll */
		return r < 0 ? r : 1;
	}
	return 0;
}

int tsc_tw_watch_twack(struct tsc_tw_watch *w, const struct tsc_trace_event *ev)
{
	int dup = 0;

	for (uint32_t i = w->head[idx_of(w, ev->netns, ev->sport, ev->dport)];
	     w->nidx && i != UINT32_MAX; i = w->next[i]) {
		struct tw_ent *e = &w->ents[i];

		if (!same_tuple(e, ev) || (e->conn != ev->conn && ev->conn))
			continue;
		if (e->sub != TSC_TCP_FIN_WAIT2) {
			/* a poll that ran before this event was read reported it */
			dup = e->sub == TSC_TCP_TIME_WAIT;
			continue;
		}
		e->sub = TSC_TCP_TIME_WAIT;
		e->ts = ev->ts_ns;
		e->left_ns = 0;
		return 0;
	}
	return dup;
}

int tsc_tw_watch_add_request(struct tsc_tw_watch *w, const struct tsc_trace_event *ev)
{
	struct tw_ent *e;

	if (ev->new != TSC_TCP_SYN_RECV || ev->old != TSC_TCP_LISTEN)
		return -EINVAL;
	if (w->nrq >= w->maxrq) {
		w->unwatched++;
		return -ENOSPC;
	}
	e = &w->rq[w->nrq++];
	memset(e, 0, sizeof(*e));
	e->netns = ev->netns;
	e->family = ev->family;
	memcpy(e->l, ev->saddr, 16);
	memcpy(e->p, ev->daddr, 16);
	e->lp = ev->sport;
	e->pp = ev->dport;
	e->sub = TSC_TCP_SYN_RECV;
	e->conn = ev->conn;
	e->birth = ev->birth_ns;
	e->ts = ev->ts_ns;
	e->pid = ev->pid;
	memcpy(e->comm, ev->comm, sizeof(e->comm));
	return 0;
}

void tsc_tw_watch_child(struct tsc_tw_watch *w, const struct tsc_trace_event *ev)
{
	/* the child usually follows its request within one ring-buffer batch:
	 * search from the most recent */
	for (unsigned i = w->nrq; i-- > 0;) {
		if (w->rq[i].conn == ev->conn && w->rq[i].netns == ev->netns) {
			w->rq[i] = w->rq[--w->nrq];
			return;
		}
	}
}

unsigned tsc_tw_watch_pending(const struct tsc_tw_watch *w, bool *ret_fin_wait2)
{
	bool fw2 = false;

	/* O(n): only when asked (the count alone is O(1)) */
	for (unsigned i = 0; ret_fin_wait2 && !fw2 && i < w->n; i++)
		fw2 = w->ents[i].sub == TSC_TCP_FIN_WAIT2 && !w->ents[i].left_ns;
	if (ret_fin_wait2)
		*ret_fin_wait2 = fw2;
	return w->n + w->nrq;
}

uint64_t tsc_tw_watch_unwatched(const struct tsc_tw_watch *w)
{
	return w->unwatched;
}

static bool path_has_ino(const char *path, uint32_t ino)
{
	struct stat st;

	return stat(path, &st) == 0 && (uint32_t)st.st_ino == ino;
}

static void remember(struct tsc_tw_watch *w, uint32_t ino, const char *path)
{
	size_t len = strlen(path);
	struct ns_path *p;

	if (len >= sizeof(p->path))
		return; /* not cached: found again by the next search */
	p = &w->ns[w->nns < NS_CACHE ? w->nns++ : w->ns_next++ % NS_CACHE];
	p->ino = ino;
	memcpy(p->path, path, len + 1);
}

/* A path naming the namespace with this inode: cached, ours, a named one
 * (/var/run/netns), or a process's. Returns 0 or -ENOENT. */
static int find_ns(struct tsc_tw_watch *w, uint32_t ino, char *path, size_t n)
{
	static const char *const dirs[] = { TSC_NETNS_RUN_DIR, "/proc" };
	struct dirent *d;

	for (unsigned i = 0; i < w->nns; i++)
		if (w->ns[i].ino == ino && path_has_ino(w->ns[i].path, ino)) {
			snprintf(path, n, "%s", w->ns[i].path);
			return 0;
		}
	snprintf(path, n, "/proc/self/ns/net");
	if (path_has_ino(path, ino))
		return 0;
	for (unsigned k = 0; k < TSC_ARRAY_SIZE(dirs); k++) {
		DIR *dir = opendir(dirs[k]);
		bool found = false;

		if (!dir)
			continue;
		while (!found && (d = readdir(dir))) {
			if (d->d_name[0] == '.' ||
			    (k == 1 && (d->d_name[0] < '0' || d->d_name[0] > '9')))
				continue;
			snprintf(path, n, k ? "/proc/%s/ns/net" : "%s/%s", k ? d->d_name : dirs[k],
				 d->d_name);
			found = path_has_ino(path, ino);
		}
		closedir(dir);
		if (found) {
			remember(w, ino, path);
			return 0;
		}
	}
	return -ENOENT;
}

/* A sock_diag handle inside the namespace at path; the thread returns to its
 * own namespace before this returns. */
static struct tsc_sockdiag *open_in(const char *path, int *ret_err)
{
	struct tsc_sockdiag *h = NULL;
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1;

	*ret_err = 0;
	if (self < 0) {
		*ret_err = -errno;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		*ret_err = -errno;
		goto out;
	}
	h = tsc_sockdiag_new();
	if (!h)
		*ret_err = -errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		/* cannot happen with the rights that let us in; never stay there */
		tsc_sockdiag_free(h);
		h = NULL;
		*ret_err = -errno;
	}
out:
	if (fd >= 0)
		close(fd);
	close(self);
	return h;
}

struct dump_ctx {
	struct tsc_tw_watch *w;
	uint32_t netns;
	unsigned count;
};

void tsc_tw_watch_set_tick(struct tsc_tw_watch *w, tsc_tw_watch_tick_fn fn, void *arg)
{
	w->tick = fn;
	w->tick_arg = arg;
}

static int on_tw(const struct tsc_sock *s, void *arg)
{
	struct dump_ctx *c = arg;
	size_t alen = s->family == AF_INET6 ? 16 : 4;

	if (c->w->tick && ++c->count % TICK_EVERY == 0) {
		int r = c->w->tick(c->w->tick_arg);

		if (r < 0)
			return r;
	}
	if (s->state == TSC_TCP_SYN_RECV && s->timer != TSC_TIMER_TIMEWAIT) {
		for (unsigned i = 0; i < c->w->nrq; i++) {
			struct tw_ent *e = &c->w->rq[i];

			if (e->netns == c->netns && e->family == s->family && e->lp == s->lport &&
			    e->pp == s->pport && !memcmp(e->l, s->local, alen) &&
			    !memcmp(e->p, s->peer, alen))
				e->seen = true;
		}
		return 0;
	}
	if (s->timer != TSC_TIMER_TIMEWAIT)
		return 0; /* a full socket in FIN_WAIT2 */

	for (uint32_t i = c->w->head[idx_of(c->w, c->netns, s->lport, s->pport)]; i != UINT32_MAX;
	     i = c->w->next[i]) {
		struct tw_ent *e = &c->w->ents[i];

		if (e->netns != c->netns || e->family != s->family || e->lp != s->lport ||
		    e->pp != s->pport || memcmp(e->l, s->local, alen) ||
		    memcmp(e->p, s->peer, alen))
			continue;
		e->seen = true;
		e->cur = s->state;
	}
	return 0;
}

static int report_by(const struct tw_ent *e, uint8_t new, uint64_t now, uint8_t method,
		     tsc_trace_event_fn fn, void *arg)
{
	struct tsc_trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = now;
	ev.conn = e->conn;
	ev.span_ns = now > e->ts ? now - e->ts : 0;
	ev.has_span = e->ts != 0;
	ev.birth_ns = e->birth;
	ev.pid = e->pid;
	ev.netns = e->netns;
	ev.sport = e->lp;
	ev.dport = e->pp;
	ev.family = e->family;
	ev.old = e->sub;
	ev.new = new;
	ev.method = method;
	ev.flags = TSC_BPF_F_RFC_ONLY | (ev.has_span ? TSC_BPF_F_SPAN : 0) |
		   (new == TSC_TCP_CLOSE ? TSC_BPF_F_END : 0);
	memcpy(ev.saddr, e->l, 16);
	memcpy(ev.daddr, e->p, 16);
	memcpy(ev.comm, e->comm, sizeof(ev.comm));
	return fn(&ev, arg);
}

/* One namespace: dump its timewait sockets and settle its entries. A
 * namespace that no longer exists took its timewait sockets with it. */
enum poll_kind {
	POLL_FAST, /* FIN_WAIT2 timewait sockets only */
	POLL_FULL, /* every followed socket */
	/* request sockets only (no timewait socket in the dump), and the
	 * namespaces of the followed timewait sockets still exist */
	POLL_REQ,
};

static bool ns_has_request(const struct tsc_tw_watch *w, uint32_t netns)
{
	for (unsigned i = 0; i < w->nrq; i++)
		if (w->rq[i].netns == netns)
			return true;
	return false;
}

static int poll_ns(struct tsc_tw_watch *w, uint32_t netns, uint64_t now, enum poll_kind kind,
		   tsc_trace_event_fn fn, void *arg)
{
	/* the kernel filters timewait sockets by their substate */
	struct tsc_sockdiag_query q = { .states = TSC_TCPF(TSC_TCP_TIME_WAIT) |
						  TSC_TCPF(TSC_TCP_FIN_WAIT2) |
						  TSC_TCPF(TSC_TCP_SYN_RECV),
					.ipv4 = true,
					.ipv6 = true };
	struct dump_ctx c = { w, netns, 0 };
	/* what the tick adds during the dump is settled by later polls */
	unsigned n0 = w->n, nrq0 = w->nrq;
	struct tsc_sockdiag *h = NULL;
	char path[PATH_MAX];
	bool dumped = false, full = kind == POLL_FULL;
	int r = 0;

	/* a fast poll asks only for the few sockets that can change soon; a
	 * request poll skips every timewait socket (the kernel filters them
	 * before building a message) */
	if (kind == POLL_FAST)
		q.states &= ~TSC_TCPF(TSC_TCP_TIME_WAIT);
	else if (kind == POLL_REQ)
		q.states = TSC_TCPF(TSC_TCP_SYN_RECV);
	if (find_ns(w, netns, path, sizeof(path)) == 0) {
		if (kind == POLL_REQ && !ns_has_request(w, netns))
			return 0; /* it exists: nothing to dump */
		h = open_in(path, &r);
		if (!h)
			return r;
		long d = tsc_sockdiag_dump(h, &q, on_tw, &c);
		tsc_sockdiag_free(h);
		if (d < 0)
			return (int)d;
		dumped = true;
	}
	for (unsigned i = 0; (kind != POLL_REQ || !dumped) && i < n0 && r >= 0; i++) {
		struct tw_ent *e = &w->ents[i];

		if (e->netns != netns)
			continue;
		if (kind == POLL_REQ) {
			/* the namespace is gone, and its timewait sockets */
			r = report(e, TSC_TCP_CLOSE, e->left_ns ? e->left_ns : now, fn, arg);
			e->netns = 0;
		} else if (!full) {
			/* left FIN_WAIT2: for TIME_WAIT or for good; the next
			 * full poll tells, and the change is dated now */
			if (dumped && e->sub == TSC_TCP_FIN_WAIT2 && !e->seen && !e->left_ns)
				e->left_ns = now;
		} else if (!e->seen) {
			r = report(e, TSC_TCP_CLOSE, e->left_ns ? e->left_ns : now, fn, arg);
			e->netns = 0; /* settled: compacted away below */
		} else if (e->cur != e->sub && e->cur == TSC_TCP_TIME_WAIT) {
			uint64_t t = e->left_ns ? e->left_ns : now;

			r = report(e, TSC_TCP_TIME_WAIT, t, fn, arg);
			e->sub = e->cur;
			e->ts = t;
			e->left_ns = 0;
		} else {
			e->left_ns = 0; /* still FIN_WAIT2 after all */
		}
		e->seen = false;
	}
	/* (the tick's tsc_tw_watch_child() can only have shrunk the list) */
	if (nrq0 > w->nrq)
		nrq0 = w->nrq;
	for (unsigned i = 0; i < nrq0 && r >= 0; i++) {
		struct tw_ent *e = &w->rq[i];

		if (e->netns != netns)
			continue;
		if (e->seen) {
			e->missed = 0;
		} else if (!dumped) {
			/* the namespace is gone, and its request sockets */
			r = report(e, TSC_TCP_CLOSE, now, fn, arg);
			e->netns = 0;
		} else if (!e->missed++) {
			e->gone_ns = now;
		} else {
			/* A child taking over is announced in the ring buffer,
			 * which is drained between two polls: a request missed
			 * twice died without one (SYN-ACK retries exhausted,
			 * RST, listener closed). */
			r = report(e, TSC_TCP_CLOSE, e->gone_ns, fn, arg);
			e->netns = 0;
		}
		e->seen = false;
	}
	/* added by the tick during the dump: judged by the next poll only */
	for (unsigned i = n0; i < w->n; i++)
		w->ents[i].seen = false;
	for (unsigned i = nrq0; i < w->nrq; i++)
		w->rq[i].seen = false;
	return r;
}

/* Runs poll_ns once per namespace with followed sockets in ents[0..n). */
static int poll_all(struct tsc_tw_watch *w, struct tw_ent *ents, unsigned n, uint32_t *done,
		    unsigned *ndone, uint64_t now_ns, enum poll_kind kind, tsc_trace_event_fn fn,
		    void *arg)
{
	int r = 0;

	for (unsigned i = 0; i < n && r >= 0; i++) {
		uint32_t ns = ents[i].netns;
		bool seen = false;

		for (unsigned k = 0; k < *ndone; k++)
			seen = seen || done[k] == ns;
		if (!ns || seen)
			continue;
		/* each namespace at most once per poll (a request missed twice
		 * in one poll would look dead); the rest waits for the next */
		if (*ndone == NS_DONE_MAX)
			break;
		done[(*ndone)++] = ns;
		r = poll_ns(w, ns, now_ns, kind, fn, arg);
		if (r == -EPERM || r == -ENOENT) {
			/* cannot look inside: stop following its sockets */
			for (unsigned k = 0; k < w->n; k++)
				if (w->ents[k].netns == ns) {
					w->ents[k].netns = 0;
					w->unwatched++;
				}
			for (unsigned k = 0; k < w->nrq; k++)
				if (w->rq[k].netns == ns) {
					w->rq[k].netns = 0;
					w->unwatched++;
				}
			r = 0;
		}
	}
	return r;
}

static unsigned compact(struct tw_ent *ents, unsigned n)
{
	unsigned j = 0;

	for (unsigned i = 0; i < n; i++)
		if (ents[i].netns)
			ents[j++] = ents[i];
	return j;
}

int tsc_tw_watch_poll(struct tsc_tw_watch *w, uint64_t now_ns, bool full, tsc_trace_event_fn fn,
		      void *arg)
{
	uint32_t done[NS_DONE_MAX];
	unsigned ndone = 0;
	int r;

	build_index(w);
	r = poll_all(w, w->ents, w->n, done, &ndone, now_ns, full ? POLL_FULL : POLL_FAST, fn, arg);
	if (r >= 0 && full)
		r = poll_all(w, w->rq, w->nrq, done, &ndone, now_ns, POLL_FULL, fn, arg);
	w->n = compact(w->ents, w->n);
	w->nrq = compact(w->rq, w->nrq);
	/* valid until the next poll, for tsc_tw_watch_reused() */
	build_index(w);
	return r < 0 ? r : 0;
}

int tsc_tw_watch_poll_requests(struct tsc_tw_watch *w, uint64_t now_ns, tsc_trace_event_fn fn,
			       void *arg)
{
	uint32_t done[NS_DONE_MAX];
	unsigned ndone = 0;
	int r;

	r = poll_all(w, w->rq, w->nrq, done, &ndone, now_ns, POLL_REQ, fn, arg);
	if (r >= 0)
		r = poll_all(w, w->ents, w->n, done, &ndone, now_ns, POLL_REQ, fn, arg);
	w->nrq = compact(w->rq, w->nrq);
	return r < 0 ? r : 0;
}
