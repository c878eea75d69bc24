/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads census.bpf.c, runs its TCP iterator once in the caller's network
 * namespace and reads the per-state counts from the program's global data.
 * Nothing stays loaded afterwards. libbpf 1.1 API (libbpf 1.0 error mode).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/iter.h"
#include "census.skel.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

long tsc_bpf_iter_count_states(bool ipv4, bool ipv6, uint64_t counts[TSC_TCP_MAX_STATES])
{
	struct census_bpf *s = NULL;
	struct bpf_link *link = NULL;
	char buf[64];
	long r, total = 0;
	int fd = -1;

	libbpf_set_print(silent);
	s = census_bpf__open_and_load();
	if (!s)
		return errno ? -errno : -EINVAL;
	link = bpf_program__attach_iter(s->progs.tsc_count_tcp, NULL);
	if (!link) {
		r = errno ? -errno : -EINVAL;
		goto out;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	/* the program writes nothing: reading drives the walk to its end */
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	if (r < 0) {
		r = -errno;
		goto out;
	}
	for (unsigned f = 0; f < 2; f++) {
		if ((f == 0 && !ipv4) || (f == 1 && !ipv6))
			continue;
		for (unsigned st = 1; st < TSC_TCP_MAX_STATES; st++) {
			if (st == TSC_TCP_CLOSE)
				continue;
			counts[st] += s->bss->counts[f][st];
			total += (long)s->bss->counts[f][st];
		}
	}
	r = total;
out:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	census_bpf__destroy(s);
	return r;
}

long tsc_bpf_iter_census(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
			 uint64_t counts[TSC_TCP_MAX_STATES])
{
	uint64_t c[TSC_TCP_MAX_STATES] = { 0 };
	long n, total = 0;

	n = tsc_bpf_iter_count_states(q->ipv4, q->ipv6, c);
	if (n < 0)
		return n;
	if (q->states & TSC_TCPF(TSC_TCP_CLOSE)) {
		struct tsc_sockdiag_query qc = *q;

		qc.states = TSC_TCPF(TSC_TCP_CLOSE);
		c[TSC_TCP_CLOSE] = 0;
		n = tsc_sockdiag_count(h, &qc, c);
		if (n < 0)
			return n;
	}
	for (unsigned st = 1; st < TSC_TCP_MAX_STATES; st++) {
		if (!(q->states & TSC_TCPF(st)))
			continue;
		counts[st] += c[st];
		total += (long)c[st];
	}
	return total;
}
