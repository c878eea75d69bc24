/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-endpoint RFC 9293 state machine, replayed from the facts a connection
 * record keeps (flow.h struct tsc_flow_dirproto). An endpoint moves on what
 * it sends (SYN, FIN, RST: certain) and on what it receives; a capture point
 * sees segments that the receiver may then drop, so receipt is inferred:
 * - a SYN or FIN counts as received once the receiver's ACK field covers it
 *   (its rcv_nxt moved past it), at the last copy sent before that ACK;
 * - an ACK of our SYN/FIN counts unless we retransmit the SYN/FIN after it;
 * - an RST counts unless the receiver later sends a non-RST segment.
 * Replaying the events in packet order handles FINs that cross (CLOSING),
 * simultaneous open, and losses. The rules for the end of input are in
 * doc/cmd/flows.md. References: RFC 9293 section 3.10.7, Linux
 * tcp_rcv_state_process() (ACK processed before FIN in one segment).
 */
#include <string.h>

#include "flow/flow.h"

static const char *const state_names[TSC_FS__COUNT] = {
	[TSC_FS_NONE] = "NONE",
	[TSC_FS_CLOSED] = "CLOSED",
	[TSC_FS_LISTEN] = "LISTEN",
	[TSC_FS_SYN_SENT] = "SYN-SENT",
	[TSC_FS_SYN_RECEIVED] = "SYN-RECEIVED",
	[TSC_FS_ESTABLISHED] = "ESTABLISHED",
	[TSC_FS_FIN_WAIT_1] = "FIN-WAIT-1",
	[TSC_FS_FIN_WAIT_2] = "FIN-WAIT-2",
	[TSC_FS_CLOSE_WAIT] = "CLOSE-WAIT",
	[TSC_FS_CLOSING] = "CLOSING",
	[TSC_FS_LAST_ACK] = "LAST-ACK",
	[TSC_FS_TIME_WAIT] = "TIME-WAIT",
};

const char *tsc_flow_state_name(enum tsc_flow_state s)
{
	if ((unsigned)s >= TSC_FS__COUNT)
		return "?";
	return state_names[s];
}

/* Event kinds in the order Linux handles them within one segment. */
enum ev_kind {
	EV_SEND_SYN,
	EV_SEND_FIN,
	EV_SEND_RST,
	EV_RCV_RST,
	EV_RCV_ACK_SYN,
	EV_RCV_SYN,
	EV_RCV_ACK_FIN,
	EV_RCV_FIN,
};

struct ev {
	struct tsc_flow_mark at;
	uint64_t order; /* 2*pkt, or 2*pkt+1 for "just after pkt" */
	enum ev_kind kind;
};

struct replay {
	enum tsc_flow_state s;
	bool own_syn_acked, own_fin_acked;
	struct tsc_flow_states *out;
};

static void push(struct replay *r, enum tsc_flow_state s, struct tsc_flow_mark at)
{
	struct tsc_flow_states *o = r->out;

	if (r->s == s)
		return;
	r->s = s;
	if (o->n < TSC_FLOW_MAX_TRANS) {
		o->t[o->n].state = s;
		o->t[o->n].at = at;
		o->n++;
	} else {
		/* keep the final state exact even if the list is full */
		o->t[TSC_FLOW_MAX_TRANS - 1].state = s;
		o->t[TSC_FLOW_MAX_TRANS - 1].at = at;
	}
}

static void on_rcv_fin(struct replay *r, struct tsc_flow_mark at)
{
	switch (r->s) {
	case TSC_FS_ESTABLISHED:
	case TSC_FS_SYN_RECEIVED:
		push(r, TSC_FS_CLOSE_WAIT, at);
		break;
	case TSC_FS_FIN_WAIT_1:
		push(r, r->own_fin_acked ? TSC_FS_TIME_WAIT : TSC_FS_CLOSING, at);
		break;
	case TSC_FS_FIN_WAIT_2:
		push(r, TSC_FS_TIME_WAIT, at);
		break;
	default:
		break;
	}
}

static void on_rcv_ack_fin(struct replay *r, struct tsc_flow_mark at)
{
	r->own_fin_acked = true;
	switch (r->s) {
	case TSC_FS_FIN_WAIT_1:
		push(r, TSC_FS_FIN_WAIT_2, at);
		break;
	case TSC_FS_CLOSING:
		push(r, TSC_FS_TIME_WAIT, at);
		break;
	case TSC_FS_LAST_ACK:
		push(r, TSC_FS_CLOSED, at);
		break;
	default:
		break;
	}
}

static void on_rcv_rst(struct replay *r, struct tsc_flow_mark at, bool passive)
{
	switch (r->s) {
	case TSC_FS_NONE:
	case TSC_FS_CLOSED:
	case TSC_FS_LISTEN:
		break; /* RFC 9293 3.10.7.2: an RST to a listener is ignored */
	case TSC_FS_SYN_RECEIVED:
		/* 3.10.7.4: a passively opened connection returns to LISTEN */
		push(r, passive ? TSC_FS_LISTEN : TSC_FS_CLOSED, at);
		break;
	default:
		push(r, TSC_FS_CLOSED, at);
		break;
	}
}

static void apply(struct replay *r, const struct ev *e, bool passive)
{
	switch (e->kind) {
	case EV_SEND_SYN:
		if (r->s == TSC_FS_CLOSED)
			push(r, TSC_FS_SYN_SENT, e->at);
		break;
	case EV_SEND_FIN:
		if (r->s == TSC_FS_ESTABLISHED || r->s == TSC_FS_SYN_RECEIVED)
			push(r, TSC_FS_FIN_WAIT_1, e->at);
		else if (r->s == TSC_FS_CLOSE_WAIT)
			push(r, TSC_FS_LAST_ACK, e->at);
		break;
	case EV_SEND_RST:
		if (r->s != TSC_FS_NONE && r->s != TSC_FS_LISTEN)
			push(r, TSC_FS_CLOSED, e->at);
		break;
	case EV_RCV_RST:
		on_rcv_rst(r, e->at, passive);
		break;
	case EV_RCV_ACK_SYN:
		r->own_syn_acked = true;
		if (r->s == TSC_FS_SYN_RECEIVED)
			push(r, TSC_FS_ESTABLISHED, e->at);
		break;
	case EV_RCV_SYN:
		if (r->s == TSC_FS_LISTEN)
			push(r, TSC_FS_SYN_RECEIVED, e->at);
		else if (r->s == TSC_FS_SYN_SENT)
			push(r, r->own_syn_acked ? TSC_FS_ESTABLISHED : TSC_FS_SYN_RECEIVED, e->at);
		break;
	case EV_RCV_ACK_FIN:
		on_rcv_ack_fin(r, e->at);
		break;
	case EV_RCV_FIN:
		on_rcv_fin(r, e->at);
		break;
	}
}

/* after: a packet of the receiver that shows the segment had not arrived
 * yet (its ACK field did not cover it), so the receipt comes after it. */
static void add(struct ev *evs, unsigned *n, struct tsc_flow_mark at, enum ev_kind k,
		uint64_t after)
{
	if (!at.pkt)
		return;
	evs[*n].at = at;
	evs[*n].kind = k;
	evs[*n].order = at.pkt * 2;
	if (after >= at.pkt)
		evs[*n].order = after * 2 + 1;
	(*n)++;
}

/* Was the peer's (unconfirmed) SYN-ACK or FIN received? At the end of the
 * input we believe a single copy that the receiver had no chance to answer
 * (it sent nothing afterwards); otherwise only a covering ACK counts. */
static bool end_received(const struct tsc_flow_dirproto *peer, uint16_t copies,
			 struct tsc_flow_mark first, const struct tsc_flow_dirproto *self,
			 bool at_end)
{
	(void)peer;
	return at_end && copies == 1 && self->last.pkt < first.pkt;
}

static int ev_cmp(const struct ev *a, const struct ev *b)
{
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

static void sort_evs(struct ev *e, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct ev k = e[i];
		unsigned j = i;

		while (j > 0 && ev_cmp(&e[j - 1], &k) > 0) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = k;
	}
}

static unsigned collect(const struct tsc_flow *f, int side, bool at_end, struct ev *evs)
{
	const struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	const struct tsc_flow_dirmarks *xm = &f->pm[side], *ym = &f->pm[!side];
	unsigned n = 0;

	if (x->syn_copies && !x->syn_first_ack)
		add(evs, &n, xm->syn_first, EV_SEND_SYN, 0);
	add(evs, &n, xm->fin_first, EV_SEND_FIN, 0);
	add(evs, &n, xm->rst_first, EV_SEND_RST, 0);
	add(evs, &n, y->rst_cand, EV_RCV_RST, 0);
	add(evs, &n, xm->syn_acked, EV_RCV_ACK_SYN, 0);
	if (y->syn_copies &&
	    (y->syn_confirmed ||
	     (y->syn_first_ack && end_received(y, y->syn_copies, ym->syn_first, x, at_end))))
		add(evs, &n, ym->syn_rcvd, EV_RCV_SYN, y->syn_confirmed ? ym->syn_rcvd_after : 0);
	add(evs, &n, xm->fin_acked, EV_RCV_ACK_FIN, 0);
	if (y->fin_copies &&
	    (y->fin_confirmed || end_received(y, y->fin_copies, ym->fin_first, x, at_end)))
		add(evs, &n, ym->fin_rcvd, EV_RCV_FIN, y->fin_confirmed ? ym->fin_rcvd_after : 0);
	sort_evs(evs, n);
	return n;
}

/* The endpoint's state before the first event: CLOSED for an active opener,
 * LISTEN for a passive one, ESTABLISHED (at the first packet) for a
 * connection picked up mid-stream, NONE when it never had a socket. */
static bool initial(const struct tsc_flow *f, int side, struct replay *r, bool *passive)
{
	const struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	struct tsc_flow_mark none = { 0, 0 };

	*passive = false;
	if (x->syn_copies && !x->syn_first_ack) {
		push(r, TSC_FS_CLOSED, none);
		return true;
	}
	if ((x->syn_copies && x->syn_first_ack) || (y->syn_copies && y->syn_confirmed)) {
		*passive = true;
		push(r, TSC_FS_LISTEN, none);
		return true;
	}
	if (!x->syn_copies && !y->syn_copies && (f->flags & TSC_FLOW_PARTIAL)) {
		push(r, TSC_FS_ESTABLISHED, f->first);
		return true;
	}
	return false;
}

void tsc_flow_replay(const struct tsc_flow *f, int side, bool at_end, struct tsc_flow_states *ret)
{
	struct replay r = { .s = (enum tsc_flow_state) - 1, .out = ret };
	const struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	struct ev evs[8];
	bool passive;
	unsigned n;

	/* not the whole struct: t[] is only read up to n (a memset of the
	 * ~400 bytes was a measurable part of a segment in flows -r) */
	ret->n = 0;
	ret->final = TSC_FS_NONE;
	ret->timer_close = false;
	if (!initial(f, side, &r, &passive)) {
		ret->final = TSC_FS_NONE;
		return;
	}
	n = collect(f, side, at_end, evs);
	for (unsigned i = 0; i < n; i++)
		apply(&r, &evs[i], passive);
	/* An active opener whose retransmitted SYNs never got any answer gave
	 * up by its SYN timer (tcp_syn_retries): CLOSED without a packet. */
	if (at_end && r.s == TSC_FS_SYN_SENT && x->syn_copies >= 2 && !y->last.pkt) {
		struct tsc_flow_mark none = { 0, 0 };

		push(&r, TSC_FS_CLOSED, none);
		ret->timer_close = true;
	}
	/* A TIME-WAIT taken over by a new connection on the same 4-tuple. */
	if (r.s == TSC_FS_TIME_WAIT && (f->flags & TSC_FLOW_RECYCLED))
		ret->final = TSC_FS_CLOSED;
	else
		ret->final = r.s;
}
