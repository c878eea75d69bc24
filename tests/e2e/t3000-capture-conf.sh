#!/usr/bin/env bash
# Runs the tcpdump 4.99.3 conformance corpus against `tcpscope capture`;
# fails if any case fails. Skips (77) only when the corpus is not present.
set -u
conf=${TSC_SRCDIR:?}/../shared/conformance/tcpdump
if [ ! -x "$conf/run.sh" ]; then
	echo "conformance corpus not found at $conf: skipping"
	exit 77
fi
out=$("$conf/run.sh" "${TCPSCOPE:?}" capture 2>&1)
rc=$?
printf '%s\n' "$out" | tail -20
exit $rc
