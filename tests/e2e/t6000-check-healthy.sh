#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` on a healthy namespace pair (a server echoing to 5 held clients)
# is OK with exit 0 in every output mode; bad input gives one-line errors
# (exit 2, or the plugin's UNKNOWN with exit 3 under --nagios).
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S

tsc_bg "$S" python3 "$tools" --hold 30 listen 8080 128 accept
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
tsc_bg "$C" python3 "$tools" --hold 30 connect 10.250.9.2 8080 5 hold
est() { [ "$(ip netns exec "$S" ss -Htn state established | wc -l)" -eq 5 ]; }
tsc_wait_for 5 est || tsc_fatal "5 connections not established"

for ns in "$S" "$C"; do
	out=$("$TCPSCOPE" check --netns "$ns")
	tsc_assert_eq "healthy $ns: exit 0" 0 "$?"
	tsc_assert "healthy $ns: headline" grep -q '^TCPSCOPE OK: 0 critical, 0 warning, 13 ok' <<<"$out"
done
out=$("$TCPSCOPE" check --netns "$S")
tsc_assert "5 ESTABLISHED counted" grep -q '^OK *established: 5 ESTABLISHED connections' <<<"$out"
out=$("$TCPSCOPE" check --netns "$S" --nagios --interval 1)
tsc_assert_eq "nagios OK exit 0" 0 "$?"
tsc_assert "nagios OK line" grep -qE "^TCPSCOPE OK - 6 sockets, all 13 checks OK \| 'established'=5;600;800;0 .*'retrans_pct'=0%;2;10;0;100" <<<"$out"
out=$("$TCPSCOPE" --netns "$S" check --json)
tsc_assert_eq "json OK exit 0" 0 "$?"
tsc_assert_eq "json document" "OK 0 5 1 13" "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["status"], d["exit_code"], d["states"]["ESTABLISHED"], d["states"]["LISTEN"], len(d["findings"]))' <<<"$out")"

# per-port thresholds
out=$("$TCPSCOPE" check --netns "$S" --port-warn 8080:3:10)
tsc_assert_eq "--port-warn 8080:3:10 with 5: exit 1" 1 "$?"
tsc_assert "per-port finding" grep -q '^WARNING *established-port: 5 ESTABLISHED connections on local port 8080' <<<"$out"
"$TCPSCOPE" check --netns "$S" --warn 2 --crit 4 >/dev/null
tsc_assert_eq "--warn 2 --crit 4 with 5: exit 2" 2 "$?"

# bad input: one line, exit 2; with --nagios UNKNOWN on stdout, exit 3
err=$("$TCPSCOPE" check --warn 900 --crit 800 2>&1)
tsc_assert_eq "warn > crit: exit 2" 2 "$?"
tsc_assert_eq "warn > crit: one line" "error: --warn (900) must not exceed --crit (800)" "$err"
err=$("$TCPSCOPE" check --warn -5 2>&1)
tsc_assert_eq "negative threshold: exit 2" 2 "$?"
tsc_assert "negative threshold: message" grep -q "^error: bad thresholds '-5' for --warn" <<<"$err"
err=$("$TCPSCOPE" check --threshold bogus=1:2 2>&1)
tsc_assert_eq "unknown rule: exit 2" 2 "$?"
tsc_assert "unknown rule names the valid ones" grep -q "^error: unknown rule 'bogus' (valid: established, syn-recv," <<<"$err"
err=$("$TCPSCOPE" check --threshold time-wait=95:90 2>&1)
tsc_assert_eq "rule warn > crit: exit 2" 2 "$?"
err=$("$TCPSCOPE" check --frobnicate 2>&1)
tsc_assert_eq "unknown option: exit 2" 2 "$?"
tsc_assert_eq "unknown option: one line" 1 "$(wc -l <<<"$err")"
out=$("$TCPSCOPE" check --nagios --warn 10 --crit 5 2>/dev/null)
tsc_assert_eq "nagios bad thresholds: exit 3" 3 "$?"
tsc_assert "nagios bad thresholds: UNKNOWN line" grep -q '^TCPSCOPE UNKNOWN - --warn (10) must not exceed --crit (5)$' <<<"$out"
out=$("$TCPSCOPE" check --nagios --netns "tscnone$$" 2>/dev/null)
tsc_assert_eq "nagios missing netns: exit 3" 3 "$?"
tsc_assert "nagios missing netns: UNKNOWN" grep -q "^TCPSCOPE UNKNOWN - network namespace 'tscnone$$' does not exist" <<<"$out"

# unreadable and malformed counter files
mkdir -p "$TSC_TMP/bad" "$TSC_TMP/empty"
head -c 300 /proc/self/net/snmp >"$TSC_TMP/bad/snmp"
cp /proc/self/net/netstat "$TSC_TMP/bad/netstat"
err=$("$TCPSCOPE" check --proc-net "$TSC_TMP/empty" 2>&1)
tsc_assert_eq "missing snmp: exit 3" 3 "$?"
tsc_assert_eq "missing snmp: message" "error: cannot read '$TSC_TMP/empty/snmp': No such file or directory" "$err"
out=$("$TCPSCOPE" check --nagios --proc-net "$TSC_TMP/bad")
tsc_assert_eq "truncated snmp, nagios: exit 3" 3 "$?"
tsc_assert "truncated snmp: UNKNOWN" grep -q "^TCPSCOPE UNKNOWN - cannot parse '$TSC_TMP/bad/snmp': malformed counters" <<<"$out"
tsc_done
