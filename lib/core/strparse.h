/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict parsers for everything a user types: numbers, ports, addresses and
 * CIDR prefixes. One place where errno is cleared, the end pointer checked and
 * the range enforced, so no command parses a number by itself.
 */
#ifndef TSC_CORE_STRPARSE_H
#define TSC_CORE_STRPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cleanup.h"

/* Decimal unsigned integer in [min, max]. Returns 0, -EINVAL (not a number,
 * trailing garbage, sign, empty) or -ERANGE. */
TSC_MUST_CHECK int tsc_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);
TSC_MUST_CHECK int tsc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret);
/* Signed decimal integer in [min, max]. */
TSC_MUST_CHECK int tsc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret);
/* A TCP/UDP port 0..65535. */
TSC_MUST_CHECK int tsc_parse_port(const char *s, uint16_t *ret);
/* Non-negative decimal seconds ("1", "0.5", "2.25"), returned in milliseconds,
 * at most max_ms. */
TSC_MUST_CHECK int tsc_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ret);

/* An IPv4 or IPv6 address with a prefix length. Addresses are kept in network
 * byte order; IPv4 in the first 4 bytes of addr. */
struct tsc_prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t plen; /* 0..32 or 0..128 */
};

/* "10.0.0.0/8", "10.1.2.3" (a /32), "fd00::/8", "::1", "[::1]". Host bits
 * outside the prefix are cleared. Returns 0 or -EINVAL. */
TSC_MUST_CHECK int tsc_parse_prefix(const char *s, struct tsc_prefix *ret);
/* An endpoint "10.0.0.1:80" or "[fd00::1]:80" (IPv6 only in brackets; no
 * prefix length; port 0..65535). ret_addr gets a /32 or /128 prefix.
 * Returns 0 or -EINVAL / -ERANGE. */
TSC_MUST_CHECK int tsc_parse_endpoint(const char *s, struct tsc_prefix *ret_addr,
				      uint16_t *ret_port);

/* True if the address (family, 4 or 16 bytes in network order) is inside p.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches an IPv4 prefix. */
bool tsc_prefix_match(const struct tsc_prefix *p, int family, const uint8_t *addr);

/* Splits "a,b,c" in place-free fashion: calls fn for every non-empty item.
 * Stops and returns fn's negative result; otherwise 0. Items longer than 63
 * bytes return -ENAMETOOLONG. */
TSC_MUST_CHECK int tsc_parse_list(const char *s, int (*fn)(const char *item, void *arg), void *arg);

/* Case-insensitive Levenshtein distance between two short strings, for "did
 * you mean" suggestions; 99 when either is 48 bytes or longer. */
unsigned tsc_edit_distance(const char *a, const char *b);

#endif
