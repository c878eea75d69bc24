/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tune's contact with the kernel: /proc/sys reads (through sys/sysctl.h) and
 * writes, host-wide sysctls pinned before entering a namespace, and the
 * observation of one namespace (sock_diag dump, /proc/net/{snmp,netstat}).
 * Nothing here decides anything; tune.c does. Network sysctls and counters
 * are those of the calling thread's network namespace (sysctl net_ctl lookup
 * uses current->nsproxy->net_ns), except pinned descriptors, which keep the
 * namespace they were opened in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "diag/tune.h"
#include "sockdiag/sockdiag.h"
#include "sys/counters.h"
#include "sys/sysctl.h"

#define DEST_MAX_ENTRIES 65536

static size_t fact_index(const struct tsc_sysctl_fact *f)
{
	size_t n;
	const struct tsc_sysctl_fact *all = tsc_sysctl_facts(&n);

	return (size_t)(f - all);
}

void tsc_tune_sysfs_init(struct tsc_tune_sysfs *s, const char *root)
{
	s->root = root;
	for (size_t i = 0; i < TSC_TUNE_MAX_ITEMS; i++)
		s->pinned[i] = -1;
}

void tsc_tune_sysfs_release(struct tsc_tune_sysfs *s)
{
	for (size_t i = 0; i < TSC_TUNE_MAX_ITEMS; i++) {
		if (s->pinned[i] >= 0)
			close(s->pinned[i]);
		s->pinned[i] = -1;
	}
}

int tsc_tune_sysfs_pin_host(struct tsc_tune_sysfs *s, bool writable)
{
	size_t n;
	const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&n);
	int pinned = 0;

	for (size_t i = 0; i < n && i < TSC_TUNE_MAX_ITEMS; i++) {
		char path[512];
		int fd, r;

		if (f[i].per_netns || f[i].removed_in || s->pinned[i] >= 0)
			continue;
		r = tsc_sysctl_path(s->root, f[i].key, path, sizeof(path));
		if (r < 0)
			return r;
		fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return -errno;
		s->pinned[i] = fd;
		pinned++;
	}
	return pinned;
}

static int pinned_read(int fd, char *buf, size_t len)
{
	char tmp[256];
	ssize_t got = pread(fd, tmp, sizeof(tmp) - 1, 0);
	size_t n;

	if (got < 0)
		return -errno;
	n = (size_t)got;
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

static int sysfs_read(void *arg, const struct tsc_sysctl_fact *f, char *buf, size_t len)
{
	struct tsc_tune_sysfs *s = arg;
	size_t i = fact_index(f);

	if (i < TSC_TUNE_MAX_ITEMS && s->pinned[i] >= 0)
		return pinned_read(s->pinned[i], buf, len);
	return tsc_sysctl_read_str(s->root, f->key, buf, len);
}

/* The whole value in one write(2): proc sysctl handlers parse one buffer. */
static int write_all(int fd, const char *text)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s\n", text);
	ssize_t w;

	if (n < 0 || (size_t)n >= sizeof(line))
		return -E2BIG;
	do {
		w = pwrite(fd, line, (size_t)n, 0);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return w == n ? 0 : -EIO;
}

static int sysfs_write(void *arg, const struct tsc_sysctl_fact *f, const char *text)
{
	struct tsc_tune_sysfs *s = arg;
	size_t i = fact_index(f);
	char path[512];
	int fd, r;

	if (i < TSC_TUNE_MAX_ITEMS && s->pinned[i] >= 0)
		return write_all(s->pinned[i], text);
	r = tsc_sysctl_path(s->root, f->key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

void tsc_tune_sysfs_io(struct tsc_tune_sysfs *s, struct tsc_tune_io *ret)
{
	ret->read = sysfs_read;
	ret->write = sysfs_write;
	ret->arg = s;
}

/* ------------------------------------------------------------------------ */
/* Observation */

struct dest_key {
	uint8_t family, pad;
	uint16_t port;
	uint8_t addr[16];
};

struct dest_val {
	uint64_t total, tw;
};

struct observer {
	struct tsc_tune_obs *obs;
	uint8_t *listening; /* bitmap of local ports with a LISTEN socket */
	struct tsc_hash *dests;
	uint16_t eph_low, eph_high;
};

static bool port_listening(const struct observer *o, uint16_t port)
{
	return o->listening[port / 8] & (1u << (port % 8));
}

static int on_listener(const struct tsc_sock *s, void *arg)
{
	struct observer *o = arg;

	o->listening[s->lport / 8] |= (uint8_t)(1u << (s->lport % 8));
	o->obs->states[TSC_TCP_LISTEN]++;
	/* LISTEN: rqueue = accept queue length, wqueue = its limit */
	if (s->wqueue > 0 && s->rqueue >= s->wqueue) {
		o->obs->listeners_full++;
		o->obs->full_port = s->lport;
	}
	return 0;
}

static void count_dest(struct observer *o, const struct tsc_sock *s)
{
	struct dest_key k;
	struct dest_val *v;

	memset(&k, 0, sizeof(k));
	k.family = s->family;
	k.port = s->pport;
	memcpy(k.addr, s->peer, s->family == AF_INET ? 4 : 16);
	v = tsc_hash_upsert(o->dests, &k, NULL);
	if (!v)
		return; /* table full: the busiest destination is still found in practice */
	v->total++;
	if (s->state == TSC_TCP_TIME_WAIT)
		v->tw++;
}

static int on_sock(const struct tsc_sock *s, void *arg)
{
	struct observer *o = arg;
	struct tsc_tune_obs *obs = o->obs;
	bool incoming = port_listening(o, s->lport);
	bool outgoing = !incoming && s->lport >= o->eph_low && s->lport <= o->eph_high;

	if (s->state >= TSC_TCP_MAX_STATES || s->state == TSC_TCP_LISTEN)
		return 0;
	obs->states[s->state]++;
	if (s->state == TSC_TCP_TIME_WAIT) {
		if (incoming)
			obs->tw_incoming++;
		else if (outgoing)
			obs->tw_outgoing++;
	}
	if (s->inode == 0 && (s->state == TSC_TCP_FIN_WAIT1 || s->state == TSC_TCP_FIN_WAIT2 ||
			      s->state == TSC_TCP_CLOSING || s->state == TSC_TCP_LAST_ACK)) {
		obs->orphans++;
		if (s->state == TSC_TCP_FIN_WAIT2)
			obs->orphan_fin_wait2++;
	}
	if (outgoing && s->state != TSC_TCP_SYN_RECV && s->state != TSC_TCP_CLOSE)
		count_dest(o, s);
	return 0;
}

static void busiest_dest(struct observer *o)
{
	size_t pos = 0;
	const void *kp;
	void *vp;
	const struct dest_key *best = NULL;
	const struct dest_val *bestv = NULL;
	char addr[INET6_ADDRSTRLEN];

	while (tsc_hash_next(o->dests, &pos, &kp, &vp)) {
		const struct dest_val *v = vp;

		if (!bestv || v->total > bestv->total) {
			best = kp;
			bestv = v;
		}
	}
	if (!best)
		return;
	o->obs->dest_max = bestv->total;
	o->obs->dest_max_tw = bestv->tw;
	if (!inet_ntop(best->family, best->addr, addr, sizeof(addr)))
		addr[0] = '\0';
	(void)snprintf(o->obs->dest, sizeof(o->obs->dest),
		       best->family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, best->port);
}

static long dump(struct tsc_sockdiag *h, uint32_t states, tsc_sock_cb cb, struct observer *o)
{
	struct tsc_sockdiag_query q = { .states = states, .ipv4 = true, .ipv6 = true };

	if (h)
		return tsc_sockdiag_dump(h, &q, cb, o);
	return tsc_procnet_dump(NULL, &q, cb, o);
}

static int observe_sockets(struct observer *o)
{
	struct tsc_sockdiag *h = tsc_sockdiag_new(); /* NULL: fall back to /proc/net/tcp */
	long r;

	r = dump(h, TSC_TCPF(TSC_TCP_LISTEN), on_listener, o);
	if (r >= 0)
		r = dump(h, TSC_TCPF_ALL & ~TSC_TCPF(TSC_TCP_LISTEN), on_sock, o);
	tsc_sockdiag_free(h);
	if (r < 0)
		return (int)r;
	busiest_dest(o);
	o->obs->have_sockets = true;
	return 0;
}

static void get_counter(const struct tsc_counters *c, const char *name, int64_t *ret)
{
	if (!tsc_counters_get(c, "TcpExt", name, ret))
		*ret = -1;
}

static int observe_counters(struct tsc_tune_obs *obs, const char *proc_root)
{
	struct tsc_counters c;
	int r;

	tsc_counters_init(&c);
	r = tsc_counters_read(&c, proc_root ? proc_root : "/proc/self");
	if (r >= 0) {
		get_counter(&c, "ListenOverflows", &obs->listen_overflows);
		get_counter(&c, "ListenDrops", &obs->listen_drops);
		get_counter(&c, "SyncookiesSent", &obs->syncookies_sent);
		get_counter(&c, "SyncookiesFailed", &obs->syncookies_failed);
		get_counter(&c, "TCPTimeWaitOverflow", &obs->tw_overflow);
		get_counter(&c, "TCPAbortOnMemory", &obs->abort_on_memory);
		get_counter(&c, "TCPReqQFullDrop", &obs->reqq_full_drop);
		obs->have_counters = true;
	}
	tsc_counters_release(&c);
	return r < 0 ? r : 0;
}

int tsc_tune_observe(struct tsc_tune_obs *obs, const char *proc_root, uint16_t eph_low,
		     uint16_t eph_high)
{
	struct observer o = { .obs = obs, .eph_low = eph_low, .eph_high = eph_high };
	int rs = -ENOMEM, rc;

	tsc_tune_obs_init(obs);
	o.listening = calloc(65536 / 8, 1);
	o.dests = tsc_hash_new(sizeof(struct dest_key), sizeof(struct dest_val), DEST_MAX_ENTRIES);
	if (o.listening && o.dests)
		rs = observe_sockets(&o);
	free(o.listening);
	tsc_hash_free(o.dests);
	rc = observe_counters(obs, proc_root);
	if (rs < 0 && rc < 0)
		return rs;
	return 0;
}
