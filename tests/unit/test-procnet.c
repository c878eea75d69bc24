/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the /proc/net/tcp{,6} fallback of lib/sockdiag: handcrafted
 * lines (IPv4, IPv6, v4-mapped, every socket kind the kernel prints, garbage
 * and truncations) and a real snapshot (data/procnet-loopback, recorded with
 * data/sockdiag-loopback.nl from the same sockets) checked against the
 * netlink dump of that moment.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"

/* Lines as the kernel prints them (copied from a 6.18 /proc/net/tcp{,6}). */
static const char l_listen[] =
	"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        "
	"0 21125 2 00000000e03461dc 100 0 0 10 0                     \n";
static const char l_estab[] =
	"   5: 0100007F:9C41 0100007F:9CA6 01 00000000:00000005 00:00000000 00000000  1000        "
	"0 21129 1 0000000072f97c1d 20 4 30 10 -1                    \n";
static const char l_tw[] = "   9: 0100007F:9CA9 0100007F:9C41 06 00000000:00000000 03:0000175B "
			   "00000000     0        0 0 3 0000000099938c94";
static const char l_req[] = "   3: 0100007F:1F90 0100007F:C350 03 00000000:00000000 01:00000064 "
			    "00000002     0        0 0 1 0000000000000000";
static const char l_keepalive[] =
	"  12: 0A0AFA0A:0016 0B0AFA0A:D431 01 00000010:00000000 02:00057E40 00000000   107        "
	"3 99 1 0000000000000000 20 4 30 10 -1";
static const char l6_lo[] =
	"   2: 00000000000000000000000001000000:9C42 "
	"00000000000000000000000001000000:9D09 01 00000000:00000000 "
	"00:00000000 00000000     0        0 21138 1 000000009dab2bda 20 0 0 11 -1";
static const char l6_mapped[] =
	"   3: 0000000000000000FFFF00000100007F:9C43 "
	"0000000000000000FFFF00000100007F:9D6D 01 00000000:00000000 "
	"00:00000000 00000000     0        0 21141 1 0000000016f4743f 20 4 32 "
	"10 -1";
static const char l6_doc[] = "   0: B80D0120000000000000000001000000:01BB "
			     "000000FD00000000000000000A000000:0050 01 00000000:00000000 "
			     "00:00000000 00000000     0        0 1 1 0";

static const uint8_t lo4[16] = { 127, 0, 0, 1 };
static const uint8_t lo6[16] = { [15] = 1 };
static const uint8_t mapped_lo[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };

static void test_line_ipv4(void **state)
{
	struct tsc_sock s;

	(void)state;
	assert_int_equal(tsc_procnet_parse_line(l_listen, AF_INET, &s), 0);
	assert_int_equal(s.family, AF_INET);
	assert_int_equal(s.state, TSC_TCP_LISTEN);
	assert_memory_equal(s.local, lo4, 16);
	assert_int_equal(s.lport, 40001);
	assert_int_equal(s.pport, 0);
	assert_int_equal(s.rqueue, 1); /* accept queue */
	assert_int_equal(s.wqueue, 0); /* /proc does not show the backlog */
	assert_int_equal(s.inode, 21125);

	assert_int_equal(tsc_procnet_parse_line(l_estab, AF_INET, &s), 0);
	assert_int_equal(s.state, TSC_TCP_ESTABLISHED);
	assert_int_equal(s.lport, 40001);
	assert_int_equal(s.pport, 40102);
	assert_memory_equal(s.peer, lo4, 16);
	assert_int_equal(s.rqueue, 5);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.timer, TSC_TIMER_NONE);
	assert_int_equal(s.expires_ms, 0);

	/* TIME_WAIT: timer 3, 0x175B = 5979 USER_HZ ticks */
	assert_int_equal(tsc_procnet_parse_line(l_tw, AF_INET, &s), 0);
	assert_int_equal(s.state, TSC_TCP_TIME_WAIT);
	assert_int_equal(s.timer, TSC_TIMER_TIMEWAIT);
	assert_int_equal(s.expires_ms, 5979 * 1000 / sysconf(_SC_CLK_TCK));
	assert_int_equal(s.inode, 0);

	/* request socket: SYN_RECV, retransmit timer, 2 SYN-ACK retransmits */
	assert_int_equal(tsc_procnet_parse_line(l_req, AF_INET, &s), 0);
	assert_int_equal(s.state, TSC_TCP_SYN_RECV);
	assert_int_equal(s.lport, 8080);
	assert_int_equal(s.pport, 50000);
	assert_int_equal(s.timer, TSC_TIMER_RETRANS);
	assert_int_equal(s.expires_ms, 100 * 1000 / sysconf(_SC_CLK_TCK));
	assert_int_equal(s.retrans, 2);

	/* keepalive: inet_diag reports the probe count as retrans */
	assert_int_equal(tsc_procnet_parse_line(l_keepalive, AF_INET, &s), 0);
	assert_int_equal(s.local[0], 10);
	assert_int_equal(s.local[1], 250);
	assert_int_equal(s.local[2], 10);
	assert_int_equal(s.local[3], 10);
	assert_int_equal(s.peer[0], 10);
	assert_int_equal(s.peer[3], 11);
	assert_int_equal(s.lport, 22);
	assert_int_equal(s.pport, 54321);
	assert_int_equal(s.wqueue, 16);
	assert_int_equal(s.timer, TSC_TIMER_KEEPALIVE);
	assert_int_equal(s.retrans, 3);
	assert_int_equal(s.uid, 107);
	assert_int_equal(s.inode, 99);
}

static void test_line_ipv6(void **state)
{
	static const uint8_t doc[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t ula[16] = { 0xfd, 0x00, [15] = 0x0a };
	struct tsc_sock s;

	(void)state;
	assert_int_equal(tsc_procnet_parse_line(l6_lo, AF_INET6, &s), 0);
	assert_int_equal(s.family, AF_INET6);
	assert_memory_equal(s.local, lo6, 16);
	assert_memory_equal(s.peer, lo6, 16);
	assert_int_equal(s.lport, 40002);
	assert_int_equal(s.pport, 40201);
	assert_int_equal(tsc_procnet_parse_line(l6_mapped, AF_INET6, &s), 0);
	assert_memory_equal(s.local, mapped_lo, 16);
	assert_memory_equal(s.peer, mapped_lo, 16);
	assert_int_equal(tsc_procnet_parse_line(l6_doc, AF_INET6, &s), 0);
	assert_memory_equal(s.local, doc, 16); /* 2001:db8::1 */
	assert_memory_equal(s.peer, ula, 16);  /* fd00::a */
	assert_int_equal(s.lport, 443);
	assert_int_equal(s.pport, 80);
	/* the other family's line is rejected */
	assert_int_equal(tsc_procnet_parse_line(l6_lo, AF_INET, &s), -EINVAL);
	assert_int_equal(tsc_procnet_parse_line(l_listen, AF_INET6, &s), -EINVAL);
	assert_int_equal(tsc_procnet_parse_line(l_listen, AF_UNIX, &s), -EINVAL);
}

static void test_line_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
		"timeout inode",
		"garbage",
		/* 7 and 9 digit address, missing colon, lower case 'x' */
		"   0: 100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0: 10100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0: 0100007F:9C4x 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
		/* state 0, 0E, timer 5 */
		"   0: 0100007F:9C41 00000000:0000 00 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0: 0100007F:9C41 00000000:0000 0E 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 05:00000000 00000000 0 0 1",
		/* negative and huge numbers, junk after the inode */
		"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 -1 0 1",
		"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 "
		"4294967296 0 1",
		"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1x",
		"   0: 0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 "
		"99999999999999999999",
		/* fields glued together, tabs */
		"   0: 0100007F:9C4100000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
		"   0:\t0100007F:9C41 00000000:0000 0A 00000000:00000001 00:00000000 00000000 0 0 1",
	};
	struct tsc_sock s;

	(void)state;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(bad); i++) {
		s.lport = 7;
		assert_int_equal(tsc_procnet_parse_line(bad[i], AF_INET, &s), -EINVAL);
		assert_int_equal(s.lport, 0); /* nothing half-filled */
	}
	assert_int_equal(tsc_procnet_parse_line(NULL, AF_INET, &s), -EINVAL);
}

/* Every prefix that stops before the inode is rejected. */
static void check_prefixes(const char *line, int family)
{
	size_t len = strlen(line), inode_at;
	const char *p = line;
	char buf[512];
	struct tsc_sock s;

	/* the inode is the 10th whitespace-separated field */
	for (int f = 0; f < 10; f++) {
		while (*p == ' ')
			p++;
		if (f < 9)
			while (*p && *p != ' ')
				p++;
	}
	inode_at = (size_t)(p - line);
	assert_true(inode_at < len);
	for (size_t k = 0; k <= len; k++) {
		memcpy(buf, line, k);
		buf[k] = '\0';
		int r = tsc_procnet_parse_line(buf, family, &s);
		if (k <= inode_at)
			assert_int_equal(r, -EINVAL);
		else
			assert_int_equal(r, 0);
	}
}

static void test_line_truncated(void **state)
{
	(void)state;
	check_prefixes(l_listen, AF_INET);
	check_prefixes(l_tw, AF_INET);
	check_prefixes(l_req, AF_INET);
	check_prefixes(l6_mapped, AF_INET6);
}

/* ------------------------------------------------------------------------ */
/* Whole files                                                               */

struct coll {
	struct tsc_sock s[64];
	size_t n;
	int fail_at; /* return -ECANCELED at this many, 0 = never */
};

static int collect(const struct tsc_sock *s, void *arg)
{
	struct coll *c = arg;

	if (c->fail_at && (int)c->n == c->fail_at)
		return -ECANCELED;
	assert_true(c->n < TSC_ARRAY_SIZE(c->s));
	c->s[c->n++] = *s;
	return 0;
}

static const struct tsc_sock *find(const struct coll *c, int family, uint16_t lport, uint16_t pport)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->s[i].family == family && c->s[i].lport == lport && c->s[i].pport == pport)
			return &c->s[i];
	fail_msg("no socket %u -> %u", lport, pport);
	return NULL;
}

static const struct tsc_sockdiag_query q_all = { TSC_TCPF_ALL, true, true, 0 };

static void test_dump_fixture(void **state)
{
	struct tsc_sockdiag_query q = q_all;
	struct coll c = { .n = 0 };
	const struct tsc_sock *s;

	(void)state;
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q, collect, &c), 16);
	s = find(&c, AF_INET, 40001, 0);
	assert_int_equal(s->state, TSC_TCP_LISTEN);
	assert_int_equal(s->rqueue, 1);
	s = find(&c, AF_INET, 40001, 40101); /* a FIN_WAIT2 timewait sock */
	assert_int_equal(s->state, TSC_TCP_FIN_WAIT2);
	assert_int_equal(s->timer, TSC_TIMER_TIMEWAIT);
	assert_int_equal(find(&c, AF_INET, 40105, 40001)->state, TSC_TCP_TIME_WAIT);
	assert_int_equal(find(&c, AF_INET6, 40201, 40002)->rqueue, 3);
	assert_memory_equal(find(&c, AF_INET6, 40003, 40301)->peer, mapped_lo, 16);

	/* the state filter and the family switches */
	c.n = 0;
	q.states = TSC_TCPF(TSC_TCP_LISTEN);
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q, collect, &c), 3);
	c.n = 0;
	q = q_all;
	q.ipv6 = false;
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q, collect, &c), 11);
	c.n = 0;
	q.ipv4 = false;
	q.ipv6 = true;
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q, collect, &c), 5);
	/* the callback's error stops the walk */
	c.n = 0;
	c.fail_at = 2;
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q_all, collect, &c),
			 -ECANCELED);
	assert_int_equal(c.n, 2);
}

/* The /proc snapshot against the netlink dump of the same moment. */
struct replay {
	const uint8_t *p;
	size_t len, off;
};

static int replay_send(void *arg, const void *req, size_t len)
{
	(void)arg;
	(void)req;
	(void)len;
	return 0;
}

static long replay_recv(void *arg, void *buf, size_t len)
{
	struct replay *r = arg;
	uint32_t dlen;

	if (r->len - r->off < 4)
		return 0;
	dlen = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8 |
	       (uint32_t)r->p[r->off + 2] << 16 | (uint32_t)r->p[r->off + 3] << 24;
	r->off += 4;
	assert_true(dlen <= r->len - r->off && dlen <= len);
	memcpy(buf, r->p + r->off, dlen);
	r->off += dlen;
	return (long)dlen;
}

static void test_agrees_with_netlink(void **state)
{
	static uint8_t blob[65536];
	struct replay r = { blob, 0, 0 };
	struct tsc_nl_ops ops = { replay_send, replay_recv, &r };
	struct coll *nl = calloc(1, sizeof(*nl)), *pn = calloc(1, sizeof(*pn));
	struct tsc_sockdiag *h;
	FILE *f = fopen(TSC_TEST_DATA "/sockdiag-loopback.nl", "rb");

	(void)state;
	assert_non_null(f);
	r.len = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	h = tsc_sockdiag_new_ops(&ops);
	assert_non_null(h);
	/* netlink also has the bound-inactive socket (CLOSE) that /proc lacks */
	assert_int_equal(tsc_sockdiag_dump(h, &q_all, collect, nl), 17);
	tsc_sockdiag_free(h);
	assert_int_equal(tsc_procnet_dump(TSC_TEST_DATA "/procnet-loopback", &q_all, collect, pn),
			 16);
	for (size_t i = 0; i < nl->n; i++) {
		const struct tsc_sock *a = &nl->s[i], *b;

		if (a->state == TSC_TCP_CLOSE) {
			assert_int_equal(a->lport, 40106);
			continue;
		}
		b = find(pn, a->family, a->lport, a->pport);
		assert_int_equal(a->state, b->state);
		assert_memory_equal(a->local, b->local, 16);
		assert_memory_equal(a->peer, b->peer, 16);
		assert_int_equal(a->inode, b->inode);
		assert_int_equal(a->uid, b->uid);
		assert_int_equal(a->timer, b->timer);
		assert_int_equal(a->rqueue, b->rqueue);
		if (a->state == TSC_TCP_LISTEN)
			assert_int_equal(b->wqueue, 0); /* backlog: netlink only */
		else
			assert_int_equal(a->wqueue, b->wqueue);
		/* expiry: ms vs USER_HZ ticks, a few ms apart in time */
		assert_true(a->expires_ms + 100 >= b->expires_ms &&
			    b->expires_ms + 100 >= a->expires_ms);
	}
	free(nl);
	free(pn);
}

/* Broken and partial trees in a temporary directory. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_dump_files(void **state)
{
	char dir[] = "/tmp/tsc-procnet-XXXXXX", path[512], longline[700];
	static const char hdr[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
				  "tm->when retrnsmt   uid  timeout inode\n";
	struct coll c = { .n = 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/net", dir);
	assert_int_equal(mkdir(path, 0700), 0);

	/* no tcp at all: an error; tcp without tcp6: IPv4 only */
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -ENOENT);
	write_file(dir, "tcp", hdr);
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), 0);
	snprintf(path, sizeof(path), "%s%s", hdr, l_listen);
	write_file(dir, "tcp", path);
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), 1);
	/* no trailing newline on the last line is fine */
	snprintf(path, sizeof(path), "%s%s%s", hdr, l_listen, l_tw);
	write_file(dir, "tcp", path);
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), 2);

	/* an empty file, a wrong header, a garbage line, an over-long line */
	write_file(dir, "tcp", "");
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -EPROTO);
	write_file(dir, "tcp", "hello\n");
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -EPROTO);
	snprintf(path, sizeof(path), "%s%sgarbage\n", hdr, l_listen);
	write_file(dir, "tcp", path);
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -EPROTO);
	memset(longline, ' ', sizeof(longline));
	memcpy(longline, l_tw, strlen(l_tw));
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	write_file(dir, "tcp", hdr);
	snprintf(path, sizeof(path), "%s/net/tcp", dir);
	{
		FILE *f = fopen(path, "a");

		assert_non_null(f);
		fputs(longline, f);
		fclose(f);
	}
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -EPROTO);
	/* an IPv4 line in tcp6 */
	write_file(dir, "tcp", hdr);
	snprintf(path, sizeof(path), "%s%s", hdr, l_listen);
	write_file(dir, "tcp6", path);
	assert_int_equal(tsc_procnet_dump(dir, &q_all, collect, &c), -EPROTO);

	snprintf(path, sizeof(path), "%s/net/tcp", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net/tcp6", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_ipv4),    cmocka_unit_test(test_line_ipv6),
		cmocka_unit_test(test_line_garbage), cmocka_unit_test(test_line_truncated),
		cmocka_unit_test(test_dump_fixture), cmocka_unit_test(test_agrees_with_netlink),
		cmocka_unit_test(test_dump_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
