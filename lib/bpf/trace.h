/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own TCP state transitions, from eBPF (tcpstates.bpf.c): a
 * trace session (loader.c), runtime feature probing (probe.c), the event
 * decoder (event.c) and the per-state/per-connection aggregation behind
 * `trace --summary` and `--life` (agg.c). The decoder and the aggregator are
 * always built; without clang/bpftool at build time tsc_trace_new() fails
 * with EOPNOTSUPP. Kernel reference: tracepoint sock:inet_sock_set_state.
 */
#ifndef TSC_BPF_TRACE_H
#define TSC_BPF_TRACE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "core/tcpstate.h"

/* A decoded event (host order; addresses network order). */
struct tsc_trace_event {
	uint64_t ts_ns;	   /* CLOCK_MONOTONIC */
	uint64_t conn;	   /* connection id, stable across timewait/request sockets */
	uint64_t span_ns;  /* time in old state, valid when has_span */
	uint64_t birth_ns; /* first sighting of the connection */
	uint64_t bytes_acked, bytes_received; /* valid when has_bytes */
	uint32_t pid;
	uint32_t netns;
	uint16_t sport, dport;
	int family;	     /* AF_INET or AF_INET6 */
	uint8_t old, new;    /* kernel state numbers 1..12 */
	uint8_t method;	     /* TSC_BPF_M_* (tcpstates.bpf.h) */
	uint8_t flags;	     /* TSC_BPF_F_* */
	uint8_t tw_substate; /* hand-off to a timewait socket in this state, or 0 */
	uint8_t saddr[16], daddr[16];
	char comm[17]; /* NUL-terminated */
	bool has_span, has_bytes;
};

/* Decodes one ring-buffer record. Returns 0, -EBADMSG (short record) or
 * -EINVAL (bad family, state or method). Never reads past len. */
TSC_MUST_CHECK int tsc_trace_event_decode(const void *data, size_t len,
					  struct tsc_trace_event *ret);

/* "tracepoint", "fentry", "inferred", "synack", "twack", "twtimer" or "unknown". */
const char *tsc_trace_method_name(unsigned method);

/* Views: the kernel view is the tracepoint exactly as reported (the
 * scenarios' states.tsv); the RFC view replaces its blind spots. */
enum tsc_trace_view {
	TSC_TRACE_VIEW_RFC = 0,
	TSC_TRACE_VIEW_KERNEL = 1,
};
bool tsc_trace_event_in_view(const struct tsc_trace_event *ev, enum tsc_trace_view view);

/* ---- session (loader.c) ---- */

struct tsc_trace;
typedef int (*tsc_trace_event_fn)(const struct tsc_trace_event *ev, void *arg);
/* Same shape as libbpf_print_fn_t; level 0 warn, 1 info, 2 debug. */
typedef int (*tsc_trace_log_fn)(int level, const char *fmt, va_list ap);

enum tsc_trace_feature {
	TSC_TRACE_FEAT_TP_BTF = 1 << 0,	    /* raw BTF tracepoint (no tracefs needed) */
	TSC_TRACE_FEAT_TRACEPOINT = 1 << 1, /* classic tracepoint via tracefs */
	TSC_TRACE_FEAT_FENTRY = 1 << 2,	    /* BPF trampolines: blind spots closed */
	/* without fentry: request sockets seen by their SYN-ACKs (tp_btf
	 * net_dev_queue, tcp_retransmit_synack): SYN-RECEIVED at the SYN;
	 * and orphans' timewait sockets by their ACK of the peer's FIN */
	TSC_TRACE_FEAT_SYNACK = 1 << 3,
	/* with SYNACK: timewait sockets' timer expiries are reported by the
	 * kernel (tp_btf timer_expire_entry, method TSC_BPF_M_TWTIMER), so the
	 * end of TIME-WAIT needs no sock_diag dump (tsc_tw_watch_expired()) */
	TSC_TRACE_FEAT_TWTIMER = 1 << 4,
};

struct tsc_trace_opts {
	uint32_t netns; /* namespace inode to keep, 0 = all (filtered in kernel) */
	uint16_t port;	/* local or remote port to keep, 0 = all */
	bool no_fentry; /* do not try fentry (forces the inferred method) */
	/* Only the tracepoint's own events (the kernel view): neither fentry
	 * nor the SYN-ACK/timewait-ACK program (net_dev_queue, which runs for
	 * every packet sent) is loaded, no RFC-only event is written. */
	bool kernel_only;
	uint32_t ringbuf_kib; /* ring buffer size, power of two >= 4; 0 = TSC_TRACE_RINGBUF_KIB */
	/* Wake the reader only when the pending data crosses a multiple of a
	 * quarter of the ring buffer: the caller must then poll with a timeout
	 * short enough to drain the buffer before it fills (events are late
	 * by at most that much, never lost for it). */
	bool wakeup_batch;
	tsc_trace_log_fn log; /* libbpf's messages; NULL = silent */
};

/* Default ring buffer size (KiB): ~8,000 records, i.e. 45 ms of events at
 * 180,000 per second (15,000 connections per second) for a reader that
 * falls behind. */
#define TSC_TRACE_RINGBUF_KIB 1024
/* Bytes one event takes in the ring buffer (record and header). */
#define TSC_TRACE_RECORD_BYTES 128

struct tsc_trace_counters {
	uint64_t dropped; /* ring buffer full: events lost in the kernel */
	uint64_t sk_full; /* per-socket map full: time in state unknown */
	uint64_t req_full, tw_full;
	uint64_t events; /* written by the kernel */
	uint64_t bad;	 /* records that failed to decode */
};

/* True when this binary was built with the eBPF programs. */
bool tsc_trace_built(void);

/* Opens, loads and attaches the programs (open -> set rodata -> load ->
 * attach), trying fentry first unless opts->no_fentry. fn is called for each
 * decoded event from tsc_trace_poll(); a negative return stops the poll and
 * is returned. NULL with errno: EOPNOTSUPP (built without BPF), EPERM,
 * ENOENT (no tracepoint), ... */
struct tsc_trace *tsc_trace_new(const struct tsc_trace_opts *opts, tsc_trace_event_fn fn,
				void *arg);
/* Waits up to timeout_ms and delivers events. Returns the number delivered,
 * -EINTR when a signal arrived, or fn's/libbpf's -errno. */
TSC_MUST_CHECK int tsc_trace_poll(struct tsc_trace *t, int timeout_ms);
unsigned tsc_trace_features(const struct tsc_trace *t);
TSC_MUST_CHECK int tsc_trace_get_counters(struct tsc_trace *t, struct tsc_trace_counters *ret);
void tsc_trace_free(struct tsc_trace *t);

/* ---- runtime probing (probe.c) ---- */

struct tsc_trace_probe {
	bool btf;     /* /sys/kernel/btf/vmlinux readable */
	bool caps;    /* CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN effective */
	bool tracefs; /* tracefs mounted (only the classic tracepoint needs it) */
	bool ringbuf; /* BPF_MAP_TYPE_RINGBUF can be created */
};

/* Fills ret; never fails (features it cannot check are reported missing). */
void tsc_trace_probe(struct tsc_trace_probe *ret);
/* A one-line explanation of what is missing, or NULL when nothing is. */
const char *tsc_trace_probe_explain(const struct tsc_trace_probe *p);

/* ---- aggregation (agg.c) ---- */

#define TSC_TRACE_HIST_BUCKETS 64 /* log2 buckets of microseconds */
#define TSC_TRACE_PATH_MAX     16
#define TSC_TRACE_SLOWEST      10

/* One finished connection (tcplife). */
struct tsc_trace_life {
	uint64_t conn;
	uint64_t start_ns, end_ns;
	uint64_t state_ns[TSC_TCP_MAX_STATES]; /* time in each state, by kernel number */
	uint64_t tx_bytes, rx_bytes;
	bool has_bytes;
	uint32_t pid, netns;
	char comm[17];
	int family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint8_t path[TSC_TRACE_PATH_MAX]; /* states visited, first is the initial one */
	unsigned npath;
};

struct tsc_trace_agg;

/* max_conns bounds the connection table; beyond it connections are counted
 * in overflow and not followed. NULL with errno. */
struct tsc_trace_agg *tsc_trace_agg_new(unsigned max_conns, enum tsc_trace_view view);
void tsc_trace_agg_free(struct tsc_trace_agg *a);
/* Feeds every event (also those outside the view: they can carry the byte
 * counts). Returns 1 and fills ret_life when a connection finished, else 0.
 * Listeners and connections whose start was not seen produce no life. */
int tsc_trace_agg_add(struct tsc_trace_agg *a, const struct tsc_trace_event *ev,
		      struct tsc_trace_life *ret_life);
/* Histogram of time spent in state (1..12), TSC_TRACE_HIST_BUCKETS entries:
 * bucket 0 holds 0 us, bucket k holds [2^(k-1), 2^k) us. */
const uint64_t *tsc_trace_agg_hist(const struct tsc_trace_agg *a, unsigned state);
uint64_t tsc_trace_agg_edge(const struct tsc_trace_agg *a, unsigned old, unsigned new);
/* The slowest finished connections, longest first. */
unsigned tsc_trace_agg_slowest(const struct tsc_trace_agg *a, const struct tsc_trace_life **ret);
uint64_t tsc_trace_agg_overflow(const struct tsc_trace_agg *a);
unsigned tsc_trace_agg_open(const struct tsc_trace_agg *a);
/* Forgets histograms, edges and the slowest list (--interval); keeps the
 * connections in flight. */
void tsc_trace_agg_reset(struct tsc_trace_agg *a);
/* Bucket index for a duration in ns. */
unsigned tsc_trace_hist_bucket(uint64_t ns);

/* ---- timewait watcher (twwatch.c), for the inferred method ---- */

struct tsc_tw_watch;

/* Request sockets followed at once (at most max_entries). */
#define TSC_TW_WATCH_MAX_REQ 16384

/* NULL with errno. max_entries bounds the sockets followed at once. */
struct tsc_tw_watch *tsc_tw_watch_new(unsigned max_entries);
void tsc_tw_watch_free(struct tsc_tw_watch *w);
/* Follows the timewait socket of a hand-off event (ev->tw_substate != 0).
 * Returns 0, -EINVAL (not a hand-off) or -ENOSPC (full, counted). */
int tsc_tw_watch_add(struct tsc_tw_watch *w, const struct tsc_trace_event *ev);
/* Called every few thousand sockets of a dump (which can take tens of
 * milliseconds): lets the caller drain the ring buffer meanwhile. It may
 * call the functions below (add, reused, expired, twack, add_request,
 * child); sockets added during a poll are settled by later polls. A
 * negative result stops the poll and is returned. */
typedef int (*tsc_tw_watch_tick_fn)(void *arg);
void tsc_tw_watch_set_tick(struct tsc_tw_watch *w, tsc_tw_watch_tick_fn fn, void *arg);
/* Dumps the sockets of every namespace with followed sockets (it enters
 * each with setns(2) and returns) and reports FIN-WAIT-2 -> TIME-WAIT and
 * X -> CLOSED as events with method inferred. A full poll dumps every
 * timewait and request socket and settles everything; a fast one (!full)
 * asks only for FIN_WAIT2 ones (cheap when thousands sit in TIME-WAIT) and
 * notes when a FIN-WAIT-2 socket left that substate; the next full poll
 * reports the change with that time. Events are stamped with now_ns or the
 * noted time. Returns 0 or -errno (fn's negative result stops it). */
TSC_MUST_CHECK int tsc_tw_watch_poll(struct tsc_tw_watch *w, uint64_t now_ns, bool full,
				     tsc_trace_event_fn fn, void *arg);
/* Like a full poll for the request sockets only (dumps of SYN_RECV
 * sockets, which skip the timewait ones), and for the timewait sockets a
 * check that their namespace still exists (those of a deleted one are
 * reported X -> CLOSED): with TSC_TRACE_FEAT_TWTIMER the end of TIME-WAIT
 * by its timer is reported by the kernel, and full polls are only a safety
 * net (RST in TIME-WAIT, events lost). */
TSC_MUST_CHECK int tsc_tw_watch_poll_requests(struct tsc_tw_watch *w, uint64_t now_ns,
					      tsc_trace_event_fn fn, void *arg);
/* A full socket's tracepoint event on the 4-tuple of a followed timewait
 * socket (other than its own connection): the timewait socket was recycled
 * (tcp_tw_reuse, or a new SYN accepted in TIME-WAIT) and is reported
 * X -> CLOSED at ev's time. Only events that begin a socket's life are
 * checked (old state CLOSE, SYN_SENT or LISTEN). Returns 0 or fn's
 * negative result. */
int tsc_tw_watch_reused(struct tsc_tw_watch *w, const struct tsc_trace_event *ev,
			tsc_trace_event_fn fn, void *arg);
/* The kernel saw a timewait socket's timer expire (event with method
 * TSC_BPF_M_TWTIMER and flag TSC_BPF_F_SUPERSEDED, not to be shown): a followed socket on that
 * address is reported X -> CLOSED at ev's time (method twtimer) and no longer followed. Returns 1
 * when one was, 0 when none is followed there (e.g. older than the trace), or fn's negative result.
 */
int tsc_tw_watch_expired(struct tsc_tw_watch *w, const struct tsc_trace_event *ev,
			 tsc_trace_event_fn fn, void *arg);
/* The kernel saw a followed FIN-WAIT-2 timewait socket reach TIME-WAIT
 * (event with method twack): update it, so polls do not report the change
 * again. Returns 1 when a poll has already reported that change (the event
 * is then a duplicate, to be dropped), else 0. */
int tsc_tw_watch_twack(struct tsc_tw_watch *w, const struct tsc_trace_event *ev);
/* Follows the request socket of a SYN-ACK event (LISTEN -> SYN-RECEIVED,
 * method synack): when it disappears without tsc_tw_watch_child() having been
 * called for its conn, reports SYN-RECEIVED -> CLOSED (method inferred).
 * Returns 0, -EINVAL or -ENOSPC (full, counted). */
int tsc_tw_watch_add_request(struct tsc_tw_watch *w, const struct tsc_trace_event *ev);
/* The child of a followed request socket was created (the superseded
 * LISTEN -> SYN_RECV tracepoint event, same conn): stop following it. */
void tsc_tw_watch_child(struct tsc_tw_watch *w, const struct tsc_trace_event *ev);
/* Sockets followed, in O(1); *ret_fin_wait2 (unless NULL, then O(n))
 * tells whether one is still in FIN-WAIT-2 (not yet seen leaving it: fast
 * polls are worth it). */
unsigned tsc_tw_watch_pending(const struct tsc_tw_watch *w, bool *ret_fin_wait2);
/* Sockets that could not be followed (table full, namespace not reachable). */
uint64_t tsc_tw_watch_unwatched(const struct tsc_tw_watch *w);

#endif
