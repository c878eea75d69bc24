/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one strict integer parser for sysctl values (lib/sys/sysctl.c) and the
 * fact-table parser built on it (lib/diag/sysctl-facts.c): edge inputs
 * (empty, blanks, trailing garbage, overflow, too many or too few values,
 * tabs), the same verdicts through both layers, and reads of the running
 * kernel's own /proc/sys (read-only).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag/sysctl-facts.h"
#include "sys/sysctl.h"

#define DATA TSC_TEST_DATA "/check"

static int ints(const char *s, int64_t *v, size_t max)
{
	return tsc_sysctl_parse_ints(s, strlen(s), v, max);
}

static int exact(const char *s, int64_t *v, size_t n)
{
	return tsc_sysctl_parse_ints_exact(s, strlen(s), v, n);
}

static void test_parse_ints_edges(void **state)
{
	int64_t v[4] = { 0 };

	(void)state;
	assert_int_equal(ints("", v, 3), -EINVAL);
	assert_int_equal(ints("\t", v, 3), -EINVAL);
	assert_int_equal(ints("1\t2\t3\n", v, 3), 3);
	assert_int_equal(v[2], 3);
	assert_int_equal(ints("1 \t 2", v, 3), 2);
	assert_int_equal(v[1], 2);
	assert_int_equal(ints("1\t", v, 3), -EINVAL);	  /* trailing blank */
	assert_int_equal(ints("1 2x", v, 3), -EINVAL);	  /* trailing garbage */
	assert_int_equal(ints("1 2\r\n", v, 3), -EINVAL); /* only '\n' ends a value */
	assert_int_equal(ints("1\n2", v, 3), -EINVAL);
	assert_int_equal(ints("1,2", v, 3), -EINVAL);
	assert_int_equal(ints("0x10", v, 3), -EINVAL);
	assert_int_equal(ints("1 2 3 4", v, 3), -ERANGE); /* more than max */
	assert_int_equal(ints("9223372036854775807", v, 1), 1);
	assert_int_equal(v[0], INT64_MAX);
	assert_int_equal(ints("-9223372036854775808", v, 1), 1);
	assert_int_equal(v[0], INT64_MIN);
	assert_int_equal(ints("9223372036854775808", v, 1), -ERANGE);
	assert_int_equal(ints("-9223372036854775809", v, 1), -ERANGE);
	assert_int_equal(ints("1 99999999999999999999", v, 3), -ERANGE);
	/* leading zeros are digits like any other: the value decides the range */
	assert_int_equal(ints("000000000000000000000000042", v, 1), 1);
	assert_int_equal(v[0], 42);
	assert_int_equal(ints("-0", v, 1), 1);
	assert_int_equal(v[0], 0);
}

static void test_parse_exact(void **state)
{
	int64_t v[3] = { 0 };

	(void)state;
	assert_int_equal(exact("60\n", v, 1), 0);
	assert_int_equal(v[0], 60);
	assert_int_equal(exact("32768\t60999\n", v, 2), 0);
	assert_int_equal(v[1], 60999);
	assert_int_equal(exact("32768", v, 2), -EINVAL);		  /* too few */
	assert_int_equal(exact("1 2 3", v, 2), -EINVAL);		  /* too many: format */
	assert_int_equal(exact("1 99999999999999999999", v, 1), -EINVAL); /* stops at the count */
	assert_int_equal(exact("1 99999999999999999999", v, 2), -ERANGE);
	assert_int_equal(exact("", v, 1), -EINVAL);
	assert_int_equal(exact("1 ", v, 1), -EINVAL);
	assert_int_equal(exact("1", v, 0), -EINVAL);
	/* a length that stops before the NUL is honoured */
	assert_int_equal(tsc_sysctl_parse_ints_exact("7 8", 1, v, 1), 0);
	assert_int_equal(v[0], 7);
}

/* The diag parser takes its verdicts from lib/sys, plus its 63-bit rule. */
static void test_value_parse_layers(void **state)
{
	static const char *const inputs[] = {
		"",	 "\n",	    "1",   "1\n",   "1\n\n", " 1",  "1 ",    "1\t2",
		"1 2 3", "1 2 3 4", "1 x", "-1 -2", "+1",    "--1", "1 2\n", "99999999999999999999",
	};
	const struct tsc_sysctl_fact *facts[] = { tsc_sysctl_fact_find("tcp_fin_timeout"),
						  tsc_sysctl_fact_find("ip_local_port_range"),
						  tsc_sysctl_fact_find("tcp_rmem") };
	struct tsc_sysctl_value sv;

	(void)state;
	for (size_t k = 0; k < TSC_ARRAY_SIZE(facts); k++) {
		size_t n = (size_t)facts[k]->format;

		assert_int_equal(n, k + 1);
		for (size_t i = 0; i < TSC_ARRAY_SIZE(inputs); i++) {
			int64_t v[3] = { 0 };
			int want = exact(inputs[i], v, n);

			sv.n = 99;
			if (tsc_sysctl_value_parse(facts[k], inputs[i], &sv) != want)
				fail_msg("'%s' (%zu values): not lib/sys's verdict %d", inputs[i],
					 n, want);
			if (want == 0) {
				assert_int_equal(sv.n, n);
				assert_memory_equal(sv.v, v, n * sizeof(v[0]));
			} else {
				assert_int_equal(sv.n, 99); /* untouched on error */
			}
		}
	}
	/* documented: an integer must fit in 63 bits */
	assert_int_equal(tsc_sysctl_value_parse(facts[0], "-9223372036854775808", &sv), -ERANGE);
	assert_int_equal(tsc_sysctl_value_parse(facts[0], "-9223372036854775807", &sv), 0);
	assert_int_equal(tsc_sysctl_value_parse(facts[1], "1\t\t2\n", &sv), 0);
	assert_int_equal(sv.v[1], 2);
	assert_int_equal(tsc_sysctl_value_parse(facts[2], "1 2 3 4", &sv), -EINVAL);
	assert_int_equal(tsc_sysctl_value_parse(NULL, "1", &sv), -EINVAL);
	assert_int_equal(tsc_sysctl_value_parse(facts[0], NULL, &sv), -EINVAL);
}

static void test_read_int(void **state)
{
	const char *root = DATA "/sys";
	int64_t v = 0, three[3];

	(void)state;
	/* three values where one is expected: a format error, read once */
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.tcp_rmem", &v), -EINVAL);
	assert_int_equal(tsc_sysctl_read_int(root, "net.core.somaxconn", &v), 0);
	assert_int_equal(v, 4096);
	/* the running kernel's own files, read-only */
	assert_int_equal(tsc_sysctl_read_ints(NULL, "net.ipv4.tcp_rmem", three, 3), 3);
	assert_true(three[0] > 0 && three[0] <= three[1] && three[1] <= three[2]);
	assert_int_equal(tsc_sysctl_read_int(NULL, "net.ipv4.tcp_rmem", &v), -EINVAL);
	assert_int_equal(tsc_sysctl_read_int(NULL, "net.ipv4.tcp_fin_timeout", &v), 0);
	assert_true(v >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ints_edges),
		cmocka_unit_test(test_parse_exact),
		cmocka_unit_test(test_value_parse_layers),
		cmocka_unit_test(test_read_int),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
