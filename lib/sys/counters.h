/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's SNMP and extended TCP counters: /proc/net/snmp and
 * /proc/net/netstat, which both hold pairs of lines "Group: Name1 Name2 ..."
 * and "Group: 1 2 ...". Parsed strictly (every byte through core/cursor.h,
 * bounded sizes, header and value lines must match) into a flat name/value
 * list. Counters are per network namespace: the reader sees the namespace of
 * the calling thread. Does not interpret the counters (diag/check.c does).
 */
#ifndef TSC_SYS_COUNTERS_H
#define TSC_SYS_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

#define TSC_COUNTERS_MAX      2048	   /* name/value pairs kept in all */
#define TSC_COUNTERS_LINE_MAX 512	   /* names per line */
#define TSC_COUNTERS_FILE_MAX (256 * 1024) /* bytes read from one file */
#define TSC_COUNTER_GROUP_LEN 16
#define TSC_COUNTER_NAME_LEN  64

struct tsc_counter {
	char group[TSC_COUNTER_GROUP_LEN]; /* "Tcp", "TcpExt" (without the colon) */
	char name[TSC_COUNTER_NAME_LEN];   /* "ListenOverflows" */
	int64_t value;			   /* Tcp MaxConn is -1; all others count up */
};

struct tsc_counters {
	struct tsc_counter *v;
	size_t n, cap;
};

void tsc_counters_init(struct tsc_counters *c);
void tsc_counters_release(struct tsc_counters *c);

/* Parses the text of /proc/net/snmp or /proc/net/netstat (len bytes, need not
 * be NUL-terminated) and appends its counters. The whole text must be header
 * and value line pairs, each line ending in '\n': group names of letters and
 * digits followed by ':', counter names of letters, digits and '_', values
 * decimal 64-bit integers with an optional '-', fields separated by spaces,
 * the same group and number of fields on both lines. A pair whose group+name
 * is already present keeps the first value. On error nothing is appended.
 * Returns the number of counters appended, -EINVAL (malformed or truncated),
 * -ERANGE (value does not fit), -E2BIG (more than TSC_COUNTERS_MAX or
 * TSC_COUNTERS_LINE_MAX) or -ENOMEM. */
TSC_MUST_CHECK int tsc_counters_parse(struct tsc_counters *c, const void *text, size_t len);

/* Reads and parses one file (at most TSC_COUNTERS_FILE_MAX bytes, else
 * -EFBIG). Returns as tsc_counters_parse or -errno from open/read. */
TSC_MUST_CHECK int tsc_counters_read_file(struct tsc_counters *c, const char *path);

/* Reads root/net/snmp and root/net/netstat (root is normally "/proc/self",
 * i.e. the calling thread's network namespace; tests pass a fixture dir).
 * Both files must be readable and well-formed, and the Tcp group present
 * (-ENODATA if not). Returns the number of counters or -errno. */
TSC_MUST_CHECK int tsc_counters_read(struct tsc_counters *c, const char *root);

/* Looks up group/name ("TcpExt", "ListenOverflows"). Returns true and sets
 * *ret when present. */
bool tsc_counters_get(const struct tsc_counters *c, const char *group, const char *name,
		      int64_t *ret);

#endif
