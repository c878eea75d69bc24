/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tsc_capture_loop_readahead() must call back exactly as tsc_capture_loop()
 * does: the same records in the same order with the same bytes, the same
 * result, error text and error offset. Files written here: thousands of
 * records of every size from 0 bytes to several times a read-ahead chunk,
 * the same file cut inside a record (a damaged record after the good ones),
 * a count, and a callback that stops at many points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"

#define NREC 6000

struct seen {
	uint64_t n, stop_at;
	uint64_t sum; /* order-sensitive digest of everything passed */
};

static int on_rec(void *arg, int64_t sec, uint32_t frac, const uint8_t *data, uint32_t caplen,
		  uint32_t len)
{
	struct seen *s = arg;

	s->n++;
	s->sum = s->sum * 1000003 + (uint64_t)sec;
	s->sum = s->sum * 1000003 + frac;
	s->sum = s->sum * 1000003 + caplen;
	s->sum = s->sum * 1000003 + len;
	for (uint32_t i = 0; i < caplen; i++)
		s->sum = s->sum * 31 + data[i];
	return s->stop_at && s->n == s->stop_at;
}

static void put32le(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* A pcap file of nrec records; returns its size. big: records of ~20 KiB
 * (the file is larger than the read-ahead ring: the reader waits for room). */
static long write_pcap(const char *path, uint32_t nrec, bool big)
{
	static uint8_t data[262144];
	FILE *f = fopen(path, "wb");
	uint64_t x = 88172645463325252ull;
	long size;

	assert_non_null(f);
	put32le(f, 0xa1b2c3d4);
	put32le(f, 0x00040002);
	put32le(f, 0);
	put32le(f, 0);
	put32le(f, 262144);
	put32le(f, 1);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + (i >> 8));
	for (uint32_t i = 0; i < nrec; i++) {
		uint32_t caplen;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* mostly small; some empty; a few larger than a 64 KiB chunk */
		caplen = i % 997 == 5 ? 70000 + (uint32_t)(x % 190000) : (uint32_t)(x % 1600);
		if (big)
			caplen = 16384 + (uint32_t)(x % 8192);
		if (i % 50 == 0)
			caplen = 0;
		put32le(f, 1700000000 + i);
		put32le(f, (uint32_t)(x >> 40) % 1000000);
		put32le(f, caplen);
		put32le(f, caplen + (uint32_t)(x >> 32) % 100);
		assert_int_equal(fwrite(data + (x >> 50) % 1000, 1, caplen, f), caplen);
	}
	size = ftell(f);
	assert_int_equal(fclose(f), 0);
	return size;
}

struct result {
	int r;
	long long off;
	char eb[TSC_CAPTURE_ERRBUF];
	struct seen s;
};

static void run(const char *path, bool ahead, uint64_t count, uint64_t stop_at, struct result *ret)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct tsc_capture *c = tsc_capture_open_file(path, false, eb);

	assert_non_null(c);
	memset(ret, 0, sizeof(*ret));
	ret->s.stop_at = stop_at;
	if (ahead)
		ret->r = tsc_capture_loop_readahead(c, count, on_rec, &ret->s, ret->eb, &ret->off);
	else
		ret->r = tsc_capture_loop(c, count, on_rec, &ret->s, ret->eb, &ret->off);
	tsc_capture_close(c);
}

static void same(const char *path, uint64_t count, uint64_t stop_at)
{
	struct result a, b;

	run(path, false, count, stop_at, &a);
	run(path, true, count, stop_at, &b);
	assert_int_equal(a.r, b.r);
	assert_int_equal(a.off, b.off);
	assert_string_equal(a.eb, b.eb);
	assert_int_equal(a.s.n, b.s.n);
	assert_true(a.s.sum == b.s.sum);
}

static void test_readahead_same_calls(void **state)
{
	char path[] = "/tmp/tsc-test-readahead-XXXXXX";
	int fd = mkstemp(path);
	struct result a;
	long size;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	size = write_pcap(path, NREC, false);
	run(path, true, 0, 0, &a);
	assert_int_equal(a.r, 0);
	assert_int_equal(a.s.n, NREC);
	same(path, 0, 0);
	/* counts and stops anywhere, also inside and at chunk boundaries */
	for (uint64_t k = 1; k < NREC; k = k * 3 + 1) {
		same(path, k, 0);
		same(path, 0, k);
		same(path, k + 7, k);
	}
	same(path, NREC, 0);
	same(path, NREC + 1, 0);
	same(path, 0, NREC);
	/* cut inside a record: the records before it, then the error and the
	 * offset of the damaged record */
	for (long cut = size - 1; cut > size / 2; cut -= size / 7) {
		assert_int_equal(truncate(path, cut), 0);
		run(path, true, 0, 0, &a);
		same(path, 0, 0);
		same(path, 0, a.s.n / 2 + 1);
	}
	unlink(path);
}

/* A file several times larger than the ring (512 KiB): the reader fills it
 * and waits. */
static void test_readahead_ring_full(void **state)
{
	char path[] = "/tmp/tsc-test-readahead-XXXXXX";
	int fd = mkstemp(path);
	struct result a;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_true(write_pcap(path, 250, true) > 4 * 1024 * 1024);
	run(path, true, 0, 0, &a);
	assert_int_equal(a.r, 0);
	assert_int_equal(a.s.n, 250);
	same(path, 0, 0);
	same(path, 0, 200);
	same(path, 249, 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readahead_same_calls),
		cmocka_unit_test(test_readahead_ring_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
