/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the renderings of a `check` report (lib/output/checkfmt):
 * the exact human, Nagios and JSON output of a handcrafted report, the
 * perfdata max left out above 100 %, the all-OK summary and --list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "diag/check.h"
#include "output/checkfmt.h"

/* One CRITICAL finding (a SYN queue 101.5625 % full) and two OK ones. */
static void fill(struct tsc_check_report *r, uint64_t *counts, struct tsc_check_sysctls *sys,
		 struct tsc_check_counters *c0, struct tsc_check_counters *c1)
{
	struct tsc_finding *f;
	memset(r, 0, sizeof(*r));
	f = &r->f[r->n++];
	f->rule = TSC_CHECK_SYN_RECV;
	f->id = "syn-recv";
	f->severity = TSC_SEV_CRITICAL;
	snprintf(f->title, sizeof(f->title), "65 half-open connections (SYN_RECV)");
	snprintf(f->evidence[f->nevidence++], 200, "SYN_RECV 65");
	snprintf(f->evidence[f->nevidence++], 200,
		 "port 8080: 65 half-open, listener backlog 64 (102%%)");
	f->meaning =
		"SYN_RECV (SYN-RECEIVED, server side): a SYN arrived and was answered with a SYN-ACK, but the client's ACK that completes the three-way handshake is missing.";
	f->fix_kind = "kernel setting";
	snprintf(
		f->fix, sizeof(f->fix),
		"keep net.ipv4.tcp_syncookies=1 (now 1) so a full SYN queue answers with cookies instead of dropping SYNs");
	snprintf(f->metric, sizeof(f->metric), "syn_recv_fill");
	f->unit = "%";
	f->value = 101.5625;
	f->th.warn = 50;
	f->th.crit = 90;
	f = &r->f[r->n++];
	f->rule = TSC_CHECK_TIME_WAIT;
	f->id = "time-wait";
	f->severity = TSC_SEV_OK;
	snprintf(f->title, sizeof(f->title),
		 "3 TIME_WAIT sockets, 2%% of tcp_max_tw_buckets (150)");
	snprintf(f->evidence[f->nevidence++], 200, "TIME_WAIT 3 of tcp_max_tw_buckets 150");
	f->meaning = "TIME_WAIT is kept by the side that closed first.";
	f->fix_kind = "none";
	snprintf(f->fix, sizeof(f->fix), "reuse connections");
	snprintf(f->metric, sizeof(f->metric), "time_wait_pct");
	f->unit = "%";
	f->value = 2;
	f->th.warn = 50;
	f->th.crit = 90;
	f = &r->f[r->n++];
	f->rule = TSC_CHECK_ESTABLISHED;
	f->id = "established";
	f->severity = TSC_SEV_OK;
	snprintf(f->title, sizeof(f->title), "5 ESTABLISHED connections");
	snprintf(f->evidence[f->nevidence++], 200,
		 "ESTABLISHED 5 (warning above 600, critical above 800)");
	f->meaning = "normal";
	f->fix_kind = "none";
	f->unit = "";
	snprintf(f->metric, sizeof(f->metric), "established");
	f->value = 5;
	f->th.warn = 600;
	f->th.crit = 800;
	r->worst = TSC_SEV_CRITICAL;
	r->nsev[TSC_SEV_CRITICAL] = 1;
	r->nsev[TSC_SEV_OK] = 2;
	memset(counts, 0, sizeof(uint64_t) * TSC_TCP_MAX_STATES);
	counts[TSC_TCP_SYN_RECV] = 65;
	counts[TSC_TCP_LISTEN] = 1;
	counts[TSC_TCP_ESTABLISHED] = 5;
	counts[TSC_TCP_TIME_WAIT] = 3;
	tsc_check_sysctls_init(sys);
	sys->somaxconn = 4096;
	sys->syncookies = 1;
	sys->port_lo = 32768;
	sys->port_hi = 60999;
	memset(c0, 0, sizeof(*c0));
	memset(c1, 0, sizeof(*c1));
	c0->valid = c1->valid = true;
	c0->have[TSC_CNT_SYNCOOKIES_SENT] = true;
	c0->v[TSC_CNT_SYNCOOKIES_SENT] = 100;
	c1->have[TSC_CNT_SYNCOOKIES_SENT] = true;
	c1->v[TSC_CNT_SYNCOOKIES_SENT] = 136;
}

struct fixture {
	struct tsc_check_report r;
	uint64_t counts[TSC_TCP_MAX_STATES];
	struct tsc_check_sysctls sys;
	struct tsc_check_counters c0, c1;
	struct tsc_checkfmt in;
	struct tsc_buf b;
};

static int setup(void **state)
{
	struct fixture *x = test_calloc(1, sizeof(*x));

	fill(&x->r, x->counts, &x->sys, &x->c0, &x->c1);
	x->in = (struct tsc_checkfmt){ .rep = &x->r,
				       .counts = x->counts,
				       .nsockets = 74,
				       .sys = &x->sys,
				       .c0 = &x->c0,
				       .c1 = &x->c1,
				       .interval_ms = 2000,
				       .netns = "web",
				       .has_port = true,
				       .port = 8080 };
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

static void test_human(void **state)
{
	struct fixture *x = *state;

	tsc_checkfmt_human(&x->b, &x->in);
	/* problems first, wrapped at 100 columns under the labels; OK last */
	assert_string_equal(
		tsc_buf_str(&x->b),
		"TCPSCOPE CRITICAL: 1 critical, 0 warning, 2 ok (74 sockets, netns web, counters over 2.0 s, port 8080)\n"
		"\n"
		"CRITICAL  syn-recv: 65 half-open connections (SYN_RECV)\n"
		"  evidence  SYN_RECV 65\n"
		"            port 8080: 65 half-open, listener backlog 64 (102%)\n"
		"  meaning   SYN_RECV (SYN-RECEIVED, server side): a SYN arrived and was answered with a SYN-ACK, but\n"
		"            the client's ACK that completes the three-way handshake is missing.\n"
		"  fix       [kernel setting] keep net.ipv4.tcp_syncookies=1 (now 1) so a full SYN queue answers with\n"
		"            cookies instead of dropping SYNs\n"
		"\n"
		"OK        time-wait: 3 TIME_WAIT sockets, 2% of tcp_max_tw_buckets (150)\n"
		"OK        established: 5 ESTABLISHED connections\n");
}

static void test_human_scope(void **state)
{
	struct fixture *x = *state;

	x->in.netns = NULL;
	x->in.interval_ms = 0;
	x->in.has_port = false;
	x->in.process = "nginx";
	tsc_checkfmt_human(&x->b, &x->in);
	assert_non_null(strstr(tsc_buf_str(&x->b), "2 ok (74 sockets, process nginx)\n"));
}

static void test_nagios(void **state)
{
	struct fixture *x = *state;

	tsc_checkfmt_nagios(&x->b, &x->in);
	/* 101.562 % has no max (it would exceed it); 2 % keeps 0..100 */
	assert_string_equal(
		tsc_buf_str(&x->b),
		"TCPSCOPE CRITICAL - syn-recv: 65 half-open connections (SYN_RECV) | 'syn_recv_fill'=101.562%;50;90;0 'time_wait_pct'=2%;50;90;0;100 'established'=5;600;800;0 'syn_recv'=65;;;0 'time_wait'=3;;;0 'close_wait'=0;;;0 'fin_wait2'=0;;;0 'listen'=1;;;0\n"
		"CRITICAL syn-recv: port 8080: 65 half-open, listener backlog 64 (102%) [fix: kernel setting]\n");
}

static void test_nagios_ok(void **state)
{
	struct fixture *x = *state;

	x->r.f[0].severity = TSC_SEV_OK;
	x->r.f[0].value = 100; /* exactly 100: max stays */
	x->r.worst = TSC_SEV_OK;
	tsc_checkfmt_nagios(&x->b, &x->in);
	assert_string_equal(tsc_buf_str(&x->b),
			    "TCPSCOPE OK - 74 sockets, all 3 checks OK | "
			    "'syn_recv_fill'=100%;50;90;0;100 'time_wait_pct'=2%;50;90;0;100 "
			    "'established'=5;600;800;0 'syn_recv'=65;;;0 'time_wait'=3;;;0 "
			    "'close_wait'=0;;;0 'fin_wait2'=0;;;0 'listen'=1;;;0\n");
}

static void test_json(void **state)
{
	struct fixture *x = *state;

	tsc_checkfmt_json(&x->b, &x->in);
	/* sysctl keys from the fact table, unread ones null; counters as deltas */
	assert_string_equal(
		tsc_buf_str(&x->b),
		"{\n"
		"  \"status\": \"CRITICAL\",\n"
		"  \"exit_code\": 2,\n"
		"  \"netns\": \"web\",\n"
		"  \"interval_s\": 2.000,\n"
		"  \"sockets\": 74,\n"
		"  \"states\": {\n"
		"    \"CLOSED\": 0,\n"
		"    \"LISTEN\": 1,\n"
		"    \"SYN-SENT\": 0,\n"
		"    \"SYN-RECEIVED\": 65,\n"
		"    \"ESTABLISHED\": 5,\n"
		"    \"FIN-WAIT-1\": 0,\n"
		"    \"FIN-WAIT-2\": 0,\n"
		"    \"CLOSE-WAIT\": 0,\n"
		"    \"CLOSING\": 0,\n"
		"    \"LAST-ACK\": 0,\n"
		"    \"TIME-WAIT\": 3\n"
		"  },\n"
		"  \"sysctls\": {\n"
		"    \"net.core.somaxconn\": 4096,\n"
		"    \"net.ipv4.tcp_max_syn_backlog\": null,\n"
		"    \"net.ipv4.tcp_syncookies\": 1,\n"
		"    \"net.ipv4.tcp_max_tw_buckets\": null,\n"
		"    \"net.ipv4.tcp_tw_reuse\": null,\n"
		"    \"net.ipv4.tcp_fin_timeout\": null,\n"
		"    \"net.ipv4.tcp_max_orphans\": null,\n"
		"    \"net.ipv4.tcp_keepalive_time\": null,\n"
		"    \"net.ipv4.tcp_keepalive_intvl\": null,\n"
		"    \"net.ipv4.tcp_keepalive_probes\": null,\n"
		"    \"net.ipv4.ip_local_port_range\": [\n"
		"      32768,\n"
		"      60999\n"
		"    ]\n"
		"  },\n"
		"  \"counters\": {\n"
		"    \"TcpExt.SyncookiesSent\": 36\n"
		"  },\n"
		"  \"counters_are\": \"deltas over interval_s\",\n"
		"  \"findings\": [\n"
		"    {\n"
		"      \"id\": \"syn-recv\",\n"
		"      \"severity\": \"CRITICAL\",\n"
		"      \"title\": \"65 half-open connections (SYN_RECV)\",\n"
		"      \"value\": 101.562,\n"
		"      \"unit\": \"%\",\n"
		"      \"warn\": 50.000,\n"
		"      \"crit\": 90.000,\n"
		"      \"evidence\": [\n"
		"        \"SYN_RECV 65\",\n"
		"        \"port 8080: 65 half-open, listener backlog 64 (102%)\"\n"
		"      ],\n"
		"      \"meaning\": \"SYN_RECV (SYN-RECEIVED, server side): a SYN arrived and was answered with a SYN-ACK, but the client's ACK that completes the three-way handshake is missing.\",\n"
		"      \"fix_kind\": \"kernel setting\",\n"
		"      \"fix\": \"keep net.ipv4.tcp_syncookies=1 (now 1) so a full SYN queue answers with cookies instead of dropping SYNs\"\n"
		"    },\n"
		"    {\n"
		"      \"id\": \"time-wait\",\n"
		"      \"severity\": \"OK\",\n"
		"      \"title\": \"3 TIME_WAIT sockets, 2% of tcp_max_tw_buckets (150)\",\n"
		"      \"value\": 2.000,\n"
		"      \"unit\": \"%\",\n"
		"      \"warn\": 50.000,\n"
		"      \"crit\": 90.000,\n"
		"      \"evidence\": [\n"
		"        \"TIME_WAIT 3 of tcp_max_tw_buckets 150\"\n"
		"      ],\n"
		"      \"meaning\": \"TIME_WAIT is kept by the side that closed first.\",\n"
		"      \"fix_kind\": \"none\",\n"
		"      \"fix\": \"reuse connections\"\n"
		"    },\n"
		"    {\n"
		"      \"id\": \"established\",\n"
		"      \"severity\": \"OK\",\n"
		"      \"title\": \"5 ESTABLISHED connections\",\n"
		"      \"value\": 5.000,\n"
		"      \"unit\": \"sockets\",\n"
		"      \"warn\": 600.000,\n"
		"      \"crit\": 800.000,\n"
		"      \"evidence\": [\n"
		"        \"ESTABLISHED 5 (warning above 600, critical above 800)\"\n"
		"      ],\n"
		"      \"meaning\": \"normal\",\n"
		"      \"fix_kind\": \"none\",\n"
		"      \"fix\": \"\"\n"
		"    }\n"
		"  ]\n"
		"}\n");
}

static void test_json_totals(void **state)
{
	struct fixture *x = *state;
	const char *s;

	x->in.c1 = NULL;
	x->in.interval_ms = 0;
	x->in.netns = NULL;
	x->sys.port_lo = -1;
	tsc_checkfmt_json(&x->b, &x->in);
	s = tsc_buf_str(&x->b);
	assert_non_null(strstr(s, "\"netns\": null,\n  \"interval_s\": null,\n"));
	assert_non_null(strstr(s, "\"TcpExt.SyncookiesSent\": 100\n"));
	assert_non_null(strstr(s, "\"counters_are\": \"totals\""));
	assert_non_null(strstr(s, "\"net.ipv4.ip_local_port_range\": null\n"));
}

static void test_list(void **state)
{
	struct fixture *x = *state;
	struct tsc_check_config cfg;
	char line[128];

	tsc_check_config_init(&cfg);
	tsc_checkfmt_list(&x->b, &cfg);
	snprintf(line, sizeof(line), "%-14s %8s %8s  %s\n", "RULE", "WARN", "CRIT",
		 "UNIT (alert above)");
	assert_memory_equal(tsc_buf_str(&x->b), line, strlen(line));
	assert_non_null(
		strstr(tsc_buf_str(&x->b),
		       "\nestablished         600      800  sockets\n"
		       "syn-recv             50       90  % of a listener's backlog half-open\n"));
	assert_non_null(
		strstr(tsc_buf_str(&x->b),
		       "\nidle                 10        0  idle ESTABLISHED sockets without "
		       "keepalive\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_human, setup, teardown),
		cmocka_unit_test_setup_teardown(test_human_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nagios, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nagios_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
