/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpscope flows: TCP connections rebuilt from packets (a pcap file or a
 * live interface). Option parsing and glue only: lib/capture reads packets,
 * lib/flow tracks connections, lib/output/flowfmt formats them.
 * See doc/cmd/flows.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli.h"
#include "core/strparse.h"
#include "flow/flow.h"
#include "output/flowfmt.h"

enum { OUT_TABLE, OUT_JSON, OUT_CSV };

struct sel {
	bool by_id, have_b;
	uint64_t id;
	int family;
	uint8_t a[16], b[16];
	uint16_t pa, pb;
};

struct flows_args {
	const char *rfile, *iface, *follow;
	char *filter;
	int out;
	bool summary;
	uint64_t count;
	struct tsc_flow_opts fo;
	struct sel sel;
};

struct flows_run {
	struct flows_args *a;
	struct tsc_capture *cap;
	struct tsc_flow_table *tab;
	struct tsc_flowsum *sum;
	struct tsc_buf out;
	uint32_t linktype;
	uint64_t pkt;
	int err;
	/* --follow */
	bool found;
	struct tsc_flow hit;
	struct tsc_ladder *ladder;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpscope flows (-r FILE | -i IFACE) [--json | --csv | --summary]\n"
		   "                      [--follow ID|ADDR:PORT[-ADDR:PORT]] [--max-flows N]\n"
		   "                      [-c COUNT] [expression]\n"
		   "TCP connections rebuilt from packets; see doc/cmd/flows.md\n");
}

/* "10.0.0.1:80", "[fd00::1]:80"; family as lib/flow numbers it (4 or 6) */
static int parse_ep(const char *s, int *family, uint8_t *addr, uint16_t *port)
{
	struct tsc_prefix p;
	int r = tsc_parse_endpoint(s, &p, port);

	if (r < 0)
		return r;
	*family = p.family == AF_INET6 ? 6 : 4;
	memcpy(addr, p.addr, 16);
	return 0;
}

static int parse_sel(const char *s, struct sel *sel)
{
	char a[100];
	const char *dash;
	int fam2;

	memset(sel, 0, sizeof(*sel));
	if (tsc_parse_u64(s, 1, UINT64_MAX, &sel->id) == 0) {
		sel->by_id = true;
		return 0;
	}
	dash = strchr(s, '-');
	if (!dash)
		return parse_ep(s, &sel->family, sel->a, &sel->pa);
	if ((size_t)(dash - s) >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = 0;
	if (parse_ep(a, &sel->family, sel->a, &sel->pa) < 0 ||
	    parse_ep(dash + 1, &fam2, sel->b, &sel->pb) < 0 || fam2 != sel->family)
		return -EINVAL;
	sel->have_b = true;
	return 0;
}

static bool ep_is(const struct tsc_flow *f, int side, const uint8_t *addr, uint16_t port)
{
	return f->port[side] == port && !memcmp(f->addr[side], addr, f->family == 4 ? 4 : 16);
}

static bool sel_match(const struct sel *s, const struct tsc_flow *f)
{
	if (s->by_id)
		return f->id == s->id;
	if (f->family != s->family)
		return false;
	for (int k = 0; k < 2; k++)
		if (ep_is(f, k, s->a, s->pa) && (!s->have_b || ep_is(f, !k, s->b, s->pb)))
			return true;
	return false;
}

enum { OPT_JSON = 256, OPT_CSV, OPT_SUMMARY, OPT_FOLLOW, OPT_MAX };

static int parse_args(int argc, char **argv, struct flows_args *a)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "follow", required_argument, NULL, OPT_FOLLOW },
		{ "max-flows", required_argument, NULL, OPT_MAX },
		{ "interface", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:hi:r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->rfile = optarg;
			break;
		case 'i':
			a->iface = optarg;
			break;
		case 'c':
			if (tsc_parse_u64(optarg, 1, UINT64_MAX, &a->count) < 0)
				return tsc_usage_error("invalid packet count '%s' for option '-c'",
						       optarg);
			break;
		case OPT_JSON:
			a->out = OUT_JSON;
			break;
		case OPT_CSV:
			a->out = OUT_CSV;
			break;
		case OPT_SUMMARY:
			a->summary = true;
			break;
		case OPT_FOLLOW:
			a->follow = optarg;
			if (parse_sel(optarg, &a->sel) < 0)
				return tsc_usage_error(
					"invalid connection '%s' for '--follow' (valid: "
					"a number from the table, ADDR:PORT or "
					"ADDR:PORT-ADDR:PORT)",
					optarg);
			break;
		case OPT_MAX:
			if (tsc_parse_u64(optarg, 16, 1u << 26, &v) < 0)
				return tsc_usage_error(
					"invalid number '%s' for '--max-flows' (valid: "
					"16..67108864)",
					optarg);
			a->fo.max_flows = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return tsc_bad_option("flows");
		}
	}
	if (!a->rfile == !a->iface)
		return tsc_usage_error("flows needs exactly one of '-r FILE' or '-i IFACE'");
	if (a->follow && !a->rfile)
		return tsc_usage_error("'--follow' needs '-r FILE' (the file is read twice)");
	if (optind < argc) {
		a->filter = tsc_cli_join_args(argc - optind, argv + optind);
		if (!a->filter)
			return tsc_usage_error("out of memory");
	}
	return 0;
}

static void on_flow(void *arg, const struct tsc_flow *f, bool at_end)
{
	struct flows_run *run = arg;
	struct flows_args *a = run->a;

	(void)at_end;
	if (a->follow) {
		if (!run->found && sel_match(&a->sel, f)) {
			run->found = true;
			run->hit = *f;
		}
		return;
	}
	if (a->summary) {
		tsc_flowsum_add(run->sum, f);
		return;
	}
	if (a->out == OUT_JSON)
		tsc_flowfmt_json(&run->out, f);
	else if (a->out == OUT_CSV)
		tsc_flowfmt_csv(&run->out, f);
	else
		tsc_flowfmt_table(&run->out, f);
}

static int on_packet(void *arg, int64_t sec, uint32_t frac, const uint8_t *data, uint32_t caplen,
		     uint32_t len)
{
	struct flows_run *run = arg;
	int64_t ts = sec * 1000000000 + frac;
	int r;

	run->pkt++;
	/* a file: the pipelined path (no verdict needed, no latency to keep) */
	if (run->a->rfile)
		r = tsc_flow_table_queue_frame(run->tab, run->linktype, run->pkt, ts, data, caplen,
					       len);
	else
		r = tsc_flow_table_frame(run->tab, run->linktype, run->pkt, ts, data, caplen, len,
					 NULL);
	if (r < 0) {
		run->err = r;
		return 1;
	}
	if (tsc_buf_error(&run->out))
		return 1;
	return tsc_interrupted;
}

static int on_packet_follow(void *arg, int64_t sec, uint32_t frac, const uint8_t *data,
			    uint32_t caplen, uint32_t len)
{
	struct flows_run *run = arg;
	struct tsc_flow_seg s;

	run->pkt++;
	if (run->pkt < run->hit.first.pkt)
		return 0;
	if (run->pkt > run->hit.last.pkt)
		return 1;
	s.pkt = run->pkt;
	s.ts_ns = sec * 1000000000 + frac;
	if (tsc_flow_decode_frame(run->linktype, data, caplen, len, &s) != 1)
		return 0;
	if (s.family != run->hit.family || tsc_flow_side(&run->hit, &s) < 0)
		return 0;
	tsc_ladder_seg(run->ladder, &s);
	return tsc_interrupted;
}

static int open_source(struct flows_run *run)
{
	struct flows_args *a = run->a;
	char eb[TSC_CAPTURE_ERRBUF] = "";

	if (a->rfile) {
		run->cap = tsc_capture_open_file(a->rfile, true, eb);
	} else {
		struct tsc_capture_live_opts lo = {
			.iface = a->iface, .nano = true, .immediate = true, .promisc = true
		};

		run->cap = tsc_capture_open_live(&lo, eb);
	}
	if (!run->cap) {
		tsc_error("'%s': %s", a->rfile ? a->rfile : a->iface, eb);
		return TSC_EXIT_FAIL;
	}
	if (tsc_capture_set_filter(run->cap, a->filter, eb) < 0) {
		tsc_error("%s", eb);
		return TSC_EXIT_USAGE;
	}
	run->linktype = (uint32_t)tsc_capture_linktype(run->cap);
	return 0;
}

/* ahead: a file read by a second thread (tsc_capture_loop_readahead) */
static int loop(struct flows_run *run, tsc_capture_cb cb, bool ahead)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	long long off = -1;
	int r;

	tsc_cli_stop_capture_on_signal(run->cap);
	if (ahead)
		r = tsc_capture_loop_readahead(run->cap, run->a->count, cb, run, eb, &off);
	else
		r = tsc_capture_loop(run->cap, run->a->count, cb, run, eb, &off);
	tsc_cli_stop_capture_on_signal(NULL);
	if (r < 0) {
		if (off >= 0)
			tsc_error("'%s': %s (at byte offset %lld)", run->a->rfile, eb, off);
		else
			tsc_error("'%s': %s", run->a->rfile ? run->a->rfile : run->a->iface, eb);
		return TSC_EXIT_FAIL;
	}
	return 0;
}

static int follow_pass2(struct flows_run *run)
{
	int rc;

	if (!run->found) {
		tsc_error("no connection matches '%s'", run->a->follow);
		return TSC_EXIT_FAIL;
	}
	tsc_capture_close(run->cap);
	run->cap = NULL;
	rc = open_source(run);
	if (rc)
		return rc;
	run->ladder = tsc_ladder_new(&run->hit, &run->out);
	if (!run->ladder) {
		tsc_error("out of memory");
		return TSC_EXIT_FAIL;
	}
	run->pkt = 0;
	rc = loop(run, on_packet_follow, false);
	tsc_ladder_finish(run->ladder);
	return rc;
}

static int run_flows(struct flows_args *a)
{
	struct flows_run run = { .a = a };
	int rc, r;

	tsc_stdout_buf(&run.out);
	run.tab = tsc_flow_table_new(&a->fo, on_flow, &run);
	run.sum = a->summary ? tsc_flowsum_new() : NULL;
	if (!run.tab || (a->summary && !run.sum)) {
		tsc_error("out of memory");
		rc = TSC_EXIT_FAIL;
		goto out;
	}
	rc = open_source(&run);
	if (rc)
		goto out;
	if (a->out == OUT_TABLE && !a->summary && !a->follow)
		tsc_flowfmt_table_header(&run.out);
	else if (a->out == OUT_CSV && !a->summary && !a->follow)
		tsc_flowfmt_csv_header(&run.out);
	rc = loop(&run, on_packet, a->rfile != NULL);
	/* finish drains the frames still queued (end of file, -c, Ctrl-C, a
	 * damaged record) */
	r = tsc_flow_table_finish(run.tab);
	if (r < 0 || run.err < 0) {
		tsc_error("out of memory");
		rc = TSC_EXIT_FAIL;
	}
	if (a->summary && a->out == OUT_JSON)
		tsc_flowsum_json(run.sum, tsc_flow_table_stats(run.tab), a->fo.max_flows, &run.out);
	else if (a->summary)
		tsc_flowsum_print(run.sum, tsc_flow_table_stats(run.tab), a->fo.max_flows,
				  &run.out);
	if (a->follow && !rc)
		rc = follow_pass2(&run);
	r = tsc_stdout_finish(&run.out);
	if (!rc)
		rc = r;
out:
	tsc_capture_close(run.cap);
	tsc_ladder_free(run.ladder);
	tsc_flowsum_free(run.sum);
	tsc_flow_table_free(run.tab);
	return rc;
}

int cmd_flows(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct flows_args a;
	int r;

	memset(&a, 0, sizeof(a));
	r = parse_args(argc, argv, &a);
	if (r) {
		free(a.filter);
		return r < 0 ? TSC_EXIT_OK : r;
	}
	if (ctx->json)
		a.out = OUT_JSON;
	if (!a.fo.max_flows)
		a.fo.max_flows = TSC_FLOW_DEFAULT_MAX;
	r = run_flows(&a);
	free(a.filter);
	return r;
}
