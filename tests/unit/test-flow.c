/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/flow with handcrafted segments: every transition of the
 * per-endpoint state machine (incl. simultaneous open and close, RST in
 * SYN-RECEIVED, FIN with data, out-of-order FIN, refused, SYN timeout, an
 * RST the receiver never got), the analysis counters (retransmission, dup
 * ACK, zero window, keep-alive), the table's bound and 4-tuple reuse, and the
 * frame decoder on a real frame cut at every length.
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

#define C     0 /* client -> server */
#define S     1 /* server -> client */
#define ISN_C 1000u
#define ISN_S 5000u

struct sink {
	struct tsc_flow got[8];
	unsigned n;
	uint64_t emitted;
};

static void on_emit(void *arg, const struct tsc_flow *f, bool at_end)
{
	struct sink *k = arg;

	(void)at_end;
	k->emitted++;
	if (k->n < 8)
		k->got[k->n++] = *f;
}

struct run {
	struct tsc_flow_table *t;
	struct sink sink;
	uint64_t pkt;
	uint16_t cport;
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->t = tsc_flow_table_new(NULL, on_emit, &r->sink);
	assert_non_null(r->t);
	r->cport = 40000;
}

/* One segment; seq/ack are relative to the ISNs (like tcpdump's). */
static struct tsc_flow_verdict seg(struct run *r, int dir, uint8_t flags, uint32_t seq,
				   uint32_t ack, uint32_t len)
{
	struct tsc_flow_verdict v;
	struct tsc_flow_seg s;
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	memset(&s, 0, sizeof(s));
	s.pkt = ++r->pkt;
	s.ts_ns = 1000000000LL + (int64_t)r->pkt * 1000000;
	s.family = 4;
	memcpy(dir == C ? s.src : s.dst, a, 4);
	memcpy(dir == C ? s.dst : s.src, b, 4);
	s.sport = dir == C ? r->cport : 80;
	s.dport = dir == C ? 80 : r->cport;
	s.seq = seq + (dir == C ? ISN_C : ISN_S);
	s.ack = (flags & TSC_TH_ACK) ? ack + (dir == C ? ISN_S : ISN_C) : 0;
	s.flags = flags;
	s.win = 1000;
	s.len = len;
	s.wirelen = 54 + len;
	s.wscale = -1;
	assert_int_equal(tsc_flow_table_segment(r->t, &s, &v), 1);
	return v;
}

static const struct tsc_flow *finish(struct run *r)
{
	assert_int_equal(tsc_flow_table_finish(r->t), 0);
	assert_true(r->sink.n >= 1);
	return &r->sink.got[r->sink.n - 1];
}

static void run_free(struct run *r)
{
	tsc_flow_table_free(r->t);
}

/* Compares an endpoint's sequence with a space-separated list of "STATE@pkt"
 * (pkt 0 = none). */
static void expect(const struct tsc_flow *f, int side, const char *want, const char *final)
{
	struct tsc_flow_states st;
	char buf[512] = "";
	size_t k = 0;

	tsc_flow_replay(f, side, true, &st);
	for (unsigned i = 0; i < st.n; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s@%llu", i ? " " : "",
				      tsc_flow_state_name(st.t[i].state),
				      (unsigned long long)st.t[i].at.pkt);
	assert_string_equal(buf, want);
	assert_string_equal(tsc_flow_state_name(st.final), final);
}

#define SYN TSC_TH_SYN
#define ACK TSC_TH_ACK
#define FIN TSC_TH_FIN
#define RST TSC_TH_RST

static void handshake(struct run *r)
{
	seg(r, C, SYN, 0, 0, 0);       /* 1 */
	seg(r, S, SYN | ACK, 0, 1, 0); /* 2 */
	seg(r, C, ACK, 1, 1, 0);       /* 3 */
}

static void test_normal_close(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, ACK, 1, 1, 100);	  /* 4 */
	seg(&r, S, ACK, 1, 101, 0);	  /* 5 */
	seg(&r, C, FIN | ACK, 101, 1, 0); /* 6 */
	seg(&r, S, ACK, 1, 102, 0);	  /* 7 */
	seg(&r, S, FIN | ACK, 1, 102, 0); /* 8 */
	seg(&r, C, ACK, 102, 2, 0);	  /* 9 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@6 FIN-WAIT-2@7 TIME-WAIT@8",
	       "TIME-WAIT");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 CLOSE-WAIT@6 LAST-ACK@8 CLOSED@9",
	       "CLOSED");
	assert_string_equal(tsc_flow_conn_state(f), "SF");
	assert_string_equal(f->history, "ShADaFf");
	assert_string_equal(tsc_flow_end_reason(f), "closed");
	assert_int_equal(f->st[0].pkts, 5);
	assert_int_equal(f->st[0].payload, 100);
	assert_true(f->rtt_syn_synack_ns > 0);
	run_free(&r);
}

/* FIN+ACK that also acks our FIN: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT at
 * one packet (ACK processed before FIN, tcp_rcv_state_process). */
static void test_fin_ack_combined(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, FIN | ACK, 1, 1, 0); /* 4 */
	seg(&r, S, FIN | ACK, 1, 2, 0); /* 5 */
	seg(&r, C, ACK, 2, 2, 0);	/* 6 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@4 FIN-WAIT-2@5 TIME-WAIT@5",
	       "TIME-WAIT");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 CLOSE-WAIT@4 LAST-ACK@5 CLOSED@6",
	       "CLOSED");
	run_free(&r);
}

static void test_fin_with_data(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, FIN | ACK | TSC_TH_PUSH, 1, 1, 50); /* 4: data and FIN */
	seg(&r, S, ACK, 1, 52, 0);		       /* 5: acks both */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@4 FIN-WAIT-2@5", "FIN-WAIT-2");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 CLOSE-WAIT@4", "CLOSE-WAIT");
	assert_string_equal(tsc_flow_end_reason(f), "half-closed");
	run_free(&r);
}

/* The FIN overtakes a lost segment: the receiver acks only up to the hole;
 * the FIN takes effect when the retransmission fills it. */
static void test_out_of_order_fin(void **state)
{
	struct run r;
	const struct tsc_flow *f;
	struct tsc_flow_verdict v;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, ACK, 1, 1, 100);	  /* 4: lost on the way */
	seg(&r, C, FIN | ACK, 101, 1, 0); /* 5: FIN after the hole */
	seg(&r, S, ACK, 1, 1, 0);	  /* 6: dup ACK, FIN not in */
	v = seg(&r, C, ACK, 1, 1, 100);	  /* 7: retransmission fills the hole */
	assert_true(v.notes & (TSC_FLOW_N_RETRANS | TSC_FLOW_N_FAST_RETRANS | TSC_FLOW_N_OOO));
	seg(&r, S, ACK, 1, 102, 0); /* 8: acks data and FIN */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@5 FIN-WAIT-2@8", "FIN-WAIT-2");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 CLOSE-WAIT@7", "CLOSE-WAIT");
	run_free(&r);
}

static void test_simultaneous_open(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN, 0, 0, 0);	/* 1 */
	seg(&r, S, SYN, 0, 0, 0);	/* 2: crosses */
	seg(&r, C, SYN | ACK, 0, 1, 0); /* 3: client got the SYN */
	seg(&r, S, SYN | ACK, 0, 1, 0); /* 4: server got the SYN */
	seg(&r, C, ACK, 1, 1, 0);	/* 5 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 SYN-RECEIVED@2 ESTABLISHED@4", "ESTABLISHED");
	expect(f, 1, "CLOSED@0 SYN-SENT@2 SYN-RECEIVED@1 ESTABLISHED@3", "ESTABLISHED");
	run_free(&r);
}

/* Both FINs cross: FIN-WAIT-1 -> CLOSING -> TIME-WAIT on both sides. */
static void test_simultaneous_close(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, FIN | ACK, 1, 1, 0); /* 4 */
	seg(&r, S, FIN | ACK, 1, 1, 0); /* 5: sent before 4 arrived */
	seg(&r, C, ACK, 2, 2, 0);	/* 6 */
	seg(&r, S, ACK, 2, 2, 0);	/* 7 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@4 CLOSING@5 TIME-WAIT@7",
	       "TIME-WAIT");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 FIN-WAIT-1@5 CLOSING@4 TIME-WAIT@6",
	       "TIME-WAIT");
	run_free(&r);
}

static void test_refused(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN, 0, 0, 0);
	seg(&r, S, RST | ACK, 0, 1, 0);
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 CLOSED@2", "CLOSED");
	expect(f, 1, "", "NONE");
	assert_string_equal(tsc_flow_conn_state(f), "REJ");
	assert_string_equal(tsc_flow_end_reason(f), "refused");
	run_free(&r);
}

/* An RST whose ACK does not match our SYN is not accepted in SYN-SENT. */
static void test_rst_bad_ack_in_syn_sent(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN, 0, 0, 0);
	seg(&r, S, RST | ACK, 0, 77, 0);
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1", "SYN-SENT");
	assert_true(f->anomaly_bits & TSC_FLOW_AN_RST_BAD_SEQ);
	run_free(&r);
}

static void test_syn_timeout(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN, 0, 0, 0);
	seg(&r, C, SYN, 0, 0, 0);
	seg(&r, C, SYN, 0, 0, 0);
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 CLOSED@0", "CLOSED");
	expect(f, 1, "", "NONE");
	assert_string_equal(tsc_flow_conn_state(f), "S0");
	assert_string_equal(tsc_flow_end_reason(f), "syn-timeout");
	run_free(&r);
}

/* RFC 9293 3.10.7.4: RST in SYN-RECEIVED of a passive open -> LISTEN. */
static void test_rst_in_syn_received(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN, 0, 0, 0);
	seg(&r, S, SYN | ACK, 0, 1, 0);
	seg(&r, C, RST, 1, 0, 0);
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 CLOSED@3", "CLOSED");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 LISTEN@3", "LISTEN");
	run_free(&r);
}

/* The server's SYN-ACK is retransmitted after the client's ACK: that ACK was
 * lost; the handshake completes with the client's first data. */
static void test_lost_handshake_ack(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);			/* 1-3: ACK 3 lost */
	seg(&r, S, SYN | ACK, 0, 1, 0); /* 4 */
	seg(&r, C, ACK, 1, 1, 0);	/* 5: lost again */
	seg(&r, S, SYN | ACK, 0, 1, 0); /* 6 */
	seg(&r, C, ACK, 1, 1, 20);	/* 7: data completes it */
	seg(&r, S, ACK, 1, 21, 0);	/* 8 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2", "ESTABLISHED");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@7", "ESTABLISHED");
	run_free(&r);
}

/* The client's RST never reached the server (it sends a FIN later); the
 * server then gets the RST answering its FIN (the keepalive scenario). */
static void test_rst_not_received(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, RST | ACK, 1, 1, 0); /* 4: dropped before the server */
	seg(&r, S, FIN | ACK, 1, 1, 0); /* 5 */
	seg(&r, C, RST, 1, 0, 0);	/* 6 */
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 CLOSED@4", "CLOSED");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3 FIN-WAIT-1@5 CLOSED@6", "CLOSED");
	assert_string_equal(tsc_flow_end_reason(f), "reset");
	run_free(&r);
}

/* A FIN retransmitted without ever being acked: the peer did not get it. */
static void test_fin_never_acked(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, FIN | ACK, 1, 1, 0);
	seg(&r, C, FIN | ACK, 1, 1, 0);
	seg(&r, C, FIN | ACK, 1, 1, 0);
	f = finish(&r);
	expect(f, 0, "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@4", "FIN-WAIT-1");
	expect(f, 1, "LISTEN@0 SYN-RECEIVED@1 ESTABLISHED@3", "ESTABLISHED");
	run_free(&r);
}

/* A new SYN with a new ISN on the same 4-tuple: a new connection; the old
 * TIME-WAIT ends CLOSED. */
static void test_timewait_reuse(void **state)
{
	struct run r;
	struct tsc_flow_seg s;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, FIN | ACK, 1, 1, 0);
	seg(&r, S, FIN | ACK, 1, 2, 0);
	seg(&r, C, ACK, 2, 2, 0);
	seg(&r, C, SYN, 100000, 0, 0); /* 7: new ISN */
	assert_int_equal(r.sink.n, 1);
	assert_true(r.sink.got[0].flags & TSC_FLOW_RECYCLED);
	expect(&r.sink.got[0], 0,
	       "CLOSED@0 SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@4 FIN-WAIT-2@5 TIME-WAIT@5", "CLOSED");
	assert_int_equal(tsc_flow_table_finish(r.t), 0);
	assert_int_equal(r.sink.n, 2);
	assert_int_equal(r.sink.got[1].id, 2);
	expect(&r.sink.got[1], 0, "CLOSED@0 SYN-SENT@7", "SYN-SENT");
	(void)s;
	run_free(&r);
}

static void test_midstream(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, ACK, 50, 60, 10);
	seg(&r, S, ACK, 60, 60, 0);
	f = finish(&r);
	assert_true(f->flags & TSC_FLOW_PARTIAL);
	expect(f, 0, "ESTABLISHED@1", "ESTABLISHED");
	expect(f, 1, "ESTABLISHED@1", "ESTABLISHED");
	run_free(&r);
}

static void test_analysis(void **state)
{
	struct run r;
	const struct tsc_flow *f;
	struct tsc_flow_verdict v;

	(void)state;
	run_init(&r);
	handshake(&r);
	seg(&r, C, ACK, 1, 1, 100);	  /* 4 */
	seg(&r, S, ACK, 1, 101, 0);	  /* 5 */
	v = seg(&r, C, ACK, 101, 1, 100); /* 6 */
	assert_int_equal(v.notes & ~TSC_FLOW_N_NEW_CONN, 0);
	v = seg(&r, S, ACK, 1, 101, 0); /* 7: dup */
	assert_true(v.notes & TSC_FLOW_N_DUP_ACK);
	r.pkt += 0;
	v = seg(&r, C, ACK, 101, 1, 100); /* 8: resend */
	assert_true(v.notes & (TSC_FLOW_N_RETRANS | TSC_FLOW_N_OOO | TSC_FLOW_N_FAST_RETRANS));
	v = seg(&r, C, ACK, 200, 1, 0); /* 9: keep-alive (seq = next - 1) */
	assert_true(v.notes & TSC_FLOW_N_KEEPALIVE);
	v = seg(&r, S, ACK, 1, 201, 0); /* 10: keep-alive ACK? acks new data */
	(void)v;
	f = finish(&r);
	assert_true(f->st[1].dup_acks >= 1);
	assert_true(f->st[0].keep_alive == 1);
	assert_true(f->st[0].retrans + f->st[0].out_of_order + f->st[0].fast_retrans == 1);
	assert_true(f->st[0].rtt_samples >= 1);
	run_free(&r);
}

static void test_zero_window(void **state)
{
	struct run r;
	struct tsc_flow_seg s;
	struct tsc_flow_verdict v;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	handshake(&r);
	memset(&s, 0, sizeof(s));
	s.pkt = ++r.pkt;
	s.ts_ns = 2000000000LL;
	s.family = 4;
	s.src[0] = 10, s.src[3] = 2, s.dst[0] = 10, s.dst[3] = 1;
	s.sport = 80;
	s.dport = r.cport;
	s.seq = ISN_S + 1;
	s.ack = ISN_C + 1;
	s.flags = ACK;
	s.win = 0;
	s.wscale = -1;
	assert_int_equal(tsc_flow_table_segment(r.t, &s, &v), 1);
	assert_true(v.notes & TSC_FLOW_N_ZERO_WIN);
	v = seg(&r, C, ACK, 1, 1, 1); /* zero-window probe */
	assert_true(v.notes & TSC_FLOW_N_ZWP);
	f = finish(&r);
	assert_int_equal(f->st[1].zero_window, 1);
	assert_int_equal(f->st[0].zero_window_probe, 1);
	assert_non_null(strchr(f->history, 'w'));
	run_free(&r);
}

static void test_syn_fin_anomaly(void **state)
{
	struct run r;
	const struct tsc_flow *f;

	(void)state;
	run_init(&r);
	seg(&r, C, SYN | FIN, 0, 0, 0);
	f = finish(&r);
	assert_true(f->anomaly_bits & TSC_FLOW_AN_SYN_FIN);
	run_free(&r);
}

/* A flood of distinct SYNs stays within the bound; older half-open entries
 * are evicted and counted; an established connection survives. */
static void test_bound_and_eviction(void **state)
{
	struct tsc_flow_opts o = { .max_flows = 64 };
	struct run r;
	const struct tsc_flow_stats *st;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.t = tsc_flow_table_new(&o, on_emit, &r.sink);
	assert_non_null(r.t);
	r.cport = 1;
	handshake(&r);
	for (unsigned i = 0; i < 5000; i++) {
		r.cport = (uint16_t)(2 + i);
		seg(&r, C, SYN, 0, 0, 0);
	}
	st = tsc_flow_table_stats(r.t);
	assert_true(st->active <= 64);
	assert_true(st->peak_active <= 64);
	assert_true(st->evicted[TSC_FLOW_CLS_HANDSHAKE] >= 5000 - 64);
	assert_int_equal(st->evicted[TSC_FLOW_CLS_OPEN], 0);
	assert_int_equal(tsc_flow_table_finish(r.t), 0);
	assert_int_equal(r.sink.emitted, 5001);
	run_free(&r);
}

static void test_idle_timeout(void **state)
{
	struct tsc_flow_opts o = { .timeout_ms = { [TSC_FLOW_CLS_HANDSHAKE] = 1000 } };
	struct run r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.t = tsc_flow_table_new(&o, on_emit, &r.sink);
	assert_non_null(r.t);
	r.cport = 7;
	seg(&r, C, SYN, 0, 0, 0);
	tsc_flow_table_expire(r.t, 1000000000LL + 5000000000LL);
	assert_int_equal(r.sink.n, 1);
	assert_true(r.sink.got[0].flags & TSC_FLOW_TIMED_OUT);
	assert_int_equal(tsc_flow_table_stats(r.t)->timed_out, 1);
	run_free(&r);
}

/* A real Ethernet/IPv4/TCP SYN frame: decoded right, and every truncation
 * length returns "truncated" or "not TCP", never a crash. */
static void test_decode_frame_truncations(void **state)
{
	static const uint8_t
		frame[] = {
			0x02, 0,    0,	  0,  0,    2,	  0x02, 0,    0,    0,	  0,
			1,    0x08, 0x00, /* eth */
			0x45, 0,    0,	  44, 0x12, 0x34, 0x40, 0,    64,   6,	  0,
			0,    10,   0,	  0,  1,    10,	  0,	0,    2,    0x9c, 0x40,
			0x00, 0x50, 0,	  0,  0x03, 0xe8, 0,	0,    0,    0,	  0x60,
			0x02, 0xfa, 0xf0, 0,  0,    0,	  0,	0x02, 0x04, 0x05, 0xb4, /* mss */
		};
	struct tsc_flow_seg s;

	(void)state;
	assert_int_equal(
		tsc_flow_decode_frame(TSC_LINK_ETHERNET, frame, sizeof(frame), sizeof(frame), &s),
		1);
	assert_int_equal(s.family, 4);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.seq, 1000);
	assert_int_equal(s.flags, TSC_TH_SYN);
	assert_int_equal(s.len, 0);
	assert_int_equal(s.mss, 1460);
	for (uint32_t n = 0; n < sizeof(frame); n++) {
		uint8_t *cut = malloc(n ? n : 1);

		memcpy(cut, frame, n);
		assert_true(tsc_flow_decode_frame(TSC_LINK_ETHERNET, cut, n, sizeof(frame), &s) <=
			    1);
		if (n < 34 + 20 && n >= 14)
			assert_int_equal(
				tsc_flow_decode_frame(TSC_LINK_ETHERNET, cut, n, sizeof(frame), &s),
				-1);
		free(cut);
	}
}

/* lib/flow decodes with tsc_wire_tcp_decode_fixed(), which leaves the
 * option array alone: at every truncation of a header with options it must
 * agree with tsc_wire_tcp_decode(), and the options walked afterwards too. */
static void test_tcp_decode_fixed(void **state)
{
	static const uint8_t tcp[] = {
		0x9c, 0x40, 0x00, 0x50, 0, 0, 0x03, 0xe8, 0,	0,    0,    0,	  0xa0, 0x02,
		0xfa, 0xf0, 0,	  0,	0, 0, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
		0,    0,    0,	  1,	0, 0, 0,    0,	  0x01, 0x03, 0x03, 0x07,
	};
	struct tsc_wire_tcp *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t n = 0; n <= sizeof(tcp); n++) {
		struct tsc_cur c = tsc_cur_make(tcp, n);
		enum tsc_decode da = tsc_wire_tcp_decode(c, (uint32_t)sizeof(tcp), a);

		memset(b, 0xa5, sizeof(*b)); /* garbage where the full decoder clears */
		assert_int_equal(tsc_wire_tcp_decode_fixed(c, b), da);
		assert_int_equal(a->sport, b->sport);
		assert_int_equal(a->dport, b->dport);
		assert_int_equal(a->seq, b->seq);
		assert_int_equal(a->ack, b->ack);
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->win, b->win);
		assert_int_equal(a->hlen, b->hlen);
		assert_int_equal(a->have_ports, b->have_ports);
		assert_int_equal(a->have_hdr, b->have_hdr);
		assert_int_equal(b->nopt, 0);
		tsc_wire_tcp_opts_decode(a);
		tsc_wire_tcp_opts_decode(b);
		assert_int_equal(a->nopt, b->nopt);
		assert_int_equal(a->opt_status, b->opt_status);
		for (unsigned i = 0; i < a->nopt; i++) {
			assert_int_equal(a->opt[i].kind, b->opt[i].kind);
			assert_int_equal(a->opt[i].status, b->opt[i].status);
			assert_int_equal(a->opt[i].v[0], b->opt[i].v[0]);
		}
		if (n == sizeof(tcp))
			assert_int_equal(b->nopt, 5);
	}
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_close),
		cmocka_unit_test(test_fin_ack_combined),
		cmocka_unit_test(test_fin_with_data),
		cmocka_unit_test(test_out_of_order_fin),
		cmocka_unit_test(test_simultaneous_open),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_rst_bad_ack_in_syn_sent),
		cmocka_unit_test(test_syn_timeout),
		cmocka_unit_test(test_rst_in_syn_received),
		cmocka_unit_test(test_lost_handshake_ack),
		cmocka_unit_test(test_rst_not_received),
		cmocka_unit_test(test_fin_never_acked),
		cmocka_unit_test(test_timewait_reuse),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_analysis),
		cmocka_unit_test(test_zero_window),
		cmocka_unit_test(test_syn_fin_anomaly),
		cmocka_unit_test(test_bound_and_eviction),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_decode_frame_truncations),
		cmocka_unit_test(test_tcp_decode_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
