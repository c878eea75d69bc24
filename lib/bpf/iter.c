/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads census.bpf.c, runs its TCP iterator once in the caller's network
 * namespace and reads the per-state counts from the program's global data.
 * Nothing stays loaded afterwards. libbpf 1.1 API (libbpf 1.0 error mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/iter.h"
#include "census.skel.h"
#include "procmap.skel.h"
#include "bpf/procmap.bpf.h"

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

/* ---- socket owners (procmap.bpf.c) ---------------------------------------- */

/* bpf_seq_read() hands out at most its 8-page buffer per read() */
#define OWNERS_READ_BUF (64 * 1024)

struct owners_vec {
	struct tsc_procmap_entry *v;
	size_t n, cap, dropped;
};

static int owners_push(struct owners_vec *o, const struct tsc_procmap_entry *e)
{
	if (o->n >= TSC_PROCMAP_MAX_OWNERS) {
		o->dropped++;
		return 0;
	}
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 4096;
		struct tsc_procmap_entry *nv = realloc(o->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		o->v = nv;
		o->cap = ncap;
	}
	o->v[o->n++] = *e;
	return 0;
}

/* Decodes the whole records at the start of buf[0..len) into o; returns the
 * number of bytes consumed (a partial record stays for the next read), or
 * -errno. */
static long owners_decode(const uint8_t *buf, size_t len, struct owners_vec *o)
{
	struct tsc_cur c = tsc_cur_make(buf, len);
	struct tsc_procmap_entry e;
	int r;

	while ((r = tsc_bpf_owner_parse(&c, &e)) > 0)
		if (owners_push(o, &e) < 0)
			return -ENOMEM;
	if (r < 0)
		return r;
	return (long)(len - c.len);
}

/* Reads the iterator fd to its end into o. */
static int owners_read(int fd, struct owners_vec *o)
{
	uint8_t *buf = malloc(OWNERS_READ_BUF);
	size_t have = 0;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + have, OWNERS_READ_BUF - have);
		long used;

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue; /* EAGAIN: 1M objects without output; the walk went on */
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0) {
			r = have ? -EPROTO : 0; /* a record cut at the end */
			break;
		}
		have += (size_t)n;
		used = owners_decode(buf, have, o);
		if (used < 0) {
			r = (int)used;
			break;
		}
		have -= (size_t)used;
		memmove(buf, buf + used, have);
	}
	free(buf);
	return r;
}

struct tsc_procmap *tsc_bpf_iter_procmap(void)
{
	struct owners_vec o = { 0 };
	struct tsc_procmap *m = NULL;
	struct procmap_bpf *s = NULL;
	struct bpf_link *link = NULL;
	int fd = -1, r;

	libbpf_set_print(silent);
	s = procmap_bpf__open_and_load();
	if (!s) {
		r = errno ? -errno : -EINVAL;
		goto out;
	}
	link = bpf_program__attach_iter(s->progs.tsc_socket_owners, NULL);
	if (!link) {
		r = errno ? -errno : -EINVAL;
		goto out;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = owners_read(fd, &o);
	if (r < 0)
		goto out;
	m = tsc_procmap_new_from_owners(o.v, o.n, o.dropped);
	if (!m)
		r = -errno;
out:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	procmap_bpf__destroy(s);
	free(o.v);
	if (!m)
		errno = -r;
	return m;
}
