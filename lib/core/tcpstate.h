/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 11 TCP states of RFC 9293 section 3.3.2, numbered as the Linux kernel
 * numbers them (include/net/tcp_states.h), with every spelling users type:
 * netstat's (FIN_WAIT1), ss's (fin-wait-1), the RFC's (FIN-WAIT-1) and the
 * kernel's numbers. JSON output everywhere uses the RFC spelling.
 */
#ifndef TSC_CORE_TCPSTATE_H
#define TSC_CORE_TCPSTATE_H

#include <stdint.h>

#include "core/cleanup.h"

enum tsc_tcp_state {
	TSC_TCP_ESTABLISHED = 1,
	TSC_TCP_SYN_SENT = 2,
	TSC_TCP_SYN_RECV = 3,
	TSC_TCP_FIN_WAIT1 = 4,
	TSC_TCP_FIN_WAIT2 = 5,
	TSC_TCP_TIME_WAIT = 6,
	TSC_TCP_CLOSE = 7,
	TSC_TCP_CLOSE_WAIT = 8,
	TSC_TCP_LAST_ACK = 9,
	TSC_TCP_LISTEN = 10,
	TSC_TCP_CLOSING = 11,
	TSC_TCP_NEW_SYN_RECV = 12, /* kernel request socket; shown as SYN_RECV */
	TSC_TCP_MAX_STATES = 13,
};

#define TSC_TCPF(s)  (1u << (s))
#define TSC_TCPF_ALL 0x0ffeu /* states 1..11 */
/* ss's groups (iproute2 ss.c): minisockets are SYN-RECV requests and TIME-WAIT. */
#define TSC_TCPF_BUCKET (TSC_TCPF(TSC_TCP_SYN_RECV) | TSC_TCPF(TSC_TCP_TIME_WAIT))
#define TSC_TCPF_BIG	(TSC_TCPF_ALL & ~TSC_TCPF_BUCKET)
#define TSC_TCPF_CONNECTED \
	(TSC_TCPF_ALL & ~(TSC_TCPF(TSC_TCP_LISTEN) | TSC_TCPF(TSC_TCP_CLOSE) | TSC_TCPF_BUCKET))
#define TSC_TCPF_SYNCHRONIZED (TSC_TCPF_CONNECTED & ~TSC_TCPF(TSC_TCP_SYN_SENT))

/* The 11 states in the order of the state diagram: CLOSED, LISTEN, SYN-SENT,
 * SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING,
 * LAST-ACK, TIME-WAIT. */
extern const uint8_t tsc_tcp_state_order[11];

/* Names for a state 1..12 (12 maps to SYN_RECV); "UNKNOWN" otherwise. */
const char *tsc_tcp_state_rfc(unsigned state);	   /* "FIN-WAIT-1" */
const char *tsc_tcp_state_netstat(unsigned state); /* "FIN_WAIT1" */
const char *tsc_tcp_state_ss(unsigned state);	   /* "FIN-WAIT-1" as ss prints it */
const char *tsc_tcp_state_ssname(unsigned state);  /* "fin-wait-1", ss's filter name */

/* One state name in any spelling (case-insensitive) or a kernel number 1..11.
 * Returns the state (1..11) or -EINVAL. */
TSC_MUST_CHECK int tsc_tcp_state_parse(const char *name);

/* A comma-separated list of state names and ss group names (all, connected,
 * synchronized, bucket, big) into a bitmask of TSC_TCPF() bits. Returns 0, or
 * -EINVAL with the offending item copied into bad_buf (may be NULL). */
TSC_MUST_CHECK int tsc_tcp_states_parse(const char *list, uint32_t *ret_mask, char *bad_buf,
					unsigned bad_len);

/* The valid names as one line, for error messages. */
const char *tsc_tcp_state_valid_names(void);

#endif
