#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The capture benchmark (issue #3): tcpscope capture against tcpdump 4.99 on
# generated ~1 GB pcaps (bench/gen-pcap.c), page-cached, side by side in ONE
# hyperfine invocation per file so that the noise of this shared machine hits
# both sides alike:
#   print     -n -r F > /dev/null
#   SYN       -n -r F 'tcp[tcpflags] & tcp-syn != 0' > /dev/null
#   rewrite   -r F -w /dev/null
#   floor     bench/pcap-walk F (a bare pcap_next_ex loop), with libpcap's
#             defaults and with the 256 KiB stdio buffer tcpscope reads through
# Files: full payload and headers-only (snaplen 96), each with spread and
# data-centre client addresses. Before timing, the outputs are checked:
# the printed text (whole output, by digest) and the -w file (cmp) must be
# identical to tcpdump's. Files are generated into bench/out/ and reused.
# Prints a markdown report and writes it to bench/out/capture-report.md.
#
# usage: bench/capture.sh BUILD_DIR [-q] [-s MB] [-r RUNS]
#   -q  quick smoke test of the script: 30 MB files, one run
set -euo pipefail

usage() {
	echo "usage: bench/capture.sh BUILD_DIR [-q] [-s MB] [-r RUNS]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
shift
MB=1000 RUNS=3 QUICK=0
while getopts "qs:r:" opt; do
	case $opt in
	q) QUICK=1 MB=30 RUNS=1 ;;
	s) MB=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	*) usage ;;
	esac
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
TCPSCOPE=$BUILD/tcpscope
OUT=$SRC/bench/out
BIN=$BUILD/bench
SYN='tcp[tcpflags] & tcp-syn != 0'
[ -x "$TCPSCOPE" ] || { echo "bench: '$TCPSCOPE' not built" >&2; exit 1; }
for t in tcpdump hyperfine python3 cc; do
	command -v "$t" >/dev/null || { echo "bench: '$t' missing (make deps)" >&2; exit 1; }
done
BUILDINFO=$(meson introspect --buildoptions "$BUILD" 2>/dev/null | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print("buildtype=%s b_sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' 2>/dev/null || echo unknown)
case $BUILDINFO in
*b_sanitize=none*) ;;
*) echo "bench: warning: $BUILD is not a plain build ($BUILDINFO); numbers are not representative" >&2 ;;
esac

mkdir -p "$OUT" "$BIN"
cc -O2 -Wall -Wextra -o "$BIN/gen-pcap" "$SRC/bench/gen-pcap.c"
cc -O2 -Wall -Wextra -o "$BIN/pcap-walk" "$SRC/bench/pcap-walk.c" -lpcap

# name:gen-pcap arguments; regenerated only when the arguments change
files=("full:-m full -a spread -s $MB" "full-dc:-m full -a dc -s $MB"
	"hdrs:-m headers -a spread -s $MB" "hdrs-dc:-m headers -a dc -s $MB")
for spec in "${files[@]}"; do
	name=${spec%%:*} args=${spec#*:}
	f=$OUT/capture-$name.pcap
	if [ ! -f "$f" ] || [ "$(cat "$f.args" 2>/dev/null)" != "$args" ]; then
		echo "bench: generating $f ($args)" >&2
		# shellcheck disable=SC2086
		"$BIN/gen-pcap" $args -o "$f.tmp" && mv "$f.tmp" "$f" && echo "$args" >"$f.args"
	fi
done

report=$OUT/capture-report.md
{
	echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "Build: $BUILD ($BUILDINFO); tcpdump: $(tcpdump --version 2>&1 | head -1), $(tcpdump --version 2>&1 | sed -n 2p)"
	echo "Command: bench/capture.sh $* (files of ${MB} MB, $RUNS runs each), $(date -u +%FT%TZ)"
	echo
} >"$report"

for spec in "${files[@]}"; do
	name=${spec%%:*}
	f=$OUT/capture-$name.pcap
	cat "$f" >/dev/null # page-cache it
	walk=$("$BIN/pcap-walk" "$f")
	# ---- correctness first: the whole output, the SYN subset, the -w file
	d1=$(tcpdump -n -r "$f" 2>/dev/null | md5sum | cut -d' ' -f1)
	d2=$("$TCPSCOPE" capture -n -r "$f" 2>/dev/null | md5sum | cut -d' ' -f1)
	s1=$(tcpdump -n -r "$f" "$SYN" 2>/dev/null | md5sum | cut -d' ' -f1)
	s2=$("$TCPSCOPE" capture -n -r "$f" "$SYN" 2>/dev/null | md5sum | cut -d' ' -f1)
	tcpdump -r "$f" -w "$OUT/rw-tcpdump.pcap" 2>/dev/null
	"$TCPSCOPE" capture -r "$f" -w "$OUT/rw-tcpscope.pcap" 2>/dev/null
	if cmp -s "$OUT/rw-tcpdump.pcap" "$OUT/rw-tcpscope.pcap"; then rw=identical; else rw=DIFFERENT; fi
	rm -f "$OUT/rw-tcpdump.pcap" "$OUT/rw-tcpscope.pcap"
	[ "$d1" = "$d2" ] && out=identical || out=DIFFERENT
	[ "$s1" = "$s2" ] && syn=identical || syn=DIFFERENT
	# ---- timing: one hyperfine run for everything on this file
	hyperfine --style basic --runs "$RUNS" --export-json "$OUT/capture-$name.json" \
		-n "walker" "$BIN/pcap-walk $f" \
		-n "walker 256k" "$BIN/pcap-walk -b 256 $f" \
		-n "tcpdump print" "tcpdump -n -r $f > /dev/null" \
		-n "tcpscope print" "$TCPSCOPE capture -n -r $f > /dev/null" \
		-n "tcpdump SYN" "tcpdump -n -r $f '$SYN' > /dev/null" \
		-n "tcpscope SYN" "$TCPSCOPE capture -n -r $f '$SYN' > /dev/null" \
		-n "tcpdump rewrite" "tcpdump -r $f -w /dev/null" \
		-n "tcpscope rewrite" "$TCPSCOPE capture -r $f -w /dev/null" \
		>"$OUT/capture-$name.txt" 2>&1
	{
		echo "### $name: $(basename "$f"), $(du -m "$f" | cut -f1) MB, $walk"
		echo "Output identical to tcpdump: print $out, SYN filter $syn, -w file $rw"
		echo
		python3 - "$OUT/capture-$name.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def t(n): return r[n]["mean"]
def cpu(n): return r[n]["user"] + r[n]["system"]
def s(n): return "%.3f ± %.3f s (cpu %.3f)" % (t(n), r[n]["stddev"] or 0, cpu(n))
w = t("walker 256k")
print("| task | tcpdump | tcpscope | tcpdump / tcpscope (wall; cpu) | tcpscope vs walker 256k |")
print("|---|---|---|---|---|")
for task in ("print", "SYN", "rewrite"):
    a, b = "tcpdump " + task, "tcpscope " + task
    print("| %s | %s | %s | %.2fx; %.2fx | %+.3f s, %.1fx |" % (task, s(a), s(b), t(a) / t(b),
          cpu(a) / cpu(b), t(b) - w, t(b) / w))
print("| walker (pcap_open_offline) | | %s | | |" % s("walker"))
print("| walker 256k (pcap_fopen_offline, 256 KiB buffer) | | %s | | |" % s("walker 256k"))
PY
		echo
	} | tee -a "$report"
done
echo "bench: report in $report" >&2
