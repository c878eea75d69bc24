/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wire decoding: link (Ethernet + 802.1Q/QinQ, Linux cooked v1/v2, BSD NULL,
 * raw IP), IPv4, IPv6 (+ extension headers), ARP, TCP (+ options), UDP, ICMP,
 * ICMPv6. Every decoder reads through struct tsc_cur and fills a small
 * host-order struct; it never prints. Decoders return enum tsc_decode: OK, TRUNC
 * (the capture is shorter than the header) or BAD (a declared length that is
 * inconsistent). The printer (tsc_wire_printer, print.c) formats these structs
 * exactly like tcpdump 4.99.3; the flow tracker reuses the decoders alone.
 * References: RFC 791, 8200, 9293, 792, 4443, 826; tcpdump's print-*.c.
 */
#ifndef TSC_WIRE_WIRE_H
#define TSC_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/cursor.h"

enum tsc_decode { TSC_DECODE_OK, TSC_DECODE_TRUNC, TSC_DECODE_BAD };

/* Link-layer types (pcap LINKTYPE_ values we decode). */
enum {
	TSC_LINK_NULL = 0,
	TSC_LINK_ETHERNET = 1,
	TSC_LINK_RAW = 101,
	TSC_LINK_LOOP = 108,
	TSC_LINK_SLL = 113,
	TSC_LINK_IPV4 = 228,
	TSC_LINK_IPV6 = 229,
	TSC_LINK_SLL2 = 276,
	TSC_DLT_RAW = 12, /* what pcap_datalink() reports for LINKTYPE_RAW on Linux */
	TSC_DLT_RAW_BSD = 14,
};

#define TSC_ETH_IPV4   0x0800
#define TSC_ETH_ARP    0x0806
#define TSC_ETH_IPV6   0x86dd
#define TSC_ETH_VLAN   0x8100
#define TSC_ETH_QINQ   0x88a8
#define TSC_ETH_MACSEC 0x88e5

#define TSC_WIRE_MAX_VLAN 4

/* ---- link ---- */
struct tsc_wire_vlan {
	uint16_t tpid; /* the ethertype that introduced this tag */
	uint16_t tci;
};

struct tsc_wire_link {
	uint32_t linktype;
	uint32_t hdrlen;     /* bytes of link header consumed (incl. VLAN tags) */
	uint16_t ethertype;  /* of the payload (after tags), or AF for NULL */
	uint16_t outer_type; /* Ethernet: the first type/length field */
	uint8_t src[8], dst[8];
	uint8_t nvlan;
	struct tsc_wire_vlan vlan[TSC_WIRE_MAX_VLAN];
	/* Linux cooked */
	uint16_t pkttype, hatype, halen;
	uint32_t ifindex;	   /* SLL2 */
	uint32_t af;		   /* NULL/LOOP: address family */
	uint8_t vlan_trunc;	   /* a VLAN tag was cut short by the capture */
	uint8_t macsec, macsec_sl; /* 802.1AE SecTAG present; its short length */
};

/* ---- IPv4 ---- */
struct tsc_wire_ip4 {
	uint8_t ver, ihl, tos, ttl, proto;
	uint16_t tot_len, id, off, sum;
	uint8_t src[4], dst[4];
	uint32_t hlen;		/* ihl * 4 */
	uint32_t caplen;	/* bytes of the datagram captured (after trimming to tot_len) */
	struct tsc_cur hdr;	/* the header as captured (for the checksum) */
	struct tsc_cur opts;	/* options as captured */
	struct tsc_cur payload; /* captured payload, limited to tot_len */
	uint32_t payload_len;	/* declared: tot_len - hlen */
};

/* ---- IPv6 ---- */
struct tsc_wire_ip6 {
	uint8_t ver, tclass, nxt, hlim;
	uint32_t flow;
	uint16_t plen;
	uint8_t src[16], dst[16];
	struct tsc_cur after; /* bytes after the fixed header, limited to the declared length */
};

/* ---- TCP ---- */
enum {
	TSC_TH_FIN = 0x01,
	TSC_TH_SYN = 0x02,
	TSC_TH_RST = 0x04,
	TSC_TH_PUSH = 0x08,
	TSC_TH_ACK = 0x10,
	TSC_TH_URG = 0x20,
	TSC_TH_ECE = 0x40,
	TSC_TH_CWR = 0x80,
};

#define TSC_WIRE_MAX_TCPOPT 40

struct tsc_wire_tcpopt {
	uint8_t kind;
	uint8_t len;	     /* declared, 1 for EOL/NOP */
	uint8_t status;	     /* enum tsc_decode */
	uint32_t v[2];	     /* mss, wscale, TS val/ecr, ... */
	struct tsc_cur data; /* option data as captured (after kind/len) */
};

struct tsc_wire_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, sum, urp;
	uint32_t hlen;	    /* data offset * 4 */
	uint8_t have_ports; /* sport/dport captured */
	uint8_t have_hdr;   /* the 20-byte fixed header captured */
	uint8_t nopt;
	uint8_t opt_status; /* OK, TRUNC (kind/len byte missing) or BAD (len) */
	struct tsc_wire_tcpopt opt[TSC_WIRE_MAX_TCPOPT];
	struct tsc_cur seg; /* the segment as captured */
};

/* ---- UDP ---- */
struct tsc_wire_udp {
	uint16_t sport, dport, len, sum;
	uint8_t have_ports;
	struct tsc_cur seg;
};

/* ---- ARP ---- */
struct tsc_wire_arp {
	uint16_t hrd, pro, op;
	uint8_t hln, pln;
	struct tsc_cur sha, spa, tha, tpa;
	uint8_t have_fixed; /* the 8-byte fixed part */
	uint8_t have_addrs; /* all four addresses captured */
};

/* ---- ICMP / ICMPv6 ---- */
struct tsc_wire_icmp {
	uint8_t type, code;
	uint16_t sum;
	uint8_t have_hdr;    /* type and code captured */
	struct tsc_cur msg;  /* the whole message as captured */
	struct tsc_cur body; /* after type/code/checksum */
};

TSC_MUST_CHECK enum tsc_decode tsc_wire_link_decode(uint32_t linktype, struct tsc_cur c,
						    struct tsc_wire_link *ret);
/* Decodes the fixed IPv4 header. TRUNC: the 20 bytes are not all captured.
 * BAD: version != 4, ihl < 5 or tot_len < ihl*4 (the struct is still filled
 * as far as read). length is the number of bytes the link layer handed on. */
TSC_MUST_CHECK enum tsc_decode tsc_wire_ip4_decode(struct tsc_cur c, uint32_t length,
						   struct tsc_wire_ip4 *ret);
TSC_MUST_CHECK enum tsc_decode tsc_wire_ip6_decode(struct tsc_cur c, uint32_t length,
						   struct tsc_wire_ip6 *ret);
/* c: the segment as captured (already limited to the declared length); len:
 * the declared segment length. */
TSC_MUST_CHECK enum tsc_decode tsc_wire_tcp_decode(struct tsc_cur c, uint32_t len,
						   struct tsc_wire_tcp *ret);
/* tsc_wire_tcp_decode() without clearing ret->opt[] (nopt is 0): for
 * callers that walk the options of few segments, with
 * tsc_wire_tcp_opts_decode() when they need them (lib/flow: SYNs only).
 * Saves clearing the ~1.3 KB option array per segment. Same returns. */
TSC_MUST_CHECK enum tsc_decode tsc_wire_tcp_decode_fixed(struct tsc_cur c,
							 struct tsc_wire_tcp *ret);
/* Walks the options area of a decoded TCP header into ret->opt[]. */
void tsc_wire_tcp_opts_decode(struct tsc_wire_tcp *t);
TSC_MUST_CHECK enum tsc_decode tsc_wire_udp_decode(struct tsc_cur c, struct tsc_wire_udp *ret);
TSC_MUST_CHECK enum tsc_decode tsc_wire_arp_decode(struct tsc_cur c, struct tsc_wire_arp *ret);
TSC_MUST_CHECK enum tsc_decode tsc_wire_icmp_decode(struct tsc_cur c, struct tsc_wire_icmp *ret);

/* Internet checksum over a sequence of spans (RFC 1071). */
uint16_t tsc_wire_cksum(const struct tsc_cur *spans, size_t n);

/* ---- printing ---- */
enum tsc_wire_ts_mode {
	TSC_TS_DEFAULT = 0, /* local HH:MM:SS.frac */
	TSC_TS_NONE,	    /* -t */
	TSC_TS_UNIX,	    /* -tt */
	TSC_TS_DELTA,	    /* -ttt */
	TSC_TS_DATE,	    /* -tttt */
	TSC_TS_SINCE_FIRST, /* -ttttt */
};

struct tsc_wire_opts {
	int vflag;
	int xflag; /* 1: -x, 2: -xx */
	int Xflag; /* 1: -X, 2: -XX */
	bool Aflag, eflag, qflag, Sflag, Kflag;
	enum tsc_wire_ts_mode ts_mode;
	bool nano;		/* timestamps are (and print as) nanoseconds */
	long utc_offset;	/* seconds east of UTC for TSC_TS_DEFAULT/DATE */
	uint32_t seq_table_max; /* bound on tracked TCP conversations (0: default) */
};

struct tsc_wire_printer;

/* Takes a copy of opts. NULL + errno on failure. */
struct tsc_wire_printer *tsc_wire_printer_new(const struct tsc_wire_opts *opts);
void tsc_wire_printer_free(struct tsc_wire_printer *p);

/* Formats one packet as a full line (plus hex dump lines) into out.
 * ts_sec/ts_frac: frac in microseconds (or nanoseconds with opts.nano). */
void tsc_wire_print_packet(struct tsc_wire_printer *p, struct tsc_buf *out, uint32_t linktype,
			   int64_t ts_sec, uint32_t ts_frac, const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen);
/* Number of TCP conversations dropped from the relative-seq table (bound hit). */
uint64_t tsc_wire_printer_seq_evictions(const struct tsc_wire_printer *p);

#endif
