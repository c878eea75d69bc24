#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets with clang (-Dfuzzers=true) in BUILD and runs
# each for SECONDS (default $FUZZ_SECONDS or 300). Seeds: tests/corpus/<t>/
# (read-only) plus, for pcap, the conformance pcaps of ../shared when present
# (read, never copied into the repo). New inputs go to BUILD/corpus/<t>/,
# crashes to BUILD/artifacts/. Prints one line per target and exits 1 if a
# target crashed, 77 when clang (the capability) is absent.
#   usage: scripts/fuzz.sh [BUILD [SECONDS [TARGET...]]]
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-fuzz}
SECS=${2:-${FUZZ_SECONDS:-300}}
shift $(($# > 2 ? 2 : $#))
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(wire pcap sockdiag owners)

command -v clang >/dev/null || { echo "fuzz: clang not installed (make deps)"; exit 77; }
case $SECS in '' | *[!0-9]*) echo "fuzz: bad SECONDS '$SECS'" >&2; exit 2 ;; esac

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$SRC" -Dfuzzers=true -Dbuildtype=debugoptimized \
		-Dbpf=disabled -Db_lundef=false \
		-Dc_args="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
		-Dc_link_args="-fsanitize=address,undefined" \
		-Dfuzzer_link_args=-fsanitize=fuzzer >"$BUILD.setup.log" 2>&1 ||
		{ cat "$BUILD.setup.log"; echo "fuzz: meson setup failed"; exit 1; }
fi
ninja -C "$BUILD" "${TARGETS[@]/#/tests/fuzz/fuzz-}" >"$BUILD/fuzz-build.log" 2>&1 ||
	{ tail -30 "$BUILD/fuzz-build.log"; echo "fuzz: build failed"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
for t in "${TARGETS[@]}"; do
	work=$BUILD/corpus/$t
	mkdir -p "$work" "$BUILD/artifacts"
	seeds=("$SRC/tests/corpus/$t")
	shared=$SRC/../shared/conformance/tcpdump/pcaps
	if [ "$t" = pcap ] && [ -d "$shared" ]; then
		seeds+=("$shared")
	fi
	log=$BUILD/fuzz-$t.log
	# -max_total_time ends the run; timeout(1) is the backstop against a hang
	timeout -k 10 $((SECS + 120)) "$BUILD/tests/fuzz/fuzz-$t" -max_total_time="$SECS" -timeout=10 \
		-rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
		-artifact_prefix="$BUILD/artifacts/$t-" "$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		fail=1
		echo "fuzz-$t: FAILED (exit $rc) after ${execs:-?} executions; see $log"
		grep -m3 -E 'ERROR: |runtime error|Test unit written' "$log"
	else
		echo "fuzz-$t: ok, ${execs:-?} executions in ${SECS}s, ${cov:-cov ?}," \
			"corpus $(find "$work" -type f | wc -l) files"
	fi
done
exit $fail
