/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture --explain: one sentence per segment saying what it meant for its
 * connection, from the flow table's verdict (analysis notes and each side's
 * state before and after). Wording follows the classic tutorials: handshake
 * 1/3..3/3, "client FIN: client now FIN-WAIT-1", "retransmission of 1:8".
 * It never decides anything itself: the state machine is state.c.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "flow/flow.h"
#include "wire/wire.h"

static const char *role(int side)
{
	return side == 0 ? "client" : "server";
}

static void sep(struct tsc_buf *b, bool *first)
{
	if (!*first)
		tsc_buf_puts(b, "; ");
	*first = false;
}

static void explain_handshake(const struct tsc_flow_verdict *v, const struct tsc_flow_seg *s,
			      struct tsc_buf *b, bool *first)
{
	const struct tsc_flow *f = v->flow;
	char ep[64];
	uint8_t fl = s->flags;

	if ((fl & TSC_TH_SYN) && !(fl & TSC_TH_ACK)) {
		sep(b, first);
		if (f->pr[v->side].syn_copies > 1) {
			tsc_buf_printf(b, "SYN retransmission #%u: no answer yet",
				       f->pr[v->side].syn_copies - 1u);
		} else if (v->side == 1) {
			tsc_buf_printf(b, "simultaneous open: server also sends a SYN, ISN %u",
				       s->seq);
		} else {
			tsc_flow_endpoint_str(f, 0, ep, sizeof(ep));
			tsc_buf_printf(b,
				       "handshake 1/3: client %s opens to server port %u, ISN %u",
				       ep, f->port[1], s->seq);
		}
	} else if ((fl & TSC_TH_SYN) && (fl & TSC_TH_ACK)) {
		sep(b, first);
		if (f->pr[v->side].syn_copies > 1)
			tsc_buf_printf(b, "SYN-ACK retransmission #%u: the ACK did not arrive",
				       f->pr[v->side].syn_copies - 1u);
		else
			tsc_buf_printf(b, "handshake 2/3: %s accepts, ISN %u, acks ISN+1",
				       role(v->side), s->seq);
	} else if (v->before[!v->side] == TSC_FS_SYN_RECEIVED &&
		   v->after[!v->side] == TSC_FS_ESTABLISHED) {
		sep(b, first);
		tsc_buf_puts(b, "handshake 3/3: connection established");
	}
}

static void explain_close(const struct tsc_flow_verdict *v, const struct tsc_flow_seg *s,
			  struct tsc_buf *b, bool *first)
{
	int me = v->side, peer = !v->side;
	uint8_t fl = s->flags;

	if (fl & TSC_TH_RST) {
		sep(b, first);
		if (v->before[peer] == TSC_FS_SYN_SENT || v->before[me] == TSC_FS_NONE)
			tsc_buf_printf(b, "RST from %s: connection refused", role(me));
		else
			tsc_buf_printf(b, "RST from %s: connection aborted", role(me));
		return;
	}
	if ((fl & TSC_TH_FIN) && v->after[me] != v->before[me]) {
		sep(b, first);
		tsc_buf_printf(b, "%s FIN: %s now %s", role(me), role(me),
			       tsc_flow_state_name(v->after[me]));
	} else if (fl & TSC_TH_FIN) {
		sep(b, first);
		tsc_buf_printf(b, "%s FIN (%s)", role(me), tsc_flow_state_name(v->after[me]));
	}
	/* receipts confirmed by this segment's ACK, and ACKs of the peer's FIN */
	if (v->after[me] != v->before[me] && !(fl & (TSC_TH_FIN | TSC_TH_SYN))) {
		sep(b, first);
		tsc_buf_printf(b, "%s now %s", role(me), tsc_flow_state_name(v->after[me]));
	}
	if (v->after[peer] != v->before[peer] && !(fl & TSC_TH_SYN)) {
		sep(b, first);
		tsc_buf_printf(b, "%s now %s", role(peer), tsc_flow_state_name(v->after[peer]));
	}
}

static void explain_notes(const struct tsc_flow_verdict *v, const struct tsc_flow_seg *s,
			  struct tsc_buf *b, bool *first)
{
	unsigned n = v->notes;
	uint32_t a = v->rel_seq, z = v->rel_seq + s->len;

	if (n & TSC_FLOW_N_FAST_RETRANS) {
		sep(b, first);
		tsc_buf_printf(b, "fast retransmission of %u:%u", a, z);
	} else if (n & TSC_FLOW_N_SPURIOUS) {
		sep(b, first);
		tsc_buf_printf(b, "spurious retransmission of %u:%u (already acked)", a, z);
	} else if ((n & TSC_FLOW_N_RETRANS) && !(s->flags & TSC_TH_SYN)) {
		sep(b, first);
		tsc_buf_printf(b, "retransmission of %u:%u", a, z);
	}
	if (n & TSC_FLOW_N_OOO) {
		sep(b, first);
		tsc_buf_printf(b, "out-of-order segment %u:%u", a, z);
	}
	if (n & TSC_FLOW_N_LOST) {
		sep(b, first);
		tsc_buf_puts(b, "previous segment not captured");
	}
	if (n & TSC_FLOW_N_DUP_ACK) {
		sep(b, first);
		tsc_buf_printf(b, "duplicate ACK #%u of %u", v->dupack_num, v->rel_ack);
	}
	if (n & TSC_FLOW_N_ZERO_WIN) {
		sep(b, first);
		tsc_buf_printf(b, "zero window: %s's receive buffer is full", role(v->side));
	}
	if (n & TSC_FLOW_N_WIN_FULL) {
		sep(b, first);
		tsc_buf_printf(b, "window full: %s fills the peer's whole window", role(v->side));
	}
	if (n & TSC_FLOW_N_ZWP) {
		sep(b, first);
		tsc_buf_puts(b, "zero-window probe");
	}
	if (n & TSC_FLOW_N_ZWP_ACK) {
		sep(b, first);
		tsc_buf_puts(b, "ACK of a zero-window probe");
	}
	if (n & TSC_FLOW_N_KEEPALIVE) {
		sep(b, first);
		tsc_buf_puts(b, "keep-alive probe");
	}
	if (n & TSC_FLOW_N_KEEPALIVE_ACK) {
		sep(b, first);
		tsc_buf_puts(b, "keep-alive ACK");
	}
	if (n & TSC_FLOW_N_WIN_UPDATE) {
		sep(b, first);
		tsc_buf_puts(b, "window update");
	}
}

void tsc_flow_explain(const struct tsc_flow_verdict *v, const struct tsc_flow_seg *s,
		      struct tsc_buf *b)
{
	bool first = true;

	if (!v->flow)
		return;
	if ((s->flags & TSC_TH_SYN) && (s->flags & TSC_TH_FIN)) {
		sep(b, &first);
		tsc_buf_puts(b, "anomaly: SYN and FIN together");
	}
	explain_handshake(v, s, b, &first);
	explain_close(v, s, b, &first);
	explain_notes(v, s, b, &first);
	if (first && s->len) {
		sep(b, &first);
		tsc_buf_printf(b, "%s sends %u bytes (%u:%u)", role(v->side), s->len, v->rel_seq,
			       v->rel_seq + s->len);
	} else if (first && (s->flags & TSC_TH_ACK)) {
		sep(b, &first);
		tsc_buf_printf(b, "%s acks %u", role(v->side), v->rel_ack);
	}
}
