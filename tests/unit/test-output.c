/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/output (JSON writer and escaping, socket rows and
 * objects) and the census in lib/sockdiag/census.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "output/json.h"
#include "output/sockfmt.h"
#include "sockdiag/census.h"
#include "sockdiag/filter.h"

static void test_json_escape(void **state)
{
	struct tsc_buf b;
	/* quote, backslash, control chars, DEL, valid UTF-8 (é), invalid byte 0xff,
	 * truncated UTF-8 lead byte at the end */
	const char in[] = "a\"b\\c\n\t\x01\x7f\xc3\xa9\xff\xe2";

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_json_escape(&b, in, sizeof(in) - 1);
	assert_string_equal(tsc_buf_str(&b),
			    "a\\\"b\\\\c\\n\\t\\u0001\\u007f\xc3\xa9\\u00ff\\u00e2");
	tsc_buf_release(&b);
}

static void test_json_writer(void **state)
{
	struct tsc_buf b;
	struct tsc_json j;

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_json_init(&j, &b, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "s", "x");
	tsc_json_arr_begin(&j, "a");
	tsc_json_u64(&j, NULL, 1);
	tsc_json_i64(&j, NULL, -2);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_obj_end(&j);
	tsc_json_arr_end(&j);
	tsc_json_bool(&j, "t", true);
	tsc_json_null(&j, "n");
	tsc_json_str(&j, "z", NULL);
	tsc_json_double(&j, "d", 1.25, 2);
	tsc_json_obj_end(&j);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"s\":\"x\",\"a\":[1,-2,{}],\"t\":true,\"n\":null,\"z\":null,\"d\":1.25}");
	tsc_buf_release(&b);
}

static struct tsc_sock mksock(int family, const char *l, uint16_t lport, const char *p,
			      uint16_t pport, unsigned st)
{
	struct tsc_sock s;

	memset(&s, 0, sizeof(s));
	s.family = (uint8_t)family;
	s.state = (uint8_t)st;
	inet_pton(family, l, s.local);
	inet_pton(family, p, s.peer);
	s.lport = lport;
	s.pport = pport;
	return s;
}

static void test_sock_row(void **state)
{
	struct tsc_sock s = mksock(AF_INET, "10.0.0.1", 9502, "10.0.0.2", 39870, 1);
	struct tsc_proc_owner o = { .pid = 42, .fd = 7, .comm = "srv" };
	struct tsc_buf b;

	(void)state;
	s.rqueue = 3;
	s.wqueue = 100;
	s.timer = TSC_TIMER_KEEPALIVE;
	s.expires_ms = 7140000;
	tsc_buf_init(&b, 0);
	tsc_sockfmt_row(&b, &s, &o, 1, TSC_SOCKFMT_PROC | TSC_SOCKFMT_TIMERS);
	assert_string_equal(tsc_buf_str(&b),
			    "ESTAB      3      100    10.0.0.1:9502                      "
			    "10.0.0.2:39870                     "
			    " users:((\"srv\",pid=42,fd=7)) timer:(keepalive,119min,0)\n");
	tsc_buf_reset(&b);
	s = mksock(AF_INET6, "::", 22, "::", 0, TSC_TCP_LISTEN);
	tsc_sockfmt_row(&b, &s, NULL, 0, 0);
	assert_string_equal(tsc_buf_str(&b), "LISTEN     0      0      [::]:22"
					     "                            [::]:*\n");
	tsc_buf_release(&b);
}

static void test_ms_timer(void **state)
{
	static const struct {
		uint32_t ms;
		const char *out;
	} cases[] = {
		{ 0, "0ms" },	    { 200, "200ms" },	   { 1200, "1.200ms" },
		{ 59000, "59sec" }, { 61500, "1min1sec" }, { 600000, "10min" },
	};
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tsc_buf_reset(&b);
		tsc_fmt_ms_timer(&b, cases[i].ms);
		assert_string_equal(tsc_buf_str(&b), cases[i].out);
	}
	tsc_buf_release(&b);
}

static void test_sock_json(void **state)
{
	struct tsc_sock s = mksock(AF_INET6, "fd00::1", 443, "fd00::2", 50000, TSC_TCP_CLOSE_WAIT);
	struct tsc_buf b;
	struct tsc_json j;

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_json_init(&j, &b, false);
	tsc_sockfmt_json(&j, &s, NULL, 0, 0);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"state\":\"CLOSE-WAIT\",\"family\":\"ipv6\",\"local_addr\":\"fd00::1\","
		"\"local_port\":443,\"peer_addr\":\"fd00::2\",\"peer_port\":50000,"
		"\"recv_q\":0,\"send_q\":0}");
	tsc_buf_release(&b);
}

static void test_census(void **state)
{
	struct tsc_census *c = tsc_census_new(TSC_CENSUS_BY_REMOTE, 2);
	struct tsc_census_group *g = NULL;
	struct tsc_sock a = mksock(AF_INET, "10.0.0.1", 443, "10.0.0.2", 1000, 1);
	struct tsc_sock b2 = mksock(AF_INET, "10.0.0.1", 443, "10.0.0.3", 1000, 6);
	struct tsc_sock d = mksock(AF_INET, "10.0.0.1", 443, "10.0.0.4", 1000, 12);
	long n;

	(void)state;
	assert_non_null(c);
	for (int i = 0; i < 3; i++)
		tsc_census_add(c, &a, NULL);
	tsc_census_add(c, &b2, NULL);
	tsc_census_add(c, &d, NULL); /* third group: table bound is 2 */
	assert_int_equal(tsc_census_total(c), 5);
	assert_int_equal(tsc_census_counts(c)[TSC_TCP_SYN_RECV], 1); /* NEW_SYN_RECV folded */
	assert_int_equal(tsc_census_overflow(c), 1);
	n = tsc_census_groups(c, 0, &g);
	assert_int_equal(n, 2);
	assert_int_equal(g[0].total, 3);
	assert_int_equal(g[0].key.addr[3], 2);
	assert_int_equal(g[1].counts[TSC_TCP_TIME_WAIT], 1);
	free(g);
	tsc_census_free(c);
}

static void test_filter(void **state)
{
	struct tsc_sock_filter f;
	struct tsc_sock s = mksock(AF_INET, "10.0.0.1", 443, "192.0.2.9", 40000, 1);
	char bad[64];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_false(tsc_sock_filter_active(&f));
	assert_true(tsc_sock_filter_match(&f, &s));
	f.has_port = true;
	f.port = 40000; /* either side */
	assert_true(tsc_sock_filter_match(&f, &s));
	f.has_sport = true;
	f.sport = 80;
	assert_false(tsc_sock_filter_match(&f, &s));
	memset(&f, 0, sizeof(f));
	assert_int_equal(tsc_sock_filter_add_prefixes(&f, true, "198.51.100.0/24,192.0.2.0/24", bad,
						      sizeof(bad)),
			 0);
	assert_true(tsc_sock_filter_match(&f, &s));
	assert_int_equal(tsc_sock_filter_add_prefixes(&f, false, "fd00::/8", bad, sizeof(bad)), 0);
	assert_false(tsc_sock_filter_match(&f, &s)); /* local is IPv4, prefix IPv6 */
	assert_int_equal(tsc_sock_filter_add_prefixes(&f, false, "10.0.0.0/33", bad, sizeof(bad)),
			 -EINVAL);
	assert_string_equal(bad, "10.0.0.0/33");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape), cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_sock_row),    cmocka_unit_test(test_ms_timer),
		cmocka_unit_test(test_sock_json),   cmocka_unit_test(test_census),
		cmocka_unit_test(test_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
