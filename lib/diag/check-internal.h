/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between check.c (config, rules), check-snap.c (the snapshot) and
 * tune-io.c (tune's observation, read from the same snapshot): the
 * breakdown tables of a snapshot and a top-N selection over them.
 */
#ifndef TSC_DIAG_CHECK_INTERNAL_H
#define TSC_DIAG_CHECK_INTERNAL_H

#include <stdint.h>

#include "core/hash.h"
#include "diag/check.h"

/* Keys are zeroed before filling (hash.h compares bytes). */
struct tsc__listener_key {
	uint8_t family, pad[3];
	uint16_t port, pad2;
	uint8_t addr[16];
	uint64_t inode;
};

struct tsc__listener_val {
	uint32_t rqueue, backlog;
	int32_t pid;
	char comm[16];
};

struct tsc__proc_port_key {
	int32_t pid;
	uint16_t port, pad;
	char comm[16];
};

struct tsc__remote_key { /* a remote address */
	uint8_t family, pad[7];
	uint8_t addr[16];
};

struct tsc__dest_key { /* local address -> remote address:port */
	uint8_t family, pad;
	uint16_t rport;
	uint8_t laddr[16], raddr[16];
};

struct tsc__count_val {
	uint64_t n;	/* sockets */
	uint64_t extra; /* rule specific: TIME_WAIT among them, retransmitting... */
};

struct tsc__remote_val {
	uint64_t counts[TSC_TCP_MAX_STATES];
};

#define TSC__IDLE_EXAMPLES 10

struct tsc__idle_example {
	struct tsc_sock sk; /* only addresses, ports and ages are used */
	uint32_t idle_ms;
};

struct tsc_check_snap {
	struct tsc_check_snap_opts o;
	uint64_t nsockets; /* passed to tsc_check_snap_add */
	uint64_t counts[TSC_TCP_MAX_STATES];
	uint64_t noowner[TSC_TCP_MAX_STATES]; /* per state: no owning inode */
	uint64_t tw_incoming;		      /* TIME_WAIT on a listening port */
	uint64_t tw_outgoing;		      /* TIME_WAIT on another ephemeral port */
	uint8_t listening[65536 / 8];	      /* bitmap of listening local ports */
	uint64_t overflow;		      /* sockets not attributed to a group: table full */
	uint64_t orphans;     /* FIN_WAIT1/2, CLOSING, LAST_ACK without an owner inode */
	uint64_t fw1_retrans; /* FIN_WAIT1 retransmitting (peer not ACKing the FIN) */
	uint64_t idle;	      /* ESTABLISHED idle, no keepalive timer */
	uint64_t keepalive;   /* ESTABLISHED with a keepalive timer */
	uint64_t closewait_noowner;
	struct tsc_hash *listeners;   /* listener_key -> listener_val */
	struct tsc_hash *synrecv;     /* uint16 local port -> count_val */
	struct tsc_hash *syn_sources; /* remote_key -> count_val (SYN_RECV sources) */
	struct tsc_hash *est_ports;   /* uint16 local port -> count_val (ESTABLISHED) */
	struct tsc_hash *closewait;   /* proc_port_key -> count_val */
	struct tsc_hash *dests;	      /* dest_key -> count_val (extra = TIME_WAIT) */
	struct tsc_hash *remotes;     /* remote_key -> remote_val */
	struct tsc__idle_example idle_ex[TSC__IDLE_EXAMPLES];
	unsigned nidle_ex;
};

struct tsc__top {
	const void *key;
	const void *val;
	uint64_t score;
};

/* The n entries of h with the largest score(val) (descending; ties in table
 * order), score > 0 only. Returns how many were stored in out. */
size_t tsc__top(const struct tsc_hash *h, uint64_t (*score)(const void *val, const void *arg),
		const void *arg, struct tsc__top *out, size_t n);

/* check-rules.c: evaluates every rule into r (r->n findings appended). */
void tsc__check_rules(const struct tsc_check_config *cfg, const struct tsc_check_input *in,
		      struct tsc_check_report *r);

#endif
