/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpscope trace: the kernel's own TCP state transitions (eBPF), one line
 * per transition, or one per finished connection (--life), or histograms of
 * time spent per state (--summary). Option parsing and output only; the
 * session, decoding and aggregation live in lib/bpf (see doc/cmd/trace.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"
#include "cli.h"
#include "core/strparse.h"
#include "core/buf.h"
#include "output/json.h"
#include "output/sockfmt.h"
#include "sys/netns.h"

struct trace_opts {
	bool json, life, summary, kernel_view, no_fentry;
	uint16_t port;
	bool has_pid;
	uint32_t pid;
	uint32_t state_mask; /* 0 = all */
	const char *netns;
	uint32_t netns_ino;
	uint64_t count;	      /* 0 = unlimited */
	uint64_t duration_ms; /* 0 = until interrupted */
	uint64_t interval_ms; /* --summary every interval */
	uint32_t ringbuf_kib;
};

struct trace_run {
	struct trace_opts *o;
	struct tsc_buf out;
	struct tsc_trace_agg *agg;
	struct tsc_tw_watch *tw; /* inferred method: follows timewait sockets */
	struct tsc_trace *t;
	unsigned features; /* tsc_trace_features() */
	int64_t real_minus_mono_ns;
	uint64_t shown;
};

static const char usage_str[] =
	"usage: tcpscope trace [--json] [-p PORT] [--pid PID] [--state LIST] [--netns NAME]\n"
	"                      [-c N] [--duration S] [--kernel] [--no-fentry]\n"
	"                      [--life] [--summary [--interval S]] [--ringbuf KIB]\n"
	"\n"
	"Live TCP state transitions from the kernel (sock:inet_sock_set_state via eBPF),\n"
	"with the blind spots closed: TIME-WAIT and SYN-RECEIVED at the SYN (method\n"
	"fentry where BPF trampolines work, else inferred).\n"
	"\n"
	"    --json           NDJSON, one object per event (or per connection with --life)\n"
	"    -p, --port PORT  local or remote port\n"
	"    --pid PID        process that was current when the state changed\n"
	"    --state LIST     show transitions from or to these states (e.g. time-wait,close-wait)\n"
	"    --netns NAME     only the named network namespace (/var/run/netns/NAME)\n"
	"    -c, --count N    stop after N lines\n"
	"    --duration S     stop after S seconds\n"
	"    --kernel         the tracepoint exactly as the kernel reports it (no TIME-WAIT)\n"
	"    --no-fentry      do not use fentry; infer TIME-WAIT at the tracepoint\n"
	"    --life           one line per finished connection: lifetime, bytes, time per state\n"
	"    --summary        on exit: log2 histograms of time per state, transition counts,\n"
	"                     slowest connections\n"
	"    --interval S     with --summary: print (and reset) every S seconds\n"
	"    --ringbuf KIB    ring buffer size, a power of two (default 1024)\n";

enum {
	OPT_PID = 256,
	OPT_STATE,
	OPT_NETNS,
	OPT_DURATION,
	OPT_KERNEL,
	OPT_NO_FENTRY,
	OPT_LIFE,
	OPT_SUMMARY,
	OPT_INTERVAL,
	OPT_RINGBUF,
	OPT_JSON
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "port", required_argument, NULL, 'p' },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "count", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "no-fentry", no_argument, NULL, OPT_NO_FENTRY },
	{ "life", no_argument, NULL, OPT_LIFE },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or an exit code. */
static int parse_one(int c, const char *arg, struct trace_opts *o)
{
	char bad[64] = "";
	uint64_t v;

	switch (c) {
	case OPT_JSON:
		o->json = true;
		return -1;
	case 'p':
		if (tsc_parse_port(arg, &o->port) < 0 || !o->port)
			return tsc_usage_error("bad port '%s' (expected 1..65535)", arg);
		return -1;
	case OPT_PID:
		if (tsc_parse_u32(arg, 1, 4194304, &o->pid) < 0)
			return tsc_usage_error("bad pid '%s' (expected 1..4194304)", arg);
		o->has_pid = true;
		return -1;
	case OPT_STATE:
		if (tsc_tcp_states_parse(arg, &o->state_mask, bad, sizeof(bad)) < 0)
			return tsc_usage_error("unknown state '%s' (valid: %s)", bad,
					       tsc_tcp_state_valid_names());
		return -1;
	case OPT_NETNS:
		o->netns = arg;
		return -1;
	case 'c':
		if (tsc_parse_u64(arg, 1, UINT32_MAX, &o->count) < 0)
			return tsc_usage_error("bad count '%s' (expected 1..4294967295)", arg);
		return -1;
	case OPT_DURATION:
	case OPT_INTERVAL:
		if (tsc_parse_seconds_ms(arg, 86400000ull * 365, &v) < 0 || !v)
			return tsc_usage_error("bad number of seconds '%s'", arg);
		*(c == OPT_DURATION ? &o->duration_ms : &o->interval_ms) = v;
		return -1;
	case OPT_RINGBUF:
		if (tsc_parse_u32(arg, 4, 1u << 20, &o->ringbuf_kib) < 0 ||
		    (o->ringbuf_kib & (o->ringbuf_kib - 1)))
			return tsc_usage_error(
				"bad ring buffer size '%s' (a power of two, 4..1048576 KiB)", arg);
		return -1;
	case OPT_KERNEL:
		o->kernel_view = true;
		return -1;
	case OPT_NO_FENTRY:
		o->no_fentry = true;
		return -1;
	case OPT_LIFE:
		o->life = true;
		return -1;
	case OPT_SUMMARY:
		o->summary = true;
		return -1;
	case 'h':
		fputs(usage_str, stdout);
		return TSC_EXIT_OK;
	default:
		return tsc_bad_option("trace");
	}
}

static int parse_args(int argc, char **argv, struct trace_opts *o)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+p:c:h", longopts, NULL)) != -1) {
		r = parse_one(c, optarg, o);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return tsc_usage_error("unexpected argument '%s' (see 'tcpscope trace --help')",
				       argv[optind]);
	if (o->interval_ms && !o->summary)
		return tsc_usage_error("--interval needs --summary");
	return -1;
}

/* The named namespace's inode: events carry the inode of theirs. */
static int resolve_netns(struct trace_opts *o)
{
	char path[512];
	struct stat st;

	if (!o->netns)
		return 0;
	if (!*o->netns || strchr(o->netns, '/') || !strcmp(o->netns, ".") ||
	    !strcmp(o->netns, ".."))
		return tsc_usage_error("bad network namespace name '%s'", o->netns);
	snprintf(path, sizeof(path), "%s/%s", TSC_NETNS_RUN_DIR, o->netns);
	if (stat(path, &st) < 0) {
		tsc_error("network namespace '%s' does not exist (see 'ip netns list')", o->netns);
		return TSC_EXIT_USAGE;
	}
	o->netns_ino = (uint32_t)st.st_ino;
	return 0;
}

static void fmt_addr(char *dst, size_t n, int family, const uint8_t *a, uint16_t port, bool text)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family, a, ip, sizeof(ip));
	if (!text)
		snprintf(dst, n, "%s", ip);
	else if (family == AF_INET6)
		snprintf(dst, n, "[%s]:%u", ip, port);
	else
		snprintf(dst, n, "%s:%u", ip, port);
}

static double ns_to_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void put_clock(struct trace_run *tr, uint64_t mono_ns)
{
	int64_t real = (int64_t)mono_ns + tr->real_minus_mono_ns;
	time_t secs = (time_t)(real / 1000000000);
	struct tm tm;

	localtime_r(&secs, &tm);
	tsc_buf_printf(&tr->out, "%02d:%02d:%02d.%06ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (long)(real % 1000000000 / 1000));
}

static void print_event_text(struct trace_run *tr, const struct tsc_trace_event *ev)
{
	char l[64], p[64], ms[32] = "-";

	fmt_addr(l, sizeof(l), ev->family, ev->saddr, ev->sport, true);
	fmt_addr(p, sizeof(p), ev->family, ev->daddr, ev->dport, true);
	if (ev->has_span && ev->old != TSC_TCP_CLOSE)
		snprintf(ms, sizeof(ms), "%.3f", ns_to_ms(ev->span_ns));
	put_clock(tr, ev->ts_ns);
	tsc_buf_printf(&tr->out, "%-7u %-15s %-23s %-23s %-11s -> %-12s %10s %s\n", ev->pid,
		       ev->comm, l, p, tsc_tcp_state_rfc(ev->old), tsc_tcp_state_rfc(ev->new), ms,
		       tsc_trace_method_name(ev->method));
}

static void json_endpoints(struct tsc_json *j, int family, const uint8_t *sa, uint16_t sp,
			   const uint8_t *da, uint16_t dp)
{
	char a[64];

	fmt_addr(a, sizeof(a), family, sa, sp, false);
	tsc_json_str(j, "local_addr", a);
	tsc_json_u64(j, "local_port", sp);
	fmt_addr(a, sizeof(a), family, da, dp, false);
	tsc_json_str(j, "peer_addr", a);
	tsc_json_u64(j, "peer_port", dp);
}

/* comm is the only free text of an event. True when it needs no escaping
 * (printable ASCII without quote or backslash): the fast path below. */
static bool comm_plain(const char *comm)
{
	for (const unsigned char *c = (const unsigned char *)comm; *c; c++)
		if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
			return false;
	return true;
}

/* The generic writer (escapes any comm, keeps valid UTF-8 as is). */
static void print_event_json_slow(struct trace_run *tr, const struct tsc_trace_event *ev)
{
	struct tsc_json j;
	char conn[24];

	tsc_json_init(&j, &tr->out, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_double(&j, "ts", (double)((int64_t)ev->ts_ns + tr->real_minus_mono_ns) / 1e9, 6);
	tsc_json_u64(&j, "ts_mono_ns", ev->ts_ns);
	tsc_json_u64(&j, "pid", ev->pid);
	tsc_json_str(&j, "comm", ev->comm);
	tsc_json_u64(&j, "netns", ev->netns);
	tsc_json_u64(&j, "family", ev->family == AF_INET6 ? 6 : 4);
	json_endpoints(&j, ev->family, ev->saddr, ev->sport, ev->daddr, ev->dport);
	tsc_json_str(&j, "old", tsc_tcp_state_rfc(ev->old));
	tsc_json_str(&j, "new", tsc_tcp_state_rfc(ev->new));
	if (ev->has_span && ev->old != TSC_TCP_CLOSE)
		tsc_json_double(&j, "ms_in_old", ns_to_ms(ev->span_ns), 6);
	else
		tsc_json_null(&j, "ms_in_old");
	tsc_json_str(&j, "method", tsc_trace_method_name(ev->method));
	snprintf(conn, sizeof(conn), "%llx", (unsigned long long)ev->conn);
	tsc_json_str(&j, "conn", conn);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

/* Appenders for the NDJSON fast path: each writes at p and returns the end. */
static char *put_lit(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* A literal: constant length, so the copy is inlined (a memcpy call per
 * key was a fifth of the reader's profile). */
#define PUT_LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static char *put_u64(char *p, uint64_t v)
{
	return p + tsc_fmt_u64(p, v);
}

/* v as exactly six digits (the fraction of a decimal) */
static char *put_frac6(char *p, uint32_t v)
{
	tsc_fmt_fixed(p, v, 6);
	return p + 6;
}

static char *put_hex(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* An address without port */
static char *put_ip(char *p, int family, const uint8_t *a)
{
	return p + tsc_fmt_addr(p, family, a);
}

/* One NDJSON line, formatted by hand: at 100,000+ events per second the
 * generic JSON writer, then snprintf (60 % of the reader's profile with
 * its %s and %llu parsing), were the tracer's main cost, and the tracer's
 * CPU is taken from the traced applications on a small machine. The same
 * keys and values as print_event_json_slow(), which takes the other comms
 * (tests/e2e/t4000-trace-bpf.sh drives one of each). */
static void print_event_json(struct trace_run *tr, const struct tsc_trace_event *ev)
{
	int64_t real = (int64_t)ev->ts_ns + tr->real_minus_mono_ns;
	char line[640], *p = line;

	if (!comm_plain(ev->comm) || real < 0) {
		print_event_json_slow(tr, ev);
		return;
	}
	/* at most ~190 bytes of keys, 27 + 20 + 10 + 16 + 10 + 1 + 2 * 45 +
	 * 2 * 5 + 2 * 12 + 27 + 10 + 16 of values: well within line */
	p = PUT_LIT(p, "{\"ts\":");
	p = put_u64(p, (uint64_t)real / 1000000000);
	*p++ = '.';
	p = put_frac6(p, (uint32_t)((uint64_t)real % 1000000000 / 1000));
	p = PUT_LIT(p, ",\"ts_mono_ns\":");
	p = put_u64(p, ev->ts_ns);
	p = PUT_LIT(p, ",\"pid\":");
	p = put_u64(p, ev->pid);
	p = PUT_LIT(p, ",\"comm\":\"");
	p = put_lit(p, ev->comm);
	p = PUT_LIT(p, "\",\"netns\":");
	p = put_u64(p, ev->netns);
	p = ev->family == AF_INET6 ? PUT_LIT(p, ",\"family\":6,\"local_addr\":\"")
				   : PUT_LIT(p, ",\"family\":4,\"local_addr\":\"");
	p = put_ip(p, ev->family, ev->saddr);
	p = PUT_LIT(p, "\",\"local_port\":");
	p = put_u64(p, ev->sport);
	p = PUT_LIT(p, ",\"peer_addr\":\"");
	p = put_ip(p, ev->family, ev->daddr);
	p = PUT_LIT(p, "\",\"peer_port\":");
	p = put_u64(p, ev->dport);
	p = PUT_LIT(p, ",\"old\":\"");
	p = put_lit(p, tsc_tcp_state_rfc(ev->old));
	p = PUT_LIT(p, "\",\"new\":\"");
	p = put_lit(p, tsc_tcp_state_rfc(ev->new));
	p = PUT_LIT(p, "\",\"ms_in_old\":");
	if (ev->has_span && ev->old != TSC_TCP_CLOSE) {
		p = put_u64(p, ev->span_ns / 1000000);
		*p++ = '.';
		p = put_frac6(p, (uint32_t)(ev->span_ns % 1000000));
	} else {
		p = PUT_LIT(p, "null");
	}
	p = PUT_LIT(p, ",\"method\":\"");
	p = put_lit(p, tsc_trace_method_name(ev->method));
	p = PUT_LIT(p, "\",\"conn\":\"");
	p = put_hex(p, ev->conn);
	p = PUT_LIT(p, "\"}\n");
	tsc_buf_put(&tr->out, line, (size_t)(p - line));
}

static void print_life(struct trace_run *tr, const struct tsc_trace_life *l)
{
	char a[64], b[64];
	struct tsc_json j;

	if (!tr->o->json) {
		fmt_addr(a, sizeof(a), l->family, l->saddr, l->sport, true);
		fmt_addr(b, sizeof(b), l->family, l->daddr, l->dport, true);
		tsc_buf_printf(&tr->out, "%-7u %-15s %-23s %-23s %8llu %8llu %10.3f ", l->pid,
			       l->comm, a, b, (unsigned long long)l->tx_bytes,
			       (unsigned long long)l->rx_bytes, ns_to_ms(l->end_ns - l->start_ns));
		for (unsigned i = 0; i < l->npath; i++)
			tsc_buf_printf(&tr->out, "%s%s", i ? "," : "",
				       tsc_tcp_state_rfc(l->path[i]));
		for (unsigned s = 1; s < TSC_TCP_MAX_STATES; s++)
			if (l->state_ns[s])
				tsc_buf_printf(&tr->out, " %s=%.3f", tsc_tcp_state_rfc(s),
					       ns_to_ms(l->state_ns[s]));
		tsc_buf_putc(&tr->out, '\n');
		return;
	}
	tsc_json_init(&j, &tr->out, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_double(&j, "ts", (double)((int64_t)l->end_ns + tr->real_minus_mono_ns) / 1e9, 6);
	tsc_json_u64(&j, "pid", l->pid);
	tsc_json_str(&j, "comm", l->comm);
	tsc_json_u64(&j, "netns", l->netns);
	json_endpoints(&j, l->family, l->saddr, l->sport, l->daddr, l->dport);
	tsc_json_double(&j, "ms", ns_to_ms(l->end_ns - l->start_ns), 6);
	if (l->has_bytes) {
		tsc_json_u64(&j, "tx_bytes", l->tx_bytes);
		tsc_json_u64(&j, "rx_bytes", l->rx_bytes);
	}
	tsc_json_obj_begin(&j, "ms_in_state");
	for (unsigned s = 1; s < TSC_TCP_MAX_STATES; s++)
		if (l->state_ns[s])
			tsc_json_double(&j, tsc_tcp_state_rfc(s), ns_to_ms(l->state_ns[s]), 6);
	tsc_json_obj_end(&j);
	tsc_json_arr_begin(&j, "path");
	for (unsigned i = 0; i < l->npath; i++)
		tsc_json_str(&j, NULL, tsc_tcp_state_rfc(l->path[i]));
	tsc_json_arr_end(&j);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

static bool event_shown(const struct trace_opts *o, const struct tsc_trace_event *ev)
{
	if (o->port && ev->sport != o->port && ev->dport != o->port)
		return false;
	if (o->netns_ino && ev->netns != o->netns_ino)
		return false;
	if (o->has_pid && ev->pid != o->pid)
		return false;
	if (o->state_mask && !(o->state_mask & (TSC_TCPF(ev->old) | TSC_TCPF(ev->new))))
		return false;
	return true;
}

static int on_event(const struct tsc_trace_event *ev, void *arg)
{
	struct trace_run *tr = arg;
	struct trace_opts *o = tr->o;
	enum tsc_trace_view view = o->kernel_view ? TSC_TRACE_VIEW_KERNEL : TSC_TRACE_VIEW_RFC;
	struct tsc_trace_life life;

	if (o->port && ev->sport != o->port && ev->dport != o->port)
		return 0;
	if (o->netns_ino && ev->netns != o->netns_ino)
		return 0;
	if (ev->method == TSC_BPF_M_TWTIMER && (ev->flags & TSC_BPF_F_SUPERSEDED)) {
		/* the kernel's record, never shown: the followed socket's end
		 * is reported instead (the same method, without the flag) */
		int r = tr->tw ? tsc_tw_watch_expired(tr->tw, ev, on_event, tr) : 0;

		return r < 0 ? r : 0;
	}
	if (tr->tw) {
		int r = tsc_tw_watch_reused(tr->tw, ev, on_event, tr);

		if (r < 0)
			return r;
	}
	if (tr->tw && ev->tw_substate && ev->method == TSC_BPF_M_TRACEPOINT)
		(void)tsc_tw_watch_add(tr->tw, ev); /* full: counted */
	if (tr->tw && ev->method == TSC_BPF_M_SYNACK)
		(void)tsc_tw_watch_add_request(tr->tw, ev);
	if (tr->tw && ev->method == TSC_BPF_M_TWACK && tsc_tw_watch_twack(tr->tw, ev) == 1)
		return 0; /* a poll reported this change before the event was read */
	if (tr->tw && (ev->flags & TSC_BPF_F_SUPERSEDED) && ev->old == TSC_TCP_LISTEN)
		tsc_tw_watch_child(tr->tw, ev); /* the request's child took over */
	if (tr->agg && tsc_trace_agg_add(tr->agg, ev, &life) == 1 && o->life &&
	    (!o->has_pid || life.pid == o->pid) && (!o->count || tr->shown < o->count)) {
		print_life(tr, &life);
		tr->shown++;
	}
	if (o->life || o->summary || !tsc_trace_event_in_view(ev, view) || !event_shown(o, ev))
		return 0;
	if (o->count && tr->shown >= o->count)
		return 0; /* the rest of a batch after -c N lines */
	if (o->json)
		print_event_json(tr, ev);
	else
		print_event_text(tr, ev);
	tr->shown++;
	return 0;
}

/* The timewait watcher's tick during a long sock_diag dump: drain the ring
 * buffer, which would otherwise overflow while ~65,000 timewait sockets
 * are dumped at a high connection rate. */
static int drain_ring(void *arg)
{
	struct trace_run *tr = arg;
	int r = tsc_trace_poll(tr->t, 0);

	return r == -EINTR ? 0 : r < 0 ? r : 0;
}

/* Errors stay sticky in the buffer and are reported by tsc_stdout_finish(). */
static void flush_quietly(struct tsc_buf *b)
{
	int r = tsc_buf_flush(b);

	(void)r;
}

static int trace_log(int level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static void hist_range(unsigned k, uint64_t *lo, uint64_t *hi)
{
	*lo = k ? 1ull << (k - 1) : 0;
	*hi = k ? (1ull << k) - 1 : 0;
}

/* BCC's print_log2_hist: one row per bucket up to the last non-empty one. */
static void summary_hist_text(struct tsc_buf *b, const uint64_t *h, const char *name)
{
	unsigned last = 0;
	uint64_t max = 0, total = 0;

	for (unsigned k = 0; k < TSC_TRACE_HIST_BUCKETS; k++) {
		if (h[k])
			last = k;
		max = h[k] > max ? h[k] : max;
		total += h[k];
	}
	if (!total)
		return;
	tsc_buf_printf(b, "\n%s: %llu transitions out\n%24s : %-8s %s\n", name,
		       (unsigned long long)total, "usecs", "count", "distribution");
	for (unsigned k = 0; k <= last; k++) {
		uint64_t lo, hi;
		unsigned stars = (unsigned)(h[k] * 40 / max);
		char bar[41];

		hist_range(k, &lo, &hi);
		memset(bar, '*', stars);
		memset(bar + stars, ' ', 40 - stars);
		bar[40] = '\0';
		tsc_buf_printf(b, "%10llu -> %-10llu : %-8llu |%s|\n", (unsigned long long)lo,
			       (unsigned long long)hi, (unsigned long long)h[k], bar);
	}
}

static void summary_text(struct trace_run *tr)
{
	const struct tsc_trace_life *slow;
	unsigned n;

	tsc_buf_puts(&tr->out, "time spent per state (log2 histogram, microseconds)\n");
	for (unsigned i = 0; i < TSC_ARRAY_SIZE(tsc_tcp_state_order); i++) {
		unsigned s = tsc_tcp_state_order[i];

		summary_hist_text(&tr->out, tsc_trace_agg_hist(tr->agg, s), tsc_tcp_state_rfc(s));
	}
	tsc_buf_puts(&tr->out, "\ntransitions\n");
	for (unsigned a = 1; a < TSC_TCP_MAX_STATES; a++)
		for (unsigned b = 1; b < TSC_TCP_MAX_STATES; b++)
			if (tsc_trace_agg_edge(tr->agg, a, b))
				tsc_buf_printf(
					&tr->out, "  %-12s -> %-12s %llu\n", tsc_tcp_state_rfc(a),
					tsc_tcp_state_rfc(b),
					(unsigned long long)tsc_trace_agg_edge(tr->agg, a, b));
	n = tsc_trace_agg_slowest(tr->agg, &slow);
	tsc_buf_puts(&tr->out, "\nslowest connections\n");
	for (unsigned i = 0; i < n; i++) {
		char a[64], b[64];

		fmt_addr(a, sizeof(a), slow[i].family, slow[i].saddr, slow[i].sport, true);
		fmt_addr(b, sizeof(b), slow[i].family, slow[i].daddr, slow[i].dport, true);
		tsc_buf_printf(&tr->out, "  %-23s %-23s %10.3f ms  %u %s\n", a, b,
			       ns_to_ms(slow[i].end_ns - slow[i].start_ns), slow[i].pid,
			       slow[i].comm);
	}
}

static void summary_json(struct trace_run *tr, const struct tsc_trace_counters *c)
{
	const struct tsc_trace_life *slow;
	struct tsc_json j;
	unsigned n;

	tsc_json_init(&j, &tr->out, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_obj_begin(&j, "histograms_us");
	for (unsigned s = 1; s < TSC_TCP_MAX_STATES - 1; s++) {
		const uint64_t *h = tsc_trace_agg_hist(tr->agg, s);
		bool any = false;

		for (unsigned k = 0; k < TSC_TRACE_HIST_BUCKETS; k++)
			any = any || h[k];
		if (!any)
			continue;
		tsc_json_arr_begin(&j, tsc_tcp_state_rfc(s));
		for (unsigned k = 0; k < TSC_TRACE_HIST_BUCKETS; k++) {
			uint64_t lo, hi;

			if (!h[k])
				continue;
			hist_range(k, &lo, &hi);
			tsc_json_obj_begin(&j, NULL);
			tsc_json_u64(&j, "lo", lo);
			tsc_json_u64(&j, "hi", hi);
			tsc_json_u64(&j, "count", h[k]);
			tsc_json_obj_end(&j);
		}
		tsc_json_arr_end(&j);
	}
	tsc_json_obj_end(&j);
	tsc_json_arr_begin(&j, "transitions");
	for (unsigned a = 1; a < TSC_TCP_MAX_STATES; a++)
		for (unsigned b = 1; b < TSC_TCP_MAX_STATES; b++) {
			if (!tsc_trace_agg_edge(tr->agg, a, b))
				continue;
			tsc_json_obj_begin(&j, NULL);
			tsc_json_str(&j, "old", tsc_tcp_state_rfc(a));
			tsc_json_str(&j, "new", tsc_tcp_state_rfc(b));
			tsc_json_u64(&j, "count", tsc_trace_agg_edge(tr->agg, a, b));
			tsc_json_obj_end(&j);
		}
	tsc_json_arr_end(&j);
	n = tsc_trace_agg_slowest(tr->agg, &slow);
	tsc_json_arr_begin(&j, "slowest");
	for (unsigned i = 0; i < n; i++) {
		tsc_json_obj_begin(&j, NULL);
		json_endpoints(&j, slow[i].family, slow[i].saddr, slow[i].sport, slow[i].daddr,
			       slow[i].dport);
		tsc_json_double(&j, "ms", ns_to_ms(slow[i].end_ns - slow[i].start_ns), 6);
		tsc_json_u64(&j, "pid", slow[i].pid);
		tsc_json_str(&j, "comm", slow[i].comm);
		tsc_json_obj_end(&j);
	}
	tsc_json_arr_end(&j);
	tsc_json_u64(&j, "events", c->events);
	tsc_json_u64(&j, "dropped", c->dropped);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

static void print_summary(struct trace_run *tr, struct tsc_trace *t)
{
	struct tsc_trace_counters c;

	if (tsc_trace_get_counters(t, &c) < 0)
		memset(&c, 0, sizeof(c));
	if (tr->o->json) {
		summary_json(tr, &c);
	} else {
		summary_text(tr);
		tsc_buf_printf(&tr->out, "\nevents %llu, dropped %llu (ring buffer full)\n",
			       (unsigned long long)c.events, (unsigned long long)c.dropped);
	}
	flush_quietly(&tr->out);
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_error(int err)
{
	struct tsc_trace_probe p;
	const char *why;

	if (err == EOPNOTSUPP && !tsc_trace_built()) {
		tsc_error("tcpscope was built without eBPF support (clang, bpftool or libbpf were "
			  "missing at build time; 'make deps' then rebuild with -Dbpf=enabled)");
		return TSC_EXIT_USAGE;
	}
	tsc_trace_probe(&p);
	why = tsc_trace_probe_explain(&p);
	if (why)
		tsc_error("cannot trace: %s", why);
	else
		tsc_error("cannot load the eBPF tracer: %s (sock:inet_sock_set_state needs raw BTF "
			  "tracepoints, or tracefs mounted on /sys/kernel/tracing)",
			  strerror(err));
	return TSC_EXIT_USAGE;
}

static void print_header(struct trace_run *tr)
{
	if (tr->o->json || tr->o->summary)
		return;
	if (tr->o->life)
		tsc_buf_printf(&tr->out, "%-7s %-15s %-23s %-23s %8s %8s %10s %s\n", "PID", "COMM",
			       "LOCAL", "PEER", "TX_B", "RX_B", "MS", "PATH MS_IN_STATE");
	else
		tsc_buf_printf(&tr->out, "%-15s %-7s %-15s %-23s %-23s %-11s    %-12s %10s %s\n",
			       "TIME", "PID", "COMM", "LOCAL", "PEER", "OLD", "NEW", "MS_IN_OLD",
			       "METHOD");
	flush_quietly(&tr->out);
}

/* The timewait watcher's pace: an endpoint in FIN-WAIT-2 waits for the
 * peer's FIN (a short wait worth 10 ms precision: fast polls ask only for
 * FIN-WAIT-2 sockets); full polls settle everything (TIME-WAIT lasts 60 s)
 * every 200 ms, or, when a full poll is costly (tens of thousands of
 * timewait sockets under connection churn), every 50 times the CPU time the
 * last one took (at most 50 us per followed socket), so the dumps stay
 * under 2 % of a CPU: on
 * a small machine that CPU is taken from the traced applications. The end
 * of TIME-WAIT by its timer is then stamped up to that interval late; its
 * end by reuse is seen at once (tsc_tw_watch_reused). */
static int poll_tw(struct trace_run *tr, int64_t now, int64_t *next_fast, int64_t *next_full)
{
	bool fw2 = false, full, twtimer = tr->features & TSC_TRACE_FEAT_TWTIMER;
	int64_t cpu0, iv;
	unsigned n;
	int r;

	if (!tr->tw || !(n = tsc_tw_watch_pending(tr->tw, NULL)))
		return 0;
	/* The kernel reports the timewait timers (twtimer): full dumps are a
	 * safety net (an RST in TIME-WAIT, events lost, a namespace deleted),
	 * every second or 500 times their CPU time (at most 0.2 % of a CPU,
	 * at most 500 us per followed socket); half-open requests are still
	 * settled every 200 ms, by dumps that skip the timewait sockets. */
	if (twtimer && now < *next_full) {
		if (now < *next_fast)
			return 0;
		*next_fast = now + 200 * 1000000ll;
		return tsc_tw_watch_poll_requests(tr->tw, (uint64_t)now, on_event, tr);
	}
	/* the kernel reports FIN-WAIT-2 -> TIME-WAIT itself (twack) */
	if (!(tr->features & TSC_TRACE_FEAT_SYNACK))
		(void)tsc_tw_watch_pending(tr->tw, &fw2);
	full = now >= *next_full;
	if (!full && (!fw2 || now < *next_fast))
		return 0;
	*next_fast = now + 10 * 1000000ll;
	if (!full)
		return tsc_tw_watch_poll(tr->tw, (uint64_t)now, false, on_event, tr);
	cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	r = tsc_tw_watch_poll(tr->tw, (uint64_t)now, true, on_event, tr);
	iv = (twtimer ? 500 : 50) * (clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0);
	/* but not later than 50 us per followed socket: with few sockets the
	 * cost is mostly finding a namespace (deleted ones in all of /proc) */
	if (iv > (int64_t)n * (twtimer ? 500000 : 50000))
		iv = (int64_t)n * (twtimer ? 500000 : 50000);
	if (iv < (twtimer ? 1000 : 200) * 1000000ll)
		iv = (twtimer ? 1000 : 200) * 1000000ll;
	*next_full = now + iv;
	if (twtimer)
		*next_fast = now + 200 * 1000000ll; /* requests were settled too */
	return r;
}

static int run_loop(struct trace_run *tr, struct tsc_trace *t)
{
	const struct trace_opts *o = tr->o;
	int64_t start = clock_ns(CLOCK_MONOTONIC),
		next_iv = start + (int64_t)o->interval_ms * 1000000;
	int64_t next_fast = 0, next_full = 0;
	uint64_t ring = (uint64_t)(o->ringbuf_kib ? o->ringbuf_kib : TSC_TRACE_RINGBUF_KIB) * 1024;
	int r = 0, pace = 100;

	while (!tsc_interrupted && (!o->count || tr->shown < o->count)) {
		int64_t now = clock_ns(CLOCK_MONOTONIC);
		bool fw2 = false;
		int timeout = pace;

		/* fast polls for FIN-WAIT-2 sockets, unless the kernel reports
		 * their change itself (twack) */
		if (tr->tw && !(tr->features & TSC_TRACE_FEAT_SYNACK) &&
		    tsc_tw_watch_pending(tr->tw, &fw2) && fw2)
			timeout = 10;

		if (o->duration_ms && now - start >= (int64_t)o->duration_ms * 1000000)
			break;
		if (o->interval_ms && now >= next_iv) {
			print_summary(tr, t);
			tsc_trace_agg_reset(tr->agg);
			next_iv += (int64_t)o->interval_ms * 1000000;
		}
		r = tsc_trace_poll(t, timeout);
		if (r == -EINTR) {
			r = 0;
			continue;
		}
		/* The reader's own pace: the kernel side wakes it only when a
		 * quarter of the ring buffer is pending (a wake-up costs the
		 * traced CPU an inter-processor interrupt), so under load it
		 * wakes itself up often enough to find about 1/16 of the buffer
		 * waiting, and at most every 100 ms when the trace is quiet. */
		if (r >= 0 && (uint64_t)r * TSC_TRACE_RECORD_BYTES > ring / 16)
			pace = pace / 2 > 5 ? pace / 2 : 5;
		else if (r >= 0 && (uint64_t)r * TSC_TRACE_RECORD_BYTES < ring / 64)
			pace = pace * 2 < 100 ? pace * 2 : 100;
		if (r >= 0)
			r = poll_tw(tr, clock_ns(CLOCK_MONOTONIC), &next_fast, &next_full);
		if (r < 0)
			break;
		if (tsc_buf_flush(&tr->out) < 0)
			break;
	}
	/* wake-ups are batched (tsc_trace_opts.wakeup_batch): what the kernel
	 * wrote before we were told to stop is still to be read */
	if (r >= 0) {
		r = tsc_trace_poll(t, 0);
		if (r >= 0)
			r = tsc_buf_flush(&tr->out) < 0 ? 0 : r;
	}
	if (r < 0)
		tsc_error("reading trace events failed: %s", strerror(-r));
	return r < 0 ? TSC_EXIT_FAIL : TSC_EXIT_OK;
}

static void report_counters(struct trace_run *tr, struct tsc_trace *t)
{
	struct tsc_trace_counters c;

	if (tsc_trace_get_counters(t, &c) < 0)
		return;
	if (c.dropped)
		tsc_warning("%llu events dropped (ring buffer full; try --ringbuf)",
			    (unsigned long long)c.dropped);
	if (c.sk_full || c.tw_full || c.req_full)
		tsc_warning("kernel socket maps full: time in state unknown for %llu transitions",
			    (unsigned long long)(c.sk_full + c.tw_full + c.req_full));
	if (c.bad)
		tsc_warning("%llu malformed events ignored", (unsigned long long)c.bad);
	if (tr->tw && tsc_tw_watch_unwatched(tr->tw))
		tsc_warning("%llu timewait sockets not followed (TIME-WAIT end unknown)",
			    (unsigned long long)tsc_tw_watch_unwatched(tr->tw));
	if (tr->agg && tsc_trace_agg_overflow(tr->agg))
		tsc_warning("%llu connections not followed (table full)",
			    (unsigned long long)tsc_trace_agg_overflow(tr->agg));
}

int cmd_trace(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct trace_opts o = { .json = ctx->json, .netns = ctx->netns };
	struct trace_run tr = { .o = &o };
	struct tsc_trace_opts to = { 0 };
	struct tsc_trace *t;
	int r;

	r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	r = resolve_netns(&o);
	if (r)
		return r;
	if (o.life || o.summary) {
		tr.agg = tsc_trace_agg_new(65536, o.kernel_view ? TSC_TRACE_VIEW_KERNEL
								: TSC_TRACE_VIEW_RFC);
		if (!tr.agg) {
			tsc_error("cannot allocate the connection table: %s", strerror(errno));
			return TSC_EXIT_FAIL;
		}
	}
	to.netns = o.netns_ino;
	to.port = o.port;
	to.no_fentry = o.no_fentry;
	to.kernel_only = o.kernel_view;
	to.ringbuf_kib = o.ringbuf_kib;
	to.wakeup_batch = true; /* run_loop polls every 5..100 ms */
	to.log = ctx->verbose ? trace_log : NULL;
	tsc_stdout_buf(&tr.out);
	t = tsc_trace_new(&to, on_event, &tr);
	if (!t) {
		r = open_error(errno);
		goto out;
	}
	tr.t = t;
	tr.real_minus_mono_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	tr.features = tsc_trace_features(t);
	if (!(tsc_trace_features(t) & TSC_TRACE_FEAT_FENTRY) && !o.kernel_view) {
		tr.tw = tsc_tw_watch_new(65536);
		if (!tr.tw)
			tsc_warning("cannot follow timewait sockets: %s", strerror(errno));
		else
			tsc_tw_watch_set_tick(tr.tw, drain_ring, &tr);
	}
	fprintf(stderr, "tracing TCP state changes (%s)... Ctrl-C to stop\n",
		o.kernel_view					? "tracepoint only: --kernel"
		: tsc_trace_features(t) & TSC_TRACE_FEAT_FENTRY ? "tracepoint + fentry"
		: tsc_trace_features(t) & TSC_TRACE_FEAT_TWTIMER
			? "tracepoint, request sockets by their SYN-ACKs, timewait ends by their timers"
		: tsc_trace_features(t) & TSC_TRACE_FEAT_SYNACK
			? "tracepoint, timewait inferred via sock_diag, request sockets by their SYN-ACKs"
			: "tracepoint, timewait inferred via sock_diag");
	print_header(&tr);
	r = run_loop(&tr, t);
	if (o.summary)
		print_summary(&tr, t);
	report_counters(&tr, t);
	tsc_trace_free(t);
out:
	tsc_tw_watch_free(tr.tw);
	tsc_trace_agg_free(tr.agg);
	if (tsc_stdout_finish(&tr.out) != TSC_EXIT_OK && !r)
		r = TSC_EXIT_FAIL;
	return r;
}
