/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/sockdiag's netlink side: recorded real dumps
 * (data/sockdiag-*.nl, made by sockdiag-record.py) replayed through the
 * transport seam with exact field checks, every fixture at every truncation
 * length, handcrafted malformed messages, and a live dump of sockets this
 * process opens on loopback in a private network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"

/* ------------------------------------------------------------------------ */
/* Fixtures and the replay transport                                         */

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob load(const char *name)
{
	char path[512];
	struct blob b = { NULL, 0 };
	FILE *f;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", TSC_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 0);
	rewind(f);
	b.p = malloc((size_t)sz);
	assert_non_null(b.p);
	assert_int_equal(fread(b.p, 1, (size_t)sz, f), (size_t)sz);
	b.len = (size_t)sz;
	fclose(f);
	return b;
}

/* Replays [u32 LE length][datagram] records; a record cut short by the end
 * of data is returned as far as it goes, then recv returns 0. */
struct replay {
	const uint8_t *p;
	size_t len, off;
	unsigned sends;
	uint8_t req[2][72];
};

static int replay_send(void *arg, const void *req, size_t len)
{
	struct replay *r = arg;

	assert_int_equal(len, 72);
	if (r->sends < 2)
		memcpy(r->req[r->sends], req, len);
	r->sends++;
	return 0;
}

static long replay_recv(void *arg, void *buf, size_t len)
{
	struct replay *r = arg;
	uint32_t dlen;
	size_t avail;

	if (r->len - r->off < 4)
		return 0;
	dlen = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8 |
	       (uint32_t)r->p[r->off + 2] << 16 | (uint32_t)r->p[r->off + 3] << 24;
	r->off += 4;
	avail = r->len - r->off < dlen ? r->len - r->off : dlen;
	if (avail > len)
		return -EMSGSIZE;
	memcpy(buf, r->p + r->off, avail);
	r->off += avail;
	return (long)avail;
}

static struct tsc_sockdiag *replay_handle(struct replay *r, const uint8_t *p, size_t len)
{
	struct tsc_nl_ops ops = { replay_send, replay_recv, r };
	struct tsc_sockdiag *h;

	memset(r, 0, sizeof(*r));
	r->p = p;
	r->len = len;
	h = tsc_sockdiag_new_ops(&ops);
	assert_non_null(h);
	return h;
}

/* Collected sockets. */
struct coll {
	struct tsc_sock s[512];
	size_t n;
	size_t stop_at; /* return -ECANCELED at this many, 0 = never */
};

static int collect(const struct tsc_sock *s, void *arg)
{
	struct coll *c = arg;

	if (c->stop_at && c->n == c->stop_at)
		return -ECANCELED;
	assert_true(c->n < TSC_ARRAY_SIZE(c->s));
	c->s[c->n++] = *s;
	return 0;
}

static const struct tsc_sock *find(const struct coll *c, int family, uint16_t lport, uint16_t pport)
{
	const struct tsc_sock *hit = NULL;

	for (size_t i = 0; i < c->n; i++) {
		if (c->s[i].family == family && c->s[i].lport == lport && c->s[i].pport == pport) {
			assert_null(hit); /* unique */
			hit = &c->s[i];
		}
	}
	assert_non_null(hit);
	return hit;
}

static const struct tsc_sockdiag_query q_all = { TSC_TCPF_ALL, true, true, 0 };

static long replay_dump(const struct blob *b, size_t len, const struct tsc_sockdiag_query *q,
			struct coll *c)
{
	struct replay r;
	struct tsc_sockdiag *h = replay_handle(&r, b->p, len);
	long n = tsc_sockdiag_dump(h, q, collect, c);

	tsc_sockdiag_free(h);
	return n;
}

static const uint8_t lo4[16] = { 127, 0, 0, 1 };
static const uint8_t lo6[16] = { [15] = 1 };
static const uint8_t mapped_lo[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
static const uint8_t any[16];

/* ------------------------------------------------------------------------ */
/* Recorded real dumps                                                       */

static void test_replay_loopback(void **state)
{
	struct blob b = load("sockdiag-loopback.nl");
	struct coll *c = calloc(1, sizeof(*c));
	const struct tsc_sock *s;
	struct replay r;
	struct tsc_sockdiag *h;

	(void)state;
	assert_int_equal(replay_dump(&b, b.len, &q_all, c), 17);
	assert_int_equal(c->n, 17);

	s = find(c, AF_INET, 40001, 0); /* listen(8), one connection not accepted */
	assert_int_equal(s->state, TSC_TCP_LISTEN);
	assert_memory_equal(s->local, lo4, 16);
	assert_memory_equal(s->peer, any, 16);
	assert_int_equal(s->rqueue, 1);
	assert_int_equal(s->wqueue, 8);
	assert_int_not_equal(s->inode, 0);
	assert_int_not_equal(s->cookie, 0);
	assert_int_equal(s->timer, TSC_TIMER_NONE);
	assert_false(s->has_info);

	s = find(c, AF_INET, 40001, 40102); /* accepted, 5 bytes unread */
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_memory_equal(s->peer, lo4, 16);
	assert_int_equal(s->rqueue, 5);
	assert_int_equal(s->wqueue, 0);
	assert_int_equal(find(c, AF_INET, 40102, 40001)->state, TSC_TCP_ESTABLISHED);

	s = find(c, AF_INET, 40001, 40107); /* in the accept queue: no file yet */
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_int_equal(s->inode, 0);

	s = find(c, AF_INET, 40001, 40101); /* closed orphan: a FIN_WAIT2 timewait sock */
	assert_int_equal(s->state, TSC_TCP_FIN_WAIT2);
	assert_int_equal(s->timer, TSC_TIMER_TIMEWAIT);
	assert_true(s->expires_ms > 50000 && s->expires_ms <= 60000);
	s = find(c, AF_INET, 40101, 40001);
	assert_int_equal(s->state, TSC_TCP_CLOSE_WAIT);
	assert_int_equal(s->rqueue, 1); /* the FIN counts in rcv_nxt - copied_seq */

	assert_int_equal(find(c, AF_INET, 40104, 40001)->state, TSC_TCP_FIN_WAIT2);
	assert_int_equal(find(c, AF_INET, 40001, 40104)->state, TSC_TCP_CLOSE_WAIT);

	s = find(c, AF_INET, 40105, 40001);
	assert_int_equal(s->state, TSC_TCP_TIME_WAIT);
	assert_int_equal(s->timer, TSC_TIMER_TIMEWAIT);
	assert_true(s->expires_ms > 50000 && s->expires_ms <= 60000);
	assert_int_equal(s->inode, 0);
	assert_int_equal(s->uid, 0);

	s = find(c, AF_INET, 40106, 0); /* bound, inactive: reported as CLOSE */
	assert_int_equal(s->state, TSC_TCP_CLOSE);
	assert_memory_equal(s->local, lo4, 16);
	assert_int_not_equal(s->inode, 0);

	s = find(c, AF_INET6, 40002, 0);
	assert_int_equal(s->state, TSC_TCP_LISTEN);
	assert_memory_equal(s->local, lo6, 16);
	assert_int_equal(s->wqueue, 4);
	s = find(c, AF_INET6, 40201, 40002);
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_int_equal(s->rqueue, 3);
	assert_memory_equal(s->peer, lo6, 16);
	s = find(c, AF_INET6, 40003, 40301); /* dual-stack socket, v4-mapped */
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_memory_equal(s->local, mapped_lo, 16);
	assert_memory_equal(s->peer, mapped_lo, 16);
	assert_memory_equal(find(c, AF_INET6, 40003, 0)->local, any, 16);
	assert_int_equal(find(c, AF_INET, 40301, 40003)->state, TSC_TCP_ESTABLISHED);

	/* the requests: one per family, CLOSE asks for bound-inactive too */
	h = replay_handle(&r, b.p, b.len);
	c->n = 0;
	assert_int_equal(tsc_sockdiag_dump(h, &q_all, collect, c), 17);
	assert_int_equal(r.sends, 2);
	for (unsigned i = 0; i < 2; i++) {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;

		memcpy(&nlh, r.req[i], sizeof(nlh));
		memcpy(&req, r.req[i] + sizeof(nlh), sizeof(req));
		assert_int_equal(nlh.nlmsg_len, 72);
		assert_int_equal(nlh.nlmsg_type, SOCK_DIAG_BY_FAMILY);
		assert_int_equal(nlh.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
		assert_int_equal(nlh.nlmsg_seq, i + 1);
		assert_int_equal(req.sdiag_family, i ? AF_INET6 : AF_INET);
		assert_int_equal(req.sdiag_protocol, IPPROTO_TCP);
		assert_int_equal(req.idiag_ext, 0);
		assert_int_equal(req.idiag_states, TSC_TCPF_ALL | 1u << 13);
	}
	tsc_sockdiag_free(h);
	free(c);
	free(b.p);
}

static void test_replay_families(void **state)
{
	struct blob b = load("sockdiag-loopback.nl");
	struct tsc_sockdiag_query q = q_all;
	struct coll *c = calloc(1, sizeof(*c));

	(void)state;
	q.ipv6 = false; /* the IPv4 half: the IPv6 records are never read */
	assert_int_equal(replay_dump(&b, b.len, &q, c), 12);
	for (size_t i = 0; i < c->n; i++)
		assert_int_equal(c->s[i].family, AF_INET);
	q.ipv4 = q.ipv6 = false;
	c->n = 0;
	assert_int_equal(replay_dump(&b, b.len, &q, c), 0);
	free(c);
	free(b.p);
}

static void test_replay_ext(void **state)
{
	struct blob b = load("sockdiag-ext.nl");
	struct tsc_sockdiag_query q = { TSC_TCPF(TSC_TCP_ESTABLISHED), true, true,
					TSC_SD_EXT_INFO | TSC_SD_EXT_MEM };
	struct coll *c = calloc(1, sizeof(*c));
	const struct tsc_sock *s;
	struct replay r;
	struct tsc_sockdiag *h;
	struct inet_diag_req_v2 req;

	(void)state;
	assert_int_equal(replay_dump(&b, b.len, &q, c), 8);
	for (size_t i = 0; i < c->n; i++) {
		s = &c->s[i];
		assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
		assert_true(s->has_info && s->has_cong && s->has_mem);
		assert_int_equal(s->info.state, TSC_TCP_ESTABLISHED);
		assert_true(s->info.rtt_us > 0);
		assert_true(s->info.rto_us >= 200000);
		assert_true(s->info.snd_mss > 0 && s->info.snd_cwnd >= 10);
		assert_true(s->info.pmtu >= 65535); /* lo's MTU less headers */
		assert_true(strlen(s->cong) > 0 && strlen(s->cong) < sizeof(s->cong));
		assert_true(s->mem.rcvbuf > 0 && s->mem.sndbuf > 0);
	}
	s = find(c, AF_INET, 40301, 40003);	     /* sent 1000 bytes, all acked */
	assert_int_equal(s->info.bytes_acked, 1001); /* the kernel counts the SYN too */
	assert_int_equal(s->info.bytes_sent, 1000);
	assert_int_equal(s->info.bytes_retrans, 0);
	assert_int_equal(find(c, AF_INET6, 40003, 40301)->info.bytes_received, 1000);
	s = find(c, AF_INET, 40001, 40102); /* 5 bytes received, unread */
	assert_int_equal(s->info.bytes_received, 5);
	assert_int_equal(s->rqueue, 5);
	assert_int_equal(s->mem.rmem_alloc > 0, 1);
	assert_int_equal(find(c, AF_INET6, 40201, 40002)->info.bytes_received, 3);

	h = replay_handle(&r, b.p, b.len);
	c->n = 0;
	assert_int_equal(tsc_sockdiag_dump(h, &q, collect, c), 8);
	memcpy(&req, r.req[0] + 16, sizeof(req));
	assert_int_equal(req.idiag_ext, 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1) |
						1 << (INET_DIAG_SKMEMINFO - 1));
	assert_int_equal(req.idiag_states, TSC_TCPF(TSC_TCP_ESTABLISHED)); /* no CLOSE: no 13 */
	tsc_sockdiag_free(h);
	free(c);
	free(b.p);
}

static void test_replay_many(void **state)
{
	struct blob b = load("sockdiag-many.nl");
	struct tsc_sockdiag_query q = q_all;
	struct coll *c = calloc(1, sizeof(*c));
	uint64_t counts[TSC_TCP_MAX_STATES] = { 0 };
	struct replay r;
	struct tsc_sockdiag *h;

	(void)state;
	q.ipv6 = false;
	/* 3 datagrams; the old sockets of the first scenario are there too */
	assert_int_equal(replay_dump(&b, b.len, &q, c), 213);
	for (uint16_t i = 0; i < 100; i++) {
		assert_int_equal(find(c, AF_INET, (uint16_t)(42000 + i), 41000)->state,
				 TSC_TCP_ESTABLISHED);
		assert_int_equal(find(c, AF_INET, 41000, (uint16_t)(42000 + i))->state,
				 TSC_TCP_ESTABLISHED);
	}
	h = replay_handle(&r, b.p, b.len);
	assert_int_equal(tsc_sockdiag_count(h, &q, counts), 213);
	assert_int_equal(counts[TSC_TCP_ESTABLISHED], 205);
	assert_int_equal(counts[TSC_TCP_LISTEN], 2);
	tsc_sockdiag_free(h);
	free(c);
	free(b.p);
}

/* count agrees with dump, state by state */
static void check_count_matches(const char *fixture, const struct tsc_sockdiag_query *q)
{
	struct blob b = load(fixture);
	struct coll *c = calloc(1, sizeof(*c));
	uint64_t counts[TSC_TCP_MAX_STATES] = { 0 }, tally[TSC_TCP_MAX_STATES] = { 0 };
	struct replay r;
	struct tsc_sockdiag *h;
	long n = replay_dump(&b, b.len, q, c);

	assert_true(n > 0);
	for (size_t i = 0; i < c->n; i++)
		tally[c->s[i].state]++;
	h = replay_handle(&r, b.p, b.len);
	counts[0] = 7; /* added to, not cleared */
	assert_int_equal(tsc_sockdiag_count(h, q, counts), n);
	assert_int_equal(counts[0], 7);
	for (unsigned s = 1; s < TSC_TCP_MAX_STATES; s++)
		assert_int_equal(counts[s], tally[s]);
	assert_int_equal(counts[TSC_TCP_NEW_SYN_RECV], 0);
	tsc_sockdiag_free(h);
	free(c);
	free(b.p);
}

static void test_count_matches_dump(void **state)
{
	struct tsc_sockdiag_query q = { TSC_TCPF(TSC_TCP_ESTABLISHED), true, true,
					TSC_SD_EXT_INFO | TSC_SD_EXT_MEM };

	(void)state;
	check_count_matches("sockdiag-loopback.nl", &q_all);
	check_count_matches("sockdiag-ext.nl", &q);
}

/* Every fixture cut at every length: never a crash, -EPROTO unless whole. */
static void check_truncations(const char *fixture, const struct tsc_sockdiag_query *q)
{
	struct blob b = load(fixture);
	struct coll *c = calloc(1, sizeof(*c));
	long full = replay_dump(&b, b.len, q, c);

	assert_true(full > 0);
	for (size_t len = 0; len < b.len; len++) {
		uint64_t counts[TSC_TCP_MAX_STATES] = { 0 };
		struct replay r;
		struct tsc_sockdiag *h;
		long n;

		c->n = 0;
		n = replay_dump(&b, len, q, c);
		assert_int_equal(n, -EPROTO);
		assert_true(c->n <= (size_t)full);
		h = replay_handle(&r, b.p, len);
		assert_int_equal(tsc_sockdiag_count(h, q, counts), -EPROTO);
		tsc_sockdiag_free(h);
	}
	free(c);
	free(b.p);
}

static void test_truncations(void **state)
{
	struct tsc_sockdiag_query q = { TSC_TCPF(TSC_TCP_ESTABLISHED), true, true,
					TSC_SD_EXT_INFO | TSC_SD_EXT_MEM };
	struct tsc_sockdiag_query q4 = q_all;

	(void)state;
	q4.ipv6 = false;
	check_truncations("sockdiag-loopback.nl", &q_all);
	check_truncations("sockdiag-ext.nl", &q);
	check_truncations("sockdiag-many.nl", &q4);
}

/* ------------------------------------------------------------------------ */
/* Handcrafted messages, built on a real one                                  */

/* The first socket message of the ext fixture (has INFO, CONG, MEMINFO). */
static size_t first_msg(uint8_t *out, size_t cap)
{
	struct blob b = load("sockdiag-ext.nl");
	uint32_t nlen;

	memcpy(&nlen, b.p + 4, 4);
	assert_true(nlen > 88 && nlen <= cap);
	memcpy(out, b.p + 4, nlen);
	free(b.p);
	return nlen;
}

static void set_len(uint8_t *msg, uint32_t len)
{
	memcpy(msg, &len, 4);
}

/* The fixed part alone, then one attribute appended. */
static size_t with_attr(uint8_t *msg, uint16_t alen, uint16_t atype, const void *payload,
			size_t plen)
{
	size_t len = 88;

	memcpy(msg + len, &alen, 2);
	memcpy(msg + len + 2, &atype, 2);
	len += 4;
	if (plen)
		memcpy(msg + len, payload, plen);
	len += plen;
	set_len(msg, (uint32_t)len);
	return len;
}

static void test_parse_fixed_and_attrs(void **state)
{
	uint8_t m[2048], orig[2048];
	size_t len = first_msg(orig, sizeof(orig));
	struct tsc_sock s;

	(void)state;
	assert_int_equal(tsc_sockdiag_parse(orig, len, &s), 0);
	assert_true(s.has_info && s.has_mem && s.has_cong);

	/* every shorter nlmsg_len: -EPROTO or a clean cut between attributes */
	for (uint32_t k = 0; k <= len; k++) {
		memcpy(m, orig, len);
		set_len(m, k);
		int r = tsc_sockdiag_parse(m, len, &s);
		assert_true(r == 0 || r == -EPROTO);
		if (r == 0)
			assert_true(k >= 88);
		else
			assert_true(k < 88 || k < len);
		/* and the buffer itself cut short */
		assert_int_equal(tsc_sockdiag_parse(orig, k < len ? k : 0, &s), -EPROTO);
	}
	memcpy(m, orig, 88);
	set_len(m, 88);
	assert_int_equal(tsc_sockdiag_parse(m, 88, &s), 0);
	assert_false(s.has_info || s.has_mem || s.has_cong);
	assert_int_equal(tsc_sockdiag_parse(NULL, 0, &s), -EPROTO);
}

static void test_parse_bad_attrs(void **state)
{
	uint8_t m[2048];
	uint32_t big[4] = { 1, 2, 3, 4 };
	struct tsc_sock s;
	size_t len;

	(void)state;
	(void)first_msg(m, sizeof(m));
	len = with_attr(m, 0, INET_DIAG_INFO, NULL, 0); /* nla_len 0: no progress */
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	len = with_attr(m, 2, INET_DIAG_INFO, NULL, 0);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	len = with_attr(m, 3, INET_DIAG_CONG, NULL, 0);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	len = with_attr(m, 0xffff, INET_DIAG_INFO, big, sizeof(big)); /* past the end */
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	len = with_attr(m, 21, INET_DIAG_INFO, big, sizeof(big)); /* one byte past */
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	len = with_attr(m, 4, INET_DIAG_INFO, NULL, 0) + 2; /* 2 stray bytes after */
	set_len(m, (uint32_t)len);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);

	/* unknown and empty attributes are fine */
	len = with_attr(m, 20, 200, big, sizeof(big));
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_false(s.has_info);
	len = with_attr(m, 4, INET_DIAG_SKMEMINFO, NULL, 0);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_true(s.has_mem);
	assert_int_equal(s.mem.rcvbuf, 0);
	/* three of nine memory counters */
	len = with_attr(m, 16, INET_DIAG_SKMEMINFO, big, 12);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_int_equal(s.mem.rmem_alloc, 1);
	assert_int_equal(s.mem.wmem_alloc, 3);
	assert_int_equal(s.mem.sndbuf, 0);
	/* the nested/byte-order flags are masked off the type */
	len = with_attr(m, 16, INET_DIAG_SKMEMINFO | NLA_F_NESTED, big, 12);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_true(s.has_mem);
	/* last attribute without its alignment padding */
	len = with_attr(m, 7, INET_DIAG_CONG, "bbr", 3);
	assert_int_equal(len % 4, 3);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_string_equal(s.cong, "bbr");
}

static void test_parse_cong_and_info(void **state)
{
	uint8_t m[2048], info[400];
	const char longname[20] = "abcdefghijklmnopqrst"; /* no NUL */
	struct tsc_sock s;
	size_t len;

	(void)state;
	(void)first_msg(m, sizeof(m));
	len = with_attr(m, 24, INET_DIAG_CONG, longname, 20);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_string_equal(s.cong, "abcdefghijklmno"); /* bounded, terminated */
	len = with_attr(m, 12, INET_DIAG_CONG, "cubic\0zz", 8);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_string_equal(s.cong, "cubic");
	len = with_attr(m, 4, INET_DIAG_CONG, NULL, 0);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_true(s.has_cong);
	assert_string_equal(s.cong, "");

	/* a short tcp_info (an old kernel): what is there, zeros after */
	memset(info, 0, sizeof(info));
	info[0] = TSC_TCP_ESTABLISHED; /* tcpi_state */
	info[1] = 4;		       /* tcpi_ca_state: loss */
	info[2] = 3;		       /* tcpi_retransmits */
	len = with_attr(m, 4 + 8, INET_DIAG_INFO, info, 8);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_true(s.has_info);
	assert_int_equal(s.info.state, TSC_TCP_ESTABLISHED);
	assert_int_equal(s.info.ca_state, 4);
	assert_int_equal(s.info.retransmits, 3);
	assert_int_equal(s.info.rtt_us, 0);
	assert_int_equal(s.info.snd_wnd, 0);
	/* a longer one (a newer kernel): the extra tail is ignored */
	memset(info, 0xff, sizeof(info));
	len = with_attr(m, 4 + 400, INET_DIAG_INFO, info, 400);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_int_equal(s.info.rtt_us, 0xffffffffu);
	assert_int_equal(s.info.snd_wnd, 0xffffffffu);
	assert_int_equal(s.info.snd_wscale, 15);
	assert_true(s.info.delivery_rate_app_limited);
}

static void test_parse_family_state(void **state)
{
	uint8_t m[2048];
	struct tsc_sock s;
	size_t len = 88;
	static const struct {
		uint8_t family, state;
		int ret;
		uint8_t want;
	} cases[] = {
		{ AF_INET, 1, 0, 1 },	     { AF_INET6, 11, 0, 11 },
		{ AF_INET, 10, 0, 10 },	     { AF_INET, 12, 0, 3 },
		{ AF_INET6, 13, 0, 7 },	     { AF_INET, 0, -EPROTO, 0 },
		{ AF_INET, 14, -EPROTO, 0 }, { AF_INET, 255, -EPROTO, 0 },
		{ AF_UNIX, 1, -EPROTO, 0 },  { 0, 1, -EPROTO, 0 },
		{ 99, 1, -EPROTO, 0 },
	};

	(void)state;
	(void)first_msg(m, sizeof(m));
	set_len(m, 88);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(cases); i++) {
		m[16] = cases[i].family;
		m[17] = cases[i].state;
		assert_int_equal(tsc_sockdiag_parse(m, len, &s), cases[i].ret);
		if (!cases[i].ret)
			assert_int_equal(s.state, cases[i].want);
	}
	/* wrong message type */
	m[16] = AF_INET;
	m[17] = 1;
	m[4] = NLMSG_DONE;
	m[5] = 0;
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), -EPROTO);
	/* IPv4 only uses the first 4 address bytes */
	m[4] = SOCK_DIAG_BY_FAMILY;
	memset(m + 16 + 8 + 4, 0xaa, 12);
	assert_int_equal(tsc_sockdiag_parse(m, len, &s), 0);
	assert_memory_equal(s.local + 4, any, 12);
}

/* ------------------------------------------------------------------------ */
/* Stream-level: NLMSG_ERROR, NLMSG_DONE status, sequence numbers             */

/* Appends one record holding a datagram of the given messages. */
struct stream {
	uint8_t p[8192];
	size_t len, rec; /* rec: offset of the open record's length */
};

static void stream_dgram(struct stream *st)
{
	st->rec = st->len;
	memset(st->p + st->len, 0, 4);
	st->len += 4;
}

static void stream_msg(struct stream *st, uint16_t type, uint32_t seq, const void *payload,
		       size_t plen)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)(16 + plen),
			      .nlmsg_type = type,
			      .nlmsg_flags = NLM_F_MULTI,
			      .nlmsg_seq = seq };
	uint32_t dlen;

	memcpy(st->p + st->len, &h, 16);
	if (plen)
		memcpy(st->p + st->len + 16, payload, plen);
	st->len += (16 + plen + 3) & ~3u;
	dlen = (uint32_t)(st->len - st->rec - 4);
	st->p[st->rec] = (uint8_t)dlen;
	st->p[st->rec + 1] = (uint8_t)(dlen >> 8);
	st->p[st->rec + 2] = 0;
	st->p[st->rec + 3] = 0;
}

/* A socket message payload (inet_diag_msg) with the given ports. */
static void sock_payload(uint8_t *p, uint8_t family, uint8_t state, uint16_t lport)
{
	memset(p, 0, 72);
	p[0] = family;
	p[1] = state;
	p[4] = (uint8_t)(lport >> 8);
	p[5] = (uint8_t)lport;
}

static void test_stream_errors(void **state)
{
	struct tsc_sockdiag_query q = q_all;
	struct coll *c = calloc(1, sizeof(*c));
	uint8_t pl[72];
	struct stream *st = calloc(1, sizeof(*st));
	int32_t err;
	struct blob b;

	(void)state;
	q.ipv6 = false;
	/* a socket, then NLMSG_ERROR -ENOENT: the error after the delivery */
	stream_dgram(st);
	sock_payload(pl, AF_INET, 1, 1000);
	stream_msg(st, SOCK_DIAG_BY_FAMILY, 1, pl, 72);
	err = -ENOENT;
	stream_msg(st, NLMSG_ERROR, 1, &err, 4);
	b.p = st->p;
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -ENOENT);
	assert_int_equal(c->n, 1);

	/* NLMSG_ERROR too short for its errno; out-of-range errno */
	memset(st, 0, sizeof(*st));
	stream_dgram(st);
	stream_msg(st, NLMSG_ERROR, 1, &err, 2);
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -EPROTO);
	memset(st, 0, sizeof(*st));
	stream_dgram(st);
	err = 5;
	stream_msg(st, NLMSG_ERROR, 1, &err, 4);
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -EPROTO);

	/* NLMSG_DONE carrying a dump error (netlink_dump's dump_done_errno) */
	memset(st, 0, sizeof(*st));
	stream_dgram(st);
	err = -EINTR;
	stream_msg(st, NLMSG_DONE, 1, &err, 4);
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -EINTR);

	/* stale messages (another sequence) and NOOPs are skipped; DONE ends */
	memset(st, 0, sizeof(*st));
	c->n = 0;
	stream_dgram(st);
	sock_payload(pl, AF_INET, 1, 1);
	stream_msg(st, SOCK_DIAG_BY_FAMILY, 77, pl, 72);
	stream_msg(st, NLMSG_DONE, 77, NULL, 0);
	stream_msg(st, NLMSG_NOOP, 1, NULL, 0);
	stream_dgram(st);
	sock_payload(pl, AF_INET, 10, 2);
	stream_msg(st, SOCK_DIAG_BY_FAMILY, 1, pl, 72);
	err = 0;
	stream_msg(st, NLMSG_DONE, 1, &err, 4);
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), 1);
	assert_int_equal(c->s[0].lport, 2);
	assert_int_equal(c->s[0].state, TSC_TCP_LISTEN);

	/* a malformed socket message stops the dump with -EPROTO */
	memset(st, 0, sizeof(*st));
	c->n = 0;
	stream_dgram(st);
	sock_payload(pl, AF_INET, 1, 1);
	stream_msg(st, SOCK_DIAG_BY_FAMILY, 1, pl, 72);
	sock_payload(pl, AF_INET, 0, 2);
	stream_msg(st, SOCK_DIAG_BY_FAMILY, 1, pl, 72);
	stream_msg(st, NLMSG_DONE, 1, NULL, 0);
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -EPROTO);
	assert_int_equal(c->n, 1);

	/* nlmsg_len below the header */
	memset(st, 0, sizeof(*st));
	stream_dgram(st);
	stream_msg(st, NLMSG_DONE, 1, NULL, 0);
	st->p[4] = 8;
	b.len = st->len;
	assert_int_equal(replay_dump(&b, b.len, &q, c), -EPROTO);
	free(st);
	free(c);
}

static void test_callback_abort(void **state)
{
	struct blob b = load("sockdiag-loopback.nl");
	struct coll *c = calloc(1, sizeof(*c));

	(void)state;
	c->stop_at = 3;
	assert_int_equal(replay_dump(&b, b.len, &q_all, c), -ECANCELED);
	assert_int_equal(c->n, 3);
	assert_null(tsc_sockdiag_new_ops(NULL));
	assert_int_equal(errno, EINVAL);
	tsc_sockdiag_free(NULL);
	free(c);
	free(b.p);
}

/* ------------------------------------------------------------------------ */
/* Live: real sockets on loopback in a private network namespace             */

static bool private_netns;

static int live_setup(void **state)
{
	struct ifreq ifr = { 0 };
	int fd;

	(void)state;
	/* a netns of our own: nobody else's sockets, so counts must match
	 * exactly; it vanishes with the process */
	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	private_netns = true;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	return 0;
}

struct live {
	int lfd, cfd, afd, bfd;
	uint16_t lport, cport, bport;
};

static uint16_t local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &l), 0);
	return ntohs(sa.sin_port);
}

static void live_open(struct live *lv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	lv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lv->lfd >= 0);
	assert_int_equal(bind(lv->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lv->lfd, 16), 0);
	lv->lport = local_port(lv->lfd);
	lv->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_port = htons(lv->lport);
	assert_int_equal(connect(lv->cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	lv->cport = local_port(lv->cfd);
	lv->afd = accept(lv->lfd, NULL, NULL);
	assert_true(lv->afd >= 0);
	assert_int_equal(write(lv->cfd, "ping", 4), 4);
	/* bound, not listening: CLOSE via the bound-inactive dump */
	lv->bfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_port = 0;
	assert_int_equal(bind(lv->bfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	lv->bport = local_port(lv->bfd);
}

static void live_close(struct live *lv)
{
	close(lv->afd);
	close(lv->cfd);
	close(lv->lfd);
	close(lv->bfd);
}

static bool same_endpoints(const struct tsc_sock *a, const struct tsc_sock *b)
{
	return a->family == b->family && a->state == b->state && a->lport == b->lport &&
	       a->pport == b->pport && !memcmp(a->local, b->local, 16) &&
	       !memcmp(a->peer, b->peer, 16);
}

static void test_live_dump(void **state)
{
	struct tsc_sockdiag_query q = q_all;
	struct coll *c = calloc(1, sizeof(*c)), *p = calloc(1, sizeof(*p));
	uint64_t counts[TSC_TCP_MAX_STATES] = { 0 }, tally[TSC_TCP_MAX_STATES] = { 0 };
	struct tsc_sockdiag *h = tsc_sockdiag_new();
	const struct tsc_sock *s;
	struct live lv;
	long n;

	(void)state;
	assert_non_null(h);
	live_open(&lv);
	q.ext = TSC_SD_EXT_INFO | TSC_SD_EXT_MEM;
	n = tsc_sockdiag_dump(h, &q, collect, c);
	assert_true(n >= 4);
	s = find(c, AF_INET, lv.lport, 0);
	assert_int_equal(s->state, TSC_TCP_LISTEN);
	assert_int_equal(s->wqueue, 16);
	s = find(c, AF_INET, lv.cport, lv.lport);
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_memory_equal(s->peer, lo4, 16);
	assert_true(s->has_info && s->info.rtt_us > 0);
	assert_true(s->has_cong && s->cong[0]);
	s = find(c, AF_INET, lv.lport, lv.cport);
	assert_int_equal(s->state, TSC_TCP_ESTABLISHED);
	assert_int_equal(s->rqueue, 4);
	assert_true(s->has_mem && s->mem.rmem_alloc > 0);
	assert_int_equal(find(c, AF_INET, lv.bport, 0)->state, TSC_TCP_CLOSE);

	/* the census path counts the same sockets */
	if (private_netns) {
		q.ext = 0;
		for (size_t i = 0; i < c->n; i++)
			tally[c->s[i].state]++;
		assert_int_equal(tsc_sockdiag_count(h, &q, counts), n);
		for (unsigned i = 0; i < TSC_TCP_MAX_STATES; i++)
			assert_int_equal(counts[i], tally[i]);

		/* and /proc/net/tcp{,6} shows the same 4-tuples and states,
		 * except bound-inactive sockets, which /proc never lists */
		q.states = TSC_TCPF_ALL & ~TSC_TCPF(TSC_TCP_CLOSE);
		c->n = 0;
		n = tsc_sockdiag_dump(h, &q, collect, c);
		assert_int_equal(tsc_procnet_dump("/proc/self", &q, collect, p), n);
		for (size_t i = 0; i < c->n; i++) {
			size_t j;

			for (j = 0; j < p->n && !same_endpoints(&c->s[i], &p->s[j]); j++)
				;
			assert_true(j < p->n);
			assert_int_equal(c->s[i].inode, p->s[j].inode);
			assert_int_equal(c->s[i].uid, p->s[j].uid);
			if (c->s[i].state != TSC_TCP_LISTEN)
				assert_int_equal(c->s[i].rqueue, p->s[j].rqueue);
		}
	}
	tsc_sockdiag_free(h);
	live_close(&lv);
	free(c);
	free(p);
}

/* A dump left early is drained: the kernel would answer the next request
 * with -EBUSY while the old dump is still running on the socket. */
static void test_live_abort_then_dump(void **state)
{
	struct coll *c = calloc(1, sizeof(*c));
	struct tsc_sockdiag *h = tsc_sockdiag_new();
	struct live lv[40];
	long n;

	(void)state;
	assert_non_null(h);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(lv); i++)
		live_open(&lv[i]);
	c->stop_at = 1;
	assert_int_equal(tsc_sockdiag_dump(h, &q_all, collect, c), -ECANCELED);
	c->stop_at = 0;
	c->n = 0;
	n = tsc_sockdiag_dump(h, &q_all, collect, c);
	assert_true(n >= 160);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(lv); i++) {
		(void)find(c, AF_INET, lv[i].cport, lv[i].lport);
		live_close(&lv[i]);
	}
	tsc_sockdiag_free(h);
	free(c);
}

/* A full accept queue drops SYNs: the client sits in SYN_SENT with its
 * retransmit timer running, on both paths alike. */
static void test_live_syn_sent(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct tsc_sockdiag_query q = { TSC_TCPF(TSC_TCP_SYN_SENT), true, false, 0 };
	struct coll *c = calloc(1, sizeof(*c)), *p = calloc(1, sizeof(*p));
	struct tsc_sockdiag *h = tsc_sockdiag_new();
	const struct tsc_sock *s, *ps;
	int lfd, c1, c2;
	uint16_t lport, cport;

	(void)state;
	assert_non_null(h);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 0), 0); /* room for one */
	sa.sin_port = htons(local_port(lfd));
	lport = ntohs(sa.sin_port);
	c1 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(c1, (struct sockaddr *)&sa, sizeof(sa)), 0);
	c2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_int_equal(connect(c2, (struct sockaddr *)&sa, sizeof(sa)), -1);
	assert_int_equal(errno, EINPROGRESS);
	cport = local_port(c2);

	assert_true(tsc_sockdiag_dump(h, &q, collect, c) >= 1);
	s = find(c, AF_INET, cport, lport);
	assert_int_equal(s->state, TSC_TCP_SYN_SENT);
	assert_int_equal(s->timer, TSC_TIMER_RETRANS);
	assert_true(s->expires_ms > 0 && s->expires_ms <= 3000); /* initial RTO 1 s */
	assert_true(tsc_procnet_dump("/proc/self", &q, collect, p) >= 1);
	ps = find(p, AF_INET, cport, lport);
	assert_int_equal(ps->state, TSC_TCP_SYN_SENT);
	assert_int_equal(ps->timer, TSC_TIMER_RETRANS);
	assert_int_equal(ps->inode, s->inode);
	assert_true(ps->expires_ms <= 3000);
	close(c2);
	close(c1);
	close(lfd);
	tsc_sockdiag_free(h);
	free(c);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_loopback),
		cmocka_unit_test(test_replay_families),
		cmocka_unit_test(test_replay_ext),
		cmocka_unit_test(test_replay_many),
		cmocka_unit_test(test_count_matches_dump),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_parse_fixed_and_attrs),
		cmocka_unit_test(test_parse_bad_attrs),
		cmocka_unit_test(test_parse_cong_and_info),
		cmocka_unit_test(test_parse_family_state),
		cmocka_unit_test(test_stream_errors),
		cmocka_unit_test(test_callback_abort),
		cmocka_unit_test_setup(test_live_dump, live_setup),
		cmocka_unit_test(test_live_abort_then_dump),
		cmocka_unit_test(test_live_syn_sent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
