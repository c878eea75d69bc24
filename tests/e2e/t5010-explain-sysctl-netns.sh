#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `tcpscope --netns NS explain SYSCTL` reads the CURRENT value of that
# namespace. In a fresh namespace every per-namespace sysctl with a fixed
# default must show exactly the kernel default we document (this checks our
# fact table against the running kernel), and values changed inside the
# namespace (only there) must show up. The namespace is removed on any exit.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3

T=$TCPSCOPE
NS=$(tsc_name tscexpl)
ip netns add "$NS" || tsc_fatal "ip netns add $NS"
_tsc_netns+=("$NS")

"$T" explain --json --list >"$TSC_TMP/list" || tsc_fatal "explain --list failed"
mapfile -t names < <(python3 -c "
import json
for t in json.load(open('$TSC_TMP/list'))['topics']:
    if t['kind'] == 'sysctl':
        print(t['name'])")
tsc_assert "the fact table lists the sysctls" [ "${#names[@]}" -ge 20 ]

checked=0
for n in "${names[@]}"; do
	"$T" --netns "$NS" explain --json "$n" >"$TSC_TMP/f" 2>&1 || {
		tsc_assert "explain $n" false
		continue
	}
	verdict=$(python3 -c "
import json
o = json.load(open('$TSC_TMP/f'))
if o['removed_in']:
    print('removed' if o['current'] is None else 'present:' + o['current'])
elif o['current'] is None:
    print('absent:' + str(o['current_error']))
elif o['default_note'] or not o['per_netns']:
    print('computed')
else:
    print('ok' if o['current'] == o['default'] and o['current_is_default'] else
          'mismatch: current %s, documented default %s' % (o['current'], o['default']))")
	case $verdict in
	ok) checked=$((checked + 1)); tsc_assert "$n: documented default = fresh namespace" true ;;
	computed) tsc_log "$n: default is computed at boot, not compared" ;;
	removed) tsc_assert "$n: removed sysctl is absent" true ;;
	absent:*) tsc_log "$n: not on this kernel (${verdict#absent:})" ;;
	*) tsc_assert_eq "$n: documented default vs fresh namespace" ok "$verdict" ;;
	esac
done
tsc_assert "at least 12 defaults compared with the kernel" [ "$checked" -ge 12 ]

# Values changed inside the namespace (never the host) are what explain shows.
ip netns exec "$NS" sh -c 'echo 23 > /proc/sys/net/ipv4/tcp_fin_timeout' ||
	tsc_fatal "cannot set tcp_fin_timeout in $NS"
ip netns exec "$NS" sh -c 'echo "40000 40099" > /proc/sys/net/ipv4/ip_local_port_range' ||
	tsc_fatal "cannot set ip_local_port_range in $NS"
o=$("$T" --netns "$NS" explain tcp_fin_timeout)
tsc_assert "changed value shown, not called default" grep -qE '^  Current: +23$' <<<"$o"
o=$("$T" --netns "$NS" explain ip_local_port_range)
tsc_assert "pair value shown normalized" grep -qE '^  Current: +40000 40099$' <<<"$o"
host=$(tr -s '\t ' ' ' </proc/sys/net/ipv4/ip_local_port_range)
o=$("$T" explain --json ip_local_port_range)
tsc_assert "host value unaffected" python3 -c "
import json, sys
sys.exit(0 if json.loads('''$o''')['current'] == '$host' else 1)"

# A value outside the range tune accepts is shown and flagged.
ip netns exec "$NS" sh -c 'echo 3 > /proc/sys/net/ipv4/tcp_syncookies' ||
	tsc_fatal "cannot set tcp_syncookies in $NS"
o=$("$T" --netns "$NS" explain tcp_syncookies)
tsc_assert "out-of-range current value flagged" \
	grep -qE '^  Current: +3 \(outside the valid range below\)$' <<<"$o"

# A namespace that does not exist is a runtime error, not a crash.
"$T" --netns "tscnone$$" explain tcp_fin_timeout >/dev/null 2>"$TSC_TMP/err"
tsc_assert_eq "missing namespace: exit 1" 1 "$?"
tsc_assert "missing namespace: message" grep -q "does not exist" "$TSC_TMP/err"

tsc_done
