/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict /proc/sys readers (see sysctl.h). The kernel prints integer vectors
 * separated by tabs and ends every value with '\n' (proc_dointvec); we accept
 * spaces too, as the kernel does on write.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/cursor.h"
#include "sys/sysctl.h"

static bool name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

int tsc_sysctl_path(const char *root, const char *name, char *buf, size_t len)
{
	size_t rl, nl, comp = 0;

	if (!root)
		root = TSC_SYSCTL_ROOT;
	if (!name || !*name)
		return -EINVAL;
	rl = strlen(root);
	nl = strlen(name);
	if (rl + 1 + nl + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, root, rl);
	buf[rl] = '/';
	for (size_t i = 0; i <= nl; i++) {
		char ch = name[i];

		if (ch == '.' || ch == '/' || ch == '\0') {
			/* components: non-empty, never "." or ".." (dots separate, so
			 * only an empty one can appear) */
			if (comp == 0)
				return -EINVAL;
			buf[rl + 1 + i] = ch == '\0' ? '\0' : '/';
			comp = 0;
			continue;
		}
		if (!name_char_ok(ch))
			return -EINVAL;
		buf[rl + 1 + i] = ch;
		comp++;
	}
	return 0;
}

int tsc_sysctl_read_fd(int fd, char *buf, size_t len)
{
	char tmp[TSC_SYSCTL_TEXT_MAX + 1];
	size_t n = 0;

	if (!len)
		return -EINVAL;
	for (;;) {
		ssize_t got = pread(fd, tmp + n, sizeof(tmp) - n, (off_t)n);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n >= sizeof(tmp))
			return -E2BIG;
	}
	if (n && tmp[n - 1] == '\n')
		n--;
	if (memchr(tmp, '\0', n))
		return -EINVAL;
	if (n + 1 > len)
		return -E2BIG;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return (int)n;
}

int tsc_sysctl_read_str(const char *root, const char *name, char *buf, size_t len)
{
	char path[4096];
	_cleanup_close_ int fd = -1;
	int r;

	if (!len)
		return -EINVAL;
	r = tsc_sysctl_path(root, name, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return tsc_sysctl_read_fd(fd, buf, len);
}

static int parse_one(struct tsc_cur *c, int64_t *ret)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	bool neg = false, any = false;
	uint8_t ch;

	if (tsc_cur_peek_u8(c, 0, &ch) && ch == '-') {
		neg = true;
		limit++;
		(void)tsc_cur_skip(c, 1);
	}
	while (tsc_cur_peek_u8(c, 0, &ch) && ch >= '0' && ch <= '9') {
		if (v > (limit - (uint64_t)(ch - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(ch - '0');
		any = true;
		(void)tsc_cur_skip(c, 1);
	}
	if (!any)
		return -EINVAL;
	*ret = neg ? (v == limit ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return 0;
}

/* The one strict scanner behind both parsers: up to max integers separated by
 * blanks, one optional trailing newline. When more follows the max-th integer
 * it returns too_many; otherwise the count, -EINVAL or -ERANGE. */
static int parse_ints(const char *text, size_t len, int64_t *vals, size_t max, int too_many)
{
	struct tsc_cur c = tsc_cur_make(text, len);
	size_t n = 0;
	uint8_t ch;
	int r;

	/* one trailing newline, nothing after it */
	if (c.len && tsc_cur_peek_u8(&c, c.len - 1, &ch) && ch == '\n')
		c.len--;
	for (;;) {
		if (n == max)
			return too_many;
		r = parse_one(&c, &vals[n]);
		if (r < 0)
			return r;
		n++;
		if (!c.len)
			return (int)n;
		/* one or more separators, then another number */
		if (!tsc_cur_peek_u8(&c, 0, &ch) || (ch != ' ' && ch != '\t'))
			return -EINVAL; /* garbage right after a number */
		while (tsc_cur_peek_u8(&c, 0, &ch) && (ch == ' ' || ch == '\t'))
			(void)tsc_cur_skip(&c, 1);
		if (!c.len)
			return -EINVAL; /* trailing blanks */
	}
}

int tsc_sysctl_parse_ints(const char *text, size_t len, int64_t *vals, size_t max)
{
	return parse_ints(text, len, vals, max, -ERANGE);
}

int tsc_sysctl_parse_ints_exact(const char *text, size_t len, int64_t *vals, size_t n)
{
	int r = parse_ints(text, len, vals, n, -EINVAL);

	if (r < 0)
		return r;
	return (size_t)r == n ? 0 : -EINVAL;
}

int tsc_sysctl_read_ints(const char *root, const char *name, int64_t *vals, size_t max)
{
	char text[TSC_SYSCTL_TEXT_MAX];
	int r = tsc_sysctl_read_str(root, name, text, sizeof(text));

	if (r < 0)
		return r;
	return tsc_sysctl_parse_ints(text, (size_t)r, vals, max);
}

int tsc_sysctl_read_int(const char *root, const char *name, int64_t *ret)
{
	char text[TSC_SYSCTL_TEXT_MAX];
	int r = tsc_sysctl_read_str(root, name, text, sizeof(text));

	if (r < 0)
		return r;
	/* more than one integer is a format error, not a range one */
	return tsc_sysctl_parse_ints_exact(text, (size_t)r, ret, 1);
}
