#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The floor under `trace`'s overhead goal: the same loopback connect/close
# loop as bench/trace-overhead.sh (bench/connloop.c, private namespace) with
# no tracer, with a bpftrace program on sock:inet_sock_set_state that only
# counts (the cost of having any program on the tracepoint), and with one
# that keeps a per-socket timestamp in a hash map (what "time spent in the
# old state, tracked per socket in a BPF map" costs at the least); and a
# counting program of our own (bench/tp-noop.bpf.c) attached as tp_btf, the
# attach type `trace` uses (cheaper than the classic tracepoint's perf-event
# layer that bpftrace 0.17 uses). Rounds
# alternate the three modes; medians are printed as a markdown table.
# Needs root, bpftrace, clang and libbpf (make deps); the namespace is
# deleted on exit.
#
# usage: bench/trace-floor.sh BUILD_DIR [-s SECONDS_PER_RUN] [-r ROUNDS]
set -euo pipefail
usage() {
	echo "usage: bench/trace-floor.sh BUILD_DIR [-s SECONDS_PER_RUN] [-r ROUNDS]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
SECS=3 ROUNDS=5
while getopts "s:r:" opt; do
	case $opt in
	s) SECS=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	*) usage ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
command -v bpftrace >/dev/null || { echo "bench: 'bpftrace' missing" >&2; exit 1; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=$BUILD/bench
NS=tscfloor$$
TMP=$(mktemp -d /tmp/tsc-floor.XXXXXX)
BTP=
cleanup() {
	local rc=$?
	[ -n "$BTP" ] && kill -INT "$BTP" 2>/dev/null && wait "$BTP" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$BIN"
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$BIN/connloop" "$SRC/bench/connloop.c"
cc -O2 -Wall -Wextra -o "$BIN/tp-noop" "$SRC/bench/tp-noop.c" -lbpf
# vmlinux.h: the one the build dumped from the running kernel's BTF
clang -O2 -g -target bpf -D__TARGET_ARCH_"$(uname -m | sed "s/x86_64/x86/;s/aarch64/arm64/")" -I"$BUILD/lib/bpf" \
	-c "$SRC/bench/tp-noop.bpf.c" -o "$BIN/tp-noop.bpf.o"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"

run_loop() { ip netns exec "$NS" "$BIN/connloop" "$SECS" 9700 | awk '{print $3}'; }
start_bt() { # bpftrace needs tracefs: mounted in a private mount namespace
	unshare -m sh -c "mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; exec bpftrace -e '$1'" \
		>"$TMP/bt.out" 2>&1 &
	BTP=$!
	for _ in $(seq 150); do
		grep -q Attaching "$TMP/bt.out" && break
		kill -0 "$BTP" 2>/dev/null || { cat "$TMP/bt.out" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.5
}
stop_bt() { kill -INT "$BTP" 2>/dev/null; wait "$BTP" 2>/dev/null || true; BTP=; }

for _ in $(seq "$ROUNDS"); do
	echo "none $(run_loop)" >>"$TMP/rates"
	start_bt 'tracepoint:sock:inet_sock_set_state { @c = count(); }'
	echo "count $(run_loop)" >>"$TMP/rates"
	stop_bt
	start_bt 'tracepoint:sock:inet_sock_set_state { @s[args->skaddr] = nsecs; }'
	echo "hash $(run_loop)" >>"$TMP/rates"
	stop_bt
	"$BIN/tp-noop" "$BIN/tp-noop.bpf.o" >"$TMP/bt.out" 2>&1 &
	BTP=$!
	for _ in $(seq 50); do grep -q Attaching "$TMP/bt.out" && break; sleep 0.1; done
	grep -q Attaching "$TMP/bt.out" || { cat "$TMP/bt.out" >&2; exit 1; }
	echo "raw $(run_loop)" >>"$TMP/rates"
	stop_bt
done
python3 - "$TMP/rates" <<'PY'
import statistics, sys
runs = {}
for l in open(sys.argv[1]):
    m, v = l.split()
    runs.setdefault(m, []).append(float(v))
base = statistics.median(runs["none"])
names = {"none": "no program", "count": "bpftrace: count every event (per-CPU map)",
         "hash": "bpftrace: per-socket timestamp in a hash map",
         "raw": "bench/tp-noop: count every event from tp_btf (trace's own attach type)"}
print("| program on sock:inet_sock_set_state | conn/s (median) | runs | vs. none |")
print("|---|---:|---|---:|")
for m in ("none", "raw", "count", "hash"):
    med = statistics.median(runs[m])
    print("| %s | %.0f | %s | %+.1f %% |" % (names[m], med, " ".join("%.0f" % v for v in runs[m]),
                                             100 * (med / base - 1)))
PY
