#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM stop a live capture cleanly: the -w file (block-buffered,
# no -U) is flushed and complete, tcpdump reads every packet of it without a
# "truncated" complaint, the count matches the "N packets captured" line of
# the statistics on stderr, and the printed output (no -l) is flushed too.
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd tcpdump python3
T=$TCPSCOPE
D=$TSC_TMP

tsc_netns_pair C S
send() { # COUNT: UDP datagrams of 1000 bytes from C to S
	ip netns exec "$C" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * 1000, ("10.250.9.2", 9335))
    if i % 50 == 0: time.sleep(0.01)' "$1"
}

for sig in INT TERM; do
	tsc_bg "$C" "$T" capture -n -i eth0 -w "$D/$sig.pcap" udp 2>"$D/$sig.err"
	wpid=$TSC_BG_PID
	tsc_bg "$C" "$T" capture -n -i eth0 udp >"$D/$sig.txt" 2>"$D/$sig.perr"
	ppid=$TSC_BG_PID
	tsc_wait_for 5 grep -q listening "$D/$sig.err"
	tsc_wait_for 5 grep -q listening "$D/$sig.perr"
	# 300 packets of 1 KB: well inside stdio's buffer would be lost without a flush
	send 300
	sleep 0.5
	kill -"$sig" "$wpid" "$ppid"
	wait "$wpid"
	tsc_assert_eq "SIG$sig: -w capture exits 0" 0 $?
	wait "$ppid"
	tsc_assert_eq "SIG$sig: printing capture exits 0" 0 $?
	captured=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$D/$sig.err")
	tsc_assert_eq "SIG$sig: statistics: 300 packets captured" 300 "$captured"
	tsc_assert "SIG$sig: statistics: received by filter, dropped by kernel" \
		grep -q 'packets\? received by filter' "$D/$sig.err"
	tsc_assert "SIG$sig: dropped by kernel line" grep -q 'packets\? dropped by kernel' "$D/$sig.err"
	n=$(tcpdump -n -r "$D/$sig.pcap" 2>"$D/$sig.rd" | wc -l)
	tsc_assert_eq "SIG$sig: tcpdump reads all 300 packets of the -w file" 300 "$n"
	tsc_assert "SIG$sig: no truncation" sh -c "! grep -qi truncated '$D/$sig.rd'"
	tsc_assert_eq "SIG$sig: the printed output is complete" 300 "$(grep -c 'UDP, length 1000$' "$D/$sig.txt")"
	tsc_assert_eq "SIG$sig: printed lines are the file's packets" \
		"$(tcpdump -n -r "$D/$sig.pcap" 2>/dev/null | cut -d' ' -f2-)" \
		"$(cut -d' ' -f2- "$D/$sig.txt")"
done
tsc_done
