/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option parsing shared by `sockets` and `states`: state lists, families,
 * ports, prefixes and the data source, with one error message per mistake.
 */
#ifndef TSC_CLI_SOCKOPTS_H
#define TSC_CLI_SOCKOPTS_H

#include <stdbool.h>

#include "sockdiag/filter.h"
#include "sockdiag/sockdiag.h"

enum tsc_source { TSC_SOURCE_NETLINK, TSC_SOURCE_PROC };

struct tsc_sockopts {
	struct tsc_sockdiag_query q;
	struct tsc_sock_filter f;
	enum tsc_source source;
	uint32_t states;     /* from --state, 0 = not given */
	bool all, listening; /* -a, -l */
	bool only4, only6;
	const char *netns;
};

/* Long option ids shared by both commands (>= 0x100). */
enum {
	OPT_STATE = 0x100,
	OPT_SPORT,
	OPT_DPORT,
	OPT_PORT,
	OPT_SRC,
	OPT_DST,
	OPT_SOURCE,
	OPT_NETNS,
	OPT_JSON,
	OPT_NO_HEADER,
	OPT_BY,
	OPT_TOP,
	OPT_INTERVAL,
	OPT_COUNT,
};

/* Handles one option shared by sockets/states. Returns 1 if handled, 0 if not
 * one of ours, or an exit code (TSC_EXIT_USAGE) after printing the error, as
 * a negative number. */
int tsc_sockopts_handle(struct tsc_sockopts *o, int opt, const char *arg);

/* Finishes the query: default states (default_states when no -a/-l/--state),
 * families. Enters --netns if given. Returns 0 or an exit code. */
int tsc_sockopts_finish(struct tsc_sockopts *o, uint32_t default_states);

/* Runs the dump from the chosen source, applying the user-side filter. */
long tsc_sockopts_dump(struct tsc_sockopts *o, tsc_sock_cb cb, void *arg);

/* Reports a failed dump (netlink unavailable, permission...). */
int tsc_sockopts_dump_error(struct tsc_sockopts *o, long r);

#endif
