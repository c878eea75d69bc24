/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer over a tsc_buf. It tracks commas and nesting
 * so callers only say what to write; strings are escaped per RFC 8259 (control
 * characters as \u00XX, invalid UTF-8 bytes as \u00XX of the byte, so output
 * is always valid JSON whatever a process name or path holds).
 */
#ifndef TSC_OUTPUT_JSON_H
#define TSC_OUTPUT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

#define TSC_JSON_MAX_DEPTH 32

struct tsc_json {
	struct tsc_buf *b;
	unsigned depth;
	bool pretty;
	bool need_comma[TSC_JSON_MAX_DEPTH];
};

void tsc_json_init(struct tsc_json *j, struct tsc_buf *b, bool pretty);
/* key is NULL inside arrays and at the top level. */
void tsc_json_obj_begin(struct tsc_json *j, const char *key);
void tsc_json_obj_end(struct tsc_json *j);
void tsc_json_arr_begin(struct tsc_json *j, const char *key);
void tsc_json_arr_end(struct tsc_json *j);
void tsc_json_str(struct tsc_json *j, const char *key, const char *val); /* NULL -> null */
void tsc_json_u64(struct tsc_json *j, const char *key, uint64_t v);
void tsc_json_i64(struct tsc_json *j, const char *key, int64_t v);
void tsc_json_double(struct tsc_json *j, const char *key, double v, int decimals);
void tsc_json_bool(struct tsc_json *j, const char *key, bool v);
void tsc_json_null(struct tsc_json *j, const char *key);
/* End a top-level value with a newline (NDJSON records, documents). */
void tsc_json_newline(struct tsc_json *j);

/* Escape s (n bytes) as the inside of a JSON string into b. */
void tsc_json_escape(struct tsc_buf *b, const char *s, size_t n);

#endif
