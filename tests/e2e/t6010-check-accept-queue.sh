#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds accept-queue overflow for real: a server with listen(8) that
# never accept()s and 30 clients. The listener and its process are named,
# ListenOverflows grows over --interval, exit CRITICAL (2).
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S

tsc_bg "$S" python3 "$tools" --hold 40 listen 8080 8 noaccept
srv=$TSC_BG_PID
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
tsc_bg "$C" python3 "$tools" --hold 40 connect 10.250.9.2 8080 30 wait
full() { ip netns exec "$S" ss -Hltn | awk '$4 ~ /:8080$/ && $2 > $3 {f=1} END {exit !f}'; }
tsc_wait_for 10 full || tsc_fatal "accept queue never filled"

out=$("$TCPSCOPE" check --netns "$S")
rc=$?
tsc_assert_eq "full accept queue is CRITICAL (exit 2)" 2 "$rc"
tsc_assert "finding names listener and process" grep -q "^CRITICAL *accept-queue: accept queue full on 0.0.0.0:8080, python3 (pid $srv)" <<<"$out"
tsc_assert "evidence: queue 9 of backlog 8" grep -q "0.0.0.0:8080 python3 (pid $srv): accept queue 9 of backlog 8 (full)" <<<"$out"
tsc_assert "evidence: ListenOverflows" grep -q 'TcpExt.ListenOverflows [1-9]' <<<"$out"
tsc_assert "meaning: accept() missing" grep -q 'has not called' <<<"$out"

# the clients' SYN retransmissions keep overflowing the queue: a rate
out=$("$TCPSCOPE" check --netns "$S" --interval 3 --json)
tsc_assert_eq "with --interval still exit 2" 2 "$?"
tsc_assert_eq "ListenOverflows grew during the interval" yes "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
print("yes" if d["counters"]["TcpExt.ListenOverflows"] > 0 and d["interval_s"] == 3 else d["counters"])' <<<"$out")"

out=$("$TCPSCOPE" check --netns "$S" --nagios)
tsc_assert_eq "nagios exit 2" 2 "$?"
tsc_assert "nagios perfdata with fill" grep -q "^TCPSCOPE CRITICAL - accept-queue: .*'accept_queue_fill'=112.5%;50;100;0 " <<<"$out"
tsc_done
