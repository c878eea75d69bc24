#!/usr/bin/env bash
# `tcpscope sockets -p` names the process that owns a socket: the test starts
# its own listener (and a client connected to it) in the lab's namespaces and
# checks the pids in the text and JSON output.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
tsc_lab_up LAB

tsc_bg "$TSC_LAB_S" "$PY" -c '
import socket, time
s = socket.socket(); s.bind(("10.250.0.2", 9600)); s.listen(4)
c, _ = s.accept(); time.sleep(60)'
srv=$TSC_BG_PID
listening() { ip netns exec "$TSC_LAB_S" ss -tlnH sport = :9600 | grep -q .; }
tsc_assert "test listener is up" tsc_wait_for 10 listening
tsc_bg "$TSC_LAB_C" "$PY" -c '
import socket, time
c = socket.create_connection(("10.250.0.2", 9600)); time.sleep(60)'
cli=$TSC_BG_PID
established() { ip netns exec "$TSC_LAB_C" ss -tnH state established dport = :9600 | grep -q .; }
tsc_assert "test client is connected" tsc_wait_for 10 established

out=$("$TCPSCOPE" --netns "$TSC_LAB_S" sockets -l -p --sport 9600 -H)
tsc_assert "text: the listener is owned by pid $srv" \
	grep -q "LISTEN .*users:((\"python3\",pid=$srv,fd=3))" <<<"$out"
out=$("$TCPSCOPE" --netns "$TSC_LAB_C" sockets -p --dport 9600 -H)
tsc_assert "text: the client socket is owned by pid $cli" grep -q "pid=$cli," <<<"$out"
json=$("$TCPSCOPE" --netns "$TSC_LAB_S" --json sockets -a -p --sport 9600)
pids=$(printf '%s' "$json" | python3 -c 'import json,sys
for s in json.load(sys.stdin)["sockets"]:
    print(s["state"], *[p["pid"] for p in s.get("processes", [])])' | sort)
tsc_assert_eq "json: listener and accepted socket belong to pid $srv" \
	"$(printf 'ESTABLISHED %s\nLISTEN %s' "$srv" "$srv")" "$pids"
# the lab's own sockets belong to the holder
holder=$(cat "/run/tcpscope-lab/$LAB.pid")
out=$("$TCPSCOPE" --netns "$TSC_LAB_S" sockets -l -p --sport 9510 -H)
tsc_assert "the lab's listener on 9510 is owned by its holder ($holder)" \
	grep -q "\"tsclab-holder\",pid=$holder," <<<"$out"
tsc_stop "$cli"
tsc_stop "$srv"
tsc_done
