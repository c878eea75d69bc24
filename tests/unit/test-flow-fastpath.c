/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/flow's fast paths must give exactly what the general code gives.
 * Decoding: tsc_flow_decode_frame (Ethernet + IPv4/IPv6 + TCP read in one
 * pass) against the lib/wire chain, on handmade frames of each shape at every
 * capture length and several wire lengths, and on many deterministic random
 * mutations of their header bytes. Segments: the table's per-segment entry
 * (record + the plain-segment analysis) against tsc_flow_record +
 * tsc_flow_analyze, on random conversations (losses, reordering,
 * retransmissions, zero windows, keep-alives, RSTs, FINs): the records and
 * verdicts must be byte for byte the same after every segment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow/flow.h"
#include "flow/internal.h"

/* Ethernet + IPv4 (or IPv6) + TCP with 12 bytes of options + 8 bytes of data. */
static size_t make_frame(uint8_t *f, bool v6, uint8_t tcpflags)
{
	size_t ip = 14, tcp, n;

	memset(f, 0, 128);
	memset(f, 0x11, 12);
	if (!v6) {
		f[12] = 0x08;
		f[13] = 0x00;
		f[ip] = 0x45;
		f[ip + 2] = 0;
		f[ip + 3] = 20 + 32 + 8; /* total length */
		f[ip + 6] = 0x40;	 /* DF */
		f[ip + 8] = 64;
		f[ip + 9] = 6;
		memcpy(f + ip + 12, "\x0a\xfa\x00\x01\x0a\xfa\x00\x02", 8);
		tcp = ip + 20;
	} else {
		f[12] = 0x86;
		f[13] = 0xdd;
		f[ip] = 0x60;
		f[ip + 5] = 32 + 8; /* payload length */
		f[ip + 6] = 6;
		f[ip + 7] = 64;
		f[ip + 8] = 0xfd;
		f[ip + 24] = 0xfd;
		f[ip + 23] = 1;
		f[ip + 39] = 2;
		tcp = ip + 40;
	}
	f[tcp] = 0x9c;
	f[tcp + 1] = 0x40; /* 40000 */
	f[tcp + 3] = 80;
	memcpy(f + tcp + 4, "\x12\x34\x56\x78\x9a\xbc\xde\xf0", 8);
	f[tcp + 12] = 8 << 4; /* 32-byte header */
	f[tcp + 13] = tcpflags;
	f[tcp + 14] = 0xff;
	f[tcp + 15] = 0xf0;
	/* MSS 1460, NOP, wscale 7, NOP NOP, SACK-permitted... padded */
	memcpy(f + tcp + 20, "\x02\x04\x05\xb4\x01\x03\x03\x07\x01\x01\x04\x02", 12);
	n = tcp + 32;
	memset(f + n, 0xab, 8);
	return n + 8;
}

static void same(const uint8_t *f, uint32_t caplen, uint32_t wirelen)
{
	struct tsc_flow_seg a, b;
	int ra, rb;

	memset(&a, 0x5a, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	ra = tsc_flow_decode_frame(1, f, caplen, wirelen, &a);
	rb = tsc__flow_decode_frame_slow(1, f, caplen, wirelen, &b);
	assert_int_equal(ra, rb);
	if (ra != 1)
		return;
	assert_int_equal(a.family, b.family);
	assert_memory_equal(a.src, b.src, 16);
	assert_memory_equal(a.dst, b.dst, 16);
	assert_int_equal(a.sport, b.sport);
	assert_int_equal(a.dport, b.dport);
	assert_int_equal(a.seq, b.seq);
	assert_int_equal(a.ack, b.ack);
	assert_int_equal(a.flags, b.flags);
	assert_int_equal(a.win, b.win);
	assert_int_equal(a.len, b.len);
	assert_int_equal(a.wirelen, b.wirelen);
	assert_int_equal(a.wscale, b.wscale);
	assert_int_equal(a.mss, b.mss);
}

/* Each shape at every capture length 0..len and a few wire lengths. */
static void test_fast_equals_slow_truncations(void **state)
{
	static const uint8_t flags[] = { 0x10, 0x18, 0x02, 0x12, 0x11, 0x04, 0x00 };
	uint8_t f[128];

	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		for (size_t k = 0; k < sizeof(flags); k++) {
			uint32_t n = (uint32_t)make_frame(f, v6, flags[k]);
			const uint32_t wl[] = { 0, 20, 34, 53, 54, 73, 74, n - 1, n, n + 100 };

			for (uint32_t cap = 0; cap <= n; cap++)
				for (size_t w = 0; w < sizeof(wl) / sizeof(wl[0]); w++)
					same(f, cap, wl[w] ? wl[w] : cap);
		}
	}
	/* the fast path must have taken the common frame */
	{
		struct tsc_flow_seg s;
		uint32_t n = (uint32_t)make_frame(f, false, 0x10);

		assert_int_equal(tsc_flow_decode_frame(1, f, n, n, &s), 1);
		assert_int_equal(s.len, 8);
		assert_int_equal(s.sport, 40000);
		assert_int_equal(s.seq, 0x12345678u);
	}
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Random header bytes (the fields both paths judge: type, version/IHL,
 * lengths, fragment offset, protocol, data offset, flags) and lengths. */
static void test_fast_equals_slow_mutations(void **state)
{
	static const uint8_t hot[] = { 12, 13, 14, 16, 17, 18, 19, 20, 21, 23, 18,
				       19, 20, 21, 46, 47, 54, 66, 67, 60, 61 };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint8_t f[128];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint32_t n = (uint32_t)make_frame(f, rnd(&x) & 1, (uint8_t)rnd(&x));
		unsigned flips = 1 + (unsigned)(rnd(&x) % 3);
		uint32_t cap, wl;

		for (unsigned k = 0; k < flips; k++) {
			uint64_t r = rnd(&x);
			size_t at = (r & 1) ? hot[(r >> 1) % sizeof(hot)] : (size_t)((r >> 1) % n);

			f[at] = (r >> 20) & 1 ? (uint8_t)(r >> 24)
					      : (uint8_t)(f[at] ^ (1u << ((r >> 8) & 7)));
		}
		cap = (rnd(&x) & 3) ? n : (uint32_t)(rnd(&x) % (n + 1));
		wl = (rnd(&x) & 3) ? cap : (uint32_t)(rnd(&x) % (n + 40));
		same(f, cap, wl);
	}
}

/* One random segment of a conversation between 10.0.0.1:40000 and
 * 10.0.0.2:80 whose sequence numbers stay near what each side sent. */
static void rand_seg(uint64_t *x, uint64_t pkt, uint32_t *next, struct tsc_flow_seg *s)
{
	static const uint8_t fl[] = { 0x10, 0x10, 0x10, 0x18, 0x10, 0x18, 0x10, 0x11,
				      0x12, 0x02, 0x04, 0x14, 0x00, 0x19, 0x30, 0x50 };
	/* small windows too: window-full and zero-window probes happen */
	static const uint16_t wins[] = { 0, 1, 100, 100, 1000, 1001, 1000 };
	uint64_t r = rnd(x);
	int dir = (int)(r & 1);
	uint32_t len;

	memset(s, 0, sizeof(*s));
	s->pkt = pkt;
	s->ts_ns = 1000000000LL + (int64_t)pkt * (int64_t)(1 + (rnd(x) % 5000000));
	s->family = 4;
	s->src[0] = s->dst[0] = 10;
	s->src[3] = (uint8_t)(dir ? 2 : 1);
	s->dst[3] = (uint8_t)(dir ? 1 : 2);
	s->sport = dir ? 80 : 40000;
	s->dport = dir ? 40000 : 80;
	s->flags = fl[(r >> 1) % sizeof(fl)];
	len = (r >> 8) & 3 ? (uint32_t)((r >> 10) % 3 ? 100 : (r >> 12) % 2) : 0;
	/* mostly in order; sometimes a gap, a retransmission, a keep-alive */
	switch ((r >> 16) % 10) {
	case 0:
		s->seq = next[dir] - 100;
		break;
	case 1:
		s->seq = next[dir] + 100;
		break;
	case 2:
		s->seq = next[dir] - 1;
		break;
	default:
		s->seq = next[dir];
	}
	s->ack = next[!dir] - (uint32_t)((r >> 20) % 4 == 0 ? 100 : 0) +
		 (uint32_t)((r >> 24) % 16 == 0 ? 50 : 0);
	s->win = wins[(r >> 28) % sizeof(wins) / sizeof(wins[0])];
	s->len = len;
	s->wirelen = 54 + len;
	s->wscale = (int8_t)((r >> 36) % 3 ? -1 : (int)((r >> 38) % 15));
	s->mss = 1460;
	if (tsc__seq_gt(s->seq + len, next[dir]))
		next[dir] = s->seq + len + ((s->flags & 0x03) ? 1u : 0u);
}

static void test_segment_equals_general(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dull;

	(void)state;
	for (int conv = 0; conv < 3000; conv++) {
		struct tsc_flow a, b;
		uint32_t next[2] = { (uint32_t)rnd(&x), (uint32_t)rnd(&x) };
		struct tsc_flow_seg s;
		int n = 1 + (int)(rnd(&x) % 60);

		rand_seg(&x, 1, next, &s);
		/* half start with a handshake, the rest mid-stream */
		if (conv & 1)
			s.flags = 0x02;
		(void)tsc_flow_init(&a, 1, &s);
		(void)tsc_flow_init(&b, 1, &s);
		for (int k = 0; k < n; k++) {
			struct tsc_flow_verdict va, vb;
			int side = tsc_flow_side(&a, &s);
			bool ca, cb;

			assert_true(side >= 0);
			memset(&va, 0, sizeof(va));
			memset(&vb, 0, sizeof(vb));
			ca = tsc__flow_segment(&a, side, &s, &va);
			cb = tsc_flow_record(&b, side, &s);
			tsc_flow_analyze(&b, side, &s, &vb);
			assert_int_equal(ca, cb);
			assert_memory_equal(&a, &b, sizeof(a));
			assert_int_equal(va.notes, vb.notes);
			assert_int_equal(va.rel_seq, vb.rel_seq);
			assert_int_equal(va.rel_ack, vb.rel_ack);
			assert_int_equal(va.dupack_num, vb.dupack_num);
			rand_seg(&x, (uint64_t)k + 2, next, &s);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_equals_slow_truncations),
		cmocka_unit_test(test_fast_equals_slow_mutations),
		cmocka_unit_test(test_segment_equals_general),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
