/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-segment sequence analysis with Wireshark's tcp.analysis.* meanings
 * (packet-tcp.c, tcp_analyze_sequence_number): retransmission, fast and
 * spurious retransmission, out-of-order, previous segment not captured, dup
 * ACK, zero window, window full, zero-window probe (and its ACK), keep-alive
 * (and its ACK), window update, ACKed unseen segment; ACK RTT samples with
 * Karn's rule; handshake RTTs. Counters only: it never reorders or buffers.
 * Also what a segment changes of the facts the state replay works from
 * (record) and the Zeek history letters: everything a segment does to its
 * record is in this one file, so that it compiles into one call.
 */
#include <string.h>

#include "flow/flow.h"
#include "flow/internal.h"
#include "wire/wire.h"

/* Would the receiver take this RST? Linux (RFC 5961 3.2) accepts an RST
 * whose sequence number is exactly rcv_nxt, in SYN-SENT one that ACKs the
 * SYN; anything else is ignored (or answered with a challenge ACK). */
static bool rst_acceptable(const struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	const struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	const struct tsc_flow_dirseq *xs = &f->sq[side], *ys = &f->sq[!side];

	if (y->syn_copies && !y->syn_first_ack && !x->syn_copies)
		return (s->flags & TSC_TH_ACK) && s->ack == y->isn + 1;
	if (!xs->have_seq)
		return true;
	if (s->seq == xs->nextseq || (ys->have_ack && s->seq == ys->lastack))
		return true;
	/* ahead of what we saw: segments the capture missed (Wireshark's
	 * "previous segment not captured"); still inside the receive window */
	return tsc__seq_gt(s->seq, xs->nextseq) &&
	       s->seq - xs->nextseq <= (ys->lastwin > 65535 ? ys->lastwin : 65535);
}

/* The peer's acknowledgment of one of y's control segments (SYN or FIN:
 * copies sent, sequence number end the ACK must reach): the facts the
 * state replay reads. Returns true if one changed. */
static bool confirm_ctl(uint16_t copies, uint32_t end, uint8_t *confirmed, uint8_t *acked_set,
			uint64_t *rcvd_after, struct tsc_flow_mark *acked, uint32_t ack,
			struct tsc_flow_mark m, uint64_t prev)
{
	if (!copies || (*confirmed && *acked_set) || !tsc__seq_ge(ack, end))
		return false;
	if (!*confirmed)
		*rcvd_after = prev;
	*confirmed = 1;
	if (!*acked_set) {
		*acked = m;
		*acked_set = m.pkt != 0;
	}
	return true;
}

/* Returns true if a fact of the state replay changed (the common ACK that
 * covers an already confirmed SYN changes nothing and writes nothing). */
static bool record_ack(struct tsc_flow_dirproto *y, struct tsc_flow_dirmarks *ym,
		       const struct tsc_flow_seg *s, struct tsc_flow_mark m, uint64_t prev)
{
	bool syn = confirm_ctl(y->syn_copies, y->isn + 1, &y->syn_confirmed, &y->syn_acked_set,
			       &ym->syn_rcvd_after, &ym->syn_acked, s->ack, m, prev);
	bool fin = confirm_ctl(y->fin_copies, y->fin_seq + 1, &y->fin_confirmed, &y->fin_acked_set,
			       &ym->fin_rcvd_after, &ym->fin_acked, s->ack, m, prev);

	return syn || fin;
}

static void record_syn(struct tsc_flow_dirproto *x, struct tsc_flow_dirmarks *xm,
		       const struct tsc_flow_seg *s, struct tsc_flow_mark m)
{
	uint8_t ack = (s->flags & TSC_TH_ACK) ? 1 : 0;

	if (!x->syn_copies) {
		x->isn = s->seq;
		xm->syn_first = m;
		x->syn_first_ack = ack;
	} else if (ack == x->syn_last_ack) {
		/* a retransmitted SYN: the peer's ACK of the earlier copy was lost */
		xm->syn_acked.pkt = 0;
		x->syn_acked_set = 0;
	}
	x->syn_last_ack = ack;
	if (x->syn_copies < UINT16_MAX)
		x->syn_copies++;
	/* in a simultaneous open the SYN-ACK copies answer the peer's SYN: its
	 * receipt is an ACK of the peer's SYN, not another SYN */
	if (!x->syn_confirmed && ack == x->syn_first_ack)
		xm->syn_rcvd = m;
}

static void record_fin(struct tsc_flow_dirproto *x, struct tsc_flow_dirmarks *xm,
		       const struct tsc_flow_seg *s, struct tsc_flow_mark m)
{
	uint32_t fs = s->seq + s->len + ((s->flags & TSC_TH_SYN) ? 1u : 0u);

	if (!x->fin_copies) {
		x->fin_seq = fs;
		xm->fin_first = m;
	} else {
		/* retransmitted: the earlier ACK did not arrive */
		xm->fin_acked.pkt = 0;
		x->fin_acked_set = 0;
	}
	if (x->fin_copies < UINT16_MAX)
		x->fin_copies++;
	if (!x->fin_confirmed)
		xm->fin_rcvd = m;
}

/* A segment with SYN, FIN or RST: every fact it can change. */
static void record_control(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
			   struct tsc_flow_mark m)
{
	struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	struct tsc_flow_dirmarks *xm = &f->pm[side], *ym = &f->pm[!side];
	bool rst = s->flags & TSC_TH_RST;

	if (!rst)
		y->rst_cand.pkt = 0;
	if ((s->flags & TSC_TH_ACK) && !rst)
		(void)record_ack(y, ym, s, m, x->last.pkt);
	if ((s->flags & TSC_TH_SYN) && !rst && !(s->flags & TSC_TH_FIN))
		record_syn(x, xm, s, m);
	if ((s->flags & TSC_TH_FIN) && !rst)
		record_fin(x, xm, s, m);
	else if (s->len && x->fin_copies && !x->fin_confirmed && !rst)
		xm->fin_rcvd = m;
	if (rst) {
		if (!xm->rst_first.pkt)
			xm->rst_first = m;
		if (rst_acceptable(f, side, s)) {
			if (!x->rst_cand.pkt)
				x->rst_cand = m;
		} else {
			f->anomalies++;
			f->anomaly_bits |= TSC_FLOW_AN_RST_BAD_SEQ;
		}
	}
}

static inline bool record(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	struct tsc_flow_mark m = { s->pkt, s->ts_ns };
	uint8_t fl = s->flags;
	bool changed = false;

	/* the first segment of this side (seen mirrors pm.first.pkt != 0 in
	 * this hot part of the record) */
	if (!x->seen) {
		f->pm[side].first = m;
		x->seen = m.pkt != 0;
	}
	if (!(fl & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST))) {
		/* the common segment: no control flag */
		if (y->rst_cand.pkt) {
			/* a live segment from this side: it never took the peer's RST */
			y->rst_cand.pkt = 0;
			changed = true;
		}
		/* the call only while the peer's SYN or FIN waits for its ACK */
		if ((fl & TSC_TH_ACK) &&
		    ((y->syn_copies && (!y->syn_confirmed || !y->syn_acked_set)) ||
		     (y->fin_copies && (!y->fin_confirmed || !y->fin_acked_set))) &&
		    record_ack(y, &f->pm[!side], s, m, x->last.pkt))
			changed = true;
		if (s->len && x->fin_copies && !x->fin_confirmed) {
			/* filled a hole before the FIN: the FIN took effect now */
			f->pm[side].fin_rcvd = m;
			changed = true;
		}
		x->last = m;
		f->last = m;
		return changed;
	}
	record_control(f, side, s, m);
	x->last = m;
	f->last = m;
	return true;
}

/* ---- Zeek history (the harness's rules, which follow Zeek's: one letter
 * per kind and direction, upper case for the originator; t and w repeated
 * at 1, 10, 100, ... occurrences) ---- */

static const char hist_letter[] = "shadfrtw";

static void hist_put(struct tsc_flow *f, int side, int letter)
{
	char c = hist_letter[letter];

	if (side == 0)
		c = (char)(c - 'a' + 'A');
	if (f->hist_len + 1u < sizeof(f->history))
		f->history[f->hist_len++] = c;
}

static void hist_once(struct tsc_flow *f, int side, int letter)
{
	if (f->hist_seen[side] & (1u << letter))
		return;
	f->hist_seen[side] |= (uint16_t)(1u << letter);
	hist_put(f, side, letter);
}

static void hist_rep(struct tsc_flow *f, int side, int letter)
{
	uint32_t *c = &f->hist_rep[side][letter == H_T ? 0 : 1];

	(*c)++;
	f->hist_seen[side] |= (uint16_t)(1u << letter);
	if (*c == 1 || *c == 10 || *c == 100 || *c == 1000 || *c == 10000 || *c == 100000)
		hist_put(f, side, letter);
}

static void history(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	uint8_t fl = s->flags;

	if ((fl & TSC_TH_SYN) && (fl & TSC_TH_ACK))
		hist_once(f, side, H_H);
	else if (fl & TSC_TH_SYN)
		hist_once(f, side, H_S);
	if (fl & TSC_TH_RST)
		hist_once(f, side, H_R);
	if (fl & TSC_TH_FIN)
		hist_once(f, side, H_F);
	if (s->len > 0) {
		uint32_t end = s->seq + s->len;

		if (f->have_maxend[side] && tsc__seq_ge(f->data_maxend[side], end))
			hist_rep(f, side, H_T);
		else
			hist_once(f, side, H_D);
		if (!f->have_maxend[side] || tsc__seq_ge(end, f->data_maxend[side]))
			f->data_maxend[side] = end;
		f->have_maxend[side] = 1;
		f->hist_seen[side] |= 1u << K_DATA;
	}
	if ((fl & TSC_TH_ACK) && !(fl & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST)) && s->len == 0)
		hist_once(f, side, H_A);
	if (s->win == 0 && !(fl & (TSC_TH_RST | TSC_TH_SYN)))
		hist_rep(f, side, H_W);
}

/* Wireshark's default out-of-order threshold when no RTT is known: 3 ms. */
#define OOO_THRESH_NS 3000000
/* Fast retransmission: within 20 ms of the dup ACK (Wireshark). */
#define FAST_RETRANS_NS 20000000

static uint32_t win_scaled(const struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	const struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];

	if (s->flags & TSC_TH_SYN)
		return s->win; /* RFC 7323 2.2: never scaled in a SYN */
	if (x->wscale < 0 || y->wscale < 0)
		return s->win;
	return (uint32_t)s->win << x->wscale;
}

static void rtt_sample(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	struct tsc_flow_dirseq *y = &f->sq[!side];
	struct tsc_flow_dirstats *st = &f->st[!side];
	int64_t best = -1;
	unsigned keep = 0;
	uint32_t end[TSC_FLOW_RTT_RING];
	int64_t ts[TSC_FLOW_RTT_RING];

	if (y->rtt_head == 0) {
		/* the usual ring, not wrapped: compact in place (the write index
		 * never passes the read index) */
		for (unsigned i = 0; i < y->rtt_n; i++) {
			if (tsc__seq_ge(s->ack, y->rtt_end[i])) {
				best = y->rtt_ts[i];
			} else {
				y->rtt_end[keep] = y->rtt_end[i];
				y->rtt_ts[keep++] = y->rtt_ts[i];
			}
		}
	} else {
		for (unsigned i = 0; i < y->rtt_n; i++) {
			unsigned k = (y->rtt_head + i) % TSC_FLOW_RTT_RING;

			if (tsc__seq_ge(s->ack, y->rtt_end[k])) {
				best = y->rtt_ts[k];
			} else {
				end[keep] = y->rtt_end[k];
				ts[keep++] = y->rtt_ts[k];
			}
		}
		for (unsigned i = 0; i < keep; i++) {
			y->rtt_end[i] = end[i];
			y->rtt_ts[i] = ts[i];
		}
	}
	y->rtt_n = (uint8_t)keep;
	y->rtt_head = 0;
	if (best >= 0 && s->ts_ns >= best) {
		uint64_t d = (uint64_t)(s->ts_ns - best);

		if (!st->rtt_samples || d < st->rtt_min_ns)
			st->rtt_min_ns = d;
		if (d > st->rtt_max_ns)
			st->rtt_max_ns = d;
		st->rtt_sum_ns += d;
		st->rtt_samples++;
	}
}

static void rtt_push(struct tsc_flow_dirseq *x, uint32_t end, int64_t ts)
{
	unsigned k;

	if (x->rtt_n == TSC_FLOW_RTT_RING) {
		x->rtt_head = (uint8_t)((x->rtt_head + 1) % TSC_FLOW_RTT_RING);
		x->rtt_n--;
	}
	k = (x->rtt_head + x->rtt_n) % TSC_FLOW_RTT_RING;
	x->rtt_end[k] = end;
	x->rtt_ts[k] = ts;
	x->rtt_n++;
}

/* A segment below nextseq: which kind of retransmission (Wireshark order:
 * fast retransmission, out-of-order, spurious, plain). */
static unsigned classify_retrans(const struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	const struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	uint32_t seglen = s->len;

	if (y->dupack_run >= 2 && y->have_ack && y->lastack == s->seq &&
	    s->ts_ns - y->last_ts < FAST_RETRANS_NS)
		return TSC_FLOW_N_FAST_RETRANS;
	if (s->ts_ns - x->last_ts < OOO_THRESH_NS && x->nextseq != s->seq + seglen)
		return TSC_FLOW_N_OOO;
	if (y->have_ack && seglen && tsc__seq_ge(y->lastack, s->seq + seglen))
		return TSC_FLOW_N_SPURIOUS;
	return TSC_FLOW_N_RETRANS;
}

static unsigned seq_notes(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	uint8_t fl = s->flags;
	bool ctl = fl & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST);

	if (!x->have_seq)
		return 0;
	if (s->len == 1 && s->seq == x->nextseq && y->have_ack && y->lastwin == 0)
		return TSC_FLOW_N_ZWP;
	if (s->len <= 1 && !ctl && s->seq == x->nextseq - 1)
		return TSC_FLOW_N_KEEPALIVE;
	if (tsc__seq_gt(s->seq, x->nextseq) && !(fl & TSC_TH_RST))
		return TSC_FLOW_N_LOST;
	if ((s->len > 0 || (fl & (TSC_TH_SYN | TSC_TH_FIN))) && tsc__seq_lt(s->seq, x->nextseq))
		return classify_retrans(f, side, s);
	return 0;
}

static unsigned ack_notes(struct tsc_flow *f, int side, const struct tsc_flow_seg *s, uint32_t win,
			  bool in_order)
{
	struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	bool ctl = s->flags & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST);
	unsigned n = 0;

	if (!(s->flags & TSC_TH_ACK))
		return 0;
	if (x->have_ack && s->len == 0 && !ctl && in_order && s->ack == x->lastack) {
		if (win == x->lastwin && y->last_keepalive)
			n |= TSC_FLOW_N_KEEPALIVE_ACK;
		else if (win == x->lastwin && y->last_zwp)
			n |= TSC_FLOW_N_ZWP_ACK;
		else if (win == x->lastwin && win != 0)
			n |= TSC_FLOW_N_DUP_ACK;
		else if (win != x->lastwin)
			n |= TSC_FLOW_N_WIN_UPDATE;
	}
	if (y->have_seq && tsc__seq_gt(s->ack, y->nextseq) && !(s->flags & TSC_TH_RST)) {
		f->st[side].acked_unseen++;
		f->anomalies++;
		f->anomaly_bits |= TSC_FLOW_AN_ACK_UNSENT;
		n |= TSC_FLOW_N_ANOMALY;
	}
	return n;
}

static void count(struct tsc_flow_dirstats *st, unsigned n)
{
	if (!n)
		return; /* the common case: a plain segment */
	st->retrans += !!(n & TSC_FLOW_N_RETRANS);
	st->fast_retrans += !!(n & TSC_FLOW_N_FAST_RETRANS);
	st->spurious_retrans += !!(n & TSC_FLOW_N_SPURIOUS);
	st->out_of_order += !!(n & TSC_FLOW_N_OOO);
	st->lost_segment += !!(n & TSC_FLOW_N_LOST);
	st->dup_acks += !!(n & TSC_FLOW_N_DUP_ACK);
	st->zero_window += !!(n & TSC_FLOW_N_ZERO_WIN);
	st->window_full += !!(n & TSC_FLOW_N_WIN_FULL);
	st->zero_window_probe += !!(n & TSC_FLOW_N_ZWP);
	st->zero_window_probe_ack += !!(n & TSC_FLOW_N_ZWP_ACK);
	st->keep_alive += !!(n & TSC_FLOW_N_KEEPALIVE);
	st->keep_alive_ack += !!(n & TSC_FLOW_N_KEEPALIVE_ACK);
	st->window_update += !!(n & TSC_FLOW_N_WIN_UPDATE);
}

static void handshake_rtt(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	uint8_t fl = s->flags;

	if ((fl & TSC_TH_SYN) && (fl & TSC_TH_ACK) && side == 1 && !f->rtt_syn_synack_ns &&
	    f->pr[0].syn_copies && s->ts_ns >= f->pm[0].syn_rcvd.ts_ns)
		f->rtt_syn_synack_ns = s->ts_ns - f->pm[0].syn_rcvd.ts_ns;
	if (!(fl & (TSC_TH_SYN | TSC_TH_RST)) && (fl & TSC_TH_ACK) && side == 0 &&
	    f->pr[1].syn_copies && f->pr[1].syn_first_ack && s->ack == f->pr[1].isn + 1 &&
	    !f->rtt_synack_ack_ns && s->ts_ns >= f->pm[1].syn_rcvd.ts_ns)
		f->rtt_synack_ack_ns = s->ts_ns - f->pm[1].syn_rcvd.ts_ns;
}

static void anomalies(struct tsc_flow *f, const struct tsc_flow_seg *s, unsigned *n)
{
	uint8_t fl = s->flags;
	unsigned bits = 0;

	if ((fl & TSC_TH_SYN) && (fl & TSC_TH_FIN))
		bits |= TSC_FLOW_AN_SYN_FIN;
	if ((fl & TSC_TH_SYN) && (fl & TSC_TH_RST))
		bits |= TSC_FLOW_AN_SYN_RST;
	if (!(fl & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST | TSC_TH_ACK | TSC_TH_PUSH | TSC_TH_URG)))
		bits |= TSC_FLOW_AN_NO_FLAGS;
	if (bits) {
		f->anomalies++;
		f->anomaly_bits |= bits;
		*n |= TSC_FLOW_N_ANOMALY;
	}
}

static inline void analyze(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
			   struct tsc_flow_verdict *v)
{
	struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	struct tsc_flow_dirstats *st = &f->st[side];
	uint8_t fl = s->flags;
	uint32_t end, win;
	unsigned n;
	bool in_order;

	st->pkts++;
	st->bytes += s->wirelen;
	st->payload += s->len;
	if (fl & TSC_TH_SYN)
		x->wscale = s->wscale;
	win = win_scaled(f, side, s);
	in_order = !x->have_seq || s->seq == x->nextseq;
	n = seq_notes(f, side, s);
	n |= ack_notes(f, side, s, win, in_order);
	if (win == 0 && !(fl & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST)))
		n |= TSC_FLOW_N_ZERO_WIN;
	if (s->len > 0 && y->have_ack && y->lastwin && s->seq + s->len == y->lastack + y->lastwin)
		n |= TSC_FLOW_N_WIN_FULL;
	anomalies(f, s, &n);
	if ((fl & TSC_TH_ACK) && (!x->have_ack || tsc__seq_gt(s->ack, x->lastack))) {
		x->dupack_run = 0;
		rtt_sample(f, side, s);
	} else if (n & TSC_FLOW_N_DUP_ACK) {
		x->dupack_run++;
	}
	handshake_rtt(f, side, s);
	end = s->seq + s->len + ((fl & TSC_TH_SYN) ? 1u : 0u) + ((fl & TSC_TH_FIN) ? 1u : 0u);
	if (n & (TSC_FLOW_N_RETRANS | TSC_FLOW_N_FAST_RETRANS | TSC_FLOW_N_SPURIOUS))
		x->rtt_n = 0; /* Karn: no sample from an ambiguous ACK */
	else if (end != s->seq && (!x->have_seq || tsc__seq_gt(end, x->nextseq)))
		rtt_push(x, end, s->ts_ns);
	if (!x->have_seq || tsc__seq_gt(end, x->nextseq))
		x->nextseq = end;
	x->have_seq = 1;
	if (fl & TSC_TH_ACK) {
		if (!x->have_ack || tsc__seq_gt(s->ack, x->lastack))
			x->lastack = s->ack;
		x->have_ack = 1;
	}
	x->lastwin = win;
	x->last_ts = s->ts_ns;
	x->last_keepalive = !!(n & TSC_FLOW_N_KEEPALIVE);
	x->last_zwp = !!(n & TSC_FLOW_N_ZWP);
	count(st, n);
	history(f, side, s);
	if (v) {
		v->flow = f;
		v->side = side;
		v->notes |= n;
		v->rel_seq = s->seq - f->pr[side].isn;
		v->rel_ack = s->ack - f->pr[!side].isn;
		v->dupack_num = (n & TSC_FLOW_N_DUP_ACK) ? x->dupack_run : 0;
	}
}

bool tsc_flow_record(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	return record(f, side, s);
}

void tsc_flow_analyze(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
		      struct tsc_flow_verdict *v)
{
	analyze(f, side, s, v);
}

/* tsc_flow_analyze for a plain segment: ACK without SYN, FIN and RST, both
 * directions already seen with sequence and ACK numbers. The same rules in
 * the same order, with every test whose outcome that fixes left out (no
 * window-scale option, no SYN/FIN in the sequence space, no flag anomaly, no
 * handshake RTT but the client's first ACK of the SYN-ACK); nearly every
 * segment of a capture is one. */
static void analyze_plain(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
			  struct tsc_flow_verdict *v)
{
	struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	struct tsc_flow_dirstats *st = &f->st[side];
	const uint32_t seq = s->seq, ack = s->ack, len = s->len, nextseq = x->nextseq;
	const uint32_t end = seq + len;
	uint32_t win = s->win;
	unsigned n = 0;

	st->pkts++;
	st->bytes += s->wirelen;
	st->payload += len;
	if (x->wscale >= 0 && y->wscale >= 0)
		win <<= x->wscale;
	/* seq_notes */
	if (len == 1 && seq == nextseq && y->lastwin == 0)
		n = TSC_FLOW_N_ZWP;
	else if (len <= 1 && seq == nextseq - 1)
		n = TSC_FLOW_N_KEEPALIVE;
	else if (tsc__seq_gt(seq, nextseq))
		n = TSC_FLOW_N_LOST;
	else if (len > 0 && tsc__seq_lt(seq, nextseq))
		n = classify_retrans(f, side, s);
	/* ack_notes */
	if (len == 0 && seq == nextseq && ack == x->lastack) {
		if (win == x->lastwin && y->last_keepalive)
			n |= TSC_FLOW_N_KEEPALIVE_ACK;
		else if (win == x->lastwin && y->last_zwp)
			n |= TSC_FLOW_N_ZWP_ACK;
		else if (win == x->lastwin && win != 0)
			n |= TSC_FLOW_N_DUP_ACK;
		else if (win != x->lastwin)
			n |= TSC_FLOW_N_WIN_UPDATE;
	}
	if (tsc__seq_gt(ack, y->nextseq)) {
		st->acked_unseen++;
		f->anomalies++;
		f->anomaly_bits |= TSC_FLOW_AN_ACK_UNSENT;
		n |= TSC_FLOW_N_ANOMALY;
	}
	if (win == 0)
		n |= TSC_FLOW_N_ZERO_WIN;
	if (len > 0 && y->lastwin && end == y->lastack + y->lastwin)
		n |= TSC_FLOW_N_WIN_FULL;
	if (tsc__seq_gt(ack, x->lastack)) {
		x->dupack_run = 0;
		if (y->rtt_n)
			rtt_sample(f, side, s);
		else
			y->rtt_head = 0; /* all rtt_sample does on an empty ring */
	} else if (n & TSC_FLOW_N_DUP_ACK) {
		x->dupack_run++;
	}
	if (side == 0 && f->pr[1].syn_copies && f->pr[1].syn_first_ack && ack == f->pr[1].isn + 1 &&
	    !f->rtt_synack_ack_ns && s->ts_ns >= f->pm[1].syn_rcvd.ts_ns)
		f->rtt_synack_ack_ns = s->ts_ns - f->pm[1].syn_rcvd.ts_ns;
	if (n & (TSC_FLOW_N_RETRANS | TSC_FLOW_N_FAST_RETRANS | TSC_FLOW_N_SPURIOUS))
		x->rtt_n = 0; /* Karn: no sample from an ambiguous ACK */
	else if (len && tsc__seq_gt(end, nextseq))
		rtt_push(x, end, s->ts_ns);
	if (tsc__seq_gt(end, nextseq))
		x->nextseq = end;
	if (tsc__seq_gt(ack, x->lastack))
		x->lastack = ack;
	x->lastwin = win;
	x->last_ts = s->ts_ns;
	x->last_keepalive = !!(n & TSC_FLOW_N_KEEPALIVE);
	x->last_zwp = !!(n & TSC_FLOW_N_ZWP);
	count(st, n);
	/* history: data, or a pure ACK; a zero window */
	if (len > 0) {
		if (f->have_maxend[side] && tsc__seq_ge(f->data_maxend[side], end))
			hist_rep(f, side, H_T);
		else
			hist_once(f, side, H_D);
		if (!f->have_maxend[side] || tsc__seq_ge(end, f->data_maxend[side]))
			f->data_maxend[side] = end;
		f->have_maxend[side] = 1;
		f->hist_seen[side] |= 1u << K_DATA;
	} else {
		hist_once(f, side, H_A);
	}
	if (s->win == 0)
		hist_rep(f, side, H_W);
	if (v) {
		v->flow = f;
		v->side = side;
		v->notes |= n;
		v->rel_seq = seq - f->pr[side].isn;
		v->rel_ack = ack - f->pr[!side].isn;
		v->dupack_num = (n & TSC_FLOW_N_DUP_ACK) ? x->dupack_run : 0;
	}
}

bool tsc__flow_segment(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
		       struct tsc_flow_verdict *v)
{
	const struct tsc_flow_dirseq *x = &f->sq[side], *y = &f->sq[!side];
	bool changed = record(f, side, s);

	if ((s->flags & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST | TSC_TH_ACK)) == TSC_TH_ACK &&
	    x->have_seq && x->have_ack && y->have_seq && y->have_ack)
		analyze_plain(f, side, s, v);
	else
		analyze(f, side, s, v);
	return changed;
}
