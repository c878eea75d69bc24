# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for tests/e2e/tNNNN-*.sh (sourced, bash). Every test:
#   . "$TSC_SRCDIR/tests/e2e/lib.sh"
#   tsc_require_root                 # exit 77 (skip) only if we truly lack root
#   tsc_lab_up                       # or tsc_netns_pair, for a bare namespace pair
#   ... tsc_assert_eq / tsc_assert ...
#   tsc_done                         # summary; exit 1 if an assertion failed
# Everything a test creates (namespaces, labs, background processes) is
# registered and removed by the EXIT/INT/TERM trap, even on failure.

set -u

: "${TCPSCOPE:?TCPSCOPE must point at the built binary}"
: "${TSC_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

TSC_TEST=$(basename "$0" .sh)
TSC_UNIQ="$$"                       # unique per test process
TSC_FAILS=0
TSC_CHECKS=0
TSC_TMP=$(mktemp -d "/tmp/tsc-e2e-$TSC_UNIQ.XXXXXX")
_tsc_netns=()
_tsc_labs=()
_tsc_pids=()

tsc_log() { printf '# %s\n' "$*"; }
tsc_skip() { printf '1..0 # SKIP %s\n' "$*"; exit 77; }
tsc_fatal() { printf 'Bail out! %s\n' "$*"; exit 1; }

# Skips (77) without root or CAP_NET_ADMIN, or without a tool we need.
tsc_require_root() {
	[ "$(id -u)" -eq 0 ] || tsc_skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || tsc_skip "ip (iproute2) not installed"
	ip netns add "tsccap$TSC_UNIQ" 2>/dev/null || tsc_skip "cannot create network namespaces"
	ip netns del "tsccap$TSC_UNIQ"
}
tsc_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || tsc_skip "$c not installed"
	done
}

# A unique name with a prefix: tsc_name lab -> lab12345 (plus a counter).
_tsc_seq=0
tsc_name() {
	_tsc_seq=$((_tsc_seq + 1))
	printf '%s%s%s' "${1:-t}" "$TSC_UNIQ" "$_tsc_seq"
}

# tsc_netns_pair VAR_C VAR_S: two fresh namespaces joined by veth, with
# 10.250.9.1/24 + fd00:250:9::1/64 (client) and .2 / ::2 (server), lo up,
# IPv6 without DAD. Sets the two variables to the namespace names.
tsc_netns_pair() {
	local c s
	c=$(tsc_name tscc) s=$(tsc_name tscs)
	ip netns add "$c" || tsc_fatal "ip netns add $c"
	_tsc_netns+=("$c")
	ip netns add "$s" || tsc_fatal "ip netns add $s"
	_tsc_netns+=("$s")
	ip -n "$c" link add eth0 type veth peer name eth0 netns "$s" || tsc_fatal "veth"
	ip -n "$c" -batch - <<-EOF || tsc_fatal "client addresses"
		link set lo up
		addr add 10.250.9.1/24 dev eth0
		addr add fd00:250:9::1/64 dev eth0 nodad
		link set eth0 up
	EOF
	ip -n "$s" -batch - <<-EOF || tsc_fatal "server addresses"
		link set lo up
		addr add 10.250.9.2/24 dev eth0
		addr add fd00:250:9::2/64 dev eth0 nodad
		link set eth0 up
	EOF
	printf -v "$1" '%s' "$c"
	printf -v "$2" '%s' "$s"
}

# tsc_lab_up [VAR]: `tcpscope lab up` under a unique name (set in VAR,
# default TSC_LAB), registered for `lab down` at exit. Also sets
# TSC_LAB_C / TSC_LAB_S to its namespaces.
tsc_lab_up() {
	local name
	name=$(tsc_name t)
	_tsc_labs+=("$name")
	"$TCPSCOPE" lab up --name "$name" >"$TSC_TMP/lab-up.out" 2>&1 ||
		tsc_fatal "lab up failed: $(cat "$TSC_TMP/lab-up.out")"
	printf -v "${1:-TSC_LAB}" '%s' "$name"
	TSC_LAB_C="tsclab-$name-c"
	TSC_LAB_S="tsclab-$name-s"
}

# tsc_bg NS CMD...: starts CMD in the background (in namespace NS, or the
# current one if NS is "-"), registered to be killed at exit. Sets TSC_BG_PID
# to the pid of CMD itself (ip netns exec execs, so the pid is CMD's).
tsc_bg() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		"$@" &
	else
		ip netns exec "$ns" "$@" &
	fi
	TSC_BG_PID=$!
	_tsc_pids+=("$TSC_BG_PID")
}

# tsc_stop PID: stops one background process this test started.
tsc_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# tsc_wait_for SECONDS CMD...: retries CMD every 0.1 s until it succeeds.
tsc_wait_for() {
	local limit=$(($1 * 10)) i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.1
	done
	return 0
}

# Assertions: print TAP-like lines; failures are counted, the test goes on.
tsc_assert() {
	local what=$1
	shift
	TSC_CHECKS=$((TSC_CHECKS + 1))
	if "$@"; then
		printf 'ok %d - %s\n' "$TSC_CHECKS" "$what"
	else
		printf 'not ok %d - %s\n' "$TSC_CHECKS" "$what"
		TSC_FAILS=$((TSC_FAILS + 1))
	fi
}
tsc_assert_eq() { # WHAT EXPECTED ACTUAL
	TSC_CHECKS=$((TSC_CHECKS + 1))
	if [ "$2" = "$3" ]; then
		printf 'ok %d - %s\n' "$TSC_CHECKS" "$1"
	else
		printf 'not ok %d - %s\n# expected: %s\n# actual:   %s\n' "$TSC_CHECKS" "$1" \
			"$(printf '%s' "$2" | head -c 2000)" "$(printf '%s' "$3" | head -c 2000)"
		TSC_FAILS=$((TSC_FAILS + 1))
	fi
}
# tsc_assert_files_eq WHAT EXPECTED_FILE ACTUAL_FILE (shows a diff)
tsc_assert_files_eq() {
	TSC_CHECKS=$((TSC_CHECKS + 1))
	if cmp -s "$2" "$3"; then
		printf 'ok %d - %s\n' "$TSC_CHECKS" "$1"
	else
		printf 'not ok %d - %s\n' "$TSC_CHECKS" "$1"
		diff -u "$2" "$3" | head -40 | sed 's/^/# /'
		TSC_FAILS=$((TSC_FAILS + 1))
	fi
}

tsc_done() {
	printf '1..%d\n' "$TSC_CHECKS"
	if [ "$TSC_FAILS" -gt 0 ]; then
		printf '# %s: %d of %d checks failed\n' "$TSC_TEST" "$TSC_FAILS" "$TSC_CHECKS"
		exit 1
	fi
	[ "$TSC_CHECKS" -gt 0 ] || tsc_fatal "no checks ran"
	exit 0
}

# Removes everything registered; runs on every exit.
tsc_cleanup() {
	local rc=$? p n
	trap - EXIT INT TERM
	for p in "${_tsc_pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for n in "${_tsc_labs[@]}"; do
		"$TCPSCOPE" lab down --name "$n" >/dev/null 2>&1 ||
			echo "# warning: lab down --name $n failed" >&2
	done
	for n in "${_tsc_netns[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$TSC_TMP"
	exit $rc
}
trap tsc_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- comparisons with ss ------------------------------------------------

# tsc_ss_tuples NS [ss args...]: sorted "local peer" lines from `ss -tan`
# in NS (no header); IPv6 as [addr]:port like tcpscope. The last two fields
# are used because ss drops the State column when filtering one state.
tsc_ss_tuples() {
	local ns=$1
	shift
	ip netns exec "$ns" ss -tanH "$@" | awk '{print $(NF-1), $NF}' | sort
}

# tsc_sockets_tuples NS [sockets args...]: the same from tcpscope sockets
# (its text columns are State Recv-Q Send-Q Local Peer, as ss -tan).
tsc_sockets_tuples() {
	local ns=$1
	shift
	"$TCPSCOPE" --netns "$ns" sockets -H "$@" | awk '{print $4, $5}' | sort
}

# tsc_retry N CMD...: runs CMD up to N times, 1 s apart, until it succeeds
# (for comparisons of two snapshots of a table that may change in between,
# e.g. when the lab renews its TIME-WAIT connection).
tsc_retry() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		"$@" && return 0
		[ $i -lt $n ] && sleep 1
	done
	return 1
}

# tsc_bound_inactive NS: sorted "addr:port" of the bound-inactive sockets in
# NS (CLOSED in the socket table: bound, neither listening nor connected),
# straight from an inet_diag dump that asks for state bit 13
# (TCP_BOUND_INACTIVE, Linux 6.10+), which ss 6.1 cannot ask for. An
# independent check of what tcpscope shows as CLOSED.
tsc_bound_inactive() {
	ip netns exec "$1" python3 - <<'PY' | sort
import ipaddress, socket, struct
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
for fam in (socket.AF_INET, socket.AF_INET6):
    req = struct.pack("=BBBxI", fam, socket.IPPROTO_TCP, 0, 1 << 13) + b"\0" * 48
    req = req[:8] + b"\0" * 36 + struct.pack("=I2I", 0, 0xffffffff, 0xffffffff)
    nl.send(struct.pack("=IHHII", 16 + len(req), 20, 0x301, 1, 0) + req)
    done = False
    while not done:
        d = nl.recv(1 << 16)
        off = 0
        while off + 16 <= len(d):
            ln, typ = struct.unpack_from("=IH", d, off)
            if typ in (2, 3) or ln < 16:
                done = True
                break
            f, st = struct.unpack_from("=BB", d, off + 16)
            sport = struct.unpack_from("!H", d, off + 20)[0]
            raw = d[off + 24:off + 24 + (4 if f == socket.AF_INET else 16)]
            a = str(ipaddress.ip_address(raw))
            print(f"{a}:{sport}" if f == socket.AF_INET else f"[{a}]:{sport}")
            off += (ln + 3) & ~3
PY
}
