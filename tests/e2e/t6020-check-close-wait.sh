#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds a CLOSE_WAIT leak for real: a server that accepts and never
# close()s, 15 clients that close. The finding names the process and the
# port, says no sysctl fixes it, and the exit code is WARNING (1).
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S

tsc_bg "$S" python3 "$tools" --hold 30 listen 8080 64 noclose
srv=$TSC_BG_PID
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
ip netns exec "$C" python3 "$tools" connect 10.250.9.2 8080 15 close >/dev/null ||
	tsc_fatal "clients failed"
cw() { [ "$(ip netns exec "$S" ss -Htn state close-wait | wc -l)" -eq 15 ]; }
tsc_wait_for 5 cw || tsc_fatal "no 15 CLOSE_WAIT sockets on the server"

out=$("$TCPSCOPE" check --netns "$S")
rc=$?
tsc_assert_eq "CLOSE_WAIT leak is a WARNING (exit 1)" 1 "$rc"
tsc_assert "finding close-wait is WARNING" grep -q '^WARNING *close-wait: 15 CLOSE_WAIT sockets held by python3 (pid '"$srv"') on local port 8080' <<<"$out"
tsc_assert "evidence names process and port" grep -q "python3 (pid $srv), local port 8080: 15 CLOSE_WAIT" <<<"$out"
tsc_assert "fix: an application bug, no sysctl" grep -q 'No sysctl fixes this' <<<"$out"
tsc_assert "fix kind application" grep -q 'fix  *\[application\]' <<<"$out"

out=$("$TCPSCOPE" check --netns "$S" --threshold close-wait=5:12 --json)
rc=$?
tsc_assert_eq "over the critical threshold: exit 2" 2 "$rc"
tsc_assert_eq "JSON finding" "CRITICAL 15 application" "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
f = [f for f in d["findings"] if f["id"] == "close-wait"][0]
print(f["severity"], int(f["value"]), f["fix_kind"])' <<<"$out")"

out=$("$TCPSCOPE" check --netns "$S" --nagios)
rc=$?
tsc_assert_eq "nagios exit 1" 1 "$rc"
tsc_assert "nagios status line" grep -q "^TCPSCOPE WARNING - close-wait: 15 CLOSE_WAIT sockets held by python3 (pid $srv) on local port 8080 | .*'close_wait_max'=15;10;100;0 " <<<"$out"

# scoping: another process owns none of them
out=$("$TCPSCOPE" check --netns "$S" --process nosuchproc)
tsc_assert_eq "--process of another process: OK" 0 "$?"
out=$("$TCPSCOPE" check --netns "$S" --process "$srv")
tsc_assert_eq "--process PID of the server: WARNING" 1 "$?"
out=$("$TCPSCOPE" check --netns "$S" --port 9999)
tsc_assert_eq "--port elsewhere: OK" 0 "$?"
tsc_done
