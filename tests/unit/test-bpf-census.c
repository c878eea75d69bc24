/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The census by BPF iterator (bpf/iter.h, census.bpf.c) against the netlink
 * census (tsc_sockdiag_count) on real sockets in a network namespace of this
 * process's own (nobody else's sockets: counts must match exactly): empty,
 * listeners only (the established hash has none of ours: the iterator ends
 * by EOF, not by the walk), then hundreds of IPv4 and IPv6 connections in
 * ESTABLISHED, TIME_WAIT, FIN_WAIT2/CLOSE_WAIT and a bound socket (CLOSED,
 * which the program counts from the bind hash), for all, IPv4 and IPv6. The
 * expected numbers are also asserted, not only the equality. Skipped when
 * this process may not create a namespace or load BPF. A bound socket alone
 * (CLOSED from the bind-hash walk at the end of the iteration) too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf/iter.h"
#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"

#define N4	300 /* IPv4 ESTABLISHED pairs */
#define N6	120 /* IPv6 ESTABLISHED pairs */
#define NTW	80  /* IPv4 TIME_WAIT (client closes first) */
#define NHALF	40  /* IPv6 FIN_WAIT2 + CLOSE_WAIT pairs */
#define MAX_FDS (2 * (N4 + N6 + NHALF) + 16)

static bool in_netns;
static int fds[MAX_FDS];
static int nfds;

static int setup(void **state)
{
	struct ifreq ifr = { 0 };
	struct rlimit rl;
	int fd;

	(void)state;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	in_netns = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	return 0;
}

static void keep(int fd)
{
	assert_true(fd >= 0);
	assert_true(nfds < MAX_FDS);
	fds[nfds++] = fd;
}

/* A listener on loopback of family af; returns its fd, *sa filled for connect. */
static int listener(int af, struct sockaddr_storage *sa, socklen_t *len)
{
	int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(sa, 0, sizeof(*sa));
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)sa, *len), 0);
	assert_int_equal(listen(fd, 1024), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, len), 0);
	return fd;
}

/* One connection to the listener: *c client, *a accepted. */
static void connect_pair(int lfd, int af, const struct sockaddr_storage *sa, socklen_t len, int *c,
			 int *a)
{
	*c = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*c >= 0);
	assert_int_equal(connect(*c, (const struct sockaddr *)sa, len), 0);
	*a = accept(lfd, NULL, NULL);
	assert_true(*a >= 0);
}

/* Both censuses of families ipv4/ipv6 (all states) into it[] and nl[];
 * returns false (test skipped) when BPF is not available here. */
static bool both(bool ipv4, bool ipv6, uint64_t it[TSC_TCP_MAX_STATES],
		 uint64_t nl[TSC_TCP_MAX_STATES], long *nit, long *nnl)
{
	struct tsc_sockdiag_query q = { .states = TSC_TCPF_ALL, .ipv4 = ipv4, .ipv6 = ipv6 };
	struct tsc_sockdiag *h = tsc_sockdiag_new();

	assert_non_null(h);
	memset(it, 0, TSC_TCP_MAX_STATES * sizeof(*it));
	memset(nl, 0, TSC_TCP_MAX_STATES * sizeof(*nl));
	*nit = tsc_bpf_iter_census(h, &q, it);
	if (*nit == -EOPNOTSUPP || *nit == -EPERM || *nit == -EACCES || *nit == -ENOENT) {
		tsc_sockdiag_free(h);
		return false;
	}
	*nnl = tsc_sockdiag_count(h, &q, nl);
	tsc_sockdiag_free(h);
	assert_true(*nnl >= 0);
	assert_int_equal(*nit, *nnl);
	for (unsigned st = 0; st < TSC_TCP_MAX_STATES; st++)
		assert_true(it[st] == nl[st]);
	return true;
}

static void test_empty(void **state)
{
	uint64_t it[TSC_TCP_MAX_STATES], nl[TSC_TCP_MAX_STATES];
	long nit, nnl;

	(void)state;
	if (!in_netns)
		skip();
	if (!both(true, true, it, nl, &nit, &nnl))
		skip();
	assert_int_equal(nit, 0);
}

/* CLOSED (bound-inactive) this process's netns has so far */
static uint64_t closed0;

/* A bound socket only: nothing in the listening or established hash, so
 * the program walks the tables at the end of the iteration (EOF path). */
static void test_bound_only(void **state)
{
	uint64_t it[TSC_TCP_MAX_STATES], nl[TSC_TCP_MAX_STATES];
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int b;
	long nit, nnl;

	(void)state;
	if (!in_netns)
		skip();
	b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(b, (struct sockaddr *)&sa, sizeof(sa)), 0);
	keep(b);
	if (!both(true, true, it, nl, &nit, &nnl))
		skip();
	closed0 = it[TSC_TCP_CLOSE];
	assert_true(closed0 <= 1); /* 1 on Linux 6.10+ */
	assert_int_equal(nit, (long)closed0);
}

/* Listeners (and the bound socket): the established hash holds nothing of
 * this namespace, so the walk starts at the end of the iteration. */
static void test_listeners_only(void **state)
{
	uint64_t it[TSC_TCP_MAX_STATES], nl[TSC_TCP_MAX_STATES];
	struct sockaddr_storage sa;
	socklen_t len;
	long nit, nnl;

	(void)state;
	if (!in_netns)
		skip();
	keep(listener(AF_INET, &sa, &len));
	keep(listener(AF_INET6, &sa, &len));
	keep(listener(AF_INET6, &sa, &len));
	if (!both(true, true, it, nl, &nit, &nnl))
		skip();
	assert_int_equal(nit, 3 + (long)closed0);
	assert_int_equal(it[TSC_TCP_LISTEN], 3);
	assert_true(both(true, false, it, nl, &nit, &nnl));
	assert_int_equal(it[TSC_TCP_LISTEN], 1);
	assert_true(both(false, true, it, nl, &nit, &nnl));
	assert_int_equal(it[TSC_TCP_LISTEN], 2);
}

static void test_mix(void **state)
{
	uint64_t it[TSC_TCP_MAX_STATES], nl[TSC_TCP_MAX_STATES];
	struct sockaddr_storage s4, s6, sb;
	socklen_t l4, l6, lb;
	int l4fd, l6fd, c, a, b;
	uint64_t closed;
	long nit, nnl;

	(void)state;
	if (!in_netns)
		skip();
	l4fd = listener(AF_INET, &s4, &l4);
	keep(l4fd);
	l6fd = listener(AF_INET6, &s6, &l6);
	keep(l6fd);
	for (int i = 0; i < N4; i++) {
		connect_pair(l4fd, AF_INET, &s4, l4, &c, &a);
		keep(c);
		keep(a);
	}
	for (int i = 0; i < N6; i++) {
		connect_pair(l6fd, AF_INET6, &s6, l6, &c, &a);
		keep(c);
		keep(a);
	}
	for (int i = 0; i < NTW; i++) { /* the closer first: TIME_WAIT */
		connect_pair(l4fd, AF_INET, &s4, l4, &c, &a);
		close(c);
		usleep(200);
		close(a);
	}
	for (int i = 0; i < NHALF; i++) { /* FIN_WAIT2 + CLOSE_WAIT */
		connect_pair(l6fd, AF_INET6, &s6, l6, &c, &a);
		assert_int_equal(shutdown(c, SHUT_WR), 0);
		keep(c);
		keep(a);
	}
	/* bound, not listening: CLOSED (netlink's bound-inactive dump) */
	b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sb, 0, sizeof(sb));
	((struct sockaddr_in *)&sb)->sin_family = AF_INET;
	((struct sockaddr_in *)&sb)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lb = sizeof(struct sockaddr_in);
	assert_int_equal(bind(b, (struct sockaddr *)&sb, lb), 0);
	keep(b);
	usleep(100 * 1000); /* FINs and last ACKs delivered */

	if (!both(true, true, it, nl, &nit, &nnl))
		skip();
	assert_int_equal(it[TSC_TCP_LISTEN], 5);
	assert_int_equal(it[TSC_TCP_ESTABLISHED], 2 * (N4 + N6));
	assert_int_equal(it[TSC_TCP_TIME_WAIT], NTW);
	assert_int_equal(it[TSC_TCP_FIN_WAIT2], NHALF);
	assert_int_equal(it[TSC_TCP_CLOSE_WAIT], NHALF);
	assert_true(it[TSC_TCP_CLOSE] == 2 * closed0); /* 2 on Linux 6.10+ */
	closed = it[TSC_TCP_CLOSE];
	assert_true(both(true, false, it, nl, &nit, &nnl));
	assert_int_equal(it[TSC_TCP_ESTABLISHED], 2 * N4);
	/* Each census is checked against netlink (both()). Between two
	 * censuses the kernel may already have retired a timewait socket: seen
	 * once in CI under load (79 of 80 in both the iterator's and netlink's
	 * counts), so the later totals may fall short by a few. */
	assert_true(it[TSC_TCP_TIME_WAIT] <= NTW && it[TSC_TCP_TIME_WAIT] + 3 >= NTW);
	assert_int_equal(it[TSC_TCP_FIN_WAIT2], 0);
	assert_true(both(false, true, it, nl, &nit, &nnl));
	assert_int_equal(it[TSC_TCP_ESTABLISHED], 2 * N6);
	assert_int_equal(it[TSC_TCP_TIME_WAIT], 0);
	assert_int_equal(it[TSC_TCP_FIN_WAIT2], NHALF);
	assert_int_equal(it[TSC_TCP_CLOSE_WAIT], NHALF);
	/* the iterator alone: CLOSED from the bind hash, as netlink has it */
	memset(it, 0, sizeof(it));
	nit = tsc_bpf_iter_count_states(true, true, it);
	assert_true(it[TSC_TCP_CLOSE] == closed);
	/* (less up to a few timewait sockets retired meanwhile, see above) */
	assert_true(nit <= 5 + 2 * (N4 + N6) + NTW + 2 * NHALF + (long)closed &&
		    nit + 3 >= 5 + 2 * (N4 + N6) + NTW + 2 * NHALF + (long)closed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bound_only),
		cmocka_unit_test(test_listeners_only),
		cmocka_unit_test(test_mix),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
