/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event ABI between tcpstates.bpf.c and user space (libbpf-tools' x.h):
 * one fixed-size record per TCP state transition, written into a BPF ring
 * buffer. Only the struct, its enums and the counter slots live here; user
 * space decodes records through the cursor (event.c), never by casting.
 */
#ifndef TSC_BPF_TCPSTATES_BPF_H
#define TSC_BPF_TCPSTATES_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Which kernel observation produced an event. */
enum tsc_bpf_method {
	TSC_BPF_M_TRACEPOINT = 1, /* sock:inet_sock_set_state, as the kernel reports it */
	TSC_BPF_M_FENTRY = 2,	  /* timewait/request socket seen via fentry/fexit */
	TSC_BPF_M_INFERRED = 3,	  /* deduced from the socket at the tracepoint (no fentry) */
	/* a request socket's SYN-ACK leaving (tp_btf net_dev_queue, skb->sk is
	 * the request socket in NEW_SYN_RECV): the SYN has just been received */
	TSC_BPF_M_SYNACK = 4,
	/* an orphan's timewait socket sending the ACK of the peer's FIN
	 * (tp_btf net_dev_queue, skb->sk is the timewait socket, substate
	 * TIME_WAIT): FIN-WAIT-2 -> TIME-WAIT as it happens */
	TSC_BPF_M_TWACK = 5,
	/* a timewait socket's timer expired (tp_btf timer_expire_entry with
	 * the timewait timer's handler): its TIME-WAIT (or an orphan's
	 * FIN-WAIT-2) ends now. The kernel does not know the connection (the
	 * full socket is gone): the record carries the address and substate
	 * only, and user space reports X -> CLOSED for the timewait socket it
	 * follows (twwatch.c); the record itself is never shown. */
	TSC_BPF_M_TWTIMER = 6,
};

enum tsc_bpf_event_flags {
	/* A tracepoint event the RFC view replaces (TIME_WAIT hand-off, the
	 * child's LISTEN -> SYN_RECV after the SYN was already reported). */
	TSC_BPF_F_SUPERSEDED = 1 << 0,
	/* An event the tracepoint never shows (timewait, request sockets). */
	TSC_BPF_F_RFC_ONLY = 1 << 1,
	/* span_ns is meaningful (the socket's previous transition was seen). */
	TSC_BPF_F_SPAN = 1 << 2,
	/* bytes_acked/bytes_received were read from tcp_sock (full socket end). */
	TSC_BPF_F_BYTES = 1 << 3,
	/* The connection is over: nothing more will be reported for conn. */
	TSC_BPF_F_END = 1 << 4,
};

/* Counter slots of the per-CPU "counters" array. */
enum tsc_bpf_counter {
	TSC_BPF_C_RB_DROPPED = 0, /* ring buffer full: event lost */
	TSC_BPF_C_SK_FULL = 1,	  /* per-socket map full: time in state unknown */
	TSC_BPF_C_REQ_FULL = 2,	  /* request-socket map full */
	TSC_BPF_C_TW_FULL = 3,	  /* timewait map full */
	TSC_BPF_C_EVENTS = 4,	  /* events written */
	TSC_BPF_C_MAX = 8,
};

/* Times are bpf_ktime_get_ns() (CLOCK_MONOTONIC). Ports are host order,
 * addresses network order (IPv4 in the first 4 bytes). */
struct tsc_bpf_event {
	__u64 ts_ns;
	__u64 conn;	/* connection id (kernel address of its first socket) */
	__u64 span_ns;	/* time spent in oldstate (valid with F_SPAN) */
	__u64 birth_ns; /* first sighting of the connection (SYN for passive) */
	__u64 bytes_acked;
	__u64 bytes_received;
	__u32 pid;
	__u32 netns; /* network namespace inode */
	__u16 sport;
	__u16 dport;
	__u16 family;  /* AF_INET 2, AF_INET6 10 */
	__u8 oldstate; /* kernel numbering, 1..12 */
	__u8 newstate;
	__u8 method;	  /* enum tsc_bpf_method */
	__u8 flags;	  /* enum tsc_bpf_event_flags */
	__u8 tw_substate; /* with F_SUPERSEDED at X -> CLOSE: the timewait socket's state */
	__u8 pad[5];
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

#define TSC_BPF_EVENT_SIZE 120

#endif
