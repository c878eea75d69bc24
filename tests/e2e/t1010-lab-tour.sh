#!/usr/bin/env bash
# `tcpscope lab tour` narrates all 11 states in diagram order, each with the
# real `sockets` output showing sockets in that state, finishes well under a
# minute and removes its lab; interrupted with SIGINT it removes it too.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root

name=$(tsc_name tour)
_tsc_labs+=("$name") # removed at exit should the tour fail to
start=$(date +%s)
"$TCPSCOPE" lab tour --name "$name" >"$TSC_TMP/tour" 2>"$TSC_TMP/tour.err"
rc=$?
took=$(($(date +%s) - start))
tsc_assert_eq "tour exits 0" 0 "$rc"
tsc_assert "tour took under 30 s ($took s)" [ "$took" -lt 30 ]
tsc_assert_eq "tour wrote nothing on stderr" "" "$(cat "$TSC_TMP/tour.err")"
headers=$(grep -E '^== [0-9]+/11 ' "$TSC_TMP/tour" | awk '{print $3}' | tr '\n' ' ')
tsc_assert_eq "11 states in diagram order" \
	"CLOSED LISTEN SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT " \
	"$headers"
# each section shows at least one real socket in its state (ss spelling)
for pair in CLOSED:UNCONN LISTEN:LISTEN SYN-SENT:SYN-SENT SYN-RECEIVED:SYN-RECV \
	ESTABLISHED:ESTAB FIN-WAIT-1:FIN-WAIT-1 FIN-WAIT-2:FIN-WAIT-2 CLOSE-WAIT:CLOSE-WAIT \
	CLOSING:CLOSING LAST-ACK:LAST-ACK TIME-WAIT:TIME-WAIT; do
	st=${pair%%:*} col=${pair#*:}
	n=$(awk -v h="$st" -v c="$col" '/^== / {in_s = ($3 == h)} in_s && $1 == c {n++} END {print n + 0}' \
		"$TSC_TMP/tour")
	tsc_assert "section $st shows sockets in $col ($n)" [ "$n" -ge 2 ]
	tsc_assert "section $st has its narration" \
		awk -v h="$st" '/^== / {in_s = ($3 == h)} in_s && /^  held by:/ {f = 1} END {exit !f}' "$TSC_TMP/tour"
done
tsc_assert "tour removed its client namespace" [ ! -e "/var/run/netns/tsclab-$name-c" ]
tsc_assert "tour removed its server namespace" [ ! -e "/var/run/netns/tsclab-$name-s" ]
tsc_assert "tour removed its pid file" [ ! -e "/run/tcpscope-lab/$name.pid" ]

# Ctrl-C: SIGINT to the tour while it runs (its output goes to a pipe that
# is read slowly, so it is still in the middle)
name2=$(tsc_name tour)
_tsc_labs+=("$name2")
"$TCPSCOPE" lab tour --name "$name2" > >(sleep 3; cat >/dev/null) 2>/dev/null &
tpid=$!
up() { [ -e "/var/run/netns/tsclab-$name2-s" ] && [ -e "/run/tcpscope-lab/$name2.pid" ]; }
tsc_assert "second tour built its lab" tsc_wait_for 20 up
kill -INT "$tpid"
wait "$tpid"
rc=$?
tsc_assert "interrupted tour exits non-zero ($rc)" [ "$rc" -ne 0 ]
tsc_assert "interrupted tour removed its namespaces" \
	bash -c "[ ! -e /var/run/netns/tsclab-$name2-c ] && [ ! -e /var/run/netns/tsclab-$name2-s ]"
tsc_assert "interrupted tour stopped its holder" [ ! -e "/run/tcpscope-lab/$name2.pid" ]
tsc_done
