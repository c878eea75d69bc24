#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The census by BPF iterator (the default; TSC_BPF_ITER=0 disables it): with
# TSC_BPF_ITER=1 (or unset) `tcpscope states` counts TCP states with the
# census program (lib/bpf/census.bpf.c: an iter/tcp program that walks the
# established and bind hashes itself, in slices over several read()s), with
# TSC_BPF_ITER=0 with netlink. With the lab up (all 11 states, request and
# timewait sockets, a bound socket), both paths must give the same counts in
# both namespaces for all, IPv4 only and IPv6 only; strace shows that the
# iterator path really created a BPF iterator and sent no sock_diag request
# (no silent fallback), that it does so with TSC_BPF_ITER unset (the
# default), and that TSC_BPF_ITER=0 used netlink only.
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
	nl=$(counts "$1" "$2" TSC_BPF_ITER=0)
	[ "$bpf" = "$nl" ]
}
for side in c s; do
	ns=tsclab-$LAB-$side
	# the last: a census without CLOSED (the program skips the bind hash)
	for fam in "" -4 -6 "--state established,listen,syn-recv,time-wait,fin-wait-2"; do
		tsc_retry 3 same "$ns" "$fam"
		tsc_assert_eq "$ns states ${fam:-(all)}: BPF iterator = netlink" "$nl" "$bpf"
	done
done
if command -v strace >/dev/null; then
	# the iterator really made the census: a BPF iterator was created and
	# not one netlink request was sent (CLOSED comes from the program's
	# bind-hash walk too), so no silent fallback to netlink passed above.
	# (After setns strace cannot name the netlink protocol: match any
	# send.) LeakSanitizer cannot run under ptrace.
	for side in c s; do
		ASAN_OPTIONS=detect_leaks=0 TSC_BPF_ITER=1 strace -f -e trace=bpf,sendto,sendmsg \
			-o "$TSC_TMP/strace-$side" "$TCPSCOPE" --netns "tsclab-$LAB-$side" states >/dev/null
		tsc_assert "$side: TSC_BPF_ITER=1 creates a BPF iterator" \
			grep -q BPF_ITER_CREATE "$TSC_TMP/strace-$side"
		tsc_assert "$side: TSC_BPF_ITER=1 sends no netlink request" \
			sh -c "! grep -Eq 'send(to|msg)\(' '$TSC_TMP/strace-$side'"
	done
	# the census iterator is the default: unset TSC_BPF_ITER uses it too
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=bpf,sendto,sendmsg \
		-o "$TSC_TMP/strace-default" env -u TSC_BPF_ITER "$TCPSCOPE" --netns "tsclab-$LAB-s" \
		states >/dev/null
	tsc_assert "TSC_BPF_ITER unset: the census iterator is the default" \
		sh -c "grep -q BPF_ITER_CREATE '$TSC_TMP/strace-default' && ! grep -Eq 'send(to|msg)\(' '$TSC_TMP/strace-default'"
	ASAN_OPTIONS=detect_leaks=0 TSC_BPF_ITER=0 strace -f -e trace=bpf,sendto,sendmsg \
		-o "$TSC_TMP/strace0" "$TCPSCOPE" --netns "tsclab-$LAB-s" states >/dev/null
	tsc_assert "TSC_BPF_ITER=0 uses netlink only" \
		sh -c "! grep -q BPF_ITER_CREATE '$TSC_TMP/strace0' && grep -q 'sendto(.*nlmsg_len=' '$TSC_TMP/strace0'"
else
	echo "note: strace absent (make deps installs it): which path made the census is not checked"
fi
tsc_done
