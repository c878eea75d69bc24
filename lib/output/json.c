/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streaming JSON writer (see json.h). Numbers that are not finite are written
 * as null: JSON has no NaN.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/json.h"

void tsc_json_init(struct tsc_json *j, struct tsc_buf *b, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
	j->pretty = pretty;
}

static void indent(struct tsc_json *j)
{
	if (!j->pretty)
		return;
	tsc_buf_putc(j->b, '\n');
	for (unsigned i = 0; i < j->depth; i++)
		tsc_buf_put(j->b, "  ", 2);
}

/* Only valid UTF-8 passes through; everything else is escaped byte by byte. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		need = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		need = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

void tsc_json_escape(struct tsc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];
		size_t l;

		if (c == '"' || c == '\\') {
			tsc_buf_putc(b, '\\');
			tsc_buf_putc(b, (char)c);
			i++;
			continue;
		}
		if (c == '\n' || c == '\t' || c == '\r') {
			tsc_buf_putc(b, '\\');
			tsc_buf_putc(b, c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
			i++;
			continue;
		}
		l = c >= 0x20 ? utf8_len(u + i, n - i) : 0;
		if (l == 0 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			tsc_buf_put(b, e, sizeof(e));
			i++;
			continue;
		}
		tsc_buf_put(b, s + i, l);
		i += l;
	}
}

static void key(struct tsc_json *j, const char *k)
{
	if (j->depth > 0 && j->depth <= TSC_JSON_MAX_DEPTH) {
		if (j->need_comma[j->depth - 1])
			tsc_buf_putc(j->b, ',');
		j->need_comma[j->depth - 1] = true;
		indent(j);
	}
	if (k) {
		tsc_buf_putc(j->b, '"');
		tsc_json_escape(j->b, k, strlen(k));
		tsc_buf_put(j->b, j->pretty ? "\": " : "\":", j->pretty ? 3 : 2);
	}
}

static void open_(struct tsc_json *j, const char *k, char c)
{
	key(j, k);
	tsc_buf_putc(j->b, c);
	if (j->depth < TSC_JSON_MAX_DEPTH)
		j->need_comma[j->depth] = false;
	j->depth++;
}

static void close_(struct tsc_json *j, char c)
{
	bool had = j->depth > 0 && j->depth <= TSC_JSON_MAX_DEPTH && j->need_comma[j->depth - 1];

	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	tsc_buf_putc(j->b, c);
}

void tsc_json_obj_begin(struct tsc_json *j, const char *k)
{
	open_(j, k, '{');
}

void tsc_json_obj_end(struct tsc_json *j)
{
	close_(j, '}');
}

void tsc_json_arr_begin(struct tsc_json *j, const char *k)
{
	open_(j, k, '[');
}

void tsc_json_arr_end(struct tsc_json *j)
{
	close_(j, ']');
}

void tsc_json_str(struct tsc_json *j, const char *k, const char *v)
{
	key(j, k);
	if (!v) {
		tsc_buf_put(j->b, "null", 4);
		return;
	}
	tsc_buf_putc(j->b, '"');
	tsc_json_escape(j->b, v, strlen(v));
	tsc_buf_putc(j->b, '"');
}

void tsc_json_u64(struct tsc_json *j, const char *k, uint64_t v)
{
	key(j, k);
	tsc_buf_put_u64(j->b, v);
}

void tsc_json_i64(struct tsc_json *j, const char *k, int64_t v)
{
	key(j, k);
	if (v < 0) {
		tsc_buf_putc(j->b, '-');
		tsc_buf_put_u64(j->b, (uint64_t)0 - (uint64_t)v);
	} else {
		tsc_buf_put_u64(j->b, (uint64_t)v);
	}
}

void tsc_json_double(struct tsc_json *j, const char *k, double v, int decimals)
{
	key(j, k);
	if (!isfinite(v)) {
		tsc_buf_put(j->b, "null", 4);
		return;
	}
	tsc_buf_printf(j->b, "%.*f", decimals, v);
}

void tsc_json_bool(struct tsc_json *j, const char *k, bool v)
{
	key(j, k);
	tsc_buf_puts(j->b, v ? "true" : "false");
}

void tsc_json_null(struct tsc_json *j, const char *k)
{
	key(j, k);
	tsc_buf_put(j->b, "null", 4);
}

void tsc_json_newline(struct tsc_json *j)
{
	tsc_buf_putc(j->b, '\n');
}
