/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-side socket filter (see filter.h).
 */
#include <errno.h>
#include <stdio.h>

#include "sockdiag/filter.h"

struct add_ctx {
	struct tsc_sock_filter *f;
	bool dst;
	char *bad;
	unsigned bad_len;
};

static int add_one(const char *item, void *arg)
{
	struct add_ctx *c = arg;
	unsigned *n = c->dst ? &c->f->ndst : &c->f->nsrc;
	struct tsc_prefix *arr = c->dst ? c->f->dst : c->f->src;

	if (*n >= TSC_FILTER_MAX_PREFIXES)
		return -E2BIG;
	if (tsc_parse_prefix(item, &arr[*n]) < 0) {
		if (c->bad && c->bad_len)
			snprintf(c->bad, c->bad_len, "%s", item);
		return -EINVAL;
	}
	(*n)++;
	return 0;
}

int tsc_sock_filter_add_prefixes(struct tsc_sock_filter *f, bool dst, const char *list, char *bad,
				 unsigned bad_len)
{
	struct add_ctx c = { f, dst, bad, bad_len };
	int r;

	if (bad && bad_len)
		bad[0] = '\0';
	r = tsc_parse_list(list, add_one, &c);
	if (r == -ENAMETOOLONG) {
		if (bad && bad_len)
			snprintf(bad, bad_len, "%.40s", list);
		return -EINVAL;
	}
	return r;
}

bool tsc_sock_filter_active(const struct tsc_sock_filter *f)
{
	return f->has_sport || f->has_dport || f->has_port || f->nsrc || f->ndst;
}

static bool any_prefix(const struct tsc_prefix *arr, unsigned n, int family, const uint8_t *addr)
{
	for (unsigned i = 0; i < n; i++)
		if (tsc_prefix_match(&arr[i], family, addr))
			return true;
	return false;
}

bool tsc_sock_filter_match(const struct tsc_sock_filter *f, const struct tsc_sock *s)
{
	if (f->has_sport && s->lport != f->sport)
		return false;
	if (f->has_dport && s->pport != f->dport)
		return false;
	if (f->has_port && s->lport != f->port && s->pport != f->port)
		return false;
	if (f->nsrc && !any_prefix(f->src, f->nsrc, s->family, s->local))
		return false;
	if (f->ndst && !any_prefix(f->dst, f->ndst, s->family, s->peer))
		return false;
	return true;
}
