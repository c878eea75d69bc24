/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the renderings of `tune` (lib/output/tunefmt): the exact
 * text and JSON report of handcrafted items and observations (with one item
 * not shown), the --emit snippet, the written and would-write lines, the
 * namespace label, the truth lines and the "leave it" advice.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "output/tunefmt.h"

static const struct tsc_sysctl_fact facts[] = {
	{ .name = "tcp_demo",
	  .key = "net.ipv4.tcp_demo",
	  .path = "/proc/sys/net/ipv4/tcp_demo",
	  .summary = "a demo knob whose summary is long enough to be wrapped onto a second line",
	  .format = TSC_SYSCTL_INT,
	  .unit = "seconds",
	  .min = 1,
	  .max = 100,
	  .kernel_default = "60",
	  .truth = "It does what it says.",
	  .per_netns = true },
	{ .name = "tcp_host",
	  .key = "net.ipv4.tcp_host",
	  .path = "/proc/sys/net/ipv4/tcp_host",
	  .summary = "host-wide",
	  .format = TSC_SYSCTL_PAIR,
	  .unit = "sockets",
	  .min = 1,
	  .max = 65535,
	  .kernel_default = "10 20",
	  .default_note = "computed",
	  .truth = "Host.",
	  .per_netns = false },
	{ .name = "tcp_gone",
	  .key = "net.ipv4.tcp_gone",
	  .path = "/proc/sys/net/ipv4/tcp_gone",
	  .summary = "removed",
	  .format = TSC_SYSCTL_INT,
	  .unit = "boolean",
	  .min = 0,
	  .max = 1,
	  .kernel_default = "0",
	  .truth = "Gone.",
	  .removed_in = "4.12",
	  .per_netns = true },
};

static void fill(struct tsc_tune *t, struct tsc_tune_obs *obs)
{
	memset(t, 0, sizeof(*t));
	t->n = 3;
	for (size_t i = 0; i < 3; i++)
		t->items[i].fact = &facts[i];
	t->items[0].cur = (struct tsc_sysctl_value){ 1, { 60 } };
	t->items[0].change = true;
	t->items[0].rec = (struct tsc_sysctl_value){ 1, { 30 } };
	snprintf(t->items[0].why, TSC_TUNE_WHY_LEN,
		 "12 orphaned FIN_WAIT2 sockets wait out the timeout.");
	t->items[1].cur = (struct tsc_sysctl_value){ 2, { 10, 20 } };
	t->items[1].host_wide_here = true;
	t->items[1].change = true;
	t->items[1].rec = (struct tsc_sysctl_value){ 2, { 10, 40 } };
	snprintf(t->items[1].why, TSC_TUNE_WHY_LEN, "more.");
	t->items[2].read_err = -ENOENT;
	snprintf(t->items[2].why, TSC_TUNE_WHY_LEN, "leave it: removed in Linux 4.12.");
	tsc_tune_obs_init(obs);
	obs->have_sockets = true;
	obs->states[TSC_TCP_ESTABLISHED] = 5;
	obs->states[TSC_TCP_SYN_RECV] = 2;
	obs->states[TSC_TCP_TIME_WAIT] = 9;
	obs->states[TSC_TCP_LISTEN] = 1;
	obs->tw_outgoing = 7;
	obs->tw_incoming = 2;
	obs->orphans = 12;
	obs->orphan_fin_wait2 = 12;
	obs->dest_max = 30;
	obs->dest_max_tw = 7;
	snprintf(obs->dest, sizeof(obs->dest), "10.250.9.2:80");
	obs->have_counters = true;
	obs->listen_overflows = 3;
	obs->syncookies_sent = 0;
	obs->tw_overflow = 0;
	obs->abort_on_memory = 0;
}

struct fixture {
	struct tsc_tune t;
	struct tsc_tune_obs obs;
	bool show[3];
	struct tsc_tunefmt o;
	struct tsc_tune_plan p, prev;
	struct tsc_buf b;
};

static int setup(void **state)
{
	struct fixture *x = test_calloc(1, sizeof(*x));

	fill(&x->t, &x->obs);
	x->show[0] = x->show[1] = true;
	x->o = (struct tsc_tunefmt){
		.kernel = "6.18.0", .netns = "tscdemo", .in_netns = true, .show = x->show
	};
	x->p = (struct tsc_tune_plan){
		2, { { &facts[0], { 1, { 30 } } }, { &facts[1], { 2, { 10, 40 } } } }
	};
	x->prev = (struct tsc_tune_plan){
		2, { { &facts[0], { 1, { 60 } } }, { &facts[1], { 2, { 10, 20 } } } }
	};
	tsc_buf_init(&x->b, 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	tsc_buf_release(&x->b);
	test_free(x);
	return 0;
}

static void test_text(void **state)
{
	struct fixture *x = *state;

	tsc_tunefmt_text(&x->b, &x->o, &x->t, &x->obs);
	assert_string_equal(
		tsc_buf_str(&x->b),
		"tcpscope tune: Linux 6.18.0, network namespace tscdemo\n"
		"observed: ESTABLISHED 5, SYN_RECV 2, TIME_WAIT 9 (outgoing 7, on listening ports"
		" 2), LISTEN 1 (full 0), orphans 12 (FIN_WAIT2 12)\n"
		"busiest outgoing destination: 10.250.9.2:80, 30 sockets (7 TIME_WAIT)\n"
		"counters since boot/namespace start: ListenOverflows 3, SyncookiesSent 0, TCPTim"
		"eWaitOverflow 0, TCPAbortOnMemory 0\n"
		"recommended changes: 2 (tcpscope tune --emit | --apply)\n"
		"\n"
		"tcp_demo  (net.ipv4.tcp_demo, per network namespace)\n"
		"  current  60, kernel default 60\n"
		"  does     a demo knob whose summary is long enough to be wrapped onto a\n"
		"           second line\n"
		"  advice   set 30\n"
		"  why      12 orphaned FIN_WAIT2 sockets wait out the timeout.\n"
		"\n"
		"tcp_host  (net.ipv4.tcp_host, HOST-WIDE)\n"
		"  current  10 20, kernel default 10 20 (computed at boot)\n"
		"  does     host-wide\n"
		"  advice   set 10 40 (host-wide: written only with --force)\n"
		"  why      more.\n"
		"\n");
}

static void test_text_all(void **state)
{
	struct fixture *x = *state;
	const char *s;

	x->o.show = NULL;
	x->o.truth = true;
	x->obs.have_sockets = false;
	x->obs.dest_max = 0;
	x->obs.have_counters = false;
	tsc_tunefmt_text(&x->b, &x->o, &x->t, &x->obs);
	s = tsc_buf_str(&x->b);
	assert_non_null(strstr(s, "tscdemo\nobserved: socket table not readable\n"
				  "recommended changes: 2 (tcpscope"));
	assert_non_null(strstr(s, "  truth    It does what it says.\n"));
	/* the removed one, unread, and "leave it: " not repeated under why */
	assert_non_null(strstr(s, "tcp_gone  (net.ipv4.tcp_gone, per network namespace)\n"
				  "  current  (none), kernel default 0\n"
				  "  does     removed\n"
				  "  truth    Gone.\n"
				  "  advice   nothing to set: removed\n"
				  "  why      removed in Linux 4.12.\n\n"));
	x->t.items[0].change = false;
	tsc_buf_reset(&x->b);
	tsc_tunefmt_text(&x->b, &x->o, &x->t, &x->obs);
	assert_non_null(strstr(tsc_buf_str(&x->b), "  advice   leave it\n"));
}

static void test_where(void **state)
{
	struct fixture *x = *state;

	assert_string_equal(tsc_tunefmt_where(&x->o), "tscdemo");
	x->o.netns = NULL;
	assert_string_equal(tsc_tunefmt_where(&x->o), "(the one tcpscope runs in)");
	x->o.in_netns = false;
	assert_string_equal(tsc_tunefmt_where(&x->o), "(initial: the host's)");
}

static void test_json(void **state)
{
	struct fixture *x = *state;

	tsc_tunefmt_json(&x->b, &x->o, &x->t, &x->obs);
	assert_string_equal(
		tsc_buf_str(&x->b),
		"{\n"
		"  \"kernel\": \"6.18.0\",\n"
		"  \"netns\": \"tscdemo\",\n"
		"  \"in_netns\": true,\n"
		"  \"observed\": {\n"
		"    \"sockets_read\": true,\n"
		"    \"states\": {\n"
		"      \"ESTABLISHED\": 5,\n"
		"      \"SYN_SENT\": 0,\n"
		"      \"SYN_RECV\": 2,\n"
		"      \"FIN_WAIT1\": 0,\n"
		"      \"FIN_WAIT2\": 0,\n"
		"      \"TIME_WAIT\": 9,\n"
		"      \"CLOSE\": 0,\n"
		"      \"CLOSE_WAIT\": 0,\n"
		"      \"LAST_ACK\": 0,\n"
		"      \"LISTEN\": 1,\n"
		"      \"CLOSING\": 0\n"
		"    },\n"
		"    \"listeners_full\": 0,\n"
		"    \"orphans\": 12,\n"
		"    \"orphan_fin_wait2\": 12,\n"
		"    \"time_wait_outgoing\": 7,\n"
		"    \"time_wait_incoming\": 2,\n"
		"    \"busiest_destination\": \"10.250.9.2:80\",\n"
		"    \"busiest_destination_sockets\": 30,\n"
		"    \"busiest_destination_time_wait\": 7,\n"
		"    \"counters_read\": true,\n"
		"    \"counters\": {\n"
		"      \"ListenOverflows\": 3,\n"
		"      \"ListenDrops\": -1,\n"
		"      \"SyncookiesSent\": 0,\n"
		"      \"SyncookiesFailed\": -1,\n"
		"      \"TCPTimeWaitOverflow\": 0,\n"
		"      \"TCPAbortOnMemory\": 0,\n"
		"      \"TCPReqQFullDrop\": -1\n"
		"    }\n"
		"  },\n"
		"  \"sysctls\": [\n"
		"    {\n"
		"      \"name\": \"tcp_demo\",\n"
		"      \"key\": \"net.ipv4.tcp_demo\",\n"
		"      \"path\": \"/proc/sys/net/ipv4/tcp_demo\",\n"
		"      \"per_netns\": true,\n"
		"      \"host_wide_here\": false,\n"
		"      \"removed_in\": null,\n"
		"      \"current\": \"60\",\n"
		"      \"error\": null,\n"
		"      \"default\": \"60\",\n"
		"      \"unit\": \"seconds\",\n"
		"      \"summary\": \"a demo knob whose summary is long enough to be wrapped onto"
		" a second line\",\n"
		"      \"truth\": \"It does what it says.\",\n"
		"      \"action\": \"set\",\n"
		"      \"recommended\": \"30\",\n"
		"      \"why\": \"12 orphaned FIN_WAIT2 sockets wait out the timeout.\"\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"tcp_host\",\n"
		"      \"key\": \"net.ipv4.tcp_host\",\n"
		"      \"path\": \"/proc/sys/net/ipv4/tcp_host\",\n"
		"      \"per_netns\": false,\n"
		"      \"host_wide_here\": true,\n"
		"      \"removed_in\": null,\n"
		"      \"current\": \"10 20\",\n"
		"      \"error\": null,\n"
		"      \"default\": \"10 20\",\n"
		"      \"unit\": \"sockets\",\n"
		"      \"summary\": \"host-wide\",\n"
		"      \"truth\": \"Host.\",\n"
		"      \"action\": \"set\",\n"
		"      \"recommended\": \"10 40\",\n"
		"      \"why\": \"more.\"\n"
		"    }\n"
		"  ]\n"
		"}\n");
}

static void test_emit(void **state)
{
	struct fixture *x = *state;

	tsc_tunefmt_emit(&x->b, &x->o, &x->t, &x->p, false);
	assert_string_equal(
		tsc_buf_str(&x->b),
		"# sysctl.d snippet from tcpscope tune (Linux 6.18.0, network namespace tscdemo)\n"
		"# Only the recommended changes, each with the evidence. Install as\n"
		"# /etc/sysctl.d/90-tcpscope.conf and load with 'sysctl --system'\n"
		"# (inside a namespace: 'ip netns exec NAME sysctl -p FILE').\n"
		"\n"
		"# tcp_demo: 60 -> 30 (kernel default 60)\n"
		"# 12 orphaned FIN_WAIT2 sockets wait out the timeout.\n"
		"net.ipv4.tcp_demo = 30\n"
		"\n"
		"# tcp_host: 10 20 -> 10 40 (kernel default 10 20)\n"
		"# more.\n"
		"net.ipv4.tcp_host = 10 40\n");
	tsc_buf_reset(&x->b);
	tsc_tunefmt_emit(&x->b, &x->o, &x->t, &x->p, true);
	assert_non_null(strstr(tsc_buf_str(&x->b), "# tcp_demo: 60 -> 30 (kernel default 60)\n"
						   "# set with --set\n"
						   "net.ipv4.tcp_demo = 30\n"));
	tsc_buf_reset(&x->b);
	x->p.n = 0;
	tsc_tunefmt_emit(&x->b, &x->o, &x->t, &x->p, false);
	assert_non_null(strstr(tsc_buf_str(&x->b),
			       "\n# Nothing to change: every sysctl is best left as it is.\n"));
}

static void test_written(void **state)
{
	struct fixture *x = *state;

	tsc_tunefmt_changes(&x->b, &x->prev, &x->p);
	assert_string_equal(tsc_buf_str(&x->b), "net.ipv4.tcp_demo: 60 -> 30\n"
						"net.ipv4.tcp_host: 10 20 -> 10 40\n");
	tsc_buf_reset(&x->b);
	tsc_tunefmt_would_write(&x->b, &x->p);
	assert_string_equal(tsc_buf_str(&x->b),
			    "would write net.ipv4.tcp_demo = 30 (valid; add --apply)\n"
			    "would write net.ipv4.tcp_host = 10 40 (valid; add --apply)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
