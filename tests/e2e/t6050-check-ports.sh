#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `check` finds ephemeral port exhaustion for real: the client namespace gets
# ip_local_port_range "40000 40007" (8 ports) and connects + closes toward
# one server until connect() fails with EADDRNOTAVAIL (every port held in
# TIME_WAIT). The finding shows 8 of 8 ports toward 10.250.9.2:8080.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3
tools="$TSC_SRCDIR/tests/e2e/check-tools.py"
tsc_netns_pair C S
ip netns exec "$C" sysctl -qw net.ipv4.ip_local_port_range="40000 40007" || tsc_fatal "sysctl"

tsc_bg "$S" python3 "$tools" --hold 40 listen 8080 128 accept
tsc_wait_for 5 sh -c "ip netns exec $S ss -Hltn | grep -q ':8080 '" || tsc_fatal "no listener"
res=$(ip netns exec "$C" python3 "$tools" exhaust 10.250.9.2 8080 50)
tsc_assert_eq "connect failed with EADDRNOTAVAIL after 8" "errno=99 after 8" "$res"

out=$("$TCPSCOPE" check --netns "$C")
rc=$?
tsc_assert_eq "exhausted range is CRITICAL (exit 2)" 2 "$rc"
tsc_assert "finding ports" grep -q '^CRITICAL *ports: 8 of 8 local ports in use from 10.250.9.1 toward 10.250.9.2:8080 (100%)' <<<"$out"
tsc_assert "evidence: EADDRNOTAVAIL" grep -q 'exhausted: connect() to 10.250.9.2:8080 fails with EADDRNOTAVAIL' <<<"$out"
tsc_assert "evidence: range" grep -q 'ip_local_port_range 40000-40007: 8 ports' <<<"$out"
tsc_assert "fix: widen the range" grep -q 'widen' <<<"$out"
out=$("$TCPSCOPE" check --netns "$C" --nagios)
tsc_assert "nagios perfdata ports_pct" grep -q "'ports_pct'=100%;50;90;0;100" <<<"$out"
tsc_done
