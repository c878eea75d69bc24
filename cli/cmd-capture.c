/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpscope capture: tcpdump-compatible capture and printing. Option parsing
 * and glue only: lib/capture does libpcap, lib/wire decodes and formats.
 * See doc/cmd/capture.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "core/strparse.h"
#include "wire/wire.h"
#include "flow/flow.h" /* --explain */

struct capture_args {
	struct tsc_wire_opts wo;
	struct tsc_capture_live_opts lo;
	const char *rfile, *wfile, *user;
	uint64_t count;
	uint64_t rotate_secs, rotate_bytes, rotate_files;
	bool explain; /* --explain: what each segment means (lib/flow/explain.c) */
	bool list, count_only, line_buffered, packet_buffered, nano_set;
	int tflag;
	char *filter;
};

struct capture_run {
	struct capture_args *a;
	struct tsc_capture *cap;
	struct tsc_wire_printer *pr;
	struct tsc_flow_table *flows; /* --explain */
	uint64_t pktno;
	struct tsc_buf out;
	uint64_t npkts, file_bytes, file_no, gcount;
	int64_t gtime; /* wall clock of the current -G period (tcpdump's Gflag_time) */
	int wchars;    /* digits of the -C file number: those of -W minus one */
	bool limit_reached;
	int linktype;
	int werr;
	char wname[4200];
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpscope capture [-AeKlnpqSUvxX] [-t...] [-c count] [-C file_size]\n"
		   "                        [-G seconds] [-W filecount] [-i interface] [-r file]\n"
		   "                        [-w file] [-s snaplen] [-B buffer_size] [-Z user]\n"
		   "                        [--nano|--micro] [--count] [-D] [expression]\n"
		   "see doc/cmd/capture.md; flags have tcpdump's meaning\n");
}

static int num_arg(const char *opt, const char *s, uint64_t max, uint64_t *ret)
{
	if (tsc_parse_u64(s, 0, max, ret) < 0)
		return tsc_usage_error("invalid number '%s' for option '%s'", s, opt);
	return 0;
}

enum { OPT_NANO = 256, OPT_MICRO, OPT_COUNT, OPT_PREC, OPT_IMMEDIATE, OPT_EXPLAIN };

static int parse_args(int argc, char **argv, struct capture_args *a)
{
	static const struct option longopts[] = {
		{ "nano", no_argument, NULL, OPT_NANO },
		{ "micro", no_argument, NULL, OPT_MICRO },
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "time-stamp-precision", required_argument, NULL, OPT_PREC },
		{ "immediate-mode", no_argument, NULL, OPT_IMMEDIATE },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "interface", required_argument, NULL, 'i' },
		{ "list-interfaces", no_argument, NULL, 'D' },
		{ "no-promiscuous-mode", no_argument, NULL, 'p' },
		{ "snapshot-length", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, r;

	a->lo.promisc = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+AB:c:C:DeG:hi:KlnNpqr:s:StUvw:W:xXZ:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'A':
			a->wo.Aflag = true;
			break;
		case 'B':
			if ((r = num_arg("-B", optarg, 1u << 22, &v)))
				return r;
			a->lo.buffer_kib = (int)v;
			break;
		case 'c':
			if ((r = num_arg("-c", optarg, UINT64_MAX, &a->count)))
				return r;
			if (a->count == 0)
				return tsc_usage_error("invalid packet count '%s' for option '-c'",
						       optarg);
			break;
		case 'C':
			if ((r = num_arg("-C", optarg, 1u << 30, &v)))
				return r;
			a->rotate_bytes = v * 1000000;
			break;
		case 'D':
			a->list = true;
			break;
		case 'e':
			a->wo.eflag = true;
			break;
		case 'G':
			if ((r = num_arg("-G", optarg, 1u << 30, &a->rotate_secs)))
				return r;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'i':
			a->lo.iface = optarg;
			break;
		case 'K':
			a->wo.Kflag = true;
			break;
		case 'l':
			a->line_buffered = true;
			break;
		case 'n':
		case 'N':
			break; /* we never resolve names */
		case 'p':
			a->lo.promisc = false;
			break;
		case 'q':
			a->wo.qflag = true;
			break;
		case 'r':
			a->rfile = optarg;
			break;
		case 's':
			if ((r = num_arg("-s", optarg, 262144, &v)))
				return r;
			a->lo.snaplen = v ? (int)v : 262144;
			break;
		case 'S':
			a->wo.Sflag = true;
			break;
		case 't':
			a->tflag++;
			break;
		case 'U':
			a->packet_buffered = true;
			break;
		case 'v':
			a->wo.vflag++;
			break;
		case 'w':
			a->wfile = optarg;
			break;
		case 'W':
			if ((r = num_arg("-W", optarg, 1u << 30, &a->rotate_files)))
				return r;
			break;
		case 'x':
			a->wo.xflag++;
			break;
		case 'X':
			a->wo.Xflag++;
			break;
		case 'Z':
			a->user = optarg;
			break;
		case OPT_NANO:
			a->wo.nano = true;
			break;
		case OPT_MICRO:
			a->wo.nano = false;
			break;
		case OPT_PREC:
			if (!strcmp(optarg, "nano"))
				a->wo.nano = true;
			else if (!strcmp(optarg, "micro"))
				a->wo.nano = false;
			else
				return tsc_usage_error(
					"unknown time stamp precision '%s' (valid: micro, nano)",
					optarg);
			break;
		case OPT_COUNT:
			a->count_only = true;
			break;
		case OPT_EXPLAIN:
			a->explain = true;
			break;
		case OPT_IMMEDIATE:
			a->lo.immediate = true;
			break;
		default:
			return tsc_bad_option("capture");
		}
	}
	if (a->tflag > 5)
		a->tflag = 5;
	a->wo.ts_mode = (enum tsc_wire_ts_mode)a->tflag;
	a->lo.nano = a->wo.nano;
	if (optind < argc) {
		a->filter = tsc_cli_join_args(argc - optind, argv + optind);
		if (!a->filter)
			return tsc_usage_error("out of memory");
	}
	return 0;
}

static long local_utc_offset(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return 0;
	return tm.tm_gmtoff;
}

/* -w name for rotation, as tcpdump's MakeFilename(): with -G the name is a
 * strftime pattern of the period's start (local time); with -C a file number
 * is appended, zero-padded to the digits of -W minus one. */
static int dump_name(struct capture_run *run)
{
	struct capture_args *a = run->a;
	char base[4096];
	time_t t = (time_t)run->gtime;
	struct tm tm;

	if (a->rotate_secs && localtime_r(&t, &tm)) {
		size_t n;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		/* -w with -G is a strftime pattern, as in tcpdump */
		n = strftime(base, sizeof(base), a->wfile, &tm);
#pragma GCC diagnostic pop
		if (!n)
			return -ENAMETOOLONG;
	} else {
		snprintf(base, sizeof(base), "%s", a->wfile);
	}
	if (a->rotate_bytes && (run->file_no || run->wchars))
		snprintf(run->wname, sizeof(run->wname), "%s%0*llu", base, run->wchars,
			 (unsigned long long)run->file_no);
	else
		snprintf(run->wname, sizeof(run->wname), "%s", base);
	return 0;
}

static int dump_open(struct capture_run *run)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";

	if (dump_name(run) < 0 || tsc_capture_dump_open(run->cap, run->wname, eb) < 0) {
		tsc_error("could not open '%s' for writing: %s", run->wname,
			  eb[0] ? eb : "file name too long");
		return -EIO;
	}
	run->file_bytes = 24; /* the pcap file header */
	return 0;
}

static int dump_close(struct capture_run *run)
{
	int r = tsc_capture_dump_close(run->cap);

	if (r < 0)
		tsc_error("could not write '%s': %s", run->wname, strerror(-r));
	return r;
}

/* tcpdump's dump_packet_and_trunc(): first -G (wall clock, checked when a
 * packet comes; with -W and no -C, stop after -W files), then -C (the file
 * has grown past the size: the next file, numbers wrapping at -W). Returns
 * 0, 1 to stop cleanly or -errno. */
static int dump_rotate(struct capture_run *run)
{
	struct capture_args *a = run->a;

	if (a->rotate_secs) {
		int64_t now = (int64_t)time(NULL);

		if (now - run->gtime >= (int64_t)a->rotate_secs) {
			run->gtime = now;
			run->gcount++;
			if (dump_close(run) < 0)
				return -EIO;
			if (!a->rotate_bytes && a->rotate_files && run->gcount >= a->rotate_files) {
				fflush(stdout);
				fprintf(stderr, "Maximum file limit reached: %llu\n",
					(unsigned long long)a->rotate_files);
				run->limit_reached = true;
				return 1;
			}
			run->file_no = 0;
			if (dump_open(run) < 0)
				return -EIO;
		}
	}
	if (a->rotate_bytes && run->file_bytes > a->rotate_bytes) {
		if (dump_close(run) < 0)
			return -EIO;
		run->file_no++;
		if (a->rotate_files && run->file_no >= a->rotate_files)
			run->file_no = 0;
		if (dump_open(run) < 0)
			return -EIO;
	}
	return 0;
}

/* --explain: feed the flow table and say what the segment meant. */
static void explain_packet(struct capture_run *run, int64_t sec, uint32_t frac, const uint8_t *data,
			   uint32_t caplen, uint32_t len)
{
	struct tsc_flow_verdict v;
	struct tsc_flow_seg s;
	int64_t ts = sec * 1000000000 + (run->a->wo.nano ? frac : frac * 1000LL);

	s.pkt = ++run->pktno;
	s.ts_ns = ts;
	if (tsc_flow_decode_frame((uint32_t)run->linktype, data, caplen, len, &s) != 1)
		return;
	if (tsc_flow_table_segment(run->flows, &s, &v) < 0 || !v.flow)
		return;
	tsc_buf_puts(&run->out, "\t= ");
	tsc_flow_explain(&v, &s, &run->out);
	tsc_buf_putc(&run->out, '\n');
}

static int on_packet(void *arg, int64_t sec, uint32_t frac, const uint8_t *data, uint32_t caplen,
		     uint32_t len)
{
	struct capture_run *run = arg;
	struct capture_args *a = run->a;
	int r;

	run->npkts++;
	if (a->wfile) {
		if (a->rotate_secs || a->rotate_bytes) {
			r = dump_rotate(run);
			if (r < 0)
				run->werr = r;
			if (r)
				return 1;
		}
		r = tsc_capture_dump(run->cap, sec, frac, data, caplen, len, a->packet_buffered);
		if (r < 0) {
			run->werr = r;
			tsc_error("could not write '%s': %s", run->wname, strerror(-r));
			return 1;
		}
		run->file_bytes += caplen + 16u;
		return tsc_interrupted;
	}
	if (a->count_only)
		return tsc_interrupted;
	tsc_wire_print_packet(run->pr, &run->out, (uint32_t)run->linktype, sec, frac, data, caplen,
			      len);
	if (run->flows)
		explain_packet(run, sec, frac, data, caplen, len);
	if (a->line_buffered && tsc_buf_flush(&run->out) < 0)
		return 1;
	if (tsc_buf_error(&run->out))
		return 1;
	return tsc_interrupted;
}

static void print_stats(struct capture_run *run)
{
	uint64_t recv = 0, drop = 0, ifdrop = 0;

	fflush(stdout);
	fprintf(stderr, "%llu packet%s captured\n", (unsigned long long)run->npkts,
		run->npkts == 1 ? "" : "s");
	if (tsc_capture_stats(run->cap, &recv, &drop, &ifdrop) == 0) {
		fprintf(stderr, "%llu packet%s received by filter\n", (unsigned long long)recv,
			recv == 1 ? "" : "s");
		fprintf(stderr, "%llu packet%s dropped by kernel\n", (unsigned long long)drop,
			drop == 1 ? "" : "s");
		if (ifdrop)
			fprintf(stderr, "%llu packet%s dropped by interface\n",
				(unsigned long long)ifdrop, ifdrop == 1 ? "" : "s");
	}
}

static int open_source(struct capture_args *a, struct capture_run *run)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";

	if (a->rfile) {
		run->cap = tsc_capture_open_file(a->rfile, a->wo.nano, eb);
		if (!run->cap) {
			tsc_error("cannot read '%s': %s", a->rfile, eb);
			return TSC_EXIT_FAIL;
		}
	} else {
		run->cap = tsc_capture_open_live(&a->lo, eb);
		if (!run->cap) {
			tsc_error("%s (see 'tcpscope capture -D' for the interfaces)", eb);
			return TSC_EXIT_FAIL;
		}
	}
	if (tsc_capture_set_filter(run->cap, a->filter, eb) < 0) {
		tsc_error("%s", eb); /* libpcap's "can't parse filter expression: ..." */
		return TSC_EXIT_USAGE;
	}
	run->linktype = tsc_capture_linktype(run->cap);
	if (a->wfile) {
		run->gtime = (int64_t)time(NULL);
		for (uint64_t w = a->rotate_files ? a->rotate_files - 1 : 0; w; w /= 10)
			run->wchars++;
		if (dump_open(run) < 0)
			return TSC_EXIT_FAIL;
	}
	if (a->user) {
		int r = tsc_capture_drop_privs(a->user);

		if (r < 0) {
			tsc_error("cannot switch to user '%s': %s", a->user,
				  r == -ENOENT ? "no such user" : strerror(-r));
			return TSC_EXIT_FAIL;
		}
	}
	if (a->rfile)
		fprintf(stderr, "reading from file %s, link-type %s (%s), snapshot length %d\n",
			a->rfile, tsc_capture_linktype_name(run->cap),
			tsc_capture_linktype_desc(run->cap), tsc_capture_snaplen(run->cap));
	else
		fprintf(stderr, "listening on %s, link-type %s (%s), snapshot length %d bytes\n",
			a->lo.iface ? a->lo.iface : "default", tsc_capture_linktype_name(run->cap),
			tsc_capture_linktype_desc(run->cap), tsc_capture_snaplen(run->cap));
	return 0;
}

static int list_devices(void)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	char *s = NULL;

	if (tsc_capture_list_devices(&s, eb) < 0) {
		tsc_error("cannot list interfaces: %s", eb);
		return TSC_EXIT_FAIL;
	}
	fputs(s, stdout);
	free(s);
	return TSC_EXIT_OK;
}

static int run_capture(struct capture_args *a)
{
	struct capture_run run = { .a = a };
	char eb[TSC_CAPTURE_ERRBUF] = "";
	long long off = -1;
	int rc, r;

	a->wo.utc_offset = local_utc_offset();
	tsc_stdout_buf(&run.out);
	run.pr = tsc_wire_printer_new(&a->wo);
	if (!run.pr) {
		tsc_error("out of memory");
		return TSC_EXIT_FAIL;
	}
	if (a->explain) {
		struct tsc_flow_opts fo = { .track_states = true };

		run.flows = tsc_flow_table_new(&fo, NULL, NULL);
		if (!run.flows) {
			tsc_error("out of memory");
			rc = TSC_EXIT_FAIL;
			goto out;
		}
	}
	rc = open_source(a, &run);
	if (rc)
		goto out;
	tsc_cli_stop_capture_on_signal(run.cap);
	r = tsc_capture_loop(run.cap, a->count, on_packet, &run, eb, &off);
	rc = tsc_stdout_finish(&run.out);
	if (r < 0) {
		if (off >= 0)
			tsc_error("'%s': %s (at byte offset %lld)", a->rfile, eb, off);
		else
			tsc_error("'%s': %s", a->rfile ? a->rfile : "capture", eb);
		rc = TSC_EXIT_FAIL;
	}
	if (run.werr)
		rc = TSC_EXIT_FAIL;
	if (a->wfile) {
		r = tsc_capture_dump_close(run.cap);
		if (r < 0 && !run.werr) {
			tsc_error("could not write '%s': %s", run.wname, strerror(-r));
			rc = TSC_EXIT_FAIL;
		}
	}
	if (a->count_only)
		printf("%llu packet%s\n", (unsigned long long)run.npkts, run.npkts == 1 ? "" : "s");
	if (!a->rfile)
		print_stats(&run);
out:
	tsc_cli_stop_capture_on_signal(NULL);
	tsc_capture_close(run.cap);
	tsc_wire_printer_free(run.pr);
	tsc_flow_table_free(run.flows);
	return rc;
}

int cmd_capture(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct capture_args a;
	int r;

	(void)ctx;
	memset(&a, 0, sizeof(a));
	r = parse_args(argc, argv, &a);
	if (r) {
		free(a.filter);
		return r < 0 ? TSC_EXIT_OK : r;
	}
	if (a.list) {
		free(a.filter);
		return list_devices();
	}
	if (a.rfile && a.lo.iface) {
		free(a.filter);
		return tsc_usage_error("options '-r' and '-i' cannot be used together");
	}
	r = run_capture(&a);
	free(a.filter);
	return r;
}
