/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BPF iterators as fast paths for the socket census (census.bpf.c): counting
 * TCP states inside the kernel instead of receiving one netlink message per
 * socket. Optional by nature: every function returns -EOPNOTSUPP when the
 * binary was built without BPF, and the kernel's refusal (-EPERM, -EINVAL,
 * -ENOENT: no BTF, no iterator) otherwise; callers fall back to netlink on
 * any negative result. Needs: bpf_iter tcp, bpf_loop, bpf_rdonly_cast and
 * light-skeleton loading (BPF_PROG_TYPE_SYSCALL): Linux 6.2+.
 */
#ifndef TSC_BPF_ITER_H
#define TSC_BPF_ITER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "core/cursor.h"
#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"
#include "sys/procmap.h"

/* Counts the TCP sockets of the calling thread's network namespace (the
 * namespace is the one current when this is called) per kernel state, into
 * counts[1..TSC_TCP_MAX_STATES-1], adding to what is there: request sockets
 * as SYN_RECV, timewait sockets by their substate, CLOSED as bound-inactive
 * sockets (Linux 6.10+, where netlink reports them; 0 before), as the
 * netlink census counts them. ipv4/ipv6 choose the families. census.bpf.c
 * walks the established and bind hashes itself, lock-free (the bpf_iter
 * tcp walk is not cheaper than netlink: doc/internals/bpf-iter.md), in
 * slices of bounded time (one per read() of the iterator); loaded as a
 * light skeleton, so no kernel BTF is parsed in user space. Returns the
 * number of sockets counted, or -errno (see above; -EIO when the walk gave
 * up: a table that kept changing under it, or more than the walk's bound).
 * Costs ~6-8 ms of load plus ~0.3 us per socket (both tables), measured on
 * 6.18. */
TSC_MUST_CHECK long tsc_bpf_iter_count_states(bool ipv4, bool ipv6,
					      uint64_t counts[TSC_TCP_MAX_STATES]);

/* The census of q (families and states; no other filter) as
 * tsc_sockdiag_count() makes it, from the iterator alone (h is not used any
 * more: kept for the callers). Adds to counts only on success. Returns the
 * number of sockets, or -errno: callers fall back to tsc_sockdiag_count(). */
TSC_MUST_CHECK long tsc_bpf_iter_census(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
					uint64_t counts[TSC_TCP_MAX_STATES]);

/* --- socket owners by task_file iterator (procmap.bpf.c) ---------------- */

/* The socket inode -> owners map (sys/procmap.h) from a BPF task_file
 * iterator that walks every process's file table in the kernel and reports
 * socket files only, instead of readlink()ing /proc/<pid>/fd/<n>: the same
 * map a /proc scan gives (group leaders' fd tables, pids of the caller's pid
 * namespace, comm as /proc/<pid>/comm reads up to 15 characters), as of a
 * slightly different instant. Records are decoded with
 * tsc_bpf_owner_parse(). Nothing stays loaded afterwards. NULL with errno
 * set: EOPNOTSUPP when built without BPF, the kernel's refusal (EPERM, EINVAL,
 * ENOENT) when the iterator cannot be loaded, EPROTO on a malformed record,
 * ENOMEM. Callers fall back to tsc_procmap_new() on any failure. Costs one
 * BPF load (~20 ms, mostly the kernel BTF) plus the walk. */
struct tsc_procmap *tsc_bpf_iter_procmap(void);

/* Decodes one iterator record (TSC_OWNER_REC_SIZE bytes, layout in
 * procmap.bpf.h) from c into ret and advances c past it. Returns 1, 0 when c
 * holds less than a whole record (c untouched: wait for more bytes), or
 * -EPROTO when the record is invalid (inode 0, pid outside 1..INT32_MAX, fd
 * above INT32_MAX; c is advanced past it). comm is cut at the first NUL or
 * newline and at 15 characters, as /proc/<pid>/comm is read by procmap. */
TSC_MUST_CHECK int tsc_bpf_owner_parse(struct tsc_cur *c, struct tsc_procmap_entry *ret);

#endif
