#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpscope flows against Wireshark: per connection (endpoint pair), the
# packets and bytes in each direction must equal tshark's. Counted from
# tshark's per-frame TCP dissection (frames and frame.len per endpoint pair)
# because -z conv,tcp prints bytes rounded to kB; the conv,tcp frame counts
# are checked too and disagreements of tshark with itself reported. Inputs: the scenario captures when present,
# and a small generated capture (bench/gen-pcap.c: many interleaved
# connections, losses, retransmissions, RSTs, IPv6).
set -u
: "${TCPSCOPE:?}" "${TSC_SRCDIR:?}"
command -v tshark >/dev/null || { echo "skip: tshark not installed" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
for f in "$TSC_SRCDIR"/../shared/scenarios/data/*/packets.pcap; do
	[ -f "$f" ] && files+=("$f")
done
if cc -O2 -o "$tmp/gen-pcap" "$TSC_SRCDIR/bench/gen-pcap.c" 2>"$tmp/cc.err"; then
	"$tmp/gen-pcap" -m full -s 4 -c 64 -o "$tmp/gen.pcap" || exit 1
	"$tmp/gen-pcap" -m headers -s 2 -c 32 -a dc -S 7 -o "$tmp/gen-hdr.pcap" || exit 1
	files+=("$tmp/gen.pcap" "$tmp/gen-hdr.pcap")
else
	echo "note: bench/gen-pcap.c did not build: $(head -1 "$tmp/cc.err")"
fi
[ ${#files[@]} -gt 0 ] || { echo "skip: no input captures" >&2; exit 77; }
fail=0
for f in "${files[@]}"; do
	"$TCPSCOPE" flows -r "$f" --json >"$tmp/flows.json" || { echo "FAIL $f: flows failed"; fail=1; continue; }
	tshark -r "$f" -q -z conv,tcp 2>/dev/null >"$tmp/conv.txt"
	tshark -r "$f" -T fields -E separator=' ' -e tcp.srcport -e tcp.dstport \
		-e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e frame.len -Y tcp \
		2>/dev/null >"$tmp/fields.txt"
	python3 - "$f" "$tmp/flows.json" "$tmp/conv.txt" "$tmp/fields.txt" <<'PY' || fail=1
import json, re, sys
name, fj, conv, fields = sys.argv[1:5]
def key(a, b):
    return tuple(sorted([a, b]))
mine = {}
for l in open(fj):
    c = json.loads(l)
    k = key(c["orig"], c["resp"])
    d = mine.setdefault(k, {})
    for side, ep in (("client", c["orig"]), ("server", c["resp"])):
        e = d.setdefault(ep, [0, 0])
        e[0] += c[side]["pkts"]
        e[1] += c[side]["bytes"]
theirs = {}
conv_fr = {}
for l in open(conv):
    m = re.match(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s", l)
    if not m:
        continue
    a, b = m.group(1), m.group(2)
    rest = l[m.end(2):].split()
    # <- frames (B->A), ->  frames (A->B); bytes columns carry units
    nums = [x for x in rest]
    fr_ba = int(nums[0]); fr_ab = int(nums[2] if nums[1] in ("bytes","kB","MB","GB") else nums[3])
    def norm(ep):
        h, p = ep.rsplit(":", 1)
        return "[%s]:%s" % (h, p) if ":" in h else ep
    A, B = norm(a), norm(b)
    d = conv_fr.setdefault(key(A, B), {})
    d[A] = d.get(A, 0) + fr_ab
    d[B] = d.get(B, 0) + fr_ba
for l in open(fields):
    p = l.split()
    if len(p) < 5:
        continue
    sp, dp, s, dst, ln = p[0], p[1], p[2], p[3], int(p[-1])
    if ":" in s:
        s, dst = "[%s]" % s, "[%s]" % dst
    A, B = "%s:%s" % (s, sp), "%s:%s" % (dst, dp)
    d = theirs.setdefault(key(A, B), {})
    e = d.setdefault(A, [0, 0])
    e[0] += 1
    e[1] += ln
    d.setdefault(B, [0, 0])
bad = 0
note = 0
for k, d in conv_fr.items():
    for ep, n in d.items():
        if theirs.get(k, {}).get(ep, [0])[0] != n:
            note += 1
for k in sorted(set(mine) | set(theirs)):
    m, t = mine.get(k), theirs.get(k)
    if m is None or t is None:
        print("  %s: only in %s" % (k, "tshark" if m is None else "tcpscope"))
        bad += 1
        continue
    for ep in k:
        if m.get(ep, [0, 0]) != t.get(ep, [0, 0]):
            print("  %s from %s: tcpscope pkts/bytes %s, tshark %s" % (k, ep, m.get(ep), t.get(ep)))
            bad += 1
print("%s %s: %d connections (endpoint pairs), %d differ%s" % ("ok  " if not bad else "FAIL", name, len(mine), bad,
      " (note: tshark's own conv,tcp table disagrees with its per-frame dissection in %d directions)" % note if note else ""))
sys.exit(1 if bad else 0)
PY
done
exit $fail
