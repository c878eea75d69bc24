/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the files of lib/sockdiag (tsc__ prefix, never exported
 * through sockdiag.h). Wire constants of the inet_diag protocol live here so
 * that parse.c, netlink.c and the fuzzer agree on them.
 */
#ifndef TSC_SOCKDIAG_INTERNAL_H
#define TSC_SOCKDIAG_INTERNAL_H

#include <stdint.h>

#include "core/tcpstate.h"

/* Sizes on the wire (linux/netlink.h, linux/inet_diag.h): an nlmsghdr is
 * 16 bytes, struct inet_diag_msg 72 and struct inet_diag_req_v2 56; all are
 * multiples of 4, so no alignment padding sits between them. */
#define TSC__NLMSG_HDRLEN  16u
#define TSC__IDIAG_MSG_LEN 72u
#define TSC__IDIAG_REQ_LEN 56u
#define TSC__NLA_HDRLEN	   4u
#define TSC__ALIGN4(n)	   (((n) + 3u) & ~(size_t)3u)

/* The sequence number of a handle's first request; every request takes the
 * next one. Recorded fixtures (tests/unit/data/sockdiag-*.nl) rely on it. */
#define TSC__SD_SEQ_FIRST 1u

/* Linux 6.10+ (commit 91051f003948, "tcp: Dump bound-only sockets in
 * inet_diag"): request bit for sockets that are bound but neither listening
 * nor connected. They come back with idiag_state TCP_CLOSE (7). */
#define TSC__TCP_BOUND_INACTIVE 13u

/* Maps a kernel state number to the one we report: 1..11 as is, request
 * sockets (NEW_SYN_RECV, 12) as SYN_RECV, BOUND_INACTIVE (13, should a kernel
 * ever report it) as CLOSE. Returns 0 for anything else (malformed). */
static inline uint8_t tsc__sockdiag_state(uint8_t state)
{
	if (state >= TSC_TCP_ESTABLISHED && state <= TSC_TCP_CLOSING)
		return state;
	if (state == TSC_TCP_NEW_SYN_RECV)
		return TSC_TCP_SYN_RECV;
	if (state == TSC__TCP_BOUND_INACTIVE)
		return TSC_TCP_CLOSE;
	return 0;
}

#endif
