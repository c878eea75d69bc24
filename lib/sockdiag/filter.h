/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user-side socket filter shared by `sockets`, `states`, `check` and
 * `top`: ports and address prefixes on either side. States and families are
 * filtered in the kernel (struct tsc_sockdiag_query); this is the rest.
 */
#ifndef TSC_SOCKDIAG_FILTER_H
#define TSC_SOCKDIAG_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strparse.h"
#include "sockdiag/sockdiag.h"

#define TSC_FILTER_MAX_PREFIXES 16

struct tsc_sock_filter {
	bool has_sport, has_dport, has_port;
	uint16_t sport, dport, port; /* port: either side */
	unsigned nsrc, ndst;	     /* prefixes are ORed within a side */
	struct tsc_prefix src[TSC_FILTER_MAX_PREFIXES];
	struct tsc_prefix dst[TSC_FILTER_MAX_PREFIXES];
};

/* Adds a prefix list "a,b/24" to src or dst. Returns 0, -EINVAL (bad item
 * copied to bad), -E2BIG (too many). */
TSC_MUST_CHECK int tsc_sock_filter_add_prefixes(struct tsc_sock_filter *f, bool dst,
						const char *list, char *bad, unsigned bad_len);

/* True if the filter has anything to check. */
bool tsc_sock_filter_active(const struct tsc_sock_filter *f);

bool tsc_sock_filter_match(const struct tsc_sock_filter *f, const struct tsc_sock *s);

#endif
