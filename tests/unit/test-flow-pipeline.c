/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flow table's software pipeline (tsc_flow_table_queue_frame) must give
 * exactly what the direct path (tsc_flow_table_frame) gives: the same
 * connections emitted in the same order with every field equal, the same
 * at_end flags and the same counters. Random conversations over a small
 * address and port space (4-tuples reused with new ISNs, many connections
 * in few buckets, tables small enough to evict, time jumps that expire),
 * with non-TCP and truncated frames mixed in; every prefix length (what -c N
 * and a stop give), so the queue is drained at every fill level; and the
 * direct entry points called with frames still queued (they drain first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "wire/wire.h"

#define MAX_FRAMES 3000
#define FRAME_LEN  80

struct frame {
	int64_t ts;
	uint32_t caplen, wirelen;
	uint8_t b[FRAME_LEN];
};

struct emitted {
	struct tsc_flow f;
	bool at_end;
};

struct sink {
	struct emitted *e;
	size_t n, cap;
};

static void on_emit(void *arg, const struct tsc_flow *f, bool at_end)
{
	struct sink *k = arg;

	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->e = realloc(k->e, k->cap * sizeof(*k->e));
		assert_non_null(k->e);
	}
	/* the record is memset by tsc_flow_init: padding compares too */
	memcpy(&k->e[k->n].f, f, sizeof(*f));
	k->e[k->n].at_end = at_end;
	k->n++;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Per-connection sequence state of the generator. */
struct conv {
	uint32_t seq[2];
};

/* A random frame: nearly always Ethernet + IPv4 + TCP between one of a few
 * clients and servers (so 4-tuples repeat), sometimes ARP or a frame cut
 * short. */
static void gen_frame(uint64_t *x, int64_t *now, struct conv *cv, size_t ncv, struct frame *fr)
{
	static const uint8_t flags[] = {
		TSC_TH_SYN,
		TSC_TH_SYN | TSC_TH_ACK,
		TSC_TH_ACK,
		TSC_TH_ACK,
		TSC_TH_ACK,
		TSC_TH_ACK | TSC_TH_PUSH,
		TSC_TH_ACK | TSC_TH_PUSH,
		TSC_TH_FIN | TSC_TH_ACK,
		TSC_TH_RST,
		TSC_TH_RST | TSC_TH_ACK,
		TSC_TH_ACK,
		0,
	};
	uint64_t r = rnd(x);
	size_t c = (size_t)(r % ncv);
	int dir = (int)((r >> 8) & 1);
	uint8_t fl = flags[(r >> 9) % sizeof(flags)];
	uint32_t len = (r >> 16) % 4 ? 0 : (uint32_t)((r >> 20) % 9);
	uint8_t *p = fr->b, *ip = p + 14, *tcp = ip + 20;
	uint8_t cli = (uint8_t)(c % 5), srv = (uint8_t)(c / 5 % 3);
	uint16_t cport = (uint16_t)(40000 + c / 15);

	/* mostly close together, sometimes seconds or minutes apart */
	*now += (r >> 32) % 50 ? (int64_t)((r >> 40) % 5000000)
			       : (int64_t)((r >> 40) % 200) * 1000000000;
	fr->ts = *now;
	memset(p, 0, FRAME_LEN);
	memset(p, 0x22, 12);
	if ((r >> 44) % 60 == 0) { /* ARP: not TCP */
		p[12] = 0x08;
		p[13] = 0x06;
		fr->caplen = fr->wirelen = 42;
		return;
	}
	p[12] = 0x08;
	ip[0] = 0x45;
	put16(ip + 2, 20 + 20 + len);
	ip[8] = 64;
	ip[9] = 6;
	/* 10.250.0.(1+cli):cport <-> 10.250.1.(1+srv):80, either way */
	ip[12 + 4 * dir] = 10, ip[13 + 4 * dir] = 250, ip[15 + 4 * dir] = (uint8_t)(1 + cli);
	ip[16 - 4 * dir] = 10, ip[17 - 4 * dir] = 250, ip[18 - 4 * dir] = 1;
	ip[19 - 4 * dir] = (uint8_t)(1 + srv);
	put16(tcp + 2 * dir, cport);
	put16(tcp + 2 - 2 * dir, 80);
	/* a SYN: sometimes a new ISN (a new instance of the 4-tuple) */
	if ((fl & TSC_TH_SYN) && (r >> 50) % 3 == 0)
		cv[c].seq[dir] = (uint32_t)rnd(x);
	/* occasionally go back (retransmission) or skip (loss) */
	if ((r >> 52) % 11 == 0)
		cv[c].seq[dir] -= 5;
	else if ((r >> 52) % 13 == 0)
		cv[c].seq[dir] += 7;
	put32(tcp + 4, cv[c].seq[dir]);
	put32(tcp + 8, cv[c].seq[!dir]);
	tcp[12] = 5 << 4;
	tcp[13] = fl;
	put16(tcp + 14, (r >> 56) % 7 ? 1000 : 0);
	cv[c].seq[dir] += len + !!(fl & (TSC_TH_SYN | TSC_TH_FIN));
	fr->wirelen = 14 + 20 + 20 + len;
	fr->caplen = fr->wirelen < FRAME_LEN ? fr->wirelen : FRAME_LEN;
	/* a capture cut inside the TCP header: truncated */
	if ((r >> 58) % 40 == 0)
		fr->caplen = 14 + 20 + 10;
}

static size_t gen(uint64_t seed, size_t ncv, struct frame *fr, size_t n)
{
	struct conv cv[64];
	uint64_t x = seed;
	int64_t now = 1700000000LL * 1000000000;

	assert_true(ncv <= 64);
	for (size_t i = 0; i < ncv; i++) {
		cv[i].seq[0] = (uint32_t)rnd(&x);
		cv[i].seq[1] = (uint32_t)rnd(&x);
	}
	for (size_t i = 0; i < n; i++)
		gen_frame(&x, &now, cv, ncv, &fr[i]);
	return n;
}

enum mode { DIRECT, QUEUED, MIXED };

/* Feeds frames [0, n) one way, then finishes; returns the table's stats. */
static void run(enum mode m, uint32_t max_flows, const struct frame *fr, size_t n, struct sink *out,
		struct tsc_flow_stats *ret_st)
{
	struct tsc_flow_opts o = { .max_flows = max_flows };
	struct tsc_flow_table *t = tsc_flow_table_new(&o, on_emit, out);

	assert_non_null(t);
	for (size_t i = 0; i < n; i++) {
		int r;

		/* MIXED: runs of queued frames, each ended by a direct frame
		 * (which drains the queue first) or an explicit drain */
		if (m == DIRECT || (m == MIXED && i % 7 == 6)) {
			r = tsc_flow_table_frame(t, 1, i + 1, fr[i].ts, fr[i].b, fr[i].caplen,
						 fr[i].wirelen, NULL);
			assert_true(r >= 0);
		} else {
			r = tsc_flow_table_queue_frame(t, 1, i + 1, fr[i].ts, fr[i].b, fr[i].caplen,
						       fr[i].wirelen);
			assert_int_equal(r, 0);
			if (m == MIXED && i % 11 == 10)
				assert_int_equal(tsc_flow_table_drain(t), 0);
		}
	}
	assert_int_equal(tsc_flow_table_finish(t), 0);
	*ret_st = *tsc_flow_table_stats(t);
	tsc_flow_table_free(t);
}

static void assert_same(const struct sink *a, const struct sink *b, const struct tsc_flow_stats *sa,
			const struct tsc_flow_stats *sb)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->e[i].f.id, b->e[i].f.id);
		assert_int_equal(a->e[i].at_end, b->e[i].at_end);
		assert_memory_equal(&a->e[i].f, &b->e[i].f, sizeof(a->e[i].f));
	}
	assert_memory_equal(sa, sb, sizeof(*sa));
}

static void compare(uint32_t max_flows, size_t n, enum mode m, const struct frame *fr)
{
	struct sink a = { 0 }, b = { 0 };
	struct tsc_flow_stats sa, sb;

	run(DIRECT, max_flows, fr, n, &a, &sa);
	run(m, max_flows, fr, n, &b, &sb);
	assert_int_equal(sa.frames, n);
	assert_same(&a, &b, &sa, &sb);
	free(a.e);
	free(b.e);
}

/* Long random runs, small and larger tables, few and many connections. */
static void test_queued_equals_direct(void **state)
{
	static const struct {
		size_t ncv;
		uint32_t max_flows;
	} cfg[] = { { 60, 16 }, { 60, 64 }, { 20, 16 }, { 60, 0 }, { 3, 16 } };
	struct frame *fr = calloc(MAX_FRAMES, sizeof(*fr));
	bool evicted = false, recycled = false, timed_out = false;

	(void)state;
	assert_non_null(fr);
	for (size_t k = 0; k < TSC_ARRAY_SIZE(cfg); k++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct sink a = { 0 }, b = { 0 }, c = { 0 };
			struct tsc_flow_stats sa, sb, sc;

			gen(seed * 0x9e3779b97f4a7c15ull + k, cfg[k].ncv, fr, MAX_FRAMES);
			run(DIRECT, cfg[k].max_flows, fr, MAX_FRAMES, &a, &sa);
			run(QUEUED, cfg[k].max_flows, fr, MAX_FRAMES, &b, &sb);
			run(MIXED, cfg[k].max_flows, fr, MAX_FRAMES, &c, &sc);
			assert_same(&a, &b, &sa, &sb);
			assert_same(&a, &c, &sa, &sc);
			/* the generator exercises what it is meant to */
			assert_true(sa.tcp > 0 && sa.non_tcp > 0 && sa.truncated > 0);
			for (int i = 0; i < TSC_FLOW_CLS__COUNT; i++)
				evicted |= sa.evicted[i] > 0;
			recycled |= sa.recycled > 0;
			timed_out |= sa.timed_out > 0;
			free(a.e);
			free(b.e);
			free(c.e);
		}
	}
	assert_true(evicted);
	assert_true(recycled);
	assert_true(timed_out);
	free(fr);
}

/* Every prefix length up to a few rings: the queue holds every possible
 * number of frames when the input ends (end of file, -c N, a stop). */
static void test_drain_every_fill_level(void **state)
{
	struct frame *fr = calloc(200, sizeof(*fr));

	(void)state;
	assert_non_null(fr);
	gen(42, 30, fr, 200);
	for (size_t n = 0; n <= 70; n++) {
		compare(16, n, QUEUED, fr);
		compare(16, n, MIXED, fr);
	}
	for (size_t n = 71; n <= 200; n += 13)
		compare(16, n, QUEUED, fr);
	free(fr);
}

/* What emit sees while frames are still queued is a prefix of what the
 * direct path emits: draining at any point completes it. */
static void test_drain_midway(void **state)
{
	struct frame *fr = calloc(600, sizeof(*fr));
	struct tsc_flow_opts o = { .max_flows = 16 };
	struct sink a = { 0 }, b = { 0 };
	struct tsc_flow_stats sa;
	struct tsc_flow_table *t;

	(void)state;
	assert_non_null(fr);
	gen(7, 60, fr, 600);
	run(DIRECT, 16, fr, 600, &a, &sa);
	t = tsc_flow_table_new(&o, on_emit, &b);
	assert_non_null(t);
	for (size_t i = 0; i < 600; i++) {
		assert_int_equal(tsc_flow_table_queue_frame(t, 1, i + 1, fr[i].ts, fr[i].b,
							    fr[i].caplen, fr[i].wirelen),
				 0);
		assert_true(b.n <= a.n);
		assert_true(tsc_flow_table_stats(t)->frames <= i + 1);
		if (i % 37 == 0) {
			assert_int_equal(tsc_flow_table_drain(t), 0);
			assert_int_equal(tsc_flow_table_stats(t)->frames, i + 1);
		}
	}
	for (size_t i = 0; i < b.n; i++) {
		assert_memory_equal(&a.e[i].f, &b.e[i].f, sizeof(a.e[i].f));
		assert_int_equal(a.e[i].at_end, b.e[i].at_end);
	}
	assert_int_equal(tsc_flow_table_finish(t), 0);
	assert_same(&a, &b, &sa, tsc_flow_table_stats(t));
	tsc_flow_table_free(t);
	free(a.e);
	free(b.e);
	free(fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queued_equals_direct),
		cmocka_unit_test(test_drain_every_fill_level),
		cmocka_unit_test(test_drain_midway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
