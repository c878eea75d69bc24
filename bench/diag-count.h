/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bare inet_diag census shared by dump-count and fill-sockets: one
 * SOCK_DIAG_BY_FAMILY dump per family, all states, no extensions, reading
 * only idiag_state of each message. Deliberately free of libtcpscope: it is
 * the floor every other tool is measured against. sock_diag(7).
 */
#ifndef TSC_BENCH_DIAG_COUNT_H
#define TSC_BENCH_DIAG_COUNT_H

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DIAG_COUNT_STATES 13 /* kernel TCP state numbers 0..12 */

static const char *const diag_state_names[DIAG_COUNT_STATES] = {
	"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",
	"CLOSE",   "CLOSE_WAIT",  "LAST_ACK", "LISTEN",	  "CLOSING",   "NEW_SYN_RECV",
};

static int diag_count_family(int fd, uint8_t family, uint64_t counts[DIAG_COUNT_STATES])
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	static uint8_t buf[32768] __attribute__((aligned(8)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = family;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ~0u;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPROTO;
		while ((size_t)n - off >= sizeof(struct nlmsghdr)) {
			struct nlmsghdr h;
			uint8_t state;

			memcpy(&h, buf + off, sizeof(h));
			if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > (size_t)n - off)
				return -EPROTO;
			if (h.nlmsg_type == NLMSG_DONE)
				return 0;
			if (h.nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			if (h.nlmsg_len < sizeof(h) + sizeof(struct inet_diag_msg))
				return -EPROTO;
			state = buf[off + sizeof(h) + offsetof(struct inet_diag_msg, idiag_state)];
			counts[state < DIAG_COUNT_STATES ? state : 0]++;
			off += NLMSG_ALIGN(h.nlmsg_len);
		}
	}
}

/* Adds the census of the current network namespace to counts. 0 or -errno. */
static int diag_count(uint64_t counts[DIAG_COUNT_STATES])
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int r;

	if (fd < 0)
		return -errno;
	r = diag_count_family(fd, AF_INET, counts);
	if (r == 0)
		r = diag_count_family(fd, AF_INET6, counts);
	close(fd);
	return r;
}

#endif
