/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpcap wrapper (see capture.h). Errors are reported with libpcap's own
 * words; for files the byte offset of a failed record read comes from the
 * stdio position of pcap_file(): for a regular file we opened, by reading the
 * file again after the failure (failed_record_start()), so that the loop
 * costs no ftello() per record; for other seekable streams, by an ftello()
 * after each record.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/buf.h"

struct tsc_capture {
	pcap_t *p;
	pcap_dumper_t *d;
	bool nano, offline;
	bool seekable; /* the file's stdio position is known: offsets for errors */
	bool rewalk;   /* a regular file of ours: offsets by reading it again */
	char *iobuf;   /* stdio buffer of a file we opened; freed after pcap_close */
	char *dbuf;    /* stdio buffer of the dump file; freed after pcap_dump_close */
};

#define IOBUF_SIZE (256 * 1024)

/* Positions the stream where it is, so that stdio caches the offset: glibc's
 * ftello() otherwise makes an lseek() system call every time it is asked
 * (one per packet in tsc_capture_loop). Pipes cannot seek: no offsets then. */
static void offline_init(struct tsc_capture *c)
{
	FILE *f = pcap_file(c->p);

	c->offline = true;
	c->seekable = f && fseeko(f, 0, SEEK_CUR) == 0;
}

static void set_err(char *errbuf, const char *msg)
{
	if (errbuf)
		snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s", msg);
}

struct tsc_capture *tsc_capture_open_live(const struct tsc_capture_live_opts *o, char *errbuf)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct tsc_capture *c = calloc(1, sizeof(*c));
	const char *dev = o->iface;
	pcap_if_t *all = NULL;
	int r;

	if (!c)
		return NULL;
	if (!dev) {
		if (pcap_findalldevs(&all, eb) < 0 || !all) {
			set_err(errbuf, all ? eb : "no suitable device found");
			goto fail;
		}
		dev = all->name;
	}
	c->p = pcap_create(dev, eb);
	if (!c->p) {
		set_err(errbuf, eb);
		goto fail;
	}
	c->nano = o->nano;
	(void)pcap_set_snaplen(c->p, o->snaplen ? o->snaplen : 262144);
	(void)pcap_set_promisc(c->p, o->promisc);
	(void)pcap_set_timeout(c->p, 100);
	if (o->immediate)
		(void)pcap_set_immediate_mode(c->p, 1);
	if (o->buffer_kib)
		(void)pcap_set_buffer_size(c->p, o->buffer_kib * 1024);
	if (o->nano)
		(void)pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO);
	r = pcap_activate(c->p);
	if (r < 0) {
		if (r == PCAP_ERROR_NO_SUCH_DEVICE || r == PCAP_ERROR_PERM_DENIED ||
		    r == PCAP_ERROR_IFACE_NOT_UP || r == PCAP_ERROR)
			snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s: %s", dev, pcap_geterr(c->p));
		else
			snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s: %s", dev, pcap_statustostr(r));
		if (r == PCAP_ERROR_NO_SUCH_DEVICE && !pcap_geterr(c->p)[0])
			snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s: No such device exists", dev);
		errno = r == PCAP_ERROR_PERM_DENIED ? EPERM : ENODEV;
		goto fail_keep;
	}
	if (all)
		pcap_freealldevs(all);
	return c;
fail:
	errno = EINVAL;
fail_keep:
	if (all)
		pcap_freealldevs(all);
	tsc_capture_close(c);
	return NULL;
}

/* iobuf: the stream's buffer, owned by the capture from here on (NULL: none). */
static struct tsc_capture *open_stream(FILE *f, char *iobuf, bool nano, char *errbuf)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct tsc_capture *c = calloc(1, sizeof(*c));

	if (!c) {
		if (f != stdin)
			fclose(f);
		free(iobuf);
		errno = ENOMEM;
		return NULL;
	}
	c->nano = nano;
	c->offline = true;
	c->iobuf = iobuf;
	c->p = pcap_fopen_offline_with_tstamp_precision(
		f, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, eb);
	if (!c->p) {
		/* libpcap leaves the stream open when it fails */
		if (f != stdin)
			fclose(f);
		free(iobuf);
		set_err(errbuf, eb);
		free(c);
		errno = EINVAL;
		return NULL;
	}
	offline_init(c);
	return c;
}

struct tsc_capture *tsc_capture_open_file(const char *path, bool nano, char *errbuf)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct tsc_capture *c;
	struct stat st;
	char *iobuf;

	if (!f) {
		int e = errno;

		/* libpcap's own wording for pcap_open_offline() */
		if (errbuf)
			snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	/* 256 KiB reads instead of stdio's 4 KiB: a 1 GB file is 4,000 read()
	 * calls, not 250,000. Only possible before libpcap reads the header, and
	 * glibc ignores the size unless it is given the buffer. Not for stdin,
	 * which outlives the capture. */
	iobuf = f == stdin ? NULL : malloc(IOBUF_SIZE);
	if (iobuf && setvbuf(f, iobuf, _IOFBF, IOBUF_SIZE) != 0) {
		free(iobuf);
		iobuf = NULL;
	}
	/* The capture is the stream's only user: no stdio lock per fread()
	 * (libpcap makes two a record; ~40 instructions a record saved). */
	if (f != stdin)
		(void)__fsetlocking(f, FSETLOCKING_BYCALLER);
	c = open_stream(f, iobuf, nano, errbuf);
	if (c && c->seekable && f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		c->rewalk = true;
		c->seekable = false;
	}
	return c;
}

struct tsc_capture *tsc_capture_open_stream(FILE *f, bool nano, char *errbuf)
{
	return open_stream(f, NULL, nano, errbuf);
}

static void dump_free(struct tsc_capture *c)
{
	if (c->d)
		pcap_dump_close(c->d);
	c->d = NULL;
	free(c->dbuf);
	c->dbuf = NULL;
}

void tsc_capture_close(struct tsc_capture *c)
{
	if (!c)
		return;
	dump_free(c);
	if (c->p)
		pcap_close(c->p); /* closes the stream (stdin excepted) */
	free(c->iobuf);		  /* only ever the buffer of a stream closed above */
	free(c);
}

int tsc_capture_set_filter(struct tsc_capture *c, const char *expr, char *errbuf)
{
	struct bpf_program prog;

	if (!expr || !*expr)
		return 0;
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		set_err(errbuf, pcap_geterr(c->p));
		return -EINVAL;
	}
	if (pcap_setfilter(c->p, &prog) < 0) {
		set_err(errbuf, pcap_geterr(c->p));
		pcap_freecode(&prog);
		return -EINVAL;
	}
	pcap_freecode(&prog);
	return 0;
}

int tsc_capture_linktype(const struct tsc_capture *c)
{
	return pcap_datalink(c->p);
}

const char *tsc_capture_linktype_name(const struct tsc_capture *c)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(c->p));

	return n ? n : "?";
}

const char *tsc_capture_linktype_desc(const struct tsc_capture *c)
{
	const char *n = pcap_datalink_val_to_description_or_dlt(pcap_datalink(c->p));

	return n ? n : "?";
}

int tsc_capture_snaplen(const struct tsc_capture *c)
{
	return pcap_snapshot(c->p);
}

/* Where the record that failed starts, for a regular file: read the file
 * again from its start with a second libpcap handle on a new descriptor (the
 * first handle's stream is spent) and take the last record start before the
 * point where the first read stopped. It is the ftello() before each record
 * of the loop, paid only when a record fails. Bounded by that point even if
 * the file grows meanwhile. -1 when unknown. */
static long long failed_record_start(struct tsc_capture *c)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	FILE *f = pcap_file(c->p), *g;
	long long end = f ? (long long)ftello(f) : -1, last = -1;
	char *buf = NULL;
	pcap_t *q;
	int fd;

	if (end < 0)
		return -1;
	fd = dup(fileno(f));
	if (fd < 0)
		return -1;
	g = fdopen(fd, "rb");
	if (!g) {
		close(fd);
		return -1;
	}
	/* the same large buffer as the first read: a damaged record at the end
	 * of 1 GB costs a second pass of ~0.1 s, not 250,000 read() calls */
	buf = malloc(IOBUF_SIZE);
	if (buf && setvbuf(g, buf, _IOFBF, IOBUF_SIZE) != 0) {
		free(buf);
		buf = NULL;
	}
	(void)__fsetlocking(g, FSETLOCKING_BYCALLER);
	if (fseeko(g, 0, SEEK_SET) != 0) {
		fclose(g);
		free(buf);
		return -1;
	}
	q = pcap_fopen_offline(g, eb);
	if (!q) {
		fclose(g);
		free(buf);
		return -1;
	}
	for (;;) {
		long long at = (long long)ftello(g);
		struct pcap_pkthdr *h;
		const u_char *data;

		if (at < 0 || at >= end)
			break;
		last = at;
		if (pcap_next_ex(q, &h, &data) != 1)
			break;
	}
	pcap_close(q); /* closes g and its descriptor */
	free(buf);
	return last;
}

/* State of one tsc_capture_loop(): libpcap's pcap_loop() calls on_record()
 * for each packet (~75 instructions a packet less than pcap_next_ex() in a
 * loop of our own). */
struct loop_ctx {
	tsc_capture_cb cb;
	void *arg;
	pcap_t *p;
	FILE *f;	      /* seekable stream: record offsets by ftello() */
	long long next_start; /* where the next record starts (with f) */
	uint64_t left;	      /* packets still wanted, when pcap_loop()'s int can't count */
	bool stopped;	      /* the callback asked to stop */
	bool counted;	      /* left reached 0 */
};

static void on_record(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct loop_ctx *l = (struct loop_ctx *)user;

	if (l->cb(l->arg, (int64_t)h->ts.tv_sec, (uint32_t)h->ts.tv_usec, data, h->caplen,
		  h->len)) {
		l->stopped = true;
		pcap_breakloop(l->p);
		return;
	}
	if (l->f)
		l->next_start = (long long)ftello(l->f);
	if (l->left && --l->left == 0) {
		l->counted = true;
		pcap_breakloop(l->p);
	}
}

int tsc_capture_loop(struct tsc_capture *c, uint64_t count, tsc_capture_cb cb, void *arg,
		     char *errbuf, long long *ret_offset)
{
	struct loop_ctx l = { .cb = cb, .arg = arg, .p = c->p, .next_start = -1 };
	int r;

	*ret_offset = -1;
	if (c->seekable) {
		l.f = pcap_file(c->p);
		l.next_start = l.f ? (long long)ftello(l.f) : -1;
	}
	/* pcap_loop() counts in an int: we count a larger count ourselves */
	if (count > INT_MAX)
		l.left = count;
	r = pcap_loop(c->p, count && count <= INT_MAX ? (int)count : -1, on_record, (u_char *)&l);
	if (r >= 0 || (r == PCAP_ERROR_BREAK && l.counted))
		return 0; /* end of file or count reached */
	if (r == PCAP_ERROR_BREAK)
		return l.stopped || !c->offline ? 1 : 0;
	if (r == PCAP_ERROR) {
		set_err(errbuf, pcap_geterr(c->p));
		/* the record that failed starts where the last one ended */
		*ret_offset = c->rewalk ? failed_record_start(c) : l.next_start;
	}
	return -EIO;
}

/* ---- read-ahead: libpcap and stdio in a second thread ----
 *
 * Reading a file costs about as much as tracking its connections (libpcap's
 * two fread() calls a record and stdio's layers, the kernel's copy): a second
 * thread runs tsc_capture_loop() and copies each record (header and captured
 * bytes) into chunks, which this thread walks calling cb, in order, with the
 * same arguments. The threads meet once a chunk (hundreds of records), under
 * one mutex. Everything the callback does stays in the calling thread. */
#define RA_CHUNK  (64 * 1024)
#define RA_NCHUNK 8

struct ra_rec {
	int64_t sec;
	uint32_t frac, caplen, len, pad;
};

struct ra_chunk {
	unsigned char *mem;
	size_t cap, used;
};

/* What one thread writes per record is on cache lines the other does not
 * read per record (a shared line there cost up to 2x in wall time). */
struct ra {
	struct tsc_capture *c;
	uint64_t count;
	pthread_mutex_t mu;
	pthread_cond_t full, space;
	/* under mu; a chunk's used is set when it is handed over */
	struct ra_chunk ch[RA_NCHUNK];
	unsigned head, nfull; /* chunks [head, head + nfull) are full */
	bool done, stop;
	_Alignas(64) atomic_bool stop_hint; /* written once, read per record */
	/* the reader's own */
	_Alignas(64) unsigned w; /* the chunk it fills */
	size_t wused;		 /* bytes of it filled */
	int r;			 /* its tsc_capture_loop() result */
	long long off;
	char eb[TSC_CAPTURE_ERRBUF];
};

/* Hands the chunk being filled over and takes the next free one (waiting
 * for one). false: the reader is to stop. */
static bool ra_publish(struct ra *ra)
{
	bool go;

	pthread_mutex_lock(&ra->mu);
	ra->ch[ra->w].used = ra->wused;
	ra->nfull++;
	pthread_cond_signal(&ra->full);
	while (ra->nfull == RA_NCHUNK && !ra->stop)
		pthread_cond_wait(&ra->space, &ra->mu);
	go = !ra->stop;
	ra->w = (ra->head + ra->nfull) % RA_NCHUNK;
	pthread_mutex_unlock(&ra->mu);
	ra->wused = 0;
	return go;
}

static int ra_on_packet(void *arg, int64_t sec, uint32_t frac, const uint8_t *data, uint32_t caplen,
			uint32_t len)
{
	struct ra *ra = arg;
	size_t need = sizeof(struct ra_rec) + (((size_t)caplen + 7) & ~(size_t)7);
	struct ra_rec h = { .sec = sec, .frac = frac, .caplen = caplen, .len = len };
	struct ra_chunk *k = &ra->ch[ra->w];

	if (atomic_load_explicit(&ra->stop_hint, memory_order_relaxed))
		return 1;
	if (ra->wused + need > k->cap) {
		if (ra->wused && !ra_publish(ra))
			return 1;
		k = &ra->ch[ra->w];
		if (need > k->cap) {
			/* a first use, or a record larger than a chunk */
			size_t cap = need > RA_CHUNK ? need : RA_CHUNK;
			unsigned char *m = realloc(k->mem, cap);

			if (!m) {
				ra->r = -ENOMEM;
				return 1;
			}
			k->mem = m;
			k->cap = cap;
		}
	}
	memcpy(k->mem + ra->wused, &h, sizeof(h));
	if (caplen)
		memcpy(k->mem + ra->wused + sizeof(h), data, caplen);
	ra->wused += need;
	return 0;
}

static void *ra_reader(void *arg)
{
	struct ra *ra = arg;
	int r = tsc_capture_loop(ra->c, ra->count, ra_on_packet, ra, ra->eb, &ra->off);

	if (ra->r == 0)
		ra->r = r;
	pthread_mutex_lock(&ra->mu);
	ra->ch[ra->w].used = ra->wused;
	if (ra->wused)
		ra->nfull++;
	ra->done = true;
	pthread_cond_signal(&ra->full);
	pthread_mutex_unlock(&ra->mu);
	return NULL;
}

/* Calls cb for the records of a chunk (mem, used: copies taken under the
 * mutex); true if cb asked to stop. */
static bool ra_walk(const unsigned char *mem, size_t used, tsc_capture_cb cb, void *arg)
{
	for (size_t at = 0; at < used;) {
		struct ra_rec h;

		memcpy(&h, mem + at, sizeof(h));
		if (cb(arg, h.sec, h.frac, mem + at + sizeof(h), h.caplen, h.len))
			return true;
		at += sizeof(h) + (((size_t)h.caplen + 7) & ~(size_t)7);
	}
	return false;
}

int tsc_capture_loop_readahead(struct tsc_capture *c, uint64_t count, tsc_capture_cb cb, void *arg,
			       char *errbuf, long long *ret_offset)
{
	struct ra *ra;
	pthread_t th;
	bool stopped = false;
	int r;

	*ret_offset = -1;
	if (!c->offline)
		return tsc_capture_loop(c, count, cb, arg, errbuf, ret_offset);
	/* aligned as its members say (calloc gives 16 bytes) */
	ra = aligned_alloc(64, (sizeof(*ra) + 63) & ~(size_t)63);
	if (!ra)
		return tsc_capture_loop(c, count, cb, arg, errbuf, ret_offset);
	memset(ra, 0, sizeof(*ra));
	ra->c = c;
	ra->count = count;
	ra->off = -1;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->full, NULL);
	pthread_cond_init(&ra->space, NULL);
	atomic_init(&ra->stop_hint, false);
	if (pthread_create(&th, NULL, ra_reader, ra) != 0) {
		/* no thread: the same loop, in this one */
		r = tsc_capture_loop(c, count, cb, arg, errbuf, ret_offset);
		goto out;
	}
	for (;;) {
		const unsigned char *mem;
		size_t used;

		pthread_mutex_lock(&ra->mu);
		while (!ra->nfull && !ra->done)
			pthread_cond_wait(&ra->full, &ra->mu);
		if (!ra->nfull) {
			pthread_mutex_unlock(&ra->mu);
			break;
		}
		mem = ra->ch[ra->head].mem;
		used = ra->ch[ra->head].used;
		pthread_mutex_unlock(&ra->mu);
		stopped = ra_walk(mem, used, cb, arg);
		pthread_mutex_lock(&ra->mu);
		ra->head = (ra->head + 1) % RA_NCHUNK;
		ra->nfull--;
		if (stopped) {
			ra->stop = true;
			atomic_store_explicit(&ra->stop_hint, true, memory_order_relaxed);
		}
		pthread_cond_signal(&ra->space);
		pthread_mutex_unlock(&ra->mu);
		if (stopped)
			break;
	}
	pthread_join(th, NULL);
	if (stopped) {
		r = 1; /* as tsc_capture_loop() when its callback stops it */
	} else {
		r = ra->r;
		if (r == -ENOMEM)
			set_err(errbuf, strerror(ENOMEM));
		else if (r < 0 && errbuf)
			memcpy(errbuf, ra->eb, TSC_CAPTURE_ERRBUF);
		*ret_offset = ra->off;
	}
out:
	for (unsigned i = 0; i < RA_NCHUNK; i++)
		free(ra->ch[i].mem);
	pthread_cond_destroy(&ra->space);
	pthread_cond_destroy(&ra->full);
	pthread_mutex_destroy(&ra->mu);
	free(ra);
	return r;
}

void tsc_capture_breakloop(struct tsc_capture *c)
{
	pcap_breakloop(c->p);
}

int tsc_capture_stats(struct tsc_capture *c, uint64_t *ret_recv, uint64_t *ret_drop,
		      uint64_t *ret_ifdrop)
{
	struct pcap_stat st;

	if (pcap_stats(c->p, &st) < 0)
		return -EINVAL;
	*ret_recv = st.ps_recv;
	*ret_drop = st.ps_drop;
	*ret_ifdrop = st.ps_ifdrop;
	return 0;
}

int tsc_capture_dump_open(struct tsc_capture *c, const char *path, char *errbuf)
{
	FILE *f;

	dump_free(c);
	if (!strcmp(path, "-")) {
		c->d = pcap_dump_open(c->p, path); /* stdout, as libpcap sets it up */
		if (!c->d) {
			set_err(errbuf, pcap_geterr(c->p));
			return -EIO;
		}
		return 0;
	}
	/* pcap_dump_open() itself, but with a 256 KiB buffer instead of 4 KiB */
	f = fopen(path, "wb");
	if (!f) {
		int e = errno;

		if (errbuf)
			snprintf(errbuf, TSC_CAPTURE_ERRBUF, "%s: %s", path, strerror(e));
		return -e;
	}
	c->dbuf = malloc(IOBUF_SIZE);
	if (c->dbuf && setvbuf(f, c->dbuf, _IOFBF, IOBUF_SIZE) != 0) {
		free(c->dbuf);
		c->dbuf = NULL;
	}
	/* only this capture writes it: no stdio lock in pcap_dump()'s fwrite()s */
	(void)__fsetlocking(f, FSETLOCKING_BYCALLER);
	c->d = pcap_dump_fopen(c->p, f);
	if (!c->d) {
		set_err(errbuf, pcap_geterr(c->p));
		fclose(f);
		free(c->dbuf);
		c->dbuf = NULL;
		return -EIO;
	}
	return 0;
}

int tsc_capture_dump(struct tsc_capture *c, int64_t sec, uint32_t frac, const uint8_t *data,
		     uint32_t caplen, uint32_t len, bool flush)
{
	struct pcap_pkthdr h;
	FILE *f;

	if (!c->d)
		return -EBADF;
	h.ts.tv_sec = (time_t)sec;
	h.ts.tv_usec = (suseconds_t)frac;
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)c->d, &h, data);
	f = pcap_dump_file(c->d);
	if (ferror(f))
		return errno ? -errno : -EIO;
	if (flush && pcap_dump_flush(c->d) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int tsc_capture_dump_close(struct tsc_capture *c)
{
	int r = 0;

	if (!c->d)
		return 0;
	if (pcap_dump_flush(c->d) < 0 || ferror(pcap_dump_file(c->d)))
		r = errno ? -errno : -EIO;
	/* pcap_dump_close() fcloses: a failing close (NFS, full disk) is lost, so
	 * flush above is the check that matters */
	dump_free(c);
	return r;
}

int tsc_capture_drop_privs(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return -ENOENT;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -errno;
	return 0;
}

int tsc_capture_list_devices(char **ret, char *errbuf)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all = NULL;
	struct tsc_buf b;
	int i = 1;

	if (pcap_findalldevs(&all, eb) < 0) {
		set_err(errbuf, eb);
		return -EIO;
	}
	tsc_buf_init(&b, 0);
	for (pcap_if_t *d = all; d; d = d->next, i++) {
		tsc_buf_printf(&b, "%d.%s", i, d->name);
		if (d->description)
			tsc_buf_printf(&b, " (%s)", d->description);
		tsc_buf_printf(&b, " [%s%s%s]\n", (d->flags & PCAP_IF_UP) ? "Up" : "",
			       (d->flags & PCAP_IF_RUNNING) ? ", Running" : "",
			       (d->flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
	}
	pcap_freealldevs(all);
	(void)tsc_buf_str(&b);
	if (tsc_buf_error(&b)) {
		tsc_buf_release(&b);
		return -ENOMEM;
	}
	*ret = b.p ? b.p : strdup("");
	return 0;
}
