/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope sockets`: the kernel's TCP socket table, like `ss -tan` (and
 * `netstat -nat`, `lsof -i`), streamed from one netlink dump: no socket is
 * stored, so memory stays flat at any table size. With -p the inode ->
 * process map is built once before the dump.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/tcpstate.h"
#include "output/json.h"
#include "output/sockfmt.h"
#include "sockopts.h"
#include "sys/procmap.h"

static const char usage_text[] =
	"usage: tcpscope sockets [-a | -l] [--state LIST] [-4 | -6] [--sport P] [--dport P] [--port P]\n"
	"                        [--src CIDR] [--dst CIDR] [-p] [-e] [-o] [-i] [-m] [--json]\n"
	"                        [--netns NAME] [--source netlink|proc] [-H]\n"
	"\n"
	"List TCP sockets from the kernel's table (netlink sock_diag), like `ss -tan`.\n"
	"Without -a, -l or --state: every state except LISTEN and CLOSED (as `netstat -nt`).\n"
	"\n"
	"  -a, --all            all states\n"
	"  -l, --listening      listening sockets only\n"
	"      --state LIST     states and groups, comma-separated, netstat or ss spelling:\n"
	"                       ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE\n"
	"                       CLOSE_WAIT LAST_ACK LISTEN CLOSING / established syn-sent ...;\n"
	"                       groups: all connected synchronized bucket big (as ss)\n"
	"  -4, -6               IPv4 or IPv6 only\n"
	"      --sport P, --dport P, --port P   local, remote, or either port\n"
	"      --src CIDR, --dst CIDR           local or remote address or prefix (repeatable,\n"
	"                       comma lists allowed; IPv4-mapped IPv6 matches IPv4 prefixes)\n"
	"  -p, --processes      owning processes (pid, comm, fd), like ss -p\n"
	"  -e, --extended       uid, inode and socket cookie\n"
	"  -o, --options        timers: retransmit (on), keepalive, timewait, persist; with\n"
	"                       time to expiry and retransmit/probe count, like ss -o\n"
	"  -i, --info           tcp_info internals: rtt/rttvar, rto, cwnd, ssthresh, retrans,\n"
	"                       lost, unacked, bytes sent/acked/received, delivery rate, last\n"
	"                       send/receive/ack age (ms)\n"
	"  -m, --memory         socket memory (skmem, as ss -m)\n"
	"      --json           one JSON document {\"sockets\": [...]} (keys in README)\n"
	"      --netns NAME     run in network namespace /var/run/netns/NAME\n"
	"      --source S       netlink (default) or proc (/proc/net/tcp{,6} fallback)\n"
	"  -H, --no-header      no column header\n"
	"\n"
	"For LISTEN sockets Recv-Q is the current accept-queue length (connections that\n"
	"completed the handshake and wait for accept()) and Send-Q the backlog limit\n"
	"(min(listen() backlog, net.core.somaxconn)). Otherwise they are bytes not yet read\n"
	"by the application and bytes not yet acknowledged by the peer.\n"
	"Half-open connections (kernel request sockets, NEW_SYN_RECV) are shown as SYN-RECV.\n";

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "listening", no_argument, NULL, 'l' },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "processes", no_argument, NULL, 'p' },
	{ "extended", no_argument, NULL, 'e' },
	{ "options", no_argument, NULL, 'o' },
	{ "info", no_argument, NULL, 'i' },
	{ "memory", no_argument, NULL, 'm' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "no-header", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct tsc_buf out;
	struct tsc_json j;
	bool json;
	unsigned flags;
	struct tsc_procmap *pm;
};

static int on_sock(const struct tsc_sock *s, void *arg)
{
	struct run *r = arg;
	const struct tsc_proc_owner *owners = NULL;
	size_t n = 0;

	if (r->pm)
		n = tsc_procmap_lookup(r->pm, s->inode, &owners);
	if (r->json)
		tsc_sockfmt_json(&r->j, s, owners, n, r->flags);
	else
		tsc_sockfmt_row(&r->out, s, owners, n, r->flags);
	return tsc_buf_error(&r->out);
}

int cmd_sockets(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct tsc_sockopts o = { 0 };
	struct run r = { .json = ctx->json };
	bool header = true;
	long n;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "al46peoimHh", longopts, NULL)) != -1) {
		int h = tsc_sockopts_handle(&o, opt, optarg);

		if (h < 0)
			return -h;
		if (h > 0)
			continue;
		switch (opt) {
		case 'p':
			r.flags |= TSC_SOCKFMT_PROC;
			break;
		case 'e':
			r.flags |= TSC_SOCKFMT_EXT;
			break;
		case 'o':
			r.flags |= TSC_SOCKFMT_TIMERS;
			break;
		case 'i':
			r.flags |= TSC_SOCKFMT_INFO;
			o.q.ext |= TSC_SD_EXT_INFO;
			break;
		case 'm':
			r.flags |= TSC_SOCKFMT_MEM;
			o.q.ext |= TSC_SD_EXT_MEM;
			break;
		case OPT_JSON:
			r.json = true;
			break;
		case 'H':
			header = false;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return TSC_EXIT_OK;
		default:
			return tsc_bad_option("sockets");
		}
	}
	if (optind < argc)
		return tsc_usage_error("unexpected argument '%s' (see 'tcpscope sockets --help')",
				       argv[optind]);
	if (o.source == TSC_SOURCE_PROC && o.q.ext)
		tsc_warning("--source proc has no tcp_info or memory data; -i/-m show nothing");
	rc = tsc_sockopts_finish(&o, TSC_TCPF_ALL & ~TSC_TCPF(TSC_TCP_LISTEN) &
					     ~TSC_TCPF(TSC_TCP_CLOSE));
	if (rc)
		return rc;

	if (r.flags & TSC_SOCKFMT_PROC) {
		r.pm = tsc_cli_procmap();
		if (!r.pm) {
			tsc_error("cannot map sockets to processes: %s", strerror(errno));
			return TSC_EXIT_FAIL;
		}
	}
	tsc_stdout_buf(&r.out);
	tsc_json_init(&r.j, &r.out, false);
	if (r.json) {
		tsc_json_obj_begin(&r.j, NULL);
		tsc_json_arr_begin(&r.j, "sockets");
	} else if (header) {
		tsc_sockfmt_header(&r.out, r.flags);
	}
	n = tsc_sockopts_dump(&o, on_sock, &r);
	if (n < 0 && n != -EPIPE) {
		tsc_procmap_free(r.pm);
		(void)tsc_stdout_finish(&r.out); /* keep what was printed before the error */
		return tsc_sockopts_dump_error(&o, n);
	}
	if (r.json) {
		tsc_json_arr_end(&r.j);
		tsc_json_obj_end(&r.j);
		tsc_json_newline(&r.j);
	}
	if (r.pm && tsc_procmap_denied(r.pm))
		tsc_warning("%zu processes could not be inspected (not permitted): their sockets "
			    "show no owner; run as root to see all",
			    tsc_procmap_denied(r.pm));
	tsc_procmap_free(r.pm);
	return tsc_stdout_finish(&r.out);
}
