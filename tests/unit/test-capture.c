/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading capture files through libpcap (lib/capture): every record reaches
 * the callback with its timestamp and lengths, and a damaged record is
 * reported with the byte offset where it starts. A regular file opened by
 * path finds that offset by reading the file again after the failure (no
 * ftello() per record); a stream (fmemopen) takes it from an ftello()
 * before each record. Both must name the same offset, with and without a
 * filter, for a cut record header, a cut record body and a record longer
 * than any snapshot length.
 */
#include <errno.h>
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

#define NREC  5
#define FRAME 64

struct img {
	uint8_t b[4096];
	size_t len;
	size_t rec_at[NREC + 1]; /* byte offset of each record; [NREC]: the bad one */
};

static void put32(struct img *m, uint32_t v)
{
	memcpy(m->b + m->len, &v, 4); /* host order: libpcap reads either */
	m->len += 4;
}

/* Ethernet + IPv4 + TCP from 10.250.1.1:(40000+i) to 10.250.1.2:9502 */
static void put_record(struct img *m, uint32_t i, uint32_t caplen_field, size_t body)
{
	uint8_t f[FRAME] = { 0 };

	f[12] = 0x08;
	f[14] = 0x45;
	f[17] = 40;
	f[22] = 64;
	f[23] = 6;
	memcpy(f + 26, "\x0a\xfa\x01\x01\x0a\xfa\x01\x02", 8);
	f[34] = (uint8_t)((40000 + i) >> 8);
	f[35] = (uint8_t)(40000 + i);
	f[36] = 9502 >> 8;
	f[37] = 9502 & 0xff;
	f[46] = 0x50;
	f[47] = 0x10;
	put32(m, 1700000000 + i);
	put32(m, 1000 * i);
	put32(m, caplen_field);
	put32(m, caplen_field);
	memcpy(m->b + m->len, f, body);
	m->len += body;
}

enum damage { CUT_HEADER, CUT_BODY, HUGE_CAPLEN, NONE };

static void make_image(struct img *m, enum damage d)
{
	memset(m, 0, sizeof(*m));
	put32(m, 0xa1b2c3d4);
	put32(m, 2 | 4 << 16);
	put32(m, 0);
	put32(m, 0);
	put32(m, 262144);
	put32(m, 1); /* Ethernet */
	for (uint32_t i = 0; i < NREC; i++) {
		m->rec_at[i] = m->len;
		put_record(m, i, FRAME, FRAME);
	}
	m->rec_at[NREC] = m->len;
	switch (d) {
	case CUT_HEADER:
		put_record(m, NREC, FRAME, 0);
		m->len -= 7;
		break;
	case CUT_BODY:
		put_record(m, NREC, FRAME, FRAME);
		m->len -= 20;
		break;
	case HUGE_CAPLEN:
		put_record(m, NREC, 300000, FRAME);
		break;
	case NONE:
		break;
	}
}

struct seen {
	unsigned n;
	uint32_t ports[NREC + 1];
	int64_t sec[NREC + 1];
	uint32_t frac[NREC + 1];
};

static int on_packet(void *arg, int64_t sec, uint32_t frac, const uint8_t *data, uint32_t caplen,
		     uint32_t len)
{
	struct seen *s = arg;

	assert_int_equal(caplen, FRAME);
	assert_int_equal(len, FRAME);
	if (s->n <= NREC) {
		s->ports[s->n] = (uint32_t)(data[34] << 8 | data[35]);
		s->sec[s->n] = sec;
		s->frac[s->n] = frac;
	}
	s->n++;
	return 0;
}

static char *write_tmp(const struct img *m)
{
	char *path = strdup("/tmp/tsc-test-capture-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, m->b, m->len), (ssize_t)m->len);
	close(fd);
	return path;
}

/* Opens the image as a file (by path) or as a stream and runs the loop. */
static int run(const struct img *m, bool as_file, const char *filter, struct seen *s,
	       long long *off, char *eb)
{
	struct tsc_capture *c;
	char *path = NULL;
	int r;

	memset(s, 0, sizeof(*s));
	if (as_file) {
		path = write_tmp(m);
		c = tsc_capture_open_file(path, false, eb);
	} else {
		FILE *f = fmemopen((void *)(uintptr_t)m->b, m->len, "r");

		assert_non_null(f);
		c = tsc_capture_open_stream(f, false, eb);
	}
	assert_non_null(c);
	assert_int_equal(tsc_capture_linktype(c), 1);
	assert_int_equal(tsc_capture_set_filter(c, filter, eb), 0);
	r = tsc_capture_loop(c, 0, on_packet, s, eb, off);
	tsc_capture_close(c);
	if (path) {
		unlink(path);
		free(path);
	}
	return r;
}

static void test_clean_file(void **state)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct img m;
	struct seen s;
	long long off = 0;

	(void)state;
	make_image(&m, NONE);
	for (int as_file = 0; as_file < 2; as_file++) {
		assert_int_equal(run(&m, as_file, NULL, &s, &off, eb), 0);
		assert_int_equal(off, -1);
		assert_int_equal(s.n, NREC);
		for (unsigned i = 0; i < NREC; i++) {
			assert_int_equal(s.ports[i], 40000 + i);
			assert_int_equal(s.sec[i], 1700000000 + i);
			assert_int_equal(s.frac[i], 1000 * i);
		}
	}
}

static void test_damage_offsets(void **state)
{
	static const char *const reason[] = { "truncated dump file", "truncated dump file",
					      "bigger than snaplen" };
	char eb[TSC_CAPTURE_ERRBUF];
	struct img m;
	struct seen s;
	long long off;

	(void)state;
	for (int d = CUT_HEADER; d <= HUGE_CAPLEN; d++) {
		make_image(&m, (enum damage)d);
		for (int as_file = 0; as_file < 2; as_file++) {
			eb[0] = 0;
			off = 0;
			assert_int_equal(run(&m, as_file, NULL, &s, &off, eb), -EIO);
			assert_int_equal(s.n, NREC);
			assert_int_equal(off, (long long)m.rec_at[NREC]);
			assert_non_null(strstr(eb, reason[d]));
		}
	}
}

/* With a filter, libpcap skips records inside pcap_next_ex(): a regular
 * file still names the damaged record itself, not the end of the last
 * record that matched. */
static void test_damage_offset_with_filter(void **state)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct img m;
	struct seen s;
	long long off = 0;

	(void)state;
	make_image(&m, CUT_BODY);
	assert_int_equal(run(&m, true, "tcp src port 40001", &s, &off, eb), -EIO);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ports[0], 40001);
	assert_int_equal(off, (long long)m.rec_at[NREC]);
}

static int stop_at_fourth(void *arg, int64_t sec, uint32_t frac, const uint8_t *data,
			  uint32_t caplen, uint32_t len)
{
	return on_packet(arg, sec, frac, data, caplen, len) || ((struct seen *)arg)->n == 4;
}

/* A count ends the loop with 0, a callback that asks to stop with 1; on a
 * damaged file both happen before the damage, so no error. */
static void test_count_and_stop(void **state)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct tsc_capture *c;
	struct img m;
	struct seen s;
	long long off = 0;
	char *path;

	(void)state;
	make_image(&m, CUT_BODY);
	path = write_tmp(&m);
	memset(&s, 0, sizeof(s));
	c = tsc_capture_open_file(path, false, eb);
	assert_non_null(c);
	assert_int_equal(tsc_capture_loop(c, 3, on_packet, &s, eb, &off), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(off, -1);
	/* the same handle goes on where it stopped */
	assert_int_equal(tsc_capture_loop(c, 0, stop_at_fourth, &s, eb, &off), 1);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ports[3], 40003);
	assert_int_equal(tsc_capture_loop(c, 0, on_packet, &s, eb, &off), -EIO);
	assert_int_equal(s.n, NREC);
	assert_int_equal(off, (long long)m.rec_at[NREC]);
	tsc_capture_close(c);
	unlink(path);
	free(path);
}

static void test_open_errors(void **state)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct img m = { .len = 0 };
	char *path;

	(void)state;
	path = write_tmp(&m); /* empty */
	assert_null(tsc_capture_open_file(path, false, eb));
	assert_true(eb[0] != 0);
	unlink(path);
	free(path);
	eb[0] = 0;
	assert_null(tsc_capture_open_file("/nonexistent/tsc-test.pcap", false, eb));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(eb, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_file),
		cmocka_unit_test(test_damage_offsets),
		cmocka_unit_test(test_damage_offset_with_filter),
		cmocka_unit_test(test_count_and_stop),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
