#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates the captured seeds of tests/corpus/{pcap,wire,sockdiag}/ (the
# hand-made ones, hand-*, are written by mkseed.py and kept as they are):
# a few seconds of real traffic (TCP v4/v6 with data, FIN and RST teardown,
# UDP, ICMP/ICMPv6 echo and unreachable, ARP/ND) between two private network
# namespaces, captured by tcpdump on the veth (Ethernet, also with nanosecond
# stamps) and on -i any (Linux cooked v2); mkseed.py re-encodes them as raw IP,
# NULL, LOOP, SLL and pcapng. (VLAN frames are hand-made: the kernel here has
# no 8021q.)
# Needs root; the namespaces are removed on any exit. Run from the repo root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
C=$SRC/tests/corpus
ns=tscseed$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del ${ns}a 2>/dev/null || true
	ip netns del ${ns}b 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add ${ns}a
ip netns add ${ns}b
ip link add veth0 netns ${ns}a type veth peer name veth0 netns ${ns}b
for n in a b; do
	i=$([ $n = a ] && echo 1 || echo 2)
	ip -n ${ns}$n link set lo up
	ip -n ${ns}$n addr add 10.250.77.$i/24 dev veth0
	ip -n ${ns}$n addr add fd00:250:77::$i/64 dev veth0 nodad
	ip -n ${ns}$n link set veth0 up
done
capture() { # name iface [tcpdump args]
	local name=$1 ifc=$2
	shift 2
	ip netns exec ${ns}a timeout 12 tcpdump -n -U -s 400 -i "$ifc" -w "$tmp/$name.pcap" "$@" \
		2>/dev/null &
	pids+=($!)
}
capture eth veth0
capture any any --immediate-mode
capture pcapng veth0 --time-stamp-precision=nano
sleep 1.5
ip netns exec ${ns}b python3 - <<'PY' &
import socket, threading, time
def serve(fam, addr):
    s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 9400)); s.listen(8); s.settimeout(8)
    try:
        for i in range(3):
            c, _ = s.accept(); d = c.recv(3000); c.sendall(d[::-1] * 2)
            if i == 1:  # RST teardown
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\1\0\0\0\0\0\0\0')
            c.close()
    except OSError:
        pass
for fam, a in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    threading.Thread(target=serve, args=(fam, a), daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 9401))
time.sleep(9)
PY
pids+=($!)
sleep 1
ip netns exec ${ns}a python3 - <<'PY'
import socket
for addr in ("10.250.77.2", "fd00:250:77::2", "10.250.77.2", "fd00:250:77::2"):
    try:
        s = socket.create_connection((addr, 9400), timeout=2)
        s.sendall(b"tcpscope seed " * 150); s.recv(5000); s.close()
    except OSError:
        pass
for addr in ("10.250.77.2", "fd00:250:77::2"):
    u = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"x" * 30, (addr, 9401)); u.sendto(b"y", (addr, 9402))
PY
ip netns exec ${ns}a ping -c 2 -i 0.2 -W 1 10.250.77.2 >/dev/null || true
ip netns exec ${ns}a ping -6 -c 2 -i 0.2 -W 1 fd00:250:77::2 >/dev/null || true
sleep 1
for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
mkdir -p "$C/pcap" "$C/wire" "$C/sockdiag"
cp "$tmp/eth.pcap" "$C/pcap/own-eth.pcap"
cp "$tmp/any.pcap" "$C/pcap/own-any-sll2.pcap"
cp "$tmp/pcapng.pcap" "$C/pcap/own-nano.pcap"
python3 "$SRC/tests/fuzz/mkseed.py" "$C" "$tmp"/eth.pcap "$tmp"/any.pcap
ls -l "$C"/pcap "$C"/wire | head -50
