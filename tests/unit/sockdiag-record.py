#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Records the fixtures of tests/unit/test-sockdiag.c and test-procnet.c from
# the real kernel: opens a fixed set of loopback sockets in a private network
# namespace, dumps them over NETLINK_SOCK_DIAG exactly as lib/sockdiag asks
# (same request, sequence numbers 1 = IPv4, 2 = IPv6) and saves the raw
# datagrams as a sequence of [u32 little-endian length][datagram] records.
# It also copies /proc/net/tcp{,6} of the same moment.
#
# Run as root from the top of the tree (the namespace vanishes on exit):
#   unshare -n python3 tests/unit/sockdiag-record.py tests/unit/data
import os
import socket
import struct
import subprocess
import sys
import time

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
# TSC_TCPF_ALL plus bit 13 (bound-inactive), as tsc_sockdiag_dump sends it
STATES_ALL = 0x0ffe | (1 << 13)
EXT_INFO_CONG_MEM = (1 << 1) | (1 << 3) | (1 << 6)  # INFO=2, CONG=4, SKMEMINFO=7


def dump(records, family, seq, states, ext):
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    req = struct.pack("=BBBxI", family, socket.IPPROTO_TCP, ext, states) + bytes(48)
    nl.send(struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY,
                        NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + req)
    while True:
        d = nl.recv(65536)
        records.append(d)
        off, done = 0, False
        while off + 16 <= len(d):
            ln, ty = struct.unpack_from("=IH", d, off)
            if ty in (NLMSG_DONE, NLMSG_ERROR):
                done = True
            off += (ln + 3) & ~3
        if done:
            nl.close()
            return


def save(path, records):
    with open(path, "wb") as f:
        for d in records:
            f.write(struct.pack("<I", len(d)) + d)
    print(path, len(records), "datagrams", sum(map(len, records)), "bytes")


def tcp(family, addr, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def main():
    out = sys.argv[1]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    keep = []
    # LISTEN 127.0.0.1:40001 backlog 8, one connection left in the accept queue
    l1 = tcp(socket.AF_INET, "127.0.0.1", 40001)
    l1.listen(8)
    c1 = tcp(socket.AF_INET, "127.0.0.1", 40101)
    c1.connect(("127.0.0.1", 40001))
    # ESTABLISHED pair, 5 unread bytes at the server side
    c2 = tcp(socket.AF_INET, "127.0.0.1", 40102)
    c2.connect(("127.0.0.1", 40001))
    time.sleep(0.05)
    a2, _ = l1.accept()  # accept order is FIFO: this is c1's peer
    a2.close()  # not kept: then c1 goes CLOSE_WAIT ...
    keep += [l1, c1, c2]
    # ... so accept c2's peer too and give it data
    a3, _ = l1.accept()
    c2.send(b"hello")
    keep.append(a3)
    # FIN_WAIT2 (client) / CLOSE_WAIT (server)
    c4 = tcp(socket.AF_INET, "127.0.0.1", 40104)
    c4.connect(("127.0.0.1", 40001))
    a4, _ = l1.accept()
    c4.shutdown(socket.SHUT_WR)
    keep += [c4, a4]
    # TIME_WAIT at 127.0.0.1:40105 (the side that closes first)
    c5 = tcp(socket.AF_INET, "127.0.0.1", 40105)
    c5.connect(("127.0.0.1", 40001))
    a5, _ = l1.accept()
    c5.close()
    time.sleep(0.05)
    a5.close()
    # bound, neither listening nor connected (Linux 6.10+ dumps it as CLOSE)
    keep.append(tcp(socket.AF_INET, "127.0.0.1", 40106))
    # one more connection queued (unaccepted) so the listener's rqueue is 1
    c7 = tcp(socket.AF_INET, "127.0.0.1", 40107)
    c7.connect(("127.0.0.1", 40001))
    keep.append(c7)
    # IPv6: LISTEN [::1]:40002, ESTABLISHED pair, 3 unread bytes at the client
    l6 = tcp(socket.AF_INET6, "::1", 40002)
    l6.listen(4)
    c6 = tcp(socket.AF_INET6, "::1", 40201)
    c6.connect(("::1", 40002))
    a6, _ = l6.accept()
    a6.send(b"abc")
    keep += [l6, c6, a6]
    # dual-stack listener [::]:40003 reached over IPv4: v4-mapped addresses
    ld = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ld.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ld.bind(("::", 40003))
    ld.listen(4)
    cd = tcp(socket.AF_INET, "127.0.0.1", 40301)
    cd.connect(("127.0.0.1", 40003))
    ad, _ = ld.accept()
    cd.send(b"x" * 1000)
    ad.recv(1000)
    keep += [ld, cd, ad]
    time.sleep(0.2)  # let delayed ACKs go out: no timers in flight

    rec = []
    dump(rec, socket.AF_INET, 1, STATES_ALL, 0)
    dump(rec, socket.AF_INET6, 2, STATES_ALL, 0)
    save(os.path.join(out, "sockdiag-loopback.nl"), rec)
    rec = []
    dump(rec, socket.AF_INET, 1, 1 << 1, EXT_INFO_CONG_MEM)  # ESTABLISHED only
    dump(rec, socket.AF_INET6, 2, 1 << 1, EXT_INFO_CONG_MEM)
    save(os.path.join(out, "sockdiag-ext.nl"), rec)
    pdir = os.path.join(out, "procnet-loopback", "net")
    os.makedirs(pdir, exist_ok=True)
    for name in ("tcp", "tcp6"):
        with open("/proc/self/net/" + name) as src, open(os.path.join(pdir, name), "w") as dst:
            dst.write(src.read())

    # many sockets: the dump spans several datagrams
    lm = tcp(socket.AF_INET, "127.0.0.1", 41000)
    lm.listen(128)
    for i in range(100):
        c = tcp(socket.AF_INET, "127.0.0.1", 42000 + i)
        c.connect(("127.0.0.1", 41000))
        keep += [c, lm.accept()[0]]
    rec = []
    dump(rec, socket.AF_INET, 1, STATES_ALL, 0)
    save(os.path.join(out, "sockdiag-many.nl"), rec)


main()
