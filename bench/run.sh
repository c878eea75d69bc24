#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kernel-table benchmark: ~100,000 TCP sockets in a private network
# namespace, then tcpscope's `states` and `sockets` timed side by side with
# the bare netlink dump floor (bench/dump-count), ss, netstat and lsof.
# Everything runs inside the namespace (hyperfine itself is started with
# `ip netns exec`, so no per-run namespace-entry cost is measured). Prints a
# markdown report and writes it with the raw data to bench/out/. The namespace
# and every process started here are removed on exit, even on failure.
#
# usage: bench/run.sh BUILD_DIR [-n SOCKETS] [-w WORKERS] [-W WARM_SECONDS] [-q]
#   -q  quick: fewer runs (smoke test of the script itself)
set -euo pipefail

usage() {
	echo "usage: bench/run.sh BUILD_DIR [-n SOCKETS] [-w WORKERS] [-W WARM_SECONDS] [-q]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
SOCKETS=100000 WORKERS=6 WARM=60 QUICK=0
while getopts "n:w:W:q" opt; do
	case $opt in
	n) SOCKETS=$OPTARG ;;
	w) WORKERS=$OPTARG ;;
	W) WARM=$OPTARG ;;
	q) QUICK=1 ;;
	*) usage ;;
	esac
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
TCPSCOPE=$BUILD/tcpscope
OUT=$SRC/bench/out
BIN=$BUILD/bench
NS=tscbench$$
FILL_PID=

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
[ -x "$TCPSCOPE" ] || { echo "bench: '$TCPSCOPE' not built" >&2; exit 1; }
for t in ip nft ss netstat lsof python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: '$t' missing (make deps)" >&2; exit 1; }
done

# Timings of a debug or sanitized build say little about tcpscope itself.
BUILDINFO=$(meson introspect --buildoptions "$BUILD" 2>/dev/null | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print("buildtype=%s b_sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' 2>/dev/null || echo unknown)
case $BUILDINFO in
*b_sanitize=none*) ;;
*) echo "bench: warning: $BUILD is not a plain build ($BUILDINFO); numbers are not representative" >&2 ;;
esac

cleanup() {
	local rc=$?
	if [ -n "$FILL_PID" ] && kill -0 "$FILL_PID" 2>/dev/null; then
		kill -TERM "$FILL_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$FILL_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$FILL_PID" 2>/dev/null || true
		wait "$FILL_PID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT" "$BIN"
CFLAGS="-O2 -Wall -Wextra -D_GNU_SOURCE"
cc $CFLAGS -o "$BIN/dump-count" "$SRC/bench/dump-count.c"
cc $CFLAGS -o "$BIN/fill-sockets" "$SRC/bench/fill-sockets.c"
cc $CFLAGS -I"$SRC/lib" -o "$BIN/procmap-time" "$SRC/bench/procmap-time.c" \
	"$SRC/lib/sys/procmap.c" -lpthread

# ---- the namespace: limits raised only inside it --------------------------
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw \
	net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535 \
	net.ipv4.tcp_max_tw_buckets=262144 \
	net.ipv4.ip_local_port_range="32768 65535" \
	net.ipv4.tcp_tw_reuse=0 \
	net.ipv4.tcp_synack_retries=10
# SYN_RECV: bare ACKs to the SYN_RECV listeners (ports 30000-30099) are
# dropped, so the handshake never completes on the server side.
ip netns exec "$NS" nft -f - <<'EOF'
table inet tscbench {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 30000-30099 tcp flags & (fin | syn | rst | ack) == ack drop
	}
}
EOF

ip netns exec "$NS" "$BIN/fill-sockets" -n "$SOCKETS" -w "$WORKERS" -W "$WARM" \
	>"$OUT/fill.log" 2>&1 &
FILL_PID=$!
echo "bench: filling $NS with ~$SOCKETS sockets ($WORKERS holders, TIME_WAIT warm-up ${WARM}s)" >&2
for _ in $(seq $(( (WARM + 120) * 5 ))); do
	grep -q '^ready' "$OUT/fill.log" && break
	kill -0 "$FILL_PID" 2>/dev/null || { cat "$OUT/fill.log" >&2; exit 1; }
	sleep 0.2
done
grep -q '^ready' "$OUT/fill.log" || { echo "bench: fill timed out" >&2; exit 1; }
cat "$OUT/fill.log" >&2

nsx() { ip netns exec "$NS" "$@"; }

# ---- correctness first: same census, same owners ---------------------------
nsx "$BIN/dump-count" >"$OUT/census-before.txt"
nsx "$TCPSCOPE" states >"$OUT/tcpscope-states.txt" || true
nsx "$BIN/procmap-time" 1 3 >"$OUT/procmap-time.txt"
nsx "$BIN/procmap-time" 0 3 >>"$OUT/procmap-time.txt"
# Owners as "local peer pid fd" lines: ss -tanp versus tcpscope sockets -a -p --json
nsx ss -tanpH | python3 "$SRC/bench/owners.py" ss >"$OUT/owners-ss.txt"
nsx "$TCPSCOPE" --json sockets -a -p | python3 "$SRC/bench/owners.py" tcpscope \
	>"$OUT/owners-tcpscope.txt" || true
# the same with the /proc scan instead of the BPF task_file iterator
nsx env TSC_BPF_ITER=0 "$TCPSCOPE" --json sockets -a -p | python3 "$SRC/bench/owners.py" \
	tcpscope >"$OUT/owners-tcpscope-proc.txt" || true
owners_cmp() { # FILE: the verdict against ss
	if cmp -s "$OUT/owners-ss.txt" "$1"; then
		echo "identical ($(wc -l <"$OUT/owners-ss.txt") socket/owner lines)"
	else
		echo "DIFFERENT: ss $(wc -l <"$OUT/owners-ss.txt") lines, tcpscope $(wc -l <"$1") lines (diff bench/out/owners-*.txt)"
	fi
}
OWNERS=$(owners_cmp "$OUT/owners-tcpscope.txt")
OWNERS_PROC=$(owners_cmp "$OUT/owners-tcpscope-proc.txt")

# ---- timing ----------------------------------------------------------------
names=(dump-count "ss -tan" "ss -tan | awk | sort | uniq -c" "netstat -nat | awk | sort | uniq -c"
	"ss -tanp" "lsof -nPi tcp" "tcpscope states" "tcpscope sockets -a" "tcpscope sockets -a -p"
	"tcpscope sockets -a -p (TSC_BPF_ITER=0)")
cmds=("$BIN/dump-count"
	"ss -tan"
	"ss -tan | awk '{print \$1}' | sort | uniq -c"
	"netstat -nat | awk '{print \$6}' | sort | uniq -c | sort -rn"
	"ss -tanp"
	"lsof -nPi tcp"
	"$TCPSCOPE states"
	"$TCPSCOPE sockets -a"
	"$TCPSCOPE sockets -a -p"
	"TSC_BPF_ITER=0 $TCPSCOPE sockets -a -p")
if [ "$QUICK" = 1 ]; then runs=(--runs 2); else runs=(--warmup 1 --min-runs 5 --max-runs 30); fi
hf_args=()
for i in "${!cmds[@]}"; do hf_args+=(-n "${names[$i]}" "${cmds[$i]}"); done
nsx hyperfine --style basic "${runs[@]}" --export-json "$OUT/hyperfine.json" \
	"${hf_args[@]}" >"$OUT/hyperfine.txt" 2>&1

# Peak RSS (KiB) of the largest single process of each command, median of 3.
: >"$OUT/rss.txt"
for i in "${!cmds[@]}"; do
	for _ in 1 2 3; do
		nsx /usr/bin/time -f %M -o "$OUT/rss.one" sh -c "${cmds[$i]}" >/dev/null 2>&1 || true
		printf '%s\t%s\n' "${names[$i]}" "$(cat "$OUT/rss.one")" >>"$OUT/rss.txt"
	done
done
rm -f "$OUT/rss.one"
nsx "$BIN/dump-count" >"$OUT/census-after.txt"

# ---- report ----------------------------------------------------------------
{
	echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))," \
		"$(free -g | awk '/Mem:/ {print $2}') GiB RAM, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "Build: $BUILD ($BUILDINFO)"
	echo "Command: bench/run.sh $* (sockets=$SOCKETS workers=$WORKERS warm=${WARM}s), $(date -u +%FT%TZ)"
	echo "Fill: $(grep '^census' "$OUT/fill.log")"
	echo "Census before timing: $(tr '\n' ' ' <"$OUT/census-before.txt")"
	echo "Census after timing:  $(tr '\n' ' ' <"$OUT/census-after.txt")"
	echo "procmap alone: $(tr '\n' ';' <"$OUT/procmap-time.txt")"
	echo "Owners (ss -tanp vs tcpscope sockets -a -p, BPF iterator): $OWNERS"
	echo "Owners (ss -tanp vs tcpscope sockets -a -p, TSC_BPF_ITER=0: /proc scan): $OWNERS_PROC"
	echo
	python3 "$SRC/bench/report.py" "$OUT/hyperfine.json" "$OUT/rss.txt"
} | tee "$OUT/report.md"
