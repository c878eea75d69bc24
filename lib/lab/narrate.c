/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `lab tour` tells about each state: its meaning (RFC 9293 3.3.2), the
 * segment or call that moved the socket there (the state diagram, RFC 9293
 * figure 5), how the lab holds it and whether real connections only pass
 * through it. Static data; the CLI prints it.
 */
#include <stddef.h>

#include "core/tcpstate.h"
#include "lab/lab.h"

#define PORT(s) (TSC_LAB_PORT_BASE + (s))

static const struct tsc_lab_state_info infos[] = {
	{ TSC_TCP_CLOSE, TSC_LAB_CLIENT, PORT(TSC_TCP_CLOSE), false,
	  "no connection at all: the fictional state before and after every connection",
	  "the server answered the client's SYN with RST (nothing listens on the port): connect() "
	  "failed with ECONNREFUSED",
	  "the client socket was bound to port 9507 before connect(), so it stays bound after the "
	  "refusal; Linux 6.10+ lists such bound-inactive sockets only when the dump asks for "
	  "state bit 13 (TCP_BOUND_INACTIVE) and reports them as CLOSE. ss 6.1 never asks, so "
	  "'ss state closed' shows nothing. The server also holds a bound, never-listening socket",
	  "the server side of 9507 is its own bound, never-listening socket (also CLOSED)" },
	{ TSC_TCP_LISTEN, TSC_LAB_SERVER, PORT(TSC_TCP_LISTEN), false,
	  "waiting for a connection request from any remote TCP peer",
	  "none: listen() on a bound socket",
	  "the listener is simply kept open (Recv-Q = accept queue, Send-Q = backlog)",
	  "no peer: a listener has no connection" },
	{ TSC_TCP_SYN_SENT, TSC_LAB_CLIENT, PORT(TSC_TCP_SYN_SENT), true,
	  "a SYN was sent; waiting for the matching SYN (+ACK) of the peer", "connect() sent a SYN",
	  "an nftables rule in the server namespace drops SYNs to 9502, TCP_SYNCNT=127 keeps the "
	  "client retransmitting for hours",
	  "the server never saw anything: no socket there" },
	{ TSC_TCP_SYN_RECV, TSC_LAB_SERVER, PORT(TSC_TCP_SYN_RECV), true,
	  "a SYN was received and a SYN+ACK sent; waiting for the ACK that completes the handshake",
	  "the client's SYN arrived at the listener; the kernel keeps a request socket, not a "
	  "full socket, until the final ACK",
	  "nftables in the server namespace drops the client's pure ACKs to 9503; "
	  "tcp_synack_retries=50 there keeps the request socket alive",
	  "the client got the SYN+ACK, so it is already ESTABLISHED; the listener on 9503 stays" },
	{ TSC_TCP_ESTABLISHED, TSC_LAB_CLIENT, PORT(TSC_TCP_ESTABLISHED), false,
	  "an open connection: data flows both ways",
	  "the client received SYN+ACK (client side) / the server received the final ACK",
	  "both fds are kept open after a short hello in each direction",
	  "the server side is ESTABLISHED too" },
	{ TSC_TCP_FIN_WAIT1, TSC_LAB_CLIENT, PORT(TSC_TCP_FIN_WAIT1), true,
	  "this side closed (sent FIN) and waits for its FIN to be acknowledged",
	  "shutdown(SHUT_WR) sent a FIN",
	  "nftables in the server namespace drops the client's FINs to 9504, so the FIN is never "
	  "acked; the fd stays open (not orphaned) and tcp_retries2=50 makes it last ~85 min",
	  "the server never saw the FIN: still ESTABLISHED" },
	{ TSC_TCP_FIN_WAIT2, TSC_LAB_CLIENT, PORT(TSC_TCP_FIN_WAIT2), false,
	  "our FIN was acknowledged; waiting for the peer to close its half",
	  "the ACK of our FIN arrived",
	  "the server application never closes; a FIN-WAIT-2 socket whose fd is still open has no "
	  "timeout (tcp_fin_timeout applies only to orphans)",
	  "the server is in CLOSE-WAIT" },
	{ TSC_TCP_CLOSE_WAIT, TSC_LAB_CLIENT, PORT(TSC_TCP_CLOSE_WAIT), false,
	  "the peer closed (its FIN arrived); waiting for the local application to close",
	  "the peer's FIN arrived and was acked",
	  "the mirror of FIN-WAIT-2: here the server calls shutdown(SHUT_WR) first and the client "
	  "application never closes. (On 9505 the server is in CLOSE-WAIT the same way.)",
	  "the server is in FIN-WAIT-2" },
	{ TSC_TCP_CLOSING, TSC_LAB_CLIENT, PORT(TSC_TCP_CLOSING), true,
	  "simultaneous close: we sent a FIN, then received the peer's FIN before ours was acked",
	  "a FIN that does not acknowledge our own FIN arrived while in FIN-WAIT-1",
	  "both sides shutdown() while nftables drops all of the connection's segments; then "
	  "only pure ACKs are dropped, the first FIN retransmissions of both sides leave in the "
	  "same timer tick and cross; then everything is dropped again",
	  "the server is in CLOSING too (if the retransmissions did not cross, one side is in "
	  "TIME-WAIT instead)" },
	{ TSC_TCP_LAST_ACK, TSC_LAB_SERVER, PORT(TSC_TCP_LAST_ACK), true,
	  "the peer closed first, then we closed; waiting for the ACK of our FIN",
	  "shutdown(SHUT_WR) in CLOSE-WAIT sent our FIN",
	  "nftables in the client namespace drops the server's FINs from 9509, so the client "
	  "never acks it; the server fd stays open and tcp_retries2=50 makes it last ~85 min",
	  "the client never saw the server's FIN: still FIN-WAIT-2" },
	{ TSC_TCP_TIME_WAIT, TSC_LAB_CLIENT, PORT(TSC_TCP_TIME_WAIT), true,
	  "the connection is closed; the side that closed first waits 2*MSL so late segments die",
	  "the peer's FIN arrived in FIN-WAIT-2 (and was acked)",
	  "the client closes first after a full exchange; the kernel ends TIME-WAIT after a fixed "
	  "60 s (TCP_TIMEWAIT_LEN; tcp_fin_timeout does not change it), so the holder makes a new "
	  "one every 45 s (one or two exist at any time)",
	  "the server's socket is gone (LAST-ACK ended with the client's ACK)" },
};

const struct tsc_lab_state_info *tsc_lab_state_info(unsigned state)
{
	for (size_t i = 0; i < TSC_ARRAY_SIZE(infos); i++)
		if (infos[i].state == state)
			return &infos[i];
	return NULL;
}
