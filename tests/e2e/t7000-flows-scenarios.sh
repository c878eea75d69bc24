#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpscope flows against the kernel truth: for every scenario in
# ../shared/scenarios/data (or the directories in TSC_SCENARIOS, colon
# separated), `flows -r packets.pcap --json` must give, for each connection
# instance and each endpoint, the RFC 9293 state sequence and final state of
# expected.json. Packet-index agreement is reported (not required: the
# harness matches transitions to packets by time, best effort).
set -u
: "${TCPSCOPE:?}" "${TSC_SRCDIR:?}"
dirs=${TSC_SCENARIOS:-$TSC_SRCDIR/../shared/scenarios/data}
found=0
IFS=: read -ra dl <<<"$dirs"
for d in "${dl[@]}"; do
	ls "$d"/*/expected.json >/dev/null 2>&1 && found=1
done
if [ $found = 0 ]; then
	echo "skip: no scenario data in $dirs" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for d in "${dl[@]}"; do
	for s in "$d"/*/; do
		[ -f "$s/expected.json" ] || continue
		name=$(basename "$s")
		if ! "$TCPSCOPE" flows -r "$s/packets.pcap" --json >"$tmp/$name.json" 2>"$tmp/$name.err"; then
			echo "FAIL $name: flows exited non-zero: $(cat "$tmp/$name.err")"
			fail=1
			continue
		fi
		python3 - "$s/expected.json" "$tmp/$name.json" "$name" <<'PY' || fail=1
import json, sys
exp = json.load(open(sys.argv[1]))
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
name = sys.argv[3]
got.sort(key=lambda c: c["id"])
used = set()
bad = 0
pk_ok = pk_n = 0
for c in exp["connections"]:
    ft = c["five_tuple"]
    g = None
    for i, x in enumerate(got):
        if i not in used and x["orig"] == ft["orig"] and x["resp"] == ft["resp"]:
            g = x
            used.add(i)
            break
    if g is None:
        print("FAIL %s conn %s %s>%s: not found in flows output" % (name, c["id"], ft["orig"], ft["resp"]))
        bad += 1
        continue
    for role in ("client", "server"):
        e = c["endpoints"].get(role)
        if e is None:
            continue
        want = e["rfc_state_names"]
        have = [s["state"] for s in g[role]["states"]]
        if want != have or e["final_state"] != g[role]["final_state"]:
            print("FAIL %s conn %s %s: want %s final %s, got %s final %s" % (
                name, c["id"], role, want, e["final_state"], have, g[role]["final_state"]))
            bad += 1
            continue
        for ws, hs in zip(e["rfc_states"], g[role]["states"]):
            if ws["pkt"] is None and hs["pkt"] is None:
                continue
            pk_n += 1
            pk_ok += ws["pkt"] == hs["pkt"]
extra = len(got) - len(used)
print("%s %s: %d connections, states %s, packet indexes %d/%d agree%s" % (
    "ok  " if not bad else "FAIL", name, len(exp["connections"]),
    "match" if not bad else "%d mismatches" % bad, pk_ok, pk_n,
    ", %d extra connections in flows output" % extra if extra else ""))
sys.exit(1 if bad else 0)
PY
	done
done
exit $fail
