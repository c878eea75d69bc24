/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fills the current (private, throw-away) network namespace with a realistic
 * mix of ~N TCP sockets and holds them until SIGTERM/SIGINT: LISTEN sockets,
 * ESTABLISHED pairs, CLOSE_WAIT + FIN_WAIT2 pairs (client shutdown(SHUT_WR),
 * server never closes), SYN_RECV (needs an nftables rule in the namespace
 * dropping bare ACKs to ports 30000-30099, installed by bench/run.sh) and
 * TIME_WAIT. Sockets are held by W worker processes (as real servers hold
 * them, both ends per worker); the parent keeps TIME_WAIT at a steady level by
 * creating N_tw/60 of them every second (they expire after 60 s) and prints
 * the census and "ready" once the level has built up. Only loopback addresses
 * (127.0.0.0/8, ::1) are used. Run it only via bench/run.sh, which creates and
 * removes the namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag-count.h"

#define MAX_WORKERS   32
#define LISTEN_PER_W  40
#define PORT_LISTEN   20000 /* + w * 100 + j */
#define PORT_SYNRECV  30000 /* + w; bare ACKs dropped by nftables */
#define PORT_TW	      31000 /* + 0..3 on 127.0.0.2; all below the ephemeral range (32768-) */
#define TW_LIFETIME_S 60    /* TCP_TIMEWAIT_LEN */

struct plan {
	unsigned long est, cw, syn, tw; /* per whole run */
	unsigned workers, warm;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "fill-sockets[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
	exit(1);
}

/* Raises RLIMIT_NOFILE to fs.nr_open, or (without CAP_SYS_RESOURCE) the soft
 * limit to the hard one. Returns the limit now in force. */
static unsigned long raise_nofile(void)
{
	struct rlimit rl;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");
	unsigned long nr = 1048576;

	if (f) {
		if (fscanf(f, "%lu", &nr) != 1)
			nr = 1048576;
		fclose(f);
	}
	rl.rlim_cur = rl.rlim_max = nr;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return nr;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit(RLIMIT_NOFILE)");
	return (unsigned long)rl.rlim_cur;
}

/* Loopback address of worker w's family: 127.0.0.1 / ::1, or a per-worker
 * client source 127.0.1.(w+1) (v6 uses ::1 for both). */
static socklen_t make_addr(struct sockaddr_storage *ss, int family, unsigned w, bool client,
			   uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = client ? htonl(0x7f000100u + w + 1) : htonl(0x7f000001u);
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
}

static int make_listener(int family, const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) < 0)
		die("bind listener");
	if (listen(fd, 65535) < 0)
		die("listen");
	return fd;
}

/* A connected client from the worker's source address (port chosen per
 * 4-tuple thanks to IP_BIND_ADDRESS_NO_PORT, so 64k per destination). */
static int make_client(int family, unsigned w, const struct sockaddr_storage *dst, socklen_t dlen)
{
	struct sockaddr_storage src;
	socklen_t slen = make_addr(&src, family, w, true, 0);
	int one = 1;
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (family == AF_INET) {
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, slen) < 0)
			die("bind client");
	}
	if (connect(fd, (const struct sockaddr *)dst, dlen) < 0)
		die("connect");
	return fd;
}

static unsigned long share(unsigned long total, unsigned w, unsigned nw)
{
	return total / nw + (w < total % nw ? 1 : 0);
}

static void worker(const struct plan *p, unsigned w, int ready_fd)
{
	int family = w % 3 == 2 ? AF_INET6 : AF_INET;
	struct sockaddr_storage la[LISTEN_PER_W], sa;
	socklen_t ll[LISTEN_PER_W], sl;
	int lfd[LISTEN_PER_W], sfd, pfd[2];
	unsigned long i;

	for (unsigned j = 0; j < LISTEN_PER_W; j++) {
		ll[j] = make_addr(&la[j], family, w, false, (uint16_t)(PORT_LISTEN + w * 100 + j));
		lfd[j] = make_listener(family, &la[j], ll[j]);
	}
	sl = make_addr(&sa, family, w, false, (uint16_t)(PORT_SYNRECV + w));
	sfd = make_listener(family, &sa, sl);
	/* a real server also holds files and pipes: procmap must skip them */
	for (unsigned j = 0; j < 64; j++) {
		if (open("/dev/null", O_RDONLY) < 0 || pipe(pfd) < 0)
			die("open");
	}
	for (i = 0; i < share(p->est, w, p->workers); i++) {
		unsigned j = (unsigned)(i % LISTEN_PER_W);

		(void)make_client(family, w, &la[j], ll[j]);
		if (accept(lfd[j], NULL, NULL) < 0)
			die("accept");
	}
	for (i = 0; i < share(p->cw, w, p->workers); i++) {
		unsigned j = (unsigned)(i % LISTEN_PER_W);
		int c = make_client(family, w, &la[j], ll[j]);

		if (accept(lfd[j], NULL, NULL) < 0)
			die("accept");
		if (shutdown(c, SHUT_WR) < 0) /* -> FIN_WAIT2 here, CLOSE_WAIT there */
			die("shutdown");
	}
	for (i = 0; i < share(p->syn, w, p->workers); i++)
		(void)make_client(family, w, &sa, sl); /* server side stays SYN_RECV */
	(void)sfd;
	if (write(ready_fd, "R", 1) != 1)
		die("write");
	close(ready_fd);
	while (!stop)
		pause();
	exit(0);
}

struct tw_gen {
	int lfd[4];
	struct sockaddr_in la[4];
	unsigned long made;
};

static void tw_init(struct tw_gen *g)
{
	for (unsigned j = 0; j < 4; j++) {
		g->la[j] = (struct sockaddr_in){ .sin_family = AF_INET,
						 .sin_addr.s_addr = htonl(0x7f000002u),
						 .sin_port = htons((uint16_t)(PORT_TW + j)) };
		g->lfd[j] = make_listener(AF_INET, (struct sockaddr_storage *)&g->la[j],
					  sizeof(g->la[j]));
	}
}

/* The client closes first and so ends in TIME_WAIT; the server reads the FIN,
 * closes, and is gone after LAST_ACK. */
static void tw_make(struct tw_gen *g, unsigned long n)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000003u) };
	int one = 1;
	char c;

	for (unsigned long i = 0; i < n && !stop; i++) {
		unsigned j = (unsigned)(g->made++ % 4);
		int fd = socket(AF_INET, SOCK_STREAM, 0), s;

		if (fd < 0)
			die("socket");
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
		    connect(fd, (struct sockaddr *)&g->la[j], sizeof(g->la[j])) < 0)
			die("connect (time-wait)");
		s = accept(g->lfd[j], NULL, NULL);
		if (s < 0)
			die("accept (time-wait)");
		close(fd);
		while (read(s, &c, 1) > 0)
			;
		close(s);
	}
}

static void print_census(void)
{
	uint64_t counts[DIAG_COUNT_STATES] = { 0 }, total = 0;

	if (diag_count(counts) < 0) {
		fprintf(stderr, "fill-sockets: census dump failed\n");
		return;
	}
	printf("census:");
	for (int s = 0; s < DIAG_COUNT_STATES; s++) {
		if (counts[s])
			printf(" %s=%llu", diag_state_names[s], (unsigned long long)counts[s]);
		total += counts[s];
	}
	printf(" TOTAL=%llu\n", (unsigned long long)total);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fill-sockets [-n TOTAL] [-w WORKERS] [-W WARM_SECONDS]\n"
		"  -n  approximate number of TCP sockets (default 100000)\n"
		"  -w  holder processes, 1..%d (default 6)\n"
		"  -W  seconds to build TIME_WAIT up at a steady level, 0..60 (default 60;\n"
		"      0 creates them all at once and they expire after 60 s)\n",
		MAX_WORKERS);
	exit(2);
}

static unsigned long parse_ul(const char *s, unsigned long max)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !end || *end || *s < '0' || *s > '9' || v > max)
		usage();
	return v;
}

/* Until all workers reported ready and warm-up is over: one TIME_WAIT batch
 * per second. Returns false if a worker died. */
static bool run_ticks(struct tw_gen *g, const struct plan *p, struct pollfd *pf, unsigned *nready,
		      bool hold)
{
	unsigned long per_tick = p->warm ? p->tw / TW_LIFETIME_S : 0;
	double t0 = now_s(), next = t0;

	for (;;) {
		double t = now_s();
		int r;

		if (stop)
			return true;
		if (!hold && *nready == p->workers && t - t0 >= p->warm)
			return true;
		if (t >= next) {
			tw_make(g, per_tick);
			next += 1.0;
			continue;
		}
		r = poll(pf, p->workers, (int)((next - t) * 1000) + 1);
		if (r < 0 && errno != EINTR)
			die("poll");
		for (unsigned w = 0; r > 0 && w < p->workers; w++) {
			char c;

			if (!(pf[w].revents & (POLLIN | POLLHUP)))
				continue;
			if (read(pf[w].fd, &c, 1) != 1) {
				fprintf(stderr, "fill-sockets: worker %u failed\n", w);
				return false;
			}
			pf[w].fd = -1;
			(*nready)++;
		}
	}
}

int main(int argc, char **argv)
{
	struct plan p = { .workers = 6, .warm = 60 };
	unsigned long n = 100000, limit;
	struct pollfd pf[MAX_WORKERS];
	pid_t pids[MAX_WORKERS];
	struct sigaction sa = { .sa_handler = on_signal };
	struct tw_gen g = { 0 };
	unsigned nready = 0;
	bool ok;
	int opt;

	while ((opt = getopt(argc, argv, "n:w:W:h")) != -1) {
		switch (opt) {
		case 'n':
			n = parse_ul(optarg, 2000000);
			break;
		case 'w':
			p.workers = (unsigned)parse_ul(optarg, MAX_WORKERS);
			break;
		case 'W':
			p.warm = (unsigned)parse_ul(optarg, TW_LIFETIME_S);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || p.workers == 0)
		usage();
	/* the mix, in sockets: 52% ESTABLISHED pairs, 6% + 6% CLOSE_WAIT/FIN_WAIT2,
	 * 4% SYN_RECV (+ 4% ESTABLISHED clients), 28% TIME_WAIT, + LISTEN */
	p.est = n * 26 / 100;
	p.cw = n * 6 / 100;
	p.syn = n * 4 / 100;
	p.tw = n * 28 / 100;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	limit = raise_nofile();
	/* each worker holds both ends of its pairs and its SYN_RECV clients */
	if ((2 * (p.est + p.cw) + p.syn) / p.workers + LISTEN_PER_W + 256 > limit) {
		fprintf(stderr,
			"fill-sockets: %u workers would need more than %lu fds each "
			"(RLIMIT_NOFILE); use more workers (-w)\n",
			p.workers, limit);
		return 1;
	}
	tw_init(&g);

	for (unsigned w = 0; w < p.workers; w++) {
		int fds[2];

		if (pipe(fds) < 0)
			die("pipe");
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(fds[0]);
			for (unsigned j = 0; j < 4; j++)
				close(g.lfd[j]);
			worker(&p, w, fds[1]);
		}
		close(fds[1]);
		pf[w] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	}
	printf("plan: workers=%u established_pairs=%lu close_wait_pairs=%lu syn_recv=%lu "
	       "time_wait=%lu listen=%u warm=%us\n",
	       p.workers, p.est, p.cw, p.syn, p.tw, p.workers * (LISTEN_PER_W + 1), p.warm);
	fflush(stdout);
	if (!p.warm)
		tw_make(&g, p.tw);
	ok = run_ticks(&g, &p, pf, &nready, false);
	if (ok && !stop) {
		print_census();
		printf("ready\n");
		fflush(stdout);
		ok = run_ticks(&g, &p, pf, &nready, true);
	}
	for (unsigned w = 0; w < p.workers; w++)
		kill(pids[w], SIGTERM);
	for (unsigned w = 0; w < p.workers; w++)
		waitpid(pids[w], NULL, 0);
	return ok ? 0 : 1;
}
