/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tune's contact with the kernel: /proc/sys reads (through sys/sysctl.h) and
 * writes, host-wide sysctls pinned before entering a namespace, and the
 * observation of one namespace, taken with check's snapshot and counter
 * reader (tsc_check_snap_collect, tsc_check_counters_read) and summed up
 * into struct tsc_tune_obs. Nothing here decides anything; tune.c does. Network sysctls and
 * counters are those of the calling thread's network namespace (sysctl net_ctl lookup uses
 * current->nsproxy->net_ns), except pinned descriptors, which keep the namespace they were opened
 * in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag/check-internal.h"
#include "diag/tune.h"
#include "output/sockfmt.h"
#include "sockdiag/sockdiag.h"
#include "sys/sysctl.h"

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

static int sysfs_read(void *arg, const struct tsc_sysctl_fact *f, char *buf, size_t len)
{
	struct tsc_tune_sysfs *s = arg;
	size_t i = fact_index(f);

	if (i < TSC_TUNE_MAX_ITEMS && s->pinned[i] >= 0)
		return tsc_sysctl_read_fd(s->pinned[i], buf, len);
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
/* Observation: check's snapshot and counters, summed up for the rules */

static void obs_from_snap(struct tsc_tune_obs *obs, const struct tsc_check_snap *s)
{
	static const unsigned orphan_states[] = { TSC_TCP_FIN_WAIT1, TSC_TCP_FIN_WAIT2,
						  TSC_TCP_CLOSING, TSC_TCP_LAST_ACK };
	const struct tsc__dest_key *best = NULL;
	const struct tsc__count_val *bestv = NULL;
	char ep[TSC_ADDRSTRLEN + 8];
	size_t pos = 0;
	const void *kp;
	void *vp;

	memcpy(obs->states, s->counts, sizeof(obs->states));
	/* LISTEN: rqueue = accept queue length, backlog (wqueue) = its limit */
	while (tsc_hash_next(s->listeners, &pos, &kp, &vp)) {
		const struct tsc__listener_val *v = vp;

		if (v->backlog > 0 && v->rqueue >= v->backlog) {
			obs->listeners_full++;
			obs->full_port = ((const struct tsc__listener_key *)kp)->port;
		}
	}
	/* without an owner, whatever the timer: tcp_fin_timeout also bounds
	 * the FIN_WAIT2 sockets that became timewait sockets */
	for (size_t i = 0; i < TSC_ARRAY_SIZE(orphan_states); i++)
		obs->orphans += s->noowner[orphan_states[i]];
	obs->orphan_fin_wait2 = s->noowner[TSC_TCP_FIN_WAIT2];
	obs->tw_outgoing = s->tw_outgoing;
	obs->tw_incoming = s->tw_incoming;
	pos = 0;
	while (tsc_hash_next(s->dests, &pos, &kp, &vp)) {
		const struct tsc__count_val *v = vp;

		if (!bestv || v->n > bestv->n) {
			best = kp;
			bestv = v;
		}
	}
	if (!best)
		return;
	obs->dest_max = bestv->n;
	obs->dest_max_tw = bestv->extra;
	tsc_fmt_endpoint(ep, best->family, best->raddr, best->rport);
	(void)snprintf(obs->dest, sizeof(obs->dest), "%s", ep);
}

static int observe_sockets(struct tsc_tune_obs *obs, uint16_t eph_low, uint16_t eph_high)
{
	struct tsc_check_snap_opts so = { .eph_lo = eph_low, .eph_hi = eph_high };
	struct tsc_check_snap *s = tsc_check_snap_new(&so);
	struct tsc_sockdiag *h;
	long r;

	if (!s)
		return -ENOMEM;
	h = tsc_sockdiag_new(); /* NULL: fall back to /proc/net/tcp */
	r = tsc_check_snap_collect(s, h, NULL);
	tsc_sockdiag_free(h);
	if (r >= 0) {
		obs_from_snap(obs, s);
		obs->have_sockets = true;
	}
	tsc_check_snap_free(s);
	return r < 0 ? (int)r : 0;
}

static void get_counter(const struct tsc_check_counters *c, enum tsc_check_counter i, int64_t *ret)
{
	*ret = c->have[i] ? c->v[i] : -1;
}

static int observe_counters(struct tsc_tune_obs *obs, const char *proc_root)
{
	struct tsc_check_counters c;
	char dir[4096];
	int n = snprintf(dir, sizeof(dir), "%s/net", proc_root ? proc_root : "/proc/self");
	int r;

	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	r = tsc_check_counters_read(dir, &c, NULL);
	if (r < 0)
		return r;
	get_counter(&c, TSC_CNT_LISTEN_OVERFLOWS, &obs->listen_overflows);
	get_counter(&c, TSC_CNT_LISTEN_DROPS, &obs->listen_drops);
	get_counter(&c, TSC_CNT_SYNCOOKIES_SENT, &obs->syncookies_sent);
	get_counter(&c, TSC_CNT_SYNCOOKIES_FAILED, &obs->syncookies_failed);
	get_counter(&c, TSC_CNT_TW_OVERFLOW, &obs->tw_overflow);
	get_counter(&c, TSC_CNT_ABORT_ON_MEMORY, &obs->abort_on_memory);
	get_counter(&c, TSC_CNT_REQ_QFULL_DROP, &obs->reqq_full_drop);
	obs->have_counters = true;
	return 0;
}

int tsc_tune_observe(struct tsc_tune_obs *obs, const char *proc_root, uint16_t eph_low,
		     uint16_t eph_high)
{
	int rs, rc;

	tsc_tune_obs_init(obs);
	rs = observe_sockets(obs, eph_low, eph_high);
	rc = observe_counters(obs, proc_root);
	if (rs < 0 && rc < 0)
		return rs;
	return 0;
}
