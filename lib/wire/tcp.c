/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP header and option decoders (RFC 9293 section 3.1, options from RFC 7323,
 * 2018, 2385, 5925, 8684, 7413, 6994). Each option becomes one
 * struct tsc_wire_tcpopt with its own status, so the printer can reproduce
 * tcpdump's output for truncated ("[|tcp]") and malformed ("[bad opt]")
 * options. The walk consumes at least one byte per option or stops.
 */
#include <stddef.h>
#include <string.h>

#include "wire/wire.h"

/* The fixed header into t, whose fields before opt[] are zero. */
static enum tsc_decode tcp_fixed(struct tsc_cur c, struct tsc_wire_tcp *t)
{
	uint8_t off;

	t->seg = c;
	if (!tsc_cur_be16(&c, &t->sport) || !tsc_cur_be16(&c, &t->dport))
		return TSC_DECODE_TRUNC;
	t->have_ports = 1;
	if (!tsc_cur_be32(&c, &t->seq) || !tsc_cur_be32(&c, &t->ack) || !tsc_cur_u8(&c, &off) ||
	    !tsc_cur_u8(&c, &t->flags) || !tsc_cur_be16(&c, &t->win) ||
	    !tsc_cur_be16(&c, &t->sum) || !tsc_cur_be16(&c, &t->urp))
		return TSC_DECODE_TRUNC;
	t->have_hdr = 1;
	t->hlen = (uint32_t)(off >> 4) * 4;
	if (t->hlen < 20)
		return TSC_DECODE_BAD;
	return TSC_DECODE_OK;
}

enum tsc_decode tsc_wire_tcp_decode(struct tsc_cur c, uint32_t len, struct tsc_wire_tcp *t)
{
	(void)len;
	memset(t, 0, sizeof(*t));
	return tcp_fixed(c, t);
}

enum tsc_decode tsc_wire_tcp_decode_fixed(struct tsc_cur c, struct tsc_wire_tcp *t)
{
	memset(t, 0, offsetof(struct tsc_wire_tcp, opt));
	return tcp_fixed(c, t);
}

/* Bytes of data each option kind carries after kind/len, as tcpdump reads it. */
static uint32_t opt_datalen(uint8_t kind, uint8_t len)
{
	switch (kind) {
	case 0: /* EOL */
	case 1: /* NOP */
	case 4: /* SACK permitted */
		return 0;
	case 2:	 /* MSS */
	case 27: /* SCPS... (tcpdump: scps is 20, uto is 28) */
		return 2;
	case 3: /* window scale */
		return 1;
	case 6:	 /* echo */
	case 7:	 /* echo reply */
	case 11: /* CC */
	case 12: /* CC.NEW */
	case 13: /* CC.ECHO */
		return 4;
	case 8: /* timestamps */
		return 8;
	case 19: /* MD5 signature */
		return 16;
	case 20: /* SCPS capabilities */
	case 28: /* user timeout */
		return 2;
	default:
		return len >= 2 ? (uint32_t)len - 2 : 0;
	}
}

/* Options whose data must be fully present before anything is printed. */
static bool opt_needs_all(uint8_t kind)
{
	switch (kind) {
	case 5:	 /* SACK: blocks are printed one by one */
	case 29: /* TCP-AO: byte by byte */
		return false;
	default:
		return kind == 2 || kind == 3 || kind == 6 || kind == 7 || kind == 8 ||
		       kind == 11 || kind == 12 || kind == 13 || kind == 19 || kind == 20 ||
		       kind == 28 || kind == 30 || kind == 34 || kind == 254;
	}
}

static void opt_values(struct tsc_wire_tcpopt *o)
{
	struct tsc_cur d = o->data;
	uint16_t v16;
	uint8_t v8;

	switch (o->kind) {
	case 2:
	case 20:
	case 28:
		if (tsc_cur_be16(&d, &v16))
			o->v[0] = v16;
		break;
	case 3:
		if (tsc_cur_u8(&d, &v8))
			o->v[0] = v8;
		break;
	case 6:
	case 7:
	case 11:
	case 12:
	case 13:
		(void)tsc_cur_be32(&d, &o->v[0]);
		break;
	case 8:
		if (tsc_cur_be32(&d, &o->v[0]))
			(void)tsc_cur_be32(&d, &o->v[1]);
		break;
	default:
		break;
	}
}

void tsc_wire_tcp_opts_decode(struct tsc_wire_tcp *t)
{
	struct tsc_cur c = t->seg;
	uint32_t rem;

	t->nopt = 0;
	t->opt_status = TSC_DECODE_OK;
	if (!t->have_hdr || t->hlen <= 20)
		return;
	rem = t->hlen - 20;
	(void)tsc_cur_skip(&c, 20);
	if (c.len > rem)
		c.len = rem;
	while (rem > 0 && t->nopt < TSC_WIRE_MAX_TCPOPT) {
		struct tsc_wire_tcpopt *o = &t->opt[t->nopt];
		uint32_t datalen;

		memset(o, 0, sizeof(*o));
		if (!tsc_cur_u8(&c, &o->kind)) {
			t->opt_status = TSC_DECODE_TRUNC;
			return;
		}
		if (o->kind == 0 || o->kind == 1) {
			o->len = 1;
		} else {
			if (!tsc_cur_u8(&c, &o->len)) {
				t->opt_status = TSC_DECODE_TRUNC;
				return;
			}
			if (o->len < 2 || o->len > rem) {
				t->opt_status = TSC_DECODE_BAD;
				return;
			}
			rem--;
		}
		rem--;
		t->nopt++;
		datalen = opt_datalen(o->kind, o->len);
		o->data = c;
		if (o->data.len > datalen)
			o->data.len = datalen;
		if (datalen > rem) {
			o->status = TSC_DECODE_BAD;
			return;
		}
		if (c.len < datalen) {
			o->status = TSC_DECODE_TRUNC;
			if (opt_needs_all(o->kind))
				o->data.len = 0;
			return;
		}
		opt_values(o);
		(void)tsc_cur_skip(&c, datalen);
		rem -= datalen;
		if (o->kind == 0)
			return;
	}
}
