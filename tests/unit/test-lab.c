/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/lab's pure parts (no root, no network): lab names and
 * namespace names, the inventory line parser (the holder's file is input
 * too), and the narration table covering all 11 states with their ports.
 * The lab itself is tested for real by tests/e2e/t1000-lab-states.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "lab/lab.h"

static void test_names(void **state)
{
	char buf[TSC_LAB_NS_MAX];

	(void)state;
	assert_int_equal(tsc_lab_check_name("lab"), 0);
	assert_int_equal(tsc_lab_check_name("t12345_1.x-y"), 0);
	assert_int_equal(tsc_lab_check_name("abcdefghijklmnopqrstuvwx"), 0); /* 24 */
	assert_int_equal(tsc_lab_check_name("abcdefghijklmnopqrstuvwxy"), -EINVAL);
	assert_int_equal(tsc_lab_check_name(""), -EINVAL);
	assert_int_equal(tsc_lab_check_name(NULL), -EINVAL);
	assert_int_equal(tsc_lab_check_name("a/b"), -EINVAL);
	assert_int_equal(tsc_lab_check_name(".."), -EINVAL);
	assert_int_equal(tsc_lab_check_name("-x"), -EINVAL);
	assert_int_equal(tsc_lab_check_name("a b"), -EINVAL);
	assert_int_equal(tsc_lab_check_name("a\n"), -EINVAL);

	assert_int_equal(tsc_lab_ns_name("lab", TSC_LAB_CLIENT, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "tsclab-lab-c");
	assert_int_equal(tsc_lab_ns_name("lab", TSC_LAB_SERVER, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "tsclab-lab-s");
	assert_int_equal(
		tsc_lab_ns_name("abcdefghijklmnopqrstuvwx", TSC_LAB_SERVER, buf, sizeof(buf)), 0);
	assert_int_equal(tsc_lab_ns_name("lab", TSC_LAB_CLIENT, buf, 8), -ENAMETOOLONG);
	assert_int_equal(tsc_lab_ns_name("a/b", TSC_LAB_CLIENT, buf, sizeof(buf)), -EINVAL);
}

static void test_inventory_line(void **state)
{
	struct tsc_lab_sock s;

	(void)state;
	assert_int_equal(tsc_lab_parse_inventory_line("9 1 10 9509\n", &s), 0);
	assert_int_equal(s.state, TSC_TCP_LAST_ACK);
	assert_int_equal(s.side, TSC_LAB_SERVER);
	assert_int_equal(s.family, AF_INET6);
	assert_int_equal(s.port, 9509);
	assert_int_equal(tsc_lab_parse_inventory_line("7 0 2 9507", &s), 0);
	assert_int_equal(s.family, AF_INET);

	const char *bad[] = {
		"",
		"\n",
		"9 1 10",
		"9 1 10 9509 5",
		"0 1 2 9501",
		"12 1 2 9501",
		"9 2 2 9501",
		"9 1 3 9501",
		"9 1 2 0",
		"9 1 2 65536",
		"9 1 2 -1",
		"9 1 2 95x1",
		"+9 1 2 9501",
		"9 1 2 99999999999999999999",
		"9  1 2 9501 x",
		"a b c d",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0xaa, sizeof(s));
		assert_int_equal(tsc_lab_parse_inventory_line(bad[i], &s), -EINVAL);
	}
}

static void test_state_info(void **state)
{
	(void)state;
	for (size_t i = 0; i < 11; i++) {
		unsigned st = tsc_tcp_state_order[i];
		const struct tsc_lab_state_info *in = tsc_lab_state_info(st);

		assert_non_null(in);
		assert_int_equal(in->state, st);
		assert_int_equal(in->port, TSC_LAB_PORT_BASE + st);
		assert_true(in->side == TSC_LAB_CLIENT || in->side == TSC_LAB_SERVER);
		assert_non_null(in->meaning);
		assert_non_null(in->packet);
		assert_non_null(in->hold);
		assert_non_null(in->partner);
	}
	assert_null(tsc_lab_state_info(0));
	assert_null(tsc_lab_state_info(TSC_TCP_NEW_SYN_RECV));
	assert_null(tsc_lab_state_info(200));
	/* the states real connections only pass through */
	assert_true(tsc_lab_state_info(TSC_TCP_SYN_SENT)->transient);
	assert_true(tsc_lab_state_info(TSC_TCP_TIME_WAIT)->transient);
	assert_false(tsc_lab_state_info(TSC_TCP_ESTABLISHED)->transient);
	assert_false(tsc_lab_state_info(TSC_TCP_CLOSE_WAIT)->transient);
}

static void test_status_of_absent_lab(void **state)
{
	struct tsc_lab_status *st = test_calloc(1, sizeof(*st));

	(void)state;
	assert_int_equal(tsc_lab_status("a/b", st), -EINVAL);
	/* a name no lab uses: everything reads as down, no error */
	assert_int_equal(tsc_lab_status("unit-never-up-xyz", st), 0);
	assert_false(st->holder_alive);
	assert_int_equal(st->nsocks, 0);
	assert_false(st->ns_exists[0]);
	assert_false(st->ns_exists[1]);
	test_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_inventory_line),
		cmocka_unit_test(test_state_info),
		cmocka_unit_test(test_status_of_absent_lab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
