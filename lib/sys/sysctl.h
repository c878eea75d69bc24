/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading sysctls from /proc/sys strictly: one value as a string, one
 * integer or a vector of integers ("32768\t60999"). Network sysctls are read
 * in the calling thread's network namespace. The root directory is a
 * parameter so tests read fixture trees. Writing is `tune`'s job, not here.
 */
#ifndef TSC_SYS_SYSCTL_H
#define TSC_SYS_SYSCTL_H

#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

#define TSC_SYSCTL_ROOT	    "/proc/sys"
#define TSC_SYSCTL_TEXT_MAX 4096 /* longest value read */

/* Builds root/name as a path: name is "net.ipv4.tcp_fin_timeout" (dots become
 * slashes) or "net/ipv4/tcp_fin_timeout"; it may hold only letters, digits,
 * '_', '-', '.' and '/', and no empty, "." or ".." component. root NULL means
 * TSC_SYSCTL_ROOT. Returns 0, -EINVAL (bad name) or -ENAMETOOLONG. */
TSC_MUST_CHECK int tsc_sysctl_path(const char *root, const char *name, char *buf, size_t len);

/* Reads the value as text, without the one trailing newline the kernel
 * writes, into buf (NUL-terminated). Returns its length, -EINVAL (bad name,
 * or a value holding a NUL byte), -E2BIG (longer than len - 1 or
 * TSC_SYSCTL_TEXT_MAX) or -errno (-ENOENT: no such sysctl). */
TSC_MUST_CHECK int tsc_sysctl_read_str(const char *root, const char *name, char *buf, size_t len);

/* The same from an open sysctl file (read from offset 0 with pread, so a
 * descriptor opened before entering another namespace keeps reading the
 * namespace it was opened in). Returns as tsc_sysctl_read_str. */
TSC_MUST_CHECK int tsc_sysctl_read_fd(int fd, char *buf, size_t len);

/* Parses text as 1..max decimal integers (optional '-') separated by spaces
 * or tabs, with at most one trailing newline and nothing else. Returns the
 * count, -EINVAL or -ERANGE (out of int64 range, or more than max). */
TSC_MUST_CHECK int tsc_sysctl_parse_ints(const char *text, size_t len, int64_t *vals, size_t max);

/* The same for exactly n integers (n >= 1): returns 0, -EINVAL (fewer or more
 * than n, or not this format) or -ERANGE (an integer out of int64 range). */
TSC_MUST_CHECK int tsc_sysctl_parse_ints_exact(const char *text, size_t len, int64_t *vals,
					       size_t n);

/* Reads a sysctl holding 1..max integers. Returns the count or -errno. */
TSC_MUST_CHECK int tsc_sysctl_read_ints(const char *root, const char *name, int64_t *vals,
					size_t max);

/* Reads a sysctl holding exactly one integer. Returns 0 or -errno
 * (-EINVAL if it holds anything else). */
TSC_MUST_CHECK int tsc_sysctl_read_int(const char *root, const char *name, int64_t *ret);

#endif
