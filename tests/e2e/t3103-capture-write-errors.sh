#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -w never truncates silently: a full device (/dev/full, and a real 1 MiB
# tmpfs filling up, mounted in a private mount namespace that vanishes with
# the test) is an error naming the file with strerror, exit 1, both when the
# failure comes mid-run and when it only shows at the final flush (one small
# packet); an unopenable target (missing directory, a directory) is an error
# naming it, exit 1. What was written before a full disk is a readable prefix.
. "${TSC_SRCDIR:?}/tests/e2e/lib.sh"
tsc_require_root
tsc_require_cmd tcpdump cc unshare
T=$TCPSCOPE
D=$TSC_TMP

cc -O2 -o "$D/gen-pcap" "$TSC_SRCDIR/bench/gen-pcap.c" || tsc_fatal "cannot build gen-pcap"
"$D/gen-pcap" -s 3 -S 11 -o "$D/in.pcap" 2>/dev/null || tsc_fatal "gen-pcap failed"

"$T" capture -r "$D/in.pcap" -w /dev/full 2>"$D/full.err"
tsc_assert_eq "/dev/full mid-run: exit 1" 1 $?
tsc_assert "/dev/full mid-run: error names the file and ENOSPC" \
	grep -q "^error: could not write '/dev/full': No space left on device$" "$D/full.err"
tsc_assert_eq "/dev/full: reported once" 1 "$(grep -c '^error:' "$D/full.err")"

"$T" capture -r "$D/in.pcap" -c 1 -w /dev/full 2>"$D/full1.err"
tsc_assert_eq "/dev/full at the final flush (1 packet): exit 1" 1 $?
tsc_assert "/dev/full at the final flush: error" \
	grep -q "could not write '/dev/full': No space left on device" "$D/full1.err"

"$T" capture -r "$D/in.pcap" -U -w /dev/full 2>"$D/fullU.err"
tsc_assert_eq "/dev/full with -U: exit 1" 1 $?

# a real file system filling up: 1 MiB tmpfs in a private mount namespace
mkdir "$D/small"
unshare -m sh -c "mount -t tmpfs -o size=1m tsc-small '$D/small' &&
	'$T' capture -r '$D/in.pcap' -w '$D/small/x.pcap' 2>'$D/enospc.err';
	echo \$? >'$D/enospc.rc';
	tcpdump -n -r '$D/small/x.pcap' 2>'$D/prefix.err' | wc -l >'$D/prefix.n';
	umount '$D/small'" || tsc_fatal "cannot mount a private tmpfs"
tsc_assert_eq "full tmpfs: exit 1" 1 "$(cat "$D/enospc.rc")"
tsc_assert "full tmpfs: error names the file and ENOSPC" \
	grep -q "could not write '$D/small/x.pcap': No space left on device" "$D/enospc.err"
tsc_assert "full tmpfs: what was written is a readable prefix ($(cat "$D/prefix.n") packets)" \
	[ "$(cat "$D/prefix.n")" -gt 100 ]

"$T" capture -r "$D/in.pcap" -w "$D/no/such/dir/x.pcap" 2>"$D/nodir.err"
tsc_assert_eq "missing directory: exit 1" 1 $?
tsc_assert "missing directory: error names the file" \
	grep -q "could not open '$D/no/such/dir/x.pcap' for writing: .*No such file or directory" \
	"$D/nodir.err"
"$T" capture -r "$D/in.pcap" -w "$D" 2>"$D/dir.err"
tsc_assert_eq "a directory as -w: exit 1" 1 $?
tsc_assert "a directory as -w: error names it" grep -q "could not open '$D' for writing" \
	"$D/dir.err"
tsc_done
