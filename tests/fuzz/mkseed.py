#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes fuzz seeds into CORPUS/{wire,pcap,sockdiag}/.

  mkseed.py CORPUS [own.pcap ...]

From our own captures (tests/fuzz/make-seeds.sh): wire records in every link
encoding (Ethernet, SLL, SLL2, NULL, LOOP, raw IP) with varied printer flags.
Always: hand-made malformed packets (hand-*) and broken pcap/pcapng files,
and the sockdiag dumps of tests/unit/data with their selector byte.
Input formats: lib/wire/fuzz-wire.c, lib/capture/fuzz-pcap.c,
lib/sockdiag/fuzz-sockdiag.c.
"""
import os
import struct
import sys

# indices into links[] of fuzz-wire.c
ETH, SLL, SLL2, NULL, LOOP, RAW, IPV4, IPV6 = 0, 1, 2, 3, 4, 5, 8, 9


def read_pcap(path):
    d = open(path, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    lt = struct.unpack(e + "I", d[20:24])[0] & 0xFFFF
    off, pkts = 24, []
    while off + 16 <= len(d):
        s, f, cl, wl = struct.unpack(e + "IIII", d[off:off + 16])
        pkts.append((s, f, d[off + 16:off + 16 + cl], wl))
        off += 16 + cl
    return lt, pkts


def wire_seed(link, flags, pkts):
    out = bytes([link]) + bytes(flags[:3]).ljust(3, b"\0")
    for s, f, data, wl in pkts:
        out += struct.pack("<HHII", len(data), max(0, wl - len(data)) & 0xFFFF, s, f) + data
    return out


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def pcap_file(lt, pkts, snap=262144, magic=0xA1B2C3D4, e="<"):
    out = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snap, lt)
    for s, f, data, wl in pkts:
        out += struct.pack(e + "IIII", s, f, len(data), wl) + data
    return out


def pcapng_file(lt, pkts):
    def block(t, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack("<II", t, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    # IDB with an if_tsresol option (9 = nanoseconds) and an end-of-options
    out += block(1, struct.pack("<HHI", lt, 0, 262144) + struct.pack("<HHB3x", 9, 1, 9) +
                 b"\0" * 4)
    for s, f, data, wl in pkts:
        ts = s * 10**9 + f * 1000
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), wl) +
                     data)
    return out


def strip_eth(pkts):
    """(ethertype, payload) of untagged IPv4/IPv6 frames."""
    for s, f, d, wl in pkts:
        if len(d) >= 14 and d[12:14] in (b"\x08\x00", b"\x86\xdd"):
            yield s, f, d, wl, d[12:14], d[14:]


def own_seeds(corpus, path):
    lt, pkts = read_pcap(path)
    base = os.path.splitext(os.path.basename(path))[0]
    w = os.path.join(corpus, "wire")
    flagsets = [(0, 0, 0), (1, 0, 3), (2, 0x02, 1), (0x0D, 0x08, 0), (0x31, 0x10, 2),
                (0x82, 0x18, 5), (0x40, 0x61, 0), (0x03, 0x26, 15)]
    link = ETH if lt == 1 else SLL2 if lt == 276 else SLL if lt == 113 else RAW
    for i in range(0, len(pkts), 6):
        write(os.path.join(w, f"own-{base}-{i:03d}"),
              wire_seed(link, flagsets[(i // 6) % len(flagsets)], pkts[i:i + 6]))
    if lt != 1:
        return
    ip = list(strip_eth(pkts))[:24]
    enc = {
        "raw": (RAW, lambda et, p: p),
        "ipv4": (IPV4, lambda et, p: p),
        "null": (NULL, lambda et, p: struct.pack("<I", 2 if et == b"\x08\x00" else 10) + p),
        "loop": (LOOP, lambda et, p: struct.pack(">I", 2 if et == b"\x08\x00" else 24) + p),
        "sll": (SLL, lambda et, p: struct.pack(">HHH8s", 4, 1, 6, b"\x02\0\x0a\xfa\0\x01") +
                et + p),
    }
    for name, (lk, fn) in enc.items():
        sel = [(s, f, fn(et, p), wl - 14 + len(fn(et, b""))) for s, f, d, wl, et, p in ip
               if name != "ipv4" or et == b"\x08\x00"]
        write(os.path.join(w, f"own-{base}-{name}"), wire_seed(lk, (1, 0x02, 3), sel))
    pc = os.path.join(corpus, "pcap")
    write(os.path.join(pc, f"own-{base}.pcapng"), pcapng_file(1, pkts[:16]))
    write(os.path.join(pc, f"own-{base}-raw.pcap"),
          pcap_file(101, [(s, f, p, wl - 14) for s, f, d, wl, et, p in ip[:10]]))
    write(os.path.join(pc, f"own-{base}-be.pcap"), pcap_file(1, pkts[:10], e=">"))


# ---- hand-made malformed packets --------------------------------------------------------
def ck(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(payload, proto=6, ihl=5, opts=b"", tot=None, off=0, src=b"\x0a\xfa\x01\x01",
        dst=b"\x0a\xfa\x01\x02"):
    tot = 20 + len(opts) + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot & 0xFFFF, 1, off, 64, proto, 0, src,
                    dst) + opts
    return h + payload


def tcp(flags=0x18, opts=b"", doff=None, data=b"", sp=40000, dp=9502, seq=1000, ack=2000):
    doff = (20 + len(opts)) // 4 if doff is None else doff
    return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, doff << 4, flags, 512, 0, 0) + opts + data


def ip6(payload, nxt=6, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000, plen & 0xFFFF, nxt, 64,
                       bytes.fromhex("fd000250000000000000000000000001"),
                       bytes.fromhex("fd000250000000000000000000000002")) + payload


ETHH = b"\x02\0\x0a\xfa\0\x02" + b"\x02\0\x0a\xfa\0\x01"


def eth(et, p):
    return ETHH + struct.pack("!H", et) + p


def hand_wire(corpus):
    w = os.path.join(corpus, "wire")
    T = tcp()
    cases = {
        "ip-ihl-small": ip4(T, ihl=4),
        "ip-ihl-gt-tot": ip4(T, ihl=15, tot=40),
        "ip-tot-lt-20": ip4(T, tot=12),
        "ip-tot-gt-cap": ip4(T, tot=1500),
        "ip-frag-first": ip4(T + b"x" * 40, off=0x2000),
        "ip-frag-later": ip4(b"x" * 40, off=0x00B9),
        "ip-opts-rr-ts": ip4(T, ihl=11, opts=b"\x07\x0b\x04" + b"\0" * 8 + b"\x44\x0c\x05\x00" +
                             b"\0" * 8 + b"\x01"),
        "ip-opts-badlen": ip4(T, ihl=6, opts=b"\x83\x01\x00\x00"),
        "ip-opts-len0": ip4(T, ihl=6, opts=b"\x07\x00\x00\x00"),
        "ip-ver6-in-4": b"\x65" + ip4(T)[1:],
        "tcp-doff-small": ip4(tcp(doff=3)),
        "tcp-doff-gt-len": ip4(tcp(doff=15)),
        "tcp-all-flags": ip4(tcp(flags=0xFF, data=b"d" * 10) + b"", tot=None),
        "tcp-ae-flag": ip4(struct.pack("!HHIIBBHHH", 1, 2, 3, 4, 0x51, 0x12, 5, 0, 0)),
        "tcp-opt-mss-bad": ip4(tcp(flags=2, opts=b"\x02\x03\x05\x00")),
        "tcp-opt-len0": ip4(tcp(flags=2, opts=b"\x02\x00\x05\xb4")),
        "tcp-opt-len1": ip4(tcp(flags=2, opts=b"\x08\x01\x00\x00")),
        "tcp-opt-past-end": ip4(tcp(flags=2, opts=b"\x01\x01\x08\x0a\x00\x00\x00\x01")),
        "tcp-opt-sack-odd": ip4(tcp(opts=b"\x01\x01\x05\x0b" + b"\0" * 9 + b"\x00")),
        "tcp-opt-sack-4": ip4(tcp(opts=b"\x01\x01\x05\x22" + bytes(range(32)))),
        "tcp-opt-md5": ip4(tcp(opts=b"\x13\x12" + b"\xaa" * 16 + b"\x01\x00")),
        "tcp-opt-ao": ip4(tcp(opts=b"\x1d\x10\x05\x07" + b"\xbb" * 12)),
        "tcp-opt-mptcp": ip4(tcp(flags=2, opts=b"\x1e\x0c\x01\x81" + b"\x11" * 8)),
        "tcp-opt-mptcp-dss": ip4(tcp(opts=b"\x1e\x14\x20\x0f" + b"\x22" * 16)),
        "tcp-opt-mptcp-short": ip4(tcp(opts=b"\x1e\x03\x00\x00")),
        "tcp-opt-tfo": ip4(tcp(flags=2, opts=b"\x22\x0a" + b"\x33" * 8 + b"\x00\x00")),
        "tcp-opt-exp-tfo": ip4(tcp(flags=2, opts=b"\xfe\x0c\xf9\x89" + b"\x44" * 8)),
        "tcp-opt-unknown": ip4(tcp(opts=b"\x63\x06abcd")),
        "tcp-opt-wscale-eol": ip4(tcp(flags=2, opts=b"\x03\x03\x0e\x00")),
        "tcp-urg": ip4(struct.pack("!HHIIBBHHH", 1, 2, 3, 4, 0x50, 0x38, 5, 0, 9) + b"u" * 12),
        "tcp-trunc-ports": ip4(b"\x9c"),
        "tcp-trunc-hdr": ip4(tcp()[:13]),
        "udp-len-bad": ip4(struct.pack("!HHHH", 53, 53, 4, 0) + b"q", proto=17),
        "udp-len-big": ip4(struct.pack("!HHHH", 9, 9, 900, 0) + b"q" * 8, proto=17),
        "icmp-unreach-inner": ip4(struct.pack("!BBHI", 3, 3, 0, 0) +
                                  ip4(struct.pack("!HHHH", 1, 9, 8, 0), proto=17), proto=1),
        "icmp-unreach-frag": ip4(struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + ip4(T)[:28], proto=1),
        "icmp-redirect": ip4(struct.pack("!BB2x4s", 5, 1, b"\x0a\0\0\x09") + ip4(T)[:28],
                             proto=1),
        "icmp-timx-short": ip4(struct.pack("!BBHI", 11, 0, 0, 0) + b"\x45\x00", proto=1),
        "icmp-echo": ip4(struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"p" * 16, proto=1),
        "icmp-ts": ip4(struct.pack("!BBHHHIII", 13, 0, 0, 1, 1, 1, 2, 3), proto=1),
        "icmp-type-junk": ip4(struct.pack("!BBH", 200, 77, 0), proto=1),
        "proto-unknown": ip4(b"zzzz", proto=253),
        "ip6-hbh-jumbo": ip6(b"\x06\x00\xc2\x04\x00\x01\x11\x70" + tcp(), nxt=0, plen=0),
        "ip6-hbh-pad": ip6(b"\x3b\x00\x01\x04\x00\x00\x00\x00", nxt=0),
        "ip6-chain": ip6(b"\x3c\x00" + b"\x01\x04\0\0\0\0" + b"\x2b\x00" + b"\x01\x04\0\0\0\0" +
                         b"\x2c\x02\x00\x01\x00\x00\x00\x00" + b"\0" * 16 +
                         b"\x06\x00\x00\x01\x00\x00\x00\x2a" + tcp(), nxt=0),
        "ip6-frag-later": ip6(b"\x06\x00\x05\x41\x00\x00\x00\x2a" + b"f" * 24, nxt=44),
        "ip6-ext-loop-trunc": ip6(b"\x00\xff" + b"\0" * 6, nxt=0, plen=2000),
        "ip6-routing-4": ip6(b"\x3b\x02\x04\x01\x00\x00\x00\x00" + b"\x11" * 16, nxt=43),
        "ip6-plen-small": ip6(tcp(), plen=6),
        "icmp6-ns": ip6(struct.pack("!BBHI16s", 135, 0, 0, 0, b"\xfd" + b"\0" * 14 + b"\x02") +
                        b"\x01\x01" + b"\x02\0\x0a\xfa\0\x01", nxt=58),
        "icmp6-na-badopt": ip6(struct.pack("!BBHI16s", 136, 0, 0, 0x60000000, b"\xfd" + b"\0" * 15)
                               + b"\x02\x00\x02\0\x0a\xfa\0\x01", nxt=58),
        "icmp6-ra": ip6(struct.pack("!BBHBBHII", 134, 0, 0, 64, 0xC0, 1800, 0, 0) +
                        b"\x03\x04\x40\xc0" + b"\xff" * 12 + b"\xfd" + b"\0" * 15 +
                        b"\x05\x01\0\0\0\0\x05\xdc", nxt=58),
        "icmp6-unreach": ip6(struct.pack("!BBHI", 1, 4, 0, 0) + ip6(tcp())[:60], nxt=58),
        "icmp6-ptb": ip6(struct.pack("!BBHI", 2, 0, 0, 1280) + ip6(tcp())[:48], nxt=58),
        "icmp6-echo": ip6(struct.pack("!BBHHH", 128, 0, 0, 1, 2) + b"e" * 8, nxt=58),
    }
    for i, (name, pkt) in enumerate(cases.items()):
        p6 = pkt[0] >> 4 == 6
        framed = eth(0x86DD if p6 else 0x0800, pkt)
        recs = [(1700000000, 123456, framed, len(framed))]
        # the same packet cut short, for the truncation paths
        recs.append((1700000000, 200000, framed[:len(framed) * 2 // 3],
                     len(framed)))
        write(os.path.join(w, "hand-" + name), wire_seed(ETH, ((i * 7) & 0xFF, i & 0x3F, 3), recs))
        write(os.path.join(w, "hand-raw-" + name), wire_seed(RAW, (1, 0, 0), [(1, 2, pkt, len(pkt))]))
    tag = lambda tpid, vid: struct.pack("!HH", tpid, vid)
    link_cases = {
        "vlan-qinq": ETHH + tag(0x88A8, 200) + tag(0x8100, 300) + b"\x08\x00" + ip4(T),
        "vlan-deep": ETHH + tag(0x8100, 1) * 6 + b"\x08\x00" + ip4(T),
        "vlan-trunc": ETHH + tag(0x8100, 1)[:3],
        "eth-8023-len": ETHH + b"\x00\x40" + b"\xaa\xaa\x03" + b"\0" * 40,
        "eth-short": ETHH[:9],
        "arp-req": eth(0x806, struct.pack("!HHBBH", 1, 0x800, 6, 4, 1) + b"\x02\0\x0a\xfa\0\x01" +
                       b"\x0a\xfa\x01\x01" + b"\0" * 6 + b"\x0a\xfa\x01\x02"),
        "arp-odd": eth(0x806, struct.pack("!HHBBH", 6, 0x800, 3, 7, 9) + b"\x11" * 20),
        "arp-trunc": eth(0x806, struct.pack("!HHBBH", 1, 0x800, 6, 4, 2) + b"\x22" * 5),
        "macsec": eth(0x88E5, b"\x20\x00\x00\x00\x00\x01" + b"\x08\x00" + ip4(T)),
        "macsec-enc": eth(0x88E5, b"\x2c\x10\x00\x00\x00\x01" + b"\x99" * 40),
    }
    for name, fr in link_cases.items():
        write(os.path.join(w, "hand-" + name), wire_seed(ETH, (0x80, 0, 0), [(5, 6, fr, len(fr))]))
    sll2 = struct.pack("!HHIHHBB8s", 0x0800, 0, 1, 1, 0, 6, 6, b"\x02\0\x0a\xfa\0\x01")
    write(os.path.join(w, "hand-sll2-ifindex"), wire_seed(SLL2, (0x80, 0, 0),
          [(1, 2, sll2 + ip4(T), 60),
           (1, 3, sll2[:4] + b"\0\0" + b"\xff\xff\xff\xff" + sll2[10:] + ip4(T), 60)]))
    sll = struct.pack("!HHH8sH", 4, 1, 6, b"\x02\0\x0a\xfa\0\x01", 0x8100)
    write(os.path.join(w, "hand-sll-vlan"), wire_seed(SLL, (0x80, 0, 0),
          [(1, 2, sll + tag(0x0800, 5) + ip4(T), 80), (1, 3, sll[:10], 80)]))
    write(os.path.join(w, "hand-null-af-junk"), wire_seed(NULL, (1, 0, 0),
          [(1, 2, b"\x63\0\0\0" + ip4(T), 60), (1, 3, b"\x02\0", 60)]))
    write(os.path.join(w, "hand-ts-extremes"), wire_seed(ETH, (0, 0x10, 0),
          [(0xFFFFFFFF, 1999999999, eth(0x800, ip4(T)), 54),
           (0x7FFFFFFF, 999999, eth(0x800, ip4(T)), 54),
           (0, 0, b"", 0)]))


def hand_pcap(corpus):
    pc = os.path.join(corpus, "pcap")
    T = eth(0x800, ip4(tcp()))
    good = [(1700000000 + i, 1000 * i, T, len(T)) for i in range(3)]
    write(os.path.join(pc, "hand-bad-magic.pcap"), b"\xde\xad\xbe\xef" + pcap_file(1, good)[4:])
    f = pcap_file(1, good, snap=96)
    write(os.path.join(pc, "hand-caplen-gt-snaplen.pcap"),
          f + struct.pack("<IIII", 1700000009, 0, 70000, 70000) + b"\0" * 64)
    write(os.path.join(pc, "hand-truncated-record.pcap"),
          pcap_file(1, good) + struct.pack("<IIII", 1700000009, 0, 100, 100) + T[:20])
    write(os.path.join(pc, "hand-truncated-header.pcap"), pcap_file(1, good) + b"\x01\x02\x03")
    write(os.path.join(pc, "hand-short-file-header.pcap"), pcap_file(1, good)[:13])
    write(os.path.join(pc, "hand-empty.pcap"), b"")
    write(os.path.join(pc, "hand-usec-overflow.pcap"),
          pcap_file(1, [(1700000000, 1999999, T, len(T)), (5, 0xFFFFFFFF, T, 9)]))
    write(os.path.join(pc, "hand-nano.pcap"), pcap_file(1, good, magic=0xA1B23C4D))
    write(os.path.join(pc, "hand-caplen-gt-len.pcap"), pcap_file(1, [(1, 2, T, 10)]))
    write(os.path.join(pc, "hand-snaplen0.pcap"), pcap_file(1, good, snap=0))
    write(os.path.join(pc, "hand-linktype-unknown.pcap"), pcap_file(147, good))
    for lt, name in ((0, "null"), (108, "loop"), (113, "sll"), (276, "sll2"), (228, "ipv4"),
                     (229, "ipv6"), (12, "dltraw")):
        write(os.path.join(pc, f"hand-lt-{name}.pcap"), pcap_file(lt, good))
    ng = pcapng_file(1, good)
    write(os.path.join(pc, "hand-pcapng.pcapng"), ng)
    write(os.path.join(pc, "hand-pcapng-trunc.pcapng"), ng[:-7])
    bad = bytearray(ng)
    bad[4:8] = struct.pack("<I", 0x7FFFFFF0)  # SHB length absurd
    write(os.path.join(pc, "hand-pcapng-badlen.pcapng"), bytes(bad))


def sockdiag_seeds(corpus, src):
    d = os.path.join(src, "tests", "unit", "data")
    s = os.path.join(corpus, "sockdiag")
    for n in sorted(os.listdir(d)):
        if os.path.isdir(os.path.join(d, n)):
            for root, _, files in os.walk(os.path.join(d, n)):
                for fn in sorted(files):
                    lines = open(os.path.join(root, fn), "rb").read().split(b"\n")
                    for i, line in enumerate(lines[:6]):
                        sel = b"\x05" if fn.endswith("6") else b"\x01"
                        write(os.path.join(s, f"unit-{n}-{fn}-{i}"), sel + line)
            continue
        data = open(os.path.join(d, n), "rb").read()
        if n.endswith(".nl"):
            write(os.path.join(s, "unit-" + n), b"\x02" + data)
            write(os.path.join(s, "unit-" + n + "-v6"), b"\x32" + data)


def main():
    corpus = sys.argv[1]
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for sub in ("wire", "pcap", "sockdiag"):
        os.makedirs(os.path.join(corpus, sub), exist_ok=True)
    for p in sys.argv[2:]:
        own_seeds(corpus, p)
    hand_wire(corpus)
    hand_pcap(corpus)
    sockdiag_seeds(corpus, src)


if __name__ == "__main__":
    main()
