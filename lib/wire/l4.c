/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transport and companion decoders: UDP (RFC 768), ICMP (RFC 792) and ICMPv6
 * (RFC 4443) common headers, ARP (RFC 826), and the Internet checksum
 * (RFC 1071). The ICMP body is left as a view: its layout depends on the type
 * and is walked by the printer with the same bounds-checked cursor.
 */
#include <string.h>

#include "wire/wire.h"

enum tsc_decode tsc_wire_udp_decode(struct tsc_cur c, struct tsc_wire_udp *u)
{
	memset(u, 0, sizeof(*u));
	u->seg = c;
	if (!tsc_cur_be16(&c, &u->sport) || !tsc_cur_be16(&c, &u->dport))
		return TSC_DECODE_TRUNC;
	u->have_ports = 1;
	if (!tsc_cur_be16(&c, &u->len) || !tsc_cur_be16(&c, &u->sum))
		return TSC_DECODE_TRUNC;
	return TSC_DECODE_OK;
}

enum tsc_decode tsc_wire_icmp_decode(struct tsc_cur c, struct tsc_wire_icmp *m)
{
	memset(m, 0, sizeof(*m));
	m->msg = c;
	if (!tsc_cur_u8(&c, &m->type) || !tsc_cur_u8(&c, &m->code))
		return TSC_DECODE_TRUNC;
	m->have_hdr = 1;
	if (!tsc_cur_be16(&c, &m->sum))
		return TSC_DECODE_TRUNC;
	m->body = c;
	return TSC_DECODE_OK;
}

enum tsc_decode tsc_wire_arp_decode(struct tsc_cur c, struct tsc_wire_arp *a)
{
	memset(a, 0, sizeof(*a));
	if (!tsc_cur_be16(&c, &a->hrd) || !tsc_cur_be16(&c, &a->pro) || !tsc_cur_u8(&c, &a->hln) ||
	    !tsc_cur_u8(&c, &a->pln) || !tsc_cur_be16(&c, &a->op))
		return TSC_DECODE_TRUNC;
	a->have_fixed = 1;
	if (!tsc_cur_sub(&c, a->hln, &a->sha) || !tsc_cur_sub(&c, a->pln, &a->spa) ||
	    !tsc_cur_sub(&c, a->hln, &a->tha) || !tsc_cur_sub(&c, a->pln, &a->tpa))
		return TSC_DECODE_TRUNC;
	a->have_addrs = 1;
	return TSC_DECODE_OK;
}

uint16_t tsc_wire_cksum(const struct tsc_cur *spans, size_t n)
{
	uint64_t sum = 0;
	int odd = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = spans[i].p;

		for (size_t j = 0; j < spans[i].len; j++) {
			sum += odd ? p[j] : (uint64_t)p[j] << 8;
			odd ^= 1;
		}
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
