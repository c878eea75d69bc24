#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpscope flows -i on a veth inside a private netns pair: one real connection
# (python sockets: connect, request/response, client close, server close),
# then SIGINT: the JSON line must show the client CLOSED -> ... -> TIME-WAIT
# and the server LISTEN -> ... -> CLOSED, and --summary must come out on
# Ctrl-C. Namespaces are removed on any exit.
set -u
T=${TCPSCOPE:?}
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
ns=tsc7030$$
tmp=$(mktemp -d)
cleanup() {
	[ -n "${p1:-}" ] && kill "$p1" 2>/dev/null
	[ -n "${p2:-}" ] && kill "$p2" 2>/dev/null
	ip netns del ${ns}a 2>/dev/null
	ip netns del ${ns}b 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add ${ns}a && ip netns add ${ns}b || exit 1
ip link add v$$a netns ${ns}a type veth peer name v$$b netns ${ns}b || exit 1
ip -n ${ns}a addr add 10.250.73.1/24 dev v$$a
ip -n ${ns}b addr add 10.250.73.2/24 dev v$$b
for n in a b; do
	ip -n ${ns}$n link set v$$$n up
	ip -n ${ns}$n link set lo up
done
ip netns exec ${ns}a timeout 30 "$T" flows -i v$$a --json 'tcp port 9730' >"$tmp/out.json" 2>"$tmp/err" &
p1=$!
ip netns exec ${ns}a timeout 30 "$T" flows -i v$$a --summary 'tcp port 9730' >"$tmp/sum.txt" 2>"$tmp/err2" &
p2=$!
sleep 1.5
ip netns exec ${ns}b python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.250.73.2", 9730)); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.recv(100); c.sendall(b"y" * 100)
c.recv(100)  # EOF after the client closes
time.sleep(0.2); c.close(); time.sleep(0.5)' >"$tmp/srv" &
sleep 0.5
ip netns exec ${ns}a python3 -c '
import socket, time
c = socket.create_connection(("10.250.73.2", 9730), timeout=5)
c.sendall(b"x" * 100); c.recv(100); c.close(); time.sleep(1)'
wait %3 2>/dev/null
sleep 0.5
kill -INT $p1 $p2
wait $p1; r1=$?
wait $p2; r2=$?
p1= p2=
fail=0
[ $r1 = 0 ] && [ $r2 = 0 ] || { echo "FAIL: exit codes $r1 $r2: $(cat "$tmp/err" "$tmp/err2")"; fail=1; }
python3 - "$tmp/out.json" <<'PY' || fail=1
import json, sys
c = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(c) == 1, "want 1 connection, got %d" % len(c)
c = c[0]
cs = [s["state"] for s in c["client"]["states"]]
ss = [s["state"] for s in c["server"]["states"]]
want_c = ["CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"]
want_s = ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"]
ok = cs == want_c and ss == want_s and c["conn_state"] == "SF"
print("%s live: client %s, server %s, %s" % ("ok  " if ok else "FAIL", cs, ss, c["conn_state"]))
sys.exit(0 if ok else 1)
PY
grep -q "^connections 1 " "$tmp/sum.txt" && echo "ok   summary printed on SIGINT" ||
	{ echo "FAIL: no summary: $(head -3 "$tmp/sum.txt")"; fail=1; }
exit $fail
