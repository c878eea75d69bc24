/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/bpf without a kernel: the ring-buffer record decoder
 * (every truncation length, bad enums) and the aggregation behind
 * `trace --life` and `--summary` (views, lifetimes, histograms, bounds), and
 * the request-socket side of the timewait watcher.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"

static struct tsc_bpf_event raw(uint8_t old, uint8_t new, uint64_t ts)
{
	struct tsc_bpf_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = ts;
	e.conn = 0xffff888012345678ull;
	e.pid = 42;
	e.netns = 4026531840u;
	e.sport = 9011;
	e.dport = 9010;
	e.family = AF_INET;
	e.oldstate = old;
	e.newstate = new;
	e.method = TSC_BPF_M_TRACEPOINT;
	e.saddr[0] = 10, e.saddr[3] = 1;
	e.daddr[0] = 10, e.daddr[3] = 2;
	memcpy(e.comm, "0123456789abcdef", 16); /* no NUL: the decoder adds one */
	return e;
}

static void test_decode_ok(void **state)
{
	struct tsc_bpf_event e = raw(TSC_TCP_SYN_SENT, TSC_TCP_ESTABLISHED, 1000);
	struct tsc_trace_event ev;

	(void)state;
	e.span_ns = 77;
	e.flags = TSC_BPF_F_SPAN;
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), 0);
	assert_int_equal(ev.old, TSC_TCP_SYN_SENT);
	assert_int_equal(ev.new, TSC_TCP_ESTABLISHED);
	assert_int_equal(ev.sport, 9011);
	assert_int_equal(ev.pid, 42);
	assert_true(ev.has_span);
	assert_int_equal(ev.span_ns, 77);
	assert_int_equal(ev.conn, 0xffff888012345678ull);
	assert_string_equal(ev.comm, "0123456789abcdef");
	assert_int_equal(ev.saddr[3], 1);
	assert_string_equal(tsc_trace_method_name(ev.method), "tracepoint");
}

static void test_decode_truncated(void **state)
{
	struct tsc_bpf_event e = raw(TSC_TCP_SYN_SENT, TSC_TCP_ESTABLISHED, 1000);
	struct tsc_trace_event ev;

	(void)state;
	for (size_t n = 0; n < sizeof(e); n++)
		assert_int_equal(tsc_trace_event_decode(&e, n, &ev), -EBADMSG);
	assert_int_equal(tsc_trace_event_decode(NULL, 0, &ev), -EBADMSG);
}

static void test_decode_bad_enums(void **state)
{
	struct tsc_trace_event ev;
	struct tsc_bpf_event e;

	(void)state;
	e = raw(0, TSC_TCP_CLOSE, 1);
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
	e = raw(TSC_TCP_CLOSE, 13, 1);
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
	e = raw(TSC_TCP_CLOSE, 255, 1);
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
	e = raw(TSC_TCP_CLOSE, TSC_TCP_SYN_SENT, 1);
	e.family = 1;
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
	e = raw(TSC_TCP_CLOSE, TSC_TCP_SYN_SENT, 1);
	e.method = 9;
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
	e = raw(TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE, 1);
	e.tw_substate = TSC_TCP_LISTEN;
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), -EINVAL);
}

static struct tsc_trace_event ev_of(uint8_t old, uint8_t new, uint64_t ts, uint64_t span,
				    uint8_t method, uint8_t flags)
{
	struct tsc_bpf_event e = raw(old, new, ts);
	struct tsc_trace_event ev;

	e.span_ns = span;
	e.method = method;
	e.flags = flags | (span ? TSC_BPF_F_SPAN : 0);
	assert_int_equal(tsc_trace_event_decode(&e, sizeof(e), &ev), 0);
	return ev;
}

/* A client's normal close as the inferred method reports it. */
static void feed_normal(struct tsc_trace_agg *a, struct tsc_trace_life *l, int *lives)
{
	const uint8_t T = TSC_BPF_M_TRACEPOINT, I = TSC_BPF_M_INFERRED;
	struct tsc_trace_event evs[] = {
		ev_of(TSC_TCP_CLOSE, TSC_TCP_SYN_SENT, 1000000, 0, T, 0),
		ev_of(TSC_TCP_SYN_SENT, TSC_TCP_ESTABLISHED, 2000000, 1000000, T, 0),
		ev_of(TSC_TCP_ESTABLISHED, TSC_TCP_FIN_WAIT1, 12000000, 10000000, T, 0),
		ev_of(TSC_TCP_FIN_WAIT1, TSC_TCP_FIN_WAIT2, 13000000, 1000000, T, 0),
		/* hand-off: superseded in the RFC view, carries the byte counts */
		ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE, 13000001, 1, T,
		      TSC_BPF_F_SUPERSEDED | TSC_BPF_F_BYTES),
		ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_TIME_WAIT, 20000000, 7000000, I,
		      TSC_BPF_F_RFC_ONLY),
		ev_of(TSC_TCP_TIME_WAIT, TSC_TCP_CLOSE, 80000000, 60000000, I,
		      TSC_BPF_F_RFC_ONLY | TSC_BPF_F_END),
	};

	evs[4].bytes_acked = 100;
	evs[4].bytes_received = 200;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(evs); i++)
		*lives += tsc_trace_agg_add(a, &evs[i], l);
}

static void test_agg_life_rfc(void **state)
{
	struct tsc_trace_agg *a = tsc_trace_agg_new(16, TSC_TRACE_VIEW_RFC);
	struct tsc_trace_life l;
	const struct tsc_trace_life *slow;
	int lives = 0;

	(void)state;
	assert_non_null(a);
	feed_normal(a, &l, &lives);
	assert_int_equal(lives, 1);
	assert_int_equal(l.start_ns, 1000000);
	assert_int_equal(l.end_ns, 80000000);
	assert_int_equal(l.state_ns[TSC_TCP_ESTABLISHED], 10000000);
	assert_int_equal(l.state_ns[TSC_TCP_FIN_WAIT2], 7000000);
	assert_int_equal(l.state_ns[TSC_TCP_TIME_WAIT], 60000000);
	assert_true(l.has_bytes);
	assert_int_equal(l.tx_bytes, 100);
	assert_int_equal(l.rx_bytes, 200);
	assert_int_equal(l.npath, 7);
	assert_int_equal(l.path[0], TSC_TCP_CLOSE);
	assert_int_equal(l.path[5], TSC_TCP_TIME_WAIT);
	assert_int_equal(tsc_trace_agg_edge(a, TSC_TCP_FIN_WAIT2, TSC_TCP_TIME_WAIT), 1);
	assert_int_equal(tsc_trace_agg_edge(a, TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE), 0);
	/* 10 ms in ESTABLISHED = 10000 us: bucket 14 holds [8192, 16384) */
	assert_int_equal(tsc_trace_agg_hist(a, TSC_TCP_ESTABLISHED)[14], 1);
	assert_int_equal(tsc_trace_agg_slowest(a, &slow), 1);
	assert_int_equal(tsc_trace_agg_open(a), 0);
	tsc_trace_agg_reset(a);
	assert_int_equal(tsc_trace_agg_edge(a, TSC_TCP_FIN_WAIT2, TSC_TCP_TIME_WAIT), 0);
	tsc_trace_agg_free(a);
}

/* The connection table grows with the connections in flight (it starts
 * small) and still holds max_conns of them, no more. */
static void test_agg_grow(void **state)
{
	const unsigned max = 3000;
	struct tsc_trace_agg *a = tsc_trace_agg_new(max, TSC_TRACE_VIEW_KERNEL);
	struct tsc_trace_event ev =
		ev_of(TSC_TCP_CLOSE, TSC_TCP_SYN_SENT, 1000, 0, TSC_BPF_M_TRACEPOINT, 0);
	struct tsc_trace_life l;
	int lives = 0;

	(void)state;
	assert_non_null(a);
	for (unsigned i = 0; i <= max; i++) {
		ev.conn = 0xffff888000000000ull + (uint64_t)i * 2048;
		ev.birth_ns = 1000 + i;
		assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0);
	}
	assert_int_equal(tsc_trace_agg_open(a), max);
	assert_int_equal(tsc_trace_agg_overflow(a), 1);
	ev.old = TSC_TCP_SYN_SENT;
	ev.new = TSC_TCP_CLOSE;
	ev.ts_ns = 5000;
	for (unsigned i = 0; i <= max; i++) {
		ev.conn = 0xffff888000000000ull + (uint64_t)i * 2048;
		ev.birth_ns = 1000 + i;
		lives += tsc_trace_agg_add(a, &ev, &l);
		if (i < max)
			assert_int_equal(l.conn, ev.conn);
	}
	assert_int_equal(lives, max);
	assert_int_equal(tsc_trace_agg_open(a), 0);
	tsc_trace_agg_free(a);
}

static void test_agg_life_kernel(void **state)
{
	struct tsc_trace_agg *a = tsc_trace_agg_new(16, TSC_TRACE_VIEW_KERNEL);
	struct tsc_trace_life l;
	int lives = 0;

	(void)state;
	feed_normal(a, &l, &lives);
	assert_int_equal(lives, 1);
	/* the kernel view ends at the tracepoint's FIN_WAIT2 -> CLOSE */
	assert_int_equal(l.end_ns, 13000001);
	assert_int_equal(l.path[l.npath - 1], TSC_TCP_CLOSE);
	assert_int_equal(l.state_ns[TSC_TCP_TIME_WAIT], 0);
	assert_int_equal(tsc_trace_agg_edge(a, TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE), 1);
	tsc_trace_agg_free(a);
}

static void test_agg_listener_partial_bounds(void **state)
{
	const uint8_t T = TSC_BPF_M_TRACEPOINT;
	struct tsc_trace_agg *a = tsc_trace_agg_new(2, TSC_TRACE_VIEW_RFC);
	struct tsc_trace_event ev;
	struct tsc_trace_life l;

	(void)state;
	ev = ev_of(TSC_TCP_CLOSE, TSC_TCP_LISTEN, 1, 0, T, 0);
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0);
	ev = ev_of(TSC_TCP_LISTEN, TSC_TCP_CLOSE, 5, 4, T, 0);
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0); /* listeners have no life */
	ev = ev_of(TSC_TCP_ESTABLISHED, TSC_TCP_CLOSE_WAIT, 10, 0, T, 0);
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0);
	ev = ev_of(TSC_TCP_CLOSE_WAIT, TSC_TCP_LAST_ACK, 11, 1, T, 0);
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0);
	ev = ev_of(TSC_TCP_LAST_ACK, TSC_TCP_CLOSE, 12, 1, T, 0);
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0); /* started before the trace */
	assert_int_equal(tsc_trace_agg_open(a), 0);
	/* bounded: the third open connection is counted, not followed */
	for (uint64_t c = 1; c <= 3; c++) {
		ev = ev_of(TSC_TCP_CLOSE, TSC_TCP_SYN_SENT, 20, 0, T, 0);
		ev.conn = c;
		assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 0);
	}
	assert_int_equal(tsc_trace_agg_open(a), 2);
	assert_int_equal(tsc_trace_agg_overflow(a), 1);
	/* deletion keeps the others reachable */
	ev = ev_of(TSC_TCP_SYN_SENT, TSC_TCP_CLOSE, 30, 10, T, 0);
	ev.conn = 1;
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 1);
	ev.conn = 2;
	assert_int_equal(tsc_trace_agg_add(a, &ev, &l), 1);
	assert_int_equal(tsc_trace_agg_open(a), 0);
	tsc_trace_agg_free(a);
	assert_null(tsc_trace_agg_new(0, TSC_TRACE_VIEW_RFC));
}

static void test_hist_bucket(void **state)
{
	(void)state;
	assert_int_equal(tsc_trace_hist_bucket(0), 0);
	assert_int_equal(tsc_trace_hist_bucket(999), 0);
	assert_int_equal(tsc_trace_hist_bucket(1000), 1);
	assert_int_equal(tsc_trace_hist_bucket(3999), 2);
	assert_int_equal(tsc_trace_hist_bucket(4000), 3);
	assert_int_equal(tsc_trace_hist_bucket(UINT64_MAX), 55);
}

static void test_tw_watch_bounds(void **state)
{
	struct tsc_tw_watch *w = tsc_tw_watch_new(1);
	struct tsc_trace_event ev = ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE, 5, 1,
					  TSC_BPF_M_TRACEPOINT, TSC_BPF_F_SUPERSEDED);
	bool fw2 = false;

	(void)state;
	assert_non_null(w);
	assert_int_equal(tsc_tw_watch_add(w, &ev), -EINVAL); /* not a hand-off */
	ev.tw_substate = TSC_TCP_FIN_WAIT2;
	assert_int_equal(tsc_tw_watch_add(w, &ev), 0);
	assert_int_equal(tsc_tw_watch_add(w, &ev), -ENOSPC);
	assert_int_equal(tsc_tw_watch_pending(w, &fw2), 1);
	assert_true(fw2);
	assert_int_equal(tsc_tw_watch_unwatched(w), 1);
	tsc_tw_watch_free(w);
}

struct got {
	struct tsc_trace_event ev[4];
	int n;
};

static int collect(const struct tsc_trace_event *ev, void *arg)
{
	struct got *g = arg;

	if (g->n < 4)
		g->ev[g->n] = *ev;
	g->n++;
	return 0;
}

/* Request sockets seen by their SYN-ACKs: followed until a child takes over
 * (nothing reported) or until they are gone (SYN-RECEIVED -> CLOSED). */
static void test_tw_watch_requests(void **state)
{
	struct tsc_tw_watch *w = tsc_tw_watch_new(8);
	struct tsc_trace_event req = ev_of(TSC_TCP_LISTEN, TSC_TCP_SYN_RECV, 1000, 0,
					   TSC_BPF_M_SYNACK, TSC_BPF_F_RFC_ONLY);
	struct tsc_trace_event child = ev_of(TSC_TCP_LISTEN, TSC_TCP_SYN_RECV, 2000, 0,
					     TSC_BPF_M_TRACEPOINT, TSC_BPF_F_SUPERSEDED);
	struct got g = { .n = 0 };
	struct stat st;

	(void)state;
	assert_non_null(w);
	assert_string_equal(tsc_trace_method_name(req.method), "synack");
	assert_int_equal(tsc_tw_watch_add_request(w, &child), 0);
	child.old = TSC_TCP_SYN_RECV;
	assert_int_equal(tsc_tw_watch_add_request(w, &child), -EINVAL);
	child.old = TSC_TCP_LISTEN;
	tsc_tw_watch_child(w, &child); /* same conn: taken over */
	assert_int_equal(tsc_tw_watch_pending(w, NULL), 0);

	/* a namespace that no longer exists took its request socket along */
	req.netns = 1;
	assert_int_equal(tsc_tw_watch_add_request(w, &req), 0);
	assert_int_equal(tsc_tw_watch_poll(w, 5000, true, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].old, TSC_TCP_SYN_RECV);
	assert_int_equal(g.ev[0].new, TSC_TCP_CLOSE);
	assert_int_equal(g.ev[0].method, TSC_BPF_M_INFERRED);
	assert_int_equal(g.ev[0].span_ns, 4000);
	assert_int_equal(tsc_tw_watch_pending(w, NULL), 0);

	/* in our own namespace (needs CAP_SYS_ADMIN for setns): a request
	 * missing from the dump is reported at the second poll only, stamped
	 * with the first (its child would have been announced in between) */
	if (geteuid() == 0 && stat("/proc/self/ns/net", &st) == 0) {
		g.n = 0;
		req.netns = (uint32_t)st.st_ino;
		req.sport = 1; /* nobody's */
		assert_int_equal(tsc_tw_watch_add_request(w, &req), 0);
		assert_int_equal(tsc_tw_watch_poll(w, 6000, true, collect, &g), 0);
		assert_int_equal(g.n, 0);
		assert_int_equal(tsc_tw_watch_poll(w, 7000, true, collect, &g), 0);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.ev[0].ts_ns, 6000);
		assert_int_equal(g.ev[0].new, TSC_TCP_CLOSE);
	}
	tsc_tw_watch_free(w);
}

/* A timewait socket recycled by a new connection on its 4-tuple ends at
 * that connection's first event; other tuples and its own events do not
 * end it (and lookups terminate before any poll built the index). */
static void test_tw_watch_reused(void **state)
{
	struct tsc_tw_watch *w = tsc_tw_watch_new(8);
	struct tsc_trace_event ho = ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE, 100, 10,
					  TSC_BPF_M_TRACEPOINT, TSC_BPF_F_SUPERSEDED);
	struct tsc_trace_event other =
		ev_of(TSC_TCP_SYN_SENT, TSC_TCP_ESTABLISHED, 200, 5, TSC_BPF_M_TRACEPOINT, 0);
	struct tsc_trace_event ack = ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_TIME_WAIT, 150, 0,
					   TSC_BPF_M_TWACK, TSC_BPF_F_RFC_ONLY);
	struct got g = { .n = 0 };

	(void)state;
	assert_non_null(w);
	ho.tw_substate = TSC_TCP_FIN_WAIT2;
	assert_int_equal(tsc_tw_watch_add(w, &ho), 0);
	assert_string_equal(tsc_trace_method_name(ack.method), "twack");
	tsc_tw_watch_twack(w, &ack); /* the kernel saw TIME-WAIT begin */
	other.sport = 9999;	     /* another tuple */
	assert_int_equal(tsc_tw_watch_reused(w, &other, collect, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(tsc_tw_watch_reused(w, &ho, collect, &g), 0); /* its own */
	assert_int_equal(g.n, 0);
	other.sport = ho.sport;
	other.conn = ho.conn + 64; /* a new socket on the same 4-tuple */
	assert_int_equal(tsc_tw_watch_reused(w, &other, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].old, TSC_TCP_TIME_WAIT);
	assert_int_equal(g.ev[0].new, TSC_TCP_CLOSE);
	assert_int_equal(g.ev[0].ts_ns, 200);
	assert_int_equal(g.ev[0].span_ns, 50); /* TIME-WAIT since the ACK at 150 */
	assert_int_equal(tsc_tw_watch_reused(w, &other, collect, &g), 0); /* once */
	assert_int_equal(g.n, 1);
	tsc_tw_watch_free(w);
}

/* The kernel reports a timewait socket's timer: the followed socket on that
 * address ends then (method twtimer, with its own conn and time in state);
 * the kernel's record is never passed on, and a socket not followed, or an
 * end already reported, is ignored. */
static void test_tw_watch_expired(void **state)
{
	struct tsc_tw_watch *w = tsc_tw_watch_new(8);
	struct tsc_trace_event ho = ev_of(TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE, 100, 10,
					  TSC_BPF_M_TRACEPOINT, TSC_BPF_F_SUPERSEDED);
	struct tsc_trace_event tmr =
		ev_of(TSC_TCP_TIME_WAIT, TSC_TCP_CLOSE, 60000, 0, TSC_BPF_M_TWTIMER,
		      TSC_BPF_F_RFC_ONLY | TSC_BPF_F_SUPERSEDED | TSC_BPF_F_END);
	struct got g = { .n = 0 };

	(void)state;
	assert_non_null(w);
	assert_string_equal(tsc_trace_method_name(tmr.method), "twtimer");
	ho.tw_substate = TSC_TCP_TIME_WAIT;
	assert_int_equal(tsc_tw_watch_add(w, &ho), 0);
	tmr.conn = 0;	  /* unknown to the kernel */
	tmr.sport = 9999; /* not followed */
	assert_int_equal(tsc_tw_watch_expired(w, &tmr, collect, &g), 0);
	assert_int_equal(g.n, 0);
	tmr.sport = ho.sport;
	assert_int_equal(tsc_tw_watch_expired(w, &tmr, collect, &g), 1);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].old, TSC_TCP_TIME_WAIT);
	assert_int_equal(g.ev[0].new, TSC_TCP_CLOSE);
	assert_int_equal(g.ev[0].method, TSC_BPF_M_TWTIMER);
	assert_false(g.ev[0].flags & TSC_BPF_F_SUPERSEDED);
	assert_true(g.ev[0].flags & TSC_BPF_F_END);
	assert_int_equal(g.ev[0].conn, ho.conn);
	assert_int_equal(g.ev[0].ts_ns, 60000);
	assert_int_equal(g.ev[0].span_ns, 60000 - 100);
	/* the reported end is not a kernel record: passing it back is a no-op */
	assert_int_equal(tsc_tw_watch_expired(w, &g.ev[0], collect, &g), 0);
	assert_int_equal(tsc_tw_watch_expired(w, &tmr, collect, &g), 0); /* once */
	assert_int_equal(g.n, 1);
	tsc_tw_watch_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_ok),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_bad_enums),
		cmocka_unit_test(test_agg_life_rfc),
		cmocka_unit_test(test_agg_life_kernel),
		cmocka_unit_test(test_agg_listener_partial_bounds),
		cmocka_unit_test(test_agg_grow),
		cmocka_unit_test(test_hist_bucket),
		cmocka_unit_test(test_tw_watch_bounds),
		cmocka_unit_test(test_tw_watch_requests),
		cmocka_unit_test(test_tw_watch_reused),
		cmocka_unit_test(test_tw_watch_expired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
