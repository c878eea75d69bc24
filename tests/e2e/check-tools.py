#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Traffic makers for the `tcpscope check` e2e tests (t6*-check-*.sh). Each
# subcommand creates one real condition inside the namespace it runs in and
# is bounded in count and time (it exits by itself after --hold seconds).
#   listen PORT BACKLOG MODE   MODE: accept (accept, read, echo, close on EOF),
#                              noaccept (never accept), noclose (accept, never close),
#                              closeall (accept, then close everything after --after s)
#   connect HOST PORT N MODE   MODE: hold (keep open), close (close at once),
#                              wait (connect non-blocking and keep)
#   synflood HOST PORT N       N raw SYNs from random on-link sources 10.250.9.100-250
#   exhaust HOST PORT MAX      connect+close until EADDRNOTAVAIL; prints "errno=99 after K"
import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time


def listen(a):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", a.port))
    s.listen(a.backlog)
    print("listening", flush=True)
    end = time.time() + a.hold
    if a.mode == "noaccept":
        time.sleep(a.hold)
        return
    conns = []
    close_at = time.time() + a.after if a.mode == "closeall" else None
    while time.time() < end:
        if close_at and time.time() >= close_at:
            for c in conns:
                c.close()
            conns = []
            close_at = None
        r, _, _ = select.select([s] + conns, [], [], 0.1)
        for x in r:
            if x is s:
                c, _ = s.accept()
                conns.append(c)
                continue
            try:
                d = x.recv(65536)
            except OSError:
                d = b""
            if d and a.mode == "accept":
                x.sendall(d)
            elif not d:
                conns.remove(x)
                if a.mode == "noclose":
                    keep.append(x)  # EOF seen: keep it, never close()
                else:
                    x.close()


keep = []


def connect(a):
    socks = []
    for _ in range(a.n):
        s = socket.socket()
        if a.mode == "wait":
            s.setblocking(False)
            try:
                s.connect((a.host, a.port))
            except BlockingIOError:
                pass
        else:
            s.settimeout(5)
            s.connect((a.host, a.port))
        if a.mode == "close":
            s.close()
        else:
            socks.append(s)
    print("connected", len(socks) if socks else a.n, flush=True)
    if a.mode != "close":
        time.sleep(a.hold)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def synflood(a):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    dst = socket.inet_aton(a.host)
    rnd = random.Random(6030)
    for i in range(a.n):
        src = socket.inet_aton("10.250.9.%d" % rnd.randint(100, 250))
        sport = rnd.randint(1024, 65000)
        tcp = struct.pack("!HHIIBBHHH", sport, a.port, rnd.getrandbits(32), 0, 5 << 4, 0x02,
                          64240, 0, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0, 64,
                         socket.IPPROTO_TCP, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        raw.sendto(ip + tcp, (a.host, 0))
    print("sent", a.n, flush=True)


def exhaust(a):
    for k in range(a.n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect((a.host, a.port))
        except OSError as e:
            print("errno=%d after %d" % (e.errno, k), flush=True)
            return
        s.close()
        time.sleep(0.02)
    print("no error after %d" % a.n, flush=True)


p = argparse.ArgumentParser()
p.add_argument("--hold", type=float, default=20)
p.add_argument("--after", type=float, default=1)
sub = p.add_subparsers(dest="cmd", required=True)
x = sub.add_parser("listen")
x.add_argument("port", type=int)
x.add_argument("backlog", type=int)
x.add_argument("mode", choices=["accept", "noaccept", "noclose", "closeall"])
x = sub.add_parser("connect")
x.add_argument("host")
x.add_argument("port", type=int)
x.add_argument("n", type=int)
x.add_argument("mode", choices=["hold", "close", "wait"])
x = sub.add_parser("synflood")
x.add_argument("host")
x.add_argument("port", type=int)
x.add_argument("n", type=int)
x = sub.add_parser("exhaust")
x.add_argument("host")
x.add_argument("port", type=int)
x.add_argument("n", type=int)
a = p.parse_args()
{"listen": listen, "connect": connect, "synflood": synflood, "exhaust": exhaust}[a.cmd](a)
