/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting helpers for the printers: addresses (IPv6 compressed as
 * tcpdump's addrtostr6, RFC 5952 without the lowercase-only rule issue),
 * numbers, and tcpdump's -x/-X/-A dump layouts (util-print.c). No stdio.
 */
#include <string.h>

#include "wire/internal.h"

static const char hexdig[] = "0123456789abcdef";

static const char digits2[201] = "00010203040506070809101112131415161718192021222324252627282930"
				 "31323334353637383940414243444546474849505152535455565758596061"
				 "62636465666768697071727374757677787980818283848586878889909192"
				 "93949596979899";

/* "0".."255", for dotted quads */
static const char octet_str[256][4] = {
	"0",   "1",   "2",   "3",   "4",   "5",	  "6",	 "7",	"8",   "9",   "10",  "11",  "12",
	"13",  "14",  "15",  "16",  "17",  "18",  "19",	 "20",	"21",  "22",  "23",  "24",  "25",
	"26",  "27",  "28",  "29",  "30",  "31",  "32",	 "33",	"34",  "35",  "36",  "37",  "38",
	"39",  "40",  "41",  "42",  "43",  "44",  "45",	 "46",	"47",  "48",  "49",  "50",  "51",
	"52",  "53",  "54",  "55",  "56",  "57",  "58",	 "59",	"60",  "61",  "62",  "63",  "64",
	"65",  "66",  "67",  "68",  "69",  "70",  "71",	 "72",	"73",  "74",  "75",  "76",  "77",
	"78",  "79",  "80",  "81",  "82",  "83",  "84",	 "85",	"86",  "87",  "88",  "89",  "90",
	"91",  "92",  "93",  "94",  "95",  "96",  "97",	 "98",	"99",  "100", "101", "102", "103",
	"104", "105", "106", "107", "108", "109", "110", "111", "112", "113", "114", "115", "116",
	"117", "118", "119", "120", "121", "122", "123", "124", "125", "126", "127", "128", "129",
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "140", "141", "142",
	"143", "144", "145", "146", "147", "148", "149", "150", "151", "152", "153", "154", "155",
	"156", "157", "158", "159", "160", "161", "162", "163", "164", "165", "166", "167", "168",
	"169", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179", "180", "181",
	"182", "183", "184", "185", "186", "187", "188", "189", "190", "191", "192", "193", "194",
	"195", "196", "197", "198", "199", "200", "201", "202", "203", "204", "205", "206", "207",
	"208", "209", "210", "211", "212", "213", "214", "215", "216", "217", "218", "219", "220",
	"221", "222", "223", "224", "225", "226", "227", "228", "229", "230", "231", "232", "233",
	"234", "235", "236", "237", "238", "239", "240", "241", "242", "243", "244", "245", "246",
	"247", "248", "249", "250", "251", "252", "253", "254", "255"
};

static size_t dec32_len(uint32_t v)
{
	size_t n = 1;

	while (v >= 100) {
		v /= 100;
		n += 2;
	}
	return n + (v >= 10);
}

/* Writes the digits backwards from their end: no copy. */
static size_t fmt_dec32(char *dst, uint32_t v)
{
	size_t n = dec32_len(v);
	char *p = dst + n;

	while (v >= 100) {
		uint32_t d = (v % 100) * 2;

		v /= 100;
		*--p = digits2[d + 1];
		*--p = digits2[d];
	}
	if (v >= 10) {
		*--p = digits2[v * 2 + 1];
		*--p = digits2[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	return n;
}

size_t tsc__fmt_dec(char *dst, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp), n;

	if (v <= UINT32_MAX)
		return fmt_dec32(dst, (uint32_t)v);
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		tmp[--i] = digits2[d + 1];
		tmp[--i] = digits2[d];
	}
	if (v >= 10) {
		tmp[--i] = digits2[v * 2 + 1];
		tmp[--i] = digits2[v * 2];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	n = sizeof(tmp) - i;
	memcpy(dst, tmp + i, n);
	return n;
}

void tsc__put_u(struct tsc_buf *b, uint64_t v)
{
	char tmp[21];

	if (tsc__fits(b, 20)) {
		/* straight into the buffer */
		b->len += tsc__fmt_dec(b->p + b->len, v);
		return;
	}
	tsc_buf_put(b, tmp, tsc__fmt_dec(tmp, v));
}

void tsc__put_hex(struct tsc_buf *b, uint64_t v, int width)
{
	char tmp[17];
	int n = 0;

	do {
		tmp[n++] = hexdig[v & 0xf];
		v >>= 4;
	} while (v && n < 16);
	while (n < width && n < 16)
		tmp[n++] = '0';
	{
		char out[17];
		int k = 0;

		while (n > 0)
			out[k++] = tmp[--n];
		tsc__put(b, out, (size_t)k);
	}
}

void tsc__put_ip4(struct tsc_buf *b, const uint8_t *a)
{
	char tmp[16];
	char *s = tsc__fits(b, 16) ? b->p + b->len : tmp;
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		const char *o = octet_str[a[i]];

		s[n++] = o[0];
		if (o[1]) {
			s[n++] = o[1];
			if (o[2])
				s[n++] = o[2];
		}
		if (i < 3)
			s[n++] = '.';
	}
	if (s == tmp)
		tsc_buf_put(b, tmp, n);
	else
		b->len += n;
}

void tsc__put_ip6(struct tsc_buf *b, const uint8_t *a)
{
	uint16_t w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	char s[48];
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				curlen = 1;
			} else {
				curlen++;
			}
			if (curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
		} else {
			cur = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				s[n++] = ':';
			continue;
		}
		if (i)
			s[n++] = ':';
		/* embedded IPv4: ::a.b.c.d and ::ffff:a.b.c.d */
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
			tsc__put(b, s, n);
			tsc__put_ip4(b, a + 12);
			return;
		}
		{
			char h[4];
			int k = 0;
			uint16_t v = w[i];

			do {
				h[k++] = hexdig[v & 0xf];
				v >>= 4;
			} while (v);
			while (k)
				s[n++] = h[--k];
		}
	}
	if (best >= 0 && best + bestlen == 8)
		s[n++] = ':';
	tsc__put(b, s, n);
}

/* Colon-separated hex of every byte of c: a MAC address (6 bytes), or an ARP
 * hardware address of any other length. */
void tsc__put_mac(struct tsc_buf *b, struct tsc_cur c)
{
	char s[3 * 16];
	size_t n = 0;
	uint8_t x;

	if (!tsc_cur_u8(&c, &x))
		return;
	for (;;) {
		s[n++] = hexdig[x >> 4];
		s[n++] = hexdig[x & 0xf];
		if (!tsc_cur_u8(&c, &x))
			break;
		if (n > sizeof(s) - 3) {
			tsc__put(b, s, n);
			n = 0;
		}
		s[n++] = ':';
	}
	tsc__put(b, s, n);
}

static bool isgraph_ascii(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

void tsc__put_char_vis(struct tsc_buf *b, uint8_t c)
{
	if (c & 0x80) {
		tsc__puts(b, "M-");
		c &= 0x7f;
	}
	if (c < 0x20 || c == 0x7f) {
		tsc__putc(b, '^');
		tsc__putc(b, (char)(c ^ 0x40));
	} else {
		tsc__putc(b, (char)c);
	}
}

/* tcpdump's hex columns of up to 16 bytes, " 4500 0034" style, appended to
 * line at k; returns the new length */
static size_t hex_cols(char *line, size_t k, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i % 2 == 0)
			line[k++] = ' ';
		line[k++] = hexdig[in[i] >> 4];
		line[k++] = hexdig[in[i] & 0xf];
	}
	return k;
}

/* "0x%04x: " into s; returns the length (at most 20). */
static size_t fmt_offset(char *s, size_t off)
{
	size_t n = 4;

	while (n < 16 && off >> (4 * n))
		n++;
	s[0] = '0';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++)
		s[2 + i] = hexdig[(off >> (4 * (n - 1 - i))) & 0xf];
	s[n + 2] = ':';
	s[n + 3] = ' ';
	return n + 4;
}

/*
 * The dumps read the packet through the cursor a line (16 bytes) at a time:
 * tsc_cur_bytes copies the line out, and the line is formatted from that copy
 * into one local string, handed to the buffer with one put.
 */

/* -x: tcpdump's hex_print_with_offset, " %02x%02x" per pair, a line per 16 bytes */
void tsc__hex_print(struct tsc_buf *b, const char *ident, struct tsc_cur c)
{
	size_t identlen = strlen(ident);

	for (size_t off = 0; c.len; off += 16) {
		uint8_t in[16];
		char line[20 + 40];
		size_t n = c.len < 16 ? c.len : 16;
		size_t k = fmt_offset(line, off);

		if (!tsc_cur_bytes(&c, in, n))
			return;
		k = hex_cols(line, k, in, n);
		tsc__put(b, ident, identlen);
		tsc__put(b, line, k);
	}
}

/* -X: tcpdump's hex_and_ascii_print_with_offset */
void tsc__hex_ascii_print(struct tsc_buf *b, const char *ident, struct tsc_cur c)
{
	size_t identlen = strlen(ident);

	for (size_t off = 0; c.len; off += 16) {
		uint8_t in[16];
		char line[20 + 40 + 2 + 16];
		size_t n = c.len < 16 ? c.len : 16;
		size_t k = fmt_offset(line, off);
		size_t hexend = k + 42; /* 40 hex columns and two spaces */
		char *asc = line + hexend;

		if (!tsc_cur_bytes(&c, in, n))
			return;
		k = hex_cols(line, k, in, n);
		for (size_t i = 0; i < n; i++)
			asc[i] = isgraph_ascii(in[i]) ? (char)in[i] : '.';
		while (k < hexend)
			line[k++] = ' ';
		tsc__put(b, ident, identlen);
		tsc__put(b, line, hexend + n);
	}
}

/* -A: tcpdump's ascii_print */
void tsc__ascii_print(struct tsc_buf *b, struct tsc_cur c)
{
	tsc__putc(b, '\n');
	while (c.len) {
		uint8_t in[64];
		char out[64];
		size_t n = c.len < sizeof(in) ? c.len : sizeof(in), k = 0;

		if (!tsc_cur_bytes(&c, in, n))
			return;
		for (size_t i = 0; i < n; i++) {
			uint8_t s = in[i];

			if (s == '\r') {
				/* a CR is dropped before LF and at the very end, '.' elsewhere */
				uint8_t next = '\n';

				if (i + 1 < n)
					next = in[i + 1];
				else
					(void)tsc_cur_peek_u8(&c, 0, &next);
				if (n - i - 1 + c.len > 1 && next != '\n')
					out[k++] = '.';
			} else if (!isgraph_ascii(s) && s != '\t' && s != ' ' && s != '\n') {
				out[k++] = '.';
			} else {
				out[k++] = (char)s;
			}
		}
		tsc__put(b, out, k);
	}
}

void tsc__trunc(struct tsc__pr *pr, const char *proto)
{
	if (pr->stop)
		return;
	tsc__puts(pr->b, " [|");
	tsc__puts(pr->b, proto);
	tsc__putc(pr->b, ']');
	pr->stop = true;
}

void tsc__trunc_jmp(struct tsc__pr *pr, const char *proto)
{
	if (pr->stop)
		return;
	tsc__trunc(pr, proto);
	pr->jmp = true;
}

void tsc__invalid(struct tsc__pr *pr)
{
	tsc__puts(pr->b, " (invalid)");
}

const char *tsc__ipproto_name(uint8_t p)
{
	switch (p) {
	case 0:
		return "Options";
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 41:
		return "IPv6";
	case 43:
		return "Routing";
	case 44:
		return "Fragment";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "ICMPv6";
	case 59:
		return "NONE";
	case 60:
		return "DSTOPT";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	case 135:
		return "Mobility";
	default:
		return "unknown";
	}
}
