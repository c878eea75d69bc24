#!/usr/bin/env bash
# Live capture in a private netns pair joined by veth, while tcpdump captures
# the same interface with the same filter: both -w files must decode to the
# same packets, and tcpscope's live output must match tcpdump's reading of
# its own file. Namespaces are removed on any exit.
set -u
T=${TCPSCOPE:?}
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
command -v tcpdump >/dev/null || { echo "tcpdump missing"; exit 77; }
ns=tsc3001$$
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
ip -n ${ns}a addr add 10.250.31.1/24 dev v$$a
ip -n ${ns}b addr add 10.250.31.2/24 dev v$$b
ip -n ${ns}a link set v$$a up
ip -n ${ns}b link set v$$b up
ip -n ${ns}a link set lo up
ip -n ${ns}b link set lo up
filter='tcp port 9310'
ip netns exec ${ns}a timeout 20 tcpdump -n -i v$$a -U -w "$tmp/td.pcap" $filter 2>/dev/null &
p1=$!
ip netns exec ${ns}a timeout 20 "$T" capture -n -l -i v$$a -U -w "$tmp/ts.pcap" $filter \
	2>"$tmp/ts.err" &
p2=$!
ip netns exec ${ns}a timeout 20 "$T" capture -n -l -i v$$a $filter >"$tmp/live.txt" \
	2>/dev/null &
p3=$!
sleep 2
ip netns exec ${ns}b timeout 10 python3 - <<'PY' &
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.250.31.2", 9310)); s.listen(1)
c, _ = s.accept(); d = c.recv(100); c.sendall(d.upper()); c.close()
PY
sleep 0.5
ip netns exec ${ns}a timeout 10 python3 -c '
import socket
s = socket.create_connection(("10.250.31.2", 9310)); s.sendall(b"hello tcpscope\n"); s.recv(100); s.close()'
sleep 1.5
kill -INT $p1 $p2 $p3 2>/dev/null
wait $p1 $p2 $p3 2>/dev/null
p1= p2=
fail=0
grep -q "packets captured" "$tmp/ts.err" || { echo "no end-of-capture statistics"; cat "$tmp/ts.err"; fail=1; }
tcpdump -n -r "$tmp/td.pcap" 2>/dev/null | cut -d' ' -f2- >"$tmp/td.txt"
"$T" capture -n -r "$tmp/ts.pcap" 2>/dev/null | cut -d' ' -f2- >"$tmp/ts.txt"
cut -d' ' -f2- "$tmp/live.txt" >"$tmp/live2.txt"
n=$(wc -l <"$tmp/td.txt")
[ "$n" -ge 8 ] || { echo "tcpdump saw only $n packets"; fail=1; }
diff "$tmp/td.txt" "$tmp/ts.txt" || { echo "-w files differ"; fail=1; }
diff "$tmp/td.txt" "$tmp/live2.txt" || { echo "live output differs"; fail=1; }
[ $fail -eq 0 ] && echo "ok: $n packets identical"
exit $fail
