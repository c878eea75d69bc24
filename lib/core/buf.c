/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growable bounded buffer (see buf.h). The fast paths (put, putc, put_u64)
 * avoid stdio entirely: formatting cost is what makes tools like netstat and
 * tcpdump slow.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define DEFAULT_MAX   (64u << 20)
#define SINK_FLUSH_AT (64u << 10)

void tsc_buf_init(struct tsc_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : DEFAULT_MAX;
}

void tsc_buf_set_sink(struct tsc_buf *b, tsc_buf_sink_fn sink, void *arg)
{
	b->sink = sink;
	b->sink_arg = arg;
	b->flush_at = SINK_FLUSH_AT;
}

void tsc_buf_release(struct tsc_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void tsc_buf_reset(struct tsc_buf *b)
{
	b->len = 0;
}

static int grow(struct tsc_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->err)
		return b->err;
	if (need > b->max || b->len > b->max - need) {
		b->err = -E2BIG;
		return b->err;
	}
	if (b->len + need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void maybe_flush(struct tsc_buf *b)
{
	if (b->sink && b->len >= b->flush_at) {
		int r = tsc_buf_flush(b); /* the error is sticky in b->err */

		(void)r;
	}
}

void tsc_buf_put(struct tsc_buf *b, const void *p, size_t n)
{
	if (n == 0 || grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	maybe_flush(b);
}

void tsc_buf_puts(struct tsc_buf *b, const char *s)
{
	tsc_buf_put(b, s, strlen(s));
}

void tsc_buf_putc(struct tsc_buf *b, char c)
{
	if (grow(b, 1) < 0)
		return;
	b->p[b->len++] = c;
	maybe_flush(b);
}

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
				  "25262728293031323334353637383940414243444546474849"
				  "50515253545556575859606162636465666768697071727374"
				  "75767778798081828384858687888990919293949596979899";

/* Written in place from the end, two digits per division (and in 32-bit
 * arithmetic below 2^32): the NDJSON writers print several such numbers
 * per line at 100,000+ lines a second. */
size_t tsc_fmt_u64(char *dst, uint64_t v)
{
	uint64_t t = v;
	size_t n = 1;
	char *q;

	while (t >= 10) {
		t /= 10;
		n++;
	}
	q = dst + n;
	while (v > UINT32_MAX) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--q = digit_pairs[d + 1];
		*--q = digit_pairs[d];
	}
	for (uint32_t w = (uint32_t)v;;) {
		if (w < 10) {
			*--q = (char)('0' + w);
			break;
		}
		unsigned d = w % 100 * 2;

		w /= 100;
		*--q = digit_pairs[d + 1];
		*--q = digit_pairs[d];
		if (!w)
			break;
	}
	return n;
}

/* Exactly n digits (n even), zero-padded: the fraction of a decimal. */
void tsc_fmt_fixed(char *dst, uint32_t v, unsigned n)
{
	for (unsigned i = n; i >= 2; i -= 2) {
		unsigned d = v % 100 * 2;

		v /= 100;
		dst[i - 2] = digit_pairs[d];
		dst[i - 1] = digit_pairs[d + 1];
	}
}

void tsc_buf_put_u64(struct tsc_buf *b, uint64_t v)
{
	char tmp[21];

	tsc_buf_put(b, tmp, tsc_fmt_u64(tmp, v));
}

void tsc_buf_pad(struct tsc_buf *b, const char *s, int width)
{
	size_t n = strlen(s);
	size_t w = (size_t)(width < 0 ? -(long)width : width);
	size_t pad = n < w ? w - n : 0;

	if (width > 0)
		for (size_t i = 0; i < pad; i++)
			tsc_buf_putc(b, ' ');
	tsc_buf_put(b, s, n);
	if (width < 0)
		for (size_t i = 0; i < pad; i++)
			tsc_buf_putc(b, ' ');
}

void tsc_buf_printf(struct tsc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	maybe_flush(b);
}

const char *tsc_buf_str(struct tsc_buf *b)
{
	if (grow(b, 0) < 0 || !b->p)
		return "";
	b->p[b->len] = '\0';
	return b->p;
}

int tsc_buf_flush(struct tsc_buf *b)
{
	if (b->sink && b->len && !b->err) {
		int r = b->sink(b->sink_arg, b->p, b->len);

		if (r < 0)
			b->err = r;
		b->len = 0;
	}
	return b->err;
}
