/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /proc/net/tcp and /proc/net/tcp6 fallback (net/ipv4/tcp_ipv4.c
 * get_tcp4_sock(), get_openreq4(), get_timewait4_sock(); the IPv6 twins in
 * net/ipv6/tcp_ipv6.c). Lines are parsed strictly through the cursor into the
 * same struct tsc_sock the netlink side fills, with the kernel's quirks undone:
 * addresses are the in-kernel __be32 words printed as host-order integers,
 * timer expiry is in USER_HZ ticks. /proc does not show cookies, bound devices,
 * a listener's backlog or bound-inactive sockets; those stay 0 / absent.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cursor.h"
#include "sockdiag/internal.h"
#include "sockdiag/sockdiag.h"

/* Longest line we accept; the kernel pads tcp lines to 149 characters and
 * tcp6 lines are about 180. */
#define PROCNET_LINE_MAX 512

static bool cur_is(const struct tsc_cur *c, char ch)
{
	return c->len && c->p[0] == (uint8_t)ch;
}

static bool cur_char(struct tsc_cur *c, char ch)
{
	return cur_is(c, ch) && tsc_cur_skip(c, 1);
}

/* At least min spaces. */
static bool cur_spaces(struct tsc_cur *c, size_t min)
{
	size_t n = 0;

	while (cur_is(c, ' ')) {
		(void)tsc_cur_skip(c, 1);
		n++;
	}
	return n >= min;
}

static int hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Between min and max hex digits (max <= 16), as many as present. What
 * follows is the caller's to check (a separator, or the next address word). */
static bool cur_hex(struct tsc_cur *c, size_t min, size_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;
	int d;

	while (n < max && c->len && (d = hexval(c->p[0])) >= 0) {
		v = v << 4 | (uint64_t)d;
		(void)tsc_cur_skip(c, 1);
		n++;
	}
	if (n < min)
		return false;
	*ret = v;
	return true;
}

static bool cur_hex32(struct tsc_cur *c, uint32_t *ret)
{
	uint64_t v;

	if (!cur_hex(c, 8, 8, &v))
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* A decimal number no larger than max. */
static bool cur_dec(struct tsc_cur *c, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	while (c->len && c->p[0] >= '0' && c->p[0] <= '9') {
		unsigned d = (unsigned)(c->p[0] - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		(void)tsc_cur_skip(c, 1);
		n++;
	}
	if (!n)
		return false;
	*ret = v;
	return true;
}

/* "0100007F:1F90": each 8-digit group is one __be32 word of the address
 * printed as a host-order integer (%08X), so storing the integer back in
 * host order restores the network-order bytes, on any endianness. */
static bool cur_endpoint(struct tsc_cur *c, size_t words, uint8_t *addr, uint16_t *port)
{
	uint64_t p;

	for (size_t i = 0; i < words; i++) {
		uint32_t w;

		if (!cur_hex32(c, &w))
			return false;
		memcpy(addr + 4 * i, &w, sizeof(w));
	}
	if (!cur_char(c, ':') || !cur_hex(c, 4, 4, &p))
		return false;
	*port = (uint16_t)p;
	return true;
}

/* clock_t ticks (jiffies_delta_to_clock_t) to milliseconds. */
static uint32_t ticks_to_ms(uint64_t ticks)
{
	long hz = sysconf(_SC_CLK_TCK); /* USER_HZ, 100 on every arch but alpha */
	uint64_t ms;

	if (hz <= 0)
		hz = 100;
	if (ticks > UINT64_MAX / 1000)
		return UINT32_MAX;
	ms = ticks * 1000 / (uint64_t)hz;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* "sl  local rem st tx:rx tr:when retrnsmt uid timeout inode [rest]" */
static int parse_fields(struct tsc_cur *c, size_t words, struct tsc_sock *s)
{
	uint64_t sl, st, tr, when, retr, uid, probes, inode;

	if (!cur_spaces(c, 0) || !cur_dec(c, UINT32_MAX, &sl) || !cur_char(c, ':') ||
	    !cur_spaces(c, 1) || !cur_endpoint(c, words, s->local, &s->lport) ||
	    !cur_spaces(c, 1) || !cur_endpoint(c, words, s->peer, &s->pport) || !cur_spaces(c, 1) ||
	    !cur_hex(c, 2, 2, &st) || !cur_spaces(c, 1) || !cur_hex32(c, &s->wqueue) ||
	    !cur_char(c, ':') || !cur_hex32(c, &s->rqueue) || !cur_spaces(c, 1) ||
	    !cur_hex(c, 2, 2, &tr) || !cur_char(c, ':') || !cur_hex(c, 8, 16, &when) ||
	    !cur_spaces(c, 1) || !cur_hex(c, 8, 8, &retr) || !cur_spaces(c, 1) ||
	    !cur_dec(c, UINT32_MAX, &uid) || !cur_spaces(c, 1) ||
	    !cur_dec(c, UINT32_MAX, &probes) || !cur_spaces(c, 1) ||
	    !cur_dec(c, UINT64_MAX, &inode))
		return -EINVAL;
	/* the rest (refcount, pointer, rto, ...) varies by socket kind */
	if (c->len && !cur_is(c, ' ') && !cur_is(c, '\n'))
		return -EINVAL;

	s->state = tsc__sockdiag_state((uint8_t)st);
	if (!s->state || st > TSC__TCP_BOUND_INACTIVE || tr > TSC_TIMER_PROBE0)
		return -EINVAL;
	s->timer = (uint8_t)tr;
	s->expires_ms = s->timer == TSC_TIMER_NONE ? 0 : ticks_to_ms(when);
	/* inet_diag reports icsk_probes_out as idiag_retrans for the keepalive
	 * and zero-window timers (inet_sk_diag_fill); /proc prints it apart */
	if (s->timer == TSC_TIMER_KEEPALIVE || s->timer == TSC_TIMER_PROBE0)
		retr = probes;
	s->retrans = retr > UINT8_MAX ? UINT8_MAX : (uint8_t)retr;
	s->uid = (uint32_t)uid;
	s->inode = inode;
	return 0;
}

int tsc_procnet_parse_line(const char *line, int family, struct tsc_sock *ret)
{
	struct tsc_cur c;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!line || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	c = tsc_cur_make(line, strnlen(line, PROCNET_LINE_MAX + 1));
	if (c.len > PROCNET_LINE_MAX)
		return -EINVAL;
	ret->family = (uint8_t)family;
	r = parse_fields(&c, family == AF_INET ? 1 : 4, ret);
	if (r < 0)
		memset(ret, 0, sizeof(*ret));
	return r;
}

/* One file. A missing tcp6 means no IPv6 in this kernel, not an error. */
static long procnet_file(const char *root, const char *name, int family,
			 const struct tsc_sockdiag_query *q, tsc_sock_cb cb, void *arg)
{
	char path[PATH_MAX], line[PROCNET_LINE_MAX + 2];
	_cleanup_fclose_ FILE *f = NULL;
	long n = 0;
	int len;

	len = snprintf(path, sizeof(path), "%s/net/%s", root, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT && family == AF_INET6 ? 0 : -errno;
	if (!fgets(line, sizeof(line), f))
		return ferror(f) ? -EIO : -EPROTO;
	if (!strstr(line, "local_address"))
		return -EPROTO; /* not a /proc/net/tcp header */
	while (fgets(line, sizeof(line), f)) {
		struct tsc_sock s;
		size_t l = strlen(line);
		int r;

		if (l > PROCNET_LINE_MAX || (l && line[l - 1] != '\n' && !feof(f)))
			return -EPROTO; /* longer than any line the kernel writes */
		if (tsc_procnet_parse_line(line, family, &s) < 0)
			return -EPROTO;
		if (!(q->states & TSC_TCPF(s.state)))
			continue;
		r = cb(&s, arg);
		if (r < 0)
			return r;
		n++;
	}
	return ferror(f) ? -EIO : n;
}

long tsc_procnet_dump(const char *root, const struct tsc_sockdiag_query *q, tsc_sock_cb cb,
		      void *arg)
{
	long n4 = 0, n6 = 0;

	if (!root || !q || !cb)
		return -EINVAL;
	if (q->ipv4) {
		n4 = procnet_file(root, "tcp", AF_INET, q, cb, arg);
		if (n4 < 0)
			return n4;
	}
	if (q->ipv6) {
		n6 = procnet_file(root, "tcp6", AF_INET6, q, cb, arg);
		if (n6 < 0)
			return n6;
	}
	return n4 + n6;
}
