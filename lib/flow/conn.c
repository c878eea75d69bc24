/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One connection record: who is client and server, the Zeek conn_state and
 * how the connection ended. What each segment changes (the facts of the
 * state replay, the sequence analysis, the history) is in analysis.c. References: Zeek
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

int tsc_flow_side(const struct tsc_flow *f, const struct tsc_flow_seg *s)
{
	return tsc__flow_side(f, s);
}

/* ---- Zeek conn_state from the history (analysis.c writes it) ---- */

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
	if (f->pm[0].rst_first.pkt || f->pm[1].rst_first.pkt)
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
