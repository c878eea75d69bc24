#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `tcpscope explain`: every kind of topic in every spelling, the facts that
# matter in the text and the JSON, lists, and bad input (one line, exit 2).
# Pure reference: needs no root and no network.
. "$TSC_SRCDIR/tests/e2e/lib.sh"
tsc_require_cmd python3

T=$TCPSCOPE
out() { "$T" "$@" 2>&1; }
has() { # WHAT PATTERN CMD...
	local what=$1 pat=$2
	shift 2
	local o
	o=$("$T" "$@" 2>&1)
	tsc_assert "$what" grep -qE -- "$pat" <<<"$o"
}

# --- states: netstat, ss, RFC spellings and kernel numbers give one answer
for s in TIME_WAIT time-wait TIME-WAIT timewait 6; do
	has "state '$s'" '^TIME-WAIT  \(netstat TIME_WAIT, ss time-wait, kernel state 6\)' explain "$s"
done
for s in SYN_RECV syn-recv SYN-RECEIVED 3; do
	has "state '$s'" '^SYN-RECEIVED ' explain "$s"
done
has "CLOSE_WAIT names the application bug" 'application bug' explain CLOSE_WAIT
has "CLOSE_WAIT: no sysctl fixes it" 'No sysctl' explain close-wait
has "TIME_WAIT lasts 60 s, not tcp_fin_timeout" 'not tunable by any sysctl \(tcp_fin_timeout does NOT' explain TIME_WAIT
has "SYN_RECV explains NEW_SYN_RECV" 'NEW_SYN_RECV' explain SYN_RECV
has "state shows ss and netstat commands" 'netstat -tanp \| grep FIN_WAIT1' explain FIN_WAIT1
has "netstat's CLOSE is the CLOSED state" '^CLOSED  \(netstat CLOSE' explain CLOSE
has "bare 11 is CLOSING and points at errno 11" 'also errno EAGAIN' explain 11
has "'errno 11' is EAGAIN" '^EAGAIN  \(11,' explain errno 11
has "'state 8' is CLOSE-WAIT" '^CLOSE-WAIT ' explain state 8

# --- topics
has "diagram has both paths" 'SYN-SENT.*LISTEN' explain diagram
has "diagram reaches TIME-WAIT and CLOSED" 'TIME-WAIT +\|-+>\| +CLOSED' explain diagram
has "handshake seq/ack arithmetic" 'SYN,ACK  seq=5000 ack=1001' explain handshake
has "handshake simultaneous open" 'Simultaneous open' explain handshake
has "close seq/ack arithmetic" 'ACK      seq=1102 ack=5502' explain close
has "close simultaneous close" 'both CLOSING' explain close

# --- flags by name, alias and tcpdump letter
for f in SYN syn S; do has "flag '$f'" "^SYN  \(tcpdump letter 'S', bit 0x002" explain "$f"; done
has "flag '.' is ACK" '^ACK  ' explain .
has "flag W is CWR" '^CWR  ' explain W
has "flag E is ECE" '^ECE  ' explain E
has "flag AE has no tcpdump letter" '^AE  \(no tcpdump letter, bit 0x100' explain AE
has "PUSH is PSH" '^PSH  ' explain PUSH

# --- errnos by name and number
for e in "ECONNREFUSED 111" "ETIMEDOUT 110" "EADDRNOTAVAIL 99" "ENETUNREACH 101" \
	"EHOSTUNREACH 113" "EINPROGRESS 115" "ECONNRESET 104" "EPIPE 32" "EINVAL 22" \
	"EADDRINUSE 98" "ECONNABORTED 103" "EMFILE 24"; do
	set -- $e
	has "errno $1" "^$1  \($2," explain "$1"
	has "errno $2" "^$1  \($2," explain "$2"
done
has "ECONNREFUSED: RST on the wire" 'answered by RST' explain ECONNREFUSED
has "EADDRNOTAVAIL: ephemeral ports" 'ip_local_port_range' explain EADDRNOTAVAIL

# --- sysctls by every spelling (current value read from /proc)
for s in tcp_fin_timeout net.ipv4.tcp_fin_timeout net/ipv4/tcp_fin_timeout \
	/proc/sys/net/ipv4/tcp_fin_timeout; do
	has "sysctl '$s'" '^tcp_fin_timeout  \(net.ipv4.tcp_fin_timeout' explain "$s"
done
cur=$(tr -d '\n' </proc/sys/net/ipv4/tcp_fin_timeout)
has "current value from /proc" "Current: +$cur" explain tcp_fin_timeout
has "tcp_fin_timeout does not shorten TIME-WAIT" 'does not change TIME-WAIT' explain tcp_fin_timeout
has "tcp_tw_recycle removed in 4.12" 'REMOVED in Linux 4.12' explain tcp_tw_recycle
has "tcp_tw_recycle absent here" 'not present on this kernel \(removed in Linux 4.12\)' \
	explain net.ipv4.tcp_tw_recycle
has "tcp_tw_reuse only outgoing" 'OUTGOING' explain tcp_tw_reuse
has "somaxconn by net.core name" '^somaxconn  \(net.core.somaxconn' explain net.core.somaxconn

# --- lists
has "no topic lists topics" '^Topics:' explain
has "--list lists sysctls" 'tcp_tw_recycle +REMOVED' explain --list
has "'states' lists the states" 'TIME_WAIT \(6\)' explain states
has "'errnos' lists errnos" 'ECONNREFUSED \(111\)' explain errnos

# --- JSON: one object per topic, stable keys
json_check() { # WHAT PYTHON-EXPR ARGS...
	local what=$1 expr=$2
	shift 2
	"$T" "$@" >"$TSC_TMP/j" 2>&1
	tsc_assert "$what" python3 -c "
import json, sys
objs = [json.loads(l) for l in open('$TSC_TMP/j') if l.strip()]
o = objs[0]
sys.exit(0 if ($expr) else 1)"
}
json_check "json state keys" "o['kind']=='state' and o['name']=='TIME-WAIT' and o['netstat']=='TIME_WAIT' and o['number']==6 and 'tcp_tw_reuse' in o['sysctls'] and len(o['see'])>=3" explain --json TIME_WAIT
json_check "global --json works" "o['kind']=='flag' and o['letter']=='S' and o['bit']==2" --json explain SYN
json_check "json AE letter is null" "o['letter'] is None and o['bit']==256" explain --json AE
json_check "json errno" "o['kind']=='errno' and o['name']=='ECONNREFUSED' and o['number']==111" explain --json 111
json_check "json sysctl" "o['kind']=='sysctl' and o['key']=='net.ipv4.tcp_fin_timeout' and o['current']=='$cur' and o['default']=='60' and o['format']=='int' and o['min']==1" explain --json tcp_fin_timeout
json_check "json removed sysctl" "o['removed_in']=='4.12' and o['current'] is None and o['current_error']=='not present on this kernel'" explain --json tcp_tw_recycle
json_check "json topic" "o['kind']=='topic' and 'ESTABLISHED' in o['text']" explain --json diagram
json_check "json: one object per topic" "len(objs)==3 and [x['kind'] for x in objs]==['state','flag','errno']" explain --json CLOSE_WAIT FIN EPIPE
json_check "json list" "len(o['topics'])>50 and {'topic','state','flag','sysctl','errno'}=={x['kind'] for x in o['topics']}" explain --json --list

# --- bad input: one line, names the valid kinds and the nearest match, exit 2
bad() { # WHAT PATTERN ARGS...
	local what=$1 pat=$2
	shift 2
	local err rc
	err=$("$T" "$@" 2>&1 >/dev/null)
	rc=$?
	tsc_assert_eq "$what: exit code" 2 "$rc"
	tsc_assert "$what: message" grep -qE -- "$pat" <<<"$err"
	tsc_assert_eq "$what: one line" 1 "$(grep -c . <<<"$err")"
}
bad "typo in a state" "unknown topic 'TIME_WIAT' \(valid kinds: a state, flag, sysctl or errno, or diagram, handshake, close.*did you mean 'TIME_WAIT'" explain TIME_WIAT
bad "unknown topic" "unknown topic 'frobnicate'" explain frobnicate
bad "typo in a sysctl" "did you mean 'net.ipv4.tcp_fin_timeout'" explain net.ipv4.tcp_fin_timout
bad "unknown errno in errno kind" "unknown errno 'ECONNREFUSD'.*did you mean 'ECONNREFUSED'" explain errno ECONNREFUSD
bad "state 12 does not exist" "unknown state '12'" explain state 12
bad "a bad topic among good ones" "unknown topic 'nope'" explain SYN nope
bad "unknown option" "unknown option '--frob' for explain \(valid: --list, --json, --help\)" explain --frob
bad "--list with a topic" "--list takes no topic" explain --list SYN
has "--help" '^usage: tcpscope explain' explain --help
tsc_assert_eq "nothing on stdout for a bad topic" "" "$("$T" explain SYN nope 2>/dev/null)"

tsc_done
