/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/net/snmp and /proc/net/netstat parser (see counters.h). The kernel
 * writes them in net/ipv4/proc.c (snmp_seq_show_*, netstat_seq_show): a
 * header line of names, then a line of values, per group.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cursor.h"
#include "sys/counters.h"

void tsc_counters_init(struct tsc_counters *c)
{
	memset(c, 0, sizeof(*c));
}

void tsc_counters_release(struct tsc_counters *c)
{
	if (!c)
		return;
	free(c->v);
	tsc_counters_init(c);
}

static bool is_alnum(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Splits off the next line (without its '\n'); false if there is no complete
 * line left (a truncated file ends without one). */
static bool next_line(struct tsc_cur *c, struct tsc_cur *ret)
{
	const uint8_t *nl = c->len ? memchr(c->p, '\n', c->len) : NULL;

	if (!nl)
		return false;
	if (!tsc_cur_sub(c, (size_t)(nl - c->p), ret))
		return false;
	return tsc_cur_skip(c, 1);
}

/* "Group:" at the start of a line, copied into group. */
static int parse_group(struct tsc_cur *line, char *group)
{
	size_t n = 0;
	uint8_t ch;

	while (tsc_cur_u8(line, &ch)) {
		if (ch == ':') {
			if (n == 0)
				return -EINVAL;
			group[n] = '\0';
			return 0;
		}
		if (!is_alnum(ch) || n + 1 >= TSC_COUNTER_GROUP_LEN)
			return -EINVAL;
		group[n++] = (char)ch;
	}
	return -EINVAL;
}

/* Next space-separated token (at least one space before it). Returns false
 * at the end of the line; -EINVAL through *err for a missing separator. */
static bool next_token(struct tsc_cur *line, struct tsc_cur *tok, int *err)
{
	uint8_t ch;
	size_t spaces = 0, n = 0;

	while (tsc_cur_peek_u8(line, 0, &ch) && ch == ' ') {
		(void)tsc_cur_skip(line, 1);
		spaces++;
	}
	if (!line->len) {
		/* trailing spaces are not written by the kernel */
		if (spaces)
			*err = -EINVAL;
		return false;
	}
	if (!spaces) {
		*err = -EINVAL;
		return false;
	}
	while (tsc_cur_peek_u8(line, n, &ch) && ch != ' ')
		n++;
	return tsc_cur_sub(line, n, tok);
}

static int parse_name(const struct tsc_cur *tok, char *name)
{
	if (tok->len == 0 || tok->len >= TSC_COUNTER_NAME_LEN)
		return -EINVAL;
	for (size_t i = 0; i < tok->len; i++)
		if (!is_alnum(tok->p[i]) && tok->p[i] != '_')
			return -EINVAL;
	memcpy(name, tok->p, tok->len);
	name[tok->len] = '\0';
	return 0;
}

static int parse_value(struct tsc_cur tok, int64_t *ret)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	bool neg = false;
	uint8_t ch;

	if (tsc_cur_peek_u8(&tok, 0, &ch) && ch == '-') {
		neg = true;
		limit++; /* |INT64_MIN| */
		(void)tsc_cur_skip(&tok, 1);
	}
	if (!tok.len)
		return -EINVAL;
	while (tsc_cur_u8(&tok, &ch)) {
		if (ch < '0' || ch > '9')
			return -EINVAL;
		if (v > (limit - (uint64_t)(ch - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	if (neg)
		*ret = v == limit ? INT64_MIN : -(int64_t)v;
	else
		*ret = (int64_t)v;
	return 0;
}

static struct tsc_counter *find(const struct tsc_counters *c, size_t upto, const char *group,
				const char *name)
{
	for (size_t i = 0; i < upto; i++)
		if (!strcmp(c->v[i].group, group) && !strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

static int reserve(struct tsc_counters *c, size_t more)
{
	size_t cap;
	struct tsc_counter *v;

	if (more > TSC_COUNTERS_MAX || c->n > TSC_COUNTERS_MAX - more)
		return -E2BIG;
	if (c->n + more <= c->cap)
		return 0;
	cap = c->cap ? c->cap : 64;
	while (cap < c->n + more)
		cap *= 2;
	v = realloc(c->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->v = v;
	c->cap = cap;
	return 0;
}

/* One header/value pair of lines; appends after c->n without committing
 * (the caller moves c->n once the whole text parsed). */
static int parse_pair(struct tsc_counters *c, size_t *pos, struct tsc_cur hdr, struct tsc_cur val)
{
	char group[TSC_COUNTER_GROUP_LEN], vgroup[TSC_COUNTER_GROUP_LEN];
	struct tsc_cur ntok, vtok;
	size_t count = 0;
	int err = 0, r;

	if (parse_group(&hdr, group) < 0 || parse_group(&val, vgroup) < 0 ||
	    strcmp(group, vgroup) != 0)
		return -EINVAL;
	while (next_token(&hdr, &ntok, &err)) {
		struct tsc_counter *e;
		int verr = 0;

		if (!next_token(&val, &vtok, &verr))
			return -EINVAL;
		if (++count > TSC_COUNTERS_LINE_MAX)
			return -E2BIG;
		r = reserve(c, *pos - c->n + 1);
		if (r < 0)
			return r;
		e = &c->v[*pos];
		memset(e, 0, sizeof(*e));
		memcpy(e->group, group, sizeof(group));
		r = parse_name(&ntok, e->name);
		if (r < 0)
			return r;
		r = parse_value(vtok, &e->value);
		if (r < 0)
			return r;
		/* keep the first of duplicates; a duplicate's slot is reused */
		if (!find(c, *pos, e->group, e->name))
			(*pos)++;
	}
	if (err < 0 || count == 0)
		return -EINVAL;
	/* the value line must not have more fields than the header */
	if (next_token(&val, &vtok, &err) || err < 0)
		return -EINVAL;
	return 0;
}

int tsc_counters_parse(struct tsc_counters *c, const void *text, size_t len)
{
	struct tsc_cur cur = tsc_cur_make(text, len), hdr, val;
	size_t base = c->n, pos = c->n;
	int r;

	while (cur.len) {
		if (!next_line(&cur, &hdr) || !next_line(&cur, &val))
			return -EINVAL;
		r = parse_pair(c, &pos, hdr, val);
		if (r < 0)
			return r;
	}
	c->n = pos;
	return (int)(pos - base);
}

int tsc_counters_read_file(struct tsc_counters *c, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return -errno;
	buf = malloc(TSC_COUNTERS_FILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + len, TSC_COUNTERS_FILE_MAX + 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > TSC_COUNTERS_FILE_MAX)
			return -EFBIG;
	}
	return tsc_counters_parse(c, buf, len);
}

int tsc_counters_read(struct tsc_counters *c, const char *root)
{
	static const char *const files[] = { "net/snmp", "net/netstat" };
	char path[4096];
	int64_t dummy;
	int r, total = 0;

	for (size_t i = 0; i < TSC_ARRAY_SIZE(files); i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", root, files[i]);

		if (n < 0 || (size_t)n >= sizeof(path))
			return -ENAMETOOLONG;
		r = tsc_counters_read_file(c, path);
		if (r < 0)
			return r;
		total += r;
	}
	if (!tsc_counters_get(c, "Tcp", "OutSegs", &dummy))
		return -ENODATA;
	return total;
}

bool tsc_counters_get(const struct tsc_counters *c, const char *group, const char *name,
		      int64_t *ret)
{
	const struct tsc_counter *e = find(c, c->n, group, name);

	if (!e)
		return false;
	*ret = e->value;
	return true;
}
