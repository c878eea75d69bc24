#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The census by BPF iterator: with TSC_BPF_ITER=1 `tcpscope states` counts
# TCP states with bpf_iter/tcp (lib/bpf/iter.h), by default with netlink.
# With the lab up (all 11 states, request and timewait sockets included),
# both paths must give the same counts in both namespaces for all, IPv4
# only and IPv6 only; strace shows that TSC_BPF_ITER=1 really created a BPF
# iterator and that the default did not.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
[ -r /sys/kernel/btf/vmlinux ] || tsc_skip "no kernel BTF"

tsc_lab_up LAB

counts() { # NS FAM ENV...: "STATE N" lines and the total
	local ns=$1 fam=$2
	shift 2
	env "$@" "$TCPSCOPE" --netns "$ns" states --json $fam | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%d" % kv for kv in d["states"].items()), "total=%d" % d["total"])'
}
same() {
	bpf=$(counts "$1" "$2" TSC_BPF_ITER=1)
	nl=$(counts "$1" "$2" TSC_X=1)
	[ "$bpf" = "$nl" ]
}
for side in c s; do
	ns=tsclab-$LAB-$side
	for fam in "" -4 -6; do
		tsc_retry 3 same "$ns" "$fam"
		tsc_assert_eq "$ns states ${fam:-(all)}: BPF iterator = netlink" "$nl" "$bpf"
	done
done
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace
	ASAN_OPTIONS=detect_leaks=0 TSC_BPF_ITER=1 strace -f -e trace=bpf -o "$TSC_TMP/strace" "$TCPSCOPE" --netns "tsclab-$LAB-s" states >/dev/null
	tsc_assert "TSC_BPF_ITER=1 creates a BPF iterator" grep -q BPF_ITER_CREATE "$TSC_TMP/strace"
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=bpf -o "$TSC_TMP/strace2" "$TCPSCOPE" \
		--netns "tsclab-$LAB-s" states >/dev/null
	tsc_assert "the default uses netlink only" \
		sh -c "! grep -q BPF_ITER_CREATE '$TSC_TMP/strace2'"
fi
tsc_done
