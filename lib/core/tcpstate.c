/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State names and the name/group parser (see tcpstate.h). The ss group
 * definitions follow iproute2's ss.c (SS_CONN and friends).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/strparse.h"
#include "core/tcpstate.h"

const uint8_t tsc_tcp_state_order[11] = {
	TSC_TCP_CLOSE,	     TSC_TCP_LISTEN,	TSC_TCP_SYN_SENT,  TSC_TCP_SYN_RECV,
	TSC_TCP_ESTABLISHED, TSC_TCP_FIN_WAIT1, TSC_TCP_FIN_WAIT2, TSC_TCP_CLOSE_WAIT,
	TSC_TCP_CLOSING,     TSC_TCP_LAST_ACK,	TSC_TCP_TIME_WAIT,
};

struct state_names {
	const char *rfc, *netstat, *ss, *ssname;
};

static const struct state_names names[TSC_TCP_MAX_STATES] = {
	[TSC_TCP_ESTABLISHED] = { "ESTABLISHED", "ESTABLISHED", "ESTAB", "established" },
	[TSC_TCP_SYN_SENT] = { "SYN-SENT", "SYN_SENT", "SYN-SENT", "syn-sent" },
	[TSC_TCP_SYN_RECV] = { "SYN-RECEIVED", "SYN_RECV", "SYN-RECV", "syn-recv" },
	[TSC_TCP_FIN_WAIT1] = { "FIN-WAIT-1", "FIN_WAIT1", "FIN-WAIT-1", "fin-wait-1" },
	[TSC_TCP_FIN_WAIT2] = { "FIN-WAIT-2", "FIN_WAIT2", "FIN-WAIT-2", "fin-wait-2" },
	[TSC_TCP_TIME_WAIT] = { "TIME-WAIT", "TIME_WAIT", "TIME-WAIT", "time-wait" },
	[TSC_TCP_CLOSE] = { "CLOSED", "CLOSE", "UNCONN", "closed" },
	[TSC_TCP_CLOSE_WAIT] = { "CLOSE-WAIT", "CLOSE_WAIT", "CLOSE-WAIT", "close-wait" },
	[TSC_TCP_LAST_ACK] = { "LAST-ACK", "LAST_ACK", "LAST-ACK", "last-ack" },
	[TSC_TCP_LISTEN] = { "LISTEN", "LISTEN", "LISTEN", "listening" },
	[TSC_TCP_CLOSING] = { "CLOSING", "CLOSING", "CLOSING", "closing" },
	[TSC_TCP_NEW_SYN_RECV] = { "SYN-RECEIVED", "SYN_RECV", "SYN-RECV", "syn-recv" },
};

static const struct state_names *lookup(unsigned state)
{
	if (state == 0 || state >= TSC_TCP_MAX_STATES)
		return NULL;
	return &names[state];
}

const char *tsc_tcp_state_rfc(unsigned state)
{
	const struct state_names *n = lookup(state);
	return n ? n->rfc : "UNKNOWN";
}

const char *tsc_tcp_state_netstat(unsigned state)
{
	const struct state_names *n = lookup(state);
	return n ? n->netstat : "UNKNOWN";
}

const char *tsc_tcp_state_ss(unsigned state)
{
	const struct state_names *n = lookup(state);
	return n ? n->ss : "UNKNOWN";
}

const char *tsc_tcp_state_ssname(unsigned state)
{
	const struct state_names *n = lookup(state);
	return n ? n->ssname : "unknown";
}

/* Extra accepted spellings beyond the four tables. */
static const struct {
	const char *name;
	unsigned state;
} aliases[] = {
	{ "estab", TSC_TCP_ESTABLISHED },     { "syn-received", TSC_TCP_SYN_RECV },
	{ "syn_received", TSC_TCP_SYN_RECV }, { "close", TSC_TCP_CLOSE },
	{ "unconn", TSC_TCP_CLOSE },	      { "listening", TSC_TCP_LISTEN },
	{ "fin_wait_1", TSC_TCP_FIN_WAIT1 },  { "fin_wait_2", TSC_TCP_FIN_WAIT2 },
	{ "fin-wait1", TSC_TCP_FIN_WAIT1 },   { "fin-wait2", TSC_TCP_FIN_WAIT2 },
	{ "timewait", TSC_TCP_TIME_WAIT },    { "closewait", TSC_TCP_CLOSE_WAIT },
	{ "lastack", TSC_TCP_LAST_ACK },
};

int tsc_tcp_state_parse(const char *name)
{
	uint64_t num;

	if (!name || !*name)
		return -EINVAL;
	if (tsc_parse_u64(name, 1, 11, &num) == 0)
		return (int)num;
	for (unsigned s = 1; s <= 11; s++) {
		const struct state_names *n = &names[s];

		if (!strcasecmp(name, n->rfc) || !strcasecmp(name, n->netstat) ||
		    !strcasecmp(name, n->ss) || !strcasecmp(name, n->ssname))
			return (int)s;
	}
	for (size_t i = 0; i < TSC_ARRAY_SIZE(aliases); i++)
		if (!strcasecmp(name, aliases[i].name))
			return (int)aliases[i].state;
	return -EINVAL;
}

static const struct {
	const char *name;
	uint32_t mask;
} groups[] = {
	{ "all", TSC_TCPF_ALL },
	{ "connected", TSC_TCPF_CONNECTED },
	{ "synchronized", TSC_TCPF_SYNCHRONIZED },
	{ "bucket", TSC_TCPF_BUCKET },
	{ "big", TSC_TCPF_BIG },
};

struct parse_state {
	uint32_t mask;
	char *bad;
	unsigned bad_len;
};

static int parse_one(const char *item, void *arg)
{
	struct parse_state *ps = arg;
	int s;

	for (size_t i = 0; i < TSC_ARRAY_SIZE(groups); i++) {
		if (!strcasecmp(item, groups[i].name)) {
			ps->mask |= groups[i].mask;
			return 0;
		}
	}
	s = tsc_tcp_state_parse(item);
	if (s < 0) {
		if (ps->bad && ps->bad_len)
			snprintf(ps->bad, ps->bad_len, "%s", item);
		return -EINVAL;
	}
	ps->mask |= TSC_TCPF(s);
	return 0;
}

int tsc_tcp_states_parse(const char *list, uint32_t *ret_mask, char *bad_buf, unsigned bad_len)
{
	struct parse_state ps = { 0, bad_buf, bad_len };
	int r;

	if (bad_buf && bad_len)
		bad_buf[0] = '\0';
	r = tsc_parse_list(list, parse_one, &ps);
	if (r == -ENAMETOOLONG && bad_buf && bad_len)
		snprintf(bad_buf, bad_len, "%.40s...", list);
	if (r < 0)
		return -EINVAL;
	if (ps.mask == 0)
		return -EINVAL;
	*ret_mask = ps.mask;
	return 0;
}

const char *tsc_tcp_state_valid_names(void)
{
	return "ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, "
	       "CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING (or ss spellings: established, syn-sent, "
	       "syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, "
	       "listening, closing; groups: all, connected, synchronized, bucket, big)";
}
