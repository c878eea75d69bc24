#!/usr/bin/env bash
# `tcpscope lab` usage errors: one line naming the valid choices, exit 2,
# nothing created.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_root

usage() { # WHAT EXPECTED-STDERR-PATTERN ARGS...
	local what=$1 pat=$2
	shift 2
	"$TCPSCOPE" "$@" >/dev/null 2>"$TSC_TMP/err"
	tsc_assert_eq "$what: exit 2" 2 $?
	tsc_assert "$what: message names the choices" grep -q -- "$pat" "$TSC_TMP/err"
}
usage "unknown lab command" "valid: up, status, down, tour" lab frobnicate
usage "no lab command" "usage: tcpscope lab up" lab
usage "bad name (slash)" "bad lab name" lab up --name a/b
usage "bad name (too long)" "bad lab name" lab up --name abcdefghijklmnopqrstuvwxyz
usage "bad name (leading dash)" "bad lab name" lab down --name=-x
usage "--all with up" "only valid with 'lab down'" lab up --all
usage "--json with up" "only valid with 'lab status'" lab up --json
usage "unknown option" "see 'tcpscope lab --help'" lab up --frob
usage "extra argument" "unexpected argument" lab down extra
tsc_assert "nothing was created" bash -c "! ls /var/run/netns 2>/dev/null | grep -q '^tsclab-a'"
"$TCPSCOPE" lab --help >"$TSC_TMP/help"
tsc_assert_eq "lab --help exits 0" 0 $?
tsc_assert "help lists the four commands" grep -q "tcpscope lab tour" "$TSC_TMP/help"
name=$(tsc_name nolab)
out=$("$TCPSCOPE" lab down --name "$name")
tsc_assert_eq "down of a lab that never existed: exit 0" 0 $?
tsc_assert_eq "and says so" "lab '$name' was not up" "$out"
tsc_done
