/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded flow table: one preallocated array of connection records
 * (calloc'd, so untouched slots cost no memory), a chained hash on the
 * bidirectional 5-tuple (keyed per table; chains and LRU links live in a
 * dense index array beside the records), and one LRU list per state class
 * with conntrack's idle timeouts. When full, the oldest idle connection of
 * the least valuable class is evicted (finished ones first, then half-open:
 * a SYN flood evicts itself, not the established connections) and counted.
 * A SYN with a new ISN on a known 4-tuple ends the old instance (recycled
 * TIME-WAIT).
 * References: nf_conntrack_proto_tcp.c timeouts, early_drop().
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "flow/flow.h"
#include "flow/internal.h"
#include "wire/wire.h"

#define NIL UINT32_MAX

/* The index part of a slot: what a hash-chain walk and an LRU move touch,
 * kept in a dense array apart from the ~1 KiB records so that neither walks
 * over records (one record cache miss per segment, not three). */
struct node {
	uint32_t hash, hnext, prev, next;
	uint8_t cls, used;
	uint8_t dirty; /* a replayed fact changed since cls was computed */
};

/* A record on a cache-line boundary: the lines a segment touches are the
 * first ones of its record (flow.h), not split across neighbours. */
struct slot {
	struct tsc_flow f;
} __attribute__((aligned(64)));

/* A hash chain's head, with its hash: a lookup that finds its connection
 * at the head (nearly all) goes from the bucket straight to the record. */
struct bucket {
	uint32_t head, hash;
};

struct lru {
	uint32_t head, tail;
	uint64_t n;
};

/* The software pipeline of tsc_flow_table_queue_frame(): a decoded frame
 * waits in a ring while the memory its lookup will touch is fetched, as
 * packet processors do (DPDK's pipelined hash lookups). A frame is decoded,
 * hashed and its bucket prefetched when it enters; PIPE_PEEK frames later
 * its bucket head is read and the head's record and index node prefetched;
 * PIPE_LRU frames later the node's LRU neighbours are prefetched (the LRU
 * move writes them); it is processed, by the same code as
 * tsc_flow_table_segment() and in arrival order, PIPE_PROCESS frames after it
 * entered. Prefetches are hints only: a head that changed meanwhile costs a
 * miss, never a wrong result. Counters are counted when a frame is
 * processed, so they are exact whenever the ring is empty. */
#define PIPE_PEEK      4
#define PIPE_LRU       8
#define PIPE_PROCESS   12
#define PIPE_HOT_LINES 9
#define PIPE_RING      16 /* a power of two > PIPE_PROCESS */

_Static_assert(PIPE_PEEK < PIPE_LRU && PIPE_LRU < PIPE_PROCESS && PIPE_PROCESS < PIPE_RING &&
		       (PIPE_RING & (PIPE_RING - 1)) == 0,
	       "pipeline stages in order, inside a power-of-two ring");

struct pipe_ent {
	struct tsc_flow_seg s;
	uint32_t h;    /* seg_hash, when dec == 1 */
	uint32_t head; /* bucket head read at PIPE_PEEK (NIL: none) */
	int dec;       /* tsc_flow_decode_frame()'s result */
};

struct tsc_flow_table {
	struct tsc_flow_opts o;
	/* big_alloc'd (rec_mem: slot, aligned up to 64 bytes) */
	void *rec_mem;
	size_t rec_len, node_len, bucket_len;
	struct slot *slot;
	struct node *node;
	struct bucket *bucket;
	uint32_t nbucket, hiwater, freelist;
	uint64_t seed;
	struct lru lru[TSC_FLOW_CLS__COUNT];
	struct tsc_flow_stats st;
	uint64_t next_id;
	int64_t last_expire_ns, now_ns;
	tsc_flow_emit_fn emit;
	void *emit_arg;
	/* frames queued and processed by the pipeline (in - out are waiting) */
	uint64_t pipe_in, pipe_out;
	struct pipe_ent pipe[PIPE_RING];
};

static const uint64_t default_tmo_ms[TSC_FLOW_CLS__COUNT] = {
	[TSC_FLOW_CLS_HANDSHAKE] = 120000, [TSC_FLOW_CLS_OPEN] = 432000000, /* 5 days */
	[TSC_FLOW_CLS_CLOSING] = 120000,   [TSC_FLOW_CLS_TIMEWAIT] = 120000,
	[TSC_FLOW_CLS_CLOSED] = 10000,
};

/* Zeroed memory for the records and their index: calloc, whose large
 * blocks are fresh pages, so slots never used are never touched.
 * Transparent huge pages (an mmap with MADV_HUGEPAGE, 2026-11-22) gave no
 * gain measurable on the headers-only file and ~1 MiB more peak memory,
 * where the bound on the full-payload file is 12.5 MiB. */
static void *big_alloc(size_t len)
{
	return calloc(1, len);
}

static void big_free(void *p, size_t len)
{
	(void)len;
	free(p);
}

struct tsc_flow_table *tsc_flow_table_new(const struct tsc_flow_opts *opts, tsc_flow_emit_fn emit,
					  void *arg)
{
	struct tsc_flow_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (opts)
		t->o = *opts;
	if (!t->o.max_flows)
		t->o.max_flows = TSC_FLOW_DEFAULT_MAX;
	if (t->o.max_flows > (1u << 30)) {
		free(t);
		errno = EINVAL;
		return NULL;
	}
	for (int i = 0; i < TSC_FLOW_CLS__COUNT; i++)
		if (!t->o.timeout_ms[i])
			t->o.timeout_ms[i] = default_tmo_ms[i];
	/* two slots per bucket at most: a bucket holds its head's hash, the
	 * rest of a chain is walked in the dense node array comparing stored
	 * hashes, so a short chain costs little */
	t->nbucket = 1;
	while (t->nbucket < t->o.max_flows / 2)
		t->nbucket <<= 1;
	/* pages of slots never used are never touched */
	t->rec_len = ((size_t)t->o.max_flows + 1) * sizeof(struct slot);
	t->rec_mem = big_alloc(t->rec_len);
	t->slot =
		t->rec_mem ? (struct slot *)(((uintptr_t)t->rec_mem + 63) & ~(uintptr_t)63) : NULL;
	t->node_len = (size_t)t->o.max_flows * sizeof(*t->node);
	t->node = big_alloc(t->node_len);
	t->bucket_len = (size_t)t->nbucket * sizeof(*t->bucket);
	t->bucket = big_alloc(t->bucket_len);
	if (!t->rec_mem || !t->node || !t->bucket) {
		tsc_flow_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	memset(t->bucket, 0xff, t->bucket_len);
	for (int i = 0; i < TSC_FLOW_CLS__COUNT; i++)
		t->lru[i].head = t->lru[i].tail = NIL;
	t->freelist = NIL;
	t->emit = emit;
	t->emit_arg = arg;
	/* a per-table key: chain lengths cannot be steered by chosen addresses */
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t ^ 0x2545f4914f6cdd1dull;
	return t;
}

void tsc_flow_table_free(struct tsc_flow_table *t)
{
	if (!t)
		return;
	big_free(t->rec_mem, t->rec_len);
	big_free(t->node, t->node_len);
	big_free(t->bucket, t->bucket_len);
	free(t);
}

const struct tsc_flow_stats *tsc_flow_table_stats(const struct tsc_flow_table *t)
{
	return &t->st;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

/* One endpoint (address, port) as one keyed word: whole words, not bytes. */
static uint64_t ep_hash(uint64_t seed, uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint64_t w0, w1;

	if (family == 4) {
		uint32_t a;

		memcpy(&a, addr, 4);
		return (((uint64_t)a << 16 | port) ^ seed) * 0x9e3779b97f4a7c15ull;
	}
	memcpy(&w0, addr, 8);
	memcpy(&w1, addr + 8, 8);
	return mix64((w0 ^ seed) * 0x9e3779b97f4a7c15ull + w1) ^
	       ((uint64_t)port * 0xbf58476d1ce4e5b9ull);
}

/* Symmetric in the two endpoints: both directions land in one bucket. */
static uint32_t key_hash(uint64_t seed, uint8_t family, const uint8_t *a, uint16_t pa,
			 const uint8_t *b, uint16_t pb)
{
	return (uint32_t)mix64(ep_hash(seed, family, a, pa) + ep_hash(seed, family, b, pb));
}

static uint32_t seg_hash(const struct tsc_flow_table *t, const struct tsc_flow_seg *s)
{
	return key_hash(t->seed, s->family, s->src, s->sport, s->dst, s->dport);
}

static void lru_unlink(struct tsc_flow_table *t, uint32_t i)
{
	struct node *e = &t->node[i];
	struct lru *l = &t->lru[e->cls];

	if (e->prev != NIL)
		t->node[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != NIL)
		t->node[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	l->n--;
}

static void lru_append(struct tsc_flow_table *t, uint32_t i, uint8_t cls)
{
	struct node *e = &t->node[i];
	struct lru *l = &t->lru[cls];

	e->cls = cls;
	e->next = NIL;
	e->prev = l->tail;
	if (l->tail != NIL)
		t->node[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
	l->n++;
}

static void hash_unlink(struct tsc_flow_table *t, uint32_t i)
{
	struct bucket *b = &t->bucket[t->node[i].hash & (t->nbucket - 1)];
	uint32_t *pp = &b->head;

	if (b->head == i) {
		b->head = t->node[i].hnext;
		b->hash = b->head != NIL ? t->node[b->head].hash : 0;
		return;
	}
	while (*pp != NIL) {
		if (*pp == i) {
			*pp = t->node[i].hnext;
			return;
		}
		pp = &t->node[*pp].hnext;
	}
}

/* Takes entry i out of the table and hands it to the emit callback. */
static void retire(struct tsc_flow_table *t, uint32_t i, bool at_end)
{
	struct tsc_flow *f = &t->slot[i].f;

	hash_unlink(t, i);
	lru_unlink(t, i);
	/* the client sent nothing but SYNs: a half-open (flood-like) attempt */
	if (f->pr[0].syn_copies && f->st[0].pkts == f->pr[0].syn_copies)
		t->st.syn_only++;
	if (t->emit)
		t->emit(t->emit_arg, f, at_end);
	t->node[i].used = 0;
	t->node[i].hnext = t->freelist;
	t->freelist = i;
	t->st.active--;
}

static uint8_t state_class(enum tsc_flow_state s)
{
	switch (s) {
	case TSC_FS_SYN_SENT:
	case TSC_FS_SYN_RECEIVED:
		return TSC_FLOW_CLS_HANDSHAKE;
	case TSC_FS_ESTABLISHED:
		return TSC_FLOW_CLS_OPEN;
	case TSC_FS_FIN_WAIT_1:
	case TSC_FS_FIN_WAIT_2:
	case TSC_FS_CLOSE_WAIT:
	case TSC_FS_CLOSING:
	case TSC_FS_LAST_ACK:
		return TSC_FLOW_CLS_CLOSING;
	case TSC_FS_TIME_WAIT:
		return TSC_FLOW_CLS_TIMEWAIT;
	default:
		return TSC_FLOW_CLS_CLOSED;
	}
}

/* The connection's class is that of its most alive endpoint. */
static uint8_t flow_class(const struct tsc_flow *f)
{
	static const uint8_t rank[TSC_FLOW_CLS__COUNT] = {
		[TSC_FLOW_CLS_CLOSED] = 0,    [TSC_FLOW_CLS_TIMEWAIT] = 1,
		[TSC_FLOW_CLS_HANDSHAKE] = 2, [TSC_FLOW_CLS_CLOSING] = 3,
		[TSC_FLOW_CLS_OPEN] = 4,
	};
	struct tsc_flow_states a, b;
	uint8_t ca, cb;

	tsc_flow_replay(f, 0, false, &a);
	tsc_flow_replay(f, 1, false, &b);
	ca = state_class(a.final);
	cb = state_class(b.final);
	/* a passive side that never answered is not an open connection */
	if (b.final == TSC_FS_LISTEN)
		cb = TSC_FLOW_CLS_CLOSED;
	return rank[ca] >= rank[cb] ? ca : cb;
}

static void expire_class(struct tsc_flow_table *t, int c, int64_t now)
{
	int64_t tmo = (int64_t)t->o.timeout_ms[c] * 1000000;

	while (t->lru[c].head != NIL) {
		uint32_t i = t->lru[c].head;

		if (now - t->slot[i].f.last.ts_ns <= tmo)
			break;
		t->slot[i].f.flags |= TSC_FLOW_TIMED_OUT;
		t->st.timed_out++;
		retire(t, i, true);
	}
}

static void expire(struct tsc_flow_table *t, int64_t now_ns)
{
	for (int c = 0; c < TSC_FLOW_CLS__COUNT; c++)
		expire_class(t, c, now_ns);
	t->last_expire_ns = now_ns;
}

void tsc_flow_table_expire(struct tsc_flow_table *t, int64_t now_ns)
{
	/* a programmer error: queued frames would be processed after it */
	assert(t->pipe_in == t->pipe_out);
	expire(t, now_ns);
}

static uint32_t evict_one(struct tsc_flow_table *t)
{
	static const int order[] = { TSC_FLOW_CLS_CLOSED, TSC_FLOW_CLS_TIMEWAIT,
				     TSC_FLOW_CLS_HANDSHAKE, TSC_FLOW_CLS_CLOSING,
				     TSC_FLOW_CLS_OPEN };

	for (size_t k = 0; k < TSC_ARRAY_SIZE(order); k++) {
		uint32_t i = t->lru[order[k]].head;

		if (i == NIL)
			continue;
		t->st.evicted[order[k]]++;
		t->slot[i].f.flags |= TSC_FLOW_EVICTED;
		retire(t, i, false);
		return 0;
	}
	return NIL;
}

static uint32_t slot_alloc(struct tsc_flow_table *t)
{
	uint32_t i;

	if (t->freelist == NIL && t->hiwater == t->o.max_flows && evict_one(t) == NIL)
		return NIL;
	if (t->freelist != NIL) {
		i = t->freelist;
		t->freelist = t->node[i].hnext;
	} else {
		i = t->hiwater++;
	}
	return i;
}

static uint32_t lookup(struct tsc_flow_table *t, const struct tsc_flow_seg *s, uint32_t h,
		       int *ret_side)
{
	const struct bucket *b = &t->bucket[h & (t->nbucket - 1)];
	uint32_t i = b->head;
	int side;

	if (i == NIL)
		return NIL;
	if (b->hash == h && t->slot[i].f.family == s->family) {
		side = tsc__flow_side(&t->slot[i].f, s);
		if (side >= 0) {
			*ret_side = side;
			return i;
		}
	}
	for (i = t->node[i].hnext; i != NIL; i = t->node[i].hnext) {
		if (t->node[i].hash != h || t->slot[i].f.family != s->family)
			continue;
		side = tsc__flow_side(&t->slot[i].f, s);
		if (side >= 0) {
			*ret_side = side;
			return i;
		}
	}
	return NIL;
}

static uint32_t create(struct tsc_flow_table *t, const struct tsc_flow_seg *s, uint32_t h,
		       int *ret_side)
{
	uint32_t i = slot_alloc(t);
	struct node *e;

	if (i == NIL)
		return NIL;
	e = &t->node[i];
	*ret_side = tsc_flow_init(&t->slot[i].f, ++t->next_id, s);
	e->used = 1;
	e->dirty = 1;
	e->hash = h;
	e->hnext = t->bucket[h & (t->nbucket - 1)].head;
	t->bucket[h & (t->nbucket - 1)].head = i;
	t->bucket[h & (t->nbucket - 1)].hash = h;
	lru_append(t, i, TSC_FLOW_CLS_HANDSHAKE);
	t->st.flows++;
	t->st.active++;
	if (t->st.active > t->st.peak_active)
		t->st.peak_active = t->st.active;
	return i;
}

/* Does this segment start a new instance on a known 4-tuple? (a SYN with a
 * different ISN from the same sender) */
static bool new_instance(const struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	const struct tsc_flow_dirproto *x = &f->pr[side];

	return (s->flags & TSC_TH_SYN) && !(s->flags & TSC_TH_RST) && x->syn_copies &&
	       s->seq != x->isn;
}

static bool state_relevant(const struct tsc_flow *f, uint8_t cls, const struct tsc_flow_seg *s)
{
	return (s->flags & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST)) || cls != TSC_FLOW_CLS_OPEN ||
	       f->pr[0].rst_cand.pkt || f->pr[1].rst_cand.pkt;
}

static void replay_now(const struct tsc_flow *f, enum tsc_flow_state *ret)
{
	struct tsc_flow_states st;

	for (int k = 0; k < 2; k++) {
		tsc_flow_replay(f, k, false, &st);
		ret[k] = st.final;
	}
}

/* tsc_flow_table_segment() with the segment's hash already computed. */
static int segment(struct tsc_flow_table *t, const struct tsc_flow_seg *s, uint32_t h,
		   struct tsc_flow_verdict *v)
{
	struct tsc_flow *f;
	int side = 0;
	uint32_t i;
	uint8_t cls;

	if (v)
		memset(v, 0, sizeof(*v));
	t->now_ns = s->ts_ns;
	if (s->ts_ns - t->last_expire_ns >= 1000000000 || s->ts_ns < t->last_expire_ns)
		expire(t, s->ts_ns);
	i = lookup(t, s, h, &side);
	if (i != NIL && new_instance(&t->slot[i].f, side, s)) {
		t->slot[i].f.flags |= TSC_FLOW_RECYCLED;
		t->st.recycled++;
		retire(t, i, true);
		i = NIL;
	}
	if (i == NIL) {
		i = create(t, s, h, &side);
		if (i == NIL)
			return -ENOMEM;
		if (v)
			v->notes |= TSC_FLOW_N_NEW_CONN;
	}
	f = &t->slot[i].f;
	if (v && t->o.track_states)
		replay_now(f, v->before);
	if (tsc__flow_segment(f, side, s, v))
		t->node[i].dirty = 1;
	if (v && t->o.track_states)
		replay_now(f, v->after);
	cls = t->node[i].cls;
	/* the class is a function of the replayed facts: when none changed
	 * since it was computed, computing it again gives the same class */
	if (t->node[i].dirty && state_relevant(f, cls, s)) {
		cls = flow_class(f);
		t->node[i].dirty = 0;
	}
	/* already the most recent of its class: nothing to move */
	if (cls != t->node[i].cls || t->lru[cls].tail != i) {
		lru_unlink(t, i);
		lru_append(t, i, cls);
	}
	return 1;
}

int tsc_flow_table_segment(struct tsc_flow_table *t, const struct tsc_flow_seg *s,
			   struct tsc_flow_verdict *v)
{
	if (t->pipe_in != t->pipe_out) {
		int r = tsc_flow_table_drain(t);

		if (r < 0)
			return r;
	}
	return segment(t, s, seg_hash(t, s), v);
}

/* Counts a frame by tsc_flow_decode_frame()'s result r. */
static void count_frame(struct tsc_flow_table *t, int r)
{
	t->st.frames++;
	if (r == 0)
		t->st.non_tcp++;
	else if (r == -1)
		t->st.truncated++;
	else if (r < 0)
		t->st.bad++;
	else
		t->st.tcp++;
}

/* Decodes a frame into s and counts it; true if it is a TCP segment. */
static bool decode_count(struct tsc_flow_table *t, uint32_t linktype, const uint8_t *data,
			 uint32_t caplen, uint32_t wirelen, struct tsc_flow_seg *s)
{
	int r = tsc_flow_decode_frame(linktype, data, caplen, wirelen, s);

	count_frame(t, r);
	return r == 1;
}

int tsc_flow_table_frame(struct tsc_flow_table *t, uint32_t linktype, uint64_t pkt, int64_t ts_ns,
			 const uint8_t *data, uint32_t caplen, uint32_t wirelen,
			 struct tsc_flow_verdict *v)
{
	struct tsc_flow_seg s;

	if (v)
		memset(v, 0, sizeof(*v));
	if (t->pipe_in != t->pipe_out) {
		int r = tsc_flow_table_drain(t);

		if (r < 0)
			return r;
	}
	s.pkt = pkt;
	s.ts_ns = ts_ns;
	if (!decode_count(t, linktype, data, caplen, wirelen, &s))
		return 0;
	return tsc_flow_table_segment(t, &s, v);
}

static int cmp_id(const void *a, const void *b)
{
	const struct tsc_flow *x = *(struct tsc_flow *const *)a, *y = *(struct tsc_flow *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Processes the oldest queued frame. On failure the frames queued after it
 * are dropped uncounted: the run stops at the failing frame, as on the
 * direct path. */
static int pipe_process(struct tsc_flow_table *t)
{
	struct pipe_ent *e = &t->pipe[t->pipe_out++ & (PIPE_RING - 1)];
	int r;

	count_frame(t, e->dec);
	if (e->dec != 1)
		return 0;
	r = segment(t, &e->s, e->h, NULL);
	if (r < 0) {
		t->pipe_out = t->pipe_in;
		return r;
	}
	return 0;
}

static void prefetch_record(const struct tsc_flow_table *t, uint32_t i)
{
	const char *p = (const char *)&t->slot[i];

	for (int k = 0; k < PIPE_HOT_LINES; k++)
		__builtin_prefetch(p + 64 * k);
	__builtin_prefetch(&t->node[i]);
}

int tsc_flow_table_queue_frame(struct tsc_flow_table *t, uint32_t linktype, uint64_t pkt,
			       int64_t ts_ns, const uint8_t *data, uint32_t caplen,
			       uint32_t wirelen)
{
	struct pipe_ent *e = &t->pipe[t->pipe_in & (PIPE_RING - 1)];
	uint64_t n;

	e->s.pkt = pkt;
	e->s.ts_ns = ts_ns;
	e->dec = tsc_flow_decode_frame(linktype, data, caplen, wirelen, &e->s);
	if (e->dec == 1) {
		e->h = seg_hash(t, &e->s);
		__builtin_prefetch(&t->bucket[e->h & (t->nbucket - 1)]);
	}
	n = ++t->pipe_in - t->pipe_out;
	if (n > PIPE_PEEK) {
		e = &t->pipe[(t->pipe_in - 1 - PIPE_PEEK) & (PIPE_RING - 1)];
		e->head = NIL;
		if (e->dec == 1) {
			e->head = t->bucket[e->h & (t->nbucket - 1)].head;
			if (e->head != NIL)
				prefetch_record(t, e->head);
		}
	}
	if (n > PIPE_LRU) {
		e = &t->pipe[(t->pipe_in - 1 - PIPE_LRU) & (PIPE_RING - 1)];
		if (e->dec == 1 && e->head != NIL) {
			const struct node *x = &t->node[e->head];

			if (x->prev != NIL)
				__builtin_prefetch(&t->node[x->prev], 1);
			if (x->next != NIL)
				__builtin_prefetch(&t->node[x->next], 1);
		}
	}
	if (n > PIPE_PROCESS)
		return pipe_process(t);
	return 0;
}

int tsc_flow_table_drain(struct tsc_flow_table *t)
{
	while (t->pipe_out != t->pipe_in) {
		int r = pipe_process(t);

		if (r < 0)
			return r;
	}
	return 0;
}

int tsc_flow_table_finish(struct tsc_flow_table *t)
{
	struct tsc_flow **v;
	size_t n = 0;
	int r = tsc_flow_table_drain(t);

	if (r < 0)
		return r;
	v = malloc((t->st.active ? t->st.active : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->hiwater; i++)
		if (t->node[i].used)
			v[n++] = &t->slot[i].f;
	qsort(v, n, sizeof(*v), cmp_id);
	for (size_t k = 0; k < n; k++)
		retire(t, (uint32_t)((struct slot *)v[k] - t->slot), true);
	free(v);
	return 0;
}
