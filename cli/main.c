/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpscope's entry point: global options, then the dispatch table (git's
 * run_builtin). The dispatcher establishes each command's preconditions from
 * its flags, runs it, and fails on stdout write errors other than EPIPE.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/cleanup.h"
#include "core/strparse.h"

#ifndef TSC_VERSION
#define TSC_VERSION "unknown"
#endif

static int cmd_help(int argc, char **argv, struct tsc_ctx *ctx);
static int cmd_version(int argc, char **argv, struct tsc_ctx *ctx);

static const struct tsc_cmd cmds[] = {
	{ "sockets", cmd_sockets, TSC_CMD_NETLINK,
	  "list TCP sockets from the kernel (ss/netstat/lsof)" },
	{ "states", cmd_states, TSC_CMD_NETLINK | TSC_CMD_LONG_RUNNING,
	  "count sockets per TCP state, by port/remote/process" },
	{ "lab", cmd_lab, TSC_CMD_NEED_NET_ADMIN | TSC_CMD_LONG_RUNNING | TSC_CMD_NO_NETNS,
	  "real connections in all 11 states, in private network namespaces" },
	{ "trace", cmd_trace, TSC_CMD_LONG_RUNNING | TSC_CMD_NO_NETNS,
	  "live TCP state transitions from the kernel (eBPF), --life, --summary" },
	{ "capture", cmd_capture, TSC_CMD_LONG_RUNNING,
	  "capture and print packets like tcpdump (libpcap)" },
	{ "check", cmd_check, TSC_CMD_NETLINK | TSC_CMD_LONG_RUNNING | TSC_CMD_NO_NETNS,
	  "diagnose TCP: findings with evidence and fixes (Nagios plugin too)" },
	{ "explain", cmd_explain, 0, "the TCP reference: states, diagram, flags, sysctls, errnos" },
	{ "tune", cmd_tune, TSC_CMD_NO_NETNS,
	  "sysctl advice from observed state; --emit, --apply, --revert" },
	{ "flows", cmd_flows, TSC_CMD_LONG_RUNNING,
	  "TCP connections rebuilt from packets: states, trouble, ladder" },
	{ "help", cmd_help, TSC_CMD_NO_NETNS, "show help for tcpscope or a command" },
	{ "version", cmd_version, TSC_CMD_NO_NETNS, "print the version" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpscope [--netns NAME] [--json] <command> [<args>]\n"
		   "       tcpscope help <command> | tcpscope <command> --help\n\n"
		   "commands:\n");
	for (size_t i = 0; i < TSC_ARRAY_SIZE(cmds); i++)
		fprintf(f, "   %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nglobal options:\n"
		   "   -N, --netns NAME  run in the named network namespace (/var/run/netns/NAME)\n"
		   "   --json            JSON output for commands that support it\n"
		   "   -V, --version     print the version\n");
}

static const struct tsc_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < TSC_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int unknown_cmd(const char *name)
{
	const char *best = NULL;
	unsigned bestd = 3;

	for (size_t i = 0; i < TSC_ARRAY_SIZE(cmds); i++) {
		unsigned d = tsc_edit_distance(name, cmds[i].name);

		if (d < bestd || (!strncmp(cmds[i].name, name, strlen(name)) && !best)) {
			bestd = d;
			best = cmds[i].name;
		}
	}
	fprintf(stderr, "error: '%s' is not a tcpscope command", name);
	if (best)
		fprintf(stderr, "; did you mean '%s'?", best);
	fprintf(stderr, " (valid commands:");
	for (size_t i = 0; i < TSC_ARRAY_SIZE(cmds); i++)
		fprintf(stderr, " %s", cmds[i].name);
	fprintf(stderr, ")\n");
	return TSC_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv, struct tsc_ctx *ctx)
{
	const struct tsc_cmd *c;
	char *hargv[] = { NULL, (char *)"--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return TSC_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return unknown_cmd(argv[1]);
	if (c->fn == cmd_help || c->fn == cmd_version) {
		printf("usage: tcpscope %s\n", c->name);
		return TSC_EXIT_OK;
	}
	hargv[0] = argv[1];
	return c->fn(2, hargv, ctx);
}

static int cmd_version(int argc, char **argv, struct tsc_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	printf("tcpscope %s\n", TSC_VERSION);
	return TSC_EXIT_OK;
}

static void on_signal(int sig)
{
	(void)sig;
	tsc_interrupted = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: blocking reads return EINTR so loops see the flag */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int run_cmd(const struct tsc_cmd *c, int argc, char **argv, struct tsc_ctx *ctx)
{
	int rc;

	if (ctx->netns && !(c->flags & TSC_CMD_NO_NETNS)) {
		rc = tsc_cli_enter_netns(ctx->netns);
		if (rc)
			return rc;
	}
	if (c->flags & TSC_CMD_LONG_RUNNING)
		install_signals();
	rc = c->fn(argc, argv, ctx);
	/* git's run_builtin: a failed write to stdout is an error, EPIPE is not */
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, "error: write failure on standard output: %s\n", strerror(errno));
		return rc ? rc : TSC_EXIT_FAIL;
	}
	if (ferror(stdout) && errno != EPIPE && rc == 0) {
		fprintf(stderr, "error: unknown write failure on standard output\n");
		return TSC_EXIT_FAIL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct tsc_ctx ctx = { 0 };
	int i = 1;

	signal(SIGPIPE, SIG_IGN);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			ctx.json = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			ctx.verbose++;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			return cmd_version(0, NULL, &ctx);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return TSC_EXIT_OK;
		} else if (!strcmp(a, "-N") || !strcmp(a, "--netns")) {
			if (++i >= argc)
				return tsc_usage_error("option '%s' needs a namespace name", a);
			ctx.netns = argv[i];
		} else if (!strncmp(a, "--netns=", 8)) {
			ctx.netns = a + 8;
		} else {
			tsc_error("unknown global option '%s' (valid: --netns NAME, --json, "
				  "--verbose, --version, --help)",
				  a);
			return TSC_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return TSC_EXIT_USAGE;
	}
	const struct tsc_cmd *c = find_cmd(argv[i]);
	if (!c)
		return unknown_cmd(argv[i]);
	return run_cmd(c, argc - i, argv + i, &ctx);
}
