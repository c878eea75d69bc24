/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A loopback connect/close loop for the trace overhead benchmark: one
 * listener on 127.0.0.1:PORT, then for SECONDS: connect, accept, a 1-byte
 * request and reply, the client closes, the server closes (the full
 * lifecycle: client TIME-WAIT, server CLOSE-WAIT/LAST-ACK). Prints
 * "connections seconds conn_per_s". Run it inside a private network
 * namespace with tcp_tw_reuse=1 and a wide port range (trace-overhead.sh does).
 * A fourth field is the loop's own CPU time (user + system, which includes
 * the loopback softirq work and any BPF program run in it) per connection,
 * in microseconds: unlike the rate, it does not depend on how much CPU the
 * other jobs of a shared machine leave to the loop.
 *
 * usage: connloop SECONDS [PORT]
 * output: connections seconds conn_per_s cpu_us_per_conn
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int one(const struct sockaddr_in *sa, int l)
{
	char b = 'x';
	int c, a, r = -1;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return -1;
	if (connect(c, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		close(c);
		return -1;
	}
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0) {
		close(c);
		return -1;
	}
	if (write(c, &b, 1) == 1 && read(a, &b, 1) == 1 && write(a, &b, 1) == 1 &&
	    read(c, &b, 1) == 1)
		r = 0;
	close(c);
	/* the server reads the EOF, then closes: CLOSE-WAIT -> LAST-ACK */
	if (read(a, &b, 1) != 0)
		r = -1;
	close(a);
	return r;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long n = 0, fails = 0;
	double secs, t0, t, c0;
	long port = 9700;
	int l, on = 1;
	char *end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: connloop SECONDS [PORT]\n");
		return 2;
	}
	secs = strtod(argv[1], &end);
	if (*end || !(secs > 0 && secs <= 600)) {
		fprintf(stderr, "connloop: bad seconds '%s' (0 < s <= 600)\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		port = strtol(argv[2], &end, 10);
		if (*end || port < 1 || port > 65535) {
			fprintf(stderr, "connloop: bad port '%s'\n", argv[2]);
			return 2;
		}
	}
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 128) < 0) {
		fprintf(stderr, "connloop: listener: %s\n", strerror(errno));
		return 1;
	}
	c0 = cpu_s();
	t0 = now_s();
	do {
		if (one(&sa, l) < 0 && ++fails > 1000) {
			fprintf(stderr, "connloop: too many failures: %s\n", strerror(errno));
			return 1;
		}
		n++;
		t = now_s() - t0;
	} while (t < secs);
	close(l);
	printf("%lu %.3f %.0f %.2f\n", n - fails, t, (double)(n - fails) / t,
	       n > fails ? (cpu_s() - c0) * 1e6 / (double)(n - fails) : 0.0);
	return 0;
}
