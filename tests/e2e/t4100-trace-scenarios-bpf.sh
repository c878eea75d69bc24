#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpscope trace against the shared TCP lifecycle scenarios: every scenario of
# $TSC_SRCDIR/../shared/scenarios is re-run by its own harness with
# SCEN_TRACE_CMD starting two tracers for the whole scenario (the kernel view,
# trace --kernel, and the default RFC view); trace-scenario-compare.py then
# compares them with that run's states.tsv (exact transitions per endpoint)
# and expected.json's rfc_states (blind spots closed). TSC_SCENARIOS="a b"
# limits the run to some scenarios; TSC_KEEP=DIR keeps the harness outputs
# and the tracers' NDJSON there. About 2.5 minutes for all 17.
set -u
scen=${TSC_SCENARIO_DIR:-${TSC_SRCDIR:-.}/../shared/scenarios}
TCPSCOPE=${TCPSCOPE:-build/tcpscope}
[ -x "$scen/harness/run-all.sh" ] || { echo "no scenario harness at $scen/harness (../shared/scenarios absent)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (the harness creates namespaces)"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "no kernel BTF"; exit 77; }
for t in bpftrace tcpdump nft ss ip nsenter python3 bc; do
	command -v $t >/dev/null || { echo "the scenario harness needs $t, not installed"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
TCPSCOPE=$(cd "$(dirname "$TCPSCOPE")" && pwd)/$(basename "$TCPSCOPE")
tmp=$(mktemp -d /tmp/tsc-t4100.XXXXXX)
cleanup() {
	# the harness deletes its own namespaces (tss<pid>*); nothing else to undo
	if [ -n "${TSC_KEEP:-}" ]; then
		mkdir -p "$TSC_KEEP" && cp -a "$tmp"/. "$TSC_KEEP"/
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# The hook: both tracers in the hook's process group get SIGINT at the end of
# the scenario; the shell waits for them, so their last events are written
# before the harness deletes the namespaces.
cat >"$tmp/hook.sh" <<HOOK
#!/bin/sh
out=\$1
"$TCPSCOPE" trace --json --kernel >"\$out.kern" 2>"\$out.kern.err" &
"$TCPSCOPE" trace --json >"\$out.rfc" 2>"\$out.rfc.err" &
trap 'wait' INT TERM
wait
wait
HOOK
chmod +x "$tmp/hook.sh"

if [ -n "${TSC_SCENARIOS:-}" ]; then
	names=$TSC_SCENARIOS
else
	names=$(cd "$scen/harness/scenarios" && ls [0-9][0-9]-*.py | sed 's/^[0-9][0-9]-//; s/\.py$//')
fi
bad=0 n=0
for name in $names; do
	n=$((n + 1))
	mkdir -p "$tmp/hook"
	SCEN_TRACE_CMD="$tmp/hook.sh $tmp/hook/$name" SCEN_TRACE_WAIT=3 \
		"$scen/harness/run-all.sh" "$tmp/out" "$name" >"$tmp/$name.harness" 2>&1
	if [ ! -s "$tmp/out/$name/states.tsv" ] || [ ! -s "$tmp/out/$name/expected.json" ]; then
		echo "FAIL $name: the harness produced no states.tsv/expected.json"
		cat "$tmp/$name.harness"
		bad=$((bad + 1))
		continue
	fi
	grep -q "	ok	" "$tmp/out/SUMMARY.tsv" ||
		echo "note: $name: the harness's own check: $(cut -f2- "$tmp/out/SUMMARY.tsv")"
	if ! grep -q '^tracing' "$tmp/hook/$name.rfc.err" || ! grep -q '^tracing' "$tmp/hook/$name.kern.err"; then
		echo "FAIL $name: a tracer did not start"; cat "$tmp/hook/$name".*.err
		bad=$((bad + 1))
		continue
	fi
	grep -h "dropped\|warning" "$tmp/hook/$name".*.err | sed "s/^/note: $name: /"
	python3 "$here/trace-scenario-compare.py" "$tmp/out/$name" "$tmp/hook/$name.kern" \
		"$tmp/hook/$name.rfc" || bad=$((bad + 1))
done
echo "$((n - bad))/$n scenarios match"
[ "$bad" -eq 0 ] || exit 1
[ "$n" -gt 0 ] || { echo "no scenarios found"; exit 1; }
echo ok
