#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A capture file that another process truncates while `capture -r` or
# `flows -r` is reading it: never a crash. The reader sees the file end where
# it now ends: the packets before the cut, then the error libpcap gives for
# a cut record, naming the file and the byte offset where that record starts
# (exit 1); or, if the cut falls between two records, a clean end (exit 0).
# 1. capture -n -r: deterministic. The reader is held back by its stdout pipe
#    (it can be at most a pipe and a buffer ahead of us) while the 200 MB file
#    is cut to 50,000,003 bytes; the output must then be exactly what tcpdump
#    prints for a copy cut the same way, and the error the one `capture`
#    gives for that copy.
# 2. flows -r --summary: the reader is stopped (SIGSTOP) as soon as it has
#    started reading, the file is cut 10 MB past its position, and it resumes.
# Both: no sanitizer report, no signal death.
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_cmd cc tcpdump truncate
T=$TCPSCOPE
D=$TSC_TMP

cc -O2 -o "$D/gen-pcap" "$TSC_SRCDIR/bench/gen-pcap.c" || tsc_fatal "cc gen-pcap"
"$D/gen-pcap" -m full -s 200 -o "$D/full.pcap" 2>/dev/null || tsc_fatal "gen-pcap full"
"$D/gen-pcap" -m headers -s 200 -o "$D/hdrs.pcap" 2>/dev/null || tsc_fatal "gen-pcap headers"

no_crash() { # NAME RC STDERR-FILE
	tsc_assert "$1: not killed by a signal (exit $2)" [ "$2" -lt 128 ]
	tsc_assert "$1: no sanitizer or crash report" \
		bash -c "! grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer|Segmentation|Bus error' '$3'"
}

# 1. capture: the cut is ahead of the reader, which is blocked on its stdout
CUT=50000003
cp "$D/full.pcap" "$D/cap.pcap"
head -c $CUT "$D/full.pcap" >"$D/cut-copy.pcap"
(cd "$D" && TZ=UTC tcpdump -n -r cut-copy.pcap >"$D/td.out" 2>/dev/null)
(cd "$D" && TZ=UTC "$T" capture -n -r cut-copy.pcap >"$D/copy.out" 2>"$D/copy.err")
tsc_assert_eq "the cut copy: exit 1" 1 $?
(cd "$D" && TZ=UTC "$T" capture -n -r cap.pcap 2>"$D/cap.err" |
	{
		IFS= read -r first
		truncate -s $CUT cap.pcap
		printf '%s\n' "$first"
		cat
	} >"$D/cap.out"
	exit "${PIPESTATUS[0]}")
rc=$?
no_crash "capture" "$rc" "$D/cap.err"
tsc_assert_eq "capture: exit 1 after the cut" 1 "$rc"
tsc_assert "capture: the file really was cut" [ "$(stat -c %s "$D/cap.pcap")" -eq $CUT ]
tsc_assert "capture: packets were printed before the cut" [ "$(wc -l <"$D/cap.out")" -gt 1000 ]
tsc_assert_files_eq "capture: the packets before the cut, as tcpdump prints them" \
	"$D/td.out" "$D/cap.out"
sed 's/cut-copy.pcap/cap.pcap/' "$D/copy.err" >"$D/copy.err.renamed"
tsc_assert_files_eq "capture: the error capture gives for the cut copy" \
	"$D/copy.err.renamed" "$D/cap.err"
tsc_assert "capture: the error names the file and a byte offset" \
	grep -Eq "^error: 'cap.pcap': truncated dump file.*\(at byte offset [0-9]+\)$" "$D/cap.err"

# 2. flows: stop the reader once it reads, cut 10 MB past it, resume. The
# poll uses only shell builtins (-ef, read); should the reader still finish
# before it is caught (an optimised build on an idle machine), try again.
catch_reader() { # sets pid and pos; 0 when the reader was stopped while reading
	local fd fdinfo=
	cp "$D/hdrs.pcap" "$D/flows.pcap"
	"$T" flows -r "$D/flows.pcap" --summary >"$D/flows.out" 2>"$D/flows.err" &
	pid=$!
	_tsc_pids+=("$pid")
	pos=0
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$fdinfo" ]; then
			for fd in /proc/$pid/fd/*; do
				[ "$fd" -ef "$D/flows.pcap" ] && fdinfo=/proc/$pid/fdinfo/${fd##*/}
			done
		fi
		if [ -n "$fdinfo" ] && IFS=$'\t ' read -r _ pos <"$fdinfo" 2>/dev/null &&
			[ "$pos" -gt 0 ]; then
			kill -STOP "$pid" 2>/dev/null || return 1
			IFS=$'\t ' read -r _ pos <"$fdinfo" || return 1
			[ "$pos" -lt 190000000 ] && return 0
			kill -CONT "$pid"
			break
		fi
	done
	wait "$pid"
	return 1
}
for try in 1 2 3 4 5; do
	catch_reader && break
	tsc_log "try $try: the reader was not caught in time (at byte $pos), again"
done
tsc_assert "flows: caught the reader while it was reading (at byte $pos)" \
	[ "$pos" -gt 0 -a "$pos" -lt 190000000 ]
cut2=$((pos + 10000007))
truncate -s $cut2 "$D/flows.pcap"
kill -CONT "$pid" 2>/dev/null
wait "$pid"
rc=$?
no_crash "flows" "$rc" "$D/flows.err"
if [ "$rc" = 1 ]; then
	tsc_assert_eq "flows: one error line" 1 "$(grep -c '^error: ' "$D/flows.err")"
	off=$(sed -n 's/.*(at byte offset \([0-9]*\))$/\1/p' "$D/flows.err")
	tsc_assert "flows: the error names the file, a cut record and an offset before the cut" \
		grep -Eq "^error: '$D/flows.pcap': truncated dump file" "$D/flows.err"
	# a record of the headers-only file is at most 16 + 96 bytes
	tsc_assert "flows: the offset ($off) is the record that spans the cut ($cut2)" \
		[ "${off:-0}" -lt "$cut2" -a "${off:-0}" -ge $((cut2 - 112)) ]
else
	tsc_assert_eq "flows: exit 0 or 1 (a clean end if the cut fell between records)" 0 "$rc"
	tsc_assert "flows: a summary" grep -q "conns" "$D/flows.out"
fi
tsc_done
