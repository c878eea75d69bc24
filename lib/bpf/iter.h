/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BPF iterators as fast paths for the socket census (census.bpf.c): counting
 * TCP states inside the kernel instead of receiving one netlink message per
 * socket. Optional by nature: every function returns -EOPNOTSUPP when the
 * binary was built without BPF, and the kernel's refusal (-EPERM, -EINVAL,
 * -ENOENT: no BTF, no iterator) otherwise; callers fall back to netlink on
 * any negative result. Reference: bpf_iter (kernel 5.9+, tcp iterator).
 */
#ifndef TSC_BPF_ITER_H
#define TSC_BPF_ITER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"

/* Counts the TCP sockets of the calling thread's network namespace (the
 * namespace is the one current when this is called) per kernel state, into
 * counts[1..TSC_TCP_MAX_STATES-1], adding to what is there: request sockets
 * as SYN_RECV and timewait sockets by their substate, as the netlink census
 * counts them. ipv4/ipv6 choose the families. counts[TSC_TCP_CLOSE] is not
 * touched: bound-but-unconnected sockets are not in the tables the iterator
 * walks (netlink dumps them since Linux 6.10); a caller that shows CLOSED
 * adds a netlink count of that state alone. Returns the number of sockets
 * counted, or -errno (see above). Costs one BPF load (~20 ms, mostly the
 * kernel BTF) plus ~0.1 us per socket. */
TSC_MUST_CHECK long tsc_bpf_iter_count_states(bool ipv4, bool ipv6,
					      uint64_t counts[TSC_TCP_MAX_STATES]);

/* The census of q (families and states; no other filter) as
 * tsc_sockdiag_count() makes it, from the iterator plus, when q asks for
 * CLOSED, a netlink count of that state alone through h. Adds to counts
 * only on success. Returns the number of sockets, or -errno: callers fall
 * back to tsc_sockdiag_count(). */
TSC_MUST_CHECK long tsc_bpf_iter_census(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
					uint64_t counts[TSC_TCP_MAX_STATES]);

#endif
