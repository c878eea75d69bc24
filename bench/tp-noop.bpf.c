// SPDX-License-Identifier: GPL-2.0-or-later
/* bench/trace-floor.sh: the least a tp_btf program on
 * sock:inet_sock_set_state can do (count into a per-CPU slot), to measure
 * the cost of the tracepoint dispatch alone. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} n SEC(".maps");

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tsc_noop, struct sock *sk, int old, int new)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&n, &k);

	if (v)
		*v += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
