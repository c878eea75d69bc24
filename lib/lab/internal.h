/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the files of lib/lab: running ip/nft in a namespace,
 * namespace fds, sysctl writes, and the holder's entry point.
 */
#ifndef TSC_LAB_INTERNAL_H
#define TSC_LAB_INTERNAL_H

#include <stddef.h>

#include "lab/lab.h"

/* Runs argv[0] (ip, nft: looked up in /usr/sbin, /sbin, /usr/bin, then PATH)
 * with stdin fed from input (may be NULL), stdout discarded and stderr kept
 * for err. If nsfd >= 0 the child enters that network namespace first.
 * Returns 0 if it exited 0, -EIO otherwise (err filled), -errno. */
int tsc__lab_run(int nsfd, const char *input, const char *const argv[], struct tsc_lab_err *err);

/* Opens /var/run/netns/<ns> (O_RDONLY|O_CLOEXEC). Returns an fd or -errno. */
int tsc__lab_ns_open(const char *ns);

/* Writes value to /proc/sys/<path> inside the namespace nsfd (the calling
 * thread enters it and comes back). Returns 0 or -errno. */
int tsc__lab_sysctl(int nsfd, const char *path, const char *value);

/* Fills err->msg (printf style). Always returns r, for "return seterr(...)". */
int tsc__lab_seterr(struct tsc_lab_err *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Namespaces: create (veth, addresses, sysctls, nftables) / delete. */
int tsc__lab_net_create(const char *name, struct tsc_lab_err *err);
/* Returns 1 if at least one namespace existed and was deleted, 0 if none. */
int tsc__lab_net_delete(const char *name, struct tsc_lab_err *err);

/* Replaces the contents of the "gate" chain of the lab's nftables table in
 * namespace nsfd with rules (one nft statement per line, may be ""). */
int tsc__lab_gate(int nsfd, const char *rules, struct tsc_lab_err *err);

/* The holder: runs in the daemonized child. Builds every state, writes the
 * inventory file, reports through ready_fd (an int: count of sockets or
 * -errno, followed by err->msg), then holds until SIGTERM. Never returns. */
void tsc__lab_holder_main(const char *name, int ready_fd) __attribute__((noreturn));

/* Paths under TSC_LAB_RUN_DIR. */
int tsc__lab_path(const char *name, const char *suffix, char *buf, size_t len);

#endif
