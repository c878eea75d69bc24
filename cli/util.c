/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CLI helpers shared by all commands: messages, the stdout sink, netns entry.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli.h"
#include "bpf/iter.h"
#include "sys/netns.h"
#include "sys/procmap.h"

volatile int tsc_interrupted;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fflush(stdout);
	fprintf(stderr, "%s%s\n", prefix, line);
}

void tsc_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void tsc_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

int tsc_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
	return TSC_EXIT_USAGE;
}

static int stdout_sink(void *arg, const char *p, size_t n)
{
	(void)arg;
	fflush(stdout);
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void tsc_stdout_buf(struct tsc_buf *b)
{
	tsc_buf_init(b, 0);
	tsc_buf_set_sink(b, stdout_sink, NULL);
}

int tsc_stdout_finish(struct tsc_buf *b)
{
	int r = tsc_buf_flush(b);

	tsc_buf_release(b);
	if (r == -EPIPE || r == 0)
		return TSC_EXIT_OK;
	tsc_error("could not write output: %s", strerror(-r));
	return TSC_EXIT_FAIL;
}

int tsc_cli_enter_netns(const char *name)
{
	int r;

	if (!name)
		return 0;
	r = tsc_netns_enter(name);
	if (r == -ENOENT) {
		tsc_error("network namespace '%s' does not exist (see 'ip netns list')", name);
		return TSC_EXIT_FAIL;
	}
	if (r == -EINVAL)
		return tsc_usage_error("bad network namespace name '%s'", name);
	if (r < 0) {
		tsc_error("cannot enter network namespace '%s': %s", name, strerror(-r));
		return TSC_EXIT_FAIL;
	}
	return 0;
}

int tsc_bad_option(const char *cmd)
{
	fprintf(stderr, "see 'tcpscope %s --help'\n", cmd);
	return TSC_EXIT_USAGE;
}

int tsc_cli_bpf_iter(void)
{
	const char *v = getenv("TSC_BPF_ITER");

	if (!v)
		return -1;
	return strcmp(v, "0") != 0;
}

struct tsc_procmap *tsc_cli_procmap(void)
{
	struct tsc_procmap *m = NULL;

	/* the iterator needs root (CAP_BPF + CAP_PERFMON) and kernel BTF;
	 * any failure -- also a malformed record -- means the /proc scan */
	if (tsc_cli_bpf_iter() != 0)
		m = tsc_bpf_iter_procmap();
	if (!m)
		m = tsc_procmap_new("/proc", NULL, NULL);
	return m;
}

/* The capture whose loop a signal must break; the CLI is single-threaded. */
static struct tsc_capture *stop_cap;

static void on_stop_capture(int sig)
{
	(void)sig;
	tsc_interrupted = 1;
	if (stop_cap)
		tsc_capture_breakloop(stop_cap);
}

void tsc_cli_stop_capture_on_signal(struct tsc_capture *cap)
{
	struct sigaction sa;

	stop_cap = cap;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_capture;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

char *tsc_cli_join_args(int argc, char **argv)
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = calloc(1, n);
	if (!s)
		return NULL;
	p = s;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], l);
		p += l;
	}
	return s;
}
