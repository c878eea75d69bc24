/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 and IPv6 fixed-header decoders. Each layer works on
 * _sub(min(declared, captured)): the payload cursor never reaches past the
 * total length the header declares, so Ethernet padding is not taken for
 * payload. Options and extension headers are left as views for their own
 * decoders. References: RFC 791 section 3.1, RFC 8200 section 3.
 */
#include <string.h>

#include "wire/wire.h"

static struct tsc_cur cur_limit(struct tsc_cur c, size_t n)
{
	if (c.len > n)
		c.len = n;
	return c;
}

enum tsc_decode tsc_wire_ip4_decode(struct tsc_cur c, uint32_t length, struct tsc_wire_ip4 *ip)
{
	struct tsc_cur h = c;
	uint8_t vhl;

	/* two clears of at most 64 bytes, which gcc inlines as vector stores;
	 * one of all 88 becomes `rep stos`, whose start-up cost was half of
	 * this function's time in flows -r */
	_Static_assert(sizeof(*ip) > 64, "struct tsc_wire_ip4 shrank: one memset");
	memset(ip, 0, 64);
	memset((char *)ip + 64, 0, sizeof(*ip) - 64);
	if (!tsc_cur_u8(&h, &vhl))
		return TSC_DECODE_TRUNC;
	ip->ver = vhl >> 4;
	ip->ihl = vhl & 0x0f;
	ip->hlen = (uint32_t)ip->ihl * 4;
	if (ip->ver != 4)
		return TSC_DECODE_BAD;
	if (!tsc_cur_u8(&h, &ip->tos) || !tsc_cur_be16(&h, &ip->tot_len) ||
	    !tsc_cur_be16(&h, &ip->id) || !tsc_cur_be16(&h, &ip->off) ||
	    !tsc_cur_u8(&h, &ip->ttl) || !tsc_cur_u8(&h, &ip->proto) ||
	    !tsc_cur_be16(&h, &ip->sum) || !tsc_cur_bytes(&h, ip->src, 4) ||
	    !tsc_cur_bytes(&h, ip->dst, 4))
		return TSC_DECODE_TRUNC;
	if (length < 20 || ip->hlen < 20 || ip->tot_len < ip->hlen)
		return TSC_DECODE_BAD;
	/* the datagram as captured, cut at the declared total length */
	c = cur_limit(c, ip->tot_len);
	ip->caplen = (uint32_t)c.len;
	h = cur_limit(c, ip->hlen);
	ip->hdr = h;
	/* from the local copy: reading ip->hdr back right after storing it
	 * stalls store forwarding */
	if (!tsc_cur_skip(&h, 20))
		h.len = 0;
	ip->opts = h;
	ip->payload_len = (uint32_t)ip->tot_len - ip->hlen;
	if (tsc_cur_skip(&c, ip->hlen))
		ip->payload = c;
	return TSC_DECODE_OK;
}

enum tsc_decode tsc_wire_ip6_decode(struct tsc_cur c, uint32_t length, struct tsc_wire_ip6 *ip6)
{
	uint32_t vtf;
	size_t len;

	memset(ip6, 0, sizeof(*ip6));
	if (!tsc_cur_be32(&c, &vtf) || !tsc_cur_be16(&c, &ip6->plen) ||
	    !tsc_cur_u8(&c, &ip6->nxt) || !tsc_cur_u8(&c, &ip6->hlim) ||
	    !tsc_cur_bytes(&c, ip6->src, 16) || !tsc_cur_bytes(&c, ip6->dst, 16))
		return TSC_DECODE_TRUNC;
	ip6->ver = (uint8_t)(vtf >> 28);
	ip6->tclass = (uint8_t)(vtf >> 20);
	ip6->flow = vtf & 0x000fffffu;
	if (length < 40 || ip6->ver != 6)
		return TSC_DECODE_BAD;
	/* payload length 0: a jumbogram, the length comes from a HBH option */
	len = ip6->plen ? ip6->plen : length;
	ip6->after = cur_limit(c, len);
	return TSC_DECODE_OK;
}
