/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding one inet_diag reply (struct inet_diag_msg plus attributes, see
 * sock_diag(7) and linux/inet_diag.h) into a host-order struct tsc_sock.
 * Every byte is read through core/cursor.h; the only struct copy is tcp_info,
 * taken with min(payload, sizeof) into a zeroed struct as ss does, because the
 * running kernel's tcp_info may be shorter or longer than our headers'.
 * Does no I/O and keeps no state.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "core/cursor.h"
#include "sockdiag/internal.h"
#include "sockdiag/sockdiag.h"

/* The fixed part: struct inet_diag_msg, field by field (linux/inet_diag.h). */
static int parse_diag_msg(struct tsc_cur *c, struct tsc_sock *s)
{
	uint32_t cookie_lo = 0, cookie_hi = 0, inode = 0;

	if (!tsc_cur_u8(c, &s->family) || !tsc_cur_u8(c, &s->state) || !tsc_cur_u8(c, &s->timer) ||
	    !tsc_cur_u8(c, &s->retrans) || !tsc_cur_be16(c, &s->lport) ||
	    !tsc_cur_be16(c, &s->pport) || !tsc_cur_bytes(c, s->local, sizeof(s->local)) ||
	    !tsc_cur_bytes(c, s->peer, sizeof(s->peer)) || !tsc_cur_ne32(c, &s->ifindex) ||
	    !tsc_cur_ne32(c, &cookie_lo) || !tsc_cur_ne32(c, &cookie_hi) ||
	    !tsc_cur_ne32(c, &s->expires_ms) || !tsc_cur_ne32(c, &s->rqueue) ||
	    !tsc_cur_ne32(c, &s->wqueue) || !tsc_cur_ne32(c, &s->uid) || !tsc_cur_ne32(c, &inode))
		return -EPROTO;

	if (s->family != AF_INET && s->family != AF_INET6)
		return -EPROTO;
	s->state = tsc__sockdiag_state(s->state);
	if (!s->state)
		return -EPROTO;
	if (s->family == AF_INET) {
		/* the kernel zeroes idiag_src[1..3]; make it so whatever came in */
		memset(s->local + 4, 0, sizeof(s->local) - 4);
		memset(s->peer + 4, 0, sizeof(s->peer) - 4);
	}
	/* sock_diag_save_cookie(): cookie[0] is the low half */
	s->cookie = (uint64_t)cookie_hi << 32 | cookie_lo;
	s->inode = inode;
	return 0;
}

/* struct tcp_info (linux/tcp.h) into our host-order subset. */
static void convert_tcp_info(const struct tcp_info *t, struct tsc_tcpinfo *i)
{
	i->state = t->tcpi_state;
	i->ca_state = t->tcpi_ca_state;
	i->retransmits = t->tcpi_retransmits;
	i->probes = t->tcpi_probes;
	i->backoff = t->tcpi_backoff;
	i->options = t->tcpi_options;
	i->snd_wscale = t->tcpi_snd_wscale;
	i->rcv_wscale = t->tcpi_rcv_wscale;
	i->delivery_rate_app_limited = t->tcpi_delivery_rate_app_limited;
	i->rto_us = t->tcpi_rto;
	i->ato_us = t->tcpi_ato;
	i->snd_mss = t->tcpi_snd_mss;
	i->rcv_mss = t->tcpi_rcv_mss;
	i->unacked = t->tcpi_unacked;
	i->sacked = t->tcpi_sacked;
	i->lost = t->tcpi_lost;
	i->retrans = t->tcpi_retrans;
	i->fackets = t->tcpi_fackets;
	i->last_data_sent_ms = t->tcpi_last_data_sent;
	i->last_ack_sent_ms = t->tcpi_last_ack_sent;
	i->last_data_recv_ms = t->tcpi_last_data_recv;
	i->last_ack_recv_ms = t->tcpi_last_ack_recv;
	i->pmtu = t->tcpi_pmtu;
	i->rcv_ssthresh = t->tcpi_rcv_ssthresh;
	i->rtt_us = t->tcpi_rtt;
	i->rttvar_us = t->tcpi_rttvar;
	i->snd_ssthresh = t->tcpi_snd_ssthresh;
	i->snd_cwnd = t->tcpi_snd_cwnd;
	i->advmss = t->tcpi_advmss;
	i->reordering = t->tcpi_reordering;
	i->rcv_rtt_us = t->tcpi_rcv_rtt;
	i->rcv_space = t->tcpi_rcv_space;
	i->total_retrans = t->tcpi_total_retrans;
	i->pacing_rate = t->tcpi_pacing_rate;
	i->max_pacing_rate = t->tcpi_max_pacing_rate;
	i->bytes_acked = t->tcpi_bytes_acked;
	i->bytes_received = t->tcpi_bytes_received;
	i->segs_out = t->tcpi_segs_out;
	i->segs_in = t->tcpi_segs_in;
	i->notsent_bytes = t->tcpi_notsent_bytes;
	i->min_rtt_us = t->tcpi_min_rtt;
	i->data_segs_in = t->tcpi_data_segs_in;
	i->data_segs_out = t->tcpi_data_segs_out;
	i->delivery_rate = t->tcpi_delivery_rate;
	i->busy_time_us = t->tcpi_busy_time;
	i->rwnd_limited_us = t->tcpi_rwnd_limited;
	i->sndbuf_limited_us = t->tcpi_sndbuf_limited;
	i->delivered = t->tcpi_delivered;
	i->delivered_ce = t->tcpi_delivered_ce;
	i->bytes_sent = t->tcpi_bytes_sent;
	i->bytes_retrans = t->tcpi_bytes_retrans;
	i->dsack_dups = t->tcpi_dsack_dups;
	i->reord_seen = t->tcpi_reord_seen;
	i->rcv_ooopack = t->tcpi_rcv_ooopack;
	i->snd_wnd = t->tcpi_snd_wnd;
}

static void parse_info(struct tsc_cur payload, struct tsc_sock *s)
{
	struct tcp_info ti;

	(void)tsc_cur_copy_min(payload, &ti, sizeof(ti));
	convert_tcp_info(&ti, &s->info);
	s->has_info = true;
}

/* A NUL-terminated name, bounded by both the payload and our buffer. */
static void parse_cong(struct tsc_cur payload, struct tsc_sock *s)
{
	size_t n = payload.len < sizeof(s->cong) - 1 ? payload.len : sizeof(s->cong) - 1;
	const uint8_t *nul = n ? memchr(payload.p, '\0', n) : NULL;

	if (nul)
		n = (size_t)(nul - payload.p);
	if (n)
		memcpy(s->cong, payload.p, n);
	s->cong[n] = '\0';
	s->has_cong = true;
}

/* The SK_MEMINFO_* u32 array; as many entries as present (older kernels
 * send fewer, newer may send more). */
static void parse_skmem(struct tsc_cur payload, struct tsc_sock *s)
{
	uint32_t v[9] = { 0 };

	for (size_t i = 0; i < TSC_ARRAY_SIZE(v) && tsc_cur_ne32(&payload, &v[i]); i++)
		;
	s->mem.rmem_alloc = v[0];
	s->mem.rcvbuf = v[1];
	s->mem.wmem_alloc = v[2];
	s->mem.sndbuf = v[3];
	s->mem.fwd_alloc = v[4];
	s->mem.wmem_queued = v[5];
	s->mem.optmem = v[6];
	s->mem.backlog = v[7];
	s->mem.drops = v[8];
	s->has_mem = true;
}

/* Attributes after the fixed part. Each one consumes at least its 4-byte
 * header, so the loop always makes progress; a length below 4 or past the end
 * is -EPROTO. The last attribute's alignment padding may be missing. */
static int parse_attrs(struct tsc_cur *c, struct tsc_sock *s)
{
	while (c->len) {
		uint16_t alen, atype;
		struct tsc_cur payload;
		size_t pad;

		if (!tsc_cur_ne16(c, &alen) || !tsc_cur_ne16(c, &atype))
			return -EPROTO;
		if (alen < TSC__NLA_HDRLEN ||
		    !tsc_cur_sub(c, (size_t)alen - TSC__NLA_HDRLEN, &payload))
			return -EPROTO;
		pad = TSC__ALIGN4(alen) - alen;
		(void)tsc_cur_skip(c, pad < c->len ? pad : c->len);

		switch (atype & NLA_TYPE_MASK) {
		case INET_DIAG_INFO:
			parse_info(payload, s);
			break;
		case INET_DIAG_CONG:
			parse_cong(payload, s);
			break;
		case INET_DIAG_SKMEMINFO:
			parse_skmem(payload, s);
			break;
		default:
			break;
		}
	}
	return 0;
}

int tsc_sockdiag_parse(const uint8_t *msg, size_t len, struct tsc_sock *ret)
{
	struct tsc_cur c = tsc_cur_make(msg, len), body;
	uint32_t nlen;
	uint16_t type;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!tsc_cur_ne32(&c, &nlen) || !tsc_cur_ne16(&c, &type) ||
	    !tsc_cur_skip(&c, TSC__NLMSG_HDRLEN - 6))
		return -EPROTO;
	if (type != SOCK_DIAG_BY_FAMILY || nlen < TSC__NLMSG_HDRLEN ||
	    !tsc_cur_sub(&c, nlen - TSC__NLMSG_HDRLEN, &body))
		return -EPROTO;
	r = parse_diag_msg(&body, ret);
	if (r < 0)
		return r;
	return parse_attrs(&body, ret);
}
