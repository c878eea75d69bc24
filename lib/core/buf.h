/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable byte buffer with a ceiling (curl's dynbuf) and an optional sink.
 * Output is formatted into a tsc_buf; when a sink is set, the buffer hands
 * full chunks to it, so lib/ formats without printing and the CLI decides
 * where bytes go. Errors are sticky: check tsc_buf_error() once at the end.
 */
#ifndef TSC_CORE_BUF_H
#define TSC_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

/* Returns 0 or -errno. */
typedef int (*tsc_buf_sink_fn)(void *arg, const char *p, size_t n);

struct tsc_buf {
	char *p;
	size_t len, cap;
	size_t max;	 /* ceiling on cap; 0 = 64 MiB */
	size_t flush_at; /* with a sink: flush when len reaches this */
	tsc_buf_sink_fn sink;
	void *sink_arg;
	int err; /* first error, sticky (-ENOMEM, -E2BIG, sink's) */
};

void tsc_buf_init(struct tsc_buf *b, size_t max);
void tsc_buf_set_sink(struct tsc_buf *b, tsc_buf_sink_fn sink, void *arg);
void tsc_buf_release(struct tsc_buf *b);
/* Forget the contents, keep the memory. */
void tsc_buf_reset(struct tsc_buf *b);

void tsc_buf_put(struct tsc_buf *b, const void *p, size_t n);
void tsc_buf_puts(struct tsc_buf *b, const char *s);
void tsc_buf_putc(struct tsc_buf *b, char c);
void tsc_buf_put_u64(struct tsc_buf *b, uint64_t v);
/* Right- or left-pad s to width (negative width: left-align as printf). */
void tsc_buf_pad(struct tsc_buf *b, const char *s, int width);
void tsc_buf_printf(struct tsc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminated view of the contents (valid until the next write). */
const char *tsc_buf_str(struct tsc_buf *b);
/* Hand everything to the sink. Returns the sticky error or 0. */
TSC_MUST_CHECK int tsc_buf_flush(struct tsc_buf *b);
static inline int tsc_buf_error(const struct tsc_buf *b)
{
	return b->err;
}

/* Format an integer in decimal; returns the length (no NUL written past it
 * beyond what fits; dst must hold 21 bytes). */
size_t tsc_fmt_u64(char *dst, uint64_t v);
/* v's last n digits (n even), zero-padded, into dst (no NUL) */
void tsc_fmt_fixed(char *dst, uint32_t v, unsigned n);

#endif
