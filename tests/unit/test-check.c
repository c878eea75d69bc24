/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the findings engine (lib/diag/check) and the Nagios plugin
 * formatting (lib/output/nagios): threshold parsing and grading, severity
 * ranking, perfdata numbers and label quoting, word wrapping, the readers of
 * counters and sysctls, the snapshot's breakdowns that `tune` reads, and
 * every rule fed with handcrafted sockets, sysctls and counter samples.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "diag/check.h"
#include "output/nagios.h"
#include "output/wrap.h"

/* --- thresholds ------------------------------------------------------------ */

static void test_threshold_parse(void **state)
{
	struct tsc_threshold th = { 600, 800 };
	struct tsc_check_config cfg;

	(void)state;
	assert_int_equal(tsc_check_threshold_parse("100", &th), 0);
	assert_true(th.warn == 100 && th.crit == 800); /* crit kept */
	assert_int_equal(tsc_check_threshold_parse("1.5:2.25", &th), 0);
	assert_true(th.warn == 1.5 && th.crit == 2.25);
	assert_int_equal(tsc_check_threshold_parse("0:0", &th), 0);
	assert_true(th.warn == 0 && th.crit == 0);
	assert_int_equal(tsc_check_threshold_parse("5:0", &th), 0); /* crit disabled */
	assert_int_equal(tsc_check_threshold_parse("0:5", &th), 0); /* warn disabled */
	th = (struct tsc_threshold){ 1, 2 };
	assert_int_equal(tsc_check_threshold_parse("9:8", &th), -ERANGE);
	assert_true(th.warn == 1 && th.crit == 2);			  /* unchanged on error */
	assert_int_equal(tsc_check_threshold_parse("900", &th), -ERANGE); /* above crit 2 */
	assert_int_equal(tsc_check_threshold_parse("-5", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("5:-1", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse(":", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("1:2:3", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("1e3", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse(" 1", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("1.", &th), -EINVAL);
	assert_int_equal(tsc_check_threshold_parse("10000000000000", &th), -ERANGE);
	assert_int_equal(tsc_check_threshold_parse(NULL, &th), -EINVAL);

	tsc_check_config_init(&cfg);
	assert_true(cfg.th[TSC_CHECK_ESTABLISHED].warn == 600);
	assert_true(cfg.th[TSC_CHECK_ESTABLISHED].crit == 800);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "443:100:200"), 0);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "80:50"), 0);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "443:10:20"), 0); /* replaces */
	assert_int_equal(cfg.nports, 2);
	assert_int_equal(cfg.ports[0].port, 443);
	assert_true(cfg.ports[0].th.warn == 10 && cfg.ports[0].th.crit == 20);
	assert_true(cfg.ports[1].th.warn == 50 && cfg.ports[1].th.crit == 0);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "443"), -EINVAL);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "65536:1"), -EINVAL);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, ":1"), -EINVAL);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "22:5:1"), -ERANGE);
	for (unsigned p = 1; cfg.nports < TSC_CHECK_MAX_PORTS; p++) {
		char spec[16];

		snprintf(spec, sizeof(spec), "%u:1", 1000 + p);
		assert_int_equal(tsc_check_port_threshold_add(&cfg, spec), 0);
	}
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "9:1"), -E2BIG);

	assert_int_equal(tsc_check_rule_parse("close-wait"), TSC_CHECK_CLOSE_WAIT);
	assert_int_equal(tsc_check_rule_parse("CLOSE-WAIT"), -EINVAL);
	assert_int_equal(tsc_check_rule_parse("bogus"), -EINVAL);
	for (int r = 0; r < TSC_CHECK_NRULES; r++) {
		assert_int_equal(tsc_check_rule_parse(tsc_check_rule_id(r)), r);
		assert_non_null(strstr(tsc_check_rule_ids(), tsc_check_rule_id(r)));
		assert_true(tsc_check_threshold_valid(&cfg.th[r]) == 0);
	}
}

static void test_grade(void **state)
{
	struct tsc_threshold th = { 600, 800 };
	struct tsc_threshold off = { 0, 0 }, only_warn = { 10, 0 };

	(void)state;
	/* Nagios semantics: alert when the value is above the threshold */
	assert_int_equal(tsc_check_grade(0, &th), TSC_SEV_OK);
	assert_int_equal(tsc_check_grade(600, &th), TSC_SEV_OK);
	assert_int_equal(tsc_check_grade(601, &th), TSC_SEV_WARNING);
	assert_int_equal(tsc_check_grade(800, &th), TSC_SEV_WARNING);
	assert_int_equal(tsc_check_grade(800.5, &th), TSC_SEV_CRITICAL);
	assert_int_equal(tsc_check_grade(1e9, &off), TSC_SEV_OK);
	assert_int_equal(tsc_check_grade(1e9, &only_warn), TSC_SEV_WARNING);

	assert_int_equal(tsc_severity_worst(TSC_SEV_OK, TSC_SEV_UNKNOWN), TSC_SEV_UNKNOWN);
	assert_int_equal(tsc_severity_worst(TSC_SEV_UNKNOWN, TSC_SEV_WARNING), TSC_SEV_WARNING);
	assert_int_equal(tsc_severity_worst(TSC_SEV_CRITICAL, TSC_SEV_WARNING), TSC_SEV_CRITICAL);
	assert_int_equal(tsc_severity_worst(TSC_SEV_WARNING, TSC_SEV_CRITICAL), TSC_SEV_CRITICAL);
	assert_int_equal(tsc_severity_worst(TSC_SEV_OK, TSC_SEV_OK), TSC_SEV_OK);
	assert_string_equal(tsc_severity_name(TSC_SEV_CRITICAL), "CRITICAL");
	assert_string_equal(tsc_severity_name(42), "UNKNOWN");
}

/* --- Nagios formatting ---------------------------------------------------------- */

static const char *fmt_perf(struct tsc_buf *b, const struct tsc_perf *p)
{
	tsc_buf_reset(b);
	tsc_nagios_perf(b, p);
	return tsc_buf_str(b);
}

static void test_perfdata(void **state)
{
	struct tsc_buf b;
	struct tsc_perf p = { .label = "established", .value = 9 };

	(void)state;
	tsc_buf_init(&b, 0);
	assert_string_equal(fmt_perf(&b, &p), "'established'=9");
	p.has_warn = p.has_crit = true;
	p.warn = 600;
	p.crit = 800;
	assert_string_equal(fmt_perf(&b, &p), "'established'=9;600;800");
	p.has_min = true;
	assert_string_equal(fmt_perf(&b, &p), "'established'=9;600;800;0");
	p.has_crit = false; /* empty middle field stays, trailing ones go */
	assert_string_equal(fmt_perf(&b, &p), "'established'=9;600;;0");
	p = (struct tsc_perf){
		.label = "fill", .value = 112.5, .uom = "%", .has_max = true, .max = 100
	};
	assert_string_equal(fmt_perf(&b, &p), "'fill'=112.5%;;;;100");
	p = (struct tsc_perf){ .label = "it's a=b", .value = 0.3333333 };
	assert_string_equal(fmt_perf(&b, &p), "'it''s a_b'=0.333");
	p = (struct tsc_perf){ .label = "", .value = -0.0 };
	assert_string_equal(fmt_perf(&b, &p), "'unnamed'=0");
	p = (struct tsc_perf){ .label = "x", .value = NAN };
	assert_string_equal(fmt_perf(&b, &p), "'x'=U");
	p = (struct tsc_perf){ .label = "x", .value = 1e20 };
	assert_string_equal(fmt_perf(&b, &p), "'x'=100000000000000000000");
	p = (struct tsc_perf){ .label = "x", .value = 2.5, .uom = "s" };
	assert_string_equal(fmt_perf(&b, &p), "'x'=2.5s");

	tsc_buf_reset(&b);
	tsc_nagios_status(&b, "TCPSCOPE", TSC_NAGIOS_WARNING, "a | b\nc", &p, 1);
	assert_string_equal(tsc_buf_str(&b), "TCPSCOPE WARNING - a / b c | 'x'=2.5s\n");
	tsc_buf_reset(&b);
	tsc_nagios_status(&b, "TCPSCOPE", 7, "oops", NULL, 0);
	assert_string_equal(tsc_buf_str(&b), "TCPSCOPE UNKNOWN - oops\n");
	assert_string_equal(tsc_nagios_state_name(TSC_NAGIOS_OK), "OK");
	assert_string_equal(tsc_nagios_state_name(TSC_NAGIOS_CRITICAL), "CRITICAL");
	tsc_buf_release(&b);
}

/* --- rules ------------------------------------------------------------------ */

static struct tsc_sock mk(unsigned state, const char *local, uint16_t lport, const char *peer,
			  uint16_t pport, uint64_t inode)
{
	struct tsc_sock s;
	unsigned a[4];

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = (uint8_t)state;
	assert_int_equal(sscanf(local, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]), 4);
	for (int i = 0; i < 4; i++)
		s.local[i] = (uint8_t)a[i];
	assert_int_equal(sscanf(peer, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]), 4);
	for (int i = 0; i < 4; i++)
		s.peer[i] = (uint8_t)a[i];
	s.lport = lport;
	s.pport = pport;
	s.inode = inode;
	return s;
}

static const struct tsc_finding *find(const struct tsc_check_report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].id, id))
			return &r->f[i];
	fail_msg("no finding %s", id);
	return NULL;
}

static bool has_evidence(const struct tsc_finding *f, const char *needle)
{
	for (unsigned i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i], needle))
			return true;
	return false;
}

static struct tsc_check_sysctls sysctls(void)
{
	struct tsc_check_sysctls s;

	tsc_check_sysctls_init(&s);
	s.somaxconn = 4096;
	s.syncookies = 1;
	s.max_syn_backlog = 512;
	s.max_tw_buckets = 100;
	s.port_lo = 40000;
	s.port_hi = 40009;
	s.tw_reuse = 2;
	s.fin_timeout = 60;
	s.max_orphans = 1000;
	return s;
}

static struct tsc_check_report *run(const struct tsc_check_snap *snap,
				    const struct tsc_check_sysctls *sys,
				    const struct tsc_check_counters *c0,
				    const struct tsc_check_counters *c1)
{
	struct tsc_check_config cfg;
	struct tsc_check_input in = {
		.snap = snap, .sys = sys, .c0 = c0, .c1 = c1, .interval_ms = c1 ? 2000 : 0
	};

	tsc_check_config_init(&cfg);
	return tsc_check_run(&cfg, &in);
}

static void test_healthy(void **state)
{
	struct tsc_check_snap_opts o = { .eph_lo = 40000, .eph_hi = 40009, .idle_ms = 1000 };
	struct tsc_check_snap *snap = tsc_check_snap_new(&o);
	struct tsc_check_sysctls sys = sysctls();
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	assert_non_null(snap);
	s = mk(TSC_TCP_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	s.wqueue = 128;
	tsc_check_snap_add(snap, &s, NULL);
	for (unsigned i = 0; i < 5; i++) {
		s = mk(TSC_TCP_ESTABLISHED, "10.0.0.1", 80, "10.0.0.2", (uint16_t)(50000 + i),
		       10 + i);
		tsc_check_snap_add(snap, &s, NULL);
	}
	/* kernel data out of range is ignored, not an index */
	s.state = 200;
	tsc_check_snap_add(snap, &s, NULL);
	s.state = TSC_TCP_ESTABLISHED;
	s.family = 99;
	tsc_check_snap_add(snap, &s, NULL);
	assert_int_equal(tsc_check_snap_counts(snap)[TSC_TCP_ESTABLISHED], 5);

	r = run(snap, &sys, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(r->n, TSC_CHECK_NRULES);
	assert_int_equal(r->worst, TSC_SEV_OK);
	assert_int_equal(r->nsev[TSC_SEV_OK], TSC_CHECK_NRULES);
	for (size_t i = 0; i < r->n; i++) {
		assert_non_null(r->f[i].meaning);
		assert_true(r->f[i].title[0] != '\0');
		assert_true(r->f[i].nevidence > 0);
		assert_string_equal(r->f[i].fix_kind, "none");
	}
	assert_true(find(r, "established")->value == 5);
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
	tsc_check_snap_free(NULL);
}

static void test_accept_queue_and_close_wait(void **state)
{
	struct tsc_check_snap *snap = tsc_check_snap_new(NULL);
	struct tsc_check_sysctls sys = sysctls();
	struct tsc_proc_owner web = { .pid = 42, .fd = 3, .comm = "web" };
	struct tsc_check_counters c0 = { .valid = true }, c1;
	const struct tsc_finding *f;
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	s = mk(TSC_TCP_LISTEN, "10.0.0.1", 8080, "0.0.0.0", 0, 1);
	s.rqueue = 17; /* the kernel holds backlog + 1 when full */
	s.wqueue = 16;
	tsc_check_snap_add(snap, &s, &web);
	s = mk(TSC_TCP_LISTEN, "10.0.0.1", 22, "0.0.0.0", 0, 2);
	s.rqueue = 1;
	s.wqueue = 128;
	tsc_check_snap_add(snap, &s, NULL);
	for (unsigned i = 0; i < 12; i++) {
		s = mk(TSC_TCP_CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.9", (uint16_t)(1000 + i),
		       100 + i);
		tsc_check_snap_add(snap, &s, &web);
	}
	s = mk(TSC_TCP_CLOSE_WAIT, "10.0.0.1", 9090, "10.0.0.9", 1, 0);
	tsc_check_snap_add(snap, &s, NULL);

	c0.have[TSC_CNT_LISTEN_OVERFLOWS] = c0.have[TSC_CNT_LISTEN_DROPS] = true;
	c0.v[TSC_CNT_LISTEN_OVERFLOWS] = 10;
	c1 = c0;
	c1.v[TSC_CNT_LISTEN_OVERFLOWS] = 25;
	r = run(snap, &sys, &c0, &c1);
	assert_non_null(r);
	assert_int_equal(r->worst, TSC_SEV_CRITICAL);

	f = find(r, "accept-queue");
	assert_int_equal(f->severity, TSC_SEV_CRITICAL);
	assert_true(fabs(f->value - 106.25) < 1e-9);
	assert_string_equal(f->title, "accept queue full on 10.0.0.1:8080, web (pid 42)");
	assert_true(has_evidence(
		f, "10.0.0.1:8080 web (pid 42): accept queue 17 of backlog 16 (full)"));
	assert_true(
		has_evidence(f, "10.0.0.1:22 no owning process: accept queue 1 of backlog 128"));
	assert_true(has_evidence(f, "TcpExt.ListenOverflows +15 in 2.0 s (total 25)"));
	assert_string_equal(f->fix_kind, "application");

	f = find(r, "close-wait");
	assert_int_equal(f->severity, TSC_SEV_WARNING); /* 12 > 10 */
	assert_true(f->value == 12);
	assert_true(has_evidence(f, "CLOSE_WAIT 13 in all"));
	assert_true(has_evidence(f, "web (pid 42), local port 8080: 12 CLOSE_WAIT"));
	assert_true(has_evidence(f, "no owning process, local port 9090: 1 CLOSE_WAIT"));
	assert_non_null(strstr(f->fix, "No sysctl fixes this"));
	assert_int_equal(r->nsev[TSC_SEV_CRITICAL], 1);
	assert_int_equal(r->nsev[TSC_SEV_WARNING], 1);
	tsc_check_report_free(r);

	/* no interval: counters are evidence, not a rate; the queue decides */
	r = run(snap, &sys, &c0, NULL);
	f = find(r, "accept-queue");
	assert_true(has_evidence(f, "TcpExt.ListenOverflows 10 since the network namespace"));
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

static void test_syn_flood(void **state)
{
	struct tsc_check_snap *snap = tsc_check_snap_new(NULL);
	struct tsc_check_sysctls sys = sysctls();
	const struct tsc_finding *f;
	struct tsc_check_report *r;
	struct tsc_sock s;
	char peer[32];

	(void)state;
	s = mk(TSC_TCP_LISTEN, "10.0.0.1", 80, "0.0.0.0", 0, 1);
	s.wqueue = 64;
	tsc_check_snap_add(snap, &s, NULL);
	for (unsigned i = 0; i < 64; i++) {
		snprintf(peer, sizeof(peer), "10.9.%u.%u", i / 16, i % 16 + 1);
		s = mk(i % 2 ? TSC_TCP_NEW_SYN_RECV : TSC_TCP_SYN_RECV, "10.0.0.1", 80, peer,
		       (uint16_t)(2000 + i), 0);
		tsc_check_snap_add(snap, &s, NULL);
	}
	r = run(snap, &sys, NULL, NULL);
	f = find(r, "syn-recv");
	assert_int_equal(f->severity, TSC_SEV_CRITICAL); /* 100% > 90 */
	assert_true(f->value == 100);
	assert_true(has_evidence(f, "SYN_RECV 64 "));
	assert_true(has_evidence(f, "port 80: 64 half-open, listener backlog 64 (100%)"));
	assert_true(has_evidence(f, "64 distinct source addresses; top:"));
	assert_true(has_evidence(f, "(spoofed) SYN flood"));
	assert_true(has_evidence(f, "tcp_syncookies=1, somaxconn=4096, tcp_max_syn_backlog=512"));
	/* 64 SYN_RECV and no ESTABLISHED: below the attack threshold of 500 */
	assert_int_equal(find(r, "attack")->severity, TSC_SEV_OK);
	assert_true(find(r, "attack")->value == 64);
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

static void test_time_wait_and_ports(void **state)
{
	struct tsc_check_snap_opts o = { .eph_lo = 40000, .eph_hi = 40009 };
	struct tsc_check_snap *snap = tsc_check_snap_new(&o);
	struct tsc_check_sysctls sys = sysctls();
	struct tsc_check_counters c0 = { .valid = true };
	const struct tsc_finding *f;
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	/* 10 ports of 10 toward one destination: 8 TIME_WAIT, 2 ESTABLISHED */
	for (unsigned i = 0; i < 10; i++) {
		s = mk(i < 8 ? TSC_TCP_TIME_WAIT : TSC_TCP_ESTABLISHED, "10.0.0.1",
		       (uint16_t)(40000 + i), "10.0.0.2", 443, i < 8 ? 0 : 50 + i);
		s.timer = i < 8 ? TSC_TIMER_TIMEWAIT : 0;
		tsc_check_snap_add(snap, &s, NULL);
	}
	/* outside the ephemeral range: not counted toward port use */
	s = mk(TSC_TCP_ESTABLISHED, "10.0.0.1", 22, "10.0.0.2", 443, 99);
	tsc_check_snap_add(snap, &s, NULL);
	c0.have[TSC_CNT_TW_OVERFLOW] = true;
	c0.v[TSC_CNT_TW_OVERFLOW] = 3;

	r = run(snap, &sys, &c0, NULL);
	f = find(r, "ports");
	assert_int_equal(f->severity, TSC_SEV_CRITICAL);
	assert_true(f->value == 100);
	assert_string_equal(f->title,
			    "10 of 10 local ports in use from 10.0.0.1 toward 10.0.0.2:443 (100%)");
	assert_true(
		has_evidence(f, "exhausted: connect() to 10.0.0.2:443 fails with EADDRNOTAVAIL"));
	f = find(r, "time-wait");
	assert_int_equal(f->severity, TSC_SEV_OK); /* 8 of 100 buckets */
	assert_true(f->value == 8);
	assert_true(has_evidence(f, "toward 10.0.0.2:443: 8 TIME_WAIT"));
	assert_true(has_evidence(f, "TcpExt.TCPTimeWaitOverflow 3 since"));
	assert_non_null(strstr(f->fix, "tcp_tw_recycle (removed in Linux 4.12"));
	tsc_check_report_free(r);

	/* tcp_tw_reuse=1: TIME_WAIT ports can be reused, 2 of 10 used */
	sys.tw_reuse = 1;
	sys.max_tw_buckets = 8;
	r = run(snap, &sys, &c0, NULL);
	f = find(r, "ports");
	assert_int_equal(f->severity, TSC_SEV_OK);
	assert_true(f->value == 20);
	f = find(r, "time-wait");
	assert_int_equal(f->severity, TSC_SEV_CRITICAL); /* 100% of 8 */
	assert_true(has_evidence(f, "the table is full"));
	tsc_check_report_free(r);

	/* unknown sysctls: no percentages, no crash */
	tsc_check_sysctls_init(&sys);
	r = run(snap, &sys, NULL, NULL);
	assert_true(find(r, "ports")->value == 0);
	assert_true(find(r, "time-wait")->value == 0);
	assert_true(has_evidence(find(r, "ports"), "ip_local_port_range could not be read"));
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

static void test_closing_states_and_idle(void **state)
{
	struct tsc_check_snap_opts o = { .idle_ms = 60000 };
	struct tsc_check_snap *snap = tsc_check_snap_new(&o);
	struct tsc_check_sysctls sys = sysctls();
	const struct tsc_finding *f;
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	for (unsigned i = 0; i < 25; i++) {
		s = mk(TSC_TCP_FIN_WAIT1, "10.0.0.1", 80, "10.0.0.7", (uint16_t)(3000 + i), 0);
		s.timer = TSC_TIMER_RETRANS;
		s.retrans = 3;
		tsc_check_snap_add(snap, &s, NULL);
	}
	/* a timewait socket in FIN_WAIT2 substate is no orphan */
	s = mk(TSC_TCP_FIN_WAIT2, "10.0.0.1", 80, "10.0.0.8", 1, 0);
	s.timer = TSC_TIMER_TIMEWAIT;
	tsc_check_snap_add(snap, &s, NULL);
	/* idle ESTABLISHED: one without timer (suspect), one with keepalive,
	 * one recently active */
	s = mk(TSC_TCP_ESTABLISHED, "10.0.0.1", 22, "10.0.0.3", 5555, 7);
	s.has_info = true;
	s.info.last_data_recv_ms = s.info.last_ack_recv_ms = 120000;
	tsc_check_snap_add(snap, &s, NULL);
	s.timer = TSC_TIMER_KEEPALIVE;
	tsc_check_snap_add(snap, &s, NULL);
	s.timer = 0;
	s.info.last_ack_recv_ms = 10;
	tsc_check_snap_add(snap, &s, NULL);

	r = run(snap, &sys, NULL, NULL);
	f = find(r, "fin-wait-1");
	assert_int_equal(f->severity, TSC_SEV_WARNING); /* 25 > 20 */
	assert_string_equal(f->title, "25 FIN_WAIT1 sockets, 25 retransmitting their FIN");
	assert_true(has_evidence(f, "top remote addresses: 10.0.0.7 (25)"));
	assert_string_equal(f->fix_kind, "network");
	f = find(r, "orphans");
	assert_true(fabs(f->value - 2.5) < 1e-9); /* 25 of 1000 */
	assert_int_equal(f->severity, TSC_SEV_OK);
	f = find(r, "idle");
	assert_true(f->value == 1);
	assert_true(has_evidence(f, "10.0.0.1:22 -> 10.0.0.3:5555 idle 120 s"));
	assert_true(has_evidence(f, "1 have a keepalive timer"));
	assert_int_equal(f->severity, TSC_SEV_OK); /* 1 is not above 10 */
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

static void test_retrans_rate(void **state)
{
	struct tsc_check_snap *snap = tsc_check_snap_new(NULL);
	struct tsc_check_sysctls sys = sysctls();
	struct tsc_check_counters c0 = { .valid = true }, c1;
	const struct tsc_finding *f;
	struct tsc_check_report *r;

	(void)state;
	c0.have[TSC_CNT_OUT_SEGS] = c0.have[TSC_CNT_RETRANS_SEGS] = true;
	c0.v[TSC_CNT_OUT_SEGS] = 100000;
	c0.v[TSC_CNT_RETRANS_SEGS] = 50000; /* a bad past does not count */
	c1 = c0;
	c1.v[TSC_CNT_OUT_SEGS] += 1000;
	c1.v[TSC_CNT_RETRANS_SEGS] += 150;
	r = run(snap, &sys, &c0, &c1);
	f = find(r, "retrans");
	assert_true(fabs(f->value - 15.0) < 1e-9);
	assert_int_equal(f->severity, TSC_SEV_CRITICAL);
	assert_string_equal(f->metric, "retrans_pct");
	tsc_check_report_free(r);

	/* without an interval: a lifetime ratio, never an alert, no perfdata */
	r = run(snap, &sys, &c0, NULL);
	f = find(r, "retrans");
	assert_int_equal(f->severity, TSC_SEV_OK);
	assert_string_equal(f->metric, "");
	assert_non_null(strstr(f->title, "50.00% of segments retransmitted since"));
	tsc_check_report_free(r);

	/* too little traffic for a rate */
	c1 = c0;
	c1.v[TSC_CNT_OUT_SEGS] += 10;
	c1.v[TSC_CNT_RETRANS_SEGS] += 10;
	r = run(snap, &sys, &c0, &c1);
	assert_int_equal(find(r, "retrans")->severity, TSC_SEV_OK);
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

static void test_port_thresholds(void **state)
{
	struct tsc_check_snap *snap = tsc_check_snap_new(NULL);
	struct tsc_check_sysctls sys = sysctls();
	struct tsc_check_config cfg;
	struct tsc_check_input in = { .snap = snap, .sys = &sys };
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	for (unsigned i = 0; i < 7; i++) {
		s = mk(TSC_TCP_ESTABLISHED, "10.0.0.1", 443, "10.0.0.2", (uint16_t)(6000 + i),
		       i + 1);
		tsc_check_snap_add(snap, &s, NULL);
	}
	tsc_check_config_init(&cfg);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "443:5:6"), 0);
	assert_int_equal(tsc_check_port_threshold_add(&cfg, "80:1"), 0);
	r = tsc_check_run(&cfg, &in);
	assert_int_equal(r->n, TSC_CHECK_NRULES + 2);
	assert_string_equal(r->f[1].id, "established-port");
	assert_string_equal(r->f[1].metric, "established_443");
	assert_int_equal(r->f[1].severity, TSC_SEV_CRITICAL);
	assert_string_equal(r->f[2].metric, "established_80");
	assert_int_equal(r->f[2].severity, TSC_SEV_OK);
	assert_int_equal(r->worst, TSC_SEV_CRITICAL);
	tsc_check_report_free(r);
	assert_null(tsc_check_run(&cfg, &(struct tsc_check_input){ 0 }));
	tsc_check_snap_free(snap);
}

/* --- inputs and the shared snapshot ------------------------------------------ */

static void test_wrap(void **state)
{
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 0);
	/* width 20: "aaa bbb ccc" fits after "x: ", "dddddd" goes to a new line */
	tsc_buf_puts(&b, "x: ");
	tsc_fmt_wrap(&b, "aaa  bbb ccc dddddd  ", 3, "   ", 20);
	assert_string_equal(tsc_buf_str(&b), "x: aaa bbb ccc\n   dddddd\n");
	/* past the indent the first word is spaced, and wraps if it must */
	tsc_buf_reset(&b);
	tsc_fmt_wrap(&b, "longword", 15, "  ", 20);
	assert_string_equal(tsc_buf_str(&b), "\n  longword\n");
	tsc_buf_reset(&b);
	tsc_fmt_wrap(&b, "a", 3, "  ", 20);
	assert_string_equal(tsc_buf_str(&b), " a\n");
	/* a word longer than the line stays whole; empty text is a newline */
	tsc_buf_reset(&b);
	tsc_fmt_wrap(&b, "0123456789abcdefghijklmn z", 2, "  ", 10);
	assert_string_equal(tsc_buf_str(&b), "0123456789abcdefghijklmn\n  z\n");
	tsc_buf_reset(&b);
	tsc_fmt_wrap(&b, "", 0, "", 10);
	assert_string_equal(tsc_buf_str(&b), "\n");
	tsc_buf_release(&b);
}

static void test_inputs(void **state)
{
	struct tsc_check_counters c;
	struct tsc_check_sysctls sys;
	const struct tsc_sysctl_fact *f;
	const char *file = NULL;
	int64_t v;
	size_t n;

	(void)state;
	assert_int_equal(tsc_check_counters_read(TSC_TEST_DATA "/check/proc/net", &c, &file), 0);
	assert_true(c.valid && c.have[TSC_CNT_OUT_SEGS] && c.v[TSC_CNT_OUT_SEGS] > 0);
	assert_true(c.have[TSC_CNT_LISTEN_OVERFLOWS]);
	assert_int_equal(tsc_check_counters_read(TSC_TEST_DATA "/check", &c, &file), -ENOENT);
	assert_string_equal(file, "snmp");
	assert_int_equal(tsc_check_counters_read(TSC_TEST_DATA "/check/proc/net", &c, NULL), 0);

	tsc_check_sysctls_init(&sys);
	assert_int_equal(tsc_check_sysctls_read(TSC_TEST_DATA "/check/sys", &sys), 4);
	assert_int_equal(sys.somaxconn, 4096);
	assert_int_equal(sys.syncookies, 1);
	assert_int_equal(sys.max_orphans, -1); /* "-1" reads, and means unknown */
	assert_int_equal(sys.fin_timeout, -1); /* "60 " is refused */
	assert_int_equal(sys.port_lo, 32768);
	assert_int_equal(sys.port_hi, 60999);
	/* the report order and keys come from the fact table */
	for (n = 0; tsc_check_sysctl_at(&sys, n, &f, &v); n++)
		assert_non_null(strstr(f->key, f->name));
	assert_int_equal(n, 10);
	assert_true(tsc_check_sysctl_at(&sys, 0, &f, &v));
	assert_string_equal(f->key, "net.core.somaxconn");
	assert_int_equal(v, 4096);
}

/* What `tune` reads from the snapshot: sockets without an owner per state,
 * TIME_WAIT incoming or outgoing, and no destinations on listening ports. */
static void test_snapshot_for_tune(void **state)
{
	struct tsc_check_snap_opts o = { .eph_lo = 40000, .eph_hi = 40009 };
	struct tsc_check_snap *snap = tsc_check_snap_new(&o);
	struct tsc_check_sysctls sys = sysctls();
	const struct tsc_finding *f;
	struct tsc_check_report *r;
	struct tsc_sock s;

	(void)state;
	assert_non_null(snap);
	tsc_check_snap_listening(snap, 40005); /* a service inside the range */
	s = mk(TSC_TCP_LISTEN, "10.0.0.1", 40005, "0.0.0.0", 0, 1);
	tsc_check_snap_add(snap, &s, NULL);
	for (unsigned i = 0; i < 3; i++) { /* incoming, closed by us */
		s = mk(TSC_TCP_TIME_WAIT, "10.0.0.1", 40005, "10.0.0.3", (uint16_t)(5000 + i), 0);
		tsc_check_snap_add(snap, &s, NULL);
	}
	for (unsigned i = 0; i < 2; i++) { /* outgoing */
		s = mk(TSC_TCP_TIME_WAIT, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 80, 0);
		tsc_check_snap_add(snap, &s, NULL);
	}
	s = mk(TSC_TCP_TIME_WAIT, "10.0.0.1", 22, "10.0.0.2", 5000, 0); /* neither */
	tsc_check_snap_add(snap, &s, NULL);
	s = mk(TSC_TCP_FIN_WAIT2, "10.0.0.1", 40002, "10.0.0.2", 80, 0);
	s.timer = TSC_TIMER_TIMEWAIT; /* a timewait socket: no orphan for check */
	tsc_check_snap_add(snap, &s, NULL);
	s = mk(TSC_TCP_FIN_WAIT2, "10.0.0.1", 40003, "10.0.0.2", 80, 7);
	tsc_check_snap_add(snap, &s, NULL);
	s.state = 77; /* counted as passed, not per state */
	tsc_check_snap_add(snap, &s, NULL);

	assert_int_equal(tsc_check_snap_nsockets(snap), 10);
	assert_int_equal(tsc_check_snap_counts(snap)[TSC_TCP_TIME_WAIT], 6);
	r = run(snap, &sys, NULL, NULL);
	assert_non_null(r);
	/* ports toward 10.0.0.2:80: the 2 TIME_WAIT and 2 FIN_WAIT2, not the
	 * 3 incoming ones on the listening port 40005 */
	f = find(r, "ports");
	assert_true(has_evidence(f, "from 10.0.0.1 toward 10.0.0.2:80: 4 sockets"));
	assert_true(find(r, "orphans")->value == 0); /* the timewait one does not count */
	tsc_check_report_free(r);
	tsc_check_snap_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_inputs),
		cmocka_unit_test(test_snapshot_for_tune),
		cmocka_unit_test(test_threshold_parse),
		cmocka_unit_test(test_grade),
		cmocka_unit_test(test_perfdata),
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_accept_queue_and_close_wait),
		cmocka_unit_test(test_syn_flood),
		cmocka_unit_test(test_time_wait_and_ports),
		cmocka_unit_test(test_closing_states_and_idle),
		cmocka_unit_test(test_retrans_rate),
		cmocka_unit_test(test_port_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
