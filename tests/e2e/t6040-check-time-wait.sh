#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds TIME_WAIT pressure for real: a burst of 60 short connections
# that the client closes first (so TIME_WAIT is on the client), in a client
# namespace whose tcp_max_tw_buckets is 32. The table fills,
# TCPTimeWaitOverflow counts the rest: CRITICAL, remote named, and the fix
# does not recommend tcp_fin_timeout or tcp_tw_recycle.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S
ip netns exec "$C" sysctl -qw net.ipv4.tcp_max_tw_buckets=32 || tsc_fatal "sysctl in $C"

tsc_bg "$S" python3 "$tools" --hold 40 listen 8080 128 accept
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
ip netns exec "$C" python3 "$tools" connect 10.250.9.2 8080 60 close >/dev/null ||
	tsc_fatal "clients failed"
tw() { [ "$(ip netns exec "$C" ss -Htan state time-wait | wc -l)" -eq 32 ]; }
tsc_wait_for 5 tw || tsc_fatal "TIME_WAIT did not reach 32"

out=$("$TCPSCOPE" check --netns "$C")
rc=$?
tsc_assert_eq "TIME_WAIT table full is CRITICAL (exit 2)" 2 "$rc"
tsc_assert "finding time-wait" grep -q '^CRITICAL *time-wait: 32 TIME_WAIT sockets, 100% of tcp_max_tw_buckets (32)' <<<"$out"
tsc_assert "evidence: the remote" grep -q 'toward 10.250.9.2:8080: 32 TIME_WAIT' <<<"$out"
tsc_assert "evidence: TCPTimeWaitOverflow" grep -q 'TcpExt.TCPTimeWaitOverflow 28 since' <<<"$out"
tsc_assert "fix: tw_reuse, not fin_timeout" grep -q 'Do not lower tcp_fin_timeout' <<<"$out"
tsc_assert "attack rule counts the churn" grep -q '^OK *attack: 32 SYN_RECV + TIME_WAIT + FIN_WAIT1 vs 0 ESTABLISHED' <<<"$out"
out=$("$TCPSCOPE" check --netns "$C" --threshold attack=10:1000)
tsc_assert "over a lowered attack threshold" grep -q '^WARNING *attack: attack pattern, few established and many opening/closing: 32' <<<"$out"

# the server side (passive close) holds no TIME_WAIT: OK there
"$TCPSCOPE" check --netns "$S" >/dev/null
tsc_assert_eq "server namespace is OK" 0 "$?"
tsc_done
