/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's TCP socket table. Dumps it over NETLINK_SOCK_DIAG (inet_diag,
 * sock_diag(7)) with the state filter applied in the kernel (idiag_states),
 * or reads /proc/net/tcp{,6} as a fallback. Each socket is decoded into a
 * host-order struct tsc_sock and handed to a callback; nothing is stored.
 * Every netlink byte is read through core/cursor.h. Does not resolve names,
 * map sockets to processes (sys/procmap.h does) or format anything.
 */
#ifndef TSC_SOCKDIAG_SOCKDIAG_H
#define TSC_SOCKDIAG_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

/* tcp_info, the fields we use, in host order (linux/tcp.h). Absent fields of
 * an older kernel's shorter tcp_info stay 0. */
struct tsc_tcpinfo {
	uint8_t state, ca_state, retransmits, probes, backoff, options;
	uint8_t snd_wscale, rcv_wscale;
	uint32_t rto_us, ato_us, snd_mss, rcv_mss;
	uint32_t unacked, sacked, lost, retrans, fackets;
	uint32_t last_data_sent_ms, last_ack_sent_ms, last_data_recv_ms, last_ack_recv_ms;
	uint32_t pmtu, rcv_ssthresh, rtt_us, rttvar_us, snd_ssthresh, snd_cwnd, advmss, reordering;
	uint32_t rcv_rtt_us, rcv_space, total_retrans;
	uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
	uint32_t segs_out, segs_in, notsent_bytes, min_rtt_us, data_segs_in, data_segs_out;
	uint64_t delivery_rate, busy_time_us, rwnd_limited_us, sndbuf_limited_us;
	uint32_t delivered, delivered_ce;
	uint64_t bytes_sent, bytes_retrans;
	uint32_t dsack_dups, reord_seen, rcv_ooopack, snd_wnd;
	bool delivery_rate_app_limited;
};

/* Socket memory (INET_DIAG_SKMEMINFO, the SK_MEMINFO_* array). */
struct tsc_skmem {
	uint32_t rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc, wmem_queued, optmem, backlog,
		drops;
};

/* Timers as inet_diag reports them (idiag_timer). */
enum tsc_sock_timer {
	TSC_TIMER_NONE = 0,
	TSC_TIMER_RETRANS = 1, /* retransmit (or probe0 / RTO) */
	TSC_TIMER_KEEPALIVE = 2,
	TSC_TIMER_TIMEWAIT = 3,
	TSC_TIMER_PROBE0 = 4, /* zero-window probe */
	TSC_TIMER_DELACK = 5, /* not reported by the kernel today */
};

/* One socket, decoded. Addresses in network byte order; IPv4 uses the first
 * 4 bytes. Fields not reported (e.g. uid of a timewait socket) are 0. */
struct tsc_sock {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t state;	/* kernel state number, 1..11 (request socks = SYN_RECV) */
	uint8_t timer;	/* enum tsc_sock_timer */
	uint8_t retrans;
	uint8_t local[16], peer[16];
	uint16_t lport, pport;	 /* host order */
	uint32_t rqueue, wqueue; /* LISTEN: accept queue length and backlog */
	uint32_t expires_ms;
	uint32_t uid;
	uint32_t ifindex; /* bound device, 0 if none */
	uint64_t inode;
	uint64_t cookie;
	bool has_info, has_mem, has_cong;
	char cong[16]; /* congestion control name (INET_DIAG_CONG) */
	struct tsc_tcpinfo info;
	struct tsc_skmem mem;
};

enum tsc_sockdiag_ext {
	TSC_SD_EXT_INFO = 1 << 0, /* tcp_info + congestion name */
	TSC_SD_EXT_MEM = 1 << 1,  /* socket memory */
};

struct tsc_sockdiag_query {
	uint32_t states; /* TSC_TCPF() bitmask; the kernel filters */
	bool ipv4, ipv6; /* families to dump */
	unsigned ext;	 /* enum tsc_sockdiag_ext */
};

/* Returns 0 to continue, or a negative errno to stop the dump (passed back). */
typedef int (*tsc_sock_cb)(const struct tsc_sock *s, void *arg);

/* The netlink transport as a seam, so tests replay recorded dumps. send
 * writes one request; recv reads one datagram into buf and returns its length,
 * 0 at end of data, or -errno. The default transport is a NETLINK_SOCK_DIAG
 * socket in the current network namespace. */
struct tsc_nl_ops {
	int (*send)(void *arg, const void *req, size_t len);
	long (*recv)(void *arg, void *buf, size_t len);
	void *arg;
};

struct tsc_sockdiag;

/* Opens a NETLINK_SOCK_DIAG socket in the calling thread's network namespace.
 * NULL with errno set on failure. */
struct tsc_sockdiag *tsc_sockdiag_new(void);
/* A handle over a caller-provided transport (tests). ops is copied. */
struct tsc_sockdiag *tsc_sockdiag_new_ops(const struct tsc_nl_ops *ops);
void tsc_sockdiag_free(struct tsc_sockdiag *h);

/* Dumps the table: one request per family, calling cb for every socket in the
 * requested states. Returns the number of sockets passed to cb, or -errno
 * (-EPROTO for a malformed message: everything before it was delivered). */
TSC_MUST_CHECK long tsc_sockdiag_dump(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
				      tsc_sock_cb cb, void *arg);
/* (sockdiag/netlink.c) A dump left early, e.g. by cb's error, is read to its
 * end at the start of the next dump/count on the handle (the kernel refuses a
 * new dump until then). After -EPROTO from broken message framing the handle
 * only returns -EPROTO: free it. Asking for CLOSE also asks for bound-inactive
 * sockets (Linux 6.10+), reported as CLOSE. doc/internals/sockdiag.md. */

/* The census fast path: counts sockets per state (counts indexed by kernel
 * state number, TSC_TCP_MAX_STATES entries, added to, not cleared), reading
 * only the fixed header of each message. Returns the number counted or -errno. */
TSC_MUST_CHECK long tsc_sockdiag_count(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q,
				       uint64_t *counts);

/* Decodes one inet_diag_msg netlink message (header included) into ret.
 * Returns 0, -EPROTO if malformed or truncated. Exposed for tests and fuzzing. */
TSC_MUST_CHECK int tsc_sockdiag_parse(const uint8_t *msg, size_t len, struct tsc_sock *ret);

/* --- /proc/net/tcp fallback ------------------------------------------- */

/* Parses one data line of /proc/net/tcp or /proc/net/tcp6 (family AF_INET or
 * AF_INET6). Returns 0, or -EINVAL for a malformed line. */
TSC_MUST_CHECK int tsc_procnet_parse_line(const char *line, int family, struct tsc_sock *ret);

/* Reads /proc/net/tcp and/or tcp6 of the current network namespace (root is
 * the directory holding net/, normally "/proc/self"; tests pass a fixture
 * directory) and calls cb for every socket whose state is in q->states.
 * The TIME_WAIT and request-socket lines are included as the kernel lists them.
 * Returns the number of sockets passed to cb, or -errno. */
TSC_MUST_CHECK long tsc_procnet_dump(const char *root, const struct tsc_sockdiag_query *q,
				     tsc_sock_cb cb, void *arg);

#endif
