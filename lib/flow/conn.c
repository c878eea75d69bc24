/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One connection record: who is client and server, the per-direction facts
 * the state replay needs (record), and the Zeek history/conn_state. Sequence
 * analysis (retransmissions etc.) is in analysis.c. References: Zeek
 * base/protocols/conn/main.zeek (conn_state, history letters).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flow/flow.h"
#include "flow/internal.h"
#include "wire/wire.h"

int tsc_flow_init(struct tsc_flow *f, uint64_t id, const struct tsc_flow_seg *s)
{
	bool syn = s->flags & TSC_TH_SYN, ack = s->flags & TSC_TH_ACK;
	int sender = 0;

	memset(f, 0, sizeof(*f));
	f->id = id;
	f->family = s->family;
	if (syn && ack)
		sender = 1; /* a SYN-ACK: its receiver opened the connection */
	else if (!syn)
		f->flags |= TSC_FLOW_PARTIAL;
	memcpy(f->addr[sender], s->src, 16);
	memcpy(f->addr[!sender], s->dst, 16);
	f->port[sender] = s->sport;
	f->port[!sender] = s->dport;
	f->first.pkt = s->pkt;
	f->first.ts_ns = s->ts_ns;
	f->sq[0].wscale = -1;
	f->sq[1].wscale = -1;
	return sender;
}

/* Constant-size compares: the compiler turns them into word compares. */
static bool addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	return family == 4 ? !memcmp(a, b, 4) : !memcmp(a, b, 16);
}

int tsc_flow_side(const struct tsc_flow *f, const struct tsc_flow_seg *s)
{
	if (s->sport == f->port[0] && s->dport == f->port[1] &&
	    addr_eq(s->src, f->addr[0], f->family) && addr_eq(s->dst, f->addr[1], f->family))
		return 0;
	if (s->sport == f->port[1] && s->dport == f->port[0] &&
	    addr_eq(s->src, f->addr[1], f->family) && addr_eq(s->dst, f->addr[0], f->family))
		return 1;
	return -1;
}

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

static void record_ack(struct tsc_flow_dirproto *y, const struct tsc_flow_seg *s,
		       struct tsc_flow_mark m, uint64_t prev)
{
	if (y->syn_copies && tsc__seq_ge(s->ack, y->isn + 1)) {
		if (!y->syn_confirmed)
			y->syn_rcvd_after = prev;
		y->syn_confirmed = 1;
		if (!y->syn_acked.pkt)
			y->syn_acked = m;
	}
	if (y->fin_copies && tsc__seq_ge(s->ack, y->fin_seq + 1)) {
		if (!y->fin_confirmed)
			y->fin_rcvd_after = prev;
		y->fin_confirmed = 1;
		if (!y->fin_acked.pkt)
			y->fin_acked = m;
	}
}

static void record_syn(struct tsc_flow_dirproto *x, const struct tsc_flow_seg *s,
		       struct tsc_flow_mark m)
{
	uint8_t ack = (s->flags & TSC_TH_ACK) ? 1 : 0;

	if (!x->syn_copies) {
		x->isn = s->seq;
		x->syn_first = m;
		x->syn_first_ack = ack;
	} else if (ack == x->syn_last_ack) {
		/* a retransmitted SYN: the peer's ACK of the earlier copy was lost */
		x->syn_acked.pkt = 0;
	}
	x->syn_last_ack = ack;
	if (x->syn_copies < UINT16_MAX)
		x->syn_copies++;
	/* in a simultaneous open the SYN-ACK copies answer the peer's SYN: its
	 * receipt is an ACK of the peer's SYN, not another SYN */
	if (!x->syn_confirmed && ack == x->syn_first_ack)
		x->syn_rcvd = m;
}

static void record_fin(struct tsc_flow_dirproto *x, const struct tsc_flow_seg *s,
		       struct tsc_flow_mark m)
{
	uint32_t fs = s->seq + s->len + ((s->flags & TSC_TH_SYN) ? 1u : 0u);

	if (!x->fin_copies) {
		x->fin_seq = fs;
		x->fin_first = m;
	} else {
		x->fin_acked.pkt = 0; /* retransmitted: the earlier ACK did not arrive */
	}
	if (x->fin_copies < UINT16_MAX)
		x->fin_copies++;
	if (!x->fin_confirmed)
		x->fin_rcvd = m;
}

void tsc_flow_record(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
{
	struct tsc_flow_dirproto *x = &f->pr[side], *y = &f->pr[!side];
	struct tsc_flow_mark m = { s->pkt, s->ts_ns };
	bool rst = s->flags & TSC_TH_RST;

	if (!x->first.pkt)
		x->first = m;
	/* a live segment from this side: it never took the peer's RST */
	if (!rst)
		y->rst_cand.pkt = 0;
	if ((s->flags & TSC_TH_ACK) && !rst)
		record_ack(y, s, m, x->last.pkt);
	if ((s->flags & TSC_TH_SYN) && !rst && !(s->flags & TSC_TH_FIN))
		record_syn(x, s, m);
	if ((s->flags & TSC_TH_FIN) && !rst)
		record_fin(x, s, m);
	else if (s->len && x->fin_copies && !x->fin_confirmed && !rst)
		x->fin_rcvd = m; /* filled a hole before the FIN: the FIN took effect now */
	if (rst) {
		if (!x->rst_first.pkt)
			x->rst_first = m;
		if (rst_acceptable(f, side, s)) {
			if (!x->rst_cand.pkt)
				x->rst_cand = m;
		} else {
			f->anomalies++;
			f->anomaly_bits |= TSC_FLOW_AN_RST_BAD_SEQ;
		}
	}
	x->last = m;
	f->last = m;
}

/* ---- Zeek history and conn_state (the harness's rules, which follow
 * Zeek's: one letter per kind and direction, upper case for the
 * originator; t and w repeated at 1, 10, 100, ... occurrences) ---- */

enum { H_S, H_H, H_A, H_D, H_F, H_R, H_T, H_W, K_DATA = 8 };
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

void tsc__flow_history(struct tsc_flow *f, int side, const struct tsc_flow_seg *s)
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

static bool seen(const struct tsc_flow *f, int side, int letter)
{
	return f->hist_seen[side] & (1u << letter);
}

/* Zeek's RSTOS0 test: history matches ^S[^HAFGIQ]*R (originator SYN, then
 * an originator RST before any responder SYN-ACK/ACK/FIN). */
static bool rstos0_pattern(const char *h)
{
	if (h[0] != 'S')
		return false;
	for (h++; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

static const char *conn_state_rst(const struct tsc_flow *f)
{
	bool o_any = seen(f, 0, H_A) || seen(f, 0, K_DATA) || seen(f, 0, H_F);
	bool r_act = seen(f, 1, H_H) || seen(f, 1, H_A) || seen(f, 1, K_DATA) || seen(f, 1, H_F);

	if (seen(f, 1, H_R)) {
		bool o_none = !f->hist_seen[0];

		if (!o_any || (seen(f, 0, H_R) && !f->st[0].payload && !f->st[1].payload &&
			       !seen(f, 1, H_H))) {
			if (seen(f, 0, H_S) && !seen(f, 1, H_H))
				return "REJ";
			return o_none ? "RSTRH" : "RSTR";
		}
		return "RSTR";
	}
	if (!r_act)
		return rstos0_pattern(f->history) ? "RSTOS0" : "OTH";
	return "RSTO";
}

const char *tsc_flow_conn_state(const struct tsc_flow *f)
{
	bool o_act = seen(f, 0, H_A) || seen(f, 0, K_DATA) || seen(f, 0, H_F) ||
		     (seen(f, 0, H_S) && seen(f, 1, H_H));
	bool r_act = seen(f, 1, H_H) || seen(f, 1, H_A) || seen(f, 1, K_DATA) || seen(f, 1, H_F);

	if (seen(f, 1, H_R) || seen(f, 0, H_R))
		return conn_state_rst(f);
	if (seen(f, 0, H_F) && seen(f, 1, H_F))
		return "SF";
	if (seen(f, 0, H_F))
		return r_act ? "S2" : "SH";
	if (seen(f, 1, H_F))
		return o_act ? "S3" : "SHR";
	if (seen(f, 0, H_S) && !f->hist_seen[1])
		return "S0";
	if (o_act && r_act)
		return "S1";
	return "OTH";
}

void tsc_flow_endpoint_str(const struct tsc_flow *f, int side, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (f->family == 4) {
		inet_ntop(AF_INET, f->addr[side], a, sizeof(a));
		snprintf(buf, n, "%s:%u", a, f->port[side]);
	} else {
		inet_ntop(AF_INET6, f->addr[side], a, sizeof(a));
		snprintf(buf, n, "[%s]:%u", a, f->port[side]);
	}
}

const char *tsc_flow_end_reason(const struct tsc_flow *f)
{
	struct tsc_flow_states c, s;
	const char *cs = tsc_flow_conn_state(f);
	bool cdone, sdone;

	tsc_flow_replay(f, 0, true, &c);
	tsc_flow_replay(f, 1, true, &s);
	if (!strcmp(cs, "REJ"))
		return "refused";
	if (f->pr[0].rst_first.pkt || f->pr[1].rst_first.pkt)
		return "reset";
	if (c.timer_close)
		return "syn-timeout";
	if (!strcmp(cs, "S0"))
		return "syn-unanswered";
	cdone = c.final == TSC_FS_CLOSED || c.final == TSC_FS_TIME_WAIT || c.final == TSC_FS_NONE;
	sdone = s.final == TSC_FS_CLOSED || s.final == TSC_FS_TIME_WAIT || s.final == TSC_FS_NONE;
	if (cdone && sdone)
		return "closed";
	if (f->flags & TSC_FLOW_EVICTED)
		return "evicted";
	if (f->pr[0].fin_copies || f->pr[1].fin_copies)
		return "half-closed";
	return "open";
}
