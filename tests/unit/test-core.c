/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/core: the cursor, strict number/port/prefix parsing,
 * state names and groups, the bounded buffer and the hash table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/hash.h"
#include "core/strparse.h"
#include "core/tcpstate.h"

static void test_cursor_reads(void **state)
{
	const uint8_t data[] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct tsc_cur c = tsc_cur_make(data, sizeof(data));
	struct tsc_cur sub;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	(void)state;
	assert_true(tsc_cur_be16(&c, &v16));
	assert_int_equal(v16, 0x1234);
	assert_false(tsc_cur_be32(&c, &v32)); /* 3 left: no read, no advance */
	assert_int_equal(c.len, 3);
	assert_true(tsc_cur_sub(&c, 2, &sub));
	assert_true(tsc_cur_le16(&sub, &v16));
	assert_int_equal(v16, 0x7856);
	assert_false(tsc_cur_u8(&sub, &v8));
	assert_true(tsc_cur_u8(&c, &v8));
	assert_int_equal(v8, 0x9a);
	assert_false(tsc_cur_skip(&c, 1));
	assert_false(tsc_cur_sub(&c, 1, &sub));
	c = tsc_cur_make(NULL, 10);
	assert_int_equal(c.len, 0);
}

static void test_cursor_copy_min(void **state)
{
	const uint8_t data[] = { 1, 2, 3 };
	uint8_t dst[8];

	(void)state;
	memset(dst, 0xff, sizeof(dst));
	assert_int_equal(tsc_cur_copy_min(tsc_cur_make(data, 3), dst, sizeof(dst)), 3);
	assert_int_equal(dst[2], 3);
	assert_int_equal(dst[3], 0); /* zero-filled past the source */
	assert_int_equal(tsc_cur_copy_min(tsc_cur_make(data, 3), dst, 2), 2);
}

static void test_parse_numbers(void **state)
{
	uint64_t v;
	int64_t i;
	uint16_t port;

	(void)state;
	assert_int_equal(tsc_parse_u64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(tsc_parse_u64("", 0, 100, &v), -EINVAL);
	assert_int_equal(tsc_parse_u64(" 1", 0, 100, &v), -EINVAL);
	assert_int_equal(tsc_parse_u64("-1", 0, 100, &v), -EINVAL);
	assert_int_equal(tsc_parse_u64("+1", 0, 100, &v), -EINVAL);
	assert_int_equal(tsc_parse_u64("12x", 0, 100, &v), -EINVAL);
	assert_int_equal(tsc_parse_u64("101", 0, 100, &v), -ERANGE);
	assert_int_equal(tsc_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(tsc_parse_i64("-5", -10, 10, &i), 0);
	assert_int_equal(i, -5);
	assert_int_equal(tsc_parse_i64("-", -10, 10, &i), -EINVAL);
	assert_int_equal(tsc_parse_port("65535", &port), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(tsc_parse_port("65536", &port), -ERANGE);
	assert_int_equal(tsc_parse_port("http", &port), -EINVAL);
	assert_int_equal(tsc_parse_seconds_ms("1.5", 10000, &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(tsc_parse_seconds_ms("0.0019", 10000, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(tsc_parse_seconds_ms("2.", 10000, &v), -EINVAL);
	assert_int_equal(tsc_parse_seconds_ms("11", 10000, &v), -ERANGE);
}

static void test_parse_prefix(void **state)
{
	struct tsc_prefix p;
	uint8_t a4[4], a6[16];

	(void)state;
	assert_int_equal(tsc_parse_prefix("10.1.2.3/8", &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.plen, 8);
	assert_int_equal(p.addr[1], 0); /* host bits cleared */
	inet_pton(AF_INET, "10.200.0.1", a4);
	assert_true(tsc_prefix_match(&p, AF_INET, a4));
	inet_pton(AF_INET, "11.0.0.1", a4);
	assert_false(tsc_prefix_match(&p, AF_INET, a4));
	/* IPv4-mapped IPv6 matches an IPv4 prefix */
	inet_pton(AF_INET6, "::ffff:10.9.9.9", a6);
	assert_true(tsc_prefix_match(&p, AF_INET6, a6));

	assert_int_equal(tsc_parse_prefix("192.0.2.1", &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(tsc_parse_prefix("10.0.0.0/12", &p), 0);
	inet_pton(AF_INET, "10.15.255.255", a4);
	assert_true(tsc_prefix_match(&p, AF_INET, a4));
	inet_pton(AF_INET, "10.16.0.0", a4);
	assert_false(tsc_prefix_match(&p, AF_INET, a4));

	assert_int_equal(tsc_parse_prefix("[fd00::1]", &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.plen, 128);
	assert_int_equal(tsc_parse_prefix("fd00::/8", &p), 0);
	inet_pton(AF_INET6, "fdff::5", a6);
	assert_true(tsc_prefix_match(&p, AF_INET6, a6));
	inet_pton(AF_INET6, "fe80::5", a6);
	assert_false(tsc_prefix_match(&p, AF_INET6, a6));
	assert_int_equal(tsc_parse_prefix("::/0", &p), 0);
	assert_true(tsc_prefix_match(&p, AF_INET6, a6));

	assert_int_equal(tsc_parse_prefix("10.0.0.0/33", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("10.0.0/8", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("fd00::/129", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("10.0.0.1/", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("/8", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("host.example", &p), -EINVAL);
	assert_int_equal(tsc_parse_prefix("", &p), -EINVAL);
}

static void test_parse_endpoint(void **state)
{
	struct tsc_prefix p;
	uint16_t port;

	(void)state;
	assert_int_equal(tsc_parse_endpoint("10.0.0.1:80", &p, &port), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.addr[3], 1);
	assert_int_equal(port, 80);
	assert_int_equal(tsc_parse_endpoint("[fd00::1]:9502", &p, &port), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.addr[15], 1);
	assert_int_equal(port, 9502);
	assert_int_equal(tsc_parse_endpoint("fd00::1:80", &p, &port), -EINVAL); /* unbracketed v6 */
	assert_int_equal(tsc_parse_endpoint("[10.0.0.1]:80", &p, &port), -EINVAL);
	assert_int_equal(tsc_parse_endpoint("10.0.0.0/8:80", &p, &port), -EINVAL);
	assert_int_equal(tsc_parse_endpoint("10.0.0.1", &p, &port), -EINVAL);
	assert_int_equal(tsc_parse_endpoint(":80", &p, &port), -EINVAL);
	assert_int_equal(tsc_parse_endpoint("10.0.0.1:", &p, &port), -EINVAL);
	assert_int_equal(tsc_parse_endpoint("10.0.0.1:65536", &p, &port), -ERANGE);
	assert_int_equal(tsc_parse_endpoint("[fd00::1]80", &p, &port), -EINVAL);
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(tsc_edit_distance("states", "states"), 0);
	assert_int_equal(tsc_edit_distance("stats", "states"), 1);
	assert_int_equal(tsc_edit_distance("SOCKETS", "sockets"), 0); /* case-insensitive */
	assert_int_equal(tsc_edit_distance("", "abc"), 3);
	assert_int_equal(tsc_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(
		tsc_edit_distance("a", "0123456789012345678901234567890123456789012345678"), 99);
}

static void test_state_names(void **state)
{
	(void)state;
	/* both spellings of every state, the RFC's, and numbers */
	static const struct {
		const char *name;
		int st;
	} cases[] = {
		{ "ESTABLISHED", 1 }, { "established", 1 },  { "ESTAB", 1 },
		{ "SYN_SENT", 2 },    { "syn-sent", 2 },     { "SYN_RECV", 3 },
		{ "syn-recv", 3 },    { "SYN-RECEIVED", 3 }, { "FIN_WAIT1", 4 },
		{ "fin-wait-1", 4 },  { "FIN-WAIT-1", 4 },   { "FIN_WAIT2", 5 },
		{ "fin-wait-2", 5 },  { "TIME_WAIT", 6 },    { "time-wait", 6 },
		{ "CLOSE", 7 },	      { "closed", 7 },	     { "CLOSED", 7 },
		{ "CLOSE_WAIT", 8 },  { "close-wait", 8 },   { "LAST_ACK", 9 },
		{ "last-ack", 9 },    { "LISTEN", 10 },	     { "listening", 10 },
		{ "CLOSING", 11 },    { "closing", 11 },     { "1", 1 },
		{ "11", 11 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(tsc_tcp_state_parse(cases[i].name), cases[i].st);
	assert_int_equal(tsc_tcp_state_parse("ESTABLISHE"), -EINVAL);
	assert_int_equal(tsc_tcp_state_parse("12"), -EINVAL);
	assert_int_equal(tsc_tcp_state_parse("0"), -EINVAL);
	assert_int_equal(tsc_tcp_state_parse(""), -EINVAL);
	assert_string_equal(tsc_tcp_state_rfc(3), "SYN-RECEIVED");
	assert_string_equal(tsc_tcp_state_rfc(12), "SYN-RECEIVED");
	assert_string_equal(tsc_tcp_state_rfc(7), "CLOSED");
	assert_string_equal(tsc_tcp_state_netstat(4), "FIN_WAIT1");
	assert_string_equal(tsc_tcp_state_ss(1), "ESTAB");
	assert_string_equal(tsc_tcp_state_rfc(99), "UNKNOWN");
	/* diagram order holds each state once */
	uint32_t seen = 0;
	for (size_t i = 0; i < 11; i++)
		seen |= TSC_TCPF(tsc_tcp_state_order[i]);
	assert_int_equal(seen, TSC_TCPF_ALL);
}

static void test_state_groups(void **state)
{
	uint32_t m;
	char bad[64];

	(void)state;
	assert_int_equal(tsc_tcp_states_parse("established,TIME_WAIT", &m, bad, sizeof(bad)), 0);
	assert_int_equal(m, TSC_TCPF(1) | TSC_TCPF(6));
	assert_int_equal(tsc_tcp_states_parse("all", &m, bad, sizeof(bad)), 0);
	assert_int_equal(m, TSC_TCPF_ALL);
	assert_int_equal(tsc_tcp_states_parse("bucket", &m, bad, sizeof(bad)), 0);
	assert_int_equal(m, TSC_TCPF(TSC_TCP_SYN_RECV) | TSC_TCPF(TSC_TCP_TIME_WAIT));
	assert_int_equal(tsc_tcp_states_parse("connected", &m, bad, sizeof(bad)), 0);
	assert_false(m & TSC_TCPF(TSC_TCP_LISTEN));
	assert_false(m & TSC_TCPF(TSC_TCP_CLOSE));
	assert_true(m & TSC_TCPF(TSC_TCP_SYN_SENT));
	assert_int_equal(tsc_tcp_states_parse("synchronized", &m, bad, sizeof(bad)), 0);
	assert_false(m & TSC_TCPF(TSC_TCP_SYN_SENT));
	assert_true(m & TSC_TCPF(TSC_TCP_ESTABLISHED));
	assert_int_equal(tsc_tcp_states_parse("big", &m, bad, sizeof(bad)), 0);
	assert_false(m & TSC_TCPF(TSC_TCP_TIME_WAIT));
	assert_true(m & TSC_TCPF(TSC_TCP_LISTEN));
	assert_int_equal(tsc_tcp_states_parse("listen,bogus", &m, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "bogus");
	assert_int_equal(tsc_tcp_states_parse(",,", &m, bad, sizeof(bad)), -EINVAL);
}

static void test_buf(void **state)
{
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 16);
	tsc_buf_puts(&b, "abc");
	tsc_buf_put_u64(&b, 18446744073709551615ull);
	assert_int_equal(tsc_buf_error(&b), -E2BIG); /* 3 + 20 > 16: refused, sticky */
	tsc_buf_release(&b);
	tsc_buf_init(&b, 0);
	tsc_buf_put_u64(&b, 0);
	tsc_buf_putc(&b, ' ');
	tsc_buf_pad(&b, "x", 3);
	tsc_buf_pad(&b, "y", -3);
	tsc_buf_printf(&b, "%d|", 42);
	assert_string_equal(tsc_buf_str(&b), "0   xy  42|");
	assert_int_equal(tsc_buf_error(&b), 0);
	tsc_buf_release(&b);
}

struct sink_ctx {
	char data[200000];
	size_t len;
	int calls;
};

static int sink(void *arg, const char *p, size_t n)
{
	struct sink_ctx *c = arg;

	if (c->len + n > sizeof(c->data))
		return -ENOSPC;
	memcpy(c->data + c->len, p, n);
	c->len += n;
	c->calls++;
	return 0;
}

static void test_buf_sink(void **state)
{
	static struct sink_ctx c;
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_buf_set_sink(&b, sink, &c);
	for (int i = 0; i < 20000; i++)
		tsc_buf_puts(&b, "0123456789");
	assert_int_equal(tsc_buf_flush(&b), 0);
	assert_int_equal(c.len, 200000);
	assert_true(c.calls >= 3); /* flushed in chunks, not held whole */
	tsc_buf_puts(&b, "x");	   /* sink now full: error is reported and sticky */
	assert_int_equal(tsc_buf_flush(&b), -ENOSPC);
	assert_int_equal(tsc_buf_flush(&b), -ENOSPC);
	tsc_buf_release(&b);
}

static void test_hash(void **state)
{
	struct tsc_hash *h = tsc_hash_new(sizeof(uint32_t), sizeof(uint64_t), 1000);
	size_t pos = 0, n = 0;
	const void *k;
	void *v;
	bool created;

	(void)state;
	assert_non_null(h);
	for (uint32_t i = 0; i < 1000; i++) {
		uint64_t *val = tsc_hash_upsert(h, &i, &created);

		assert_non_null(val);
		assert_true(created);
		*val = i * 2;
	}
	uint32_t extra = 5000;
	assert_null(tsc_hash_upsert(h, &extra, NULL)); /* bounded */
	uint32_t again = 7;
	assert_int_equal(*(uint64_t *)tsc_hash_upsert(h, &again, &created), 14);
	assert_false(created);
	assert_null(tsc_hash_find(h, &extra));
	while (tsc_hash_next(h, &pos, &k, &v)) {
		assert_int_equal(*(const uint64_t *)v, *(const uint32_t *)k * 2ull);
		n++;
	}
	assert_int_equal(n, 1000);
	assert_int_equal(tsc_hash_count(h), 1000);
	tsc_hash_free(h);
	tsc_hash_free(NULL);
	assert_null(tsc_hash_new(0, 8, 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_reads),  cmocka_unit_test(test_cursor_copy_min),
		cmocka_unit_test(test_parse_numbers), cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_edit_distance), cmocka_unit_test(test_parse_endpoint),
		cmocka_unit_test(test_state_names),   cmocka_unit_test(test_state_groups),
		cmocka_unit_test(test_buf),	      cmocka_unit_test(test_buf_sink),
		cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
