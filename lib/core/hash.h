/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded open-addressing hash table with fixed-size keys and values
 * stored inline (one allocation, no per-entry malloc). Used for census
 * breakdowns and other counters keyed by small structs. It never grows past
 * max_entries: an insert beyond that fails with NULL and the caller counts it.
 * Keys are compared with memcmp, so zero any padding in key structs.
 */
#ifndef TSC_CORE_HASH_H
#define TSC_CORE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsc_hash;

/* NULL with errno set (EINVAL for zero sizes, ENOMEM). */
struct tsc_hash *tsc_hash_new(size_t key_len, size_t val_len, size_t max_entries);
void tsc_hash_free(struct tsc_hash *h);

/* Returns the value for key, inserting a zeroed one if absent (*ret_created
 * set when non-NULL). NULL when the table is full or memory is short. */
void *tsc_hash_upsert(struct tsc_hash *h, const void *key, bool *ret_created);
/* Returns the value or NULL. */
void *tsc_hash_find(const struct tsc_hash *h, const void *key);
size_t tsc_hash_count(const struct tsc_hash *h);

/* Iteration: start with *pos = 0; returns false at the end. Pointers stay
 * valid until the next insert. */
bool tsc_hash_next(const struct tsc_hash *h, size_t *pos, const void **ret_key, void **ret_val);

/* 64-bit hash of a byte string (FNV-1a with a final mix). */
uint64_t tsc_hash_bytes(const void *p, size_t n);

#endif
