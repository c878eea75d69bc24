/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope tune`: sysctl advice for the running kernel from the observed
 * state of this host or of --netns NAME (lib/diag/tune.h), as text, JSON, or
 * a commented sysctl.d snippet (--emit); --apply writes (root only) after
 * saving the previous values, --revert FILE restores them. Option parsing
 * and the root/namespace policy only: the logic is in lib/diag/tune.h, the
 * renderings in lib/output/tunefmt.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "diag/tune.h"
#include "output/tunefmt.h"
#include "sys/netns.h"

static const char usage_text[] =
	"usage: tcpscope tune [--netns NAME] [--json] [-v] [SYSCTL...]\n"
	"       tcpscope tune [--netns NAME] --emit [SYSCTL...]\n"
	"       tcpscope tune [--netns NAME] --apply [--set NAME=VALUE]... [--save FILE] [--force]\n"
	"       tcpscope tune [--netns NAME] --revert FILE [--force]\n"
	"\n"
	"For each TCP sysctl: the current value, the kernel default, what it really does,\n"
	"and a recommendation derived from the observed state (socket table, kernel\n"
	"counters, ports used toward single destinations), or \"leave it\".\n"
	"\n"
	"      --emit            print a commented sysctl.d snippet of the recommended changes\n"
	"      --apply           write the recommended changes (root only); previous values\n"
	"                        are saved first (default /var/lib/tcpscope/tune-TIME.conf)\n"
	"      --set NAME=VALUE  write this value instead of the recommendations (repeatable;\n"
	"                        without --apply: validate and show what would be written)\n"
	"      --save FILE       where --apply saves the previous values (must not exist)\n"
	"      --revert FILE     restore the values saved by --apply (root only)\n"
	"      --force           with a network namespace: also write host-wide sysctls\n"
	"                        (this changes the HOST, not only the namespace)\n"
	"      --netns NAME      run in network namespace /var/run/netns/NAME\n"
	"      --json            the report as JSON\n"
	"  -v, --verbose         also print the full explanation of every sysctl\n"
	"  -h, --help            this help\n";

enum {
	OPT_EMIT = 256,
	OPT_APPLY,
	OPT_SET,
	OPT_SAVE,
	OPT_REVERT,
	OPT_FORCE,
	OPT_NETNS,
	OPT_JSON,
};

static const struct option longopts[] = {
	{ "emit", no_argument, NULL, OPT_EMIT },
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "set", required_argument, NULL, OPT_SET },
	{ "save", required_argument, NULL, OPT_SAVE },
	{ "revert", required_argument, NULL, OPT_REVERT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define SAVE_DIR "/var/lib/tcpscope"

struct opts {
	bool emit, apply, force, json, verbose;
	const char *save, *revert, *netns;
	struct tsc_tune_plan sets;
	const struct tsc_sysctl_fact *names[TSC_TUNE_MAX_ITEMS];
	size_t nnames;
};

struct run {
	struct opts *o;
	struct tsc_tune_sysfs fs;
	struct tsc_tune_io io;
	bool in_netns;
	char kernel[65];
	struct tsc_buf b;
};

static void valid_names(char *buf, size_t len)
{
	size_t n, used = 0;
	const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&n);

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", f[i].name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static int unknown_sysctl(const char *name)
{
	char list[1024];

	valid_names(list, sizeof(list));
	return tsc_usage_error("unknown sysctl '%s' (valid: %s)", name, list);
}

static int removed_sysctl(const struct tsc_sysctl_fact *f, const char *kernel)
{
	return tsc_usage_error("'%s' was removed in Linux %s (this kernel: %s) and broke clients "
			       "behind NAT before that; refusing: for TIME_WAIT of outgoing "
			       "connections see 'tcpscope tune tcp_tw_reuse'",
			       f->name, f->removed_in, kernel);
}

static int bad_value(const char *arg, const struct tsc_sysctl_fact *f, int r, const char *kernel)
{
	char rule[160];

	if (r == -ENOENT && !f)
		return tsc_usage_error("--set expects NAME=VALUE, got '%s'", arg);
	if (!f)
		return tsc_usage_error("--set expects NAME=VALUE, got '%s'", arg);
	if (r == -EOPNOTSUPP)
		return removed_sysctl(f, kernel);
	return tsc_usage_error("bad value in '--set %s': %s expects %s", arg, f->name,
			       tsc_tune_value_rule(f, rule, sizeof(rule)));
}

static int add_set(struct opts *o, const char *arg, const char *kernel)
{
	const struct tsc_sysctl_fact *f = NULL;
	struct tsc_sysctl_value v;
	int r = tsc_tune_parse_set(arg, &f, &v);

	if (r == -ENOENT && strchr(arg, '=')) {
		char name[128];
		size_t n = strcspn(arg, "=");

		(void)snprintf(name, sizeof(name), "%.*s", (int)(n < 100 ? n : 100), arg);
		return unknown_sysctl(name);
	}
	if (r < 0)
		return bad_value(arg, f, r, kernel);
	r = tsc_tune_plan_add(&o->sets, f, &v);
	if (r == -EEXIST)
		return tsc_usage_error("'%s' is set twice with different values", f->name);
	if (r < 0)
		return tsc_usage_error("too many --set options");
	return 0;
}

static int parse_opts(struct opts *o, int argc, char **argv, const char *kernel)
{
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_EMIT:
			o->emit = true;
			break;
		case OPT_APPLY:
			o->apply = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_REVERT:
			o->revert = optarg;
			break;
		case OPT_NETNS:
			o->netns = optarg;
			break;
		case OPT_SET:
			r = add_set(o, optarg, kernel);
			if (r)
				return r;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return tsc_usage_error(
				"unknown option '%s' for tune (valid: --emit, --apply, "
				"--set, --save, --revert, --force, --netns, --json, "
				"--verbose, --help)",
				argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		const struct tsc_sysctl_fact *f = tsc_sysctl_fact_find(argv[optind]);

		if (!f)
			return unknown_sysctl(argv[optind]);
		if (o->nnames < TSC_TUNE_MAX_ITEMS)
			o->names[o->nnames++] = f;
	}
	if (o->revert && (o->apply || o->emit || o->sets.n || o->save || o->nnames))
		return tsc_usage_error(
			"--revert FILE takes no other action, --set, --save or names");
	if (o->save && !o->apply)
		return tsc_usage_error("--save FILE is only for --apply");
	if (o->sets.n && o->nnames)
		return tsc_usage_error("give either --set NAME=VALUE or SYSCTL names, not both");
	if (o->force && !o->apply && !o->revert)
		return tsc_usage_error("--force is only for --apply and --revert");
	return 0;
}

static bool selected(const struct opts *o, const struct tsc_sysctl_fact *f)
{
	if (!o->nnames)
		return !f->removed_in; /* the removed one only when asked for */
	for (size_t i = 0; i < o->nnames; i++)
		if (o->names[i] == f)
			return true;
	return false;
}

/* True when this thread is outside the initial network namespace. */
static bool outside_initial_netns(const char *netns)
{
	struct stat init;
	long long cur = tsc_netns_current_inode();

	if (netns)
		return true;
	if (cur < 0 || stat("/proc/1/ns/net", &init) < 0)
		return false;
	return (long long)init.st_ino != cur;
}

/* How the reports are rendered (lib/output/tunefmt.h); show as selected. */
static struct tsc_tunefmt fmt_opts(const struct run *r, const struct tsc_tune *t, bool *show)
{
	for (size_t i = 0; i < t->n; i++)
		show[i] = selected(r->o, t->items[i].fact);
	return (struct tsc_tunefmt){ .kernel = r->kernel,
				     .netns = r->o->netns,
				     .in_netns = r->in_netns,
				     .truth = r->o->verbose || r->o->nnames,
				     .show = show };
}

/* ------------------------------------------------------------------------ */
/* Writing */

static int open_save_file(const char *path, char *used, size_t len)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	if (path) {
		(void)snprintf(used, len, "%s", path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		return fd < 0 ? -errno : fd;
	}
	if (mkdir(SAVE_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (!gmtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			(void)snprintf(used, len, SAVE_DIR "/tune-%s.conf", ts);
		else
			(void)snprintf(used, len, SAVE_DIR "/tune-%s-%d.conf", ts, i);
		fd = open(used, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

/* Saves prev to a new file (fsync'ed before anything is written). */
static int save_prev(struct run *r, const struct tsc_tune_plan *prev, char *path, size_t len)
{
	struct tsc_tunefmt fo = { .netns = r->o->netns, .in_netns = r->in_netns };
	struct tsc_buf b;
	char header[1536]; /* kernel release, netns name and a PATH_MAX-bounded path */
	int fd, rc = 0;
	size_t off = 0;

	fd = open_save_file(r->o->save, path, len);
	if (fd < 0) {
		tsc_error("cannot create '%s' to save the current values: %s; nothing was written",
			  path, strerror(-fd));
		return TSC_EXIT_FAIL;
	}
	(void)snprintf(header, sizeof(header),
		       "saved by tcpscope tune --apply before writing (Linux %s, network "
		       "namespace %s)\nrestore with: tcpscope%s%s tune --revert %s",
		       r->kernel, tsc_tunefmt_where(&fo), r->o->netns ? " --netns " : "",
		       r->o->netns ? r->o->netns : "", path);
	tsc_buf_init(&b, TSC_TUNE_FILE_MAX);
	tsc_tune_save_format(prev, header, &b);
	while (!b.err && off < b.len) {
		ssize_t w = write(fd, b.p + off, b.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (!rc && b.err)
		rc = b.err;
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	tsc_buf_release(&b);
	if (rc) {
		(void)unlink(path);
		tsc_error("cannot save the current values to '%s': %s; nothing was written", path,
			  strerror(-rc));
		return TSC_EXIT_FAIL;
	}
	return 0;
}

/* Host-wide entries in a namespace need --force. */
static int check_host_wide(struct run *r, const struct tsc_tune_plan *p)
{
	if (!r->in_netns || r->o->force)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		if (!p->v[i].fact->per_netns)
			return tsc_usage_error(
				"'%s' is host-wide: writing it from a network namespace "
				"changes the host; refusing without --force (nothing "
				"was written)",
				p->v[i].fact->name);
	return 0;
}

static int write_plan(struct run *r, const struct tsc_tune_plan *p, const char *what)
{
	struct tsc_tune_plan prev;
	size_t bad = 0;
	int rb = 0, e;

	e = tsc_tune_snapshot(&r->io, p, &prev, &bad);
	if (e < 0) {
		tsc_error("cannot read the current value of '%s': %s; nothing was written",
			  p->v[bad].fact->key, strerror(-e));
		return TSC_EXIT_FAIL;
	}
	if (!strcmp(what, "apply")) {
		char path[512];
		int rc = save_prev(r, &prev, path, sizeof(path));

		if (rc)
			return rc;
		tsc_buf_printf(&r->b, "previous values saved to %s\n", path);
		tsc_buf_printf(&r->b, "undo with: tcpscope%s%s tune --revert %s\n",
			       r->o->netns ? " --netns " : "", r->o->netns ? r->o->netns : "",
			       path);
	}
	e = tsc_tune_write(&r->io, p, &prev, &bad, &rb);
	if (e < 0) {
		tsc_error("writing '%s' failed: %s; %s", p->v[bad].fact->key,
			  e == -EIO ? "the kernel stored a different value" : strerror(-e),
			  rb ? "ROLL BACK FAILED: check the values"
			     : "everything written was rolled "
			       "back");
		return TSC_EXIT_FAIL;
	}
	tsc_tunefmt_changes(&r->b, &prev, p);
	return 0;
}

static int need_root(const char *what)
{
	if (geteuid() == 0)
		return 0;
	tsc_error("%s writes kernel settings and needs root (running as uid %u); nothing was "
		  "written",
		  what, (unsigned)geteuid());
	return TSC_EXIT_FAIL;
}

static int do_revert(struct run *r)
{
	char text[TSC_TUNE_FILE_MAX + 1];
	struct tsc_tune_plan p;
	size_t n = 0, line = 0;
	int fd, e, rc;

	fd = open(r->o->revert, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tsc_error("cannot open '%s': %s", r->o->revert, strerror(errno));
		return TSC_EXIT_FAIL;
	}
	for (;;) {
		ssize_t got = read(fd, text + n, sizeof(text) - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			e = got < 0 ? -errno : 0;
			break;
		}
		n += (size_t)got;
		if (n == sizeof(text)) {
			e = -E2BIG;
			break;
		}
	}
	close(fd);
	if (e == 0)
		e = tsc_tune_save_parse(text, n, &p, &line);
	if (e < 0) {
		if (line)
			tsc_error("'%s' line %zu: expected 'KEY = VALUE' with a known sysctl and a "
				  "value in its format; nothing was written",
				  r->o->revert, line);
		else
			tsc_error("cannot read '%s': %s; nothing was written", r->o->revert,
				  strerror(-e));
		return e == -EINVAL ? TSC_EXIT_USAGE : TSC_EXIT_FAIL;
	}
	rc = check_host_wide(r, &p);
	if (rc)
		return rc;
	if (!p.n) {
		tsc_buf_puts(&r->b, "nothing to restore\n");
		return 0;
	}
	rc = write_plan(r, &p, "revert");
	if (!rc)
		tsc_buf_printf(&r->b, "restored %zu value(s) from %s\n", p.n, r->o->revert);
	return rc;
}

/* The plan: --set values, else the recommendations (of the named sysctls). */
static int make_plan(struct run *r, const struct tsc_tune *t, struct tsc_tune_plan *p)
{
	if (r->o->sets.n) {
		*p = r->o->sets;
		return check_host_wide(r, p);
	}
	tsc_tune_plan_from(p, t, !r->in_netns || r->o->force);
	for (size_t i = 0; i < p->n;) {
		if (selected(r->o, p->v[i].fact)) {
			i++;
			continue;
		}
		memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(p->v[0]));
		p->n--;
	}
	return 0;
}

static int do_tune(struct run *r)
{
	struct tsc_tune t;
	struct tsc_tune_obs obs;
	struct tsc_tune_plan p;
	const struct tsc_tune_item *range;
	struct tsc_tunefmt fo;
	bool show[TSC_TUNE_MAX_ITEMS];
	uint16_t lo = 32768, hi = 60999;
	int rc;

	tsc_tune_init(&t);
	tsc_tune_read(&t, &r->io, r->in_netns);
	range = tsc_tune_find(&t, tsc_sysctl_fact_find("ip_local_port_range"));
	if (range && range->read_err == 0 && range->cur.v[0] >= 0 && range->cur.v[1] <= 65535) {
		lo = (uint16_t)range->cur.v[0];
		hi = (uint16_t)range->cur.v[1];
	}
	if (tsc_tune_observe(&obs, NULL, lo, hi) < 0)
		tsc_warning(
			"cannot read the socket table or the counters: advice without evidence");
	tsc_tune_recommend(&t, &obs);
	rc = make_plan(r, &t, &p);
	if (rc)
		return rc;
	fo = fmt_opts(r, &t, show);
	if (r->o->emit)
		tsc_tunefmt_emit(&r->b, &fo, &t, &p, r->o->sets.n > 0);
	if (r->o->apply) {
		if (!p.n) {
			tsc_buf_puts(&r->b,
				     "nothing to change: every sysctl is best left as it is; "
				     "nothing was written\n");
			return 0;
		}
		return write_plan(r, &p, "apply");
	}
	if (r->o->sets.n && !r->o->emit) {
		tsc_tunefmt_would_write(&r->b, &p);
		return 0;
	}
	if (r->o->emit)
		return 0;
	if (r->o->json)
		tsc_tunefmt_json(&r->b, &fo, &t, &obs);
	else
		tsc_tunefmt_text(&r->b, &fo, &t, &obs);
	return 0;
}

static int run_tune(struct run *r)
{
	struct opts *o = r->o;
	bool writing = o->apply || o->revert;
	int rc, e;

	if (writing) {
		rc = need_root(o->revert ? "--revert" : "--apply");
		if (rc)
			return rc;
	}
	tsc_tune_sysfs_io(&r->fs, &r->io);
	if (o->netns) {
		/* Host-wide sysctls are not visible inside another namespace:
		 * pin the host's files first (writable only with --force). */
		e = tsc_tune_sysfs_pin_host(&r->fs, writing && o->force);
		if (e < 0)
			tsc_warning("cannot open the host-wide sysctls: %s", strerror(-e));
		rc = tsc_cli_enter_netns(o->netns);
		if (rc)
			return rc;
	}
	r->in_netns = outside_initial_netns(o->netns);
	tsc_stdout_buf(&r->b);
	rc = o->revert ? do_revert(r) : do_tune(r);
	if (rc) {
		(void)tsc_stdout_finish(&r->b);
		return rc;
	}
	return tsc_stdout_finish(&r->b);
}

int cmd_tune(int argc, char **argv, struct tsc_ctx *ctx)
{
	struct opts o;
	struct run r;
	struct utsname u;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	r.o = &o;
	tsc_tune_sysfs_init(&r.fs, NULL);
	(void)snprintf(r.kernel, sizeof(r.kernel), "%s", uname(&u) == 0 ? u.release : "unknown");
	o.json = ctx->json;
	o.netns = ctx->netns;
	rc = parse_opts(&o, argc, argv, r.kernel);
	if (rc)
		return rc < 0 ? TSC_EXIT_OK : rc;
	for (size_t i = 0; i < o.nnames; i++)
		if (o.names[i]->removed_in && (o.apply || o.emit))
			return removed_sysctl(o.names[i], r.kernel);
	rc = run_tune(&r);
	tsc_tune_sysfs_release(&r.fs);
	if (rc == 0) {
		for (size_t i = 0; i < o.nnames; i++)
			if (o.names[i]->removed_in)
				return removed_sysctl(o.names[i], r.kernel);
	}
	return rc;
}
