/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every subcommand shares: the context built by main.c from the global
 * options, the error/usage reporting helpers (git's message format), and the
 * stdout sink. Each cmd-<name>.c holds only option parsing and glue.
 */
#ifndef TSC_CLI_CLI_H
#define TSC_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"

/* Exit codes (STYLE 3.3): check has its own documented codes. */
#define TSC_EXIT_OK    0
#define TSC_EXIT_FAIL  1
#define TSC_EXIT_USAGE 2

struct tsc_ctx {
	const char *netns; /* global -N/--netns, entered before the command runs */
	bool json;	   /* global --json: same as the command's --json */
	int verbose;
};

enum tsc_cmd_flags {
	TSC_CMD_NETLINK = 1 << 0, /* talks to the kernel over netlink */
	TSC_CMD_NEED_NET_ADMIN = 1 << 1,
	TSC_CMD_LONG_RUNNING = 1 << 2, /* dispatcher installs SIGINT/SIGTERM handlers */
	TSC_CMD_NO_NETNS = 1 << 3,     /* handles --netns itself */
};

typedef int (*tsc_cmd_fn)(int argc, char **argv, struct tsc_ctx *ctx);

struct tsc_cmd {
	const char *name;
	tsc_cmd_fn fn;
	unsigned flags;
	const char *summary;
};

int cmd_sockets(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_states(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_lab(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_explain(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_tune(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_trace(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_capture(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_flows(int argc, char **argv, struct tsc_ctx *ctx);
int cmd_check(int argc, char **argv, struct tsc_ctx *ctx);

/* Messages on stderr, git style: "error: ...", lowercase, no final period. */
void tsc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsc_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "error: ..." and returns TSC_EXIT_USAGE. */
int tsc_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A tsc_buf whose sink writes to stdout with write(2). EPIPE ends quietly. */
void tsc_stdout_buf(struct tsc_buf *b);
/* Flushes b; on failure reports it (except EPIPE) and returns TSC_EXIT_FAIL. */
int tsc_stdout_finish(struct tsc_buf *b);

struct tsc_capture;
/* From now on SIGINT/SIGTERM set tsc_interrupted and break cap's packet loop
 * (pcap_breakloop); NULL leaves only the flag. */
void tsc_cli_stop_capture_on_signal(struct tsc_capture *cap);
/* argv[0..argc) joined with spaces (tcpdump's copy_argv), for a filter
 * expression. NULL when out of memory; the caller frees. */
char *tsc_cli_join_args(int argc, char **argv);

/* Set by the LONG_RUNNING signal handler. */
extern volatile int tsc_interrupted;

/* Enters ctx->netns (or name) and reports errors; returns 0 or an exit code. */
int tsc_cli_enter_netns(const char *name);

/* getopt_long helper: "unknown option" messages already come from getopt;
 * this prints the "see 'tcpscope CMD --help'" hint and returns 2. */
int tsc_bad_option(const char *cmd);

/* TSC_BPF_ITER in the environment: -1 unset (each BPF iterator fast path at
 * its default), 0 for "0" (none: always the classic path, for tests and
 * comparisons), 1 for anything else (same as unset: every fast path -- the
 * census and the owners iterators -- is on by default now). */
int tsc_cli_bpf_iter(void);

/* The socket inode -> owners map of -p, --by process and check: by the BPF
 * task_file iterator (bpf/iter.h) unless TSC_BPF_ITER=0, falling back
 * silently to the /proc scan when the iterator is unavailable or fails.
 * NULL with errno set when the /proc scan fails too. */
struct tsc_procmap;
struct tsc_procmap *tsc_cli_procmap(void);

#endif
