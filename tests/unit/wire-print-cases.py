#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Handcrafted packets for the printer paths the tcpdump conformance pcaps do
not reach (MPTCP subtypes, TFO, experimental, SCPS, TCP-AO, unknown options,
SACK, ICMP/ICMPv6 bodies, IPv6 hop-by-hop options, IPv4 source routes).

  wire-print-cases.py pcap FILE        all packets, full length (LINKTYPE_RAW)
  wire-print-cases.py sweep FILE       every packet at every caplen 0..len
  wire-print-cases.py seeds DIR       fuzz seeds DIR/hand-print-*, the packets in
                                       lib/wire/fuzz-wire.c's record format
  wire-print-cases.py data            tests/unit/data/wire-print-cases.txt for
                                       tests/unit/test-wire-print.c: per packet a
                                       line "@ VFLAG HEX [WIRELEN]" (WIRELEN when
                                       it differs from the captured length), then
                                       the expected text from `tcpdump -n -t [-v]`
  wire-print-cases.py link-data       tests/unit/data/wire-print-link-cases.txt:
                                       packets behind Ethernet, VLAN, SLL, SLL2
                                       and loopback headers at every caplen, with
                                       -x (where the dump starts) and -e

The expected text is tcpdump 4.99.3's, so the unit test proves the printers
keep printing what tcpdump prints.
"""
import os
import struct
import subprocess
import sys
import tempfile

SRC4, DST4 = bytes([10, 250, 0, 1]), bytes([10, 250, 0, 2])
SRC6 = bytes.fromhex("fd000250000000000000000000000001")
DST6 = bytes.fromhex("fd000250000000000000000000000002")

SYN, ACK, FIN, RST = 0x02, 0x10, 0x01, 0x04


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(proto, payload, opts=b""):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(payload), 1,
                    0x4000, 64, proto, 0, SRC4, DST4) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(nxt, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, 64, SRC6, DST6) + payload


def tcp(sport, flags, opts, data=b""):
    opts = bytes(opts)
    opts += b"\x01" * (-len(opts) % 4)  # pad with nop
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, 80, 1000, 2000 if flags & ACK else 0,
                       doff << 4, flags, 512, 0, 0) + opts + data


def b(*parts):
    out = b""
    for p in parts:
        out += bytes.fromhex(p) if isinstance(p, str) else bytes(p)
    return out


KEY8 = "0102030405060708"
KEY8B = "1112131415161718"
H20B = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"

# (tcp flags, option bytes) -> each one TCP segment over IPv4
TCP_CASES = [
    # MPTCP MP_CAPABLE (RFC 8684 3.1)
    (SYN, b("1e04 0181")),
    (SYN, b("1e0c 0081", KEY8)),
    (ACK, b("1e14 0101", KEY8, KEY8B)),
    (ACK, b("1e16 0181", KEY8, KEY8B, "0010")),
    (SYN, b("1e0c 0581", KEY8)),
    (ACK, b("1e0c 0081", KEY8)),
    # MP_JOIN
    (SYN, b("1e0c 1105 0a0b0c0d 01020304")),
    (SYN | ACK, b("1e10 1003", KEY8, "01020304")),
    (ACK, b("1e18 1000", H20B)),
    (ACK, b("1e0c 1105 0a0b0c0d 01020304")),
    # DSS (already read through the cursor; here for the sweep)
    (ACK, b("1e14 201f 00000001 00000002 00000003 0010 abcd")),
    (ACK, b("1e1c 200f", KEY8, KEY8B, "00000003 0010")),
    # ADD_ADDR, every length, every echo/version nibble
    (ACK, b("1e08 3001 0afa0003")),
    (ACK, b("1e0a 3102 0afa0003 1f90")),
    (ACK, b("1e10 3003 0afa0003", KEY8)),
    (ACK, b("1e12 3004 0afa0003 1f90", KEY8)),
    (ACK, b("1e14 3405 fd000250000000000000000000000003")),
    (ACK, b("1e16 3606 fd000250000000000000000000000003 0050")),
    (ACK, b("1e1c 3007 fd000250000000000000000000000003", KEY8)),
    (ACK, b("1e1e 3208 fd000250000000000000000000000003 0050", KEY8)),
    (ACK, b("1e09 3001 0afa000300")),
    # REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, unknown subtypes
    (ACK, b("1e05 4001 02")),
    (ACK, b("1e07 4001 020304")),
    (ACK, b("1e03 40")),
    (ACK, b("1e03 51")),
    (ACK, b("1e04 5007")),
    (ACK, b("1e05 500700")),
    (ACK, b("1e0c 6000", KEY8)),
    (ACK, b("1e0c 7000", KEY8)),
    (ACK, b("1e0b 7000 01020304050607")),
    (ACK, b("1e04 8000")),
    (ACK, b("1e06 f000 0102")),
    (ACK, b("1e02")),
    (ACK, b("01 1e0340")),
    (ACK, b("0101 1e0340")),
    (ACK, b("01 1e01")),
    (ACK, b("1e01")),
    # TCP Fast Open (RFC 7413) and its experimental form (RFC 6994)
    (SYN, b("2202")),
    (SYN, b("220a", KEY8)),
    (SYN, b("2205 010203")),
    (SYN, b("2214", KEY8, KEY8, "01020304")),
    (SYN, b("fe04 f989")),
    (SYN, b("fe0c f989", KEY8)),
    (SYN, b("fe07 f989 010203")),
    (SYN, b("fe06 1234 aabb")),
    (SYN, b("fe03 12")),
    # MD5 (RFC 2385), SCPS, user timeout, TCP-AO (RFC 5925)
    (ACK, b("1312 000102030405060708090a0b0c0d0e0f")),
    (SYN, b("1404 ab05")),
    (SYN, b("1c04 8005")),
    (SYN, b("1c04 0005")),
    (ACK, b("1d04 0709")),
    (ACK, b("1d08 0709 aabbccdd")),
    (ACK, b("1d03 07")),
    # SACK (RFC 2018), cc/echo, unknown kinds
    (ACK, b("050a 000003e8 000007d0")),
    (ACK, b("0512 000003e8 000007d0 00000bb8 00000fa0")),
    (ACK, b("0507 0000000000")),
    (SYN, b("0606 01020304")),
    (SYN, b("0b06 01020304 0d06 05060708")),
    (SYN, b("6305 aabbcc")),
    (SYN, b("6302")),
    (SYN, b("0000")),
]


def udp4_routed(data, final_dst):
    """UDP whose checksum covers the source route's final destination."""
    u = struct.pack("!HHHH", 1, 2, 8 + len(data), 0) + data
    ph = SRC4 + final_dst + struct.pack("!BBH", 0, 17, len(u))
    return u[:6] + struct.pack("!H", csum(ph + u)) + u[8:]


def icmp4(t, c, body):
    h = struct.pack("!BBH", t, c, 0) + body
    return ip4(1, h[:2] + struct.pack("!H", csum(h)) + h[4:])


def quoted4(proto=17):
    inner = struct.pack("!HHHH", 45000, 45001, 16, 0) + b"abcdefgh"
    return ip4(proto, inner)


def icmp6(t, c, body):
    h = struct.pack("!BBH", t, c, 0) + body
    ph = SRC6 + DST6 + struct.pack("!I3xB", len(h), 58)
    return ip6(58, h[:2] + struct.pack("!H", csum(ph + h)) + h[4:])


def quoted6(exts, last):
    """An IPv6 packet quoted in an ICMPv6 error: extension headers, then UDP."""
    body, nxt = b"", last
    for kind, hdr in reversed(exts):
        body = bytes([nxt]) + hdr + body
        nxt = kind
    return ip6(nxt, body + struct.pack("!HHHH", 45000, 45001, 8, 0))


OTHER_CASES = []
for code in list(range(0, 16)) + [16, 99]:
    OTHER_CASES.append(icmp4(3, code, struct.pack("!HH", 0, 1400 if code == 4 else 0) +
                             quoted4(17 if code != 2 else 253)))
OTHER_CASES += [
    icmp4(3, 3, b"\0\0\0\0" + quoted4(6)),
    icmp4(3, 3, b"\0\0\0\0" + quoted4(253)),
    icmp4(5, 1, bytes([10, 250, 0, 9]) + quoted4()),
    icmp4(5, 7, bytes([10, 250, 0, 9]) + quoted4()),
    icmp4(11, 1, b"\0\0\0\0" + quoted4()),
    icmp4(12, 0, b"\x08\0\0\0" + quoted4()),
    icmp4(18, 0, b"\0\1\0\2\xff\xff\xff\0"),
    icmp4(13, 0, b"\0\1\0\2" + b"\0" * 12),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([], 17)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([(0, b("00 0104 00000000"))], 17)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([(0, b("00 0104 00000000")), (44, b("00 0000 00000007"))], 6)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([(60, b("01 0104 00000000 0106 000000000000"))], 132)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([(43, b("00 0000 00000000"))], 17)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([(51, b("00 0000 00000007"))], 17)),
    icmp6(1, 4, b"\0\0\0\0" + quoted6([], 253)),
    icmp6(1, 2, b"\0\0\0\0" + quoted6([], 17)),
    icmp6(1, 9, b"\0\0\0\0" + quoted6([], 17)),
    icmp6(3, 0, b"\0\0\0\0" + quoted6([], 17)),
    icmp6(4, 1, b"\0\0\0\x28" + quoted6([], 17)),
    icmp6(250, 0, b"\1\2\3\4\5\6\7\x08"),
    # IPv6 hop-by-hop options (RFC 8200 4.2): pad1, padn, router alert, jumbo,
    # an unknown option; then UDP
    ip6(0, b("1100 00 0103000000") + struct.pack("!HHHH", 1, 2, 8, 0)),
    ip6(0, b("1101 05020000 3e03aabbcc 0103000000") + struct.pack("!HHHH", 1, 2, 8, 0)),
    ip6(0, b("1100 c20400010000") + struct.pack("!HHHH", 1, 2, 8, 0)),
    ip6(0, b("1100 0503000000 00") + struct.pack("!HHHH", 1, 2, 8, 0)),
    # IPv4 loose source route: the checksum uses the final destination
    ip4(17, udp4_routed(b"abcd", bytes([10, 250, 0, 7])), b("8307040afa0007 00")),
]


def packets():
    out = []
    for i, (flags, opts) in enumerate(TCP_CASES):
        seg = tcp(40000 + i, flags, opts)
        out.append(ip4(6, seg))
    return out + OTHER_CASES


def write_pcap(path, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i, (data, orig) in enumerate(recs):
            f.write(struct.pack("<IIII", 1, i, len(data), orig) + data)


def tcpdump(path, args):
    r = subprocess.run(["tcpdump", "-n", "-t", "-r", path] + args, capture_output=True,
                       check=True)
    return r.stdout.decode()


def trunc_cases():
    """(vflag, packet) printed at every caplen 1..len-1: the truncation paths
    that differ by option or header (caplen 0 is the capture layer's)."""
    tcp_at = {3: "mptcp, nop", 55: "invalid sack", 51: "tcp-ao", 52: "tcp-ao (invalid)",
              31: "mptcp unknown"}
    other = packets()[len(TCP_CASES):]
    out = [(0, packets()[i]) for i in tcp_at]
    out += [(1, o) for o in other if o[9] == 1 and o[20] in (11, 12)]     # ICMP -v
    out += [(0, o) for o in other if o[0] >> 4 == 6 and o[6] == 0][:2]    # HBH
    out += [(0, other[-1]), (1, other[-1])]                               # LSRR
    out += [(0, o) for o in other if o[0] >> 4 == 6 and o[6] == 58][:1]   # ICMPv6
    return out


def record(d, vflag, p, caplen, wirelen=None):
    args = {0: [], 1: ["-v"], 2: ["-vv"]}[vflag]
    path = os.path.join(d, "one.pcap")
    wirelen = len(p) if wirelen is None else wirelen
    write_pcap(path, [(p[:caplen], wirelen)])
    exp = tcpdump(path, args)
    tail = "" if caplen == wirelen else " %d" % wirelen
    sys.stdout.write("@ %d %s%s\n%s" % (vflag, p[:caplen].hex(), tail, exp))
    return path, exp


# Flags that change nothing on a record tcpdump rejects before decoding it.
INVALID_FLAGS = [["-e"], ["-x"], ["-X"], ["-xx"], ["-XX"], ["-A"], ["-q"], ["-S"]]


def invalid_cases():
    """(captured, wirelen) records that tcpdump's pretty_print_packet rejects
    before any decode: no captured byte, a wire length of 0 or below the
    captured length, a wire length above 262144. It prints only
    "[Invalid header: ...]", with no timestamp and no dump."""
    p = packets()[0]
    return [(b"", len(p)), (b"", 0), (b"", 300000), (p, 0), (p, 10), (p, len(p) - 1),
            (p[:20], 300000)]


def data():
    pk = packets()
    with tempfile.TemporaryDirectory() as d:
        for vflag in (0, 1, 2):
            for i, p in enumerate(pk):
                if vflag and i < len(TCP_CASES):
                    continue  # -v adds only the (zero) TCP checksum
                record(d, vflag, p, len(p))
        for vflag, p in trunc_cases():
            for caplen in range(1, len(p)):
                record(d, vflag, p, caplen)
        for vflag in (0, 1, 2):
            for p, wirelen in invalid_cases():
                path, exp = record(d, vflag, p, len(p), wirelen)
                # the C test prints these with each of INVALID_FLAGS and with
                # a timestamp, expecting the same text: check that tcpdump does
                assert exp.startswith("[Invalid header:"), exp
                for args in INVALID_FLAGS + [["-tttt"]]:
                    r = subprocess.run(["tcpdump", "-n", "-r", path] + args,
                                       capture_output=True, check=True)
                    assert r.stdout.decode() == exp, (args, exp)


# Link headers: Ethernet (1), Linux SLL (113), SLL2 (276, ifindex 1: "lo"),
# BSD loopback (0, host order), OpenBSD loop (108, network order).
ETH = b"\xff" * 6 + b"\x02\0\0\0\0\1"
LINKS = {
    1: lambda et: ETH + et,
    113: lambda et: struct.pack("!HHH8s", 0, 1, 6, b"\x02\0\0\0\0\1\0\0") + et,
    276: lambda et: et + struct.pack("!HIHBB8s", 0, 1, 1, 0, 6, b"\x02\0\0\0\0\1\0\0"),
    0: lambda et: struct.pack("<I", 2 if et == b"\x08\x00" else 30),
    108: lambda et: struct.pack("!I", 2 if et == b"\x08\x00" else 24),
}


def link_extra():
    """(ethertype, packet) for the link sweeps: IPv6 fragment and routing
    headers, HBH + DSTOPT + TCP, ARP, IPv4 options + TCP, an ICMP echo."""
    udp = struct.pack("!HHHH", 40000, 9999, 12, 0) + b"abcd"
    seg = tcp(40100, SYN, b("020405b4"))
    return [
        (b"\x86\xdd", ip6(44, b("11 00 0000 00001234") + udp)),
        (b"\x86\xdd", ip6(43, b("11 02 00 01 00000000") + DST6 + udp)),
        (b"\x86\xdd", ip6(0, b("3c 00 0104 00000000 06 00 0104 00000000") + seg)),
        (b"\x08\x06", struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + b"\x02\0\0\0\0\1" + SRC4 +
         b"\0" * 6 + DST4),
        (b"\x08\x00", ip4(6, seg, b("0101440c0500000000000000"))),
        (b"\x08\x00", icmp4(8, 0, b"\0\1\0\2")),
    ]


def link_cases():
    """(linktype, tcpdump flags, packet): each printed at every caplen 1..len.
    -x shows where tcpdump's dump starts: after the link header, or at the
    first byte when a printer's read longjmps out on a short capture."""
    out = []
    for lt in LINKS:
        out.append((lt, ["-x"], LINKS[lt](b"\x08\x00") + ip4(17, struct.pack("!HHHH", 1, 2, 8, 0))))
    for vflag, p in trunc_cases():
        et = b"\x86\xdd" if p[0] >> 4 == 6 else b"\x08\x00"
        out.append((1, (["-v"] if vflag else []) + ["-x"], ETH + et + p))
    for et, p in link_extra():
        out.append((1, ["-x"], ETH + et + p))
    out.append((113, ["-x"], LINKS[113](link_extra()[0][0]) + link_extra()[0][1]))
    udp4 = ip4(17, struct.pack("!HHHH", 1, 2, 8, 0))
    for tags in ("81000064", "88a80064 81000065"):
        out.append((1, ["-e", "-x"], ETH + b(tags, "0800") + udp4))
    return out


def write_pcap_lt(path, lt, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, lt))
        for i, (data, orig) in enumerate(recs):
            f.write(struct.pack("<IIII", 1, i, len(data), orig) + data)


def link_data():
    """tests/unit/data/wire-print-link-cases.txt: per record a line
    "@ LINKTYPE FLAGS HEX WIRELEN" (FLAGS comma-separated), then the text of
    `tcpdump -n -t -r FILE FLAGS`."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "one.pcap")
        for lt, flags, p in link_cases():
            for caplen in range(1, len(p) + 1):
                write_pcap_lt(path, lt, [(p[:caplen], len(p))])
                exp = tcpdump(path, flags)
                sys.stdout.write("@ %d %s %s %d\n%s" % (lt, ",".join(flags), p[:caplen].hex(),
                                                        len(p), exp))


def seeds(d):
    """One seed per group of packets, raw IP link, at -v and at -vv -S."""
    groups = {"mptcp": packets()[:37], "tcpopt": packets()[37:len(TCP_CASES)],
              "icmp-ip6": OTHER_CASES}
    for name, pk in groups.items():
        for tag, flags in (("v", b"\x01\x28\x0f"), ("vvS", b"\x02\x02\x03")):
            out = bytes([5]) + flags
            for i, p in enumerate(pk):
                out += struct.pack("<HHII", len(p), 0, 1, i) + p
            with open(os.path.join(d, "hand-print-%s-%s" % (name, tag)), "wb") as f:
                f.write(out)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "pcap":
        write_pcap(sys.argv[2], [(p, len(p)) for p in packets()])
    elif len(sys.argv) >= 3 and sys.argv[1] == "sweep":
        write_pcap(sys.argv[2], [(p[:n], len(p)) for p in packets() for n in range(len(p) + 1)])
    elif len(sys.argv) >= 3 and sys.argv[1] == "seeds":
        seeds(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "data":
        data()
    elif len(sys.argv) >= 2 and sys.argv[1] == "link-data":
        link_data()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
