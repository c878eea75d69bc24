#!/usr/bin/env bash
# With the lab up, `tcpscope states` (text and --json) counts per state what
# `ss -tan` lists, in both namespaces, for all, IPv4 only and IPv6 only.
# CLOSED is compared with the raw inet_diag dump of bound-inactive sockets
# (ss 6.1 cannot list them).
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd ss python3

tsc_lab_up LAB

# expected NS [-4|-6]: "RFC-NAME COUNT" lines, diagram order, then total
expected() {
	local ns=$1 fam=${2:-}
	{
		ip netns exec "$ns" ss -tanH $fam state all | awk '{print $1}'
		tsc_bound_inactive "$ns" | case $fam in
			-4) grep -v '^\[' ;; -6) grep '^\[' ;; *) cat ;; esac | sed 's/.*/UNCONN/'
	} | awk '
	BEGIN { split("UNCONN LISTEN SYN-SENT SYN-RECV ESTAB FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT", ss, " ")
		split("CLOSED LISTEN SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT", rfc, " ") }
	{ n[$1]++; t++ }
	END { for (i = 1; i <= 11; i++) print rfc[i], n[ss[i]] + 0; print "total", t + 0 }'
}
# text output "STATE COUNT" in netstat spelling -> RFC names
actual_text() {
	"$TCPSCOPE" --netns "$1" states ${2:-} | awk '
	BEGIN { m["CLOSE"]="CLOSED"; m["SYN_SENT"]="SYN-SENT"; m["SYN_RECV"]="SYN-RECEIVED"
		m["FIN_WAIT1"]="FIN-WAIT-1"; m["FIN_WAIT2"]="FIN-WAIT-2"; m["CLOSE_WAIT"]="CLOSE-WAIT"
		m["LAST_ACK"]="LAST-ACK"; m["TIME_WAIT"]="TIME-WAIT"; m["TOTAL"]="total" }
	NR > 1 { print ($1 in m ? m[$1] : $1), $2 }'
}
actual_json() {
	"$TCPSCOPE" --netns "$1" states --json ${2:-} | python3 -c 'import json, sys
d = json.load(sys.stdin)
for k in ["CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
          "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"]:
    print(k, d["states"][k])
print("total", d["total"])'
}
same() {
	exp=$(expected "$1" "${3:-}")
	act=$("$2" "$1" "${3:-}")
	[ "$exp" = "$act" ]
}
for side in c s; do
	ns=tsclab-$LAB-$side
	for fam in "" -4 -6; do
		for how in actual_text actual_json; do
			tsc_retry 3 same "$ns" "$how" "$fam"
			tsc_assert_eq "$ns states ${fam:-(all)} ${how#actual_}: counts equal ss" "$exp" "$act"
		done
	done
	total=$(expected "$ns" | awk '$1 == "total" {print $2}')
	tsc_assert "$ns: the lab has at least 16 sockets there ($total)" [ "$total" -ge 16 ]
done
tsc_done
