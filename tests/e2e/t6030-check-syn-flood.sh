#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds a SYN flood for real: 300 raw SYNs from 151 random on-link
# source addresses that do not exist (their SYN-ACKs go nowhere, the final
# ACK never comes) against a listener with backlog 64. Half-open sockets
# fill the SYN queue, syncookies answer the rest: CRITICAL, with the spread
# of sources and SyncookiesSent in the evidence.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S

tsc_bg "$S" python3 "$tools" --hold 40 listen 8080 64 accept
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
ip netns exec "$C" python3 "$tools" synflood 10.250.9.2 8080 300 >/dev/null || tsc_fatal "synflood"
half() { [ "$(ip netns exec "$S" ss -Htn state syn-recv | wc -l)" -ge 60 ]; }
tsc_wait_for 5 half || tsc_fatal "no half-open connections"

out=$("$TCPSCOPE" check --netns "$S")
rc=$?
tsc_assert_eq "SYN flood is CRITICAL (exit 2)" 2 "$rc"
tsc_assert "finding syn-recv CRITICAL" grep -qE '^CRITICAL *syn-recv: 6[45] half-open connections \(SYN_RECV\); port 8080' <<<"$out"
tsc_assert "evidence: backlog" grep -qE 'port 8080: 6[45] half-open, listener backlog 64' <<<"$out"
tsc_assert "evidence: spread of sources" grep -qE '[0-9]+ distinct source addresses; top: 10\.250\.9\.' <<<"$out"
tsc_assert "evidence: pattern named" grep -q 'pattern of a (spoofed) SYN flood' <<<"$out"
tsc_assert "evidence: syncookies sent" grep -qE 'TcpExt.SyncookiesSent [1-9]' <<<"$out"
tsc_assert "fix mentions tcp_syncookies and somaxconn" grep -q 'tcp_syncookies=1 (now 1)' <<<"$out"
src=$(ip netns exec "$S" ss -Htn state syn-recv | awk '{print $NF}' | sed 's/:[0-9]*$//' | sort -u | wc -l)
tsc_assert "distinct sources match ss ($src)" grep -q "$src distinct source addresses" <<<"$out"

out=$("$TCPSCOPE" check --netns "$S" --nagios)
tsc_assert_eq "nagios exit 2" 2 "$?"
tsc_assert "nagios perfdata" grep -qE "^TCPSCOPE CRITICAL - syn-recv: .* 'syn_recv'=6[45];;;0" <<<"$out"
tsc_done
