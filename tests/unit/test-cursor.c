/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/core/cursor.h additions: tsc_cur_be64 (MPTCP keys, HMACs and data
 * sequence numbers in lib/wire). Reads at every length 0..9: a short read
 * returns false and neither advances nor writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cursor.h"

static void test_be64(void **state)
{
	static const uint8_t d[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff };
	struct tsc_cur c = tsc_cur_make(d, sizeof(d));
	uint64_t v = 0;
	uint8_t last;

	(void)state;
	assert_true(tsc_cur_be64(&c, &v));
	assert_true(v == 0x0102030405060708ull);
	assert_int_equal(c.len, 1);
	assert_ptr_equal(c.p, d + 8);
	assert_true(tsc_cur_u8(&c, &last));
	assert_int_equal(last, 0xff);

	/* all bits set: no sign or shift trouble in the top byte */
	c = tsc_cur_make(d + 1, 8);
	assert_true(tsc_cur_be64(&c, &v));
	assert_true(v == 0x02030405060708ffull);
}

static void test_be64_short(void **state)
{
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	for (size_t n = 0; n < 8; n++) {
		struct tsc_cur c = tsc_cur_make(d, n);
		uint64_t v = 42;

		assert_false(tsc_cur_be64(&c, &v));
		assert_int_equal(v, 42);
		assert_int_equal(c.len, n);
		assert_ptr_equal(c.p, d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_be64),
		cmocka_unit_test(test_be64_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
