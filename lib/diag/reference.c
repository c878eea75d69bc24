/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference tables (states, flags, errnos) and the lookup that resolves
 * whatever an operator types: a topic, a state in netstat/ss/RFC spelling or
 * by number, a flag name or tcpdump letter, a sysctl in any spelling, an
 * errno by name or number. Long texts live in reference-text.c; sysctl facts
 * in sysctl-facts.c. Behaviour described here was checked against the kernel
 * source and on Linux 6.18 (doc/cmd/explain.md lists how).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "core/strparse.h"
#include "core/tcpstate.h"
#include "diag/reference.h"

/* ------------------------------------------------------------------------ */
/* States, in diagram order */

static const struct tsc_ref_state states[] = {
	{
		.state = TSC_TCP_CLOSE,
		.summary = "no connection: a socket that is not listening and not connected",
		.side = "either; also every connection at its very end",
		.entered = "socket() creates it here; a connection arrives here after LAST-ACK is "
			   "acknowledged, after TIME-WAIT expires, on a valid RST, or when "
			   "retransmissions or keepalive probes time out",
		.left = "connect() (sends SYN -> SYN-SENT) or listen() (-> LISTEN)",
		.lasts = "until the application closes the file descriptor",
		.pileup = "many CLOSE/UNCONN sockets with owners are descriptors the application "
			  "keeps after a failed or reset connection, or sockets bound (bind()) "
			  "and never used: a descriptor leak",
		.action = "find the process (-p) and check that it closes sockets after errors",
		.see = "tcpscope sockets --state closed -p; ss -tanp state closed; netstat -tanp (CLOSE)",
		.linux_note = "ss prints it as UNCONN, netstat as CLOSE. Bound but unused "
			      "sockets are listed by inet_diag since Linux 6.10 (bound-inactive).",
	},
	{
		.state = TSC_TCP_LISTEN,
		.summary = "a server socket waiting for connections",
		.side = "server",
		.entered = "listen() on a bound socket",
		.left = "close() of the listening socket (queued connections are reset)",
		.lasts = "as long as the server runs",
		.pileup =
			"LISTEN sockets do not pile up; the problem is a full queue. In `ss -ltn` "
			"Recv-Q is the number of established connections waiting for accept() "
			"and Send-Q the queue limit (min(listen() backlog, somaxconn)). Recv-Q "
			"at the limit means the application does not accept() fast enough: "
			"new handshakes are dropped (TcpExtListenOverflows, ListenDrops) and "
			"clients see slow or timed-out connects",
		.action = "make the accept loop faster (more threads/workers, no blocking work "
			  "before accept()); raise the listen() backlog in the application AND "
			  "net.core.somaxconn; check the process is not at its fd limit (EMFILE)",
		.see = "tcpscope sockets --state listen -p; ss -ltnp; netstat -tlnp; "
		       "nstat -az TcpExtListenOverflows TcpExtListenDrops",
		.sysctls = "somaxconn, tcp_max_syn_backlog, tcp_syncookies, tcp_abort_on_overflow",
	},
	{
		.state = TSC_TCP_SYN_SENT,
		.summary = "a client has sent its SYN and waits for the SYN,ACK",
		.side = "client (active open)",
		.entered = "connect(): the kernel sends SYN",
		.left = "rcv SYN,ACK / snd ACK -> ESTABLISHED; rcv RST -> CLOSED (ECONNREFUSED); "
			"ICMP unreachable -> CLOSED (EHOSTUNREACH, ENETUNREACH, ECONNREFUSED); "
			"rcv SYN alone (simultaneous open) -> SYN-RECEIVED; no answer -> CLOSED "
			"(ETIMEDOUT)",
		.lasts = "one round trip. Unanswered: SYNs at 0,1,2,3,4,5,7,11,19,35,67 s and "
			 "ETIMEDOUT after about 131 s (tcp_syn_retries=6 plus "
			 "tcp_syn_linear_timeouts=4, Linux 6.5+; 127 s on older kernels)",
		.pileup = "the destinations do not answer: host down, a firewall silently dropping "
			  "SYNs, a route black hole, or the server's queues overflowing. Many "
			  "SYN-SENT toward many random addresses from one process: a scanner or "
			  "malware",
		.action = "group by remote address and port; test the path (capture shows SYNs "
			  "without SYN,ACK); check firewalls; set a connect timeout in the "
			  "application instead of waiting minutes",
		.see = "tcpscope sockets --state syn-sent -p; ss -tanp state syn-sent; "
		       "tcpscope capture -n 'tcp[tcpflags] & tcp-syn != 0'; netstat -tanp | grep SYN_SENT",
		.sysctls = "tcp_syn_retries, tcp_syn_linear_timeouts, ip_local_port_range",
	},
	{
		.state = TSC_TCP_SYN_RECV,
		.summary = "a server has answered a SYN with SYN,ACK and waits for the final ACK",
		.side = "server (passive open); a client only in a simultaneous open",
		.entered = "rcv SYN on a LISTEN socket / snd SYN,ACK",
		.left = "rcv ACK of the SYN,ACK -> ESTABLISHED (into the accept queue); rcv RST "
			"-> dropped; no ACK after tcp_synack_retries (5: 63 s) -> dropped",
		.lasts = "one round trip",
		.pileup = "either a SYN flood (many different, often spoofed, source addresses; "
			  "TcpExtSyncookiesSent grows) or real clients whose final ACK is lost "
			  "or ignored. The ACK is ignored when the accept queue is full "
			  "(TcpExtListenOverflows grows): then it is the application, not an "
			  "attack. Many SYN_RECV does not by itself mean an attack",
		.action = "check ListenOverflows first (slow accept() -> fix the application, "
			  "raise backlog and somaxconn); for a flood keep tcp_syncookies=1, "
			  "consider tcp_synack_retries=2..3, filter upstream",
		.see = "tcpscope sockets --state syn-recv; ss -tan state syn-recv; "
		       "nstat -az TcpExtSyncookiesSent TcpExtListenOverflows; netstat -tanp | grep SYN_RECV",
		.sysctls = "tcp_syncookies, tcp_synack_retries, tcp_max_syn_backlog, somaxconn, "
			   "tcp_abort_on_overflow",
		.linux_note = "Since Linux 4.4 a half-open connection is a small request socket "
			      "(kernel state NEW_SYN_RECV, 12) hashed with the listener, not a "
			      "full socket; ss and tcpscope show it as SYN-RECV. Connections "
			      "answered with SYN cookies are not stored at all and do not show.",
	},
	{
		.state = TSC_TCP_ESTABLISHED,
		.summary = "an open connection: data flows both ways",
		.side = "both",
		.entered = "client: rcv SYN,ACK / snd ACK; server: rcv ACK of its SYN,ACK (then "
			   "the connection waits in the accept queue until accept())",
		.left = "close() or shutdown(SHUT_WR) / snd FIN -> FIN-WAIT-1; rcv FIN / snd ACK "
			"-> CLOSE-WAIT; rcv RST -> CLOSED (ECONNRESET); unacknowledged "
			"retransmissions (tcp_retries2, about 15 min, or TCP_USER_TIMEOUT) or "
			"failed keepalive -> CLOSED (ETIMEDOUT)",
		.lasts = "as long as the application keeps the connection",
		.pileup = "usually just load or connection pools. Connections that stay idle for "
			  "hours can be half-open: the peer vanished (reboot, NAT timeout) and, "
			  "without keepalive, nothing ever tells us. Large Send-Q means the peer "
			  "or the path is slow; large Recv-Q means our application reads slowly",
		.action = "compare with the expected number of clients and pool sizes; for "
			  "idle half-open connections enable SO_KEEPALIVE (plus TCP_KEEPIDLE) or "
			  "application heartbeats, and TCP_USER_TIMEOUT for stuck sends",
		.see = "tcpscope sockets --state established -p; tcpscope states; "
		       "ss -tanpo state established; netstat -tanp",
		.sysctls = "tcp_keepalive_time, tcp_keepalive_intvl, tcp_keepalive_probes, "
			   "tcp_retries2, tcp_rmem, tcp_wmem",
	},
	{
		.state = TSC_TCP_FIN_WAIT1,
		.summary = "we sent our FIN and wait for it to be acknowledged",
		.side = "the active closer (the side that called close() first)",
		.entered = "close() or shutdown(SHUT_WR) / snd FIN (after any data still queued)",
		.left = "rcv ACK of FIN -> FIN-WAIT-2; rcv FIN -> CLOSING; rcv FIN,ACK / snd "
			"ACK -> TIME-WAIT; retransmissions time out -> CLOSED",
		.lasts = "one round trip, unless data is still queued ahead of the FIN",
		.pileup = "the peers are gone (unplugged, mobile, firewalled) or stopped reading: "
			  "the FIN sits behind unacknowledged data (look at Send-Q) or a zero "
			  "window. Mostly orphans: the application already closed them",
		.action = "look at Send-Q and the remote addresses; for orphans lower "
			  "tcp_orphan_retries (default 0 = 8 retries, 100+ s) to free them "
			  "sooner; keep tcp_max_orphans high enough",
		.see = "tcpscope sockets --state fin-wait-1; ss -tano state fin-wait-1; "
		       "netstat -tanp | grep FIN_WAIT1",
		.sysctls = "tcp_orphan_retries, tcp_max_orphans, tcp_retries2",
	},
	{
		.state = TSC_TCP_FIN_WAIT2,
		.summary = "our FIN was acknowledged; we wait for the peer's FIN",
		.side = "the active closer",
		.entered = "rcv ACK of our FIN in FIN-WAIT-1",
		.left = "rcv FIN / snd ACK -> TIME-WAIT; for an orphan (the application called "
			"close()), tcp_fin_timeout (60 s) expires -> destroyed silently",
		.lasts = "until the peer's application closes its side",
		.pileup = "the peer's application has not closed: the peer sits in CLOSE-WAIT, "
			  "which is the bug to fix, on the other host. Sockets still held by our "
			  "application after shutdown(SHUT_WR) can wait forever",
		.action = "look at the remote side (its CLOSE-WAIT sockets and process); "
			  "tcp_fin_timeout shortens only orphaned FIN-WAIT-2",
		.see = "tcpscope sockets --state fin-wait-2 -p; ss -tano state fin-wait-2; "
		       "netstat -tanp | grep FIN_WAIT2",
		.sysctls = "tcp_fin_timeout, tcp_max_orphans",
		.linux_note = "An orphaned FIN-WAIT-2 socket is turned into a small timewait "
			      "socket (substate FIN-WAIT-2) when tcp_fin_timeout <= 60 s.",
	},
	{
		.state = TSC_TCP_CLOSE_WAIT,
		.summary = "the peer closed its side; we wait for OUR application to close()",
		.side = "the passive closer",
		.entered = "rcv FIN / snd ACK in ESTABLISHED (read() returns 0, end of file)",
		.left = "the application calls close() or shutdown(SHUT_WR) / snd FIN -> LAST-ACK",
		.lasts = "as long as the application keeps the descriptor: no timer ends it",
		.pileup = "an application bug: it does not close the socket after the peer "
			  "closed (forgotten close() on an error path, a leaking connection pool, "
			  "threads stuck). Each one holds a file descriptor; eventually EMFILE",
		.action = "find the process and local port (-p); fix the code path that ignores "
			  "read() == 0 or errors; restarting the process frees them. No sysctl "
			  "helps: the kernel may not close a descriptor the application owns",
		.see = "tcpscope sockets --state close-wait -p; ss -tanp state close-wait; "
		       "lsof -iTCP -sTCP:CLOSE_WAIT; netstat -tanp | grep CLOSE_WAIT",
	},
	{
		.state = TSC_TCP_CLOSING,
		.summary = "both sides sent FIN at once; we wait for the ACK of ours",
		.side = "both, in a simultaneous close",
		.entered = "rcv FIN / snd ACK while in FIN-WAIT-1 (our FIN not yet acknowledged)",
		.left = "rcv ACK of our FIN -> TIME-WAIT",
		.lasts = "one round trip; rare and brief",
		.pileup = "ACKs are being lost on the path, or the peer vanished right after its "
			  "FIN",
		.action = "check packet loss toward those peers; orphans are retried "
			  "tcp_orphan_retries times",
		.see = "tcpscope sockets --state closing; ss -tan state closing; netstat -tanp | grep CLOSING",
		.sysctls = "tcp_orphan_retries",
	},
	{
		.state = TSC_TCP_LAST_ACK,
		.summary = "we closed after the peer did; we wait for the ACK of our FIN",
		.side = "the passive closer",
		.entered = "close() in CLOSE-WAIT / snd FIN",
		.left = "rcv ACK of our FIN -> CLOSED; retransmissions time out -> CLOSED",
		.lasts = "one round trip",
		.pileup = "peers that disappear right after closing (killed clients, NAT or "
			  "firewall state expired, load balancers) or lost ACKs",
		.action = "check the path and middleboxes toward those peers; orphans give up "
			  "after tcp_orphan_retries",
		.see = "tcpscope sockets --state last-ack; ss -tan state last-ack; netstat -tanp | grep LAST_ACK",
		.sysctls = "tcp_orphan_retries, tcp_max_orphans",
	},
	{
		.state = TSC_TCP_TIME_WAIT,
		.summary = "the connection is closed; the active closer waits out old duplicates",
		.side = "the active closer (whoever closed first)",
		.entered = "rcv FIN / snd ACK in FIN-WAIT-2, rcv ACK in CLOSING, rcv FIN,ACK in "
			   "FIN-WAIT-1",
		.left = "2 MSL expires: fixed 60 s on Linux (TCP_TIMEWAIT_LEN) -> CLOSED; a new "
			"SYN for the same 4-tuple with higher sequence or timestamp may reuse it",
		.lasts = "60 s, not tunable by any sysctl (tcp_fin_timeout does NOT change it)",
		.pileup = "normal for a host that opens and closes many short connections: "
			  "about (connections per second x 60). Harmless on a server. On a "
			  "client it can exhaust ephemeral ports toward one ip:port "
			  "(EADDRNOTAVAIL) and it can hit tcp_max_tw_buckets",
		.action = "reuse connections (HTTP keep-alive, pools); let the client close "
			  "first; for outgoing connections tcp_tw_reuse=1 (needs timestamps), a "
			  "wider ip_local_port_range or more source addresses. Never "
			  "tcp_tw_recycle (removed in 4.12), never tcp_fin_timeout for this",
		.see = "tcpscope states; tcpscope sockets --state time-wait; ss -tan state "
		       "time-wait | wc -l; nstat -az TcpExtTCPTimeWaitOverflow; netstat -tanp | grep TIME_WAIT",
		.sysctls = "tcp_tw_reuse, tcp_max_tw_buckets, ip_local_port_range, tcp_tw_recycle",
		.linux_note = "A TIME-WAIT socket is a small timewait socket without buffers or "
			      "process; it belongs to no application.",
	},
};

const struct tsc_ref_state *tsc_ref_states(size_t *ret_n)
{
	*ret_n = TSC_ARRAY_SIZE(states);
	return states;
}

const struct tsc_ref_state *tsc_ref_state_get(unsigned state)
{
	if (state == TSC_TCP_NEW_SYN_RECV)
		state = TSC_TCP_SYN_RECV;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(states); i++)
		if (states[i].state == state)
			return &states[i];
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Flags: the 12-bit field after the data offset (RFC 9293 section 3.1) */

static const struct tsc_ref_flag flags[] = {
	{
		.name = "SYN",
		.letter = 'S',
		.bit = 0x002,
		.rfc = "RFC 9293",
		.meaning = "synchronize sequence numbers: opens a direction of the connection",
		.when = "the first segment of each side: SYN from the client (connect()), SYN,ACK "
			"from the server. It carries the initial sequence number and the "
			"options (MSS, SACK permitted, window scale, timestamps, Fast Open "
			"cookie) and consumes one sequence number",
		.notes = "tcpdump [S] = connection request, [S.] = SYN,ACK. Repeated [S] without "
			 "[S.] = nobody answers; many [S] from many sources to one port = SYN "
			 "flood or a busy service",
	},
	{
		.name = "ACK",
		.letter = '.',
		.bit = 0x010,
		.rfc = "RFC 9293",
		.meaning = "the acknowledgment number is valid: everything before it was received",
		.when = "on every segment except the very first SYN",
		.notes = "tcpdump prints it as '.': [.] a pure ACK, [P.] data, [F.] FIN, [S.] "
			 "SYN,ACK, [R.] RST with ACK",
	},
	{
		.name = "FIN",
		.letter = 'F',
		.bit = 0x001,
		.rfc = "RFC 9293",
		.meaning = "the sender has no more data to send (its direction is finished)",
		.when = "close() or shutdown(SHUT_WR), after all queued data; consumes one "
			"sequence number; the other direction may go on (half-close). The "
			"receiver's read() returns 0",
		.notes = "[F.] in captures. The side that sends the first FIN ends in TIME-WAIT; "
			 "the receiver stays in CLOSE-WAIT until its application closes",
	},
	{
		.name = "RST",
		.alias = "RESET",
		.letter = 'R',
		.bit = 0x004,
		.rfc = "RFC 9293, RFC 5961",
		.meaning = "reset: abort the connection at once, no reply expected",
		.when = "a SYN to a port where nothing listens; any segment for a connection that "
			"does not exist (after a reboot, or for a NAT/firewall that lost state); "
			"close() with unread data or with SO_LINGER {on, 0}; "
			"tcp_abort_on_overflow=1. The receiver drops the connection: "
			"ECONNREFUSED in SYN-SENT, ECONNRESET otherwise",
		.notes = "[R] or [R.]. Linux only accepts an RST whose sequence number is exactly "
			 "the next expected; an in-window one gets a challenge ACK (RFC 5961). "
			 "RSTs sent by a middlebox often have a suspicious TTL",
	},
	{
		.name = "PSH",
		.alias = "PUSH",
		.letter = 'P',
		.bit = 0x008,
		.rfc = "RFC 9293",
		.meaning = "push: deliver the data to the application without waiting for more",
		.when = "Linux sets it on the last segment of a write or when the send queue "
			"empties; receivers mostly ignore it",
		.notes = "[P.] is ordinary data; it says nothing about a problem",
	},
	{
		.name = "URG",
		.letter = 'U',
		.bit = 0x020,
		.rfc = "RFC 9293, RFC 6093",
		.meaning = "the urgent pointer is valid (\"out-of-band\" data, send(MSG_OOB))",
		.when = "almost never: telnet/rlogin interrupts; RFC 6093 advises new "
			"applications not to use it",
		.notes = "URG in normal traffic is odd; FIN+PSH+URG together is an \"Xmas\" scan",
	},
	{
		.name = "ECE",
		.alias = "ECN-ECHO",
		.letter = 'E',
		.bit = 0x040,
		.rfc = "RFC 3168",
		.meaning = "ECN-Echo: the receiver saw a Congestion Experienced mark from a router",
		.when = "in a SYN together with CWR: \"I support ECN\"; in the SYN,ACK alone: "
			"\"ECN agreed\"; later: set on ACKs until the sender answers with CWR",
		.notes = "tcpdump [SEW] = ECN-setup SYN. Linux requests ECN only with "
			 "tcp_ecn=1; the default 2 accepts it when the peer asks",
	},
	{
		.name = "CWR",
		.letter = 'W',
		.bit = 0x080,
		.rfc = "RFC 3168",
		.meaning = "Congestion Window Reduced: the sender reacted to an ECE",
		.when = "in an ECN-setup SYN (with ECE), and once after reducing the congestion "
			"window because of ECE",
		.notes = "[.W] or [P.W] appears after an [.E] from the other side",
	},
	{
		.name = "AE",
		.alias = "NS",
		.letter = 0,
		.bit = 0x100,
		.rfc = "RFC 9768 (AccECN); formerly NS, RFC 3540 (historic)",
		.meaning = "Accurate ECN: with CWR and ECE forms a 3-bit counter of CE-marked "
			   "packets, so every mark is reported, not just one per round trip",
		.when = "in a SYN with CWR and ECE to request AccECN; afterwards as part of the "
			"counter, only when both sides negotiated AccECN",
		.notes = "the bit before CWR (byte 12, lowest bit). tcpdump 4.99.3 prints no "
			 "letter for it; it was reserved (zero) in RFC 793",
	},
};

const struct tsc_ref_flag *tsc_ref_flags(size_t *ret_n)
{
	*ret_n = TSC_ARRAY_SIZE(flags);
	return flags;
}

const struct tsc_ref_flag *tsc_ref_flag_find(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(flags); i++) {
		const struct tsc_ref_flag *f = &flags[i];

		if (!strcasecmp(name, f->name) || (f->alias && !strcasecmp(name, f->alias)))
			return f;
		/* tcpdump's letters are case-sensitive: "S" is SYN, "s" is nothing */
		if (f->letter && name[0] == f->letter && name[1] == '\0')
			return f;
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Errnos of socket calls, with what happened on the wire. Numbers come from
 * <errno.h>, so they are right for the architecture we run on (Linux x86
 * and arm values are the ones quoted in the docs). */

#define E(sym) .name = #sym, .num = sym

static const struct tsc_ref_errno errnos[] = {
	{
		E(ECONNREFUSED),
		.message = "Connection refused",
		.calls = "connect(); on a connected UDP socket also send/recv",
		.wire = "our SYN was answered by RST: nothing listens on that address and port "
			"(or a firewall rejects with tcp-reset); an ICMP port unreachable "
			"(firewall REJECT with icmp-port-unreachable) gives the same error",
		.state = "SYN-SENT -> CLOSED",
		.action = "is the service running and listening on that address (127.0.0.1 vs "
			  "0.0.0.0 vs ::)? `ss -ltn` on the server; a firewall rejecting? A full "
			  "listen queue does NOT refuse: it drops, and you get delays or ETIMEDOUT",
	},
	{
		E(ETIMEDOUT),
		.message = "Connection timed out",
		.calls = "connect(); later send/recv/read/write on an established connection",
		.wire = "connect(): our SYNs got no answer at all (about 131 s with defaults on "
			"6.5+ kernels, 127 s before; a local firewall DROP in OUTPUT also ends "
			"here). Established: our data was never acknowledged for tcp_retries2 "
			"(about 15 min) or TCP_USER_TIMEOUT, or keepalive probes went "
			"unanswered",
		.state = "SYN-SENT -> CLOSED, or ESTABLISHED (and closing states) -> CLOSED",
		.action = "a silent drop somewhere: firewall or security group DROP rules, host "
			  "down without ICMP, routing black hole, an overloaded listener "
			  "dropping SYNs. Capture to see SYNs leave without SYN,ACK",
	},
	{
		E(EADDRNOTAVAIL),
		.message = "Cannot assign requested address",
		.calls = "connect(), bind()",
		.wire = "nothing was sent. connect(): no free local port for this (source "
			"address, destination address, destination port): all ports of "
			"ip_local_port_range are taken by connections to that destination, "
			"TIME-WAIT included. bind(): the address is not configured on this host "
			"(or an IPv6 address is still tentative during DAD)",
		.state = "CLOSED (the connection never started)",
		.action = "count sockets toward that ip:port (tcpscope states, ss -tan dst IP); "
			  "reuse connections; tcp_tw_reuse=1 for outgoing connections; widen "
			  "ip_local_port_range; add source addresses; for bind(), check `ip "
			  "addr` or IP_FREEBIND",
	},
	{
		E(ENETUNREACH),
		.message = "Network is unreachable",
		.calls = "connect(), sendto()",
		.wire = "usually nothing was sent: the routing table has no route to the "
			"destination (no default route, IPv6 without a route, a 'throw' route); "
			"or an ICMP network unreachable came back",
		.state = "CLOSED / SYN-SENT -> CLOSED",
		.action = "`ip route get DEST`; a missing default route or IPv6 route; "
			  "interface down",
	},
	{
		E(EHOSTUNREACH),
		.message = "No route to host",
		.calls = "connect(), send*()",
		.wire = "the next hop did not answer ARP/neighbour discovery (host down on the "
			"local network; about 3 s), an ICMP host unreachable or "
			"admin-prohibited came back (firewall REJECT with icmp-host-prohibited, "
			"the default of many REJECT rules), or an 'unreachable' route",
		.state = "SYN-SENT -> CLOSED",
		.action = "`ip neigh` for the next hop, ping the gateway, look for REJECT rules "
			  "on the path or on the target host",
	},
	{
		E(EINPROGRESS),
		.message = "Operation now in progress",
		.calls = "connect() on a non-blocking socket",
		.wire = "not an error: the SYN was sent and the socket is in SYN-SENT",
		.state = "SYN-SENT",
		.action = "wait for the socket to become writable (poll/epoll), then read "
			  "SO_ERROR with getsockopt() to learn whether the connect succeeded",
	},
	{
		E(EALREADY),
		.message = "Operation already in progress",
		.calls = "connect() again on a non-blocking socket whose connect is pending",
		.wire = "nothing new: the first SYN is still waiting for an answer",
		.state = "SYN-SENT",
		.action = "wait for writability and read SO_ERROR instead of calling connect() "
			  "again",
	},
	{
		E(EISCONN),
		.message = "Transport endpoint is already connected",
		.calls = "connect() on a connected socket",
		.wire = "nothing sent",
		.state = "ESTABLISHED",
		.action = "a non-blocking connect() completed already; treat it as success",
	},
	{
		E(ECONNRESET),
		.message = "Connection reset by peer",
		.calls = "recv/read, send/write, and the first call after an RST",
		.wire = "an RST arrived on an open connection: the peer closed with unread data "
			"or with SO_LINGER {on, 0}, the peer lost the connection (reboot, "
			"process killed while data was in flight), a NAT, firewall or load "
			"balancer dropped its state (idle timeout) and resets, or a server with "
			"tcp_abort_on_overflow=1 had a full accept queue",
		.state = "ESTABLISHED (or CLOSE-WAIT, FIN-WAIT) -> CLOSED",
		.action = "capture the RST: who sent it (TTL, timing)? Compare idle times with "
			  "middlebox idle timeouts (keepalive below them); check the peer's logs "
			  "and its accept queue",
	},
	{
		E(EPIPE),
		.message = "Broken pipe",
		.calls = "send/write (with SIGPIPE unless MSG_NOSIGNAL or SIGPIPE is ignored)",
		.wire = "we wrote to a connection whose sending side is finished: after our own "
			"shutdown(SHUT_WR), or after the connection was reset (the first write "
			"after an RST usually reports ECONNRESET, later ones EPIPE). Typical: "
			"the peer closed, our write drew an RST, our next write fails",
		.state = "CLOSED, or after FIN-WAIT-1 (our FIN sent)",
		.action = "the peer went away before we finished writing: check its timeouts and "
			  "logs; handle the error instead of dying on SIGPIPE",
	},
	{
		E(ECONNABORTED),
		.message = "Software caused connection abort",
		.calls = "recv/send; accept() on some systems",
		.wire = "the connection was aborted on this host: on Linux typically an "
			"administrator killed it with `ss -K` (SOCK_DESTROY), which sends an "
			"RST to the peer. A queued connection reset before accept() is still "
			"returned by Linux's accept(); its first read then fails",
		.state = "any -> CLOSED",
		.action = "look for tools or agents that kill sockets (ss -K, tcpkill-like "
			  "tools)",
	},
	{
		E(ENOTCONN),
		.message = "Transport endpoint is not connected",
		.calls = "send/recv, getpeername(), shutdown()",
		.wire = "nothing sent: the socket has no connection (never connected, or it "
			"was reset and already reported)",
		.state = "CLOSED",
		.action = "the application uses a socket whose connect failed or that was "
			  "closed by the peer; check its error handling",
	},
	{
		E(EADDRINUSE),
		.message = "Address already in use",
		.calls = "bind(), listen(); connect() after an explicit bind()",
		.wire = "nothing sent: another socket already has this address and port (a "
			"running server, or the old instance's sockets). Also bind() to port 0 "
			"when no ephemeral port is left",
		.state = "LISTEN or TIME-WAIT sockets on that port",
		.action = "`ss -ltnp sport = :PORT` shows who holds it; for restarts set "
			  "SO_REUSEADDR (lets a server bind while old connections sit in "
			  "TIME-WAIT); SO_REUSEPORT for several listeners",
	},
	{
		E(EINVAL),
		.message = "Invalid argument",
		.calls = "almost any socket call",
		.wire = "usually nothing sent. Common TCP cases: connect() to a destination "
			"with a 'blackhole' route; listen() or bind() on a socket in the "
			"wrong state (bind twice, listen after connect); a bad address "
			"length; setsockopt() value out of range; writing an out-of-range "
			"sysctl",
		.state = "-",
		.action = "`ip route get DEST` for blackhole routes; otherwise check the call's "
			  "arguments and the socket's state",
	},
	{
		E(EACCES),
		.message = "Permission denied",
		.calls = "bind(), connect()",
		.wire = "nothing sent: bind() to a port below ip_unprivileged_port_start (1024) "
			"without CAP_NET_BIND_SERVICE, connect() to a destination with a "
			"'prohibit' route, or a security module refused",
		.state = "CLOSED",
		.action = "capabilities, `ip route get DEST`, SELinux/AppArmor logs",
	},
	{
		E(EPERM),
		.message = "Operation not permitted",
		.calls = "connect(), bind(), send*(), setsockopt()",
		.wire = "refused on this host before anything was sent: a cgroup BPF hook, a "
			"security module, or a netfilter rule dropping locally generated UDP or "
			"raw packets. (A TCP SYN dropped by the local OUTPUT chain is retried "
			"and ends as ETIMEDOUT instead.)",
		.state = "CLOSED",
		.action = "local policy: BPF programs (bpftool cgroup tree), SELinux/AppArmor, "
			  "nft list ruleset",
	},
	{
		E(EAGAIN),
		.message = "Resource temporarily unavailable",
		.calls = "recv/send/accept on non-blocking sockets; blocking ones with "
			 "SO_RCVTIMEO/SO_SNDTIMEO",
		.wire = "nothing wrong on the wire: no data has arrived yet, the send buffer is "
			"full (the peer or path is slower than we write), or no connection is "
			"waiting in the accept queue. Same value as EWOULDBLOCK",
		.state = "ESTABLISHED or LISTEN",
		.action = "normal for non-blocking I/O: wait with poll/epoll; persistent "
			  "send-side EAGAIN with growing Send-Q means a slow peer",
	},
	{
		E(EMFILE),
		.message = "Too many open files",
		.calls = "accept(), socket()",
		.wire = "nothing: the process reached its descriptor limit (RLIMIT_NOFILE, "
			"ulimit -n). Handshakes still complete in the kernel and wait in the "
			"accept queue until it overflows, so clients see slow or failed "
			"connects",
		.state = "LISTEN (Recv-Q grows), often with CLOSE-WAIT leaks",
		.action = "count the process's fds (ls /proc/PID/fd | wc -l) against its limit "
			  "(/proc/PID/limits); find leaks (CLOSE-WAIT); raise LimitNOFILE",
	},
	{
		E(ENFILE),
		.message = "Too many open files in system",
		.calls = "accept(), socket(), open()",
		.wire = "nothing: the whole system reached fs.file-max",
		.state = "-",
		.action = "cat /proc/sys/fs/file-nr; find the process holding most descriptors",
	},
	{
		E(ENOBUFS),
		.message = "No buffer space available",
		.calls = "socket(), connect(), send*()",
		.wire = "the kernel could not allocate memory for the socket or packet: TCP "
			"memory (tcp_mem) exhausted or a full device queue",
		.state = "-",
		.action = "check /proc/net/sockstat (TCP mem) against tcp_mem, and dmesg",
	},
};

const struct tsc_ref_errno *tsc_ref_errnos(size_t *ret_n)
{
	*ret_n = TSC_ARRAY_SIZE(errnos);
	return errnos;
}

const struct tsc_ref_errno *tsc_ref_errno_find(const char *name)
{
	uint64_t num;

	if (!name || !*name)
		return NULL;
	if (tsc_parse_u64(name, 1, 4095, &num) == 0) {
		for (size_t i = 0; i < TSC_ARRAY_SIZE(errnos); i++)
			if ((uint64_t)errnos[i].num == num)
				return &errnos[i];
		return NULL;
	}
	if (!strcasecmp(name, "EWOULDBLOCK"))
		name = "EAGAIN";
	for (size_t i = 0; i < TSC_ARRAY_SIZE(errnos); i++)
		if (!strcasecmp(name, errnos[i].name))
			return &errnos[i];
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Lookup */

const struct tsc_ref_topic *tsc_ref_topic_find(const char *name)
{
	size_t n;
	const struct tsc_ref_topic *t = tsc_ref_topics(&n);

	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(name, t[i].name))
			return &t[i];
	return NULL;
}

static const struct {
	const char *name;
	enum tsc_ref_kind kind;
} kinds[] = {
	{ "topic", TSC_REF_TOPIC },   { "state", TSC_REF_STATE }, { "flag", TSC_REF_FLAG },
	{ "sysctl", TSC_REF_SYSCTL }, { "errno", TSC_REF_ERRNO },
};

int tsc_ref_kind_parse(const char *s)
{
	size_t len;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(kinds); i++) {
		size_t kl = strlen(kinds[i].name);

		if (!strcasecmp(s, kinds[i].name) ||
		    (len == kl + 1 && !strncasecmp(s, kinds[i].name, kl) && (s[kl] | 0x20) == 's'))
			return (int)kinds[i].kind;
	}
	return -EINVAL;
}

const char *tsc_ref_kind_name(enum tsc_ref_kind kind)
{
	for (size_t i = 0; i < TSC_ARRAY_SIZE(kinds); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "";
}

static bool want(enum tsc_ref_kind asked, enum tsc_ref_kind k)
{
	return asked == TSC_REF_NONE || asked == k;
}

int tsc_ref_lookup(const char *query, enum tsc_ref_kind kind, struct tsc_ref_hit *ret)
{
	struct tsc_ref_hit hit = { 0 };
	int s;

	if (!query || !*query)
		return -ENOENT;
	/* netstat prints the CLOSED state as "CLOSE": that spelling is the state,
	 * every other spelling of "close" is the topic. */
	if (want(kind, TSC_REF_TOPIC) && strcmp(query, "CLOSE") != 0 &&
	    (hit.topic = tsc_ref_topic_find(query))) {
		hit.kind = TSC_REF_TOPIC;
		goto found;
	}
	if (want(kind, TSC_REF_STATE)) {
		s = tsc_tcp_state_parse(query);
		if (s > 0 && (hit.state = tsc_ref_state_get((unsigned)s))) {
			hit.kind = TSC_REF_STATE;
			if (kind == TSC_REF_NONE && query[0] >= '0' && query[0] <= '9')
				hit.also_errno = tsc_ref_errno_find(query);
			goto found;
		}
	}
	if (want(kind, TSC_REF_FLAG) && (hit.flag = tsc_ref_flag_find(query))) {
		hit.kind = TSC_REF_FLAG;
		goto found;
	}
	if (want(kind, TSC_REF_SYSCTL) && (hit.sysctl = tsc_sysctl_fact_find(query))) {
		hit.kind = TSC_REF_SYSCTL;
		goto found;
	}
	if (want(kind, TSC_REF_ERRNO) && (hit.err = tsc_ref_errno_find(query))) {
		hit.kind = TSC_REF_ERRNO;
		goto found;
	}
	return -ENOENT;
found:
	*ret = hit;
	return 0;
}

struct nearest {
	const char *query;
	const char *best;
	unsigned bestd;
};

static void consider(struct nearest *n, const char *name)
{
	unsigned d;

	if (!name || !*name)
		return;
	d = tsc_edit_distance(n->query, name);
	/* a suggestion must keep something of what was typed */
	if (d < n->bestd && d < strlen(n->query)) {
		n->bestd = d;
		n->best = name;
	}
}

const char *tsc_ref_nearest(const char *query, enum tsc_ref_kind kind)
{
	struct nearest n = { query, NULL, 0 };
	size_t cnt, qlen;

	if (!query || !*query)
		return NULL;
	qlen = strlen(query);
	/* allow about one edit in three characters, at least 2, at most 4 */
	n.bestd = (unsigned)(qlen / 3 < 2 ? 2 : (qlen / 3 > 4 ? 4 : qlen / 3)) + 1;
	if (want(kind, TSC_REF_TOPIC)) {
		const struct tsc_ref_topic *t = tsc_ref_topics(&cnt);

		for (size_t i = 0; i < cnt; i++)
			consider(&n, t[i].name);
	}
	if (want(kind, TSC_REF_STATE)) {
		for (unsigned s = 1; s <= 11; s++) {
			consider(&n, tsc_tcp_state_netstat(s));
			consider(&n, tsc_tcp_state_rfc(s));
			consider(&n, tsc_tcp_state_ssname(s));
		}
	}
	if (want(kind, TSC_REF_FLAG)) {
		for (size_t i = 0; i < TSC_ARRAY_SIZE(flags); i++) {
			consider(&n, flags[i].name);
			consider(&n, flags[i].alias);
		}
	}
	if (want(kind, TSC_REF_SYSCTL)) {
		const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&cnt);

		for (size_t i = 0; i < cnt; i++) {
			consider(&n, f[i].name);
			consider(&n, f[i].key);
		}
	}
	if (want(kind, TSC_REF_ERRNO))
		for (size_t i = 0; i < TSC_ARRAY_SIZE(errnos); i++)
			consider(&n, errnos[i].name);
	return n.best;
}
