/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded open-addressing hash table with linear probing (see hash.h). Slots
 * are [used byte][key][value], sized once per table; the table doubles while
 * below max_entries and keeps its load factor under 3/4.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

struct tsc_hash {
	size_t key_len, val_len, slot_len;
	size_t cap, count, max;
	uint8_t *slots;
};

uint64_t tsc_hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct tsc_hash *tsc_hash_new(size_t key_len, size_t val_len, size_t max_entries)
{
	struct tsc_hash *h;

	if (!key_len || !max_entries) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->key_len = key_len;
	h->val_len = val_len;
	h->slot_len = align8(8 + align8(key_len) + val_len);
	h->max = max_entries;
	h->cap = 64;
	h->slots = calloc(h->cap, h->slot_len);
	if (!h->slots) {
		free(h);
		return NULL;
	}
	return h;
}

void tsc_hash_free(struct tsc_hash *h)
{
	if (!h)
		return;
	free(h->slots);
	free(h);
}

static uint8_t *slot(const struct tsc_hash *h, size_t i)
{
	return h->slots + i * h->slot_len;
}

static uint8_t *slot_key(const struct tsc_hash *h, uint8_t *s)
{
	(void)h;
	return s + 8;
}

static uint8_t *slot_val(const struct tsc_hash *h, uint8_t *s)
{
	return s + 8 + align8(h->key_len);
}

static size_t probe(const struct tsc_hash *h, const void *key, bool *found)
{
	size_t mask = h->cap - 1;
	size_t i = (size_t)tsc_hash_bytes(key, h->key_len) & mask;

	for (;;) {
		uint8_t *s = slot(h, i);

		if (!s[0]) {
			*found = false;
			return i;
		}
		if (!memcmp(slot_key(h, s), key, h->key_len)) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static int grow(struct tsc_hash *h)
{
	size_t old_cap = h->cap;
	uint8_t *old = h->slots;

	h->slots = calloc(old_cap * 2, h->slot_len);
	if (!h->slots) {
		h->slots = old;
		return -ENOMEM;
	}
	h->cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++) {
		uint8_t *s = old + i * h->slot_len;
		bool found;

		if (s[0])
			memcpy(slot(h, probe(h, slot_key(h, s), &found)), s, h->slot_len);
	}
	free(old);
	return 0;
}

void *tsc_hash_find(const struct tsc_hash *h, const void *key)
{
	bool found;
	size_t i = probe(h, key, &found);

	return found ? slot_val(h, slot(h, i)) : NULL;
}

void *tsc_hash_upsert(struct tsc_hash *h, const void *key, bool *ret_created)
{
	bool found;
	size_t i = probe(h, key, &found);
	uint8_t *s;

	if (ret_created)
		*ret_created = false;
	if (found)
		return slot_val(h, slot(h, i));
	if (h->count >= h->max)
		return NULL;
	if ((h->count + 1) * 4 > h->cap * 3) {
		if (grow(h) < 0)
			return NULL;
		i = probe(h, key, &found);
	}
	s = slot(h, i);
	s[0] = 1;
	memcpy(slot_key(h, s), key, h->key_len);
	memset(slot_val(h, s), 0, h->val_len);
	h->count++;
	if (ret_created)
		*ret_created = true;
	return slot_val(h, s);
}

size_t tsc_hash_count(const struct tsc_hash *h)
{
	return h->count;
}

bool tsc_hash_next(const struct tsc_hash *h, size_t *pos, const void **ret_key, void **ret_val)
{
	for (size_t i = *pos; i < h->cap; i++) {
		uint8_t *s = slot(h, i);

		if (s[0]) {
			*ret_key = slot_key(h, s);
			*ret_val = slot_val(h, s);
			*pos = i + 1;
			return true;
		}
	}
	*pos = h->cap;
	return false;
}
