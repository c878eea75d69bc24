/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/sys/counters (/proc/net/snmp and /proc/net/netstat) and
 * lib/sys/sysctl (strict /proc/sys readers): real files recorded on a 6.18
 * kernel (data/check/snmp, netstat), handcrafted pairs, every truncation of
 * the real files, garbage, and a fixture /proc/sys tree (data/check/sys),
 * also read through a descriptor and as sysctl facts (diag/sysctl-facts).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/sysctl-facts.h"
#include "sys/counters.h"
#include "sys/sysctl.h"

#define DATA TSC_TEST_DATA "/check"

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	*ret_len = n;
	return buf;
}

static void test_real_files(void **state)
{
	struct tsc_counters c;
	int64_t v;
	int r;

	(void)state;
	tsc_counters_init(&c);
	r = tsc_counters_read(&c, TSC_TEST_DATA "/check");
	assert_int_equal(r, -ENOENT); /* no net/ here */
	r = tsc_counters_read(&c, DATA "/proc");
	assert_true(r > 150);
	assert_int_equal((size_t)r, c.n);
	tsc_counters_release(&c);

	tsc_counters_init(&c);
	r = tsc_counters_read_file(&c, DATA "/proc/net/snmp");
	assert_true(r > 50);
	assert_true(tsc_counters_get(&c, "Tcp", "MaxConn", &v));
	assert_int_equal(v, -1); /* the one negative counter */
	assert_true(tsc_counters_get(&c, "Tcp", "RtoMin", &v));
	assert_int_equal(v, 200);
	assert_true(tsc_counters_get(&c, "Tcp", "OutSegs", &v));
	assert_true(v > 0);
	assert_false(tsc_counters_get(&c, "TcpExt", "ListenOverflows", &v));
	r = tsc_counters_read_file(&c, DATA "/proc/net/netstat");
	assert_true(r > 100);
	assert_true(tsc_counters_get(&c, "TcpExt", "ListenOverflows", &v));
	assert_true(tsc_counters_get(&c, "TcpExt", "TCPTimeWaitOverflow", &v));
	assert_true(tsc_counters_get(&c, "TcpExt", "SyncookiesSent", &v));
	assert_true(tsc_counters_get(&c, "IpExt", "InOctets", &v));
	assert_false(tsc_counters_get(&c, "Tcp", "ListenOverflows", &v)); /* group matters */
	assert_false(tsc_counters_get(&c, "TcpExt", "NoSuchCounter", &v));
	tsc_counters_release(&c);
	tsc_counters_release(&c); /* released twice: harmless */
}

static void test_handcrafted(void **state)
{
	static const char text[] = "Tcp: A B_c MaxConn\nTcp: 1 18446744 -1\n"
				   "TcpExt: A\nTcpExt: 9223372036854775807\n";
	struct tsc_counters c;
	int64_t v;

	(void)state;
	tsc_counters_init(&c);
	assert_int_equal(tsc_counters_parse(&c, text, strlen(text)), 4);
	assert_true(tsc_counters_get(&c, "Tcp", "B_c", &v));
	assert_int_equal(v, 18446744);
	assert_true(tsc_counters_get(&c, "TcpExt", "A", &v));
	assert_true(v == INT64_MAX);
	assert_true(tsc_counters_get(&c, "Tcp", "A", &v));
	assert_int_equal(v, 1);
	/* a duplicate keeps the first value */
	assert_int_equal(tsc_counters_parse(&c, "Tcp: A Z\nTcp: 5 6\n", 18), 1);
	assert_true(tsc_counters_get(&c, "Tcp", "A", &v));
	assert_int_equal(v, 1);
	assert_true(tsc_counters_get(&c, "Tcp", "Z", &v));
	assert_int_equal(v, 6);
	/* empty text: nothing */
	assert_int_equal(tsc_counters_parse(&c, "", 0), 0);
	assert_int_equal(c.n, 5);
	tsc_counters_release(&c);
}

static void test_garbage(void **state)
{
	static const char *const bad[] = {
		"Tcp: A B\nTcp: 1\n",				  /* fewer values */
		"Tcp: A\nTcp: 1 2\n",				  /* more values */
		"Tcp: A\nUdp: 1\n",				  /* groups differ */
		"Tcp: A\n",					  /* header without values */
		"Tcp: A\nTcp: 1",				  /* last line without newline */
		"Tcp: A\nTcp: x\n",				  /* not a number */
		"Tcp: A\nTcp: 1x\n",				  /* trailing garbage */
		"Tcp: A\nTcp: --1\n",				  /* double sign */
		"Tcp: A\nTcp: -\n",				  /* sign alone */
		"Tcp: A\nTcp: 9223372036854775808\n",		  /* > INT64_MAX */
		"Tcp: A-B\nTcp: 1\n",				  /* bad name */
		"Tcp:A\nTcp:1\n",				  /* no separator */
		"Tcp: A \nTcp: 1 \n",				  /* trailing blank */
		": A\n: 1\n",					  /* empty group */
		"T cp: A\nT cp: 1\n",				  /* blank in group */
		"Tcp\nTcp\n",					  /* no colon */
		"Tcp:\nTcp:\n",					  /* no fields */
		"\n\n",						  /* empty lines */
		"Tcp: A\0\nTcp: 1\n",				  /* NUL */
		"TcpExtTcpExtTcpExt: A\nTcpExtTcpExtTcpExt: 1\n", /* group too long */
	};
	static const size_t lens[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0
	};
	struct tsc_counters c;

	(void)state;
	tsc_counters_init(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = lens[i] ? lens[i] : strlen(bad[i]);
		int r = tsc_counters_parse(&c, bad[i], len);

		if (r >= 0)
			fail_msg("garbage #%zu accepted", i);
		assert_true(r == -EINVAL || r == -ERANGE);
		assert_int_equal(c.n, 0); /* nothing appended on error */
	}
	tsc_counters_release(&c);
}

/* Every truncation of the real files: either the cut falls on a pair
 * boundary (and the pairs before it parse) or it is an error; never a crash
 * or a partial pair. */
static void test_truncations(void **state)
{
	static const char *const files[] = { DATA "/proc/net/snmp", DATA "/proc/net/netstat" };

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		char *buf = slurp(files[f], &len);
		unsigned ok = 0;

		for (size_t cut = 0; cut <= len; cut++) {
			struct tsc_counters c;
			/* a copy of exactly cut bytes, so ASan sees any over-read */
			char *copy = malloc(cut ? cut : 1);
			int r;

			assert_non_null(copy);
			memcpy(copy, buf, cut);
			tsc_counters_init(&c);
			r = tsc_counters_parse(&c, copy, cut);
			if (r >= 0) {
				size_t lines = 0;

				for (size_t i = 0; i < cut; i++)
					lines += buf[i] == '\n';
				assert_true(cut == 0 || buf[cut - 1] == '\n');
				assert_int_equal(lines % 2, 0);
				ok++;
			} else {
				assert_int_equal(r, -EINVAL);
			}
			tsc_counters_release(&c);
			free(copy);
		}
		/* pair boundaries: one per pair plus the empty cut */
		assert_true(ok >= 3);
		free(buf);
	}
}

static void test_too_many(void **state)
{
	size_t cap = 64 * (TSC_COUNTERS_LINE_MAX + 2), len = 0;
	char *t = malloc(cap);
	struct tsc_counters c;

	(void)state;
	assert_non_null(t);
	len += (size_t)snprintf(t + len, cap - len, "Tcp:");
	for (int i = 0; i <= TSC_COUNTERS_LINE_MAX; i++)
		len += (size_t)snprintf(t + len, cap - len, " N%d", i);
	len += (size_t)snprintf(t + len, cap - len, "\nTcp:");
	for (int i = 0; i <= TSC_COUNTERS_LINE_MAX; i++)
		len += (size_t)snprintf(t + len, cap - len, " %d", i);
	len += (size_t)snprintf(t + len, cap - len, "\n");
	tsc_counters_init(&c);
	assert_int_equal(tsc_counters_parse(&c, t, len), -E2BIG);
	assert_int_equal(c.n, 0);
	tsc_counters_release(&c);
	free(t);
}

static void test_sysctl_path(void **state)
{
	char p[64];

	(void)state;
	assert_int_equal(tsc_sysctl_path("/r", "net.ipv4.tcp_fin_timeout", p, sizeof(p)), 0);
	assert_string_equal(p, "/r/net/ipv4/tcp_fin_timeout");
	assert_int_equal(tsc_sysctl_path(NULL, "net/core/somaxconn", p, sizeof(p)), 0);
	assert_string_equal(p, "/proc/sys/net/core/somaxconn");
	assert_int_equal(tsc_sysctl_path("/r", "net..x", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "../etc/passwd", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "/etc", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "net.", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "a b", p, sizeof(p)), -EINVAL);
	assert_int_equal(tsc_sysctl_path("/r", "net.ipv4.tcp_fin_timeout", p, 10), -ENAMETOOLONG);
}

static void test_sysctl_parse(void **state)
{
	int64_t v[3];

	(void)state;
	assert_int_equal(tsc_sysctl_parse_ints("60\n", 3, v, 3), 1);
	assert_int_equal(v[0], 60);
	assert_int_equal(tsc_sysctl_parse_ints("32768\t60999\n", 12, v, 3), 2);
	assert_int_equal(v[1], 60999);
	assert_int_equal(tsc_sysctl_parse_ints("4096 131072  6291456", 20, v, 3), 3);
	assert_int_equal(v[2], 6291456);
	assert_int_equal(tsc_sysctl_parse_ints("-1", 2, v, 1), 1);
	assert_int_equal(v[0], -1);
	assert_int_equal(tsc_sysctl_parse_ints("1 2", 3, v, 1), -ERANGE);
	assert_int_equal(tsc_sysctl_parse_ints("", 0, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("\n", 1, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("1\n\n", 3, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints(" 1", 2, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("1 ", 2, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("1x", 2, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("+1", 2, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("- 1", 3, v, 3), -EINVAL);
	assert_int_equal(tsc_sysctl_parse_ints("99999999999999999999", 20, v, 3), -ERANGE);
	assert_int_equal(tsc_sysctl_parse_ints("1\0", 2, v, 3), -EINVAL);
}

static void test_sysctl_fixture(void **state)
{
	const char *root = DATA "/sys";
	int64_t v[3];
	char s[64];

	(void)state;
	assert_int_equal(tsc_sysctl_read_int(root, "net.core.somaxconn", v), 0);
	assert_int_equal(v[0], 4096);
	assert_int_equal(tsc_sysctl_read_ints(root, "net.ipv4.ip_local_port_range", v, 3), 2);
	assert_int_equal(v[0], 32768);
	assert_int_equal(v[1], 60999);
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.ip_local_port_range", v), -EINVAL);
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.tcp_max_orphans", v), 0);
	assert_int_equal(v[0], -1);
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.tcp_fin_timeout", v), -EINVAL);
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.tcp_max_tw_buckets", v), -EINVAL);
	assert_int_equal(tsc_sysctl_read_int(root, "net.ipv4.nope", v), -ENOENT);
	assert_int_equal(tsc_sysctl_read_ints(root, "net.ipv4.tcp_rmem", v, 3), 3);
	assert_int_equal(tsc_sysctl_read_str(root, "net.ipv4.tcp_rmem", s, sizeof(s)), 19);
	assert_string_equal(s, "4096 131072 6291456");
	assert_int_equal(tsc_sysctl_read_str(root, "net.ipv4.tcp_rmem", s, 5), -E2BIG);
}

/* The one reader behind tune's pinned descriptors and explain's current
 * value: tsc_sysctl_read_fd and tsc_sysctl_fact_read. */
static void test_sysctl_fd_and_facts(void **state)
{
	const char *root = DATA "/sys";
	struct tsc_sysctl_current cur;
	char s[64];
	int fd;

	(void)state;
	fd = open(DATA "/sys/net/ipv4/ip_local_port_range", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(tsc_sysctl_read_fd(fd, s, sizeof(s)), 11);
	assert_string_equal(s, "32768\t60999"); /* newline dropped */
	/* pread from offset 0: the same again, whatever the file position */
	assert_int_equal(tsc_sysctl_read_fd(fd, s, sizeof(s)), 11);
	assert_int_equal(tsc_sysctl_read_fd(fd, s, 6), -E2BIG);
	assert_int_equal(tsc_sysctl_read_fd(fd, s, 0), -EINVAL);
	close(fd);
	assert_int_equal(tsc_sysctl_read_fd(-1, s, sizeof(s)), -EBADF);

	tsc_sysctl_fact_read(root, tsc_sysctl_fact_find("ip_local_port_range"), &cur);
	assert_int_equal(cur.err, 0);
	assert_int_equal(cur.v.n, 2);
	assert_int_equal(cur.v.v[0], 32768);
	assert_int_equal(cur.v.v[1], 60999);
	tsc_sysctl_fact_read(root, tsc_sysctl_fact_find("tcp_rmem"), &cur);
	assert_int_equal(cur.err, 0);
	assert_int_equal(cur.v.v[2], 6291456);
	/* "60 " and "12x" are not in the format of their facts */
	tsc_sysctl_fact_read(root, tsc_sysctl_fact_find("tcp_fin_timeout"), &cur);
	assert_int_equal(cur.err, -EINVAL);
	tsc_sysctl_fact_read(root, tsc_sysctl_fact_find("tcp_max_tw_buckets"), &cur);
	assert_int_equal(cur.err, -EINVAL);
	tsc_sysctl_fact_read(root, tsc_sysctl_fact_find("tcp_tw_reuse"), &cur);
	assert_int_equal(cur.err, -ENOENT);
	assert_int_equal(cur.v.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_handcrafted),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_sysctl_path),
		cmocka_unit_test(test_sysctl_parse),
		cmocka_unit_test(test_sysctl_fixture),
		cmocka_unit_test(test_sysctl_fd_and_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
