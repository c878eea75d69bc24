/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab lifecycle (see lab.h): up creates the network and starts the holder as
 * a daemon (double fork, own session, stdio on /dev/null, every inherited fd
 * closed) and waits for its report on a pipe; down stops the holder it finds
 * in the pid file, after checking that the pid really is a lab holder, and
 * deletes the namespaces. The state under TSC_LAB_RUN_DIR: <name>.pid and
 * <name>.socks (the inventory, one "STATE SIDE FAMILY PORT" line a socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/strparse.h"
#include "core/tcpstate.h"
#include "lab/internal.h"
#include "sockdiag/sockdiag.h"
#include "sys/netns.h"

#define READY_TIMEOUT_MS 30000

static int read_pid(const char *name, pid_t *ret)
{
	char path[256], line[32] = "";
	uint32_t v;
	FILE *f;

	*ret = 0;
	if (tsc__lab_path(name, ".pid", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (tsc_parse_u32(line, 2, INT32_MAX, &v) < 0)
		return 0; /* a damaged pid file names nobody */
	*ret = (pid_t)v;
	return 0;
}

/* True if pid is a live (not zombie) lab holder. */
static bool is_holder(pid_t pid)
{
	char path[64], buf[256] = "";
	const char *p;
	FILE *f;
	size_t n;

	if (pid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may hold spaces, so look from the last ')' */
	p = strrchr(buf, ')');
	if (!p || strncmp(buf + strcspn(buf, "("), "(tsclab-holder)", 15) != 0)
		return false;
	return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static void remove_file(const char *name, const char *suffix, int *removed)
{
	char path[256];

	if (tsc__lab_path(name, suffix, path, sizeof(path)) == 0 && unlink(path) == 0)
		*removed = 1;
}

static int stop_holder(pid_t pid)
{
	struct timespec ts = { .tv_nsec = 20 * 1000000L };

	if (!is_holder(pid))
		return 0;
	if (kill(pid, SIGTERM) < 0)
		return errno == ESRCH ? 0 : -errno;
	for (int i = 0; i < 100 && is_holder(pid); i++)
		nanosleep(&ts, NULL);
	if (is_holder(pid)) {
		(void)kill(pid, SIGKILL);
		for (int i = 0; i < 50 && is_holder(pid); i++)
			nanosleep(&ts, NULL);
	}
	return 1;
}

int tsc_lab_down(const char *name, struct tsc_lab_err *err)
{
	int removed = 0, r;
	pid_t pid;

	if (tsc_lab_check_name(name) < 0)
		return tsc__lab_seterr(err, -EINVAL, "bad lab name '%s'", name ? name : "");
	r = read_pid(name, &pid);
	if (r < 0)
		return tsc__lab_seterr(err, r, "cannot read the pid file of lab '%s'", name);
	r = stop_holder(pid);
	if (r < 0)
		return tsc__lab_seterr(err, r, "cannot stop the holder (pid %ld)", (long)pid);
	removed |= r;
	r = tsc__lab_net_delete(name, err);
	if (r < 0)
		return r;
	removed |= r;
	remove_file(name, ".pid", &removed);
	remove_file(name, ".socks", &removed);
	remove_file(name, ".socks.tmp", &removed);
	return removed;
}

/* In the first child: a new session, then the holder as a grandchild so it
 * is nobody's child and lives on after `lab up` exits. Never returns. */
static void spawn_holder(const char *name, int ready_fd)
{
	pid_t pid;
	int devnull;

	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid != 0)
		_exit(pid < 0 ? 1 : 0);
	if (chdir("/") < 0)
		_exit(1);
	umask(022);
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0)
		_exit(1);
	dup2(devnull, STDIN_FILENO);
	dup2(devnull, STDOUT_FILENO);
	dup2(devnull, STDERR_FILENO);
	/* a pipe we inherited (e.g. $(tcpscope lab up)) must not stay open */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != ready_fd)
			close(fd);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	tsc__lab_holder_main(name, ready_fd);
}

static int wait_ready(int fd, struct tsc_lab_err *err)
{
	char msg[sizeof(err->msg)];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = -EPROTO, n;

	do
		n = poll(&p, 1, READY_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return tsc__lab_seterr(err, -ETIMEDOUT, "the holder did not report in %d s",
				       READY_TIMEOUT_MS / 1000);
	if (read(fd, &r, sizeof(r)) != sizeof(r))
		return tsc__lab_seterr(err, -EPROTO, "the holder died while building the lab");
	if (r < 0 && read(fd, msg, sizeof(msg)) == (ssize_t)sizeof(msg)) {
		msg[sizeof(msg) - 1] = '\0';
		tsc__lab_seterr(err, r, "%s", msg);
	}
	return r;
}

int tsc_lab_up(const char *name, struct tsc_lab_err *err)
{
	int ready[2] = { -1, -1 }, r, status;
	pid_t pid;

	if (tsc_lab_check_name(name) < 0)
		return tsc__lab_seterr(err, -EINVAL, "bad lab name '%s'", name ? name : "");
	if (mkdir(TSC_LAB_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return tsc__lab_seterr(err, -errno, "cannot create '%s'", TSC_LAB_RUN_DIR);
	r = read_pid(name, &pid);
	if (r == 0 && is_holder(pid))
		return tsc__lab_seterr(err, -EEXIST, "lab '%s' is already up (holder pid %ld)",
				       name, (long)pid);
	r = tsc_lab_down(name, err); /* leftovers of a lab whose holder died */
	if (r < 0)
		return r;
	r = tsc__lab_net_create(name, err);
	if (r < 0)
		return r;
	if (pipe2(ready, O_CLOEXEC) < 0) {
		r = tsc__lab_seterr(err, -errno, "pipe");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		r = tsc__lab_seterr(err, -errno, "fork");
		goto fail;
	}
	if (pid == 0) {
		close(ready[0]);
		spawn_holder(name, ready[1]);
	}
	close(ready[1]);
	ready[1] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = wait_ready(ready[0], err);
	if (r < 0)
		goto fail;
	close(ready[0]);
	return r;
fail:
	if (ready[0] >= 0)
		close(ready[0]);
	if (ready[1] >= 0)
		close(ready[1]);
	if (tsc_lab_down(name, NULL) < 0)
		r = r ? r : -EIO; /* keep the first error: it is the one err describes */
	return r;
}

int tsc_lab_parse_inventory_line(const char *line, struct tsc_lab_sock *ret)
{
	char tok[4][12];
	uint32_t v[4];
	const char *p = line;

	for (int i = 0; i < 4; i++) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " \n");
		if (n == 0 || n >= sizeof(tok[i]))
			return -EINVAL;
		memcpy(tok[i], p, n);
		tok[i][n] = '\0';
		p += n;
	}
	if (strspn(p, " \n") != strlen(p))
		return -EINVAL;
	if (tsc_parse_u32(tok[0], 1, TSC_TCP_CLOSING, &v[0]) < 0 ||
	    tsc_parse_u32(tok[1], 0, 1, &v[1]) < 0 || tsc_parse_u32(tok[2], 0, 255, &v[2]) < 0 ||
	    tsc_parse_u32(tok[3], 1, 65535, &v[3]) < 0)
		return -EINVAL;
	if (v[2] != AF_INET && v[2] != AF_INET6)
		return -EINVAL;
	*ret = (struct tsc_lab_sock){ .state = (uint8_t)v[0],
				      .side = (uint8_t)v[1],
				      .family = (uint8_t)v[2],
				      .port = (uint16_t)v[3] };
	return 0;
}

int tsc_lab_status(const char *name, struct tsc_lab_status *ret)
{
	char path[256], line[128];
	FILE *f;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (tsc_lab_check_name(name) < 0)
		return -EINVAL;
	r = read_pid(name, &ret->pid);
	if (r < 0)
		return r;
	ret->holder_alive = is_holder(ret->pid);
	for (int side = 0; side < 2; side++) {
		char ns[TSC_LAB_NS_MAX], nspath[PATH_MAX];

		if (tsc_lab_ns_name(name, (enum tsc_lab_side)side, ns, sizeof(ns)) < 0)
			return -EINVAL;
		snprintf(nspath, sizeof(nspath), "%s/%s", TSC_NETNS_RUN_DIR, ns);
		ret->ns_exists[side] = access(nspath, F_OK) == 0;
	}
	if (tsc__lab_path(name, ".socks", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f) && ret->nsocks < TSC_LAB_MAX_SOCKS) {
		if (tsc_lab_parse_inventory_line(line, &ret->socks[ret->nsocks]) == 0)
			ret->nsocks++;
	}
	fclose(f);
	return 0;
}

long tsc_lab_census(const char *name, enum tsc_lab_side side, uint64_t *counts)
{
	struct tsc_sockdiag_query q = { .states = TSC_TCPF_ALL, .ipv4 = true, .ipv6 = true };
	struct tsc_sockdiag *h = NULL;
	char ns[TSC_LAB_NS_MAX];
	int self = -1, nsfd = -1;
	long r;

	memset(counts, 0, TSC_TCP_MAX_STATES * sizeof(*counts));
	if (tsc_lab_ns_name(name, side, ns, sizeof(ns)) < 0)
		return -EINVAL;
	nsfd = tsc__lab_ns_open(ns);
	if (nsfd < 0)
		return nsfd;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		r = -errno;
		goto out;
	}
	/* the netlink socket belongs to the namespace it was created in */
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		r = -errno;
		goto out;
	}
	h = tsc_sockdiag_new();
	r = h ? 0 : -errno;
	if (setns(self, CLONE_NEWNET) < 0 && r == 0)
		r = -errno;
	if (r == 0)
		r = tsc_sockdiag_count(h, &q, counts);
out:
	tsc_sockdiag_free(h);
	if (self >= 0)
		close(self);
	close(nsfd);
	return r;
}
