/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-state counting with optional breakdown (see census.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/hash.h"
#include "sockdiag/census.h"

#define DEFAULT_MAX_GROUPS 1000000u

struct group_val {
	uint64_t counts[TSC_TCP_MAX_STATES];
	uint64_t total;
};

struct tsc_census {
	enum tsc_census_by by;
	uint64_t counts[TSC_TCP_MAX_STATES];
	uint64_t total;
	uint64_t overflow;
	struct tsc_hash *groups;
};

struct tsc_census *tsc_census_new(enum tsc_census_by by, size_t max_groups)
{
	struct tsc_census *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->by = by;
	if (by != TSC_CENSUS_BY_NONE) {
		c->groups = tsc_hash_new(sizeof(struct tsc_census_key), sizeof(struct group_val),
					 max_groups ? max_groups : DEFAULT_MAX_GROUPS);
		if (!c->groups) {
			free(c);
			return NULL;
		}
	}
	return c;
}

void tsc_census_free(struct tsc_census *c)
{
	if (!c)
		return;
	tsc_hash_free(c->groups);
	free(c);
}

static unsigned norm_state(unsigned st)
{
	if (st == TSC_TCP_NEW_SYN_RECV)
		return TSC_TCP_SYN_RECV;
	return st < TSC_TCP_MAX_STATES ? st : 0;
}

void tsc_census_add(struct tsc_census *c, const struct tsc_sock *s,
		    const struct tsc_proc_owner *owner)
{
	unsigned st = norm_state(s->state);
	struct tsc_census_key k;
	struct group_val *v;

	c->counts[st]++;
	c->total++;
	if (!c->groups)
		return;
	memset(&k, 0, sizeof(k));
	switch (c->by) {
	case TSC_CENSUS_BY_PORT:
		k.port = s->lport;
		break;
	case TSC_CENSUS_BY_REMOTE:
		k.family = s->family;
		memcpy(k.addr, s->peer, s->family == AF_INET ? 4 : 16);
		break;
	case TSC_CENSUS_BY_PROCESS:
		if (owner) {
			k.pid = owner->pid;
			memcpy(k.comm, owner->comm, sizeof(k.comm));
			k.comm[sizeof(k.comm) - 1] = '\0';
		}
		break;
	case TSC_CENSUS_BY_NONE:
		break;
	}
	v = tsc_hash_upsert(c->groups, &k, NULL);
	if (!v) {
		c->overflow++;
		return;
	}
	v->counts[st]++;
	v->total++;
}

void tsc_census_add_counts(struct tsc_census *c, const uint64_t *counts)
{
	for (unsigned st = 0; st < TSC_TCP_MAX_STATES; st++) {
		unsigned n = norm_state(st);

		c->counts[n] += counts[st];
		c->total += counts[st];
	}
}

const uint64_t *tsc_census_counts(const struct tsc_census *c)
{
	return c->counts;
}

uint64_t tsc_census_total(const struct tsc_census *c)
{
	return c->total;
}

enum tsc_census_by tsc_census_by(const struct tsc_census *c)
{
	return c->by;
}

uint64_t tsc_census_overflow(const struct tsc_census *c)
{
	return c->overflow;
}

size_t tsc_census_ngroups(const struct tsc_census *c)
{
	return c->groups ? tsc_hash_count(c->groups) : 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct tsc_census_group *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

long tsc_census_groups(const struct tsc_census *c, size_t top, struct tsc_census_group **ret)
{
	size_t n = tsc_census_ngroups(c), i = 0, pos = 0;
	struct tsc_census_group *arr;
	const void *k;
	void *v;

	*ret = NULL;
	if (n == 0)
		return 0;
	arr = calloc(n, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	while (i < n && tsc_hash_next(c->groups, &pos, &k, &v)) {
		const struct group_val *gv = v;

		memcpy(&arr[i].key, k, sizeof(arr[i].key));
		memcpy(arr[i].counts, gv->counts, sizeof(gv->counts));
		arr[i].total = gv->total;
		i++;
	}
	qsort(arr, i, sizeof(*arr), cmp_group);
	if (top && top < i)
		i = top;
	*ret = arr;
	return (long)i;
}
