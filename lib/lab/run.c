/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running ip(8) and nft(8) for the lab: fork, optionally setns(2) into a lab
 * namespace, exec. The child's stderr is captured for the error message and
 * nothing reaches the terminal (lib/ never prints). Also sysctl writes inside
 * a namespace: /proc/sys/net follows the network namespace of the thread
 * that opens the file, so no remount is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/internal.h"
#include "sys/netns.h"

int tsc__lab_seterr(struct tsc_lab_err *err, int r, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return r;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return r;
}

int tsc__lab_path(const char *name, const char *suffix, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s", TSC_LAB_RUN_DIR, name, suffix);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int tsc__lab_ns_open(const char *ns)
{
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", TSC_NETNS_RUN_DIR, ns) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int tsc__lab_sysctl(int nsfd, const char *path, const char *value)
{
	char full[PATH_MAX];
	int self = -1, fd = -1, r = 0;
	size_t n = strlen(value);

	if ((size_t)snprintf(full, sizeof(full), "/proc/sys/%s", path) >= sizeof(full))
		return -ENAMETOOLONG;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		r = -errno;
		goto out;
	}
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		r = -errno;
	else if (write(fd, value, n) != (ssize_t)n)
		r = -EIO;
	/* back to where the caller was; failing here would leave us in the lab */
	if (setns(self, CLONE_NEWNET) < 0 && r == 0)
		r = -errno;
out:
	if (fd >= 0)
		close(fd);
	close(self);
	return r;
}

static const char *find_tool(const char *name, char *path, size_t len)
{
	static const char *const dirs[] = { "/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/" };
	int n;

	for (size_t i = 0; i < TSC_ARRAY_SIZE(dirs); i++) {
		n = snprintf(path, len, "%s%s", dirs[i], name);
		if (n > 0 && (size_t)n < len && access(path, X_OK) == 0)
			return path;
	}
	return name;
}

/* In the child: never returns. */
static void run_child(int nsfd, int in_fd, int err_fd, const char *const argv[])
{
	int devnull = open("/dev/null", O_RDWR);
	char path[PATH_MAX];
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		_exit(126);
	if (in_fd >= 0)
		dup2(in_fd, STDIN_FILENO);
	else if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	if (devnull >= 0)
		dup2(devnull, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execv(find_tool(argv[0], path, sizeof(path)), (char *const *)argv);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

static void describe(char *dst, size_t len, const char *const argv[])
{
	size_t used = 0;

	dst[0] = '\0';
	for (size_t i = 0; argv[i] && used + 1 < len; i++) {
		int n = snprintf(dst + used, len - used, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int tsc__lab_run(int nsfd, const char *input, const char *const argv[], struct tsc_lab_err *err)
{
	int in[2] = { -1, -1 }, errp[2] = { -1, -1 }, status = 0, r = 0;
	char out[200] = "", cmd[120];
	size_t got = 0;
	pid_t pid;

	if ((input && pipe2(in, O_CLOEXEC) < 0) || pipe2(errp, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0)
		run_child(nsfd, in[0], errp[1], argv);
	close(errp[1]);
	errp[1] = -1;
	if (input) {
		close(in[0]);
		in[0] = -1;
		/* the rulesets are far below the pipe capacity: no deadlock */
		if (write(in[1], input, strlen(input)) < 0)
			r = -errno;
		close(in[1]);
		in[1] = -1;
	}
	for (;;) {
		ssize_t n = read(errp[0], out + got, sizeof(out) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got >= sizeof(out) - 1) {
			char sink[256];

			while (read(errp[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto out;
		}
	}
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		out[strcspn(out, "\n")] = '\0';
		describe(cmd, sizeof(cmd), argv);
		r = tsc__lab_seterr(err, -EIO, "'%s' failed (status %d): %s", cmd,
				    WIFEXITED(status) ? WEXITSTATUS(status)
						      : 128 + WTERMSIG(status),
				    out[0] ? out : "no message");
	}
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return r;
}
