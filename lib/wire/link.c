/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link-layer decoders: Ethernet II with 802.1Q/802.1ad tags, Linux cooked
 * capture v1 and v2 (what `-i any` gives), BSD NULL/LOOP and raw IP. They fill
 * struct tsc_wire_link and report how many bytes the link header takes.
 * They do not decode 802.3/LLC frames (out of scope, tcpdump prints them raw).
 * References: IEEE 802.1Q, pcap-linktype(7), tcpdump print-ether.c/print-sll.c.
 */
#include <string.h>

#include "wire/wire.h"

static bool is_vlan_tpid(uint16_t t)
{
	return t == TSC_ETH_VLAN || t == TSC_ETH_QINQ || t == 0x9100 || t == 0x9200;
}

/* IEEE 802.1AE SecTAG: TCI/AN, SL, PN [, SCI]; an unencrypted payload keeps its
 * EtherType, and the 16-byte ICV at the end is not payload. */
static enum tsc_decode macsec_decode(struct tsc_cur c, struct tsc_wire_link *l)
{
	uint8_t tci, sl;
	uint16_t type;

	if (!tsc_cur_u8(&c, &tci) || !tsc_cur_u8(&c, &sl) || !tsc_cur_skip(&c, 4) ||
	    ((tci & 0x20) && !tsc_cur_skip(&c, 8)))
		return TSC_DECODE_TRUNC;
	l->macsec_sl = sl;
	l->macsec = 1;
	l->hdrlen += (tci & 0x20) ? 14 : 6;
	if (tci & 0x0c) { /* E or C: encrypted/changed, no visible EtherType */
		l->ethertype = 0;
		return TSC_DECODE_OK;
	}
	if (!tsc_cur_be16(&c, &type))
		return TSC_DECODE_TRUNC;
	l->hdrlen += 2;
	l->ethertype = type;
	return TSC_DECODE_OK;
}

static enum tsc_decode eth_decode(struct tsc_cur c, struct tsc_wire_link *l)
{
	uint16_t type;

	if (!tsc_cur_bytes(&c, l->dst, 6) || !tsc_cur_bytes(&c, l->src, 6) ||
	    !tsc_cur_be16(&c, &type))
		return TSC_DECODE_TRUNC;
	l->hdrlen = 14;
	l->outer_type = type;
	while (is_vlan_tpid(type)) {
		uint16_t tci, next;

		if (l->nvlan >= TSC_WIRE_MAX_VLAN)
			break;
		if (!tsc_cur_be16(&c, &tci) || !tsc_cur_be16(&c, &next)) {
			l->vlan_trunc = 1;
			l->ethertype = type;
			return TSC_DECODE_TRUNC;
		}
		l->vlan[l->nvlan].tpid = type;
		l->vlan[l->nvlan].tci = tci;
		l->nvlan++;
		l->hdrlen += 4;
		type = next;
	}
	if (type == TSC_ETH_MACSEC)
		return macsec_decode(c, l);
	l->ethertype = type;
	return TSC_DECODE_OK;
}

static enum tsc_decode sll_decode(struct tsc_cur c, struct tsc_wire_link *l)
{
	if (!tsc_cur_be16(&c, &l->pkttype) || !tsc_cur_be16(&c, &l->hatype) ||
	    !tsc_cur_be16(&c, &l->halen) || !tsc_cur_bytes(&c, l->src, 8) ||
	    !tsc_cur_be16(&c, &l->ethertype))
		return TSC_DECODE_TRUNC;
	l->hdrlen = 16;
	return TSC_DECODE_OK;
}

static enum tsc_decode sll2_decode(struct tsc_cur c, struct tsc_wire_link *l)
{
	uint8_t pkttype, halen;

	if (!tsc_cur_be16(&c, &l->ethertype) || !tsc_cur_skip(&c, 2) ||
	    !tsc_cur_be32(&c, &l->ifindex) || !tsc_cur_be16(&c, &l->hatype) ||
	    !tsc_cur_u8(&c, &pkttype) || !tsc_cur_u8(&c, &halen) || !tsc_cur_bytes(&c, l->src, 8))
		return TSC_DECODE_TRUNC;
	l->pkttype = pkttype;
	l->halen = halen;
	l->hdrlen = 20;
	return TSC_DECODE_OK;
}

static enum tsc_decode null_decode(struct tsc_cur c, struct tsc_wire_link *l, bool loop)
{
	uint32_t af;

	if (!tsc_cur_be32(&c, &af))
		return TSC_DECODE_TRUNC;
	/* DLT_NULL is in the capturing host's byte order: guess as tcpdump does */
	if (!loop && (af & 0xFFFF0000u))
		af = (af >> 24) | ((af >> 8) & 0xff00u) | ((af << 8) & 0xff0000u) | (af << 24);
	l->af = af;
	l->hdrlen = 4;
	return TSC_DECODE_OK;
}

enum tsc_decode tsc_wire_link_decode(uint32_t linktype, struct tsc_cur c, struct tsc_wire_link *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->linktype = linktype;
	switch (linktype) {
	case TSC_LINK_ETHERNET:
		return eth_decode(c, ret);
	case TSC_LINK_SLL:
		return sll_decode(c, ret);
	case TSC_LINK_SLL2:
		return sll2_decode(c, ret);
	case TSC_LINK_NULL:
		return null_decode(c, ret, false);
	case TSC_LINK_LOOP:
		return null_decode(c, ret, true);
	case TSC_LINK_RAW:
	case TSC_DLT_RAW:
	case TSC_DLT_RAW_BSD:
		ret->linktype = TSC_LINK_RAW;
		ret->ethertype = 0;
		return TSC_DECODE_OK;
	case TSC_LINK_IPV4:
		ret->ethertype = TSC_ETH_IPV4;
		return TSC_DECODE_OK;
	case TSC_LINK_IPV6:
		ret->ethertype = TSC_ETH_IPV6;
		return TSC_DECODE_OK;
	default:
		return TSC_DECODE_BAD;
	}
}
