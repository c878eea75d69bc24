#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds FIN_WAIT1 pile-up for real: 30 clients connect, then their
# namespace's link goes down (the peers vanish) and the server closes all
# connections. Its FINs are never ACKed: 30 FIN_WAIT1, retransmitting,
# WARNING (exit 1) with the vanished remote named.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S

tsc_bg "$S" python3 "$tools" --hold 40 --after 2 listen 8080 128 closeall
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
tsc_bg "$C" python3 "$tools" --hold 40 connect 10.250.9.2 8080 30 hold
est() { [ "$(ip netns exec "$S" ss -Htn state established | wc -l)" -eq 30 ]; }
tsc_wait_for 5 est || tsc_fatal "30 connections not established"
ip -n "$C" link set eth0 down
fw1() { [ "$(ip netns exec "$S" ss -Htn state fin-wait-1 | wc -l)" -eq 30 ]; }
tsc_wait_for 10 fw1 || tsc_fatal "no 30 FIN_WAIT1 on the server"
sleep 0.5

out=$("$TCPSCOPE" check --netns "$S")
rc=$?
tsc_assert_eq "FIN_WAIT1 pile-up is a WARNING (exit 1)" 1 "$rc"
tsc_assert "finding fin-wait-1" grep -qE '^WARNING *fin-wait-1: 30 FIN_WAIT1 sockets, [0-9]+ retransmitting their FIN' <<<"$out"
tsc_assert "evidence: retransmitting" grep -qE 'FIN_WAIT1 30, (2[0-9]|30) with the retransmission timer' <<<"$out"
tsc_assert "evidence: the vanished remote" grep -q 'top remote addresses: 10.250.9.1 (30)' <<<"$out"
tsc_assert "fix kind network" grep -q 'fix  *\[network\]' <<<"$out"
out=$("$TCPSCOPE" check --netns "$S" --threshold fin-wait-1=10:25 --nagios)
tsc_assert_eq "over a lowered critical: exit 2" 2 "$?"
tsc_assert "nagios perfdata fin_wait1" grep -q "'fin_wait1'=30;10;25;0" <<<"$out"
tsc_done
