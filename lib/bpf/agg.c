/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aggregation of trace events for `trace --summary` and `trace --life`:
 * log2 histograms of the time spent per state (BCC's histograms), counts of
 * the state-diagram edges taken, and one record per finished connection
 * (libbpf-tools tcplife) with its time in each state. The connection table is
 * bounded (open addressing, backward-shift deletion); overflow is counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"

struct conn_ent {
	bool used, listener, partial;
	uint64_t birth;
	struct tsc_trace_life life;
};

struct tsc_trace_agg {
	enum tsc_trace_view view;
	size_t mask;	/* capacity - 1, capacity a power of two */
	size_t max_cap; /* the table grows up to this (twice max) */
	unsigned max, count;
	uint64_t overflow;
	struct conn_ent *tab;
	uint64_t hist[TSC_TCP_MAX_STATES][TSC_TRACE_HIST_BUCKETS];
	uint64_t edges[TSC_TCP_MAX_STATES][TSC_TCP_MAX_STATES];
	struct tsc_trace_life slow[TSC_TRACE_SLOWEST];
	unsigned nslow;
};

unsigned tsc_trace_hist_bucket(uint64_t ns)
{
	uint64_t us = ns / 1000;

	if (!us)
		return 0;
	return (unsigned)(64 - __builtin_clzll(us)) < TSC_TRACE_HIST_BUCKETS
		       ? (unsigned)(64 - __builtin_clzll(us))
		       : TSC_TRACE_HIST_BUCKETS - 1;
}

struct tsc_trace_agg *tsc_trace_agg_new(unsigned max_conns, enum tsc_trace_view view)
{
	struct tsc_trace_agg *a;
	size_t cap = 16;

	if (!max_conns || max_conns > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (cap < (size_t)max_conns * 2)
		cap <<= 1;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->max_cap = cap;
	/* The table grows with the connections in flight: a busy trace has a
	 * few hundred at a time, and a table sized for the maximum (65,536
	 * connections, 32 MiB) made every event a cache and TLB miss (a third
	 * of `trace --summary`'s time). */
	if (cap > 256)
		cap = 256;
	a->tab = calloc(cap, sizeof(*a->tab));
	if (!a->tab) {
		free(a);
		errno = ENOMEM;
		return NULL;
	}
	a->mask = cap - 1;
	a->max = max_conns;
	a->view = view;
	return a;
}

void tsc_trace_agg_free(struct tsc_trace_agg *a)
{
	if (!a)
		return;
	free(a->tab);
	free(a);
}

/* A connection is (conn, birth): the kernel reuses socket addresses, even
 * while the previous connection lives on as a timewait socket. */
static size_t slot_of(const struct tsc_trace_agg *a, uint64_t conn, uint64_t birth)
{
	/* Fibonacci hashing: kernel addresses share their low bits */
	return (size_t)(((conn ^ birth) * 0x9e3779b97f4a7c15ull) >> 20) & a->mask;
}

static struct conn_ent *find(struct tsc_trace_agg *a, uint64_t conn, uint64_t birth)
{
	for (size_t i = slot_of(a, conn, birth);; i = (i + 1) & a->mask) {
		if (!a->tab[i].used)
			return NULL;
		if (a->tab[i].life.conn == conn && a->tab[i].birth == birth)
			return &a->tab[i];
	}
}

/* Doubles the table (at most max_cap). On failure the table stays as it
 * is: it keeps working until it is full. */
static void grow(struct tsc_trace_agg *a)
{
	size_t cap = (a->mask + 1) * 2;
	struct conn_ent *old = a->tab, *tab;

	if (cap > a->max_cap)
		return;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return;
	a->tab = tab;
	a->mask = cap - 1;
	for (size_t i = 0; i < cap / 2; i++) {
		size_t k;

		if (!old[i].used)
			continue;
		for (k = slot_of(a, old[i].life.conn, old[i].birth); tab[k].used;
		     k = (k + 1) & a->mask)
			;
		tab[k] = old[i];
	}
	free(old);
}

static struct conn_ent *insert(struct tsc_trace_agg *a, uint64_t conn, uint64_t birth)
{
	size_t i;

	/* at most half full, or one slot free at the largest size (the
	 * probes stop at a free slot) */
	if ((size_t)(a->count + 1) * 2 > a->mask + 1)
		grow(a);
	if (a->count >= a->max || a->count + 1 >= a->mask + 1) {
		a->overflow++;
		return NULL;
	}
	i = slot_of(a, conn, birth);
	while (a->tab[i].used)
		i = (i + 1) & a->mask;
	memset(&a->tab[i], 0, sizeof(a->tab[i]));
	a->tab[i].used = true;
	a->tab[i].life.conn = conn;
	a->tab[i].birth = birth;
	a->count++;
	return &a->tab[i];
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void erase(struct tsc_trace_agg *a, struct conn_ent *e)
{
	size_t i = (size_t)(e - a->tab), j = i;

	a->tab[i].used = false;
	a->count--;
	for (;;) {
		size_t k;

		j = (j + 1) & a->mask;
		if (!a->tab[j].used)
			return;
		k = slot_of(a, a->tab[j].life.conn, a->tab[j].birth);
		/* move j to i unless its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		a->tab[i] = a->tab[j];
		a->tab[j].used = false;
		i = j;
	}
}

static void note_slow(struct tsc_trace_agg *a, const struct tsc_trace_life *l)
{
	uint64_t d = l->end_ns - l->start_ns;
	unsigned i = a->nslow;

	if (i == TSC_TRACE_SLOWEST) {
		const struct tsc_trace_life *last = &a->slow[i - 1];

		if (last->end_ns - last->start_ns >= d)
			return;
		i--;
	} else {
		a->nslow++;
	}
	while (i > 0 && a->slow[i - 1].end_ns - a->slow[i - 1].start_ns < d) {
		a->slow[i] = a->slow[i - 1];
		i--;
	}
	a->slow[i] = *l;
}

static void start_conn(struct conn_ent *c, const struct tsc_trace_event *ev)
{
	struct tsc_trace_life *l = &c->life;

	/* the start is known for an active open (CLOSE -> SYN_SENT) and for a
	 * passive one (LISTEN -> SYN_RECV); anything else predates the trace */
	c->partial = !(ev->old == TSC_TCP_CLOSE || ev->old == TSC_TCP_LISTEN);
	l->start_ns = ev->old == TSC_TCP_LISTEN && ev->birth_ns ? ev->birth_ns : ev->ts_ns;
	if (ev->has_span && ev->old != TSC_TCP_LISTEN && ev->span_ns <= ev->ts_ns)
		l->start_ns = ev->ts_ns - ev->span_ns;
	l->path[0] = ev->old;
	l->npath = 1;
}

static void update_conn(struct conn_ent *c, const struct tsc_trace_event *ev, bool first)
{
	struct tsc_trace_life *l = &c->life;

	if (first || ev->new == TSC_TCP_FIN_WAIT1 || ev->new == TSC_TCP_LAST_ACK) {
		/* close() and shutdown() run in the application's context */
		l->pid = ev->pid;
		memcpy(l->comm, ev->comm, sizeof(l->comm));
	}
	if (first || ev->sport || ev->dport) {
		l->family = ev->family;
		l->netns = ev->netns;
		memcpy(l->saddr, ev->saddr, 16);
		memcpy(l->daddr, ev->daddr, 16);
		l->sport = ev->sport;
		l->dport = ev->dport;
	}
	if (ev->has_span && !(first && ev->old == TSC_TCP_LISTEN))
		l->state_ns[ev->old] += ev->span_ns;
	if (l->npath < TSC_TRACE_PATH_MAX)
		l->path[l->npath++] = ev->new;
	if (ev->new == TSC_TCP_LISTEN)
		c->listener = true;
	l->end_ns = ev->ts_ns;
}

static int finish(struct tsc_trace_agg *a, struct conn_ent *c, struct tsc_trace_life *ret)
{
	int r = 0;

	if (!c->listener && !c->partial) {
		note_slow(a, &c->life);
		if (ret)
			*ret = c->life;
		r = 1;
	}
	erase(a, c);
	return r;
}

int tsc_trace_agg_add(struct tsc_trace_agg *a, const struct tsc_trace_event *ev,
		      struct tsc_trace_life *ret_life)
{
	struct conn_ent *c = find(a, ev->conn, ev->birth_ns);
	bool first = false, end;

	if (c && ev->has_bytes) {
		c->life.tx_bytes = ev->bytes_acked;
		c->life.rx_bytes = ev->bytes_received;
		c->life.has_bytes = true;
	}
	if (!tsc_trace_event_in_view(ev, a->view)) {
		/* an inferred FIN-WAIT-2 hand-off: nothing follows in the RFC view */
		if (c && a->view == TSC_TRACE_VIEW_RFC && (ev->flags & TSC_BPF_F_END)) {
			c->life.end_ns = ev->ts_ns;
			return finish(a, c, ret_life);
		}
		return 0;
	}
	if (ev->has_span)
		a->hist[ev->old][tsc_trace_hist_bucket(ev->span_ns)]++;
	a->edges[ev->old][ev->new]++;
	if (!c) {
		if (ev->new == TSC_TCP_CLOSE)
			return 0; /* a one-event connection we never saw start */
		c = insert(a, ev->conn, ev->birth_ns);
		if (!c)
			return 0;
		start_conn(c, ev);
		first = true;
	}
	update_conn(c, ev, first);
	if (ev->has_bytes) {
		c->life.tx_bytes = ev->bytes_acked;
		c->life.rx_bytes = ev->bytes_received;
		c->life.has_bytes = true;
	}
	end = ev->new == TSC_TCP_CLOSE ||
	      (a->view == TSC_TRACE_VIEW_RFC && (ev->flags & TSC_BPF_F_END));
	if (end)
		return finish(a, c, ret_life);
	return 0;
}

const uint64_t *tsc_trace_agg_hist(const struct tsc_trace_agg *a, unsigned state)
{
	if (state >= TSC_TCP_MAX_STATES)
		state = 0;
	return a->hist[state];
}

uint64_t tsc_trace_agg_edge(const struct tsc_trace_agg *a, unsigned old, unsigned new)
{
	if (old >= TSC_TCP_MAX_STATES || new >= TSC_TCP_MAX_STATES)
		return 0;
	return a->edges[old][new];
}

unsigned tsc_trace_agg_slowest(const struct tsc_trace_agg *a, const struct tsc_trace_life **ret)
{
	*ret = a->slow;
	return a->nslow;
}

uint64_t tsc_trace_agg_overflow(const struct tsc_trace_agg *a)
{
	return a->overflow;
}

unsigned tsc_trace_agg_open(const struct tsc_trace_agg *a)
{
	return a->count;
}

void tsc_trace_agg_reset(struct tsc_trace_agg *a)
{
	memset(a->hist, 0, sizeof(a->hist));
	memset(a->edges, 0, sizeof(a->edges));
	a->nslow = 0;
}
