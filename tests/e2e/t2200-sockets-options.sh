#!/usr/bin/env bash
# With the lab up: the -o/-e/-i/-m extras and the port/address filters of
# `tcpscope sockets` agree with ss on the same sockets; the default state set
# is every state but LISTEN and CLOSED; --json with every extra is valid JSON
# with the documented keys; `states` continuous mode and --by breakdowns agree
# with counts computed from ss.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd ss python3

tsc_lab_up LAB
C=$TSC_LAB_C
S=$TSC_LAB_S
T=$TCPSCOPE

# Normalise ss's addresses to ours: ss -n prints IPv6 as [a]:p already, and
# v4 as a:p; both print '*' for port 0.
ss_tuples() { # NS SS-ARGS... -> "local peer" sorted
	local ns=$1
	shift
	ip netns exec "$ns" ss -tanH "$@" | awk '{print $(NF-1), $NF}' | sort
}
ts_tuples() { # NS TCPSCOPE-SOCKETS-ARGS... -> "local peer" sorted, without
	# CLOSED (bound-inactive) sockets, which ss 6.1 cannot dump
	local ns=$1
	shift
	"$T" --netns "$ns" sockets -H "$@" | awk '$1 != "UNCONN" {print $4, $5}' | sort
}

for ns in "$C" "$S"; do
	# default: all but LISTEN and CLOSED
	tsc_assert_eq "$ns: default state set = ss all minus listening/closed" \
		"$(ip netns exec "$ns" ss -tanH state all exclude listening exclude closed |
			awk '{print $4, $5}' | sort)" \
		"$(ts_tuples "$ns")"
	# filters against ss's own filter language
	tsc_assert_eq "$ns: --sport 9501" "$(ss_tuples "$ns" state all sport = :9501)" \
		"$(ts_tuples "$ns" -a --sport 9501)"
	tsc_assert_eq "$ns: --dport 9505" "$(ss_tuples "$ns" state all dport = :9505)" \
		"$(ts_tuples "$ns" -a --dport 9505)"
	tsc_assert_eq "$ns: --port 9511 (either side)" \
		"$(ss_tuples "$ns" state all '(' sport = :9511 or dport = :9511 ')')" \
		"$(ts_tuples "$ns" -a --port 9511)"
	tsc_assert_eq "$ns: --src 10.250.0.0/24" "$(ss_tuples "$ns" state all src 10.250.0.0/24)" \
		"$(ts_tuples "$ns" -a --src 10.250.0.0/24)"
	tsc_assert_eq "$ns: --dst fd00:250::/64" \
		"$(ss_tuples "$ns" state all dst fd00:250::/64)" \
		"$(ts_tuples "$ns" -a --dst fd00:250::/64)"
	tsc_assert_eq "$ns: --src with a non-matching prefix lists nothing" "" \
		"$(ts_tuples "$ns" -a --src 192.0.2.0/24)"

	# -e: inode of every socket as ss -e shows it (timewait/request sockets: 0)
	tsc_assert_eq "$ns: -e inodes match ss -e" \
		"$(ip netns exec "$ns" ss -taneH state all exclude closed 2>/dev/null | awk '{
			ino = 0; for (i = 6; i <= NF; i++) if ($i ~ /^ino:/) ino = substr($i, 5)
			print $4, $5, ino }' | sort)" \
		"$("$T" --netns "$ns" sockets -aeH | awk '$1 != "UNCONN" {
			ino = "?"; for (i = 6; i <= NF; i++) if ($i ~ /^ino:/) ino = substr($i, 5)
			print $4, $5, ino }' | sort)"

	# -o: the same timer kind on every socket (expiry differs by the time taken)
	tsc_assert_eq "$ns: -o timer kinds match ss -o" \
		"$(ip netns exec "$ns" ss -tanoH state all exclude closed | awk '{
			t = "-"; for (i = 6; i <= NF; i++) if ($i ~ /^timer:\(/) { t = $i; sub(/^timer:\(/, "", t); sub(/,.*/, "", t) }
			print $4, $5, t }' | sort)" \
		"$("$T" --netns "$ns" sockets -aoH | awk '$1 != "UNCONN" {
			t = "-"; for (i = 6; i <= NF; i++) if ($i ~ /^timer:\(/) { t = $i; sub(/^timer:\(/, "", t); sub(/,.*/, "", t) }
			print $4, $5, t }' | sort)"
done

# -m: rcvbuf/sndbuf of every full socket as ss -m shows them (static here)
tsc_assert_eq "-m rb/tb match ss -m" \
	"$(ip netns exec "$S" ss -tanmH | paste - - | awk '$1 == "ESTAB" {
		m = $NF; sub(/^skmem:\(/, "", m); n = split(m, f, ","); print $4, $5, f[2], f[4] }' | sort)" \
	"$("$T" --netns "$S" sockets -H -m --state established | paste - - | awk '{
		m = $NF; sub(/^skmem:\(/, "", m); n = split(m, f, ","); print $4, $5, f[2], f[4] }' | sort)"

# --json with every extra: valid, documented keys, sane tcp_info
"$T" --netns "$S" sockets -a --json -p -e -o -i -m >"$TSC_TMP/all.json"
tsc_assert "--json -p -e -o -i -m is valid JSON with the documented keys" python3 - "$TSC_TMP/all.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
socks = d["sockets"]
assert len(socks) > 10, len(socks)
need = {"state", "family", "local_addr", "local_port", "peer_addr", "peer_port", "recv_q",
        "send_q", "uid", "inode", "cookie", "timer", "timer_expires_ms", "timer_retrans",
        "processes"}
rfc = {"LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
       "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED"}
for s in socks:
    assert need <= set(s), need - set(s)
    assert s["state"] in rfc, s["state"]
    if s["state"] == "ESTABLISHED":
        i = s["info"]
        assert i["rtt_us"] > 0 and i["cwnd"] > 0 and i["snd_mss"] > 0, i
        assert s["mem"]["rcvbuf"] > 0, s["mem"]
        assert s["processes"] and s["processes"][0]["comm"] == "tsclab-holder", s
PY

# states --by port / --by remote against ss (server namespace, all states but CLOSED)
tsc_assert_eq "states --by port --json matches ss per local port" \
	"$(ip netns exec "$S" ss -tanH state all exclude closed | awk '{n = split($4, a, ":"); c[a[n]]++} END {for (p in c) print p, c[p]}' | sort)" \
	"$("$T" --netns "$S" states --by port --top 0 --json --state all --state bucket | python3 -c '
import json, sys
d = json.load(sys.stdin)
for g in d["groups"]:
    closed = g["states"]["CLOSED"]
    if g["total"] - closed:
        print(g["port"], g["total"] - closed)' | sort)"
tsc_assert_eq "states --by remote matches ss per remote address (established)" \
	"$(ip netns exec "$C" ss -tanH | awk '$1 == "ESTAB" {a = $5; sub(/:[0-9]+$/, "", a); gsub(/[][]/, "", a); c[a]++} END {for (k in c) print k, c[k]}' | sort)" \
	"$("$T" --netns "$C" states --by remote --state established --json | python3 -c '
import json, sys
for g in json.load(sys.stdin)["groups"]:
    print(g["remote"], g["total"])' | sort)"

# continuous mode: N samples, header once, deltas; JSON one object per line
out=$("$T" --netns "$S" states --interval 0.2 --count 3)
tsc_assert_eq "states --interval 0.2 --count 3: header + 3 samples" 4 "$(wc -l <<<"$out")"
tsc_assert "continuous text shows deltas after the first sample" grep -qE '\([+-][0-9]+\)' <<<"$(tail -n 2 <<<"$out")"
tsc_assert "continuous --json: 3 objects with states, total, delta" python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 3, lines
for l in lines:
    o = json.loads(l)
    assert set(o) >= {"ts", "states", "total", "delta"} and len(o["delta"]) == 11, o
assert all(v == 0 for v in json.loads(lines[0])["delta"].values())
' <<<"$("$T" --netns "$S" states -c --count 3 --interval 0.1 --json)"

tsc_done
