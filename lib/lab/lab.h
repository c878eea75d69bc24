/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab: real kernel TCP connections driven into each of the 11 states of
 * RFC 9293 section 3.3.2 and held there, in two private network namespaces
 * (tsclab-<name>-c, tsclab-<name>-s) joined by a veth pair. Packets are
 * dropped with nftables rules and retries raised with sysctls, always inside
 * the lab namespaces, never the host's. A daemonized holder process keeps the
 * sockets; tsc_lab_down() stops it and deletes the namespaces. The library
 * never prints: the narration of each state is data for the CLI to print.
 * It runs ip(8) and nft(8) as child processes.
 */
#ifndef TSC_LAB_LAB_H
#define TSC_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cleanup.h"

#define TSC_LAB_NAME_MAX  24   /* longest --name */
#define TSC_LAB_NS_MAX	  40   /* "tsclab-" + name + "-c" + NUL fits */
#define TSC_LAB_PORT_BASE 9500 /* a state's port is 9500 + kernel state number */
#define TSC_LAB_RUN_DIR	  "/run/tcpscope-lab"
#define TSC_LAB_MAX_SOCKS 64

/* Addresses inside the lab (RFC 1918 / RFC 4193 ranges, private to the lab
 * namespaces, so parallel labs can use the same ones). */
#define TSC_LAB_CLIENT_IP4 "10.250.0.1"
#define TSC_LAB_SERVER_IP4 "10.250.0.2"
#define TSC_LAB_CLIENT_IP6 "fd00:250::1"
#define TSC_LAB_SERVER_IP6 "fd00:250::2"

enum tsc_lab_side {
	TSC_LAB_CLIENT = 0,
	TSC_LAB_SERVER = 1,
};

/* What one state's narration says (static data). */
struct tsc_lab_state_info {
	uint8_t state;	     /* kernel state number, 1..11 */
	uint8_t side;	     /* enum tsc_lab_side where the lab shows it */
	uint16_t port;	     /* the server port of its connection */
	bool transient;	     /* does a real connection normally pass through quickly? */
	const char *meaning; /* what the state means */
	const char *packet;  /* the segment (or call) that moved the socket there */
	const char *hold;    /* how the lab holds it */
	const char *partner; /* where the other end of the connection is */
};

/* Info for a kernel state number 1..11, NULL otherwise. */
const struct tsc_lab_state_info *tsc_lab_state_info(unsigned state);

/* One socket the holder keeps (or, for TIME_WAIT and SYN_RECV request
 * sockets, made and left to the kernel). */
struct tsc_lab_sock {
	uint8_t state;	/* the state it was seen in (kernel number) */
	uint8_t side;	/* enum tsc_lab_side */
	uint8_t family; /* AF_INET or AF_INET6 */
	uint16_t port;	/* server port of the connection = the state's port */
};

struct tsc_lab_status {
	bool holder_alive;
	pid_t pid;	   /* holder pid from the pid file, 0 if none */
	bool ns_exists[2]; /* indexed by enum tsc_lab_side */
	size_t nsocks;
	struct tsc_lab_sock socks[TSC_LAB_MAX_SOCKS]; /* from the holder's inventory */
};

/* A human-readable reason for the last failure (the failing command and its
 * first line of stderr). The CLI prints it; the library only fills it. */
struct tsc_lab_err {
	char msg[256];
};

/* Checks a lab name: 1..TSC_LAB_NAME_MAX of [A-Za-z0-9_.-], not starting
 * with '.' or '-'. Returns 0 or -EINVAL. */
TSC_MUST_CHECK int tsc_lab_check_name(const char *name);

/* The namespace name of one side: "tsclab-<name>-c" or "-s". */
TSC_MUST_CHECK int tsc_lab_ns_name(const char *name, enum tsc_lab_side side, char *buf, size_t len);

/* Creates the namespaces, veth, addresses, sysctls and nftables rules, then
 * starts the holder and waits (at most ~20 s) until it reports every state
 * built. Leftovers of an earlier lab of this name without a live holder are
 * removed first. On failure everything created is removed again. The calling
 * thread's network namespace is unchanged on return. Returns the holder's
 * pid, -EEXIST if a holder of this name is alive, or -errno (err filled). */
TSC_MUST_CHECK int tsc_lab_up(const char *name, struct tsc_lab_err *err);

/* Stops the holder (SIGTERM, then SIGKILL after 2 s) and deletes both
 * namespaces, the pid file and the inventory. Idempotent: returns 1 if
 * something was removed, 0 if there was nothing, -errno on failure. */
TSC_MUST_CHECK int tsc_lab_down(const char *name, struct tsc_lab_err *err);

/* Fills ret from the pid file, the inventory and /var/run/netns. Returns 0
 * (also when the lab is down: check the fields) or -errno. */
TSC_MUST_CHECK int tsc_lab_status(const char *name, struct tsc_lab_status *ret);

/* Counts the sockets per state in one side's namespace with sock_diag (all
 * states, bound-inactive CLOSED sockets included). counts has
 * TSC_TCP_MAX_STATES entries indexed by kernel state number and is cleared
 * first. The calling thread's namespace is unchanged on return. Returns the
 * number of sockets or -errno (-ENOENT: no such namespace). */
TSC_MUST_CHECK long tsc_lab_census(const char *name, enum tsc_lab_side side, uint64_t *counts);

/* Parses one inventory line "STATE SIDE FAMILY PORT" (numbers). Returns 0 or
 * -EINVAL. Exposed for tests. */
TSC_MUST_CHECK int tsc_lab_parse_inventory_line(const char *line, struct tsc_lab_sock *ret);

#endif
