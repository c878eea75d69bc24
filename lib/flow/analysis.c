/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-segment sequence analysis with Wireshark's tcp.analysis.* meanings
 * (packet-tcp.c, tcp_analyze_sequence_number): retransmission, fast and
 * spurious retransmission, out-of-order, previous segment not captured, dup
 * ACK, zero window, window full, zero-window probe (and its ACK), keep-alive
 * (and its ACK), window update, ACKed unseen segment; ACK RTT samples with
 * Karn's rule; handshake RTTs. Counters only: it never reorders or buffers.
 */
#include <string.h>

#include "flow/flow.h"
#include "flow/internal.h"
#include "wire/wire.h"

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
	    f->pr[0].syn_copies && s->ts_ns >= f->pr[0].syn_rcvd.ts_ns)
		f->rtt_syn_synack_ns = s->ts_ns - f->pr[0].syn_rcvd.ts_ns;
	if (!(fl & (TSC_TH_SYN | TSC_TH_RST)) && (fl & TSC_TH_ACK) && side == 0 &&
	    !f->rtt_synack_ack_ns && f->pr[1].syn_copies && f->pr[1].syn_first_ack &&
	    s->ack == f->pr[1].isn + 1 && s->ts_ns >= f->pr[1].syn_rcvd.ts_ns)
		f->rtt_synack_ack_ns = s->ts_ns - f->pr[1].syn_rcvd.ts_ns;
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

void tsc_flow_analyze(struct tsc_flow *f, int side, const struct tsc_flow_seg *s,
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
	tsc__flow_history(f, side, s);
	if (v) {
		v->flow = f;
		v->side = side;
		v->notes |= n;
		v->rel_seq = s->seq - f->pr[side].isn;
		v->rel_ack = s->ack - f->pr[!side].isn;
		v->dupack_num = (n & TSC_FLOW_N_DUP_ACK) ? x->dupack_run : 0;
	}
}
