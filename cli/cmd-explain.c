/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope explain TOPIC`: the built-in TCP reference (lib/diag/reference.h,
 * lib/diag/sysctl-facts.h) rendered by lib/output/reffmt.h as wrapped text or
 * JSON; a sysctl with its current value in the namespace given with --netns
 * (tsc_sysctl_fact_read). Option parsing and glue only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "diag/reference.h"
#include "diag/sysctl-facts.h"
#include "output/reffmt.h"

static const char usage_text[] =
	"usage: tcpscope explain [--json] TOPIC...\n"
	"       tcpscope explain [--json] KIND NAME\n"
	"       tcpscope explain [--json] --list | states | flags | sysctls | errnos\n"
	"\n"
	"The built-in TCP reference. TOPIC is one of:\n"
	"  a state     TIME_WAIT, time-wait, TIME-WAIT, 6 (netstat, ss, RFC spelling, kernel number)\n"
	"  diagram     the TCP state diagram with client and server paths\n"
	"  handshake   the three-way handshake with sequence numbers, simultaneous open\n"
	"  close       the four-way close, TIME-WAIT, simultaneous and abortive close\n"
	"  a flag      SYN ACK FIN RST PSH URG ECE CWR AE, or tcpdump's letters S . F R P U E W\n"
	"  a sysctl    tcp_fin_timeout, net.ipv4.tcp_fin_timeout, /proc/sys/net/ipv4/tcp_fin_timeout\n"
	"              (shows the current value of this host or of --netns NAME)\n"
	"  an errno    ECONNREFUSED or 111: what happened on the wire, in which state\n"
	"\n"
	"KIND (state, flag, sysctl, errno, topic) picks one table when a name is\n"
	"ambiguous: a bare number 1..11 is a state, 'explain errno 11' is EAGAIN.\n"
	"netstat's 'CLOSE' is the CLOSED state; 'close' is the closing topic.\n"
	"\n"
	"  -l, --list   list every topic, grouped by kind\n"
	"      --json   one JSON object per topic (stable keys, see doc/cmd/explain.md)\n"
	"  -h, --help   this help\n";

static const struct option longopts[] = {
	{ "list", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One entry in the chosen form; a sysctl with its current value. */
static void put_hit(struct tsc_buf *b, const struct tsc_ref_hit *h, bool json)
{
	struct tsc_sysctl_current cur = { .err = -ENODATA };

	if (h->kind == TSC_REF_SYSCTL)
		tsc_sysctl_fact_read(NULL, h->sysctl, &cur);
	if (json)
		tsc_reffmt_json(b, h, &cur);
	else
		tsc_reffmt_text(b, h, &cur);
}

/* ------------------------------------------------------------------------ */

static int unknown_topic(const char *query, enum tsc_ref_kind kind)
{
	const char *near = tsc_ref_nearest(query, kind);
	char hint[128] = "";

	if (near)
		snprintf(hint, sizeof(hint), "; did you mean '%s'?", near);
	if (kind != TSC_REF_NONE)
		return tsc_usage_error("unknown %s '%s' (see 'tcpscope explain %ss')%s",
				       tsc_ref_kind_name(kind), query, tsc_ref_kind_name(kind),
				       hint);
	return tsc_usage_error("unknown topic '%s' (valid kinds: a state, flag, sysctl or errno, "
			       "or diagram, handshake, close; see 'tcpscope explain --list')%s",
			       query, hint);
}

static int explain(struct tsc_buf *b, int argc, char **argv, bool json)
{
	enum tsc_ref_kind kind = TSC_REF_NONE;
	struct tsc_ref_hit hit;
	int k, first = 0;

	if (argc >= 2 && (k = tsc_ref_kind_parse(argv[0])) > 0) {
		kind = (enum tsc_ref_kind)k;
		first = 1;
	} else if (argc == 1 && (k = tsc_ref_kind_parse(argv[0])) > 0) {
		/* a kind word alone ("states", "errno") lists that kind */
		tsc_reffmt_list(b, json, (enum tsc_ref_kind)k);
		return TSC_EXIT_OK;
	}
	/* resolve everything first: a typo must not leave half the output */
	for (int i = first; i < argc; i++)
		if (tsc_ref_lookup(argv[i], kind, &hit) < 0)
			return unknown_topic(argv[i], kind);
	for (int i = first; i < argc; i++) {
		if (tsc_ref_lookup(argv[i], kind, &hit) < 0)
			return TSC_EXIT_FAIL;
		if (!json && i > first)
			tsc_buf_putc(b, '\n');
		put_hit(b, &hit, json);
	}
	return TSC_EXIT_OK;
}

int cmd_explain(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct tsc_buf b;
	bool json = ctx->json, list = false;
	int c, rc;

	optind = 1;
	opterr = 0; /* one-line errors of our own */
	while ((c = getopt_long(argc, argv, "+ljh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return TSC_EXIT_OK;
		default:
			return tsc_usage_error(
				"unknown option '%s' for explain (valid: --list, --json, "
				"--help)",
				argv[optind - 1]);
		}
	}
	if (list && optind < argc)
		return tsc_usage_error("--list takes no topic (got '%s')", argv[optind]);
	tsc_stdout_buf(&b);
	if (list || optind >= argc) {
		tsc_reffmt_list(&b, json, TSC_REF_NONE);
		rc = TSC_EXIT_OK;
	} else {
		rc = explain(&b, argc - optind, argv + optind, json);
	}
	if (rc != TSC_EXIT_OK) {
		tsc_buf_release(&b);
		return rc;
	}
	return tsc_stdout_finish(&b);
}
