/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The --follow ladder (sequence) diagram: client and server columns, one
 * arrow per segment labelled with flags, relative seq/ack and length, and
 * each side's state after it (from the replayed history of pass 1). Runs of
 * plain data/ACK segments with no state change and no trouble are folded
 * into one line with counts, so handshake and teardown stay readable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/flowfmt.h"
#include "wire/wire.h"

#define ARROW	 44
#define SHOW_RUN 2 /* plain segments shown before folding starts */

struct tsc_ladder {
	struct tsc_buf *b;
	struct tsc_flow rec;	 /* the record from pass 1 (its history) */
	struct tsc_flow scratch; /* re-analysis for the notes of each segment */
	struct tsc_flow_states st[2];
	bool started;
	unsigned run;
	uint64_t fold_n[2], fold_bytes[2], fold_first, fold_last;
	enum tsc_flow_state shown[2];
};

struct tsc_ladder *tsc_ladder_new(const struct tsc_flow *f, struct tsc_buf *b)
{
	struct tsc_ladder *l = calloc(1, sizeof(*l));
	char e0[64], e1[64];

	if (!l)
		return NULL;
	l->b = b;
	l->rec = *f;
	tsc_flow_replay(f, 0, true, &l->st[0]);
	tsc_flow_replay(f, 1, true, &l->st[1]);
	tsc_flow_endpoint_str(f, 0, e0, sizeof(e0));
	tsc_flow_endpoint_str(f, 1, e1, sizeof(e1));
	tsc_buf_printf(b, "connection %llu: %s conn_state %s history %s\n",
		       (unsigned long long)f->id, tsc_flow_end_reason(f), tsc_flow_conn_state(f),
		       f->history);
	tsc_buf_printf(b, "%7s  %-13s %-*s  %s\n", "", "client", ARROW, e0, "server");
	tsc_buf_printf(b, "%7s  %-13s %-*s  %s\n", "", "", ARROW, "", e1);
	for (int k = 0; k < 2; k++)
		l->shown[k] = l->st[k].n ? l->st[k].t[0].state : TSC_FS_NONE;
	tsc_buf_printf(b, "%7s  %-13s %-*s  %s\n", "", tsc_flow_state_name(l->shown[0]), ARROW, "",
		       tsc_flow_state_name(l->shown[1]));
	return l;
}

void tsc_ladder_free(struct tsc_ladder *l)
{
	free(l);
}

/* The state of side k after packet pkt: the last history entry (in list
 * order) caused by a packet at or before pkt. */
static enum tsc_flow_state state_after(const struct tsc_ladder *l, int k, uint64_t pkt)
{
	const struct tsc_flow_states *st = &l->st[k];
	enum tsc_flow_state s = st->n ? st->t[0].state : TSC_FS_NONE;

	for (unsigned i = 1; i < st->n; i++)
		if (st->t[i].at.pkt && st->t[i].at.pkt <= pkt)
			s = st->t[i].state;
	return s;
}

static void flags_str(uint8_t fl, char *out)
{
	static const struct {
		uint8_t bit;
		char c;
	} m[] = { { TSC_TH_SYN, 'S' },	{ TSC_TH_FIN, 'F' }, { TSC_TH_RST, 'R' },
		  { TSC_TH_PUSH, 'P' }, { TSC_TH_URG, 'U' }, { TSC_TH_ECE, 'E' },
		  { TSC_TH_CWR, 'W' },	{ TSC_TH_ACK, '.' } };
	size_t k = 0;

	for (size_t i = 0; i < TSC_ARRAY_SIZE(m); i++)
		if (fl & m[i].bit)
			out[k++] = m[i].c;
	if (!k)
		out[k++] = '-';
	out[k] = 0;
}

static const char *note_word(unsigned n)
{
	if (n & TSC_FLOW_N_FAST_RETRANS)
		return " fast-retrans";
	if (n & TSC_FLOW_N_SPURIOUS)
		return " spurious";
	if (n & TSC_FLOW_N_RETRANS)
		return " retrans";
	if (n & TSC_FLOW_N_OOO)
		return " out-of-order";
	if (n & TSC_FLOW_N_DUP_ACK)
		return " dup-ack";
	if (n & TSC_FLOW_N_ZWP)
		return " zw-probe";
	if (n & TSC_FLOW_N_ZERO_WIN)
		return " win 0";
	if (n & TSC_FLOW_N_KEEPALIVE)
		return " keep-alive";
	if (n & TSC_FLOW_N_LOST)
		return " gap";
	return "";
}

static void arrow(struct tsc_buf *b, int side, const char *label)
{
	char a[ARROW + 1];
	size_t n = strlen(label);

	if (n > ARROW - 6)
		n = ARROW - 6;
	memset(a, '-', ARROW);
	a[ARROW] = 0;
	memcpy(a + 3, label, n);
	a[2] = ' ';
	a[3 + n] = ' ';
	if (side == 0)
		a[ARROW - 1] = '>';
	else
		a[0] = '<';
	tsc_buf_puts(b, a);
}

static void flush_fold(struct tsc_ladder *l)
{
	if (!l->fold_n[0] && !l->fold_n[1])
		return;
	tsc_buf_printf(l->b,
		       "%7s  %-13s   ... #%llu-#%llu: %llu client segments (%llu bytes), "
		       "%llu server segments (%llu bytes) folded\n",
		       "", "", (unsigned long long)l->fold_first, (unsigned long long)l->fold_last,
		       (unsigned long long)l->fold_n[0], (unsigned long long)l->fold_bytes[0],
		       (unsigned long long)l->fold_n[1], (unsigned long long)l->fold_bytes[1]);
	memset(l->fold_n, 0, sizeof(l->fold_n));
	memset(l->fold_bytes, 0, sizeof(l->fold_bytes));
}

void tsc_ladder_seg(struct tsc_ladder *l, const struct tsc_flow_seg *s)
{
	struct tsc_flow_verdict v;
	enum tsc_flow_state now[2];
	char fl[10], label[96];
	int side;
	bool plain;

	if (!l->started) {
		(void)tsc_flow_init(&l->scratch, l->rec.id, s);
		memcpy(l->scratch.addr, l->rec.addr, sizeof(l->rec.addr));
		memcpy(l->scratch.port, l->rec.port, sizeof(l->rec.port));
		l->started = true;
	}
	side = tsc_flow_side(&l->scratch, s);
	if (side < 0)
		return;
	memset(&v, 0, sizeof(v));
	tsc_flow_record(&l->scratch, side, s);
	tsc_flow_analyze(&l->scratch, side, s, &v);
	now[0] = state_after(l, 0, s->pkt);
	now[1] = state_after(l, 1, s->pkt);
	plain = !(s->flags & (TSC_TH_SYN | TSC_TH_FIN | TSC_TH_RST)) && !v.notes &&
		now[0] == l->shown[0] && now[1] == l->shown[1];
	if (plain && l->run >= SHOW_RUN) {
		if (!l->fold_n[0] && !l->fold_n[1])
			l->fold_first = s->pkt;
		l->fold_last = s->pkt;
		l->fold_n[side]++;
		l->fold_bytes[side] += s->len;
		return;
	}
	l->run = plain ? l->run + 1 : 0;
	flush_fold(l);
	flags_str(s->flags, fl);
	snprintf(label, sizeof(label), "%s %u%s%u len %u%s", fl, v.rel_seq,
		 (s->flags & TSC_TH_ACK) ? " ack " : "", (s->flags & TSC_TH_ACK) ? v.rel_ack : 0,
		 s->len, note_word(v.notes));
	if (!(s->flags & TSC_TH_ACK))
		snprintf(label, sizeof(label), "%s %u len %u%s", fl, v.rel_seq, s->len,
			 note_word(v.notes));
	tsc_buf_printf(l->b, "#%-6llu %-13s ", (unsigned long long)s->pkt,
		       now[0] != l->shown[0] ? tsc_flow_state_name(now[0]) : "");
	arrow(l->b, side, label);
	tsc_buf_printf(l->b, "  %s\n", now[1] != l->shown[1] ? tsc_flow_state_name(now[1]) : "");
	l->shown[0] = now[0];
	l->shown[1] = now[1];
}

void tsc_ladder_finish(struct tsc_ladder *l)
{
	flush_fold(l);
	for (int k = 0; k < 2; k++) {
		const struct tsc_flow_states *st = &l->st[k];

		if (st->n > 1 && !st->t[st->n - 1].at.pkt)
			tsc_buf_printf(l->b, "%7s  %s %s by its timer (no packet)\n", "",
				       k ? "server" : "client",
				       tsc_flow_state_name(st->t[st->n - 1].state));
	}
	tsc_buf_printf(l->b, "%7s  final: client %s, server %s\n", "",
		       tsc_flow_state_name(l->st[0].final), tsc_flow_state_name(l->st[1].final));
}
