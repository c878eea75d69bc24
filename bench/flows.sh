#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The flows benchmark (issue #4): `tcpscope flows -r F --summary` against
# `tshark -r F -q -z conv,tcp` and `tcptrace -n F`, on the generated pcaps
# of the capture benchmark (bench/gen-pcap.c: full payload and headers-only),
# plus a SYN flood. Wall time from one hyperfine run per file (all tools side
# by side), and its user+system CPU time (steadier than wall time on a shared
# machine), peak RSS from /usr/bin/time -f %M. A bare record walk
# (bench/pcap-walk) is the floor. Files are generated into bench/out/.
#
# usage: bench/flows.sh BUILD_DIR [-s MB] [-r RUNS] [-n FLOOD_SYNS]
set -euo pipefail
usage() {
	echo "usage: bench/flows.sh BUILD_DIR [-s MB] [-r RUNS] [-n FLOOD_SYNS]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
MB=1000 RUNS=3 FLOOD=3000000
while getopts "s:r:n:" opt; do
	case $opt in
	s) MB=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	n) FLOOD=$OPTARG ;;
	*) usage ;;
	esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$BUILD/tcpscope
OUT=$SRC/bench/out
BIN=$BUILD/bench
for t in tshark tcptrace hyperfine cc; do
	command -v "$t" >/dev/null || { echo "bench: '$t' missing" >&2; exit 1; }
done
mkdir -p "$OUT" "$BIN"
cc -O2 -o "$BIN/gen-pcap" "$SRC/bench/gen-pcap.c"
cc -O2 -o "$BIN/pcap-walk" "$SRC/bench/pcap-walk.c" -lpcap
full=$OUT/flows-full-$MB.pcap hdr=$OUT/flows-headers-$MB.pcap flood=$OUT/flows-synflood-$FLOOD.pcap
[ -f "$full" ] || "$BIN/gen-pcap" -m full -s "$MB" -o "$full"
[ -f "$hdr" ] || "$BIN/gen-pcap" -m headers -s "$MB" -o "$hdr"
[ -f "$flood" ] || "$BIN/gen-pcap" -m synflood -n "$FLOOD" -o "$flood"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
report=$OUT/flows-report.md
{
	echo "| file | tool | mean s | cpu s | peak RSS MiB |"
	echo "|---|---|---|---|---|"
} >"$report"
for f in "$full" "$hdr"; do
	cat "$f" >/dev/null
	hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/flows-hf.json" \
		-n walk "$BIN/pcap-walk $f" \
		-n tcpscope "$T flows -r $f --summary" \
		-n tcptrace "tcptrace -n $f" \
		-n tshark "tshark -r $f -q -z conv,tcp" >/dev/null
	python3 - "$OUT/flows-hf.json" >"$OUT/flows-times.txt" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.3f" % r["mean"], "%.3f" % (r["user"] + r["system"]))
PY
	while read -r name mean cpu; do
		case $name in
		walk) m=$(rss "$BIN/pcap-walk" "$f") ;;
		tcpscope) m=$(rss "$T" flows -r "$f" --summary) ;;
		tcptrace) m=$(rss tcptrace -n "$f") ;;
		tshark) m=$(rss tshark -r "$f" -q -z conv,tcp) ;;
		esac
		echo "| $(basename "$f") | $name | $mean | $cpu | $((m / 1024)) |" >>"$report"
	done <"$OUT/flows-times.txt"
done
for mf in 65536 262144; do
	s=$(date +%s.%N)
	m=$(rss "$T" flows -r "$flood" --summary --max-flows $mf)
	e=$(python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$s" "$(date +%s.%N)")
	echo "| $(basename "$flood") | tcpscope --max-flows $mf | $e | - | $((m / 1024)) |" >>"$report"
done
"$T" flows -r "$flood" --summary | grep -E "SYN FLOOD|evicted|tracked" >>"$report" || true
cat "$report"
