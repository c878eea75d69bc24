/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounds-checked reader. Every byte of a packet, netlink message, BPF event
 * or /proc file is read through a struct tsc_cur: accessors return false on a
 * short read and never advance on failure. Multi-byte fields are decoded into
 * host order; packet memory is never cast to a struct (tcpdump's GET_ rule).
 */
#ifndef TSC_CORE_CURSOR_H
#define TSC_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tsc_cur {
	const uint8_t *p;
	size_t len;
};

static inline struct tsc_cur tsc_cur_make(const void *p, size_t len)
{
	struct tsc_cur c = { .p = p, .len = p ? len : 0 };
	return c;
}

static inline bool tsc_cur_has(const struct tsc_cur *c, size_t n)
{
	return c->len >= n;
}

static inline bool tsc_cur_skip(struct tsc_cur *c, size_t n)
{
	if (c->len < n)
		return false;
	c->p += n;
	c->len -= n;
	return true;
}

static inline bool tsc_cur_u8(struct tsc_cur *c, uint8_t *ret)
{
	if (c->len < 1)
		return false;
	*ret = c->p[0];
	c->p++;
	c->len--;
	return true;
}

static inline bool tsc_cur_be16(struct tsc_cur *c, uint16_t *ret)
{
	if (c->len < 2)
		return false;
	*ret = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool tsc_cur_be32(struct tsc_cur *c, uint32_t *ret)
{
	if (c->len < 4)
		return false;
	*ret = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
	       (uint32_t)c->p[3];
	c->p += 4;
	c->len -= 4;
	return true;
}

static inline bool tsc_cur_be64(struct tsc_cur *c, uint64_t *ret)
{
	uint64_t v = 0;

	if (c->len < 8)
		return false;
	for (int i = 0; i < 8; i++)
		v = v << 8 | c->p[i];
	*ret = v;
	c->p += 8;
	c->len -= 8;
	return true;
}

static inline bool tsc_cur_le16(struct tsc_cur *c, uint16_t *ret)
{
	if (c->len < 2)
		return false;
	*ret = (uint16_t)((unsigned)c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool tsc_cur_le32(struct tsc_cur *c, uint32_t *ret)
{
	if (c->len < 4)
		return false;
	*ret = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 |
	       (uint32_t)c->p[0];
	c->p += 4;
	c->len -= 4;
	return true;
}

/* Native byte order (netlink headers and attributes are host-endian). */
static inline bool tsc_cur_ne16(struct tsc_cur *c, uint16_t *ret)
{
	if (c->len < 2)
		return false;
	memcpy(ret, c->p, 2);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool tsc_cur_ne32(struct tsc_cur *c, uint32_t *ret)
{
	if (c->len < 4)
		return false;
	memcpy(ret, c->p, 4);
	c->p += 4;
	c->len -= 4;
	return true;
}

static inline bool tsc_cur_ne64(struct tsc_cur *c, uint64_t *ret)
{
	if (c->len < 8)
		return false;
	memcpy(ret, c->p, 8);
	c->p += 8;
	c->len -= 8;
	return true;
}

/* Copy n bytes out; fails (and copies nothing) on a short read. */
static inline bool tsc_cur_bytes(struct tsc_cur *c, void *dst, size_t n)
{
	if (c->len < n)
		return false;
	if (n)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return true;
}

/* Split off the next n bytes as their own cursor and advance past them. */
static inline bool tsc_cur_sub(struct tsc_cur *c, size_t n, struct tsc_cur *ret)
{
	if (c->len < n)
		return false;
	ret->p = c->p;
	ret->len = n;
	c->p += n;
	c->len -= n;
	return true;
}

/* Copy up to sizeof(dst) bytes into a zeroed dst (ss's rule for tcp_info). */
static inline size_t tsc_cur_copy_min(struct tsc_cur c, void *dst, size_t dst_len)
{
	size_t n = c.len < dst_len ? c.len : dst_len;

	memset(dst, 0, dst_len);
	if (n)
		memcpy(dst, c.p, n);
	return n;
}

/* Peek without advancing. */
static inline bool tsc_cur_peek_u8(const struct tsc_cur *c, size_t off, uint8_t *ret)
{
	if (c->len <= off)
		return false;
	*ret = c->p[off];
	return true;
}

static inline bool tsc_cur_peek_be16(const struct tsc_cur *c, size_t off, uint16_t *ret)
{
	if (c->len < 2 || c->len - 2 < off)
		return false;
	*ret = (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]);
	return true;
}

#endif
