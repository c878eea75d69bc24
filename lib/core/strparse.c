/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict number, address and prefix parsing (see strparse.h). strtoull() is
 * wrapped so that signs, blanks, empty strings and trailing junk are all
 * rejected, which plain strtoull() silently accepts.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strparse.h"

int tsc_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	char *end = NULL;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || !end || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int tsc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	uint64_t v;
	int r = tsc_parse_u64(s, min, max, &v);

	if (r < 0)
		return r;
	*ret = (uint32_t)v;
	return 0;
}

int tsc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	char *end = NULL;
	long long v;
	const char *d = s;

	if (!s)
		return -EINVAL;
	if (*d == '-')
		d++;
	if (!isdigit((unsigned char)*d))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || !end || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int tsc_parse_port(const char *s, uint16_t *ret)
{
	uint64_t v;
	int r = tsc_parse_u64(s, 0, 65535, &v);

	if (r < 0)
		return r;
	*ret = (uint16_t)v;
	return 0;
}

int tsc_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ret)
{
	uint64_t whole = 0, frac = 0, scale = 1000;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > max_ms / 1000 + 1)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
		}
	}
	if (*p != '\0')
		return -EINVAL;
	if (whole * 1000 + frac > max_ms)
		return -ERANGE;
	*ret = whole * 1000 + frac;
	return 0;
}

static void prefix_mask(struct tsc_prefix *p)
{
	size_t n = p->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++) {
		unsigned bits = i * 8 >= p->plen ? 0 : p->plen - i * 8;

		if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

int tsc_parse_prefix(const char *s, struct tsc_prefix *ret)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	struct tsc_prefix p = { 0 };
	const char *a = s;

	if (!s || !*s)
		return -EINVAL;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		a = s + 1;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, p.addr) == 1) {
		p.family = AF_INET;
		p.plen = 32;
	} else if (inet_pton(AF_INET6, buf, p.addr) == 1) {
		p.family = AF_INET6;
		p.plen = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		uint64_t plen;

		if (tsc_parse_u64(slash + 1, 0, p.plen, &plen) < 0)
			return -EINVAL;
		p.plen = (uint8_t)plen;
	}
	prefix_mask(&p);
	*ret = p;
	return 0;
}

int tsc_parse_endpoint(const char *s, struct tsc_prefix *ret_addr, uint16_t *ret_port)
{
	char buf[INET6_ADDRSTRLEN + 3];
	const char *colon;
	struct tsc_prefix p;
	size_t n;
	int r;

	if (!s)
		return -EINVAL;
	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -EINVAL;
		colon = e + 1;
	} else {
		colon = strrchr(s, ':');
		/* an IPv6 address must be bracketed: no other colon before the port */
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return -EINVAL;
	}
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(buf) || memchr(s, '/', n))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	r = tsc_parse_prefix(buf, &p);
	if (r < 0)
		return r;
	if ((s[0] == '[') != (p.family == AF_INET6))
		return -EINVAL;
	r = tsc_parse_port(colon + 1, ret_port);
	if (r < 0)
		return r;
	*ret_addr = p;
	return 0;
}

static bool bits_match(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool tsc_prefix_match(const struct tsc_prefix *p, int family, const uint8_t *addr)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (p->family == family)
		return bits_match(p->addr, addr, p->plen);
	if (p->family == AF_INET && family == AF_INET6 && memcmp(addr, v4mapped, 12) == 0)
		return bits_match(p->addr, addr + 12, p->plen);
	return false;
}

int tsc_parse_list(const char *s, int (*fn)(const char *item, void *arg), void *arg)
{
	char item[64];

	if (!s)
		return -EINVAL;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n >= sizeof(item))
			return -ENAMETOOLONG;
		if (n > 0) {
			int r;

			memcpy(item, s, n);
			item[n] = '\0';
			r = fn(item, arg);
			if (r < 0)
				return r;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

unsigned tsc_edit_distance(const char *a, const char *b)
{
	unsigned row[48];
	size_t la = strlen(a), lb = strlen(b);

	if (la >= sizeof(row) / sizeof(row[0]) || lb >= sizeof(row) / sizeof(row[0]))
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned sub = prev + (tolower((unsigned char)a[i - 1]) !=
					       tolower((unsigned char)b[j - 1]));
			unsigned ins = row[j - 1] + 1, del = row[j] + 1;
			unsigned best = ins < del ? ins : del;

			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[lb];
}
