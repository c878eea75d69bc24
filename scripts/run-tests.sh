#!/usr/bin/env bash
# Runs every meson test suite in BUILD and ends with one plain summary line,
# "N passed, M failed, K skipped". Exit status is non-zero if anything failed.
set -uo pipefail
build=${1:-build-check}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

meson test -C "$build" --print-errorlogs --num-processes 2
rc=$?
log="$build/meson-logs/testlog.json"
if [ -f "$log" ]; then
	read -r pass fail skip < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "0 passed, 1 failed"
	rc=1
fi
exit $rc
