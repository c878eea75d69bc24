#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpscope trace against real connections between two namespaces this test
# creates (client tscA<pid>, server tscB<pid>, veth, 10.250.7.0/24): normal
# close from each side, refused, RST (SO_LINGER 0), simultaneous close (FINs
# dropped by nftables inside the namespaces so the retransmissions cross), a
# half-open connection whose request socket dies without a child, an
# orphan whose FIN-WAIT-2 ends at its timer (tcp_fin_timeout 1 s in A).
# Asserts the exact RFC transition sequence of both endpoints, the kernel
# view against an independent bpftrace one-liner, --netns, ms_in_old, and
# SYN-RECEIVED reported at the SYN (before the client's ESTABLISHED).
set -u
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "no kernel BTF"; exit 77; }
TCPSCOPE=${TCPSCOPE:-build/tcpscope}
A=tscA$$ B=tscB$$
tmp=$(mktemp -d /tmp/tsc-t4000.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	sleep 0.3
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

if ! "$TCPSCOPE" trace --help >/dev/null; then fail "trace --help"; fi
ip netns add "$A" && ip netns add "$B" || fail "netns"
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B" || fail "veth"
ip -n "$A" addr add 10.250.7.1/24 dev veth-a && ip -n "$B" addr add 10.250.7.2/24 dev veth-b
ip -n "$A" link set veth-a up && ip -n "$B" link set veth-b up
ip -n "$A" link set lo up && ip -n "$B" link set lo up
inoA=$(stat -L -c %i /var/run/netns/"$A") inoB=$(stat -L -c %i /var/run/netns/"$B")
# inside the test's own namespace only: an orphan's FIN-WAIT-2 lasts 1 s
ip netns exec "$A" sysctl -q -w net.ipv4.tcp_fin_timeout=1 || fail "sysctl in $A"

start() { # name args...: start a tracer, wait until it has attached
	local name=$1; shift
	"$TCPSCOPE" trace "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q "^tracing" "$tmp/$name.err" && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$tmp/$name.err"; fail "tracer $name did not start"
}
start rfc --json --ringbuf 4096
start kern --json --kernel --ringbuf 4096
start nsA --json --netns "$A"
have_bt=0
if command -v bpftrace >/dev/null; then
	# bpftrace needs tracefs for the tracepoint: mount it in a private mount namespace
	unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; exec bpftrace -B line -e "
tracepoint:sock:inet_sock_set_state /args->protocol == 6 && ((args->sport >= 9400 && args->sport < 9420) || (args->dport >= 9400 && args->dport < 9420))/ {
  printf(\"%u %u %u %d %d\n\", ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum, args->sport, args->dport, args->oldstate, args->newstate);
} BEGIN { printf(\"READY\n\"); }"' >"$tmp/bt.out" 2>"$tmp/bt.err" &
	pids+=($!)
	for _ in $(seq 150); do grep -q READY "$tmp/bt.out" && break; sleep 0.1; done
	grep -q READY "$tmp/bt.out" && have_bt=1 || { echo "bpftrace did not start:"; cat "$tmp/bt.err"; }
fi

cat >"$tmp/drive.py" <<'PY'
import ctypes, os, socket, struct, subprocess, sys, time
A, B = sys.argv[1], sys.argv[2]
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
# a comm that JSON must escape (quote, backslash): trace's slow JSON path
libc.prctl(15, ctypes.c_char_p(b'drv"q\\x'), 0, 0, 0)
def enter(ns):
    fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit("setns " + ns + ": " + os.strerror(ctypes.get_errno()))
    os.close(fd)
def listener(port):
    enter(B); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.250.7.2", port)); s.listen(); return s
def client(cport, sport):
    enter(A); c = socket.socket(); c.bind(("10.250.7.1", cport))
    c.connect(("10.250.7.2", sport)); return c
def nft(ns, cmd):
    subprocess.run(["ip", "netns", "exec", ns, "nft", cmd], check=True)
# normal: the client closes first, the server after EOF
l = listener(9401); c = client(9411, 9401); a, _ = l.accept()
c.sendall(b"hello"); a.recv(10); c.close(); time.sleep(0.2); a.recv(10); a.close(); l.close()
# server-close: the server closes first
l = listener(9402); c = client(9412, 9402); a, _ = l.accept()
a.close(); time.sleep(0.1); c.recv(10); c.close(); l.close()
# refused: nobody listens
enter(A); c = socket.socket(); c.bind(("10.250.7.1", 9413))
try:
    c.connect(("10.250.7.2", 9403)); sys.exit("connect should fail")
except ConnectionRefusedError:
    pass
c.close()
# RST: the client aborts with SO_LINGER {1, 0}
l = listener(9404); c = client(9414, 9404); a, _ = l.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
time.sleep(0.1)
try:
    a.recv(10)
except ConnectionResetError:
    pass
a.close(); l.close()
# simultaneous close: incoming FINs dropped for 50 ms; the retransmissions cross
l = listener(9405); c = client(9415, 9405); a, _ = l.accept(); l.close()
rule = "add table inet tsc; add chain inet tsc in { type filter hook input priority 0; }; add rule inet tsc in tcp flags & fin == fin drop"
nft(A, rule); nft(B, rule)
c.close(); a.close(); time.sleep(0.05)
nft(A, "delete table inet tsc"); nft(B, "delete table inet tsc")
time.sleep(1.0)
# half-open: the client drops SYN-ACKs; the listener closes, so the request
# socket dies at its next SYN-ACK timer (~1 s) without ever having a child
nft(A, "add table inet tsc; add chain inet tsc in { type filter hook input priority 0; }; add rule inet tsc in tcp flags & (syn|ack) == (syn|ack) drop")
l = listener(9406)
enter(A); c = socket.socket(); c.bind(("10.250.7.1", 9416)); c.setblocking(False)
try:
    c.connect(("10.250.7.2", 9406))
except BlockingIOError:
    pass
time.sleep(0.3); l.close(); time.sleep(1.5); c.close()
nft(A, "delete table inet tsc")
# fin-timeout: the server never closes in time; the client's orphan leaves
# FIN-WAIT-2 at its timewait socket's timer (tcp_fin_timeout 1 s)
l = listener(9407); c = client(9417, 9407); a, _ = l.accept()
c.close(); time.sleep(2.0); a.close(); l.close()
PY
python3 "$tmp/drive.py" "$A" "$B" || fail "driver"
sleep 0.5
# deleting the namespaces ends their timewait sockets: TIME-WAIT -> CLOSED
ip netns del "$A"; ip netns del "$B"
sleep 0.6
for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
wait "${pids[@]}" 2>/dev/null
pids=()

python3 - "$tmp" "$inoA" "$inoB" "$have_bt" <<'PY' || fail "assertions (outputs above)"
import json, sys
tmp, inoA, inoB, have_bt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
def load(name):
    return [json.loads(l) for l in open(f"{tmp}/{name}.out") if l.strip()]
rfc, kern, nsa = load("rfc"), load("kern"), load("nsA")
for e in rfc[:1]:
    for k in ("ts", "pid", "comm", "local_addr", "local_port", "peer_addr", "peer_port",
              "old", "new", "ms_in_old", "method"):
        assert k in e, f"key {k} missing in {e}"
def seq(evs, ns, lport, pport):
    return [f"{e['old']}>{e['new']}" for e in evs
            if e["netns"] == ns and e["local_port"] == lport and e["peer_port"] == pport]
def path(s):
    return ">".join([s[0].split(">")[0]] + [x.split(">")[1] for x in s]) if s else "(none)"
want = {
    "normal client": ((inoA, 9411, 9401), "CLOSED>SYN-SENT>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>TIME-WAIT>CLOSED"),
    "normal server": ((inoB, 9401, 9411), "LISTEN>SYN-RECEIVED>ESTABLISHED>CLOSE-WAIT>LAST-ACK>CLOSED"),
    "server-close client": ((inoA, 9412, 9402), "CLOSED>SYN-SENT>ESTABLISHED>CLOSE-WAIT>LAST-ACK>CLOSED"),
    "server-close server": ((inoB, 9402, 9412), "LISTEN>SYN-RECEIVED>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>TIME-WAIT>CLOSED"),
    "refused client": ((inoA, 9413, 9403), "CLOSED>SYN-SENT>CLOSED"),
    "refused server": ((inoB, 9403, 9413), "(none)"),
    "rst client": ((inoA, 9414, 9404), "CLOSED>SYN-SENT>ESTABLISHED>CLOSED"),
    "rst server": ((inoB, 9404, 9414), "LISTEN>SYN-RECEIVED>ESTABLISHED>CLOSED"),
    # when the two retransmitted FINs do not cross in the same instant, one
    # side sees the ACK of its FIN first (FIN-WAIT-2); at least one CLOSING
    "half-open server": ((inoB, 9406, 9416), "LISTEN>SYN-RECEIVED>CLOSED"),
    "fin-timeout client": ((inoA, 9417, 9407), "CLOSED>SYN-SENT>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>CLOSED"),
    "fin-timeout server": ((inoB, 9407, 9417), "LISTEN>SYN-RECEIVED>ESTABLISHED>CLOSE-WAIT>LAST-ACK>CLOSED"),
    "simultaneous client": ((inoA, 9415, 9405), ("CLOSED>SYN-SENT>ESTABLISHED>FIN-WAIT-1>CLOSING>TIME-WAIT>CLOSED",
                                               "CLOSED>SYN-SENT>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>TIME-WAIT>CLOSED")),
    "simultaneous server": ((inoB, 9405, 9415), ("LISTEN>SYN-RECEIVED>ESTABLISHED>FIN-WAIT-1>CLOSING>TIME-WAIT>CLOSED",
                                               "LISTEN>SYN-RECEIVED>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>TIME-WAIT>CLOSED")),
}
bad = 0
for name, (key, exp) in want.items():
    got = path(seq(rfc, *key))
    print(f"{name:22} {got}")
    if got not in (exp if isinstance(exp, tuple) else (exp,)):
        print(f"  expected {exp}"); bad += 1
sim = path(seq(rfc, inoA, 9415, 9405)) + path(seq(rfc, inoB, 9405, 9415))
if "CLOSING" not in sim:
    print("simultaneous close: neither side went through CLOSING"); bad += 1
# the driver's comm went through JSON escaping intact
syn = next((e for e in rfc if e["netns"] == inoA and e["peer_port"] == 9401 and
            e["new"] == "SYN-SENT"), None)
if not syn or syn["comm"] != 'drv"q\\x':
    print("comm not escaped/decoded right:", syn and syn["comm"]); bad += 1
# SYN-RECEIVED at the SYN: before the client saw the SYN-ACK (ESTABLISHED)
def first(evs, ns, lport, pport, new):
    return next((e for e in evs if e["netns"] == ns and e["local_port"] == lport and
                 e["peer_port"] == pport and e["new"] == new), None)
for sp, cp in ((9401, 9411), (9402, 9412), (9404, 9414), (9405, 9415)):
    sr, est = first(rfc, inoB, sp, cp, "SYN-RECEIVED"), first(rfc, inoA, cp, sp, "ESTABLISHED")
    if not sr or not est or sr["ts_mono_ns"] > est["ts_mono_ns"] or sr["method"] not in ("synack", "fentry"):
        print(f"SYN-RECEIVED of server {sp} not at the SYN: {sr} / client {est}"); bad += 1
# the orphan's FIN-WAIT-2 -> TIME-WAIT when the peer's FIN arrives: the
# timewait socket's ACK (twack) precedes the server's LAST-ACK -> CLOSED
tw, la = first(rfc, inoA, 9411, 9401, "TIME-WAIT"), first(rfc, inoB, 9401, 9411, "CLOSED")
if not tw or not la or tw["method"] not in ("twack", "fentry") or tw["ts_mono_ns"] > la["ts_mono_ns"]:
    print("normal client TIME-WAIT not at the peer's FIN:", tw, la); bad += 1
# the half-open request died at its SYN-ACK timer, ~1 s after the SYN
ho = first(rfc, inoB, 9406, 9416, "CLOSED")
if not ho or ho["method"] not in ("inferred", "fentry") or not (800 <= (ho["ms_in_old"] or 0) <= 2500):
    print("half-open request end wrong:", ho); bad += 1
# the orphan's FIN-WAIT-2 ended at its timer, tcp_fin_timeout (1 s) after it
# began, reported by the kernel (twtimer) where the plan loads, else by a
# sock_diag poll (inferred, up to its interval late) or fentry
ft = first(rfc, inoA, 9417, 9407, "CLOSED")
# (when the orphan's socket was busy as the ACK of its FIN arrived, the
# kernel keeps the full socket in FIN-WAIT-2 on its keepalive timer, and the
# tracepoint itself reports the end: then no timewait timer is involved)
if "by their timers" in open(f"{tmp}/rfc.err").read() and \
        (not ft or ft["method"] not in ("twtimer", "inferred", "tracepoint")):
    print("the kernel reports timewait timers, but not this one:", ft); bad += 1
if not ft or ft["method"] not in ("twtimer", "inferred", "fentry", "tracepoint") or \
        not (900 <= (ft["ms_in_old"] or 0) <= (1300 if ft["method"] != "inferred" else 2000)):
    print("fin-timeout client end wrong:", ft); bad += 1
# the kernel's own view: no TIME-WAIT, the child's LISTEN -> SYN_RECV at the handshake
kexp = "CLOSED>SYN-SENT>ESTABLISHED>FIN-WAIT-1>FIN-WAIT-2>CLOSED"
got = path(seq(kern, inoA, 9411, 9401))
print(f"{'kernel normal client':22} {got}")
if got != kexp:
    print(f"  expected {kexp}"); bad += 1
methods = {e["method"] for e in rfc}
assert methods <= {"tracepoint", "fentry", "inferred", "synack", "twack", "twtimer"}, methods
assert {e["method"] for e in kern} == {"tracepoint"}, "kernel view has non-tracepoint events"
# time in CLOSE-WAIT of the normal server: the driver slept 0.2 s before close()
cw = [e for e in rfc if e["netns"] == inoB and e["local_port"] == 9401 and e["old"] == "CLOSE-WAIT"]
if not cw or not (190 <= cw[0]["ms_in_old"] <= 2000):
    print("CLOSE-WAIT ms_in_old wrong:", cw); bad += 1
# --netns A: only A's events, and all of them
if not nsa or any(e["netns"] != inoA for e in nsa):
    print("--netns filter wrong"); bad += 1
nA = [e for e in rfc if e["netns"] == inoA]
if len(nsa) != len(nA):
    print(f"--netns: {len(nsa)} events, unfiltered run saw {len(nA)} in A"); bad += 1
# bpftrace on the same tracepoint: identical kernel sequences per endpoint
if have_bt:
    names = {1: "ESTABLISHED", 2: "SYN-SENT", 3: "SYN-RECEIVED", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2",
             6: "TIME-WAIT", 7: "CLOSED", 8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING"}
    bt = {}
    for l in open(f"{tmp}/bt.out"):
        f = l.split()
        if len(f) != 5 or int(f[0]) not in (inoA, inoB):
            continue
        bt.setdefault((int(f[0]), int(f[1]), int(f[2])), []).append(f"{names[int(f[3])]}>{names[int(f[4])]}")
    ours = {}
    for e in kern:
        if e["netns"] in (inoA, inoB) and (9400 <= e["local_port"] < 9420 or 9400 <= e["peer_port"] < 9420):
            ours.setdefault((e["netns"], e["local_port"], e["peer_port"]), []).append(f"{e['old']}>{e['new']}")
    if bt != ours:
        print("bpftrace and trace --kernel disagree:\n bpftrace", bt, "\n tcpscope", ours); bad += 1
    else:
        print(f"bpftrace agrees on {len(bt)} endpoints, {sum(map(len, bt.values()))} transitions")
sys.exit(1 if bad else 0)
PY
# drops are reported, never silent (other traffic on the machine may cause them)
for n in rfc kern nsA; do
	grep "dropped" "$tmp/$n.err" && echo "note: tracer $n reported drops"
done
echo "ok"
