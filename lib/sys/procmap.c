/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket inode -> owning processes (the `ss -p` / `lsof -i` map), built in one
 * pass over /proc. Unlike ss, which readlink()s full paths and reads a
 * per-process file for every socket fd, this opens /proc once, opens each
 * <pid>/fd directory relative to it, reads it with getdents64 into a large
 * buffer and resolves each entry with readlinkat() into a small stack buffer.
 * /proc/<pid>/comm is read only for processes that own a kept socket. The pid
 * list is shared by worker threads (work-stealing with one atomic index), each
 * with its own record vector; the vectors are merged at the end into an
 * open-addressing table keyed by inode. Directory entries from the kernel go
 * through core/cursor.h. See proc(5) "/proc/pid/fd".
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cursor.h"
#include "sys/procmap.h"

#define PM_DENTS_BUF  (64 * 1024)
#define PM_LINK_MAX   64 /* "socket:[" + 20 digits + "]" fits; longer is not a socket */
#define PM_MIN_SLOTS  16
#define PM_DIRENT_HDR 19 /* d_ino(8) d_off(8) d_reclen(2) d_type(1) */

/* One socket fd found by a worker: proc indexes the worker's proc vector. */
struct pm_rec {
	uint64_t inode;
	uint32_t proc;
	int32_t fd;
};

struct pm_proc {
	int32_t pid;
	char comm[16];
};

/* What all workers share; read-only except next. */
struct pm_scan {
	int rootfd;
	const int32_t *pids;
	size_t npids;
	atomic_size_t next;
	int (*want)(uint64_t inode, void *arg);
	void *want_arg;
	size_t max_recs; /* per worker */
};

struct pm_worker {
	struct pm_scan *scan;
	pthread_t thread;
	bool started;
	struct pm_rec *recs;
	size_t nrecs, cap_recs;
	struct pm_proc *procs;
	size_t nprocs, cap_procs;
	size_t scanned, denied, dropped;
	uint8_t *dents;
	int err; /* first fatal error (-ENOMEM) */
};

struct pm_slot {
	uint64_t inode; /* 0 = empty (no socket has inode 0) */
	uint32_t start, count;
};

struct tsc_procmap {
	struct pm_slot *slots;
	size_t mask;
	struct tsc_proc_owner *owners;
	size_t nowners, ninodes, nprocs, denied, dropped;
};

/* ---- parsing ------------------------------------------------------------ */

/* Strict decimal: digits only, no leading zero (except "0" itself, which the
 * caller may reject), no overflow. */
static bool pm_parse_dec(struct tsc_cur c, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	uint8_t ch;

	if (c.len == 0 || c.len > 20)
		return false;
	if (c.len > 1 && c.p[0] == '0')
		return false;
	while (tsc_cur_u8(&c, &ch)) {
		if (ch < '0' || ch > '9')
			return false;
		if (v > (max - (uint64_t)(ch - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	*ret = v;
	return true;
}

int tsc_procmap_parse_link(const char *s, size_t len, uint64_t *ret)
{
	static const char prefix[] = "socket:[";
	struct tsc_cur c = tsc_cur_make(s, len);
	struct tsc_cur digits;
	uint64_t v;

	if (!s || len < sizeof(prefix) - 1 + 2 || memcmp(s, prefix, sizeof(prefix) - 1) != 0)
		return -EINVAL;
	(void)tsc_cur_skip(&c, sizeof(prefix) - 1);
	if (c.p[c.len - 1] != ']')
		return -EINVAL;
	if (!tsc_cur_sub(&c, c.len - 1, &digits))
		return -EINVAL;
	if (!pm_parse_dec(digits, UINT64_MAX, &v) || v == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* A /proc directory name as a pid or fd number (0..INT32_MAX). */
static bool pm_parse_num(const char *name, size_t len, int32_t *ret)
{
	uint64_t v;

	if (!pm_parse_dec(tsc_cur_make(name, len), INT32_MAX, &v))
		return false;
	*ret = (int32_t)v;
	return true;
}

/* Walks one getdents64 buffer. Calls fn(name, name_len, arg) for each entry;
 * stops early (returning its value) if fn returns < 0. The kernel's records
 * are validated: reclen covers the header and a NUL-terminated name. */
static int pm_each_dirent(const uint8_t *buf, size_t len,
			  int (*fn)(const char *name, size_t nlen, void *arg), void *arg)
{
	struct tsc_cur c = tsc_cur_make(buf, len);

	while (c.len > 0) {
		struct tsc_cur rec, hdr;
		uint16_t reclen;
		const char *name;
		size_t nlen;
		int r;

		if (c.len < PM_DIRENT_HDR)
			return -EPROTO;
		hdr = c;
		(void)tsc_cur_skip(&hdr, 16);
		if (!tsc_cur_ne16(&hdr, &reclen) || reclen <= PM_DIRENT_HDR ||
		    !tsc_cur_sub(&c, reclen, &rec))
			return -EPROTO;
		(void)tsc_cur_skip(&rec, PM_DIRENT_HDR);
		name = (const char *)rec.p;
		nlen = strnlen(name, rec.len);
		if (nlen == rec.len)
			return -EPROTO; /* not NUL-terminated within its record */
		r = fn(name, nlen, arg);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- one worker ----------------------------------------------------------- */

static int pm_grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elsize);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

struct pm_fd_ctx {
	struct pm_worker *w;
	int dirfd;
	uint32_t proc;
};

static int pm_on_fd(const char *name, size_t nlen, void *arg)
{
	struct pm_fd_ctx *x = arg;
	struct pm_worker *w = x->w;
	char link[PM_LINK_MAX];
	uint64_t inode;
	int32_t fd;
	ssize_t n;

	if (!pm_parse_num(name, nlen, &fd))
		return 0; /* ".", ".." */
	n = readlinkat(x->dirfd, name, link, sizeof(link));
	if (n < 0 || (size_t)n >= sizeof(link))
		return 0; /* closed meanwhile, or a long path: not a socket */
	if (tsc_procmap_parse_link(link, (size_t)n, &inode) < 0)
		return 0;
	if (w->scan->want && !w->scan->want(inode, w->scan->want_arg))
		return 0;
	if (w->nrecs >= w->scan->max_recs) {
		w->dropped++;
		return 0;
	}
	if (pm_grow((void **)&w->recs, &w->cap_recs, w->nrecs + 1, sizeof(*w->recs)) < 0)
		return -ENOMEM;
	w->recs[w->nrecs++] = (struct pm_rec){ .inode = inode, .proc = x->proc, .fd = fd };
	return 0;
}

/* /proc/<pid>/comm without its newline; "" if the process is gone. */
static void pm_read_comm(int rootfd, int32_t pid, char comm[16])
{
	char path[32];
	char buf[32];
	ssize_t n;
	int fd;

	memset(comm, 0, 16);
	snprintf(path, sizeof(path), "%d/comm", (int)pid);
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n && i < 15 && buf[i] != '\n' && buf[i] != '\0'; i++)
		comm[i] = buf[i];
}

static int pm_scan_pid(struct pm_worker *w, int32_t pid)
{
	struct pm_fd_ctx x = { .w = w, .dirfd = -1, .proc = (uint32_t)w->nprocs };
	size_t first = w->nrecs;
	char path[32];
	int r = 0;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	x.dirfd = openat(w->scan->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x.dirfd < 0) {
		if (errno == EACCES || errno == EPERM)
			w->denied++;
		return 0; /* ENOENT/ESRCH: exited; ENOTDIR: not a process */
	}
	w->scanned++;
	for (;;) {
		ssize_t n = getdents64(x.dirfd, w->dents, PM_DENTS_BUF);

		if (n <= 0)
			break; /* end, or the process exited while we read */
		r = pm_each_dirent(w->dents, (size_t)n, pm_on_fd, &x);
		if (r < 0)
			break;
	}
	close(x.dirfd);
	if (r == -ENOMEM)
		return r;
	if (w->nrecs == first)
		return 0;
	if (pm_grow((void **)&w->procs, &w->cap_procs, w->nprocs + 1, sizeof(*w->procs)) < 0)
		return -ENOMEM;
	w->procs[w->nprocs].pid = pid;
	pm_read_comm(w->scan->rootfd, pid, w->procs[w->nprocs].comm);
	w->nprocs++;
	return 0;
}

static void *pm_worker_run(void *arg)
{
	struct pm_worker *w = arg;
	struct pm_scan *s = w->scan;

	for (;;) {
		size_t i = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
		int r;

		if (i >= s->npids)
			break;
		r = pm_scan_pid(w, s->pids[i]);
		if (r < 0) {
			w->err = r;
			/* let the others finish quickly too */
			atomic_store_explicit(&s->next, s->npids, memory_order_relaxed);
			break;
		}
	}
	return NULL;
}

/* ---- pid list --------------------------------------------------------------- */

struct pm_pids {
	int32_t *v;
	size_t n, cap;
};

static int pm_on_pid(const char *name, size_t nlen, void *arg)
{
	struct pm_pids *p = arg;
	int32_t pid;

	if (!pm_parse_num(name, nlen, &pid) || pid == 0)
		return 0; /* self, net, sys, ... */
	if (pm_grow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v)) < 0)
		return -ENOMEM;
	p->v[p->n++] = pid;
	return 0;
}

static int pm_list_pids(int rootfd, uint8_t *buf, struct pm_pids *ret)
{
	int dfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (dfd < 0)
		return -errno;
	for (;;) {
		ssize_t n = getdents64(dfd, buf, PM_DENTS_BUF);

		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = pm_each_dirent(buf, (size_t)n, pm_on_pid, ret);
		if (r < 0)
			break;
	}
	close(dfd);
	return r;
}

/* ---- the merged table ------------------------------------------------------- */

static size_t pm_hash(uint64_t inode, size_t mask)
{
	/* Fibonacci hashing: socket inodes are sequential, so spread them. */
	return (size_t)((inode * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

/* Index of inode's slot, or of the empty slot where it would go. The table is
 * never more than half full, so the probe ends. */
static size_t pm_slot_index(const struct pm_slot *slots, size_t mask, uint64_t inode)
{
	size_t i = pm_hash(inode, mask);

	while (slots[i].inode != inode && slots[i].inode != 0)
		i = (i + 1) & mask;
	return i;
}

static struct pm_slot *pm_slot_get(struct pm_slot *slots, size_t mask, uint64_t inode)
{
	struct pm_slot *s = &slots[pm_slot_index(slots, mask, inode)];

	s->inode = inode;
	return s;
}

static int pm_owner_cmp(const struct tsc_proc_owner *a, const struct tsc_proc_owner *b)
{
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->fd < b->fd ? -1 : a->fd > b->fd;
}

/* Owners of one inode in (pid, fd) order; groups are small (forked servers). */
static void pm_sort_group(struct tsc_proc_owner *o, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct tsc_proc_owner t = o[i];
		size_t j = i;

		while (j > 0 && pm_owner_cmp(&o[j - 1], &t) > 0) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = t;
	}
}

/* Allocates the table for total (socket, fd) pairs. */
static int pm_table_alloc(struct tsc_procmap *m, size_t total)
{
	size_t nslots = PM_MIN_SLOTS;

	while (nslots < total * 2)
		nslots *= 2;
	m->slots = calloc(nslots, sizeof(*m->slots));
	m->owners = malloc((total ? total : 1) * sizeof(*m->owners));
	if (!m->slots || !m->owners)
		return -ENOMEM;
	m->mask = nslots - 1;
	return 0;
}

/* After every inode was counted (pm_slot_get()->count++): turns the counts
 * into start offsets in owners[] (prefix sums) and resets them for filling. */
static void pm_table_starts(struct tsc_procmap *m)
{
	size_t start = 0;

	for (size_t s = 0; s <= m->mask; s++) {
		if (!m->slots[s].inode)
			continue;
		m->slots[s].start = (uint32_t)start;
		start += m->slots[s].count;
		m->slots[s].count = 0;
		m->ninodes++;
	}
}

/* The next free owner of inode's group (counted before). */
static struct tsc_proc_owner *pm_table_place(struct tsc_procmap *m, uint64_t inode)
{
	struct pm_slot *s = pm_slot_get(m->slots, m->mask, inode);

	m->nowners++;
	return &m->owners[s->start + s->count++];
}

static void pm_table_sort(struct tsc_procmap *m)
{
	for (size_t s = 0; s <= m->mask; s++)
		if (m->slots[s].count > 1)
			pm_sort_group(&m->owners[m->slots[s].start], m->slots[s].count);
}

static int pm_merge(struct tsc_procmap *m, struct pm_worker *ws, size_t nw)
{
	size_t total = 0;

	for (size_t i = 0; i < nw; i++)
		total += ws[i].nrecs;
	if (pm_table_alloc(m, total) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < nw; i++)
		for (size_t k = 0; k < ws[i].nrecs; k++)
			pm_slot_get(m->slots, m->mask, ws[i].recs[k].inode)->count++;
	pm_table_starts(m);
	for (size_t i = 0; i < nw; i++) {
		for (size_t k = 0; k < ws[i].nrecs; k++) {
			const struct pm_rec *r = &ws[i].recs[k];
			const struct pm_proc *p = &ws[i].procs[r->proc];
			struct tsc_proc_owner *o = pm_table_place(m, r->inode);

			o->pid = p->pid;
			o->fd = r->fd;
			memcpy(o->comm, p->comm, sizeof(o->comm));
		}
	}
	pm_table_sort(m);
	return 0;
}

/* ---- public ----------------------------------------------------------------- */

static unsigned pm_auto_threads(size_t npids)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = cpus > 0 ? (unsigned)cpus : 1;

	if (n > TSC_PROCMAP_MAX_THREADS)
		n = TSC_PROCMAP_MAX_THREADS;
	/* below a few dozen processes a thread costs more than it saves */
	if (npids < 32)
		n = 1;
	return n;
}

static void pm_workers_release(struct pm_worker *ws, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		free(ws[i].recs);
		free(ws[i].procs);
		free(ws[i].dents);
	}
	free(ws);
}

/* Runs workers 1..nw-1 in threads and worker 0 in the caller; joins all.
 * A thread that cannot be created is simply not started: the others take its
 * share of the pid list. Returns the first worker error. */
static int pm_run_workers(struct pm_worker *ws, size_t nw)
{
	int r = 0;

	for (size_t i = 1; i < nw; i++)
		ws[i].started = pthread_create(&ws[i].thread, NULL, pm_worker_run, &ws[i]) == 0;
	pm_worker_run(&ws[0]);
	for (size_t i = 1; i < nw; i++)
		if (ws[i].started)
			pthread_join(ws[i].thread, NULL);
	for (size_t i = 0; i < nw && !r; i++)
		r = ws[i].err;
	return r;
}

struct tsc_procmap *tsc_procmap_new_threads(const char *root,
					    int (*want)(uint64_t inode, void *arg), void *want_arg,
					    unsigned nthreads)
{
	struct pm_scan scan = { .rootfd = -1, .want = want, .want_arg = want_arg };
	struct pm_pids pids = { 0 };
	struct pm_worker *ws = NULL;
	struct tsc_procmap *m = NULL;
	size_t nw = 0;
	int r;

	scan.rootfd = open(root ? root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scan.rootfd < 0) {
		r = -errno;
		goto out;
	}
	m = calloc(1, sizeof(*m));
	ws = calloc(1, sizeof(*ws));
	if (!m || !ws || !(ws[0].dents = malloc(PM_DENTS_BUF))) {
		r = -ENOMEM;
		goto out;
	}
	nw = 1;
	r = pm_list_pids(scan.rootfd, ws[0].dents, &pids);
	if (r < 0)
		goto out;
	scan.pids = pids.v;
	scan.npids = pids.n;
	atomic_init(&scan.next, 0);
	if (nthreads == 0)
		nthreads = pm_auto_threads(pids.n);
	if (nthreads > TSC_PROCMAP_MAX_THREADS)
		nthreads = TSC_PROCMAP_MAX_THREADS;
	scan.max_recs = TSC_PROCMAP_MAX_OWNERS / nthreads;
	{
		struct pm_worker *nws = realloc(ws, nthreads * sizeof(*ws));

		if (!nws) {
			r = -ENOMEM;
			goto out;
		}
		ws = nws;
		memset(&ws[1], 0, (nthreads - 1) * sizeof(*ws));
	}
	for (nw = 1; nw < nthreads; nw++)
		if (!(ws[nw].dents = malloc(PM_DENTS_BUF)))
			break; /* fewer threads, same result */
	for (size_t i = 0; i < nw; i++)
		ws[i].scan = &scan;
	r = pm_run_workers(ws, nw);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < nw; i++) {
		m->nprocs += ws[i].scanned;
		m->denied += ws[i].denied;
		m->dropped += ws[i].dropped;
	}
	r = pm_merge(m, ws, nw);
out:
	if (ws)
		pm_workers_release(ws, nw ? nw : 1);
	free(pids.v);
	if (scan.rootfd >= 0)
		close(scan.rootfd);
	if (r < 0) {
		tsc_procmap_free(m);
		errno = -r;
		return NULL;
	}
	return m;
}

struct tsc_procmap *tsc_procmap_new_from_owners(const struct tsc_procmap_entry *e, size_t n,
						size_t dropped)
{
	struct tsc_procmap *m = calloc(1, sizeof(*m));
	size_t total = 0;
	int32_t last_pid = -1;

	if (!m)
		return NULL;
	m->dropped = dropped;
	for (size_t i = 0; i < n; i++) {
		if (!e[i].inode)
			continue;
		if (total >= TSC_PROCMAP_MAX_OWNERS) {
			m->dropped++;
			continue;
		}
		total++;
	}
	if (pm_table_alloc(m, total) < 0) {
		tsc_procmap_free(m);
		errno = ENOMEM;
		return NULL;
	}
	/* the same first `total` entries with a non-zero inode, in both passes */
	for (size_t i = 0, k = 0; i < n && k < total; i++) {
		if (!e[i].inode)
			continue;
		pm_slot_get(m->slots, m->mask, e[i].inode)->count++;
		k++;
	}
	pm_table_starts(m);
	for (size_t i = 0, k = 0; i < n && k < total; i++) {
		struct tsc_proc_owner *o;

		if (!e[i].inode)
			continue;
		o = pm_table_place(m, e[i].inode);
		*o = e[i].owner;
		o->comm[sizeof(o->comm) - 1] = '\0';
		k++;
		/* producers list a process's fds together (one fd table at a
		 * time), so counting pid changes counts processes */
		if (o->pid != last_pid)
			m->nprocs++;
		last_pid = o->pid;
	}
	pm_table_sort(m);
	return m;
}

struct tsc_procmap *tsc_procmap_new(const char *root, int (*want)(uint64_t inode, void *arg),
				    void *want_arg)
{
	return tsc_procmap_new_threads(root, want, want_arg, 0);
}

void tsc_procmap_free(struct tsc_procmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->owners);
	free(m);
}

size_t tsc_procmap_lookup(const struct tsc_procmap *m, uint64_t inode,
			  const struct tsc_proc_owner **ret)
{
	const struct pm_slot *s;

	*ret = NULL;
	if (!m || !m->slots || inode == 0)
		return 0;
	s = &m->slots[pm_slot_index(m->slots, m->mask, inode)];
	if (s->inode != inode)
		return 0;
	*ret = &m->owners[s->start];
	return s->count;
}

size_t tsc_procmap_denied(const struct tsc_procmap *m)
{
	return m ? m->denied : 0;
}

size_t tsc_procmap_count(const struct tsc_procmap *m)
{
	return m ? m->ninodes : 0;
}

size_t tsc_procmap_nprocs(const struct tsc_procmap *m)
{
	return m ? m->nprocs : 0;
}

size_t tsc_procmap_dropped(const struct tsc_procmap *m)
{
	return m ? m->dropped : 0;
}
