#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -Z USER (tcpdump's droproot): the device and the -w file are opened as root,
# then the process becomes USER. Checked live in a private netns pair: while
# it runs, /proc/PID/status shows USER's uid and gid (real, effective, saved)
# and no supplementary root group; the -w file in a directory only root may
# write to is still written and complete after SIGINT. A -G rotation after
# the drop cannot create files there: an error naming the file, exit 1, like
# tcpdump. An unknown user: error naming it, exit 1.
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd tcpdump python3
T=$TCPSCOPE
D=$TSC_TMP
uid=$(id -u nobody) || tsc_skip "no user nobody"
gid=$(id -g nobody)
# the test directory must be traversable by nobody, writable only by root
chmod 755 "$D"
mkdir -m 755 "$D/out"

tsc_netns_pair C S
tsc_bg "$C" "$T" capture -n -i eth0 -Z nobody -w "$D/out/z.pcap" udp 2>"$D/z.err"
zpid=$TSC_BG_PID
tsc_wait_for 5 grep -q listening "$D/z.err"
ip netns exec "$C" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"drop %d" % i, ("10.250.9.2", 9334)); time.sleep(0.02)'
sleep 0.3
status=$(cat "/proc/$zpid/status")
tsc_assert_eq "uid is nobody's (real effective saved fs)" "$uid $uid $uid $uid" \
	"$(echo "$status" | awk '/^Uid:/ {print $2, $3, $4, $5}')"
tsc_assert_eq "gid is nobody's" "$gid $gid $gid $gid" \
	"$(echo "$status" | awk '/^Gid:/ {print $2, $3, $4, $5}')"
tsc_assert "no supplementary group 0" \
	sh -c "! echo '$status' | awk '/^Groups:/' | grep -qw 0"
tsc_assert_eq "file owned by root (opened before the drop)" "0" "$(stat -c %u "$D/out/z.pcap")"
kill -INT "$zpid"
wait "$zpid"
tsc_assert_eq "exit 0 after SIGINT" 0 $?
n=$(tcpdump -n -r "$D/out/z.pcap" 2>"$D/rd.err" | wc -l)
tsc_assert_eq "the -w file holds all 20 datagrams" 20 "$n"
tsc_assert "the -w file is complete" sh -c "! grep -qi truncated '$D/rd.err'"
tsc_assert "statistics on stderr" grep -q '^20 packets captured$' "$D/z.err"

# -G rotation after the drop: the directory is not writable by nobody
tsc_bg "$C" "$T" capture -n -i eth0 -Z nobody -G 1 -w "$D/out/g-%s.pcap" udp 2>"$D/g.err"
gpid=$TSC_BG_PID
tsc_wait_for 5 grep -q listening "$D/g.err"
ip netns exec "$C" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(25):
    s.sendto(b"g", ("10.250.9.2", 9334)); time.sleep(0.1)'
for _ in $(seq 30); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$gpid" 2>/dev/null; then
	tsc_assert "rotation as nobody fails and stops the capture" false
	tsc_stop "$gpid"
else
	wait "$gpid"
	tsc_assert_eq "rotation as nobody: exit 1" 1 $?
fi
tsc_assert "rotation as nobody: error names the file" \
	grep -q "could not open '$D/out/g-[0-9]*.pcap' for writing: .*Permission denied" "$D/g.err"

"$T" capture -r "$D/out/z.pcap" -Z no-such-user-tsc -w "$D/out/u.pcap" 2>"$D/u.err"
tsc_assert_eq "unknown user: exit 1" 1 $?
tsc_assert "unknown user: error names it" grep -q "no-such-user-tsc" "$D/u.err"
tsc_done
