#!/usr/bin/env bash
# Every option in a command's --help synopsis is documented in
# doc/cmd/<command>.md (git's t0450 idea), and every command in the dispatch
# table has a doc and a --help that exits 0.
set -u
: "${TCPSCOPE:?}" "${TSC_SRCDIR:?}"
fail=0
cmds=$("$TCPSCOPE" help | awk '/^commands:/{on=1; next} on && /^   [a-z]/{print $1} on && /^$/{exit}')
[ -n "$cmds" ] || { echo "FAIL: no commands listed by 'tcpscope help'"; exit 1; }
for c in $cmds; do
	case $c in help | version) continue ;; esac
	doc="$TSC_SRCDIR/doc/cmd/$c.md"
	if [ ! -f "$doc" ]; then
		echo "FAIL: $c has no doc/cmd/$c.md"; fail=1; continue
	fi
	if ! usage=$("$TCPSCOPE" "$c" --help 2>&1); then
		echo "FAIL: tcpscope $c --help exits non-zero"; fail=1; continue
	fi
	synopsis=$(awk '/^usage:/{on=1} on && /^$/{exit} on' <<<"$usage")
	[ -n "$synopsis" ] || { echo "FAIL: $c --help has no usage: block"; fail=1; continue; }
	opts=$(grep -oE -- '(^|[[ |])--?[A-Za-z][A-Za-z-]*' <<<"$synopsis" | sed 's/^[[ |]//' | sort -u)
	for o in $opts; do
		if ! grep -qF -- "$o" "$doc"; then
			echo "FAIL: $c: option $o of --help is not in doc/cmd/$c.md"
			fail=1
		fi
	done
	echo "ok: $c ($(wc -w <<<"$opts") options)"
done
exit $fail
