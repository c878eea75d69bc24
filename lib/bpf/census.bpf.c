// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel side of the census fast path: a BPF iterator over the TCP sockets
 * of the reader's network namespace (bpf_iter/tcp: listeners, established
 * hash incl. timewait and request sockets) that only counts them per family
 * and state, so `states` reads a dozen numbers instead of one netlink
 * message per socket. Counted like the netlink census: request sockets
 * (NEW_SYN_RECV) as SYN_RECV, timewait sockets by their substate. Bound but
 * unconnected sockets (CLOSED) are not in these tables. CO-RE.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define AF_INET6	 10
#define TCP_SYN_RECV	 3
#define TCP_TIME_WAIT	 6
#define TCP_NEW_SYN_RECV 12
#define NSTATES		 16

/* [0] IPv4, [1] IPv6; read by user space through the mmapped .bss */
__u64 counts[2][NSTATES];

SEC("iter/tcp")
int tsc_count_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	unsigned int st, fi;

	if (!skc)
		return 0;
	st = skc->skc_state;
	fi = skc->skc_family == AF_INET6;
	if (st == TCP_TIME_WAIT) {
		struct tcp_timewait_sock *tw = bpf_skc_to_tcp_timewait_sock(skc);

		if (tw)
			st = tw->tw_sk.tw_substate;
	} else if (st == TCP_NEW_SYN_RECV) {
		st = TCP_SYN_RECV;
	}
	if (st < NSTATES)
		counts[fi][st]++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
