/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCP sysctl fact table (see sysctl-facts.h) and its strict value parser.
 * Every statement here was checked against the kernel source (net/ipv4/
 * tcp_timer.c, tcp_input.c, tcp_minisocks.c, inet_connection_sock.c,
 * sysctl_net_ipv4.c), Documentation/networking/ip-sysctl.rst, and on a 6.18
 * kernel: defaults read in a fresh namespace, accepted ranges found by
 * writing values in a private namespace, SYN and SYN-ACK retransmission
 * timelines captured with tcpdump (doc/cmd/explain.md has the commands).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diag/sysctl-facts.h"
#include "sys/sysctl.h"

#define INT_MAX_S 2147483647LL

#define V4(n)	.name = n, .key = "net.ipv4." n, .path = "/proc/sys/net/ipv4/" n
#define CORE(n) .name = n, .key = "net.core." n, .path = "/proc/sys/net/core/" n

static const struct tsc_sysctl_fact facts[] = {
	{
		V4("tcp_syncookies"),
		.summary = "answer SYNs with stateless cookies when a SYN queue is full",
		.format = TSC_SYSCTL_INT,
		.unit = "mode",
		.min = 0,
		.max = 2,
		.kernel_default = "1",
		.values = "0 = never, 1 = only when a listener's SYN queue is full, 2 = always "
			  "(testing only)",
		.truth = "When a listener's SYN queue is full (its length reached the listen() "
			 "backlog), answer new SYNs with a SYN-ACK whose sequence number encodes "
			 "the connection, and keep no state: the connection is rebuilt when the "
			 "final ACK arrives. With TCP timestamps on both sides, window scaling, "
			 "SACK and ECN survive inside the timestamp; without them only 4 MSS "
			 "values do. Counted in TcpExtSyncookiesSent/Recv/Failed. Keep it at 1.",
		.myths = { "Myth: syncookies are only for attacks and hurt performance, so turn "
			   "them off. Truth: at 1 they cost nothing until the SYN queue "
			   "overflows; at 0 a SYN flood or a burst simply drops connections.",
			   "Myth: syncookies always disable window scaling and SACK. Truth: "
			   "with timestamps (the default) those options are encoded and kept.",
			   NULL },
		.states = "SYN-RECEIVED, LISTEN",
		.per_netns = true,
	},
	{
		V4("tcp_max_syn_backlog"),
		.summary = "half-open limit that only matters with syncookies off",
		.format = TSC_SYSCTL_INT,
		.unit = "requests",
		.min = 1,
		.max = INT_MAX_S,
		.kernel_default = "2048",
		.default_note = "computed at boot: max(128, TCP established-hash buckets / 128); "
				"2048 on a machine with 256Ki buckets",
		.truth = "Not the SYN queue size. The SYN queue of a listener is full when its "
			 "half-open count reaches that listener's accept backlog (min(listen() "
			 "backlog, somaxconn)); then syncookies take over. tcp_max_syn_backlog "
			 "only matters with tcp_syncookies=0: once a listener's half-open count "
			 "is within a quarter of this value, SYNs from peers the kernel has never "
			 "seen are dropped.",
		.myths = { "Myth: raise tcp_max_syn_backlog to survive SYN floods or bursts. "
			   "Truth: with syncookies on (the default) the limit that counts is the "
			   "listen() backlog capped by somaxconn; raise both of those.",
			   NULL },
		.states = "SYN-RECEIVED, LISTEN",
		.per_netns = true,
	},
	{
		CORE("somaxconn"),
		.summary = "cap on every listen() backlog (accept queue length)",
		.format = TSC_SYSCTL_INT,
		.unit = "connections",
		.min = 1,
		.max = INT_MAX_S,
		.kernel_default = "4096",
		.truth = "Caps the backlog argument of listen() (default 4096 since Linux 5.4, 128 "
			 "before): accept queue limit = "
			 "min(backlog, somaxconn), read when listen() is called, so a running "
			 "server keeps its old limit until it calls listen() again. The same "
			 "number bounds the listener's SYN queue. `ss -ltn` shows the limit as "
			 "Send-Q and the current queue as Recv-Q; overflows count in "
			 "TcpExtListenOverflows.",
		.myths = { "Myth: raising somaxconn alone fixes accept-queue overflows. Truth: "
			   "the application's listen() backlog must be raised too (many use 128 "
			   "or 511), and the real fix is accepting faster.",
			   NULL },
		.states = "LISTEN, SYN-RECEIVED",
		.per_netns = true,
	},
	{
		V4("tcp_syn_retries"),
		.summary = "SYN retransmissions before connect() fails with ETIMEDOUT",
		.format = TSC_SYSCTL_INT,
		.unit = "retransmissions",
		.min = 1,
		.max = 127,
		.kernel_default = "6",
		.truth = "How many times connect() retransmits its SYN before failing with "
			 "ETIMEDOUT. The first SYN waits 1 s, then the timeout doubles. On kernels "
			 "with tcp_syn_linear_timeouts (6.5+) the first N retransmissions come at "
			 "1 s intervals and are added to this count: with the defaults (6 and 4) "
			 "11 SYNs leave at 0,1,2,3,4,5,7,11,19,35,67 s and connect() fails after "
			 "about 131 s (measured 133.8 s on 6.18). Without linear timeouts: 7 SYNs, "
			 "127 s. Per socket: TCP_SYNCNT; better, a connect timeout in the "
			 "application.",
		.myths = { "Myth: connect() to a dead host fails after 127 s on every kernel. "
			   "Truth: with tcp_syn_linear_timeouts it is about 131 s and 11 SYNs.",
			   NULL },
		.states = "SYN-SENT",
		.per_netns = true,
	},
	{
		V4("tcp_syn_linear_timeouts"),
		.summary = "extra SYN retransmissions at 1 s intervals (6.5+)",
		.format = TSC_SYSCTL_INT,
		.unit = "retransmissions",
		.min = 0,
		.max = 127,
		.kernel_default = "4",
		.truth = "The first N SYN retransmissions of connect() use a fixed 1 s timeout "
			 "instead of doubling, and are extra: the total is tcp_syn_retries + N "
			 "retransmissions. Only SYN-SENT; the server's SYN-ACKs still double.",
		.states = "SYN-SENT",
		.since = "6.5",
		.per_netns = true,
	},
	{
		V4("tcp_synack_retries"),
		.summary = "SYN,ACK retransmissions before a half-open connection is dropped",
		.format = TSC_SYSCTL_INT,
		.unit = "retransmissions",
		.min = 0,
		.max = 255,
		.kernel_default = "5",
		.truth = "How many times a listener retransmits the SYN-ACK of a half-open "
			 "connection (a request socket, shown as SYN-RECV) before dropping it. "
			 "Timeouts 1,2,4,8,16 s, then 32 s more: with 5 a request lives 63 s "
			 "(measured on 6.18: SYN-ACKs at 0,1,3,7,15,31 s, gone at 63-64 s). "
			 "Lowering it to 2 or 3 shortens how long SYN-flood entries occupy the "
			 "queue, at the cost of clients on lossy paths.",
		.states = "SYN-RECEIVED",
		.per_netns = true,
	},
	{
		V4("tcp_fin_timeout"),
		.summary = "lifetime of ORPHANED FIN-WAIT-2 sockets (not TIME-WAIT)",
		.format = TSC_SYSCTL_INT,
		.unit = "seconds",
		.min = 1,
		.max = 2147483,
		.kernel_default = "60",
		.truth = "How long an ORPHANED connection (closed by the application, so no "
			 "file descriptor) may stay in FIN-WAIT-2 waiting for the peer's FIN; "
			 "then the kernel destroys it silently. Per socket: TCP_LINGER2. It does "
			 "not change TIME-WAIT, which is fixed at 60 s (TCP_TIMEWAIT_LEN) and has "
			 "no sysctl. A socket after shutdown(SHUT_WR) that is still open is not "
			 "orphaned and may wait in FIN-WAIT-2 forever (valid half-close). The "
			 "kernel never uses less than 3.5 x RTO.",
		.myths = { "Myth: lower tcp_fin_timeout to get rid of TIME_WAIT sockets. Truth: "
			   "TIME-WAIT always lasts 60 s; tcp_fin_timeout only shortens orphaned "
			   "FIN-WAIT-2.",
			   "Myth: tcp_fin_timeout=1 is a safe speed-up. Truth: orphans whose "
			   "peer is slow to send its FIN are killed, and that peer later gets "
			   "an RST.",
			   NULL },
		.states = "FIN-WAIT-2",
		.per_netns = true,
	},
	{
		V4("tcp_tw_reuse"),
		.summary = "let connect() reuse TIME-WAIT 4-tuples (outgoing only)",
		.format = TSC_SYSCTL_INT,
		.unit = "mode",
		.min = 0,
		.max = 2,
		.kernel_default = "2",
		.values = "0 = off, 1 = on, 2 = on for loopback traffic only (the default; older "
			  "kernels defaulted to 0)",
		.truth = "Lets connect() take over the 4-tuple of a TIME-WAIT socket when the "
			 "last packet of the old connection is over tcp_tw_reuse_delay (1 s) old "
			 "and both sides use TCP timestamps (so old duplicates are rejected by "
			 "PAWS). It only helps OUTGOING connections, i.e. the host that runs out "
			 "of ephemeral ports toward one ip:port (EADDRNOTAVAIL). It does nothing "
			 "for a server's TIME-WAIT sockets or for accepting connections.",
		.myths = { "Myth: tcp_tw_reuse removes TIME_WAIT on a busy server. Truth: it "
			   "only lets this host's own connect() reuse them; server-side TIME-WAIT "
			   "counts do not change.",
			   "Myth: tcp_tw_reuse is dangerous like tcp_tw_recycle. Truth: it relies "
			   "on timestamps and only affects this host's outgoing connections; it "
			   "does not break NAT clients.",
			   NULL },
		.states = "TIME-WAIT, SYN-SENT",
		.per_netns = true,
	},
	{
		V4("tcp_tw_reuse_delay"),
		.summary = "minimum age of a TIME-WAIT socket before tcp_tw_reuse",
		.format = TSC_SYSCTL_INT,
		.unit = "milliseconds",
		.min = 1,
		.max = 60000,
		.kernel_default = "1000",
		.truth = "How old (in ms, measured by the TCP timestamp clock) the last packet "
			 "of a TIME-WAIT connection must be before tcp_tw_reuse lets connect() "
			 "reuse its 4-tuple. Before this sysctl existed the delay was a fixed 1 "
			 "second.",
		.states = "TIME-WAIT",
		.per_netns = true,
	},
	{
		V4("tcp_max_tw_buckets"),
		.summary = "most TIME-WAIT sockets kept; beyond, TIME-WAIT is skipped",
		.format = TSC_SYSCTL_INT,
		.unit = "sockets",
		.min = 0,
		.max = INT_MAX_S,
		.kernel_default = "131072",
		.default_note = "computed at boot: TCP established-hash buckets / 2",
		.truth = "The most TIME-WAIT sockets the namespace keeps. Past it, a closing "
			 "connection skips TIME-WAIT entirely (\"TCP: time wait bucket table "
			 "overflow\", TcpExtTCPTimeWaitOverflow). A TIME-WAIT socket is a small "
			 "timewait sock without buffers or file descriptor. Lowering this only "
			 "hides TIME-WAIT by giving up its protection against old duplicates.",
		.myths = { "Myth: TIME_WAIT sockets waste memory, lower tcp_max_tw_buckets. "
			   "Truth: they are small; lowering the limit trades protection for a "
			   "smaller number. Raise it if TCPTimeWaitOverflow grows.",
			   NULL },
		.states = "TIME-WAIT",
		.per_netns = true,
	},
	{
		V4("tcp_keepalive_time"),
		.summary = "idle time before keepalive probes (SO_KEEPALIVE sockets only)",
		.format = TSC_SYSCTL_INT,
		.unit = "seconds",
		.min = 1,
		.max = 32767,
		.kernel_default = "7200",
		.truth = "Idle time before the first keepalive probe, ONLY for sockets that "
			 "enabled SO_KEEPALIVE. With 7200/75/9 a dead peer is noticed after "
			 "7200 + 9 x 75 = 7875 s (2 h 11 min). Per socket: TCP_KEEPIDLE (max "
			 "32767). While data is unacknowledged the retransmission timer rules "
			 "instead (tcp_retries2, TCP_USER_TIMEOUT).",
		.myths = { "Myth: lowering tcp_keepalive_time cleans up dead connections. "
			   "Truth: only sockets with SO_KEEPALIVE are probed; most applications "
			   "must enable it (or set TCP_KEEPIDLE) themselves.",
			   "Myth: keepalive closes CLOSE_WAIT sockets. Truth: CLOSE-WAIT waits for "
			   "the local application's close(); the peer answers probes (or has "
			   "gone), neither frees the socket while the fd is open.",
			   NULL },
		.states = "ESTABLISHED, CLOSE-WAIT",
		.per_netns = true,
	},
	{
		V4("tcp_keepalive_intvl"),
		.summary = "interval between keepalive probes",
		.format = TSC_SYSCTL_INT,
		.unit = "seconds",
		.min = 1,
		.max = 32767,
		.kernel_default = "75",
		.truth = "Interval between unanswered keepalive probes (SO_KEEPALIVE sockets "
			 "only). Per socket: TCP_KEEPINTVL.",
		.states = "ESTABLISHED",
		.per_netns = true,
	},
	{
		V4("tcp_keepalive_probes"),
		.summary = "unanswered keepalive probes before ETIMEDOUT",
		.format = TSC_SYSCTL_INT,
		.unit = "probes",
		.min = 1,
		.max = 127,
		.kernel_default = "9",
		.truth = "Unanswered keepalive probes before the connection is aborted with "
			 "ETIMEDOUT (SO_KEEPALIVE sockets only). Per socket: TCP_KEEPCNT (max "
			 "127).",
		.states = "ESTABLISHED",
		.per_netns = true,
	},
	{
		V4("ip_local_port_range"),
		.summary = "ephemeral ports for connect(); per destination ip:port",
		.format = TSC_SYSCTL_PAIR,
		.unit = "ports",
		.min = 1024,
		.max = 65535,
		.kernel_default = "32768 60999",
		.values = "first and last ephemeral port; the first must be >= "
			  "ip_unprivileged_port_start (1024) and <= the last",
		.truth = "Ports connect() (and bind() to port 0) picks from: 28232 by default. "
			 "A local port can be reused toward different destinations, so the limit "
			 "is about 28232 concurrent connections (TIME-WAIT included) to ONE "
			 "remote ip:port from one local address; then connect() fails with "
			 "EADDRNOTAVAIL. Also UDP. Ports listed in ip_local_reserved_ports are "
			 "skipped. Per socket: IP_LOCAL_PORT_RANGE (6.3+).",
		.myths = { "Myth: a host can only make 28232 outgoing connections. Truth: the "
			   "limit is per (local address, remote address, remote port).",
			   NULL },
		.states = "SYN-SENT, TIME-WAIT",
		.per_netns = true,
	},
	{
		V4("tcp_rmem"),
		.summary = "receive buffer min/default/max (auto-tuning ceiling)",
		.format = TSC_SYSCTL_TRIPLE,
		.unit = "bytes",
		.min = 1,
		.max = INT_MAX_S,
		.kernel_default = "4096 131072 6291456",
		.default_note = "the max is computed at boot from RAM: at most 6 MiB on older "
				"kernels, up to 32 MiB (33554432) on new ones such as 6.18",
		.values = "min (guaranteed even under memory pressure), default (initial "
			  "buffer), max (auto-tuning ceiling)",
		.truth = "Receive buffer per socket; the receiver auto-tunes it up to max "
			 "(tcp_moderate_rcvbuf), and the advertised window follows it. A socket "
			 "that sets SO_RCVBUF stops auto-tuning and is capped by net.core.rmem_max "
			 "instead. Max limits throughput per connection to about max / RTT.",
		.myths = { "Myth: set SO_RCVBUF large for speed. Truth: that disables "
			   "auto-tuning; raise tcp_rmem's max and let the kernel tune.",
			   NULL },
		.states = "ESTABLISHED",
		.per_netns = true,
	},
	{
		V4("tcp_wmem"),
		.summary = "send buffer min/default/max (auto-tuning ceiling)",
		.format = TSC_SYSCTL_TRIPLE,
		.unit = "bytes",
		.min = 1,
		.max = INT_MAX_S,
		.kernel_default = "4096 16384 4194304",
		.default_note = "the max is computed at boot from RAM (64 KiB to 4 MiB)",
		.values = "min, default (initial send buffer), max (auto-tuning ceiling)",
		.truth = "Send buffer per socket, auto-tuned up to max; SO_SNDBUF disables "
			 "auto-tuning (capped by net.core.wmem_max). Send-Q in ss counts bytes "
			 "not yet acknowledged by the peer.",
		.states = "ESTABLISHED, FIN-WAIT-1",
		.per_netns = true,
	},
	{
		V4("tcp_max_orphans"),
		.summary = "most sockets closed by their application but still finishing",
		.format = TSC_SYSCTL_INT,
		.unit = "sockets",
		.min = 0,
		.max = INT_MAX_S,
		.kernel_default = "131072",
		.default_note = "computed at boot: TCP established-hash buckets / 2; host-wide: "
				"the file exists only in the initial network namespace",
		.truth = "Most TCP sockets that no process holds any more (closed by the "
			 "application, still finishing: FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK) "
			 "before the kernel resets new orphans at once (\"too many orphaned "
			 "sockets\", TcpExtTCPAbortOnMemory). Each can hold up to ~64 KiB of "
			 "unswappable memory. Raise it, never lower it, if that message shows up.",
		.states = "FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK",
		.per_netns = false,
	},
	{
		V4("tcp_orphan_retries"),
		.summary = "retransmissions of orphaned sockets (0 means 8)",
		.format = TSC_SYSCTL_INT,
		.unit = "retransmissions",
		.min = 0,
		.max = 255,
		.kernel_default = "0",
		.values = "0 means 8 while the peer still answers (RTO below its 120 s "
			  "maximum), else give up at once",
		.truth = "Retransmissions of an orphaned socket (FIN-WAIT-1, CLOSING, LAST-ACK "
			 "after the application closed) before it is killed. The default 0 is "
			 "treated as 8, about 100 s or more. Lowering it (e.g. 2-3) frees "
			 "FIN-WAIT-1 sockets of vanished peers sooner.",
		.myths = { "Myth: the default 0 means orphans are never retried. Truth: the "
			   "kernel uses 8 when the value is 0.",
			   NULL },
		.states = "FIN-WAIT-1, CLOSING, LAST-ACK",
		.per_netns = true,
	},
	{
		V4("tcp_retries2"),
		.summary = "time budget for unacknowledged data on open connections (~15 min)",
		.format = TSC_SYSCTL_INT,
		.unit = "retransmissions",
		.min = 0,
		.max = 255,
		.kernel_default = "15",
		.truth = "How long an ESTABLISHED connection keeps retransmitting unacknowledged "
			 "data before failing with ETIMEDOUT: a time budget computed as if N "
			 "doubling retransmissions from 200 ms (capped at 120 s); 15 gives "
			 "924.6 s, about 15.5 minutes. RFC 1122 asks for at least 100 s (8). Per "
			 "socket: TCP_USER_TIMEOUT, the better tool.",
		.myths = { "Myth: tcp_retries2 is a count of packets. Truth: it is converted to "
			   "a time budget; the real number of retransmissions depends on the RTO.",
			   NULL },
		.states = "ESTABLISHED, FIN-WAIT-1, CLOSE-WAIT, LAST-ACK",
		.per_netns = true,
	},
	{
		V4("tcp_abort_on_overflow"),
		.summary = "RST instead of retry when the accept queue is full",
		.format = TSC_SYSCTL_INT,
		.unit = "boolean",
		.min = 0,
		.max = 1,
		.kernel_default = "0",
		.values = "0 = drop the final ACK and let the client retry, 1 = reset the "
			  "connection",
		.truth = "What happens when the final ACK of a handshake arrives and the "
			 "listener's accept queue is full. 0: the ACK is ignored, the request "
			 "stays SYN-RECV and SYN-ACKs are retransmitted, so a short burst "
			 "recovers. 1: send RST; the client, already ESTABLISHED, gets ECONNRESET "
			 "on its first read or write.",
		.myths = { "Myth: set it to 1 to handle load. Truth: it turns every burst into "
			   "client errors; fix the slow accept() loop or raise the backlog.",
			   NULL },
		.states = "LISTEN, SYN-RECEIVED",
		.per_netns = true,
	},
	{
		V4("tcp_timestamps"),
		.summary = "RFC 7323 timestamps (needed by tcp_tw_reuse, PAWS)",
		.format = TSC_SYSCTL_INT,
		.unit = "mode",
		.min = 0,
		.max = 2,
		.kernel_default = "1",
		.values = "0 = off, 1 = on with a random offset per connection, 2 = on without "
			  "offsets",
		.truth = "RFC 7323 timestamps: better RTT measurement and PAWS protection "
			 "against old duplicates. tcp_tw_reuse and the full-featured syncookies "
			 "depend on them. Leave on.",
		.states = "ESTABLISHED, TIME-WAIT",
		.per_netns = true,
	},
	{
		V4("tcp_tw_recycle"),
		.summary = "REMOVED in Linux 4.12; broke clients behind NAT",
		.format = TSC_SYSCTL_INT,
		.unit = "boolean",
		.min = 0,
		.max = 0,
		.kernel_default = "(removed)",
		.truth = "Removed in Linux 4.12: the file no longer exists and writing it fails. "
			 "It used to drop SYNs whose TCP timestamp went backwards per source IP, "
			 "which broke clients behind NAT (they share one IP but not one "
			 "timestamp clock): random connection timeouts. Since 4.10 timestamps "
			 "have random per-connection offsets, which made it useless.",
		.myths = { "Myth: set tcp_tw_recycle=1 to get rid of TIME_WAIT. Truth: it does "
			   "not exist since 4.12 and broke NAT users before; reuse connections, "
			   "or use tcp_tw_reuse for outgoing ones.",
			   NULL },
		.states = "TIME-WAIT",
		.removed_in = "4.12",
		.per_netns = true,
	},
};

const struct tsc_sysctl_fact *tsc_sysctl_facts(size_t *ret_n)
{
	*ret_n = TSC_ARRAY_SIZE(facts);
	return facts;
}

/* "net/ipv4/x" and "net.ipv4.x" are the same key (sysctl(8) accepts both). */
static bool key_equal(const char *key, const char *s)
{
	for (; *key && *s; key++, s++) {
		char a = *key, b = *s;

		if (b == '/')
			b = '.';
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return *key == '\0' && *s == '\0';
}

const struct tsc_sysctl_fact *tsc_sysctl_fact_find(const char *name)
{
	if (!name || !*name)
		return NULL;
	if (!strncmp(name, "/proc/sys/", 10))
		name += 10;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(facts); i++) {
		const struct tsc_sysctl_fact *f = &facts[i];

		if (!strcasecmp(name, f->name) || key_equal(f->key, name))
			return f;
	}
	return NULL;
}

int tsc_sysctl_value_parse(const struct tsc_sysctl_fact *f, const char *text,
			   struct tsc_sysctl_value *ret)
{
	struct tsc_sysctl_value v = { 0 };
	int r;

	if (!f || !text || (size_t)f->format > TSC_ARRAY_SIZE(v.v))
		return -EINVAL;
	/* lib/sys holds the one strict scanner (/proc's own format) */
	r = tsc_sysctl_parse_ints_exact(text, strlen(text), v.v, (size_t)f->format);
	if (r < 0)
		return r;
	v.n = (unsigned)f->format;
	/* INT64_MIN's magnitude needs 64 bits: out of range here (see the header) */
	for (unsigned i = 0; i < v.n; i++)
		if (v.v[i] == INT64_MIN)
			return -ERANGE;
	*ret = v;
	return 0;
}

int tsc_sysctl_value_check(const struct tsc_sysctl_fact *f, const struct tsc_sysctl_value *v)
{
	if (f->removed_in)
		return -EOPNOTSUPP;
	if (v->n != (unsigned)f->format)
		return -EINVAL;
	for (unsigned i = 0; i < v->n; i++)
		if (v->v[i] < f->min || v->v[i] > f->max)
			return -ERANGE;
	/* A range ("low high") or a vector ("min default max") in the wrong order
	 * is refused by the kernel for ip_local_port_range and accepted for
	 * tcp_rmem/wmem, where it means nothing. */
	for (unsigned i = 1; i < v->n; i++)
		if (v->v[i - 1] > v->v[i])
			return -ERANGE;
	return 0;
}

size_t tsc_sysctl_value_format(const struct tsc_sysctl_value *v, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < v->n && i < 3; i++) {
		int w = snprintf(len > used ? buf + used : NULL, len > used ? len - used : 0,
				 "%s%lld", i ? " " : "", (long long)v->v[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return used;
}

bool tsc_sysctl_value_is_default(const struct tsc_sysctl_fact *f, const struct tsc_sysctl_value *v)
{
	struct tsc_sysctl_value d;

	if (f->default_note || f->removed_in)
		return false;
	if (tsc_sysctl_value_parse(f, f->kernel_default, &d) < 0 || d.n != v->n)
		return false;
	for (unsigned i = 0; i < d.n; i++)
		if (d.v[i] != v->v[i])
			return false;
	return true;
}

void tsc_sysctl_fact_read(const char *root, const struct tsc_sysctl_fact *f,
			  struct tsc_sysctl_current *ret)
{
	char text[256];
	int r = tsc_sysctl_read_str(root, f->key, text, sizeof(text));

	memset(ret, 0, sizeof(*ret));
	if (r >= 0 && tsc_sysctl_value_parse(f, text, &ret->v) < 0)
		r = -EINVAL;
	ret->err = r < 0 ? r : 0;
}
