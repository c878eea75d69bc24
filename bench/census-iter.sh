#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The census fast path (BPF iterator, lib/bpf/iter.h) on the kernel-table
# benchmark's namespace: ~N sockets made by bench/fill-sockets (same mix and
# same namespace set-up as bench/run.sh), then `tcpscope states` with the
# iterator (the default since H22; TSC_BPF_ITER=1 forces nothing more:
# census.bpf.c walks the established and bind hashes itself), with netlink
# (TSC_BPF_ITER=0), and the bare netlink dump floor (bench/dump-count),
# timed by hyperfine inside the namespace.
# Checks first that both paths print the same census. Prints a markdown
# section; the namespace and the filler are removed on exit.
#
# usage: bench/census-iter.sh BUILD_DIR [-n SOCKETS] [-W WARM_SECONDS]
set -euo pipefail

usage() {
	echo "usage: bench/census-iter.sh BUILD_DIR [-n SOCKETS] [-W WARM_SECONDS]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
SOCKETS=100000 WARM=60
while getopts "n:W:" opt; do
	case $opt in
	n) SOCKETS=$OPTARG ;;
	W) WARM=$OPTARG ;;
	*) usage ;;
	esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
TCPSCOPE=$BUILD/tcpscope
BIN=$BUILD/bench
NS=tsccensus$$
TMP=$(mktemp -d /tmp/tsc-census.XXXXXX)
FILL_PID=

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
for t in hyperfine nft; do
	command -v "$t" >/dev/null || { echo "bench: '$t' missing (make deps)" >&2; exit 1; }
done
cleanup() {
	local rc=$?
	if [ -n "$FILL_PID" ] && kill -0 "$FILL_PID" 2>/dev/null; then
		kill -TERM "$FILL_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$FILL_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$FILL_PID" 2>/dev/null || true
		wait "$FILL_PID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$BIN"
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$BIN/dump-count" "$SRC/bench/dump-count.c"
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$BIN/fill-sockets" "$SRC/bench/fill-sockets.c"

# the namespace exactly as bench/run.sh makes it (limits raised inside only)
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 \
	net.ipv4.tcp_max_tw_buckets=262144 net.ipv4.ip_local_port_range="32768 65535" \
	net.ipv4.tcp_tw_reuse=0 net.ipv4.tcp_synack_retries=10
ip netns exec "$NS" nft -f - <<'NFT'
table inet tscbench {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 30000-30099 tcp flags & (fin | syn | rst | ack) == ack drop
	}
}
NFT
ip netns exec "$NS" "$BIN/fill-sockets" -n "$SOCKETS" -w 6 -W "$WARM" >"$TMP/fill.log" 2>&1 &
FILL_PID=$!
for _ in $(seq $(((WARM + 120) * 5))); do
	grep -q '^ready' "$TMP/fill.log" && break
	kill -0 "$FILL_PID" 2>/dev/null || { cat "$TMP/fill.log" >&2; exit 1; }
	sleep 0.2
done
grep -q '^ready' "$TMP/fill.log" || { echo "bench: fill timed out" >&2; exit 1; }

nsx() { ip netns exec "$NS" "$@"; }
# same census? (TIME_WAIT moves: compare everything else exactly)
a=$(TSC_BPF_ITER=1 nsx "$TCPSCOPE" states | grep -v TIME_WAIT | grep -v TOTAL)
b=$(TSC_BPF_ITER=0 nsx "$TCPSCOPE" states | grep -v TIME_WAIT | grep -v TOTAL)
if [ "$a" = "$b" ]; then SAME=identical; else SAME="DIFFERENT"; fi
nsx "$TCPSCOPE" states >"$TMP/census.txt"

nsx hyperfine -N --warmup 2 --min-runs 10 --export-json "$TMP/h.json" \
	-n dump-count "$BIN/dump-count" \
	-n "tcpscope states (BPF iterator, the default)" "$TCPSCOPE states" \
	-n "tcpscope states (netlink, TSC_BPF_ITER=0)" "env TSC_BPF_ITER=0 $TCPSCOPE states" \
	>"$TMP/hyperfine.txt" 2>&1 || { cat "$TMP/hyperfine.txt" >&2; exit 1; }

python3 - "$TMP/h.json" "$SAME" "$TMP/census.txt" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"]
floor = next(r for r in h if r["command"] == "dump-count")["median"]
census = " ".join(l.split()[0] + "=" + l.split()[1] for l in open(sys.argv[3]).read().split("\n")[1:] if l.split())
print("Census: " + census)
print("Both paths agree (all states but the moving TIME_WAIT): " + sys.argv[2])
print()
print("| Command | median ms | min ms | runs | × dump floor | dump floor ÷ it |")
print("|---|---:|---:|---:|---:|---:|")
for r in h:
    print("| `%s` | %.1f | %.1f | %d | %.2f | %.1f |" % (r["command"], r["median"] * 1e3, r["min"] * 1e3,
          len(r["times"]), r["median"] / floor, floor / r["median"]))
PY
