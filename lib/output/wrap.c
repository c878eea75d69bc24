/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Word wrapping (see wrap.h).
 */
#include <string.h>

#include "output/wrap.h"

void tsc_fmt_wrap(struct tsc_buf *b, const char *text, size_t col, const char *cont, size_t width)
{
	size_t indent = strlen(cont);
	const char *p = text;

	while (p && *p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 0)
			break;
		if (col > indent && col + 1 + len > width) {
			tsc_buf_putc(b, '\n');
			tsc_buf_puts(b, cont);
			col = indent;
		} else if (col > indent) {
			tsc_buf_putc(b, ' ');
			col++;
		}
		tsc_buf_put(b, p, len);
		col += len;
		p += len;
	}
	tsc_buf_putc(b, '\n');
}
