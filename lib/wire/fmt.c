/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting helpers for the printers: addresses (IPv6 compressed as
 * tcpdump's addrtostr6, RFC 5952 without the lowercase-only rule issue),
 * numbers, and tcpdump's -x/-X/-A dump layouts (util-print.c). No stdio.
 */
#include <string.h>

#include "wire/internal.h"

static const char hexdig[] = "0123456789abcdef";

void tsc__put_u(struct tsc_buf *b, uint64_t v)
{
	tsc_buf_put_u64(b, v);
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
	while (n > 0)
		tsc_buf_putc(b, tmp[--n]);
}

void tsc__put_ip4(struct tsc_buf *b, const uint8_t *a)
{
	char s[16];
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		n += tsc_fmt_u64(s + n, a[i]);
		if (i < 3)
			s[n++] = '.';
	}
	tsc_buf_put(b, s, n);
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
			tsc_buf_put(b, s, n);
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
	tsc_buf_put(b, s, n);
}

void tsc__put_mac(struct tsc_buf *b, const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			tsc_buf_putc(b, ':');
		tsc_buf_putc(b, hexdig[a[i] >> 4]);
		tsc_buf_putc(b, hexdig[a[i] & 0xf]);
	}
}

static bool isgraph_ascii(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

void tsc__put_char_vis(struct tsc_buf *b, uint8_t c)
{
	if (c & 0x80) {
		tsc_buf_puts(b, "M-");
		c &= 0x7f;
	}
	if (c < 0x20 || c == 0x7f) {
		tsc_buf_putc(b, '^');
		tsc_buf_putc(b, (char)(c ^ 0x40));
	} else {
		tsc_buf_putc(b, (char)c);
	}
}

static void put_offset(struct tsc_buf *b, const char *ident, size_t off)
{
	tsc_buf_puts(b, ident);
	tsc_buf_puts(b, "0x");
	tsc__put_hex(b, off, 4);
	tsc_buf_puts(b, ": ");
}

void tsc__hex_print(struct tsc_buf *b, const char *ident, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		if (i % 16 == 0)
			put_offset(b, ident, i);
		tsc_buf_putc(b, ' ');
		tsc_buf_putc(b, hexdig[p[i] >> 4]);
		tsc_buf_putc(b, hexdig[p[i] & 0xf]);
		tsc_buf_putc(b, hexdig[p[i + 1] >> 4]);
		tsc_buf_putc(b, hexdig[p[i + 1] & 0xf]);
	}
	if (len & 1) {
		if (i % 16 == 0)
			put_offset(b, ident, i);
		tsc_buf_putc(b, ' ');
		tsc_buf_putc(b, hexdig[p[i] >> 4]);
		tsc_buf_putc(b, hexdig[p[i] & 0xf]);
	}
}

void tsc__hex_ascii_print(struct tsc_buf *b, const char *ident, const uint8_t *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;
		char hex[41], asc[17];
		size_t h = 0;

		for (size_t i = 0; i < n; i++) {
			if (i % 2 == 0)
				hex[h++] = ' ';
			hex[h++] = hexdig[p[off + i] >> 4];
			hex[h++] = hexdig[p[off + i] & 0xf];
			asc[i] = isgraph_ascii(p[off + i]) ? (char)p[off + i] : '.';
		}
		while (h < 40)
			hex[h++] = ' ';
		put_offset(b, ident, off);
		tsc_buf_put(b, hex, 40);
		tsc_buf_puts(b, "  ");
		tsc_buf_put(b, asc, n);
	}
}

void tsc__ascii_print(struct tsc_buf *b, const uint8_t *p, size_t len)
{
	tsc_buf_putc(b, '\n');
	for (size_t i = 0; i < len; i++) {
		uint8_t s = p[i];

		if (s == '\r') {
			/* a CR is dropped before LF and at the very end, '.' elsewhere */
			if (len - i - 1 > 1 && p[i + 1] != '\n')
				tsc_buf_putc(b, '.');
		} else if (!isgraph_ascii(s) && s != '\t' && s != ' ' && s != '\n') {
			tsc_buf_putc(b, '.');
		} else {
			tsc_buf_putc(b, (char)s);
		}
	}
}

void tsc__trunc(struct tsc__pr *pr, const char *proto)
{
	if (pr->stop)
		return;
	tsc_buf_puts(pr->b, " [|");
	tsc_buf_puts(pr->b, proto);
	tsc_buf_putc(pr->b, ']');
	pr->stop = true;
}

void tsc__invalid(struct tsc__pr *pr)
{
	tsc_buf_puts(pr->b, " (invalid)");
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
