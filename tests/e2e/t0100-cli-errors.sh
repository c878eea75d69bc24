#!/usr/bin/env bash
# Bad input gets a one-line error naming the valid choices and exit 2; a
# missing namespace is a clear runtime error. No root needed.
set -u
: "${TCPSCOPE:?set TCPSCOPE to the built binary}"
fail=0

# expect CODE PATTERN CMD...: exit code and a stderr line matching PATTERN
expect() {
	local code=$1 pat=$2
	shift 2
	local err rc
	err=$("$TCPSCOPE" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: tcpscope $* exited $rc, want $code (stderr: $err)"
		fail=1
	elif ! grep -qE -- "$pat" <<<"$err"; then
		echo "FAIL: tcpscope $*: stderr '$err' does not match '$pat'"
		fail=1
	elif [ "$(grep -c . <<<"$err")" -gt 2 ]; then
		echo "FAIL: tcpscope $*: error is not short: $err"
		fail=1
	else
		echo "ok: tcpscope $* -> $rc"
	fi
}

expect 2 "'sockts' is not a tcpscope command; did you mean 'sockets'" sockts
expect 2 "unknown state 'establishd'.*ESTABLISHED.*syn-sent.*connected" sockets --state establishd
expect 2 "unknown state 'bogus'" states --state listen,bogus
expect 2 "bad port '70000' for --sport" sockets --sport 70000
expect 2 "bad port 'http' for --dport" sockets --dport http
expect 2 "bad address or CIDR prefix '10.0.0.0/40' for --src" sockets --src 10.0.0.0/40
expect 2 "bad address or CIDR prefix 'fd00::/200' for --dst" sockets --dst fd00::/200
expect 2 "unknown source 'kmem' \(valid: netlink, proc\)" sockets --source kmem
expect 2 "unknown breakdown 'color' \(valid: port, remote, process\)" states --by color
expect 2 "bad interval '-1'" states --interval -1
expect 2 "--count needs -c or --interval" states --count 3
expect 2 "unrecognized option|invalid option" sockets --frobnicate
expect 2 "unexpected argument 'extra'" sockets extra
expect 2 "unknown global option '--bogus'" --bogus sockets
expect 1 "network namespace 'tsc-no-such-ns-$$' does not exist" --netns "tsc-no-such-ns-$$" states
expect 1 "network namespace 'tsc-no-such-ns-$$' does not exist" states --netns "tsc-no-such-ns-$$"
expect 2 "bad network namespace name '../x'" --netns ../x sockets

# help and version work and exit 0
for c in "help" "--version" "sockets --help" "states --help" "help sockets"; do
	# shellcheck disable=SC2086
	if ! "$TCPSCOPE" $c >/dev/null; then
		echo "FAIL: tcpscope $c"
		fail=1
	fi
done
"$TCPSCOPE" sockets --help | grep -q "accept-queue length" || { echo "FAIL: LISTEN queue note missing"; fail=1; }

exit $fail
