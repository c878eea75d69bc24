/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tcpscope lab up|status|down|tour`: real connections held in all 11 TCP
 * states inside private namespaces (lib/lab). The tour narrates each state
 * and shows the real `tcpscope sockets` output for it, run as a child of
 * /proc/self/exe in the state's namespace. The tour always tears its lab
 * down: at exit, on SIGINT/SIGTERM (checked between steps) and on failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "core/tcpstate.h"
#include "lab/lab.h"
#include "output/json.h"

static const char usage_text[] =
	"usage: tcpscope lab up [--name NAME]\n"
	"       tcpscope lab status [--name NAME] [--json]\n"
	"       tcpscope lab down [--name NAME | --all]\n"
	"       tcpscope lab tour [--name NAME]\n"
	"\n"
	"Real TCP connections held in all 11 states (IPv4 and IPv6), in two private\n"
	"network namespaces tsclab-NAME-c (client, 10.250.0.1, fd00:250::1) and\n"
	"tsclab-NAME-s (server, 10.250.0.2, fd00:250::2) joined by a veth pair.\n"
	"Each state has its own server port: 9500 + the kernel's state number.\n"
	"\n"
	"  up        create the lab; a holder process keeps the sockets until 'down'\n"
	"  status    holder, namespaces, and per namespace the sockets per state\n"
	"  down      stop the holder and delete the namespaces (idempotent)\n"
	"  tour      narrate every state with the real 'sockets' output, then tear down\n"
	"\n"
	"  -n, --name NAME   lab name (default 'lab'; tour: 'tour-PID'), [A-Za-z0-9_.-]\n"
	"      --all         down: every lab found (tsclab-* namespaces and pid files)\n"
	"      --json        status as JSON\n"
	"\n"
	"Try: tcpscope --netns tsclab-lab-c sockets -a\n";

static const struct option longopts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "all", no_argument, NULL, 'A' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct lab_opts {
	const char *name;
	bool all, json;
};

/* The tour's lab, torn down by the atexit handler (the CLI's only state). */
static char tour_name[TSC_LAB_NAME_MAX + 1];

/* The namespace name of a side ("" if the name is bad, which was checked). */
static void lab_ns(const char *name, int side, char *buf, size_t len)
{
	if (tsc_lab_ns_name(name, (enum tsc_lab_side)side, buf, len) < 0)
		buf[0] = '\0';
}

static const char *side_name(unsigned side)
{
	return side == TSC_LAB_CLIENT ? "client" : "server";
}

static int lab_error(const char *what, const char *name, int r, const struct tsc_lab_err *err)
{
	if (err->msg[0])
		tsc_error("cannot %s lab '%s': %s", what, name, err->msg);
	else
		tsc_error("cannot %s lab '%s': %s", what, name, strerror(-r));
	return TSC_EXIT_FAIL;
}

static void print_ns_line(const char *name, enum tsc_lab_side side)
{
	char ns[TSC_LAB_NS_MAX] = "";

	lab_ns(name, side, ns, sizeof(ns));
	printf("  %s namespace %-20s %s, %s\n", side_name(side), ns,
	       side == TSC_LAB_CLIENT ? TSC_LAB_CLIENT_IP4 : TSC_LAB_SERVER_IP4,
	       side == TSC_LAB_CLIENT ? TSC_LAB_CLIENT_IP6 : TSC_LAB_SERVER_IP6);
}

static int lab_up(const struct lab_opts *o)
{
	struct tsc_lab_err err = { "" };
	char ns[TSC_LAB_NS_MAX] = "";
	int r = tsc_lab_up(o->name, &err);

	if (r < 0)
		return lab_error("start", o->name, r, &err);
	lab_ns(o->name, TSC_LAB_CLIENT, ns, sizeof(ns));
	printf("lab '%s' is up (holder pid %d)\n", o->name, r);
	print_ns_line(o->name, TSC_LAB_CLIENT);
	print_ns_line(o->name, TSC_LAB_SERVER);
	printf("  ports: 9500 + kernel state number (ESTABLISHED 9501 ... CLOSING 9511)\n"
	       "try:  tcpscope --netns %s sockets -a\n"
	       "      tcpscope lab status --name %s; tcpscope lab down --name %s\n",
	       ns, o->name, o->name);
	return TSC_EXIT_OK;
}

static int down_one(const char *name)
{
	struct tsc_lab_err err = { "" };
	int r = tsc_lab_down(name, &err);

	if (r < 0)
		return lab_error("remove", name, r, &err);
	printf(r ? "lab '%s' removed\n" : "lab '%s' was not up\n", name);
	return TSC_EXIT_OK;
}

/* Lab names from "tsclab-NAME-c"/"-s" in /var/run/netns and NAME.pid files. */
static int down_all(void)
{
	char cmd[] = "ls /var/run/netns " TSC_LAB_RUN_DIR " 2>/dev/null";
	char line[256], names[64][TSC_LAB_NAME_MAX + 1];
	size_t n = 0;
	int rc = TSC_EXIT_OK;
	FILE *p = popen(cmd, "r");

	if (!p) {
		tsc_error("cannot list labs: %s", strerror(errno));
		return TSC_EXIT_FAIL;
	}
	while (fgets(line, sizeof(line), p) && n < TSC_ARRAY_SIZE(names)) {
		size_t l = strcspn(line, "\n");
		const char *start = line;

		line[l] = '\0';
		line[sizeof(names[0]) + 8] = '\0'; /* longer entries are no lab's */
		l = strcspn(line, "\n");
		if (!strncmp(line, "tsclab-", 7) && l > 9 && line[l - 2] == '-') {
			start = line + 7;
			line[l - 2] = '\0';
		} else if (l > 4 && !strcmp(line + l - 4, ".pid")) {
			line[l - 4] = '\0';
		} else {
			continue;
		}
		if (tsc_lab_check_name(start) < 0)
			continue;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(names[i], start);
		if (!dup)
			snprintf(names[n++], sizeof(names[0]), "%.*s", TSC_LAB_NAME_MAX, start);
	}
	pclose(p);
	for (size_t i = 0; i < n; i++)
		if (down_one(names[i]) != TSC_EXIT_OK)
			rc = TSC_EXIT_FAIL;
	if (n == 0)
		printf("no labs found\n");
	return rc;
}

static void status_text(const char *name, const struct tsc_lab_status *st)
{
	printf("lab '%s': holder %s", name, st->holder_alive ? "running" : "not running");
	if (st->pid)
		printf(" (pid %ld)", (long)st->pid);
	printf("\n");
	for (int side = 0; side < 2; side++) {
		uint64_t counts[TSC_TCP_MAX_STATES];
		char ns[TSC_LAB_NS_MAX] = "";
		long r;

		lab_ns(name, side, ns, sizeof(ns));
		if (!st->ns_exists[side]) {
			printf("%s namespace %s: absent\n", side_name((unsigned)side), ns);
			continue;
		}
		r = tsc_lab_census(name, (enum tsc_lab_side)side, counts);
		printf("%s namespace %s:%s\n", side_name((unsigned)side), ns,
		       r < 0 ? " (census failed)" : "");
		printf("  %-13s %6s  %s\n", "STATE", "KERNEL", "LAB SOCKETS (family/port)");
		for (size_t i = 0; i < TSC_ARRAY_SIZE(tsc_tcp_state_order); i++) {
			unsigned s = tsc_tcp_state_order[i];

			printf("  %-13s %6llu ", tsc_tcp_state_rfc(s),
			       r < 0 ? 0ULL : (unsigned long long)counts[s]);
			for (size_t k = 0; k < st->nsocks; k++)
				if (st->socks[k].state == s && st->socks[k].side == side)
					printf(" v%c/%u",
					       st->socks[k].family == AF_INET ? '4' : '6',
					       st->socks[k].port);
			printf("\n");
		}
	}
}

static void status_json(const char *name, const struct tsc_lab_status *st)
{
	struct tsc_buf b;
	struct tsc_json j;

	tsc_stdout_buf(&b);
	tsc_json_init(&j, &b, true);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "name", name);
	tsc_json_bool(&j, "running", st->holder_alive);
	tsc_json_i64(&j, "holder_pid", st->pid);
	tsc_json_arr_begin(&j, "namespaces");
	for (int side = 0; side < 2; side++) {
		uint64_t counts[TSC_TCP_MAX_STATES];
		char ns[TSC_LAB_NS_MAX] = "";
		long r = -ENOENT;

		lab_ns(name, side, ns, sizeof(ns));
		if (st->ns_exists[side])
			r = tsc_lab_census(name, (enum tsc_lab_side)side, counts);
		tsc_json_obj_begin(&j, NULL);
		tsc_json_str(&j, "name", ns);
		tsc_json_str(&j, "side", side_name((unsigned)side));
		tsc_json_bool(&j, "exists", st->ns_exists[side]);
		if (r >= 0) {
			tsc_json_obj_begin(&j, "states");
			for (size_t i = 0; i < TSC_ARRAY_SIZE(tsc_tcp_state_order); i++) {
				unsigned s = tsc_tcp_state_order[i];

				tsc_json_u64(&j, tsc_tcp_state_rfc(s), counts[s]);
			}
			tsc_json_obj_end(&j);
			tsc_json_u64(&j, "total", (uint64_t)r);
		}
		tsc_json_arr_begin(&j, "lab_sockets");
		for (size_t k = 0; k < st->nsocks; k++) {
			if (st->socks[k].side != side)
				continue;
			tsc_json_obj_begin(&j, NULL);
			tsc_json_str(&j, "state", tsc_tcp_state_rfc(st->socks[k].state));
			tsc_json_u64(&j, "family", st->socks[k].family == AF_INET ? 4 : 6);
			tsc_json_u64(&j, "port", st->socks[k].port);
			tsc_json_obj_end(&j);
		}
		tsc_json_arr_end(&j);
		tsc_json_obj_end(&j);
	}
	tsc_json_arr_end(&j);
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
	(void)tsc_stdout_finish(&b);
}

static int lab_status(const struct lab_opts *o)
{
	struct tsc_lab_status *st = calloc(1, sizeof(*st));
	int r;

	if (!st) {
		tsc_error("out of memory");
		return TSC_EXIT_FAIL;
	}
	r = tsc_lab_status(o->name, st);
	if (r < 0) {
		tsc_error("cannot read the status of lab '%s': %s", o->name, strerror(-r));
		free(st);
		return TSC_EXIT_FAIL;
	}
	if (o->json)
		status_json(o->name, st);
	else
		status_text(o->name, st);
	r = st->holder_alive ? TSC_EXIT_OK : TSC_EXIT_FAIL;
	free(st);
	return r;
}

/* ---- the tour ------------------------------------------------------------ */

static void tour_teardown(void)
{
	struct tsc_lab_err err = { "" };

	if (!tour_name[0])
		return;
	fflush(stdout);
	if (tsc_lab_down(tour_name, &err) < 0)
		tsc_error("cannot remove lab '%s': %s", tour_name, err.msg);
	else
		printf("\nlab '%s' removed (namespaces deleted, holder stopped)\n", tour_name);
	fflush(stdout);
	tour_name[0] = '\0';
}

/* Runs `tcpscope --netns NS sockets --state STATE` (this very binary). */
static int run_sockets(const char *ns, const char *state)
{
	char *const argv[] = { (char *)"tcpscope", (char *)"--netns", (char *)ns, (char *)"sockets",
			       (char *)"--state",  (char *)state,     NULL };
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

/* "  label: text", the text wrapped at 78 columns under itself. */
static void print_wrapped(const char *label, const char *text)
{
	const int indent = 13, width = 78;
	int col = printf("  %-*s", indent - 2, label);

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col > indent && col + 1 + (int)w > width) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)w, text);
		col += (int)w;
		text += w;
		text += strspn(text, " ");
	}
	putchar('\n');
}

static void tour_state(const char *name, unsigned step, const struct tsc_lab_state_info *in)
{
	char ns[TSC_LAB_NS_MAX] = "", who[96];

	lab_ns(name, in->side, ns, sizeof(ns));
	snprintf(who, sizeof(who), "the %s (namespace %s), port %u", side_name(in->side), ns,
		 in->port);
	printf("\n== %u/11  %s ==\n", step, tsc_tcp_state_rfc(in->state));
	print_wrapped("meaning:", in->meaning);
	print_wrapped("who:", who);
	print_wrapped("got there:", in->packet);
	print_wrapped("held by:", in->hold);
	print_wrapped("other end:", in->partner);
	print_wrapped("transient:",
		      in->transient ? "yes: real connections normally pass through it quickly"
				    : "no: a socket can stay in it indefinitely");
	printf("$ tcpscope --netns %s sockets --state %s\n", ns, tsc_tcp_state_netstat(in->state));
	if (run_sockets(ns, tsc_tcp_state_netstat(in->state)) != 0)
		tsc_warning("'tcpscope sockets' failed in namespace '%s'", ns);
}

static int lab_tour(const struct lab_opts *o)
{
	struct tsc_lab_err err = { "" };
	int r;

	snprintf(tour_name, sizeof(tour_name), "%s", o->name);
	atexit(tour_teardown);
	printf("tcpscope lab tour: building lab '%s' (two namespaces, a veth pair, one\n"
	       "connection per TCP state and address family)...\n",
	       o->name);
	fflush(stdout);
	r = tsc_lab_up(o->name, &err);
	if (r < 0) {
		tour_name[0] = '\0'; /* tsc_lab_up cleaned up after itself */
		return lab_error("start", o->name, r, &err);
	}
	print_ns_line(o->name, TSC_LAB_CLIENT);
	print_ns_line(o->name, TSC_LAB_SERVER);
	printf("  each state has its own server port: 9500 + the kernel's state number\n");
	for (size_t i = 0; i < TSC_ARRAY_SIZE(tsc_tcp_state_order) && !tsc_interrupted; i++) {
		const struct tsc_lab_state_info *in = tsc_lab_state_info(tsc_tcp_state_order[i]);

		if (in)
			tour_state(o->name, (unsigned)i + 1, in);
	}
	if (tsc_interrupted) {
		tour_teardown();
		tsc_error("interrupted");
		return 130;
	}
	tour_teardown();
	return TSC_EXIT_OK;
}

int cmd_lab(int argc, char **argv, struct tsc_ctx *ctx)
{
	static const char *const subs = "up, status, down, tour";
	struct lab_opts o = { .name = "lab", .json = ctx->json };
	char tname[TSC_LAB_NAME_MAX + 1];
	const char *sub;
	int c;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? TSC_EXIT_USAGE : TSC_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "up") && strcmp(sub, "status") && strcmp(sub, "down") &&
	    strcmp(sub, "tour"))
		return tsc_usage_error("unknown lab command '%s' (valid: %s)", sub, subs);
	if (!strcmp(sub, "tour")) {
		snprintf(tname, sizeof(tname), "tour-%ld", (long)getpid());
		o.name = tname;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.name = optarg;
			break;
		case 'A':
			o.all = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return TSC_EXIT_OK;
		default:
			return tsc_bad_option("lab");
		}
	}
	if (optind + 1 < argc)
		return tsc_usage_error("unexpected argument '%s' for 'lab %s'", argv[optind + 1],
				       sub);
	if (tsc_lab_check_name(o.name) < 0)
		return tsc_usage_error("bad lab name '%s' (1-%d of A-Z a-z 0-9 _ . -)", o.name,
				       TSC_LAB_NAME_MAX);
	if (o.all && strcmp(sub, "down"))
		return tsc_usage_error("option '--all' is only valid with 'lab down'");
	if (o.json && strcmp(sub, "status"))
		return tsc_usage_error("option '--json' is only valid with 'lab status'");
	if (!strcmp(sub, "up"))
		return lab_up(&o);
	if (!strcmp(sub, "down"))
		return o.all ? down_all() : down_one(o.name);
	if (!strcmp(sub, "status"))
		return lab_status(&o);
	return lab_tour(&o);
}
