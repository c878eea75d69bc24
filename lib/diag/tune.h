/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tune`: sysctl advice derived from what this host (or namespace) shows.
 * For every fact of diag/sysctl-facts.h: the current value, and either a
 * value to write with the evidence behind it, or "leave it" with the reason.
 * Also the safe writing path: strict validation of every value first, the
 * previous values saved to a sysctl.d-style file, writes verified by reading
 * back, and a roll back of what was written when one write fails.
 * Reading the socket table and the counters is tune-io.c (through check's
 * snapshot, diag/check.h); this file holds the pure logic (unit-tested
 * without a kernel). No printing, no globals.
 */
#ifndef TSC_DIAG_TUNE_H
#define TSC_DIAG_TUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/tcpstate.h"
#include "diag/sysctl-facts.h"

#define TSC_TUNE_MAX_ITEMS 32
#define TSC_TUNE_WHY_LEN   640
#define TSC_TUNE_DEST_LEN  56
#define TSC_TUNE_FILE_MAX  (64 * 1024) /* largest --revert file read */

/* What the recommendations are derived from: one snapshot of the socket
 * table and the kernel counters of one network namespace. Counters are
 * cumulative since the namespace was created (the host: since boot); a
 * counter the kernel does not have is -1. */
struct tsc_tune_obs {
	bool have_sockets;
	uint64_t states[TSC_TCP_MAX_STATES]; /* by kernel state number */
	uint64_t listeners_full;	     /* LISTEN sockets whose accept queue is at its limit */
	uint16_t full_port;		     /* the local port of one of them */
	uint64_t orphan_fin_wait2;	     /* FIN_WAIT2 held by no process: tcp_fin_timeout's */
	uint64_t orphans;		     /* FIN_WAIT1/FIN_WAIT2/CLOSING/LAST_ACK, no process */
	uint64_t tw_outgoing;		     /* TIME_WAIT of our own connect()s */
	uint64_t tw_incoming;		     /* TIME_WAIT on a listening port (accepted) */
	uint64_t dest_max;		     /* most outgoing sockets toward one remote ip:port */
	uint64_t dest_max_tw;		     /* of those, in TIME_WAIT */
	char dest[TSC_TUNE_DEST_LEN];	     /* that remote: "10.250.9.2:80", "[fd00::2]:80" */
	bool have_counters;
	int64_t listen_overflows, listen_drops, syncookies_sent, syncookies_failed, tw_overflow,
		abort_on_memory, reqq_full_drop;
};

/* Sets every field to "nothing observed" (counters -1). */
void tsc_tune_obs_init(struct tsc_tune_obs *obs);

struct tsc_tune_item {
	const struct tsc_sysctl_fact *fact;
	int read_err; /* 0, or -errno reading it (-ENOENT: absent in this kernel/namespace) */
	struct tsc_sysctl_value cur; /* valid when read_err == 0 */
	bool host_wide_here;	     /* host-wide sysctl seen from a non-initial namespace */
	bool change;		     /* recommended: write rec */
	struct tsc_sysctl_value rec;
	char why[TSC_TUNE_WHY_LEN]; /* evidence and reasoning (also for "leave it") */
};

/* One item per fact, in tsc_sysctl_facts() order. */
struct tsc_tune {
	size_t n;
	struct tsc_tune_item items[TSC_TUNE_MAX_ITEMS];
};

/* How values are read and written: a seam so tests replace /proc/sys.
 * read puts the value's text (without the final newline) in buf and returns
 * its length or -errno; write writes text (already validated) and returns 0
 * or -errno. */
struct tsc_tune_io {
	int (*read)(void *arg, const struct tsc_sysctl_fact *f, char *buf, size_t len);
	int (*write)(void *arg, const struct tsc_sysctl_fact *f, const char *text);
	void *arg;
};

/* Fills t with one item per fact, nothing read yet (read_err -ENODATA). */
void tsc_tune_init(struct tsc_tune *t);

/* Reads every item's current value through io. A value that cannot be read
 * or does not parse is recorded in that item's read_err; never fails as a
 * whole. host_wide_here is set for host-wide facts when in_netns. */
void tsc_tune_read(struct tsc_tune *t, const struct tsc_tune_io *io, bool in_netns);

/* The item for a fact, or NULL. */
struct tsc_tune_item *tsc_tune_find(struct tsc_tune *t, const struct tsc_sysctl_fact *f);

/* Derives every item's recommendation (change/rec/why) from the current
 * values in t and from obs. Never recommends a value that fails
 * tsc_tune_value_check(). */
void tsc_tune_recommend(struct tsc_tune *t, const struct tsc_tune_obs *obs);

/* --- validation ------------------------------------------------------- */

/* What a valid value of f looks like, for error messages:
 * "two integers LOW HIGH, each 1024..65535, LOW < HIGH". */
const char *tsc_tune_value_rule(const struct tsc_sysctl_fact *f, char *buf, size_t len);

/* Whether v may be written to f: tsc_sysctl_value_check() plus tune's own
 * stricter rules (ip_local_port_range LOW < HIGH). Returns 0, -EINVAL (wrong
 * number of integers), -ERANGE (out of range or order), -EOPNOTSUPP
 * (a sysctl the running kernel no longer has: tcp_tw_recycle). */
TSC_MUST_CHECK int tsc_tune_value_check(const struct tsc_sysctl_fact *f,
					const struct tsc_sysctl_value *v);

/* Parses and validates "NAME=VALUE" (NAME in any spelling tsc_sysctl_fact_find
 * accepts, VALUE as in /proc, e.g. "ip_local_port_range=10240 65535").
 * Returns 0; -ENOENT (unknown name), -EINVAL (no '=' or bad format),
 * -ERANGE, -EOPNOTSUPP as tsc_tune_value_check. *ret_f is set whenever the
 * name was found. */
TSC_MUST_CHECK int tsc_tune_parse_set(const char *arg, const struct tsc_sysctl_fact **ret_f,
				      struct tsc_sysctl_value *ret_v);

/* --- plans: what is written, saved and restored ------------------------ */

struct tsc_tune_change {
	const struct tsc_sysctl_fact *fact;
	struct tsc_sysctl_value val;
};

struct tsc_tune_plan {
	size_t n;
	struct tsc_tune_change v[TSC_TUNE_MAX_ITEMS];
};

/* Adds f = v. Returns 0, -EEXIST (f already planned with another value; the
 * same value again is a no-op) or -E2BIG. */
TSC_MUST_CHECK int tsc_tune_plan_add(struct tsc_tune_plan *p, const struct tsc_sysctl_fact *f,
				     const struct tsc_sysctl_value *v);

/* The recommended changes of t (items with change set, host-wide ones only
 * when allow_host_wide). */
void tsc_tune_plan_from(struct tsc_tune_plan *p, const struct tsc_tune *t, bool allow_host_wide);

/* Reads the current value of every fact in p into ret (same order), for
 * saving and for rolling back. Returns 0 or the first -errno (-EINVAL when a
 * current value does not parse); *ret_bad = index of the failing entry. */
TSC_MUST_CHECK int tsc_tune_snapshot(const struct tsc_tune_io *io, const struct tsc_tune_plan *p,
				     struct tsc_tune_plan *ret, size_t *ret_bad);

/* Writes every value of p in order, each verified by reading it back (a
 * value the kernel stores differently is -EIO). On the first failure the
 * values already written are restored from prev (same order as p, from
 * tsc_tune_snapshot) in reverse order. Returns 0, or the -errno of the failed
 * write with *ret_bad its index and *ret_rollback_err 0 when the roll back
 * succeeded (else its first -errno). */
TSC_MUST_CHECK int tsc_tune_write(const struct tsc_tune_io *io, const struct tsc_tune_plan *p,
				  const struct tsc_tune_plan *prev, size_t *ret_bad,
				  int *ret_rollback_err);

/* Formats p as a sysctl.d file ("net.ipv4.tcp_tw_reuse = 2" lines) after
 * the comment lines of header (each line prefixed "# "; may be NULL). The
 * result loads with `sysctl -p FILE` and with tsc_tune_save_parse. */
void tsc_tune_save_format(const struct tsc_tune_plan *p, const char *header, struct tsc_buf *b);

/* Parses a saved file (len bytes, need not be NUL-terminated): lines that
 * are empty, comments ('#' or ';' first), or "KEY = VALUE" with KEY a known
 * sysctl (any spelling) and VALUE in its format. Ranges are not checked:
 * the values were the kernel's own (the kernel validates when writing).
 * Removed sysctls and duplicate keys are refused. Returns 0, -EINVAL with
 * *ret_line the 1-based failing line, -E2BIG (longer than TSC_TUNE_FILE_MAX
 * or more than TSC_TUNE_MAX_ITEMS entries). */
TSC_MUST_CHECK int tsc_tune_save_parse(const void *text, size_t len, struct tsc_tune_plan *ret,
				       size_t *ret_line);

/* --- tune-io.c: the real kernel ----------------------------------------- */

/* /proc/sys access. Host-wide sysctls can be pinned (opened) before the
 * caller enters another network namespace; afterwards they are read and
 * written through those descriptors, i.e. still the host's. */
struct tsc_tune_sysfs {
	const char *root;		/* NULL: /proc/sys */
	int pinned[TSC_TUNE_MAX_ITEMS]; /* by fact index, -1 if not pinned */
};

void tsc_tune_sysfs_init(struct tsc_tune_sysfs *s, const char *root);
void tsc_tune_sysfs_release(struct tsc_tune_sysfs *s);
/* Opens every host-wide (per_netns == false) fact's file, read-write when
 * writable. A missing file is skipped. Returns the number pinned or -errno. */
TSC_MUST_CHECK int tsc_tune_sysfs_pin_host(struct tsc_tune_sysfs *s, bool writable);
/* An io over s (s must outlive it). */
void tsc_tune_sysfs_io(struct tsc_tune_sysfs *s, struct tsc_tune_io *ret);

/* Observes the calling thread's network namespace with check's snapshot
 * (tsc_check_snap_collect over sock_diag, falling back to /proc/net/tcp*)
 * and counter reader (proc_root/net/{snmp,netstat}; proc_root NULL:
 * "/proc/self"). Sockets are "outgoing" when their local port is in
 * [eph_low, eph_high] and no socket listens on it; the busiest destination
 * is counted per local address and remote ip:port. Returns 0 when at least
 * one of the two sources was read, else the sockets' -errno. */
TSC_MUST_CHECK int tsc_tune_observe(struct tsc_tune_obs *obs, const char *proc_root,
				    uint16_t eph_low, uint16_t eph_high);

#endif
