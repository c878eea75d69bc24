#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `tune` in private namespaces: recommendations follow the observed state
# (TIME_WAIT toward one destination with a tiny ip_local_port_range ->
# widen the range and tcp_tw_reuse=1, never tcp_fin_timeout), bad values and
# tcp_tw_recycle are refused, --apply without root writes nothing, a failing
# write mid-way is rolled back, and --apply then --revert restores every
# tcp_* value exactly. Only the test's own namespaces are written.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3 setpriv sysctl

tsc_netns_pair C S
HOST_TW=$(cat /proc/sys/net/ipv4/tcp_tw_reuse)

# Every TCP sysctl of namespace $1 (name=value), to compare before/after.
dump() {
	ip netns exec "$1" sh -c 'for f in /proc/sys/net/ipv4/tcp_* /proc/sys/net/ipv4/ip_local_port_range /proc/sys/net/core/somaxconn; do [ -r "$f" ] && printf "%s=%s\n" "$f" "$(cat "$f")"; done'
}
# JSON field of one sysctl from `tune --json` output in file $1.
jfield() { # FILE NAME FIELD
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for s in d["sysctls"]:
    if s["name"] == sys.argv[2]:
        v = s[sys.argv[3]]
        print("null" if v is None else v)' "$1" "$2" "$3"
}
run() { # run CMD...: exit code in RC, stdout in $TSC_TMP/out, stderr in $TSC_TMP/err
	"$@" >"$TSC_TMP/out" 2>"$TSC_TMP/err"
	RC=$?
}

# --- 1. a quiet namespace: leave the port knobs alone ---------------------
run "$TCPSCOPE" --netns "$C" tune --json
tsc_assert_eq "tune --json in a quiet namespace exits 0" 0 "$RC"
cp "$TSC_TMP/out" "$TSC_TMP/quiet.json"
tsc_assert_eq "quiet: tcp_tw_reuse left" leave "$(jfield "$TSC_TMP/quiet.json" tcp_tw_reuse action)"
tsc_assert_eq "quiet: ip_local_port_range left" leave \
	"$(jfield "$TSC_TMP/quiet.json" ip_local_port_range action)"
tsc_assert_eq "host-wide tcp_max_orphans flagged inside the namespace" True \
	"$(jfield "$TSC_TMP/quiet.json" tcp_max_orphans host_wide_here)"

# --- 2. TIME_WAIT toward one destination with 64 ephemeral ports ----------
ip netns exec "$C" sysctl -qw net.ipv4.ip_local_port_range="40000 40063" || tsc_fatal "port range"
cat >"$TSC_TMP/srv.py" <<-'EOF'
	import socket
	l = socket.socket()
	l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	l.bind(("10.250.9.2", 80))
	l.listen(128)
	while True:
	    c, _ = l.accept()
	    while c.recv(4096):
	        pass
	    c.close()
EOF
cat >"$TSC_TMP/cli.py" <<-'EOF'
	import socket
	n = 0
	for i in range(60):
	    s = socket.socket()
	    s.settimeout(2)
	    s.connect(("10.250.9.2", 80))
	    s.close()          # active close: the client keeps TIME_WAIT
	    n += 1
	print(n)
EOF
tsc_bg "$S" python3 "$TSC_TMP/srv.py"
tsc_wait_for 5 ip netns exec "$S" sh -c 'ss -Htln | grep -q ":80 "' || tsc_fatal "server"
tsc_assert_eq "60 short connections made" 60 "$(ip netns exec "$C" timeout 20 python3 "$TSC_TMP/cli.py")"
sleep 0.3
BEFORE=$(dump "$C")

run "$TCPSCOPE" --netns "$C" tune --json
cp "$TSC_TMP/out" "$TSC_TMP/busy.json"
tsc_assert_eq "busy: tcp_tw_reuse=1 recommended" "set 1" \
	"$(jfield "$TSC_TMP/busy.json" tcp_tw_reuse action) $(jfield "$TSC_TMP/busy.json" tcp_tw_reuse recommended)"
tsc_assert_eq "busy: ip_local_port_range widened" "set 10240 65535" \
	"$(jfield "$TSC_TMP/busy.json" ip_local_port_range action) $(jfield "$TSC_TMP/busy.json" ip_local_port_range recommended)"
tsc_assert_eq "busy: tcp_fin_timeout NOT recommended" leave \
	"$(jfield "$TSC_TMP/busy.json" tcp_fin_timeout action)"
tsc_assert "busy: evidence names the destination" \
	grep -q '10.250.9.2:80' <<<"$(jfield "$TSC_TMP/busy.json" ip_local_port_range why)"
tsc_assert "busy: fin_timeout explains TIME_WAIT is fixed at 60 s" \
	grep -q 'fixed at 60 s' <<<"$(jfield "$TSC_TMP/busy.json" tcp_fin_timeout why)"
run ip netns exec "$C" "$TCPSCOPE" tune --emit
tsc_assert "--emit has exactly the two changes" \
	test "$(grep -c '^net\.' "$TSC_TMP/out")" = 2
tsc_assert "--emit snippet sets tcp_tw_reuse = 1" grep -qx 'net.ipv4.tcp_tw_reuse = 1' "$TSC_TMP/out"
tsc_assert "--emit: every line is a comment, empty, or KEY = VALUE" \
	test -z "$(grep -Ev '^(#.*|net\.[a-z0-9_.]+ = [0-9 ]+|)$' "$TSC_TMP/out")"

# --- 3. refusals: nothing written ----------------------------------------
run ip netns exec "$C" setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPSCOPE" tune --apply
tsc_assert_eq "--apply as nobody exits 1" 1 "$RC"
tsc_assert "--apply as nobody says root is needed" grep -q 'needs root' "$TSC_TMP/err"
run ip netns exec "$C" setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPSCOPE" tune \
	--revert /nonexistent
tsc_assert_eq "--revert as nobody exits 1" 1 "$RC"
for bad in 'ip_local_port_range=50000 40000' 'ip_local_port_range=40000 40000' \
	'ip_local_port_range=80 90' 'tcp_rmem=4096 100 200' 'tcp_rmem=4096 87380' \
	'tcp_syncookies=3' 'tcp_fin_timeout=-1' 'tcp_fin_timeout=abc' 'somaxconn=0'; do
	run "$TCPSCOPE" --netns "$C" tune --apply --set tcp_fin_timeout=31 --set "$bad"
	tsc_assert_eq "bad value '$bad' refused with exit 2" 2 "$RC"
done
run "$TCPSCOPE" --netns "$C" tune --apply --set tcp_tw_recycle=1
tsc_assert_eq "--set tcp_tw_recycle=1 refused" 2 "$RC"
tsc_assert "tcp_tw_recycle refusal says 4.12" grep -q '4\.12' "$TSC_TMP/err"
run "$TCPSCOPE" tune tcp_tw_recycle
tsc_assert_eq "tune tcp_tw_recycle refuses (exit 2)" 2 "$RC"
tsc_assert "tune tcp_tw_recycle explains the removal and NAT" \
	grep -q 'removed in Linux 4.12.*NAT' <<<"$(tr '\n' ' ' <"$TSC_TMP/out" | tr -s ' ')"
run "$TCPSCOPE" --netns "$C" tune --apply --set tcp_nosuch=1
tsc_assert_eq "unknown sysctl exits 2" 2 "$RC"
tsc_assert "unknown sysctl lists valid names" grep -q "unknown sysctl 'tcp_nosuch' (valid: .*tcp_tw_reuse" "$TSC_TMP/err"
tsc_assert_eq "unknown sysctl error is one line" 1 "$(wc -l <"$TSC_TMP/err")"
run "$TCPSCOPE" --netns "$C" tune --apply --set tcp_max_orphans=65536
tsc_assert_eq "host-wide sysctl from a namespace refused without --force" 2 "$RC"
tsc_assert "host-wide refusal says it changes the host" grep -q 'changes the host' "$TSC_TMP/err"
tsc_assert_eq "nothing was written by any refusal" "$BEFORE" "$(dump "$C")"

# --- 4. a write that fails mid-way is rolled back --------------------------
# ip_local_port_range below ip_unprivileged_port_start is refused by the
# kernel (not by tune): tcp_fin_timeout, written first, must be restored.
ip netns exec "$C" sysctl -qw net.ipv4.ip_unprivileged_port_start=20000
BEFORE=$(dump "$C")
run "$TCPSCOPE" --netns "$C" tune --apply --save "$TSC_TMP/rb.conf" \
	--set tcp_fin_timeout=31 --set 'ip_local_port_range=10240 65535'
tsc_assert_eq "kernel-refused write exits 1" 1 "$RC"
tsc_assert "the error says it was rolled back" grep -q 'rolled back' "$TSC_TMP/err"
tsc_assert_eq "after the roll back every value is as before" "$BEFORE" "$(dump "$C")"
ip netns exec "$C" sysctl -qw net.ipv4.ip_unprivileged_port_start=1024
BEFORE=$(dump "$C")

# --- 5. --apply then --revert restores every value exactly -----------------
run "$TCPSCOPE" --netns "$C" tune --apply --save "$TSC_TMP/saved.conf"
tsc_assert_eq "--apply of the recommendations exits 0" 0 "$RC"
tsc_assert "--apply says where the previous values are" grep -q "saved to $TSC_TMP/saved.conf" "$TSC_TMP/out"
tsc_assert_eq "applied: tcp_tw_reuse" 1 "$(ip netns exec "$C" cat /proc/sys/net/ipv4/tcp_tw_reuse)"
tsc_assert_eq "applied: ip_local_port_range" "10240	65535" \
	"$(ip netns exec "$C" cat /proc/sys/net/ipv4/ip_local_port_range)"
tsc_assert "saved file holds the old range" grep -qx 'net.ipv4.ip_local_port_range = 40000 40063' "$TSC_TMP/saved.conf"
tsc_assert_eq "the host's tcp_tw_reuse is untouched" "$HOST_TW" "$(cat /proc/sys/net/ipv4/tcp_tw_reuse)"
run ip netns exec "$C" "$TCPSCOPE" tune --apply --save "$TSC_TMP/saved2.conf" \
	--set tcp_fin_timeout=30 --set 'tcp_rmem=4096 87380 8388608' --set somaxconn=8192 \
	--set 'tcp_wmem=8192 16384 8388608' --set tcp_keepalive_time=600 --set tcp_syn_retries=3
tsc_assert_eq "--apply --set (via ip netns exec) exits 0" 0 "$RC"
tsc_assert_eq "applied: somaxconn" 8192 "$(ip netns exec "$C" cat /proc/sys/net/core/somaxconn)"
tsc_assert_eq "applied: tcp_rmem" "4096	87380	8388608" "$(ip netns exec "$C" cat /proc/sys/net/ipv4/tcp_rmem)"
run "$TCPSCOPE" --netns "$C" tune --revert "$TSC_TMP/saved2.conf"
tsc_assert_eq "--revert of the second apply exits 0" 0 "$RC"
run "$TCPSCOPE" --netns "$C" tune --revert "$TSC_TMP/saved.conf"
tsc_assert_eq "--revert of the first apply exits 0" 0 "$RC"
tsc_assert_eq "after apply+revert every tcp_* value is exactly as before" "$BEFORE" "$(dump "$C")"

# --- 6. bad revert files ---------------------------------------------------
printf 'net.ipv4.tcp_fin_timeout = 30\ngarbage line\n' >"$TSC_TMP/bad.conf"
run "$TCPSCOPE" --netns "$C" tune --revert "$TSC_TMP/bad.conf"
tsc_assert_eq "malformed revert file refused (exit 2)" 2 "$RC"
tsc_assert "the error names line 2" grep -q 'line 2' "$TSC_TMP/err"
tsc_assert_eq "nothing was written from the malformed file" "$BEFORE" "$(dump "$C")"
run "$TCPSCOPE" --netns "$C" tune --apply --save "$TSC_TMP/saved.conf"
tsc_assert_eq "--save refuses to overwrite an existing file" 1 "$RC"
tsc_assert_eq "nothing was written when the save failed" "$BEFORE" "$(dump "$C")"

tsc_done
