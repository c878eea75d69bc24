#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A flood of distinct spoofed SYNs (bench/gen-pcap.c -m synflood) must be
# processed in bounded memory: the table never tracks more than --max-flows,
# the evictions are counted, the flood is reported, and the peak RSS with a
# 100x larger flood stays about the same.
set -u
: "${TCPSCOPE:?}" "${TSC_SRCDIR:?}"
command -v cc >/dev/null || { echo "skip: no C compiler for bench/gen-pcap.c" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen" "$TSC_SRCDIR/bench/gen-pcap.c" || exit 1
"$tmp/gen" -m synflood -n 3000 -o "$tmp/small.pcap" >/dev/null 2>&1 || exit 1
"$tmp/gen" -m synflood -n 300000 -o "$tmp/big.pcap" >/dev/null 2>&1 || exit 1
rss() { # max RSS in KiB of: tcpscope flows ARGS...
	/usr/bin/time -f '%M' -o "$tmp/rss" "$TCPSCOPE" flows "$@" >"$tmp/out.json" || return 1
	cat "$tmp/rss"
}
small=$(rss -r "$tmp/small.pcap" --summary --json --max-flows 2000) || { echo "FAIL: flows failed"; exit 1; }
big=$(rss -r "$tmp/big.pcap" --summary --json --max-flows 2000) || { echo "FAIL: flows failed"; exit 1; }
python3 - "$tmp/out.json" "$small" "$big" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
small, big = int(sys.argv[2]), int(sys.argv[3])
ok = True
def check(cond, what):
    global ok
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    ok = ok and cond
check(s["connections"] >= 150000, "300000 SYNs -> %d connections" % s["connections"])
check(s["peak_tracked"] <= 2000, "peak tracked %d <= --max-flows 2000" % s["peak_tracked"])
check(s["evicted"] > 0, "evictions counted: %d" % s["evicted"])
check(s["syn_flood"], "flood reported (syn_only %d)" % s["syn_only"])
check(big < small + 65536, "peak RSS %d KiB for 300k SYNs vs %d KiB for 3k: bounded" % (big, small))
sys.exit(0 if ok else 1)
PY
