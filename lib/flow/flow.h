/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP connections rebuilt from packets: a bounded flow table keyed by the
 * bidirectional 5-tuple, per-connection analysis (Wireshark tcp.analysis.*
 * semantics, Zeek conn_state/history) and, for each endpoint, the RFC 9293
 * state sequence its kernel went through (state.c). Segments come in already
 * decoded (lib/wire); nothing here reads packet memory except decode.c, which
 * only chains the lib/wire decoders. Never prints. References: RFC 9293
 * section 3.10, Wireshark packet-tcp.c analysis flags, Zeek conn.log docs.
 */
#ifndef TSC_FLOW_FLOW_H
#define TSC_FLOW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

/* RFC 9293 states plus NONE (the endpoint never had a socket). */
enum tsc_flow_state {
	TSC_FS_NONE = 0,
	TSC_FS_CLOSED,
	TSC_FS_LISTEN,
	TSC_FS_SYN_SENT,
	TSC_FS_SYN_RECEIVED,
	TSC_FS_ESTABLISHED,
	TSC_FS_FIN_WAIT_1,
	TSC_FS_FIN_WAIT_2,
	TSC_FS_CLOSE_WAIT,
	TSC_FS_CLOSING,
	TSC_FS_LAST_ACK,
	TSC_FS_TIME_WAIT,
	TSC_FS__COUNT,
};

/* "SYN-SENT", ... (RFC 9293 spelling), "NONE"; "?" when out of range. */
const char *tsc_flow_state_name(enum tsc_flow_state s);

/* One TCP segment, decoded and copied into host order. */
struct tsc_flow_seg {
	uint64_t pkt;	/* 1-based index of the frame in the input */
	int64_t ts_ns;	/* capture time, ns since the epoch */
	uint8_t family; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* TSC_TH_* */
	uint16_t win;
	uint32_t len;	  /* TCP payload length (declared by the IP header) */
	uint32_t wirelen; /* frame length on the wire */
	int8_t wscale;	  /* window scale option on a SYN, -1 if absent */
	uint16_t mss;	  /* 0 if absent */
};

/* A point of a connection's life: the packet and its time (pkt 0: none). */
struct tsc_flow_mark {
	uint64_t pkt;
	int64_t ts_ns;
};

/* Analysis counters of one direction (what one endpoint sent). The fields
 * every segment updates come first. */
struct tsc_flow_dirstats {
	uint64_t pkts, bytes, payload;
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	uint32_t rtt_samples;
	uint32_t retrans, fast_retrans, spurious_retrans, out_of_order, lost_segment;
	uint32_t dup_acks, zero_window, window_full, zero_window_probe, zero_window_probe_ack;
	uint32_t keep_alive, keep_alive_ack, window_update, acked_unseen;
};

/* The protocol facts of one direction that the state replay works from:
 * the part a segment reads or writes. */
struct tsc_flow_dirproto {
	uint32_t isn, fin_seq;
	uint16_t syn_copies, fin_copies;
	uint8_t syn_first_ack, syn_last_ack;  /* first/last SYN copy carried ACK */
	uint8_t syn_confirmed, fin_confirmed; /* the peer acknowledged it */
	uint8_t seen;			      /* marks.first is set */
	uint8_t syn_acked_set, fin_acked_set; /* marks.syn_acked/fin_acked.pkt != 0 */
	struct tsc_flow_mark last;	      /* last segment sent */
	struct tsc_flow_mark rst_cand;
};

/* ... and the points of its life, written on SYN, FIN and RST segments and
 * on the ACKs of SYN and FIN only. */
struct tsc_flow_dirmarks {
	struct tsc_flow_mark first; /* first segment sent */
	struct tsc_flow_mark rst_first;
	struct tsc_flow_mark syn_first, syn_rcvd, syn_acked;
	struct tsc_flow_mark fin_first, fin_rcvd, fin_acked;
	/* the peer's last segment before it acknowledged our SYN/FIN: the
	 * receipt happened after it (crossing segments) */
	uint64_t syn_rcvd_after, fin_rcvd_after;
};

/* Sequence analysis state of one direction (Wireshark's tcp_flow_t). */
#define TSC_FLOW_RTT_RING 4
struct tsc_flow_dirseq {
	uint32_t nextseq, lastack, lastwin, dupack_run;
	int64_t last_ts;
	uint32_t rtt_end[TSC_FLOW_RTT_RING];
	int64_t rtt_ts[TSC_FLOW_RTT_RING];
	int8_t wscale; /* -1: unknown (no SYN seen: assume 0) */
	uint8_t have_seq, have_ack, last_keepalive, last_zwp, rtt_n, rtt_head;
};

enum tsc_flow_flag {
	TSC_FLOW_PARTIAL = 1 << 0,   /* the start was not captured */
	TSC_FLOW_RECYCLED = 1 << 1,  /* a new connection reused the 4-tuple */
	TSC_FLOW_EVICTED = 1 << 2,   /* dropped from a full table before its end */
	TSC_FLOW_TIMED_OUT = 1 << 3, /* idle timeout of its state class */
};

#define TSC_FLOW_HISTORY_MAX 40

/* The fields a segment reads or writes come first, cold ones (written once
 * or on rare segments) last: with the table's records 64-byte aligned a
 * segment touches the first 8 of the 15 cache lines of its record, so
 * the lines in use for 40,000 open connections fit the last-level cache. */
struct tsc_flow {
	uint8_t family;
	uint8_t hist_len;
	uint16_t port[2];
	uint16_t hist_seen[2];
	uint8_t have_maxend[2];
	unsigned flags;
	uint8_t addr[2][16]; /* [0] originator (client), [1] responder */
	struct tsc_flow_mark last;
	uint32_t data_maxend[2];
	struct tsc_flow_dirseq sq[2];
	struct tsc_flow_dirproto pr[2];
	struct tsc_flow_dirstats st[2];
	/* cold */
	uint64_t id; /* 1-based, in order of first packet */
	struct tsc_flow_mark first;
	struct tsc_flow_dirmarks pm[2];
	uint32_t hist_rep[2][2];	  /* Zeek history t, w per direction */
	uint32_t anomalies, anomaly_bits; /* enum tsc_flow_anomaly */
	/* handshake RTTs (0: not measured) */
	int64_t rtt_syn_synack_ns, rtt_synack_ack_ns;
	char history[TSC_FLOW_HISTORY_MAX];
};

enum tsc_flow_anomaly {
	TSC_FLOW_AN_SYN_FIN = 1 << 0,	     /* SYN and FIN together */
	TSC_FLOW_AN_RST_BAD_SEQ = 1 << 1,    /* RST outside the receiver's window */
	TSC_FLOW_AN_ACK_UNSENT = 1 << 2,     /* ACK for data never sent */
	TSC_FLOW_AN_SYN_RST = 1 << 3,	     /* SYN and RST together */
	TSC_FLOW_AN_NO_FLAGS = 1 << 4,	     /* null scan: no flag at all */
	TSC_FLOW_AN_DATA_AFTER_FIN = 1 << 5, /* data past the sender's own FIN */
};

/* One entry of an endpoint's state sequence. pkt 0 / ts 0: no packet (an
 * initial state, or a timer). */
struct tsc_flow_trans {
	enum tsc_flow_state state;
	struct tsc_flow_mark at;
};

#define TSC_FLOW_MAX_TRANS 16
struct tsc_flow_states {
	unsigned n; /* 0: the endpoint never had a socket (final NONE) */
	struct tsc_flow_trans t[TSC_FLOW_MAX_TRANS];
	enum tsc_flow_state final;
	bool timer_close; /* final CLOSED inferred from a timer (SYN timeout) */
};

/* Replays the state machine of endpoint side (0 client, 1 server) from the
 * connection's recorded facts. at_end: the input is over (unconfirmed
 * segments are judged as the end rules in doc/cmd/flows.md say). Pure. */
void tsc_flow_replay(const struct tsc_flow *f, int side, bool at_end, struct tsc_flow_states *ret);

/* Zeek conn_state ("S0", "SF", ...). Pure. */
const char *tsc_flow_conn_state(const struct tsc_flow *f);

/* How the connection ended: "closed" (FIN both ways), "reset", "refused",
 * "syn-timeout", "syn-unanswered", "half-closed", "open", "evicted". */
const char *tsc_flow_end_reason(const struct tsc_flow *f);

/* Appends what the segment behind v meant for its connection ("handshake
 * 1/3: ...", "client FIN: client now FIN-WAIT-1", "retransmission of 1:8")
 * to b, without a newline. Needs a table made with track_states. */
struct tsc_buf;
struct tsc_flow_verdict;
void tsc_flow_explain(const struct tsc_flow_verdict *v, const struct tsc_flow_seg *s,
		      struct tsc_buf *b);

/* "10.0.0.1:80" or "[fd00::1]:80" of side 0/1 into buf (>= 48 bytes). */
void tsc_flow_endpoint_str(const struct tsc_flow *f, int side, char *buf, size_t n);

/* ---- the table ---- */

enum tsc_flow_class {
	TSC_FLOW_CLS_HANDSHAKE, /* SYN-SENT / SYN-RECEIVED */
	TSC_FLOW_CLS_OPEN,	/* ESTABLISHED, or mid-stream */
	TSC_FLOW_CLS_CLOSING,	/* FIN exchange in progress */
	TSC_FLOW_CLS_TIMEWAIT,	/* both done, a side in TIME-WAIT */
	TSC_FLOW_CLS_CLOSED,	/* both done */
	TSC_FLOW_CLS__COUNT,
};

struct tsc_flow_opts {
	uint32_t max_flows;			  /* 0: TSC_FLOW_DEFAULT_MAX */
	uint64_t timeout_ms[TSC_FLOW_CLS__COUNT]; /* 0: defaults (conntrack's) */
	bool track_states;			  /* fill tsc_flow_verdict.before/after (explain) */
};

#define TSC_FLOW_DEFAULT_MAX 262144u

struct tsc_flow_stats {
	uint64_t frames, tcp, non_tcp, non_ip, truncated, bad;
	uint64_t flows, evicted[TSC_FLOW_CLS__COUNT], timed_out, recycled;
	uint64_t active, peak_active;
	uint64_t syn_only; /* connections whose client sent nothing but SYNs */
};

/* What one segment meant, for capture --explain and the ladder. */
enum tsc_flow_note {
	TSC_FLOW_N_RETRANS = 1 << 0,
	TSC_FLOW_N_FAST_RETRANS = 1 << 1,
	TSC_FLOW_N_SPURIOUS = 1 << 2,
	TSC_FLOW_N_OOO = 1 << 3,
	TSC_FLOW_N_DUP_ACK = 1 << 4,
	TSC_FLOW_N_ZERO_WIN = 1 << 5,
	TSC_FLOW_N_WIN_FULL = 1 << 6,
	TSC_FLOW_N_ZWP = 1 << 7,
	TSC_FLOW_N_KEEPALIVE = 1 << 8,
	TSC_FLOW_N_KEEPALIVE_ACK = 1 << 9,
	TSC_FLOW_N_WIN_UPDATE = 1 << 10,
	TSC_FLOW_N_LOST = 1 << 11,
	TSC_FLOW_N_NEW_CONN = 1 << 12,
	TSC_FLOW_N_ANOMALY = 1 << 13,
	TSC_FLOW_N_ZWP_ACK = 1 << 14,
};

struct tsc_flow_verdict {
	const struct tsc_flow *flow; /* valid until the next call into the table */
	int side;		     /* sender: 0 client, 1 server */
	unsigned notes;		     /* enum tsc_flow_note */
	uint32_t rel_seq, rel_ack;   /* relative to the ISNs */
	uint32_t dupack_num;
	/* with track_states: each side's state before and after the segment */
	enum tsc_flow_state before[2], after[2];
};

struct tsc_flow_table;

/* Called for every connection that leaves the table (closed and expired,
 * evicted, recycled, or at tsc_flow_table_finish). The record is valid
 * during the call only. */
typedef void (*tsc_flow_emit_fn)(void *arg, const struct tsc_flow *f, bool at_end);

/* NULL + errno (EINVAL, ENOMEM). Takes a copy of opts (may be NULL). */
struct tsc_flow_table *tsc_flow_table_new(const struct tsc_flow_opts *opts, tsc_flow_emit_fn emit,
					  void *arg);
void tsc_flow_table_free(struct tsc_flow_table *t);

/* Decodes one frame with lib/wire and feeds it. pkt is the frame's 1-based
 * index. ret_v (may be NULL) describes the segment when it was TCP.
 * Returns 1 (TCP segment tracked), 0 (counted, not tracked: non-TCP,
 * truncated, malformed) or -ENOMEM. */
TSC_MUST_CHECK int tsc_flow_table_frame(struct tsc_flow_table *t, uint32_t linktype, uint64_t pkt,
					int64_t ts_ns, const uint8_t *data, uint32_t caplen,
					uint32_t wirelen, struct tsc_flow_verdict *ret_v);

/* Feeds one decoded segment. Returns 1 or -ENOMEM (no slot could be
 * found). */
TSC_MUST_CHECK int tsc_flow_table_segment(struct tsc_flow_table *t, const struct tsc_flow_seg *s,
					  struct tsc_flow_verdict *ret_v);

/* tsc_flow_table_frame() for when no per-segment verdict is needed (reading
 * a file): the frame is decoded and queued, and a frame queued a few calls
 * earlier is processed, while the memory of the queued frames' lookups is
 * prefetched. Frames are processed in order by the same code, so what is
 * emitted, and when relative to the other frames, is what the direct path
 * gives; the emit callback just runs a few frames later, and the counters
 * are exact once the queue is drained. Returns 0, or -ENOMEM when a queued
 * frame could not be tracked: the frames queued after it are dropped
 * uncounted (the run stops at that frame, as with tsc_flow_table_frame).
 * tsc_flow_table_frame, _segment and _finish drain the queue first;
 * tsc_flow_table_expire must not be called with frames queued. */
TSC_MUST_CHECK int tsc_flow_table_queue_frame(struct tsc_flow_table *t, uint32_t linktype,
					      uint64_t pkt, int64_t ts_ns, const uint8_t *data,
					      uint32_t caplen, uint32_t wirelen);

/* Processes every queued frame. Returns 0 or -ENOMEM (as above). */
TSC_MUST_CHECK int tsc_flow_table_drain(struct tsc_flow_table *t);

/* Expires idle connections against time now_ns (live mode calls this with
 * the clock; files use packet time automatically). */
void tsc_flow_table_expire(struct tsc_flow_table *t, int64_t now_ns);

/* End of input: drains the queue, emits every remaining connection in id
 * order (at_end true) and empties the table. Returns 0 or -ENOMEM. */
TSC_MUST_CHECK int tsc_flow_table_finish(struct tsc_flow_table *t);

const struct tsc_flow_stats *tsc_flow_table_stats(const struct tsc_flow_table *t);

/* Decoding only (shared by the table and the ladder's second pass):
 * 1 TCP segment filled, 0 not TCP, -1 truncated, -2 malformed. */
int tsc_flow_decode_frame(uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
			  struct tsc_flow_seg *ret);

/* Segment analysis on a connection record (used by the table; exposed for
 * unit tests). side: sender. Fills notes. */
void tsc_flow_analyze(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
		      struct tsc_flow_verdict *ret_v);
/* Records the facts of one segment for the state replay. Returns true if a
 * fact the replay reads may have changed (false: the replay's result is
 * the same as before the segment). */
bool tsc_flow_record(struct tsc_flow *f, int side, const struct tsc_flow_seg *s);
/* Initialises a record from its first segment (side 0 = the sender if it is
 * a SYN without ACK, etc.); returns the sender's side. */
int tsc_flow_init(struct tsc_flow *f, uint64_t id, const struct tsc_flow_seg *s);
/* Which side sent s (0/1), or -1 if s is not of this connection. */
int tsc_flow_side(const struct tsc_flow *f, const struct tsc_flow_seg *s);

#endif
