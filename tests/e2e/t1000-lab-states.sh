#!/usr/bin/env bash
# `tcpscope lab up` builds real connections in all 11 TCP states, IPv4 and
# IPv6, in the namespaces it names; checked against the kernel with ss (and,
# for CLOSED, a raw inet_diag dump asking for bound-inactive sockets). Then
# status, a second up (refused), down (idempotent, removes everything).
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd ss nft python3

start=$(date +%s)
tsc_lab_up LAB
tsc_assert "lab up took under 20 s" [ $(($(date +%s) - start)) -lt 20 ]
tsc_assert "client namespace exists" [ -e "/var/run/netns/$TSC_LAB_C" ]
tsc_assert "server namespace exists" [ -e "/var/run/netns/$TSC_LAB_S" ]

# has NS SS_STATE PORT FAMILY: ss lists a socket in that state whose local or
# peer port is PORT (the lab's per-state port). With one state ss omits the
# State column: local and peer are the last two fields.
has() {
	ip netns exec "$1" ss -tanH "-$4" state "$2" |
		awk -v p=":$3" '$(NF-1) ~ p"$" || $NF ~ p"$" {n++} END {exit n ? 0 : 1}'
}
for fam in 4 6; do
	tsc_assert "IPv$fam LISTEN on 9510 (server)" has "$TSC_LAB_S" listening 9510 $fam
	tsc_assert "IPv$fam SYN-SENT to 9502 (client)" has "$TSC_LAB_C" syn-sent 9502 $fam
	tsc_assert "IPv$fam SYN-RECV on 9503 (server)" has "$TSC_LAB_S" syn-recv 9503 $fam
	tsc_assert "IPv$fam ESTABLISHED 9501 (client)" has "$TSC_LAB_C" established 9501 $fam
	tsc_assert "IPv$fam ESTABLISHED 9501 (server)" has "$TSC_LAB_S" established 9501 $fam
	tsc_assert "IPv$fam FIN-WAIT-1 to 9504 (client)" has "$TSC_LAB_C" fin-wait-1 9504 $fam
	tsc_assert "IPv$fam FIN-WAIT-2 to 9505 (client)" has "$TSC_LAB_C" fin-wait-2 9505 $fam
	tsc_assert "IPv$fam CLOSE-WAIT on 9505 (server)" has "$TSC_LAB_S" close-wait 9505 $fam
	tsc_assert "IPv$fam CLOSE-WAIT to 9508 (client)" has "$TSC_LAB_C" close-wait 9508 $fam
	tsc_assert "IPv$fam LAST-ACK on 9509 (server)" has "$TSC_LAB_S" last-ack 9509 $fam
	tsc_assert "IPv$fam TIME-WAIT to 9506 (client)" has "$TSC_LAB_C" time-wait 9506 $fam
	closing() { has "$TSC_LAB_C" closing 9511 $1 || has "$TSC_LAB_S" closing 9511 $1; }
	tsc_assert "IPv$fam CLOSING on 9511 (at least one side)" closing $fam
done
tsc_assert_eq "CLOSED: bound-inactive sockets on 9507 (client)" \
	"$(printf '%s\n' 10.250.0.1:9507 '[fd00:250::1]:9507' | sort)" "$(tsc_bound_inactive "$TSC_LAB_C")"
tsc_assert_eq "CLOSED: bound-inactive sockets on 9507 (server)" \
	"$(printf '%s\n' 10.250.0.2:9507 '[fd00:250::2]:9507' | sort)" "$(tsc_bound_inactive "$TSC_LAB_S")"
# nothing of the lab leaks into the host namespace
tsc_assert "no lab socket in the host namespace" \
	bash -c "! ss -tanH | grep -qE '10\.250\.0\.[12]:95(0[1-9]|1[01])'"
tsc_assert "no nftables table tsclab in the host namespace" \
	bash -c "! nft list tables 2>/dev/null | grep -q tsclab"

# the held states survive a while (the holder keeps them)
sleep 3
tsc_assert "FIN-WAIT-1 still held after 3 s" has "$TSC_LAB_C" fin-wait-1 9504 4
tsc_assert "LAST-ACK still held after 3 s" has "$TSC_LAB_S" last-ack 9509 6

"$TCPSCOPE" lab status --name "$LAB" >"$TSC_TMP/status" 2>&1
tsc_assert_eq "lab status exits 0" 0 $?
tsc_assert "status reports the holder running" grep -q "holder running" "$TSC_TMP/status"
json=$("$TCPSCOPE" lab status --name "$LAB" --json)
py_count() { # SIDE STATE -> count from status --json
	printf '%s' "$json" | python3 -c "import json,sys; d=json.load(sys.stdin)
print([n for n in d['namespaces'] if n['side']=='$1'][0]['states']['$2'])"
}
tsc_assert_eq "status --json counts LAST-ACK in the server namespace" 2 "$(py_count server LAST-ACK)"
tsc_assert_eq "status --json counts SYN-SENT in the client namespace" 2 "$(py_count client SYN-SENT)"

"$TCPSCOPE" lab up --name "$LAB" >/dev/null 2>"$TSC_TMP/err"
tsc_assert_eq "a second 'lab up' of the same name fails with 1" 1 $?
tsc_assert "and says it is already up" grep -q "already up" "$TSC_TMP/err"

pid=$(cat "/run/tcpscope-lab/$LAB.pid")
"$TCPSCOPE" lab down --name "$LAB" >/dev/null
tsc_assert_eq "lab down exits 0" 0 $?
tsc_assert "client namespace removed" bash -c "! ip netns list | grep -qw '$TSC_LAB_C'"
tsc_assert "server namespace removed" bash -c "! ip netns list | grep -qw '$TSC_LAB_S'"
gone() { # no such process, or a zombie not yet reaped by init
	local st
	st=$(ps -o stat= -p "$1")
	[ -z "$st" ] || [[ $st == Z* ]]
}
tsc_assert "holder stopped" gone "$pid"
tsc_assert "pid file removed" [ ! -e "/run/tcpscope-lab/$LAB.pid" ]
out=$("$TCPSCOPE" lab down --name "$LAB")
tsc_assert_eq "lab down again: exit 0, nothing to do" "lab '$LAB' was not up" "$out"
"$TCPSCOPE" lab status --name "$LAB" >/dev/null 2>&1
tsc_assert_eq "status of a lab that is down exits 1" 1 $?

# leftovers (namespaces without a holder) are cleaned by down
ip netns add "tsclab-$LAB-c"
"$TCPSCOPE" lab down --name "$LAB" >/dev/null
tsc_assert "down removes a leftover namespace" bash -c "! ip netns list | grep -qw 'tsclab-$LAB-c'"
tsc_done
