/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab's holder process: builds one connection per TCP state and address
 * family (server port 9500 + kernel state number) and keeps every fd open so
 * the states last. Sockets are created in the right namespace with setns(2)
 * before socket(2); after that they work from anywhere. Every second it
 * checks each held socket's state (TCP_INFO) and rebuilds a connection that
 * moved on, and it renews the TIME-WAIT connection, which the kernel ends
 * after a fixed 60 s (TCP_TIMEWAIT_LEN). See doc/cmd/lab.md for each state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/tcpstate.h"
#include "lab/internal.h"

#define TIMEWAIT_RENEW_S 45 /* a new TIME-WAIT before the previous one's 60 s end */
#define REBUILD_MIN_S	 10 /* at most one rebuild per slot this often */

enum gate_phase {
	GATE_NONE = 0,
	GATE_DROP_ALL, /* nothing of this connection gets in */
	GATE_DROP_ACK, /* only pure ACKs are dropped: FINs get in */
};

/* One connection built for one state. fds are -1 when not held. */
struct slot {
	uint8_t state;
	uint8_t family;
	int cfd, sfd, lfd;     /* client, accepted server side, listener */
	uint8_t exp_c, exp_s;  /* states cfd/sfd were in after the build, 0 = unchecked */
	uint16_t cport;	       /* client's port (CLOSING gate rules) */
	enum gate_phase phase; /* CLOSING only */
	time_t built, tw_prev; /* TIME-WAIT: when the current and previous one were made */
};

struct holder {
	const char *name;
	int nsfd[2];
	struct slot slots[22];
	size_t nslots;
	struct tsc_lab_err err;
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static socklen_t lab_addr(int family, enum tsc_lab_side side, uint16_t port,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, side == TSC_LAB_CLIENT ? TSC_LAB_CLIENT_IP4 : TSC_LAB_SERVER_IP4,
			  &a->sin_addr);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(port);
	inet_pton(AF_INET6, side == TSC_LAB_CLIENT ? TSC_LAB_CLIENT_IP6 : TSC_LAB_SERVER_IP6,
		  &a6->sin6_addr);
	return sizeof(*a6);
}

/* A TCP socket in the namespace of side (bound to port there if port != 0,
 * which pins the port: it stays bound even after the connection dies). */
static int new_sock(struct holder *h, int family, enum tsc_lab_side side, uint16_t port)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	if (setns(h->nsfd[side], CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (port) {
		socklen_t len = lab_addr(family, side, port, &ss);

		if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
	}
	return fd;
}

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	return ti.tcpi_state;
}

/* Polls fd's state until it is want (every 5 ms, at most ms). */
static int wait_state(int fd, int want, int ms)
{
	for (int t = 0; t <= ms; t += 5) {
		if (tcp_state(fd) == want)
			return 0;
		sleep_ms(5);
	}
	return -ETIMEDOUT;
}

static int start_connect(struct holder *h, int family, uint16_t port, uint16_t bind_port)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_addr(family, TSC_LAB_SERVER, port, &ss);
	int fd = new_sock(h, family, TSC_LAB_CLIENT, bind_port);

	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int start_listen(struct holder *h, int family, uint16_t port)
{
	int fd = new_sock(h, family, TSC_LAB_SERVER, port);

	if (fd >= 0 && listen(fd, 16) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* A full connection on port: client s->cfd, server s->sfd; the listener is
 * closed unless keep_listener. */
static int make_pair(struct holder *h, struct slot *s, uint16_t port, bool keep_listener)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r, soerr = 0;
	socklen_t elen = sizeof(soerr);

	s->lfd = start_listen(h, s->family, port);
	if (s->lfd < 0)
		return s->lfd;
	s->cfd = start_connect(h, s->family, port, 0);
	if (s->cfd < 0)
		return s->cfd;
	r = wait_fd(s->cfd, POLLOUT, 3000);
	if (r < 0)
		return r;
	if (getsockopt(s->cfd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0 || soerr)
		return soerr ? -soerr : -errno;
	r = wait_fd(s->lfd, POLLIN, 3000);
	if (r < 0)
		return r;
	s->sfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (s->sfd < 0)
		return -errno;
	if (!keep_listener)
		close_fd(&s->lfd);
	if (getsockname(s->cfd, (struct sockaddr *)&ss, &len) == 0)
		s->cport = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
							 : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* Waits for end-of-file (the peer's FIN) on fd. */
static int wait_eof(int fd)
{
	char buf[64];
	ssize_t n;

	for (int tries = 0; tries < 100; tries++) {
		int r = wait_fd(fd, POLLIN, 3000);

		if (r < 0)
			return r;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EPROTO;
}

/* ---- the CLOSING gate ------------------------------------------------- */

/* Rewrites both namespaces' gate chains from the phases of all CLOSING slots:
 * rules name each connection's client port, so one connection's phase never
 * lets another's segments through. */
static int gate_sync(struct holder *h)
{
	char rules[2][768];
	size_t used[2] = { 0, 0 };
	const uint16_t port = TSC_LAB_PORT_BASE + TSC_TCP_CLOSING;

	rules[0][0] = rules[1][0] = '\0';
	for (size_t i = 0; i < h->nslots; i++) {
		const struct slot *s = &h->slots[i];
		const char *match = s->phase == GATE_DROP_ACK
					    ? "tcp flags & (fin | syn | rst | psh | ack) == ack "
					    : "";

		if (s->state != TSC_TCP_CLOSING || s->phase == GATE_NONE)
			continue;
		for (int side = 0; side < 2; side++) {
			int n = snprintf(rules[side] + used[side], sizeof(rules[side]) - used[side],
					 side == TSC_LAB_CLIENT
						 ? "tcp sport %u tcp dport %u %sdrop\n"
						 : "tcp dport %u tcp sport %u %sdrop\n",
					 port, s->cport, match);

			if (n < 0 || (size_t)n >= sizeof(rules[side]) - used[side])
				return -E2BIG;
			used[side] += (size_t)n;
		}
	}
	for (int side = 0; side < 2; side++) {
		int r = tsc__lab_gate(h->nsfd[side], rules[side], &h->err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Simultaneous close: both FINs are sent while nothing of the connection gets
 * in; then FINs may pass but pure ACKs may not. The first FIN retransmissions
 * of both sides leave in the same timer tick, cross, and each side receives a
 * FIN that does not ack its own: FIN-WAIT-1 -> CLOSING (RFC 9293 3.6). Then
 * the gate closes again so the later FINs, which do carry the ACK, never end
 * CLOSING. If the timers fire apart, one side ends in TIME-WAIT and only the
 * other is in CLOSING. */
static int build_closing(struct holder *h, struct slot *s)
{
	int r = make_pair(h, s, TSC_LAB_PORT_BASE + TSC_TCP_CLOSING, false);

	if (r < 0)
		return r;
	s->phase = GATE_DROP_ALL;
	r = gate_sync(h);
	if (r < 0)
		return r;
	if (shutdown(s->cfd, SHUT_WR) < 0 || shutdown(s->sfd, SHUT_WR) < 0)
		return -errno;
	s->phase = GATE_DROP_ACK;
	r = gate_sync(h);
	if (r < 0)
		return r;
	for (int t = 0; t < 3000; t += 5) {
		if (tcp_state(s->cfd) != TSC_TCP_FIN_WAIT1 &&
		    tcp_state(s->sfd) != TSC_TCP_FIN_WAIT1)
			break;
		sleep_ms(5);
	}
	s->phase = GATE_DROP_ALL;
	r = gate_sync(h);
	if (r < 0)
		return r;
	if (tcp_state(s->cfd) != TSC_TCP_CLOSING && tcp_state(s->sfd) != TSC_TCP_CLOSING)
		return -EAGAIN;
	return 0;
}

/* ---- one build function per state -------------------------------------- */

static int build_timewait(struct holder *h, struct slot *s)
{
	int r = make_pair(h, s, TSC_LAB_PORT_BASE + TSC_TCP_TIME_WAIT, false);

	if (r < 0)
		return r;
	/* the client closes first, so the client ends in TIME-WAIT */
	close_fd(&s->cfd);
	r = wait_eof(s->sfd);
	close_fd(&s->sfd);
	s->tw_prev = s->built;
	s->built = now_s();
	return r;
}

static int build_slot(struct holder *h, struct slot *s)
{
	const uint16_t port = (uint16_t)(TSC_LAB_PORT_BASE + s->state);
	int r = 0;

	switch (s->state) {
	case TSC_TCP_LISTEN:
		s->lfd = start_listen(h, s->family, port);
		return s->lfd < 0 ? s->lfd : 0;
	case TSC_TCP_SYN_SENT: {
		int cnt = 127; /* MAX_TCP_SYNCNT: ~ 4 hours of SYNs with the RTO capped */

		s->cfd = start_connect(h, s->family, port, 0);
		if (s->cfd < 0)
			return s->cfd;
		(void)setsockopt(s->cfd, IPPROTO_TCP, TCP_SYNCNT, &cnt, sizeof(cnt));
		return wait_state(s->cfd, TSC_TCP_SYN_SENT, 100);
	}
	case TSC_TCP_SYN_RECV:
		/* the client completes (ESTABLISHED), the server's request socket waits */
		s->lfd = start_listen(h, s->family, port);
		if (s->lfd < 0)
			return s->lfd;
		s->cfd = start_connect(h, s->family, port, 0);
		if (s->cfd < 0)
			return s->cfd;
		return wait_state(s->cfd, TSC_TCP_ESTABLISHED, 3000);
	case TSC_TCP_ESTABLISHED:
		r = make_pair(h, s, port, false);
		if (r == 0 && (write(s->cfd, "hello\n", 6) != 6 || write(s->sfd, "hi\n", 3) != 3))
			r = -EIO;
		return r;
	case TSC_TCP_FIN_WAIT1:
		r = make_pair(h, s, port, false);
		if (r == 0 && shutdown(s->cfd, SHUT_WR) < 0)
			r = -errno;
		return r ? r : wait_state(s->cfd, TSC_TCP_FIN_WAIT1, 100);
	case TSC_TCP_FIN_WAIT2:
		r = make_pair(h, s, port, false);
		if (r == 0 && shutdown(s->cfd, SHUT_WR) < 0)
			r = -errno;
		if (r == 0)
			r = wait_eof(s->sfd);
		return r ? r : wait_state(s->cfd, TSC_TCP_FIN_WAIT2, 1000);
	case TSC_TCP_CLOSE_WAIT:
		/* the mirror of FIN-WAIT-2: here the server closes first */
		r = make_pair(h, s, port, false);
		if (r == 0 && shutdown(s->sfd, SHUT_WR) < 0)
			r = -errno;
		if (r == 0)
			r = wait_eof(s->cfd);
		return r ? r : wait_state(s->sfd, TSC_TCP_FIN_WAIT2, 1000);
	case TSC_TCP_LAST_ACK:
		r = make_pair(h, s, port, false);
		if (r == 0 && shutdown(s->cfd, SHUT_WR) < 0)
			r = -errno;
		if (r == 0)
			r = wait_eof(s->sfd);
		/* the ACK of the client's FIN is delayed (CLOSE-WAIT enters pingpong
		 * mode); it must leave on its own, not on the FIN the client drops */
		if (r == 0)
			r = wait_state(s->cfd, TSC_TCP_FIN_WAIT2, 2000);
		/* CLOSE-WAIT -> LAST-ACK by shutdown, not close: the fd stays ours */
		if (r == 0 && shutdown(s->sfd, SHUT_WR) < 0)
			r = -errno;
		return r ? r : wait_state(s->sfd, TSC_TCP_LAST_ACK, 1000);
	case TSC_TCP_TIME_WAIT:
		return build_timewait(h, s);
	case TSC_TCP_CLOSE:
		/* bound, never listening: connects to it are refused */
		s->sfd = new_sock(h, s->family, TSC_LAB_SERVER, port);
		if (s->sfd < 0)
			return s->sfd;
		/* an explicitly bound socket whose connect was refused: CLOSED, still bound */
		s->cfd = start_connect(h, s->family, port, port);
		if (s->cfd < 0)
			return s->cfd;
		return wait_state(s->cfd, TSC_TCP_CLOSE, 3000);
	case TSC_TCP_CLOSING:
		return build_closing(h, s);
	}
	return -EINVAL;
}

static void slot_release(struct slot *s)
{
	close_fd(&s->cfd);
	close_fd(&s->sfd);
	close_fd(&s->lfd);
	s->exp_c = s->exp_s = 0;
}

/* Builds s (a few attempts: CLOSING depends on timer ticks) and records the
 * states its fds are in. */
static int slot_build(struct holder *h, struct slot *s)
{
	int r = -EAGAIN;

	for (int attempt = 0; attempt < 3 && r < 0; attempt++) {
		slot_release(s);
		r = build_slot(h, s);
	}
	if (r < 0)
		return r;
	if (s->cfd >= 0)
		s->exp_c = (uint8_t)tcp_state(s->cfd);
	if (s->sfd >= 0)
		s->exp_s = (uint8_t)tcp_state(s->sfd);
	s->built = s->state == TSC_TCP_TIME_WAIT ? s->built : now_s();
	return 0;
}

/* ---- inventory, pid file ------------------------------------------------ */

static int put_line(FILE *f, uint8_t state, enum tsc_lab_side side, const struct slot *s)
{
	return fprintf(f, "%u %u %u %u\n", state, side, s->family, TSC_LAB_PORT_BASE + s->state) < 0
		       ? -EIO
		       : 0;
}

static void slot_inventory(FILE *f, const struct slot *s, time_t now)
{
	if (s->lfd >= 0)
		put_line(f, TSC_TCP_LISTEN, TSC_LAB_SERVER, s);
	if (s->state == TSC_TCP_SYN_RECV)
		put_line(f, TSC_TCP_SYN_RECV, TSC_LAB_SERVER, s);
	if (s->state == TSC_TCP_TIME_WAIT) {
		if (now - s->built < 60)
			put_line(f, TSC_TCP_TIME_WAIT, TSC_LAB_CLIENT, s);
		if (s->tw_prev && now - s->tw_prev < 60)
			put_line(f, TSC_TCP_TIME_WAIT, TSC_LAB_CLIENT, s);
	}
	if (s->cfd >= 0)
		put_line(f, (uint8_t)tcp_state(s->cfd), TSC_LAB_CLIENT, s);
	if (s->sfd >= 0)
		put_line(f, (uint8_t)tcp_state(s->sfd), TSC_LAB_SERVER, s);
}

static int write_inventory(struct holder *h)
{
	char path[256], tmp[264];
	time_t now = now_s();
	FILE *f;
	int r = 0;

	if (tsc__lab_path(h->name, ".socks", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < h->nslots; i++)
		slot_inventory(f, &h->slots[i], now);
	if (fclose(f) != 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	return r;
}

static int write_pidfile(const char *name)
{
	char path[256];
	FILE *f;

	if (tsc__lab_path(name, ".pid", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -errno;
}

/* ---- the holder's life ---------------------------------------------------- */

static int build_all(struct holder *h)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int r;

	for (size_t i = 0; i < 11; i++) {
		for (size_t f = 0; f < TSC_ARRAY_SIZE(families); f++) {
			struct slot *s = &h->slots[h->nslots++];

			*s = (struct slot){ .state = tsc_tcp_state_order[i],
					    .family = (uint8_t)families[f],
					    .cfd = -1,
					    .sfd = -1,
					    .lfd = -1 };
			r = slot_build(h, s);
			if (r < 0) {
				char what[sizeof(h->err.msg)];

				memcpy(what, h->err.msg, sizeof(what));
				return tsc__lab_seterr(&h->err, r,
						       "cannot build %s (IPv%c)%s%.180s",
						       tsc_tcp_state_rfc(s->state),
						       families[f] == AF_INET ? '4' : '6',
						       what[0] ? ": " : "", what);
			}
		}
	}
	return 0;
}

/* One maintenance pass; returns true if the inventory changed. */
static bool maintain(struct holder *h)
{
	time_t now = now_s();
	bool changed = false;

	for (size_t i = 0; i < h->nslots; i++) {
		struct slot *s = &h->slots[i];
		bool moved = (s->exp_c && tcp_state(s->cfd) != s->exp_c) ||
			     (s->exp_s && tcp_state(s->sfd) != s->exp_s);

		if (s->state == TSC_TCP_TIME_WAIT && now - s->built >= TIMEWAIT_RENEW_S) {
			(void)slot_build(h, s);
			changed = true;
		} else if (s->state == TSC_TCP_TIME_WAIT && s->tw_prev && now - s->tw_prev >= 60) {
			s->tw_prev = 0;
			changed = true;
		} else if (moved && now - s->built >= REBUILD_MIN_S) {
			if (s->state == TSC_TCP_CLOSING)
				s->phase = GATE_NONE;
			(void)slot_build(h, s);
			changed = true;
		}
	}
	return changed;
}

static void report(int fd, int r, const struct tsc_lab_err *err)
{
	char msg[sizeof(err->msg)];

	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	if (write(fd, &r, sizeof(r)) == sizeof(r))
		(void)!write(fd, msg, sizeof(msg));
	close(fd);
}

void tsc__lab_holder_main(const char *name, int ready_fd)
{
	struct holder h = { .name = name, .nsfd = { -1, -1 } };
	sigset_t set;
	int r = 0, sig;

	prctl(PR_SET_NAME, "tsclab-holder");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int side = 0; side < 2 && r == 0; side++) {
		char ns[TSC_LAB_NS_MAX];

		r = tsc_lab_ns_name(name, (enum tsc_lab_side)side, ns, sizeof(ns));
		if (r == 0)
			r = h.nsfd[side] = tsc__lab_ns_open(ns);
		if (r >= 0)
			r = 0;
	}
	if (r == 0)
		r = write_pidfile(name);
	if (r == 0)
		r = build_all(&h);
	if (r == 0)
		r = write_inventory(&h);
	report(ready_fd, r < 0 ? r : (int)getpid(), &h.err);
	if (r < 0)
		_exit(1);
	for (;;) {
		struct timespec tick = { .tv_sec = 1 };

		sig = sigtimedwait(&set, NULL, &tick);
		if (sig > 0)
			break;
		if (maintain(&h))
			(void)write_inventory(&h);
	}
	/* closing the fds is enough: the namespaces go with lab down */
	_exit(0);
}
