/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink side of lib/sockdiag: one SOCK_DIAG_BY_FAMILY dump request per
 * address family (struct inet_diag_req_v2, sock_diag(7)), the kernel filtering
 * by state, and a walk over every nlmsghdr of every datagram with the cursor.
 * The transport is a seam (struct tsc_nl_ops) so tests replay recorded dumps.
 * tsc_sockdiag_count() is the census fast path: it reads two bytes of each
 * message and allocates nothing. Does not filter by address or port (the
 * kernel's bytecode filter is not used) and never joins multicast groups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "core/cursor.h"
#include "sockdiag/internal.h"
#include "sockdiag/sockdiag.h"

/*
 * The receive buffer. The kernel sizes dump datagrams by the largest buffer
 * we have passed to recvmsg, capped at 32 KiB (net/netlink/af_netlink.c,
 * max_recvmsg_len), so 64 KiB is never truncated; the doc measures sizes.
 */
#define SD_BUF_LEN (64u * 1024u)
/* SO_RCVBUF we ask for; the dump is paced by our reads, so this is only
 * headroom, and failure to get it is not an error. */
#define SD_RCVBUF (1024 * 1024)

struct tsc_sockdiag {
	struct tsc_nl_ops ops;
	int fd;		      /* -1 over a caller's transport */
	uint32_t portid;      /* our netlink port id; 0 = unknown (replay) */
	uint32_t seq;	      /* of the last request sent */
	uint32_t pending_seq; /* a dump not yet read to its NLMSG_DONE, 0 if none */
	bool broken;	      /* framing error: the stream cannot be resynchronised */
	uint8_t *buf;
};

/* What to do with each socket message of a dump. */
struct sd_walk {
	int (*on_msg)(struct sd_walk *w, const uint8_t *msg, size_t len);
	tsc_sock_cb cb;
	void *arg;
	uint64_t *counts;
	long n;
	int err; /* first failure of on_msg; delivery stops there */
};

/* --- default transport: a NETLINK_SOCK_DIAG socket ----------------------- */

static int nl_send(void *arg, const void *req, size_t len)
{
	struct tsc_sockdiag *h = arg;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(h->fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static long nl_recv(void *arg, void *buf, size_t len)
{
	struct tsc_sockdiag *h = arg;
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1
	};
	ssize_t n;

	for (;;) {
		n = recvmsg(h->fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* only the kernel (port 0) may talk to us */
		if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
			continue;
		return (long)n;
	}
}

static int nl_open(struct tsc_sockdiag *h)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int rcvbuf = SD_RCVBUF;

	h->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (h->fd < 0)
		return -errno;
	/* FORCE needs CAP_NET_ADMIN; otherwise the kernel caps at rmem_max */
	if (setsockopt(h->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(h->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(h->fd, (struct sockaddr *)&sa, &salen) < 0)
		return -errno;
	h->portid = sa.nl_pid;
	return 0;
}

/* --- handle -------------------------------------------------------------- */

static struct tsc_sockdiag *sd_alloc(void)
{
	struct tsc_sockdiag *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->fd = -1;
	h->seq = TSC__SD_SEQ_FIRST - 1;
	h->buf = malloc(SD_BUF_LEN);
	if (!h->buf) {
		free(h);
		return NULL;
	}
	return h;
}

struct tsc_sockdiag *tsc_sockdiag_new(void)
{
	struct tsc_sockdiag *h = sd_alloc();
	int r;

	if (!h)
		return NULL;
	r = nl_open(h);
	if (r < 0) {
		tsc_sockdiag_free(h);
		errno = -r;
		return NULL;
	}
	h->ops.send = nl_send;
	h->ops.recv = nl_recv;
	h->ops.arg = h;
	return h;
}

struct tsc_sockdiag *tsc_sockdiag_new_ops(const struct tsc_nl_ops *ops)
{
	struct tsc_sockdiag *h;

	if (!ops || !ops->send || !ops->recv) {
		errno = EINVAL;
		return NULL;
	}
	h = sd_alloc();
	if (!h)
		return NULL;
	h->ops = *ops;
	return h;
}

void tsc_sockdiag_free(struct tsc_sockdiag *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h->buf);
	free(h);
}

/* --- the dump ------------------------------------------------------------ */

static int sd_send_request(struct tsc_sockdiag *h, uint8_t family, uint32_t states, unsigned ext)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} m;
	uint8_t idiag_ext = 0;

	_Static_assert(sizeof(m) == TSC__NLMSG_HDRLEN + TSC__IDIAG_REQ_LEN, "request layout");
	if (ext & TSC_SD_EXT_INFO)
		idiag_ext |= 1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_CONG - 1);
	if (ext & TSC_SD_EXT_MEM)
		idiag_ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
	/* NEW_SYN_RECV is added by the kernel itself when SYN_RECV is asked
	 * (inet_diag_dump_icsk); bound-but-inactive sockets only come when bit
	 * 13 is set (Linux 6.10+, older kernels ignore it) and report CLOSE. */
	states &= TSC_TCPF_ALL;
	if (states & TSC_TCPF(TSC_TCP_CLOSE))
		states |= 1u << TSC__TCP_BOUND_INACTIVE;

	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_len = sizeof(m);
	m.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	m.nlh.nlmsg_seq = ++h->seq;
	if (!h->seq) /* 0 means "no pending dump" */
		m.nlh.nlmsg_seq = ++h->seq;
	m.req.sdiag_family = family;
	m.req.sdiag_protocol = IPPROTO_TCP;
	m.req.idiag_ext = idiag_ext;
	m.req.idiag_states = states;
	return h->ops.send(h->ops.arg, &m, sizeof(m));
}

/* The int after an NLMSG_ERROR or NLMSG_DONE header: 0 or a -errno. */
static int sd_status(struct tsc_cur payload, uint16_t type)
{
	uint32_t v;
	int32_t err;

	if (!tsc_cur_ne32(&payload, &v))
		return type == NLMSG_DONE ? 0 : -EPROTO;
	memcpy(&err, &v, sizeof(err));
	if (err > 0 || err < -4095)
		return -EPROTO;
	return err;
}

/*
 * One datagram of the dump of seq. Socket messages go to w->on_msg until it
 * fails (w->err); the walk then only looks for the end. Returns 1 when the
 * dump has ended (NLMSG_DONE or NLMSG_ERROR, whose status is returned if it is
 * an error), 0 to read on, -EPROTO for broken framing. Messages of another
 * sequence (left over from an abandoned dump) or port are skipped.
 */
static int sd_walk_datagram(struct tsc_sockdiag *h, uint32_t seq, const uint8_t *buf, size_t len,
			    struct sd_walk *w)
{
	struct tsc_cur c = tsc_cur_make(buf, len);

	while (c.len) {
		const uint8_t *msg = c.p;
		uint32_t nlen, mseq, mpid;
		uint16_t type, flags;
		struct tsc_cur payload;
		size_t pad;
		int r;

		if (!tsc_cur_ne32(&c, &nlen) || !tsc_cur_ne16(&c, &type) ||
		    !tsc_cur_ne16(&c, &flags) || !tsc_cur_ne32(&c, &mseq) ||
		    !tsc_cur_ne32(&c, &mpid))
			return -EPROTO;
		if (nlen < TSC__NLMSG_HDRLEN ||
		    !tsc_cur_sub(&c, nlen - TSC__NLMSG_HDRLEN, &payload))
			return -EPROTO;
		pad = TSC__ALIGN4(nlen) - nlen;
		(void)tsc_cur_skip(&c, pad < c.len ? pad : c.len);
		if (mseq != seq || (h->portid && mpid != h->portid))
			continue;
		if (type == NLMSG_DONE || type == NLMSG_ERROR) {
			if (h->pending_seq == seq)
				h->pending_seq = 0;
			r = sd_status(payload, type);
			return r < 0 ? r : 1;
		}
		if (type != SOCK_DIAG_BY_FAMILY || !w || w->err)
			continue; /* NLMSG_NOOP, anything not asked for, or stopped */
		w->err = w->on_msg(w, msg, nlen);
	}
	return 0;
}

/* Reads until the end of the dump of seq, or until w->on_msg has failed.
 * Returns 0 or -errno. */
static int sd_read_dump(struct tsc_sockdiag *h, uint32_t seq, struct sd_walk *w)
{
	for (;;) {
		long n = h->ops.recv(h->ops.arg, h->buf, SD_BUF_LEN);
		int r;

		if (n < 0)
			return n < -4095 ? -EIO : (int)n;
		if (n == 0 || (unsigned long)n > SD_BUF_LEN)
			return -EPROTO; /* data ended before NLMSG_DONE */
		r = sd_walk_datagram(h, seq, h->buf, (size_t)n, w);
		if (r == -EPROTO && h->pending_seq == seq)
			h->broken = true; /* cannot know whether NLMSG_DONE went by */
		if (w && w->err)
			return w->err;
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

/*
 * The kernel keeps one dump running per socket and answers a new request with
 * -EBUSY until the old one is read to its end, so a dump we left early (a
 * callback error) is drained before the next request. Its status is not ours
 * to report; a transport error will show again on the next request.
 */
static void sd_drain(struct tsc_sockdiag *h)
{
	uint32_t seq = h->pending_seq;

	if (seq)
		(void)sd_read_dump(h, seq, NULL);
	h->pending_seq = 0;
}

static long sd_run(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q, struct sd_walk *w)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	int r;

	if (h->broken)
		return -EPROTO;
	sd_drain(h);
	if (h->broken)
		return -EPROTO;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(families); i++) {
		if ((families[i] == AF_INET && !q->ipv4) || (families[i] == AF_INET6 && !q->ipv6))
			continue;
		r = sd_send_request(h, families[i], q->states, q->ext);
		if (r < 0)
			return r;
		h->pending_seq = h->seq;
		r = sd_read_dump(h, h->seq, w);
		if (r < 0)
			return r;
	}
	return w->n;
}

static int on_msg_dump(struct sd_walk *w, const uint8_t *msg, size_t len)
{
	struct tsc_sock s;
	int r = tsc_sockdiag_parse(msg, len, &s);

	if (r < 0)
		return r;
	r = w->cb(&s, w->arg);
	if (r < 0)
		return r;
	w->n++;
	return 0;
}

/* Reads idiag_family and idiag_state only, bounds-checked like the parser's
 * fixed part; attributes are not looked at. */
static int on_msg_count(struct sd_walk *w, const uint8_t *msg, size_t len)
{
	uint8_t family, state;

	if (len < TSC__NLMSG_HDRLEN + TSC__IDIAG_MSG_LEN)
		return -EPROTO;
	family = msg[TSC__NLMSG_HDRLEN];
	state = tsc__sockdiag_state(msg[TSC__NLMSG_HDRLEN + 1]);
	if ((family != AF_INET && family != AF_INET6) || !state)
		return -EPROTO;
	w->counts[state]++;
	w->n++;
	return 0;
}

long tsc_sockdiag_dump(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q, tsc_sock_cb cb,
		       void *arg)
{
	struct sd_walk w = { .on_msg = on_msg_dump, .cb = cb, .arg = arg };

	if (!h || !q || !cb)
		return -EINVAL;
	return sd_run(h, q, &w);
}

long tsc_sockdiag_count(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
			uint64_t *counts)
{
	struct sd_walk w = { .on_msg = on_msg_count, .counts = counts };

	if (!h || !q || !counts)
		return -EINVAL;
	return sd_run(h, q, &w);
}
