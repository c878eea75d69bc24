#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupt and unreadable capture files: the packets before the damage are
# printed exactly as tcpdump prints them, then one error naming the file and,
# for a bad record, the byte offset where that record starts; exit 1 (as
# tcpdump). Cases: bad magic, empty file, short file header, a record whose
# length exceeds the largest snapshot (262144), a truncated record, a
# truncated record header, a pcapng block cut short, a missing file, a
# directory. A record longer than the file's snaplen but within the maximum
# is cut to the snaplen by libpcap, exactly as for tcpdump (exit 0).
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_cmd tcpdump python3
T=$TCPSCOPE
D=$TSC_TMP

# file name -> expected "exit offset" (offset - when the error is in the file header)
python3 - "$D" <<'PY'
import struct, sys, os
d = sys.argv[1]
eth = bytes.fromhex("020000fa0002020000fa00010800")
def ip_tcp(i):
    tcp = struct.pack("!HHIIBBHHH", 40000, 9502, 1000 + i, 2000, 0x50, 0x18, 512, 0, 0) + b"d" * 10
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i, 0x4000, 64, 6, 0,
                     bytes([10, 250, 1, 1]), bytes([10, 250, 1, 2]))
    return eth + ip + tcp
def hdr(snap=262144, magic=0xA1B2C3D4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snap, 1)
def rec(i, data, caplen=None, wire=None):
    caplen = len(data) if caplen is None else caplen
    return struct.pack("<IIII", 1700000000 + i, 1000 * i, caplen, wire or caplen) + data
good = b"".join(rec(i, ip_tcp(i)) for i in range(3))
off3 = 24 + len(good)
cases = {
    "bad-magic.pcap": (b"\x0b\xad\xf0\x0d" + hdr()[4:] + good, "1 -"),
    "empty.pcap": (b"", "1 -"),
    "short-header.pcap": (hdr()[:10], "1 -"),
    "huge-record.pcap": (hdr() + good + rec(3, b"\0" * 64, caplen=300000), "1 %d" % off3),
    "truncated-record.pcap": (hdr() + good + rec(3, ip_tcp(3))[:40], "1 %d" % off3),
    "truncated-rechdr.pcap": (hdr() + good + rec(3, ip_tcp(3))[:9], "1 %d" % off3),
    "over-snaplen.pcap": (hdr(snap=40) + good, "0 -"),
}
for name, (data, exp) in cases.items():
    open(os.path.join(d, name), "wb").write(data)
    open(os.path.join(d, name + ".exp"), "w").write(exp)
# pcapng: SHB, IDB, 3 EPBs, the last cut short
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
ng = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
ng += block(1, struct.pack("<HHI", 1, 0, 262144))
for i in range(3):
    ts = (1700000000 + i) * 1000000 + 1000 * i
    p = ip_tcp(i)
    ng += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p), len(p)) + p)
open(os.path.join(d, "cut.pcapng"), "wb").write(ng[:-30])
open(os.path.join(d, "cut.pcapng.exp"), "w").write("1 any")
PY

for f in "$D"/*.pcap "$D"/*.pcapng; do
	name=$(basename "$f")
	read -r exp_rc exp_off <"$f.exp"
	(cd "$D" && TZ=UTC tcpdump -n -r "$name" >"$D/$name.td" 2>/dev/null)
	td_rc=$?
	(cd "$D" && TZ=UTC "$T" capture -n -r "$name" >"$D/$name.ts" 2>"$D/$name.err")
	rc=$?
	tsc_assert_eq "$name: exit $exp_rc (tcpdump: $td_rc)" "$exp_rc $exp_rc" "$rc $td_rc"
	tsc_assert_files_eq "$name: the packets before the damage, as tcpdump prints them" \
		"$D/$name.td" "$D/$name.ts"
	if [ "$exp_rc" = 1 ]; then
		tsc_assert_eq "$name: one error line" 1 "$(grep -c '^error: ' "$D/$name.err")"
		tsc_assert "$name: the error names the file" grep -q "'$name'" "$D/$name.err"
		case $exp_off in
		-) ;;
		any) tsc_assert "$name: the error gives a byte offset" \
			grep -q "(at byte offset [0-9]*)$" "$D/$name.err" ;;
		*) tsc_assert "$name: the error gives byte offset $exp_off" \
			grep -q "(at byte offset $exp_off)$" "$D/$name.err" ;;
		esac
	fi
done
tsc_assert "over-snaplen: records cut to the snaplen of 40" grep -q '\[|tcp\]' "$D/over-snaplen.pcap.ts"
tsc_assert "huge record: libpcap's reason" grep -q "bigger than snaplen of 262144" \
	"$D/huge-record.pcap.err"

"$T" capture -n -r "$D/no-such-file.pcap" >"$D/nf.out" 2>"$D/nf.err"
tsc_assert_eq "missing file: exit 1" 1 $?
tsc_assert "missing file: error names it" \
	grep -q "no-such-file.pcap.*No such file or directory" "$D/nf.err"
"$T" capture -n -r "$D" >"$D/dir.out" 2>"$D/dir.err"
tsc_assert_eq "a directory: exit 1" 1 $?
tsc_assert "a directory: error names it" grep -q "'$D'" "$D/dir.err"
tsc_done
