#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -C/-W/-G file rotation against tcpdump 4.99's own:
#  - -C (reading a generated 3 MB file): the same file names (-W pads the
#    number to the digits of -W minus one and wraps) and byte-identical files;
#  - -G live in a private netns pair (UDP datagrams, 10 a second): one file per second named by strftime
#    of the period, each readable, together holding every packet a plain -w
#    capture of the same interface got; -G with -W stops by itself after -W
#    files ("Maximum file limit reached"), exit 0.
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd tcpdump cc python3
T=$TCPSCOPE
D=$TSC_TMP

cc -O2 -o "$D/gen-pcap" "$TSC_SRCDIR/bench/gen-pcap.c" || tsc_fatal "cannot build gen-pcap"
"$D/gen-pcap" -s 3 -S 7 -o "$D/in.pcap" 2>/dev/null || tsc_fatal "gen-pcap failed"

# ---- -C / -W: compare names and bytes with tcpdump (-Z root: Debian's
# tcpdump would otherwise switch to user tcpdump before opening the files)
for args in "-C 1" "-C 1 -W 2" "-C 1 -W 11" "-C 2 -W 1"; do
	tag=$(echo "$args" | tr -d ' -')
	mkdir -p "$D/td$tag" "$D/ts$tag"
	# shellcheck disable=SC2086
	(cd "$D/td$tag" && tcpdump -Z root -r "$D/in.pcap" -w out $args 2>/dev/null)
	# shellcheck disable=SC2086
	(cd "$D/ts$tag" && "$T" capture -r "$D/in.pcap" -w out $args 2>"$D/err$tag")
	tsc_assert_eq "$args: exit status" 0 $?
	tsc_assert_eq "$args: same file names as tcpdump" "$(ls "$D/td$tag" | tr '\n' ' ')" \
		"$(ls "$D/ts$tag" | tr '\n' ' ')"
	same=yes
	for f in "$D/td$tag"/*; do
		cmp -s "$f" "$D/ts$tag/$(basename "$f")" || same="no: $(basename "$f")"
	done
	tsc_assert_eq "$args: files byte-identical to tcpdump's" yes "$same"
done
tsc_assert_eq "-C 1: three files out out1 out2" "out out1 out2 " "$(ls "$D/tsC1" | tr '\n' ' ')"
tsc_assert_eq "-C 1 -W 11: numbers padded to two digits" "out00 out01 out02 " \
	"$(ls "$D/tsC1W11" | tr '\n' ' ')"

# ---- -G live
tsc_netns_pair C S
pat="$D/g/%s.pcap"
mkdir -p "$D/g" "$D/gw"
tsc_bg "$C" "$T" capture -n -i eth0 -G 1 -w "$pat" udp 2>"$D/g.err"
gpid=$TSC_BG_PID
tsc_bg "$C" "$T" capture -n -i eth0 -w "$D/all.pcap" udp 2>"$D/all.err"
apid=$TSC_BG_PID
tsc_bg "$C" "$T" capture -n -i eth0 -G 1 -W 2 -w "$D/gw/%s.pcap" udp 2>"$D/gw.err"
wpid=$TSC_BG_PID
sleep 1
# 36 datagrams over 3.6 s (to a port nobody listens on: nothing else to wait for)
ip netns exec "$C" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(36):
    s.sendto(b"rotate %d" % i, ("10.250.9.2", 9333)); time.sleep(0.1)'

sleep 0.3
kill -INT "$gpid" "$apid"
wait "$gpid"
tsc_assert_eq "-G: exit status after SIGINT" 0 $?
wait "$apid"
# -G 1 -W 2 has stopped by itself long ago
for _ in $(seq 30); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$wpid" 2>/dev/null; then
	tsc_assert "-G 1 -W 2 stops by itself" false
	tsc_stop "$wpid"
else
	wait "$wpid"
	tsc_assert_eq "-G 1 -W 2 stops by itself with exit 0" 0 $?
fi
tsc_assert "-G -W: 'Maximum file limit reached: 2'" grep -q '^Maximum file limit reached: 2$' \
	"$D/gw.err"
tsc_assert_eq "-G -W: two files" 2 "$(ls "$D/gw" | wc -l)"

files=$(ls "$D/g" | sort -n)
nfiles=$(echo "$files" | wc -l)
tsc_assert "-G 1: at least 3 files over ~4 s (got $nfiles)" [ "$nfiles" -ge 3 ]
total=0 ok=yes prev=
for f in $files; do
	name=${f%.pcap}
	n=$(tcpdump -n -r "$D/g/$f" 2>/dev/null | wc -l)
	tcpdump -n -r "$D/g/$f" >/dev/null 2>"$D/g.rd" || ok="no: $f unreadable"
	grep -qi 'truncated' "$D/g.rd" && ok="no: $f truncated"
	# names are epoch seconds of each period, one or more seconds apart
	[ -n "$prev" ] && [ "$name" -le "$prev" ] && ok="no: $f not after $prev"
	# every packet of a file lies in its period (1 s of slack for the clocks)
	tcpdump -tt -n -r "$D/g/$f" 2>/dev/null | awk -v s="$name" \
		'{ t = int($1); if (t < s - 1 || t > s + 2) bad = 1 } END { exit bad }' ||
		ok="no: $f holds packets outside its period"
	prev=$name
	total=$((total + n))
done
tsc_assert_eq "-G: every file complete, named and filled by period" yes "$ok"
all=$(tcpdump -n -r "$D/all.pcap" 2>/dev/null | wc -l)
tsc_assert "-G: the files hold the datagrams ($total, plain -w: $all)" \
	[ "$total" -ge 30 -a "$total" -le "$all" -a "$total" -ge $((all - 4)) ]
tsc_done
