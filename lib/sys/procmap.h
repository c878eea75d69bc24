/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket inode -> owning processes, as `ss -p` and `lsof -i` show them. Built
 * once per invocation by scanning /proc/<pid>/fd with directory fds and *at()
 * calls (each fd directory read once, never per socket). Only socket:[N] links
 * are kept. Processes we may not inspect are counted, not fatal.
 */
#ifndef TSC_SYS_PROCMAP_H
#define TSC_SYS_PROCMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

struct tsc_proc_owner {
	int32_t pid;
	int32_t fd;
	char comm[16]; /* /proc/<pid>/comm, NUL-terminated, max 15 chars */
};

struct tsc_procmap;

/* Scans root (normally "/proc"; tests may pass a fixture tree). If want is
 * non-NULL, only inodes for which want(inode, want_arg) is true are kept,
 * which keeps memory proportional to the sockets asked about.
 * The scan is split across worker threads (one per online CPU, at most
 * TSC_PROCMAP_MAX_THREADS): want may be called from several threads at once
 * and must only read want_arg. All threads are joined before returning.
 * Processes that exit mid-scan are skipped silently; fd directories we may
 * not open (EACCES/EPERM) are counted in tsc_procmap_denied(). At most
 * TSC_PROCMAP_MAX_OWNERS (socket, fd) pairs are kept; the rest are counted
 * in tsc_procmap_dropped().
 * NULL with errno set on failure (ENOENT/ENOTDIR: root is not a directory,
 * ENOMEM). */
struct tsc_procmap *tsc_procmap_new(const char *root, int (*want)(uint64_t inode, void *arg),
				    void *want_arg);
void tsc_procmap_free(struct tsc_procmap *m);

/* Owners of a socket inode: returns how many (0 if none) and points *ret at
 * them (valid until tsc_procmap_free). */
size_t tsc_procmap_lookup(const struct tsc_procmap *m, uint64_t inode,
			  const struct tsc_proc_owner **ret);

/* Processes whose fd table could not be read (EACCES), for "not all processes
 * visible" notes. */
size_t tsc_procmap_denied(const struct tsc_procmap *m);

/* Number of sockets mapped, and processes scanned. */
size_t tsc_procmap_count(const struct tsc_procmap *m);
size_t tsc_procmap_nprocs(const struct tsc_procmap *m);

/* --- additions (beyond the fixed API above) ----------------------------- */

#define TSC_PROCMAP_MAX_THREADS 8
#define TSC_PROCMAP_MAX_OWNERS	(1u << 24)

/* As tsc_procmap_new() with an explicit number of scanning threads
 * (0 = automatic, 1 = scan in the calling thread only; capped at
 * TSC_PROCMAP_MAX_THREADS). For benchmarks and tests. */
struct tsc_procmap *tsc_procmap_new_threads(const char *root,
					    int (*want)(uint64_t inode, void *arg), void *want_arg,
					    unsigned nthreads);

/* (socket, fd) pairs not kept because TSC_PROCMAP_MAX_OWNERS was reached. */
size_t tsc_procmap_dropped(const struct tsc_procmap *m);

/* Parses the target of a /proc/<pid>/fd/<n> link, which is exactly
 * "socket:[N]" for a socket (len bytes, not NUL-terminated; readlink(2)'s
 * result). N is decimal, 1..UINT64_MAX, without sign, blanks or leading
 * zeros. Returns 0 with *ret set, or -EINVAL for anything else (other file
 * types, garbage, overflow). */
TSC_MUST_CHECK int tsc_procmap_parse_link(const char *s, size_t len, uint64_t *ret);

/* One (socket, owner) pair, as another producer of the map finds it (the
 * BPF task_file iterator, bpf/iter.h). */
struct tsc_procmap_entry {
	uint64_t inode;
	struct tsc_proc_owner owner;
};

/* Builds a map from n pairs (borrowed; copied): lookups behave exactly as
 * for a /proc scan -- owners of an inode sorted by (pid, fd), comm
 * NUL-terminated at 15 characters (the producer truncates it as /proc/<pid>/comm
 * reads). Entries with inode 0 are ignored; beyond TSC_PROCMAP_MAX_OWNERS the
 * rest are dropped and counted, added to the dropped the producer already
 * counted (tsc_procmap_dropped()). tsc_procmap_nprocs() is the number of
 * pid changes along e (= processes owning a socket when each process's
 * entries are contiguous); tsc_procmap_denied() is 0. NULL with errno
 * ENOMEM on failure. */
struct tsc_procmap *tsc_procmap_new_from_owners(const struct tsc_procmap_entry *e, size_t n,
						size_t dropped);

#endif
