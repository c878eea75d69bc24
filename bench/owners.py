#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Normalises socket owners to sorted "local peer pid fd comm" lines, one per
# (socket, owning fd), so `ss -tanpH` and `tcpscope --json sockets -a -p` can
# be compared with cmp. usage: owners.py ss|tcpscope < output
import json
import re
import sys

USER = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)')


def endpoint(addr, port):
    a = f"[{addr}]" if ":" in addr else addr
    return f"{a}:{port if port else '*'}"


def from_ss(lines):
    for line in lines:
        f = line.split()
        if len(f) < 6 or "users:" not in line:
            continue
        local, peer = f[3], f[4]
        for comm, pid, fd in USER.findall(line):
            yield f"{local} {peer} {pid} {fd} {comm}"


def from_tcpscope(text):
    for s in json.loads(text)["sockets"]:
        local = endpoint(s["local_addr"], s["local_port"])
        peer = endpoint(s["peer_addr"], s["peer_port"])
        for p in s.get("processes", []):
            yield f"{local} {peer} {p['pid']} {p['fd']} {p['comm']}"


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("ss", "tcpscope"):
        sys.exit("usage: owners.py ss|tcpscope < output")
    data = sys.stdin.read()
    out = from_ss(data.splitlines()) if sys.argv[1] == "ss" else from_tcpscope(data)
    sys.stdout.write("".join(sorted(line + "\n" for line in out)))


main()
