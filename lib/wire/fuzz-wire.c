/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer entry for lib/wire: the decoders and the tcpdump-compatible
 * printer over every link type and every flag variant. Input layout:
 *   byte 0      link type (index into links[], masked)
 *   bytes 1-3   printer flags: -v level, -x/-X level, -A -e -q -S -K,
 *               timestamp mode, --nano, size of the relative-seq table
 *   then records [u16 caplen LE][u16 extra LE][u32 sec LE][u32 frac LE][caplen bytes]
 *               printed in order through one printer (so the relative-seq
 *               table, -ttt deltas and the SLL2 name cache carry state);
 *               wirelen = caplen + extra; the last record may be short.
 * The printer's output goes to a buffer that is reset after each packet.
 * Seeds: tests/corpus/wire/ (tests/fuzz/mkseed-wire.py turns pcaps into records).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t links[16] = {
	TSC_LINK_ETHERNET, TSC_LINK_SLL,      TSC_LINK_SLL2,
	TSC_LINK_NULL,	   TSC_LINK_LOOP,     TSC_LINK_RAW,
	TSC_DLT_RAW,	   TSC_DLT_RAW_BSD,   TSC_LINK_IPV4,
	TSC_LINK_IPV6,	   TSC_LINK_ETHERNET, TSC_LINK_SLL,
	TSC_LINK_SLL2,	   TSC_LINK_NULL,     147 /* USER0: not decoded */,
	0xffffffffu,
};

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static void opts_from(const uint8_t *f, struct tsc_wire_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->vflag = f[0] & 3;
	o->xflag = (f[0] >> 2) & 3;
	o->Xflag = (f[0] >> 4) & 3;
	o->Aflag = (f[0] >> 6) & 1;
	o->eflag = (f[0] >> 7) & 1;
	o->qflag = f[1] & 1;
	o->Sflag = (f[1] >> 1) & 1;
	o->Kflag = (f[1] >> 2) & 1;
	o->ts_mode = (enum tsc_wire_ts_mode)(((f[1] >> 3) & 7) % 6);
	o->nano = (f[1] >> 6) & 1;
	o->utc_offset = (f[1] >> 7) ? 3600 : 0;
	o->seq_table_max = (uint32_t)(f[2] & 15) + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsc_wire_printer *pr;
	struct tsc_wire_opts o;
	struct tsc_buf out;
	uint32_t linktype;
	uint8_t *pkt;
	size_t off = 4;

	if (size < 4)
		return 0;
	linktype = links[data[0] & 15];
	opts_from(data + 1, &o);
	pr = tsc_wire_printer_new(&o);
	if (!pr)
		return 0;
	tsc_buf_init(&out, 0);
	while (size - off >= 12) {
		uint32_t caplen = le16(data + off), extra = le16(data + off + 2);
		int64_t sec = (int32_t)le32(data + off + 4);
		uint32_t frac = le32(data + off + 8);

		off += 12;
		if (caplen > size - off)
			caplen = (uint32_t)(size - off);
		/* a copy of exactly caplen bytes, so that ASan sees any read past it */
		pkt = malloc(caplen ? caplen : 1);
		if (!pkt)
			break;
		memcpy(pkt, data + off, caplen);
		tsc_wire_print_packet(pr, &out, linktype, sec, frac, pkt, caplen, caplen + extra);
		free(pkt);
		off += caplen;
		tsc_buf_reset(&out);
	}
	tsc_buf_release(&out);
	tsc_wire_printer_free(pr);
	return 0;
}
