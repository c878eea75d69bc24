#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `sockets -p` by BPF task_file iterator (bpf/iter.h tsc_bpf_iter_procmap,
# the default) versus the /proc scan (TSC_BPF_ITER=0): with the lab up plus
# processes of this test holding sockets -- a listener shared with a forked
# child, a socket opened by a thread (shared fd table: one owner), a socket
# opened by a thread with its own fd table (unshare(CLONE_FILES): not in
# /proc/<pid>/fd, so no owner, as ss says), a 24-character comm the kernel
# cuts to 15 -- both paths print identical `sockets -a -p` and `states --by
# process` in both namespaces, and both give the owners `ss -tanp` gives.
# strace proves the default really runs the iterator and TSC_BPF_ITER=0 does
# not; as an unprivileged user the iterator cannot load and the /proc scan
# takes over silently; in a child pid namespace pids are that namespace's.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd python3 ss setpriv unshare
[ -r /sys/kernel/btf/vmlinux ] || tsc_skip "no kernel BTF"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
OWNERS="$TSC_SRCDIR/bench/owners.py"
tsc_lab_up LAB
S=$TSC_LAB_S C=$TSC_LAB_C

# The server: listener 9700 + accepted socket, shared with a forked child;
# 9701 from a thread (same fd table); 9702 from a thread with its own table.
cat >"$TSC_TMP/srv.py" <<'PY'
import ctypes, os, signal, socket, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, b"tsc-owner-test-long-name", 0, 0, 0)  # PR_SET_NAME
keep = []

def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.250.0.2", port))
    s.listen(8)
    return s

lst = listener(9700)
ev1, ev2 = threading.Event(), threading.Event()

def shared():
    keep.append(listener(9701))
    ev1.set()
    time.sleep(90)

def private():
    if libc.unshare(0x400) != 0:  # CLONE_FILES
        os._exit(3)
    keep.append(listener(9702))
    ev2.set()
    time.sleep(90)

for fn, ev in ((shared, ev1), (private, ev2)):
    threading.Thread(target=fn, daemon=True).start()
    ev.wait(10)
conn, _ = lst.accept()
child = os.fork()
if child == 0:
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    time.sleep(90)
    os._exit(0)
open(sys.argv[1], "w").write("%d\n" % child)
time.sleep(90)
PY
tsc_bg "$S" "$PY" "$TSC_TMP/srv.py" "$TSC_TMP/srv.ready"
srv=$TSC_BG_PID
listening() { ip netns exec "$S" ss -tlnH sport = :9700 | grep -q .; }
tsc_assert "test listener is up" tsc_wait_for 10 listening
tsc_bg "$C" "$PY" -c '
import ctypes, socket, time
ctypes.CDLL(None).prctl(15, b"tsc client", 0, 0, 0)
c = socket.create_connection(("10.250.0.2", 9700)); time.sleep(90)'
cli=$TSC_BG_PID
tsc_assert "server forked its child" tsc_wait_for 10 test -s "$TSC_TMP/srv.ready"
child=$(cat "$TSC_TMP/srv.ready")
tsc_log "server pid $srv, child $child, client $cli"

# -- both paths print the same, and the same owners as ss -tanp ------------
same_text() { # NS ARGS...
	local ns=$1
	shift
	"$TCPSCOPE" --netns "$ns" "$@" >"$TSC_TMP/bpf.out" &&
		TSC_BPF_ITER=0 "$TCPSCOPE" --netns "$ns" "$@" >"$TSC_TMP/proc.out" &&
		cmp -s "$TSC_TMP/bpf.out" "$TSC_TMP/proc.out"
}
# ss 6.1 cannot ask for bound-inactive (CLOSED) sockets, which tcpscope
# lists: owners are compared on the sockets ss lists.
same_as_ss() { # NS ENV...
	local ns=$1
	shift
	ip netns exec "$ns" ss -tanpH >"$TSC_TMP/ss.txt" &&
		python3 "$OWNERS" ss <"$TSC_TMP/ss.txt" >"$TSC_TMP/ss.own" &&
		env "$@" "$TCPSCOPE" --netns "$ns" --json sockets -a -p |
		python3 "$OWNERS" tcpscope |
		awk 'NR == FNR { k[$4 " " $5] = 1; next } ($1 " " $2) in k' "$TSC_TMP/ss.txt" - \
			>"$TSC_TMP/tsc.own" &&
		cmp -s "$TSC_TMP/ss.own" "$TSC_TMP/tsc.own"
}
for ns in "$S" "$C"; do
	tsc_retry 3 same_text "$ns" sockets -a -p
	tsc_assert_files_eq "$ns: sockets -a -p, iterator = /proc scan" "$TSC_TMP/proc.out" \
		"$TSC_TMP/bpf.out"
	tsc_retry 3 same_text "$ns" --json sockets -a -p -e
	tsc_assert_files_eq "$ns: --json sockets -a -p -e, iterator = /proc scan" \
		"$TSC_TMP/proc.out" "$TSC_TMP/bpf.out"
	tsc_retry 3 same_text "$ns" --json states --by process
	tsc_assert_files_eq "$ns: states --by process, iterator = /proc scan" \
		"$TSC_TMP/proc.out" "$TSC_TMP/bpf.out"
	for mode in TSC_X=1 TSC_BPF_ITER=0; do
		tsc_retry 3 same_as_ss "$ns" "$mode"
		tsc_assert_files_eq "$ns: owners of ss -tanp = tcpscope ($mode)" "$TSC_TMP/ss.own" \
			"$TSC_TMP/tsc.own"
	done
done

# -- what the iterator says about the test's own sockets ---------------------
owners() { # PORT: "pid fd comm" of the listener on PORT, by the iterator
	"$TCPSCOPE" --netns "$S" --json sockets -l -p --sport "$1" | python3 -c 'import json, sys
for s in json.load(sys.stdin)["sockets"]:
    for p in s.get("processes", []):
        print(p["pid"], p["fd"], p["comm"])'
}
first=$(printf '%s\n' "$srv" "$child" | sort -n | head -1)
second=$(printf '%s\n' "$srv" "$child" | sort -n | tail -1)
tsc_assert_eq "9700: the server and its forked child, sorted by pid, comm cut to 15" \
	"$(printf '%s 3 tsc-owner-test-\n%s 3 tsc-owner-test-' "$first" "$second")" "$(owners 9700)"
tsc_assert_eq "9701 (a thread's socket, shared fd table): once per process (+ the child)" \
	"$(printf '%s 4 tsc-owner-test-\n%s 4 tsc-owner-test-' "$first" "$second")" "$(owners 9701)"
tsc_assert_eq "9702 (a thread with its own fd table): no owner, as /proc/PID/fd" "" \
	"$(owners 9702)"
tsc_assert "ss agrees that 9702 has no owner" \
	sh -c "! ip netns exec '$S' ss -tlnpH sport = :9702 | grep -q users"
tsc_assert "the client's comm with a blank" \
	sh -c "'$TCPSCOPE' --netns '$C' sockets -p --dport 9700 -H | grep -q '\"tsc client\",pid=$cli,fd=3'"

# -- the iterator really runs by default, not with TSC_BPF_ITER=0 -----------
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=bpf -o "$TSC_TMP/strace" \
		"$TCPSCOPE" --netns "$S" sockets -a -p >/dev/null
	tsc_assert "sockets -p creates a BPF iterator by default" \
		grep -q BPF_ITER_CREATE "$TSC_TMP/strace"
	ASAN_OPTIONS=detect_leaks=0 TSC_BPF_ITER=0 strace -f -e trace=bpf -o "$TSC_TMP/strace2" \
		"$TCPSCOPE" --netns "$S" sockets -a -p >/dev/null
	tsc_assert "TSC_BPF_ITER=0 makes no bpf() call" \
		sh -c "! grep -q 'bpf(' '$TSC_TMP/strace2'"
fi

# -- unprivileged: the iterator cannot load, /proc takes over silently -------
nobody() { # ENV...: sockets -a -p in the server namespace as uid 65534
	ip netns exec "$S" env "$@" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TCPSCOPE" sockets -a -p
}
unpriv_same() {
	nobody TSC_X=1 >"$TSC_TMP/nb-bpf.out" 2>"$TSC_TMP/nb-bpf.err" &&
		nobody TSC_BPF_ITER=0 >"$TSC_TMP/nb-proc.out" 2>/dev/null &&
		cmp -s "$TSC_TMP/nb-bpf.out" "$TSC_TMP/nb-proc.out"
}
tsc_retry 3 unpriv_same
tsc_assert_files_eq "as nobody: fallback output = /proc scan" "$TSC_TMP/nb-proc.out" \
	"$TSC_TMP/nb-bpf.out"
tsc_assert "as nobody: no error, only the 'not permitted' note" \
	sh -c "! grep -v 'could not be inspected' '$TSC_TMP/nb-bpf.err' | grep -q ."
tsc_assert "as nobody: root's sockets show no owner" \
	sh -c "! grep -q 'pid=$srv,' '$TSC_TMP/nb-bpf.out'"

# -- a child pid namespace: pids as numbered there ----------------------------
ip netns exec "$S" unshare --pid --fork --mount-proc bash -c '
	"$1" -c "import socket, time
s = socket.socket(); s.bind((\"10.250.0.2\", 9703)); s.listen(1); time.sleep(20)" &
	inner=$!
	for _ in $(seq 50); do ss -tlnH sport = :9703 | grep -q . && break; sleep 0.1; done
	echo "$inner" >"$3/inner.pid"
	"$2" sockets -l -p -H --sport 9703 >"$3/pidns-bpf.out"
	TSC_BPF_ITER=0 "$2" sockets -l -p -H --sport 9703 >"$3/pidns-proc.out"
	kill $inner' _ "$PY" "$TCPSCOPE" "$TSC_TMP"
inner=$(cat "$TSC_TMP/inner.pid")
tsc_assert_files_eq "child pid namespace: iterator = /proc scan" "$TSC_TMP/pidns-proc.out" \
	"$TSC_TMP/pidns-bpf.out"
tsc_assert "child pid namespace: the owner's pid is the namespace's ($inner)" \
	grep -q "\"python3\",pid=$inner,fd=3" "$TSC_TMP/pidns-bpf.out"

tsc_stop "$cli"
tsc_stop "$srv"
tsc_done
