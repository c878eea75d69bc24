/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state census behind `tcpscope states` and `check`: sockets counted per
 * state, optionally broken down by local port, remote address or owning
 * process. Replaces `netstat -nat | awk '{print $6}' | sort | uniq -c` and
 * "which remote IPs hold most connections to port 443". Counting allocates
 * nothing per socket; breakdown tables are bounded (overflow is counted).
 */
#ifndef TSC_SOCKDIAG_CENSUS_H
#define TSC_SOCKDIAG_CENSUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"
#include "sys/procmap.h"

enum tsc_census_by {
	TSC_CENSUS_BY_NONE,
	TSC_CENSUS_BY_PORT,
	TSC_CENSUS_BY_REMOTE,
	TSC_CENSUS_BY_PROCESS,
};

/* Group key; zeroed before filling, compared bytewise. */
struct tsc_census_key {
	uint8_t family; /* BY_REMOTE */
	uint8_t pad;
	uint16_t port;	  /* BY_PORT (local port) */
	int32_t pid;	  /* BY_PROCESS; 0 = no owner (timewait, requests, orphans) */
	uint8_t addr[16]; /* BY_REMOTE */
	char comm[16];	  /* BY_PROCESS */
};

struct tsc_census_group {
	struct tsc_census_key key;
	uint64_t counts[TSC_TCP_MAX_STATES]; /* by kernel state number */
	uint64_t total;
};

struct tsc_census;

/* max_groups bounds the breakdown table (0: a default of 1,000,000). NULL
 * with errno set on failure. */
struct tsc_census *tsc_census_new(enum tsc_census_by by, size_t max_groups);
void tsc_census_free(struct tsc_census *c);

/* Counts one socket; owner is the socket's first owning process or NULL. */
void tsc_census_add(struct tsc_census *c, const struct tsc_sock *s,
		    const struct tsc_proc_owner *owner);
/* Adds per-state counts from the fast path (no breakdown). */
void tsc_census_add_counts(struct tsc_census *c, const uint64_t *counts);

const uint64_t *tsc_census_counts(const struct tsc_census *c); /* TSC_TCP_MAX_STATES */
uint64_t tsc_census_total(const struct tsc_census *c);
enum tsc_census_by tsc_census_by(const struct tsc_census *c);
/* Sockets not attributed to a group because the group table was full. */
uint64_t tsc_census_overflow(const struct tsc_census *c);

/* The groups sorted by total (descending; ties by key), at most top (0 = all).
 * Returns how many were copied into a newly allocated *ret (caller frees), or
 * -errno. */
long tsc_census_groups(const struct tsc_census *c, size_t top, struct tsc_census_group **ret);
size_t tsc_census_ngroups(const struct tsc_census *c);

#endif
