/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket records as text rows and JSON objects (see sockfmt.h). IPv4
 * addresses are formatted by hand: inet_ntop() per socket is measurable at
 * 100,000 sockets. Text state names are ss's (ESTAB, SYN-RECV, UNCONN);
 * JSON uses RFC 9293's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/tcpstate.h"
#include "output/sockfmt.h"

size_t tsc_fmt_addr(char *dst, int family, const uint8_t *addr)
{
	size_t n = 0;

	if (family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				dst[n++] = '.';
			n += tsc_fmt_u64(dst + n, addr[i]);
		}
		dst[n] = '\0';
		return n;
	}
	if (!inet_ntop(AF_INET6, addr, dst, TSC_ADDRSTRLEN)) {
		memcpy(dst, "?", 2);
		return 1;
	}
	return strlen(dst);
}

size_t tsc_fmt_endpoint(char *dst, int family, const uint8_t *addr, uint16_t port)
{
	size_t n = 0;

	if (family == AF_INET6)
		dst[n++] = '[';
	n += tsc_fmt_addr(dst + n, family, addr);
	if (family == AF_INET6)
		dst[n++] = ']';
	dst[n++] = ':';
	if (port == 0)
		dst[n++] = '*';
	else
		n += tsc_fmt_u64(dst + n, port);
	dst[n] = '\0';
	return n;
}

void tsc_fmt_ms_timer(struct tsc_buf *b, uint32_t ms)
{
	unsigned secs = ms / 1000, minutes = secs / 60, msecs = ms % 1000;

	secs %= 60;
	if (minutes) {
		msecs = 0;
		tsc_buf_printf(b, "%umin", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		tsc_buf_printf(b, "%u%s", secs, msecs ? "." : "sec");
	}
	if (msecs)
		tsc_buf_printf(b, "%03ums", msecs);
	if (!minutes && !secs && !msecs)
		tsc_buf_puts(b, "0ms");
}

static const char *timer_name(unsigned t)
{
	static const char *const names[] = { "off", "on", "keepalive", "timewait", "persist" };

	return t < 5 ? names[t] : "unknown";
}

void tsc_sockfmt_header(struct tsc_buf *b, unsigned flags)
{
	tsc_buf_puts(b, "State      Recv-Q Send-Q Local Address:Port                 "
			"Peer Address:Port");
	if (flags & TSC_SOCKFMT_PROC)
		tsc_buf_puts(b, "                  Process");
	tsc_buf_putc(b, '\n');
}

static void pad_to(struct tsc_buf *b, size_t used, size_t width)
{
	do {
		tsc_buf_putc(b, ' ');
	} while (++used < width);
}

static void row_extras(struct tsc_buf *b, const struct tsc_sock *s,
		       const struct tsc_proc_owner *owners, size_t nowners, unsigned flags)
{
	if ((flags & TSC_SOCKFMT_PROC) && nowners) {
		tsc_buf_puts(b, " users:(");
		for (size_t i = 0; i < nowners; i++)
			tsc_buf_printf(b, "%s(\"%s\",pid=%d,fd=%d)", i ? "," : "", owners[i].comm,
				       owners[i].pid, owners[i].fd);
		tsc_buf_putc(b, ')');
	}
	if ((flags & TSC_SOCKFMT_TIMERS) && s->timer) {
		tsc_buf_printf(b, " timer:(%s,", timer_name(s->timer));
		tsc_fmt_ms_timer(b, s->expires_ms);
		tsc_buf_printf(b, ",%u)", s->retrans);
	}
	if (flags & TSC_SOCKFMT_EXT) {
		tsc_buf_printf(b, " uid:%u ino:%llu sk:%llx", s->uid, (unsigned long long)s->inode,
			       (unsigned long long)s->cookie);
		if (s->ifindex)
			tsc_buf_printf(b, " dev:%u", s->ifindex);
	}
	if ((flags & TSC_SOCKFMT_MEM) && s->has_mem) {
		const struct tsc_skmem *m = &s->mem;

		tsc_buf_printf(b, "\n\t skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u,bl%u,d%u)",
			       m->rmem_alloc, m->rcvbuf, m->wmem_alloc, m->sndbuf, m->fwd_alloc,
			       m->wmem_queued, m->optmem, m->backlog, m->drops);
	}
	if ((flags & TSC_SOCKFMT_INFO) && s->has_info) {
		const struct tsc_tcpinfo *t = &s->info;

		tsc_buf_printf(b, "\n\t %s wscale:%u,%u rto:%g rtt:%g/%g mss:%u cwnd:%u",
			       s->has_cong ? s->cong : "-", t->snd_wscale, t->rcv_wscale,
			       t->rto_us / 1000.0, t->rtt_us / 1000.0, t->rttvar_us / 1000.0,
			       t->snd_mss, t->snd_cwnd);
		if (t->snd_ssthresh < 0xffff)
			tsc_buf_printf(b, " ssthresh:%u", t->snd_ssthresh);
		tsc_buf_printf(b, " bytes_sent:%llu bytes_acked:%llu bytes_received:%llu",
			       (unsigned long long)t->bytes_sent,
			       (unsigned long long)t->bytes_acked,
			       (unsigned long long)t->bytes_received);
		tsc_buf_printf(b, " retrans:%u/%u lost:%u unacked:%u", t->retransmits,
			       t->total_retrans, t->lost, t->unacked);
		if (t->delivery_rate)
			tsc_buf_printf(b, " delivery_rate:%llubps",
				       (unsigned long long)t->delivery_rate * 8);
		tsc_buf_printf(b, " lastsnd:%u lastrcv:%u lastack:%u", t->last_data_sent_ms,
			       t->last_data_recv_ms, t->last_ack_recv_ms);
	}
}

void tsc_sockfmt_row(struct tsc_buf *b, const struct tsc_sock *s,
		     const struct tsc_proc_owner *owners, size_t nowners, unsigned flags)
{
	char ep[TSC_ADDRSTRLEN + 8], num[24];
	const char *st = tsc_tcp_state_ss(s->state);
	size_t n;

	tsc_buf_puts(b, st);
	pad_to(b, strlen(st), 11);
	n = tsc_fmt_u64(num, s->rqueue);
	num[n] = '\0';
	tsc_buf_pad(b, num, -6);
	tsc_buf_putc(b, ' ');
	n = tsc_fmt_u64(num, s->wqueue);
	num[n] = '\0';
	tsc_buf_pad(b, num, -6);
	tsc_buf_putc(b, ' ');
	n = tsc_fmt_endpoint(ep, s->family, s->local, s->lport);
	tsc_buf_put(b, ep, n);
	pad_to(b, n, 35);
	n = tsc_fmt_endpoint(ep, s->family, s->peer, s->pport);
	tsc_buf_put(b, ep, n);
	if (flags & ~TSC_SOCKFMT_INFO & ~TSC_SOCKFMT_MEM)
		pad_to(b, n, 35);
	row_extras(b, s, owners, nowners, flags);
	tsc_buf_putc(b, '\n');
}

static void json_info(struct tsc_json *j, const struct tsc_sock *s)
{
	const struct tsc_tcpinfo *t = &s->info;

	tsc_json_obj_begin(j, "info");
	tsc_json_str(j, "cong", s->has_cong ? s->cong : NULL);
	tsc_json_u64(j, "rtt_us", t->rtt_us);
	tsc_json_u64(j, "rttvar_us", t->rttvar_us);
	tsc_json_u64(j, "min_rtt_us", t->min_rtt_us);
	tsc_json_u64(j, "rto_us", t->rto_us);
	tsc_json_u64(j, "snd_mss", t->snd_mss);
	tsc_json_u64(j, "rcv_mss", t->rcv_mss);
	tsc_json_u64(j, "cwnd", t->snd_cwnd);
	tsc_json_u64(j, "ssthresh", t->snd_ssthresh);
	tsc_json_u64(j, "snd_wscale", t->snd_wscale);
	tsc_json_u64(j, "rcv_wscale", t->rcv_wscale);
	tsc_json_u64(j, "retransmits", t->retransmits);
	tsc_json_u64(j, "total_retrans", t->total_retrans);
	tsc_json_u64(j, "lost", t->lost);
	tsc_json_u64(j, "unacked", t->unacked);
	tsc_json_u64(j, "sacked", t->sacked);
	tsc_json_u64(j, "bytes_sent", t->bytes_sent);
	tsc_json_u64(j, "bytes_acked", t->bytes_acked);
	tsc_json_u64(j, "bytes_received", t->bytes_received);
	tsc_json_u64(j, "bytes_retrans", t->bytes_retrans);
	tsc_json_u64(j, "segs_out", t->segs_out);
	tsc_json_u64(j, "segs_in", t->segs_in);
	tsc_json_u64(j, "delivery_rate_bps", t->delivery_rate * 8);
	tsc_json_u64(j, "pacing_rate_bps", t->pacing_rate * 8);
	tsc_json_u64(j, "notsent_bytes", t->notsent_bytes);
	tsc_json_u64(j, "last_data_sent_ms", t->last_data_sent_ms);
	tsc_json_u64(j, "last_data_recv_ms", t->last_data_recv_ms);
	tsc_json_u64(j, "last_ack_recv_ms", t->last_ack_recv_ms);
	tsc_json_u64(j, "snd_wnd", t->snd_wnd);
	tsc_json_obj_end(j);
}

static void json_mem(struct tsc_json *j, const struct tsc_skmem *m)
{
	tsc_json_obj_begin(j, "mem");
	tsc_json_u64(j, "rmem_alloc", m->rmem_alloc);
	tsc_json_u64(j, "rcvbuf", m->rcvbuf);
	tsc_json_u64(j, "wmem_alloc", m->wmem_alloc);
	tsc_json_u64(j, "sndbuf", m->sndbuf);
	tsc_json_u64(j, "fwd_alloc", m->fwd_alloc);
	tsc_json_u64(j, "wmem_queued", m->wmem_queued);
	tsc_json_u64(j, "optmem", m->optmem);
	tsc_json_u64(j, "backlog", m->backlog);
	tsc_json_u64(j, "drops", m->drops);
	tsc_json_obj_end(j);
}

void tsc_sockfmt_json(struct tsc_json *j, const struct tsc_sock *s,
		      const struct tsc_proc_owner *owners, size_t nowners, unsigned flags)
{
	char a[TSC_ADDRSTRLEN];

	tsc_json_obj_begin(j, NULL);
	tsc_json_str(j, "state", tsc_tcp_state_rfc(s->state));
	tsc_json_str(j, "family", s->family == AF_INET6 ? "ipv6" : "ipv4");
	tsc_fmt_addr(a, s->family, s->local);
	tsc_json_str(j, "local_addr", a);
	tsc_json_u64(j, "local_port", s->lport);
	tsc_fmt_addr(a, s->family, s->peer);
	tsc_json_str(j, "peer_addr", a);
	tsc_json_u64(j, "peer_port", s->pport);
	tsc_json_u64(j, "recv_q", s->rqueue);
	tsc_json_u64(j, "send_q", s->wqueue);
	if (flags & TSC_SOCKFMT_EXT) {
		tsc_json_u64(j, "uid", s->uid);
		tsc_json_u64(j, "inode", s->inode);
		tsc_json_u64(j, "cookie", s->cookie);
		tsc_json_u64(j, "ifindex", s->ifindex);
	}
	if (flags & TSC_SOCKFMT_TIMERS) {
		tsc_json_str(j, "timer", timer_name(s->timer));
		tsc_json_u64(j, "timer_expires_ms", s->expires_ms);
		tsc_json_u64(j, "timer_retrans", s->retrans);
	}
	if (flags & TSC_SOCKFMT_PROC) {
		tsc_json_arr_begin(j, "processes");
		for (size_t i = 0; i < nowners; i++) {
			tsc_json_obj_begin(j, NULL);
			tsc_json_i64(j, "pid", owners[i].pid);
			tsc_json_str(j, "comm", owners[i].comm);
			tsc_json_i64(j, "fd", owners[i].fd);
			tsc_json_obj_end(j);
		}
		tsc_json_arr_end(j);
	}
	if ((flags & TSC_SOCKFMT_INFO) && s->has_info)
		json_info(j, s);
	if ((flags & TSC_SOCKFMT_MEM) && s->has_mem)
		json_mem(j, &s->mem);
	tsc_json_obj_end(j);
}
