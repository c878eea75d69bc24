/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting of rebuilt TCP connections (see flowfmt.h): NDJSON, CSV, the
 * table, the summary and the ladder diagram.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "output/flowfmt.h"
#include "output/json.h"
#include "wire/wire.h"

static double ts_sec(int64_t ns)
{
	return (double)ns / 1e9;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void json_states(struct tsc_json *j, const struct tsc_flow_states *st)
{
	tsc_json_arr_begin(j, "states");
	for (unsigned i = 0; i < st->n; i++) {
		tsc_json_obj_begin(j, NULL);
		tsc_json_str(j, "state", tsc_flow_state_name(st->t[i].state));
		if (st->t[i].at.pkt) {
			tsc_json_u64(j, "pkt", st->t[i].at.pkt);
			tsc_json_double(j, "ts", ts_sec(st->t[i].at.ts_ns), 6);
		} else {
			tsc_json_null(j, "pkt");
			tsc_json_null(j, "ts");
		}
		tsc_json_obj_end(j);
	}
	tsc_json_arr_end(j);
}

static void json_side(struct tsc_json *j, const struct tsc_flow *f, int side)
{
	const struct tsc_flow_dirstats *d = &f->st[side];
	struct tsc_flow_states st;
	char ep[64];

	tsc_flow_replay(f, side, true, &st);
	tsc_flow_endpoint_str(f, side, ep, sizeof(ep));
	tsc_json_obj_begin(j, side == 0 ? "client" : "server");
	tsc_json_str(j, "addr", ep);
	json_states(j, &st);
	tsc_json_str(j, "final_state", tsc_flow_state_name(st.final));
	tsc_json_u64(j, "pkts", d->pkts);
	tsc_json_u64(j, "bytes", d->bytes);
	tsc_json_u64(j, "payload", d->payload);
	tsc_json_u64(j, "retrans", d->retrans);
	tsc_json_u64(j, "fast_retrans", d->fast_retrans);
	tsc_json_u64(j, "spurious_retrans", d->spurious_retrans);
	tsc_json_u64(j, "out_of_order", d->out_of_order);
	tsc_json_u64(j, "lost_segment", d->lost_segment);
	tsc_json_u64(j, "dup_acks", d->dup_acks);
	tsc_json_u64(j, "zero_window", d->zero_window);
	tsc_json_u64(j, "window_full", d->window_full);
	tsc_json_u64(j, "zero_window_probe", d->zero_window_probe);
	tsc_json_u64(j, "zero_window_probe_ack", d->zero_window_probe_ack);
	tsc_json_u64(j, "keep_alive", d->keep_alive);
	tsc_json_u64(j, "keep_alive_ack", d->keep_alive_ack);
	tsc_json_u64(j, "window_update", d->window_update);
	tsc_json_u64(j, "acked_unseen", d->acked_unseen);
	tsc_json_bool(j, "sent_syn", f->pr[side].syn_copies > 0);
	tsc_json_bool(j, "sent_fin", f->pr[side].fin_copies > 0);
	tsc_json_bool(j, "sent_rst", f->pm[side].rst_first.pkt != 0);
	tsc_json_u64(j, "rtt_samples", d->rtt_samples);
	if (d->rtt_samples) {
		tsc_json_double(j, "rtt_min_ms", ms(d->rtt_min_ns), 3);
		tsc_json_double(j, "rtt_avg_ms", ms(d->rtt_sum_ns / d->rtt_samples), 3);
		tsc_json_double(j, "rtt_max_ms", ms(d->rtt_max_ns), 3);
	}
	tsc_json_obj_end(j);
}

static const char *const anomaly_names[] = {
	"syn_fin", "rst_bad_seq", "ack_unsent", "syn_rst", "no_flags", "data_after_fin",
};

void tsc_flowfmt_json(struct tsc_buf *b, const struct tsc_flow *f)
{
	struct tsc_json j;
	char ep[64];

	tsc_json_init(&j, b, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_u64(&j, "id", f->id);
	tsc_flow_endpoint_str(f, 0, ep, sizeof(ep));
	tsc_json_str(&j, "orig", ep);
	tsc_flow_endpoint_str(f, 1, ep, sizeof(ep));
	tsc_json_str(&j, "resp", ep);
	tsc_json_str(&j, "family", f->family == 4 ? "ipv4" : "ipv6");
	tsc_json_double(&j, "start", ts_sec(f->first.ts_ns), 6);
	tsc_json_double(&j, "end", ts_sec(f->last.ts_ns), 6);
	tsc_json_double(&j, "duration", (double)(f->last.ts_ns - f->first.ts_ns) / 1e9, 6);
	tsc_json_u64(&j, "first_pkt", f->first.pkt);
	tsc_json_u64(&j, "last_pkt", f->last.pkt);
	tsc_json_bool(&j, "partial", f->flags & TSC_FLOW_PARTIAL);
	tsc_json_str(&j, "conn_state", tsc_flow_conn_state(f));
	tsc_json_str(&j, "history", f->history);
	tsc_json_str(&j, "end_reason", tsc_flow_end_reason(f));
	json_side(&j, f, 0);
	json_side(&j, f, 1);
	tsc_json_obj_begin(&j, "handshake_rtt_ms");
	if (f->rtt_syn_synack_ns)
		tsc_json_double(&j, "syn_synack", ms((uint64_t)f->rtt_syn_synack_ns), 3);
	else
		tsc_json_null(&j, "syn_synack");
	if (f->rtt_synack_ack_ns)
		tsc_json_double(&j, "synack_ack", ms((uint64_t)f->rtt_synack_ack_ns), 3);
	else
		tsc_json_null(&j, "synack_ack");
	tsc_json_obj_end(&j);
	tsc_json_u64(&j, "anomalies", f->anomalies);
	tsc_json_arr_begin(&j, "anomaly_kinds");
	for (size_t i = 0; i < TSC_ARRAY_SIZE(anomaly_names); i++)
		if (f->anomaly_bits & (1u << i))
			tsc_json_str(&j, NULL, anomaly_names[i]);
	tsc_json_arr_end(&j);
	tsc_json_bool(&j, "evicted", f->flags & TSC_FLOW_EVICTED);
	tsc_json_bool(&j, "timed_out", f->flags & TSC_FLOW_TIMED_OUT);
	tsc_json_bool(&j, "recycled", f->flags & TSC_FLOW_RECYCLED);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

/* ---- table and CSV ---- */

static uint32_t sum_trouble(const struct tsc_flow *f, char *flags, size_t n)
{
	const struct tsc_flow_dirstats *a = &f->st[0], *c = &f->st[1];
	size_t k = 0;

	if (a->retrans + c->retrans + a->fast_retrans + c->fast_retrans && k + 1 < n)
		flags[k++] = 'R';
	if (a->out_of_order + c->out_of_order && k + 1 < n)
		flags[k++] = 'O';
	if (a->dup_acks + c->dup_acks && k + 1 < n)
		flags[k++] = 'D';
	if (a->zero_window + c->zero_window && k + 1 < n)
		flags[k++] = 'Z';
	if (a->keep_alive + c->keep_alive && k + 1 < n)
		flags[k++] = 'K';
	if (a->lost_segment + c->lost_segment && k + 1 < n)
		flags[k++] = 'L';
	if (f->anomalies && k + 1 < n)
		flags[k++] = '!';
	if ((f->flags & TSC_FLOW_PARTIAL) && k + 1 < n)
		flags[k++] = 'P';
	if (!k)
		flags[k++] = '-';
	flags[k] = 0;
	return (uint32_t)k;
}

void tsc_flowfmt_table_header(struct tsc_buf *b)
{
	tsc_buf_printf(b, "%5s %-44s %-12s %-12s %-6s %9s %7s %10s %8s %s\n", "#",
		       "CLIENT -> SERVER", "CLIENT", "SERVER", "CONN", "DURATION", "PKTS", "BYTES",
		       "RTT(ms)", "TROUBLE");
}

void tsc_flowfmt_table(struct tsc_buf *b, const struct tsc_flow *f)
{
	struct tsc_flow_states c, s;
	char e0[64], e1[64], pair[140], trouble[16], rtt[24] = "-";
	const struct tsc_flow_dirstats *a = &f->st[0], *d = &f->st[1];
	uint64_t samples = a->rtt_samples + d->rtt_samples;

	tsc_flow_replay(f, 0, true, &c);
	tsc_flow_replay(f, 1, true, &s);
	tsc_flow_endpoint_str(f, 0, e0, sizeof(e0));
	tsc_flow_endpoint_str(f, 1, e1, sizeof(e1));
	snprintf(pair, sizeof(pair), "%s -> %s", e0, e1);
	if (f->rtt_syn_synack_ns)
		snprintf(rtt, sizeof(rtt), "%.3f", ms((uint64_t)f->rtt_syn_synack_ns));
	else if (samples)
		snprintf(rtt, sizeof(rtt), "%.3f", ms((a->rtt_sum_ns + d->rtt_sum_ns) / samples));
	sum_trouble(f, trouble, sizeof(trouble));
	tsc_buf_printf(b, "%5llu %-44s %-12s %-12s %-6s %9.3f %7llu %10llu %8s %s\n",
		       (unsigned long long)f->id, pair, tsc_flow_state_name(c.final),
		       tsc_flow_state_name(s.final), tsc_flow_conn_state(f),
		       (double)(f->last.ts_ns - f->first.ts_ns) / 1e9,
		       (unsigned long long)(a->pkts + d->pkts),
		       (unsigned long long)(a->bytes + d->bytes), rtt, trouble);
}

void tsc_flowfmt_csv_header(struct tsc_buf *b)
{
	tsc_buf_puts(b, "id,orig,resp,start,duration,client_final,server_final,conn_state,history,"
			"end_reason,orig_pkts,orig_bytes,orig_payload,resp_pkts,resp_bytes,"
			"resp_payload,retrans,fast_retrans,spurious_retrans,out_of_order,dup_acks,"
			"zero_window,keep_alive,rtt_syn_synack_ms,anomalies,partial\n");
}

void tsc_flowfmt_csv(struct tsc_buf *b, const struct tsc_flow *f)
{
	const struct tsc_flow_dirstats *a = &f->st[0], *d = &f->st[1];
	struct tsc_flow_states c, s;
	char e0[64], e1[64];

	tsc_flow_replay(f, 0, true, &c);
	tsc_flow_replay(f, 1, true, &s);
	tsc_flow_endpoint_str(f, 0, e0, sizeof(e0));
	tsc_flow_endpoint_str(f, 1, e1, sizeof(e1));
	tsc_buf_printf(b, "%llu,%s,%s,%.6f,%.6f,%s,%s,%s,%s,%s,%llu,%llu,%llu,%llu,%llu,%llu,",
		       (unsigned long long)f->id, e0, e1, ts_sec(f->first.ts_ns),
		       (double)(f->last.ts_ns - f->first.ts_ns) / 1e9, tsc_flow_state_name(c.final),
		       tsc_flow_state_name(s.final), tsc_flow_conn_state(f), f->history,
		       tsc_flow_end_reason(f), (unsigned long long)a->pkts,
		       (unsigned long long)a->bytes, (unsigned long long)a->payload,
		       (unsigned long long)d->pkts, (unsigned long long)d->bytes,
		       (unsigned long long)d->payload);
	tsc_buf_printf(b, "%u,%u,%u,%u,%u,%u,%u,", a->retrans + d->retrans,
		       a->fast_retrans + d->fast_retrans, a->spurious_retrans + d->spurious_retrans,
		       a->out_of_order + d->out_of_order, a->dup_acks + d->dup_acks,
		       a->zero_window + d->zero_window, a->keep_alive + d->keep_alive);
	if (f->rtt_syn_synack_ns)
		tsc_buf_printf(b, "%.3f", ms((uint64_t)f->rtt_syn_synack_ns));
	tsc_buf_printf(b, ",%u,%d\n", f->anomalies, (f->flags & TSC_FLOW_PARTIAL) ? 1 : 0);
}

/* ---- summary ---- */

#define TALKERS_MAX 65536
#define N_REASONS   8

static const char *const reasons[N_REASONS] = {
	"closed",	  "reset",	 "refused", "syn-timeout",
	"syn-unanswered", "half-closed", "open",    "evicted",
};

struct talker_key {
	uint8_t family, addr[16];
};

struct talker_val {
	uint64_t bytes, conns;
};

struct tsc_flowsum {
	uint64_t n, reached[2][TSC_FS__COUNT], final[2][TSC_FS__COUNT], reason[N_REASONS];
	uint64_t cs[13], totals[14], anomalies, partial;
	uint64_t talkers_dropped;
	struct tsc_hash *talkers;
};

static const char *const cs_names[13] = {
	"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
};

static const char *const total_names[14] = {
	"retransmissions",   "fast retransmissions",  "spurious retransmissions",
	"out-of-order",	     "previous segment lost", "duplicate ACKs",
	"zero windows",	     "window full",	      "zero-window probes",
	"keep-alives",	     "keep-alive ACKs",	      "window updates",
	"ACKed unseen data", "RTT samples",
};

struct tsc_flowsum *tsc_flowsum_new(void)
{
	struct tsc_flowsum *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->talkers =
		tsc_hash_new(sizeof(struct talker_key), sizeof(struct talker_val), TALKERS_MAX);
	if (!s->talkers) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void tsc_flowsum_free(struct tsc_flowsum *s)
{
	if (!s)
		return;
	tsc_hash_free(s->talkers);
	free(s);
}

static void add_totals(uint64_t *t, const struct tsc_flow_dirstats *d)
{
	const uint32_t v[14] = {
		d->retrans,	      d->fast_retrans, d->spurious_retrans, d->out_of_order,
		d->lost_segment,      d->dup_acks,     d->zero_window,	    d->window_full,
		d->zero_window_probe, d->keep_alive,   d->keep_alive_ack,   d->window_update,
		d->acked_unseen,      d->rtt_samples,
	};

	for (int i = 0; i < 14; i++)
		t[i] += v[i];
}

static void add_talker(struct tsc_flowsum *s, const struct tsc_flow *f, int side)
{
	struct talker_key k;
	struct talker_val *v;

	memset(&k, 0, sizeof(k));
	k.family = f->family;
	memcpy(k.addr, f->addr[side], 16);
	v = tsc_hash_upsert(s->talkers, &k, NULL);
	if (!v) {
		s->talkers_dropped++;
		return;
	}
	v->bytes += f->st[0].bytes + f->st[1].bytes;
	v->conns++;
}

void tsc_flowsum_add(struct tsc_flowsum *s, const struct tsc_flow *f)
{
	const char *cs = tsc_flow_conn_state(f), *why = tsc_flow_end_reason(f);

	s->n++;
	for (int side = 0; side < 2; side++) {
		struct tsc_flow_states st;
		uint32_t seen = 0;

		tsc_flow_replay(f, side, true, &st);
		for (unsigned i = 0; i < st.n; i++)
			seen |= 1u << st.t[i].state;
		for (int k = 0; k < TSC_FS__COUNT; k++)
			s->reached[side][k] += (seen >> k) & 1;
		s->final[side][st.final]++;
		add_totals(s->totals, &f->st[side]);
		add_talker(s, f, side);
	}
	for (int i = 0; i < N_REASONS; i++)
		if (!strcmp(why, reasons[i]))
			s->reason[i]++;
	for (int i = 0; i < 13; i++)
		if (!strcmp(cs, cs_names[i]))
			s->cs[i]++;
	s->anomalies += f->anomalies;
	s->partial += !!(f->flags & TSC_FLOW_PARTIAL);
}

struct top {
	struct talker_key k;
	struct talker_val v;
};

static unsigned top_talkers(struct tsc_flowsum *s, struct top *top, unsigned max)
{
	const void *kp;
	void *vp;
	size_t pos = 0;
	unsigned n = 0;

	while (tsc_hash_next(s->talkers, &pos, &kp, &vp)) {
		const struct talker_val *v = vp;
		unsigned i = n < max ? n++ : max;

		if (i == max) {
			if (v->bytes <= top[max - 1].v.bytes)
				continue;
			i = max - 1;
		}
		while (i > 0 && top[i - 1].v.bytes < v->bytes) {
			top[i] = top[i - 1];
			i--;
		}
		memcpy(&top[i].k, kp, sizeof(top[i].k));
		top[i].v = *v;
	}
	return n;
}

static bool flood(const struct tsc_flow_stats *st)
{
	return st->syn_only >= 1000 && st->syn_only * 2 > st->flows;
}

void tsc_flowsum_print(struct tsc_flowsum *s, const struct tsc_flow_stats *st, uint32_t max_flows,
		       struct tsc_buf *b)
{
	struct top top[5];
	unsigned nt;
	uint64_t ev = 0;

	for (int i = 0; i < TSC_FLOW_CLS__COUNT; i++)
		ev += st->evicted[i];
	tsc_buf_printf(b, "frames %llu: tcp %llu, other %llu, truncated %llu, malformed %llu\n",
		       (unsigned long long)st->frames, (unsigned long long)st->tcp,
		       (unsigned long long)st->non_tcp, (unsigned long long)st->truncated,
		       (unsigned long long)st->bad);
	tsc_buf_printf(b, "connections %llu (partial %llu); tracked at once: peak %llu of %u\n",
		       (unsigned long long)s->n, (unsigned long long)s->partial,
		       (unsigned long long)st->peak_active, max_flows);
	tsc_buf_printf(b,
		       "evicted %llu (handshake %llu, open %llu, closing %llu, done %llu); "
		       "timed out %llu; 4-tuples reused %llu\n",
		       (unsigned long long)ev,
		       (unsigned long long)st->evicted[TSC_FLOW_CLS_HANDSHAKE],
		       (unsigned long long)st->evicted[TSC_FLOW_CLS_OPEN],
		       (unsigned long long)st->evicted[TSC_FLOW_CLS_CLOSING],
		       (unsigned long long)(st->evicted[TSC_FLOW_CLS_TIMEWAIT] +
					    st->evicted[TSC_FLOW_CLS_CLOSED]),
		       (unsigned long long)st->timed_out, (unsigned long long)st->recycled);
	if (flood(st))
		tsc_buf_printf(b, "SYN FLOOD: %llu connections never got past the client's SYN\n",
			       (unsigned long long)st->syn_only);
	tsc_buf_puts(b, "\nstates reached           client     server   (final: client  server)\n");
	for (int k = TSC_FS_CLOSED; k < TSC_FS__COUNT; k++)
		tsc_buf_printf(
			b, "  %-20s %10llu %10llu %15llu %7llu\n", tsc_flow_state_name(k),
			(unsigned long long)s->reached[0][k], (unsigned long long)s->reached[1][k],
			(unsigned long long)s->final[0][k], (unsigned long long)s->final[1][k]);
	tsc_buf_printf(b, "  %-20s %10s %10s %15llu %7llu\n", "NONE (no socket)", "", "",
		       (unsigned long long)s->final[0][TSC_FS_NONE],
		       (unsigned long long)s->final[1][TSC_FS_NONE]);
	tsc_buf_puts(b, "\nhow they ended\n");
	for (int i = 0; i < N_REASONS; i++)
		tsc_buf_printf(b, "  %-20s %10llu\n", reasons[i], (unsigned long long)s->reason[i]);
	tsc_buf_puts(b, "\nconn_state (Zeek)\n ");
	for (int i = 0; i < 13; i++)
		if (s->cs[i])
			tsc_buf_printf(b, " %s %llu", cs_names[i], (unsigned long long)s->cs[i]);
	tsc_buf_puts(b, "\n\ntotals\n");
	for (int i = 0; i < 14; i++)
		tsc_buf_printf(b, "  %-26s %10llu\n", total_names[i],
			       (unsigned long long)s->totals[i]);
	tsc_buf_printf(b, "  %-26s %10llu\n", "anomalies", (unsigned long long)s->anomalies);
	nt = top_talkers(s, top, 5);
	tsc_buf_puts(b, "\ntop talkers (bytes in connections they are part of)\n");
	for (unsigned i = 0; i < nt; i++) {
		char a[64];

		inet_ntop(top[i].k.family == 4 ? AF_INET : AF_INET6, top[i].k.addr, a, sizeof(a));
		tsc_buf_printf(b, "  %-40s %12llu bytes %8llu conns\n", a,
			       (unsigned long long)top[i].v.bytes,
			       (unsigned long long)top[i].v.conns);
	}
	if (s->talkers_dropped)
		tsc_buf_printf(b, "  (%llu connections not counted: more than %u hosts)\n",
			       (unsigned long long)s->talkers_dropped, TALKERS_MAX);
}

void tsc_flowsum_json(struct tsc_flowsum *s, const struct tsc_flow_stats *st, uint32_t max_flows,
		      struct tsc_buf *b)
{
	struct tsc_json j;
	uint64_t ev = 0;

	for (int i = 0; i < TSC_FLOW_CLS__COUNT; i++)
		ev += st->evicted[i];
	tsc_json_init(&j, b, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_u64(&j, "frames", st->frames);
	tsc_json_u64(&j, "tcp", st->tcp);
	tsc_json_u64(&j, "non_tcp", st->non_tcp);
	tsc_json_u64(&j, "truncated", st->truncated);
	tsc_json_u64(&j, "malformed", st->bad);
	tsc_json_u64(&j, "connections", s->n);
	tsc_json_u64(&j, "partial", s->partial);
	tsc_json_u64(&j, "peak_tracked", st->peak_active);
	tsc_json_u64(&j, "max_flows", max_flows);
	tsc_json_u64(&j, "evicted", ev);
	tsc_json_u64(&j, "timed_out", st->timed_out);
	tsc_json_u64(&j, "reused_4tuples", st->recycled);
	tsc_json_u64(&j, "syn_only", st->syn_only);
	tsc_json_bool(&j, "syn_flood", flood(st));
	tsc_json_obj_begin(&j, "ended");
	for (int i = 0; i < N_REASONS; i++)
		tsc_json_u64(&j, reasons[i], s->reason[i]);
	tsc_json_obj_end(&j);
	tsc_json_obj_begin(&j, "conn_state");
	for (int i = 0; i < 13; i++)
		tsc_json_u64(&j, cs_names[i], s->cs[i]);
	tsc_json_obj_end(&j);
	for (int side = 0; side < 2; side++) {
		tsc_json_obj_begin(&j, side ? "server_reached" : "client_reached");
		for (int k = TSC_FS_CLOSED; k < TSC_FS__COUNT; k++)
			tsc_json_u64(&j, tsc_flow_state_name(k), s->reached[side][k]);
		tsc_json_obj_end(&j);
	}
	tsc_json_u64(&j, "retransmissions", s->totals[0]);
	tsc_json_u64(&j, "fast_retransmissions", s->totals[1]);
	tsc_json_u64(&j, "spurious_retransmissions", s->totals[2]);
	tsc_json_u64(&j, "out_of_order", s->totals[3]);
	tsc_json_u64(&j, "dup_acks", s->totals[5]);
	tsc_json_u64(&j, "zero_windows", s->totals[6]);
	tsc_json_u64(&j, "keep_alives", s->totals[9]);
	tsc_json_u64(&j, "anomalies", s->anomalies);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}
