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
 * NULL with errno set on failure. */
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

#endif
