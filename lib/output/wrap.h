/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Word wrapping for the human-readable reports (check, tune, explain): one
 * rule for all of them, so their long explanations break the same way.
 * Words are runs of non-space bytes; nothing is hyphenated and a word longer
 * than the line stays whole. Formatting only.
 */
#ifndef TSC_OUTPUT_WRAP_H
#define TSC_OUTPUT_WRAP_H

#include <stddef.h>

#include "core/buf.h"

/* Appends text word-wrapped at width columns, then '\n'. The line already
 * holds col columns; continuation lines start with cont (its length is the
 * indent). A word goes to a new line only when the current line holds more
 * than the indent, and is preceded by one space only then: with col equal
 * to the indent the first word follows directly. Runs of spaces collapse. */
void tsc_fmt_wrap(struct tsc_buf *b, const char *text, size_t col, const char *cont, size_t width);

#endif
