#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Overhead of `tcpscope trace`: connections per second of a loopback
# connect/close loop (bench/connloop.c) in a private network namespace,
# without trace, with `trace --json --kernel >/dev/null` (tracepoint only),
# and with `trace --json >/dev/null` (RFC view: TIME-WAIT and request sockets
# followed through sock_diag). Runs alternate (none, kernel, rfc, none, ...)
# so drifts of the shared machine hit every mode alike; the median of the
# rounds is reported, with the events each tracer received and dropped (ring
# buffer full). Prints a markdown section; everything it starts is stopped
# and the namespace deleted on exit, even on failure.
#
# A fourth mode, `trace --summary`, aggregates without printing per event.
# The tracer's own CPU time (utime+stime from /proc, without what its start
# took: loading and verifying the BPF programs) is reported per mode.
#
# Rates on a machine shared with other jobs drift by tens of percent from
# one run to the next, so CPU costs are reported too: the loop's own CPU
# time per connection (connloop's 4th field: user + system time, which
# includes the loopback softirqs and the BPF programs run in them) and the
# tracer's CPU time per connection. "CPU overhead" = (loop CPU with the
# tracer - loop CPU without + tracer CPU) / loop CPU without: the slowdown
# when the machine has no spare CPU for the tracer; with a spare CPU only
# the first difference (kernel side) slows the loop down.
#
# With -b OTHER_TCPSCOPE, the three traced modes are also run with another
# binary (e.g. a copy of the previous build), interleaved in the same rounds,
# for a before/after comparison under the same machine load.
#
# With -n, the loop and the tracer run at nice -10: on a machine shared
# with other jobs they then get their CPU share first, which takes most of
# the others' noise out of the rates (the goal is the tracer's cost, not the
# scheduler's fairness towards a third process).
#
# usage: bench/trace-overhead.sh BUILD_DIR [-s SECONDS_PER_RUN] [-r ROUNDS] [-b OTHER_TCPSCOPE] [-n]
set -euo pipefail

usage() {
	echo "usage: bench/trace-overhead.sh BUILD_DIR [-s SECONDS_PER_RUN] [-r ROUNDS] [-b OTHER_TCPSCOPE] [-n]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
SECS=4 ROUNDS=5 OTHER= NICE=()
while getopts "s:r:b:n" opt; do
	case $opt in
	s) SECS=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	b) OTHER=$(realpath "$OPTARG") && [ -x "$OTHER" ] || usage ;;
	n) NICE=(nice -n -10) ;;
	*) usage ;;
	esac
done
case $SECS in '' | *[!0-9]*) usage ;; esac
case $ROUNDS in '' | *[!0-9]*) usage ;; esac
[ "$SECS" -ge 1 ] && [ "$SECS" -le 60 ] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || usage

SRC=$(cd "$(dirname "$0")/.." && pwd)
TCPSCOPE=$BUILD/tcpscope
BIN=$BUILD/bench
NS=tsctrbench$$
TMP=$(mktemp -d /tmp/tsc-trbench.XXXXXX)
TRACER= TRCPU0=0

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (namespace, eBPF)" >&2; exit 1; }
[ -x "$TCPSCOPE" ] || { echo "bench: '$TCPSCOPE' not built" >&2; exit 1; }

stop_tracer() {
	if [ -n "$TRACER" ] && kill -0 "$TRACER" 2>/dev/null; then
		kill -INT "$TRACER" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$TRACER" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$TRACER" 2>/dev/null || true
	fi
	[ -z "$TRACER" ] || wait "$TRACER" 2>/dev/null || true
	TRACER=
}
cleanup() {
	local rc=$?
	stop_tracer
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$BIN"
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$BIN/connloop" "$SRC/bench/connloop.c"

# TIME-WAIT reuse and a wide port range, inside the namespace only: the loop
# leaves one TIME-WAIT per connection
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"

run_loop() { # prints conn/s and the loop's CPU us per connection
	"${NICE[@]}" ip netns exec "$NS" "$BIN/connloop" "$SECS" 9700 | awk '{print $3, $4}'
}

start_tracer() { # mode: kernel | rfc | summary, with -old: the other binary
	local args=(--json) bin=$TCPSCOPE
	case $1 in *-old) bin=$OTHER ;; esac
	case $1 in kernel*) args+=(--kernel) ;; summary*) args+=(--summary) ;; esac
	"${NICE[@]}" "$bin" trace "${args[@]}" --netns "$NS" >/dev/null 2>"$TMP/tracer.err" &
	TRACER=$!
	for _ in $(seq 100); do
		if grep -q '^tracing' "$TMP/tracer.err"; then
			# CPU time of the start (BPF load, verifier) is not the overhead
			TRCPU0=$(awk '{print $14 + $15}' "/proc/$TRACER/stat")
			return 0
		fi
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/tracer.err" >&2
	echo "bench: tracer did not start" >&2
	exit 1
}

# events: the tracer's own count (--summary would aggregate; we ask the
# kernel-side counters through a final summary run instead: the tracer prints
# drops on exit, and the event count comes from a --summary run below)
declare -A RATES CPU LOOPCPU TRCPU
MODES="none kernel rfc summary"
[ -z "$OTHER" ] || MODES="none kernel-old kernel rfc-old rfc summary-old summary"
NMODES=$(echo $MODES | wc -w)
for r in $(seq "$ROUNDS"); do
	# each round starts one mode later, so no mode always runs first
	# (right after a tracer exits) or last
	k=$(((r - 1) % NMODES)) ORDER=$MODES
	[ "$k" -eq 0 ] || ORDER="$(echo $MODES | cut -d' ' -f$((k + 1))-) $(echo $MODES | cut -d' ' -f1-$k)"
	for mode in $ORDER; do
		if [ "$mode" != none ]; then start_tracer "$mode"; fi
		read -r rate loopcpu < <(run_loop)
		LOOPCPU[$mode]="${LOOPCPU[$mode]:-} $loopcpu"
		if [ "$mode" != none ]; then
			# the tracer's own CPU time (utime + stime, clock ticks)
			cpu=$(awk -v c0="$TRCPU0" '{print $14 + $15 - c0}' "/proc/$TRACER/stat" 2>/dev/null || echo 0)
			CPU[$mode]="${CPU[$mode]:-} $(echo "$cpu / $(getconf CLK_TCK) / $SECS * 100" | bc -l)"
			TRCPU[$mode]="${TRCPU[$mode]:-} $(echo "$cpu / $(getconf CLK_TCK) * 1000000 / ($rate * $SECS)" | bc -l)"
			stop_tracer
			if grep -q "dropped" "$TMP/tracer.err"; then
				echo "round $r $mode: $(grep dropped "$TMP/tracer.err")" >&2
				echo "$mode $(grep -o '[0-9]* events dropped' "$TMP/tracer.err" | cut -d' ' -f1)" >>"$TMP/drops"
			fi
		fi
		RATES[$mode]="${RATES[$mode]:-} $rate"
		echo "round $r $mode: $rate conn/s, loop CPU $loopcpu us/conn" >&2
	done
done

# one more traced run with --summary to count the events per connection
"$TCPSCOPE" trace --summary --json --netns "$NS" >"$TMP/summary.json" 2>"$TMP/summary.err" &
TRACER=$!
for _ in $(seq 100); do grep -q '^tracing' "$TMP/summary.err" && break; sleep 0.1; done
read -r sumrate _ < <(run_loop)
stop_tracer

for mode in $MODES; do
	echo "$mode|${RATES[$mode]}|${CPU[$mode]:-}|${LOOPCPU[$mode]}|${TRCPU[$mode]:-}"
done >"$TMP/rates"

python3 - "$SECS" "$ROUNDS" "$sumrate" "$TMP/summary.json" "$TMP/drops" "$TMP/rates" \
	"${OTHER:-none}" <<'PY'
import json, os, statistics, sys
secs, rounds, sumrate, sumpath, droppath, ratepath, other = sys.argv[1:8]
rates, cpu, loopcpu, trcpu = {}, {}, {}, {}
for line in open(ratepath):
    mode, r, c, lc, tc = line.rstrip("\n").split("|")
    rates[mode] = [float(x) for x in r.split()]
    cpu[mode] = [float(x) for x in c.split()]
    loopcpu[mode] = [float(x) for x in lc.split()]
    trcpu[mode] = [float(x) for x in tc.split()]
s = json.load(open(sumpath))
drops = {}
if os.path.exists(droppath):
    for line in open(droppath):
        m, n = line.split()
        drops[m] = drops.get(m, 0) + int(n)
base = statistics.median(rates["none"])
lbase = statistics.median(loopcpu["none"])
def paired(key):
    # each round's rate against the same round's rate without trace: slow
    # drifts of a shared machine (tens of percent over minutes) cancel out
    return statistics.median(x / b for x, b in zip(rates[key], rates["none"])) * 100 - 100
def row(name, xs, key):
    med = statistics.median(xs)
    slow = (base - med) / base * 100 if key else 0.0
    c = statistics.median(cpu[key]) if key and cpu.get(key) else 0.0
    lc = statistics.median(loopcpu[key or "none"])
    tc = statistics.median(trcpu[key]) if key and trcpu.get(key) else 0.0
    over = "%+.1f %%" % ((lc - lbase + tc) / lbase * 100) if key else "-"
    return "| %s | %.0f | %s | %+.1f %% | %s | %s | %.1f | %s | %s | %d |" % (
        name, med, " ".join("%.0f" % x for x in xs), -slow,
        "%+.1f %%" % paired(key) if key else "-", "%.0f %%" % c if key else "-",
        lc, "%.1f" % tc if key else "-", over, drops.get(key, 0) if key else 0)
print("| mode | conn/s (median) | runs | vs. no trace (medians) | vs. no trace (paired) "
      "| tracer CPU | loop CPU us/conn | tracer CPU us/conn | CPU overhead | events dropped |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
print(row("no trace", rates["none"], None))
for key, name in (("kernel", "`trace --json --kernel >/dev/null`"),
                  ("rfc", "`trace --json >/dev/null` (RFC view)"),
                  ("summary", "`trace --summary` (no per-event output)")):
    if key + "-old" in rates:
        print(row(name + " (" + other + ")", rates[key + "-old"], key + "-old"))
    print(row(name, rates[key], key))
conns = float(sumrate) * float(secs)
print()
print("%s rounds of %s s each, modes interleaved (each round starting one mode later); "
      "'paired': median over the rounds of the rate against the same round's rate "
      "without trace. Summary run: %.0f conn/s, %d events "
      "written by the kernel side (%.1f per connection), %d dropped."
      % (rounds, secs, float(sumrate), s.get("events", 0), s.get("events", 0) / conns if conns else 0,
         s.get("dropped", 0)))
PY
