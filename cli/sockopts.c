/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared options of `sockets` and `states` (see sockopts.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "core/strparse.h"
#include "core/tcpstate.h"
#include "sockopts.h"

static int bad_port(const char *opt, const char *arg)
{
	tsc_error("bad port '%s' for %s (expected 0-65535)", arg, opt);
	return -TSC_EXIT_USAGE;
}

int tsc_sockopts_handle(struct tsc_sockopts *o, int opt, const char *arg)
{
	char bad[64];
	uint32_t mask;

	switch (opt) {
	case 'a':
		o->all = true;
		return 1;
	case 'l':
		o->listening = true;
		return 1;
	case '4':
		o->only4 = true;
		return 1;
	case '6':
		o->only6 = true;
		return 1;
	case OPT_STATE:
		if (tsc_tcp_states_parse(arg, &mask, bad, sizeof(bad)) < 0) {
			tsc_error("unknown state '%s' (valid: %s)", bad[0] ? bad : arg,
				  tsc_tcp_state_valid_names());
			return -TSC_EXIT_USAGE;
		}
		o->states |= mask;
		return 1;
	case OPT_SPORT:
		if (tsc_parse_port(arg, &o->f.sport) < 0)
			return bad_port("--sport", arg);
		o->f.has_sport = true;
		return 1;
	case OPT_DPORT:
		if (tsc_parse_port(arg, &o->f.dport) < 0)
			return bad_port("--dport", arg);
		o->f.has_dport = true;
		return 1;
	case OPT_PORT:
		if (tsc_parse_port(arg, &o->f.port) < 0)
			return bad_port("--port", arg);
		o->f.has_port = true;
		return 1;
	case OPT_SRC:
	case OPT_DST: {
		int r = tsc_sock_filter_add_prefixes(&o->f, opt == OPT_DST, arg, bad, sizeof(bad));

		if (r == -E2BIG) {
			tsc_error("too many prefixes for %s (at most %d)",
				  opt == OPT_DST ? "--dst" : "--src", TSC_FILTER_MAX_PREFIXES);
			return -TSC_EXIT_USAGE;
		}
		if (r < 0) {
			tsc_error("bad address or CIDR prefix '%s' for %s (e.g. 10.0.0.0/8, "
				  "192.0.2.1, fd00::/8)",
				  bad[0] ? bad : arg, opt == OPT_DST ? "--dst" : "--src");
			return -TSC_EXIT_USAGE;
		}
		return 1;
	}
	case OPT_SOURCE:
		if (!strcmp(arg, "netlink")) {
			o->source = TSC_SOURCE_NETLINK;
		} else if (!strcmp(arg, "proc")) {
			o->source = TSC_SOURCE_PROC;
		} else {
			tsc_error("unknown source '%s' (valid: netlink, proc)", arg);
			return -TSC_EXIT_USAGE;
		}
		return 1;
	case OPT_NETNS:
		o->netns = arg;
		return 1;
	default:
		return 0;
	}
}

int tsc_sockopts_finish(struct tsc_sockopts *o, uint32_t default_states)
{
	uint32_t states = o->states;

	if (o->all)
		states |= TSC_TCPF_ALL;
	if (o->listening)
		states |= TSC_TCPF(TSC_TCP_LISTEN);
	if (!states)
		states = default_states;
	o->q.states = states;
	o->q.ipv4 = !o->only6 || o->only4;
	o->q.ipv6 = !o->only4 || o->only6;
	if (o->netns)
		return tsc_cli_enter_netns(o->netns);
	return 0;
}

struct filter_ctx {
	struct tsc_sockopts *o;
	tsc_sock_cb cb;
	void *arg;
};

static int filter_cb(const struct tsc_sock *s, void *arg)
{
	struct filter_ctx *c = arg;

	if (!tsc_sock_filter_match(&c->o->f, s))
		return 0;
	return c->cb(s, c->arg);
}

long tsc_sockopts_dump(struct tsc_sockopts *o, tsc_sock_cb cb, void *arg)
{
	struct filter_ctx c = { o, cb, arg };
	tsc_sock_cb use = tsc_sock_filter_active(&o->f) ? filter_cb : cb;
	void *use_arg = use == filter_cb ? (void *)&c : arg;
	struct tsc_sockdiag *h;
	long r;

	if (o->source == TSC_SOURCE_PROC)
		return tsc_procnet_dump("/proc/self", &o->q, use, use_arg);
	h = tsc_sockdiag_new();
	if (!h)
		return -errno;
	r = tsc_sockdiag_dump(h, &o->q, use, use_arg);
	tsc_sockdiag_free(h);
	return r;
}

int tsc_sockopts_dump_error(struct tsc_sockopts *o, long r)
{
	if (o->source == TSC_SOURCE_NETLINK && (r == -EPROTONOSUPPORT || r == -ENOENT))
		tsc_error("netlink sock_diag is not available (%s); try '--source proc'",
			  strerror((int)-r));
	else if (o->source == TSC_SOURCE_PROC)
		tsc_error("cannot read /proc/net/tcp: %s", strerror((int)-r));
	else
		tsc_error("cannot dump the kernel's socket table: %s", strerror((int)-r));
	return TSC_EXIT_FAIL;
}
