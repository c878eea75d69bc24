/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace session and the census iterators when tcpscope was built without
 * clang/bpftool (meson option bpf): every entry point reports EOPNOTSUPP so
 * `trace` can say so and the census falls back to netlink.
 */
#include <errno.h>

#include "bpf/iter.h"
#include "bpf/trace.h"

bool tsc_trace_built(void)
{
	return false;
}

struct tsc_trace *tsc_trace_new(const struct tsc_trace_opts *opts, tsc_trace_event_fn fn, void *arg)
{
	(void)opts;
	(void)fn;
	(void)arg;
	errno = EOPNOTSUPP;
	return NULL;
}

int tsc_trace_poll(struct tsc_trace *t, int timeout_ms)
{
	(void)t;
	(void)timeout_ms;
	return -EOPNOTSUPP;
}

unsigned tsc_trace_features(const struct tsc_trace *t)
{
	(void)t;
	return 0;
}

int tsc_trace_get_counters(struct tsc_trace *t, struct tsc_trace_counters *ret)
{
	(void)t;
	(void)ret;
	return -EOPNOTSUPP;
}

void tsc_trace_free(struct tsc_trace *t)
{
	(void)t;
}

long tsc_bpf_iter_count_states(bool ipv4, bool ipv6, uint64_t counts[TSC_TCP_MAX_STATES])
{
	(void)ipv4;
	(void)ipv6;
	(void)counts;
	return -EOPNOTSUPP;
}

long tsc_bpf_iter_census(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
			 uint64_t counts[TSC_TCP_MAX_STATES])
{
	(void)h;
	(void)q;
	(void)counts;
	return -EOPNOTSUPP;
}

struct tsc_procmap *tsc_bpf_iter_procmap(void)
{
	errno = EOPNOTSUPP;
	return NULL;
}
