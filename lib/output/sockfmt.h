/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One socket record -> a text row like `ss -tan` (with the -p -e -o -i -m
 * extras in ss's notation) or a JSON object with stable keys (documented in
 * README.md). Formatting only: no I/O, no lookups.
 */
#ifndef TSC_OUTPUT_SOCKFMT_H
#define TSC_OUTPUT_SOCKFMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "output/json.h"
#include "sockdiag/sockdiag.h"
#include "sys/procmap.h"

enum tsc_sockfmt_flags {
	TSC_SOCKFMT_PROC = 1 << 0,   /* -p: owning processes */
	TSC_SOCKFMT_EXT = 1 << 1,    /* -e: uid, inode, cookie */
	TSC_SOCKFMT_TIMERS = 1 << 2, /* -o: timer, expiry, retransmits */
	TSC_SOCKFMT_INFO = 1 << 3,   /* -i: tcp_info internals */
	TSC_SOCKFMT_MEM = 1 << 4,    /* -m: socket memory */
};

#define TSC_ADDRSTRLEN 48

/* "10.0.0.1" or "fd00::1" (no brackets); returns the length. */
size_t tsc_fmt_addr(char *dst, int family, const uint8_t *addr);
/* "10.0.0.1:80", "[fd00::1]:80", port 0 as "*". */
size_t tsc_fmt_endpoint(char *dst, int family, const uint8_t *addr, uint16_t port);
/* ss's timer notation: "119min", "59sec", "1.200ms"-style (print_ms_timer). */
void tsc_fmt_ms_timer(struct tsc_buf *b, uint32_t ms);

void tsc_sockfmt_header(struct tsc_buf *b, unsigned flags);
void tsc_sockfmt_row(struct tsc_buf *b, const struct tsc_sock *s,
		     const struct tsc_proc_owner *owners, size_t nowners, unsigned flags);
/* Writes one JSON object (no key: for use inside an array). */
void tsc_sockfmt_json(struct tsc_json *j, const struct tsc_sock *s,
		      const struct tsc_proc_owner *owners, size_t nowners, unsigned flags);

#endif
