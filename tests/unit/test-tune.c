/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/diag/tune: validation of values and --set arguments, the
 * recommendation rules (which evidence changes which sysctl, and which it
 * must not change), the saved-values file (round trip and strict parsing),
 * and the write path over an in-memory I/O seam: verified writes, a failure
 * mid-way rolled back, a value the kernel stores differently detected.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diag/tune.h"

/* ------------------------------------------------------------------------ */
/* An in-memory /proc/sys */

struct fake {
	char val[TSC_TUNE_MAX_ITEMS][64];
	const struct tsc_sysctl_fact *fail_write; /* this write returns -EINVAL */
	const struct tsc_sysctl_fact *mangle;	  /* this write stores "7" */
	unsigned writes;
};

static size_t idx(const struct tsc_sysctl_fact *f)
{
	size_t n;
	const struct tsc_sysctl_fact *all = tsc_sysctl_facts(&n);

	return (size_t)(f - all);
}

static int fake_read(void *arg, const struct tsc_sysctl_fact *f, char *buf, size_t len)
{
	struct fake *fk = arg;
	const char *v = fk->val[idx(f)];

	if (!v[0])
		return -ENOENT;
	(void)snprintf(buf, len, "%s", v);
	return (int)strlen(buf);
}

static int fake_write(void *arg, const struct tsc_sysctl_fact *f, const char *text)
{
	struct fake *fk = arg;

	fk->writes++;
	if (f == fk->fail_write)
		return -EINVAL;
	(void)snprintf(fk->val[idx(f)], sizeof(fk->val[0]), "%s", f == fk->mangle ? "7" : text);
	return 0;
}

/* Every sysctl at its kernel default (tabs between vector values, as /proc). */
static void fake_defaults(struct fake *fk)
{
	size_t n;
	const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&n);

	memset(fk, 0, sizeof(*fk));
	for (size_t i = 0; i < n; i++) {
		if (f[i].removed_in)
			continue; /* absent, as on every kernel since 4.12 */
		(void)snprintf(fk->val[i], sizeof(fk->val[0]), "%s", f[i].kernel_default);
		for (char *p = fk->val[i]; *p; p++)
			if (*p == ' ')
				*p = '\t';
	}
}

static void fake_set(struct fake *fk, const char *name, const char *v)
{
	snprintf(fk->val[idx(tsc_sysctl_fact_find(name))], sizeof(fk->val[0]), "%s", v);
}

static struct tsc_tune_io fake_io(struct fake *fk)
{
	struct tsc_tune_io io = { fake_read, fake_write, fk };

	return io;
}

static const struct tsc_tune_item *item(struct tsc_tune *t, const char *name)
{
	const struct tsc_tune_item *it = tsc_tune_find(t, tsc_sysctl_fact_find(name));

	assert_non_null(it);
	return it;
}

static void tune_with(struct fake *fk, const struct tsc_tune_obs *obs, struct tsc_tune *t,
		      bool in_netns)
{
	struct tsc_tune_io io = fake_io(fk);

	tsc_tune_init(t);
	tsc_tune_read(t, &io, in_netns);
	tsc_tune_recommend(t, obs);
}

static size_t nchanges(const struct tsc_tune *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->items[i].change;
	return n;
}

/* ------------------------------------------------------------------------ */
/* Validation */

static int set(const char *arg)
{
	const struct tsc_sysctl_fact *f;
	struct tsc_sysctl_value v;

	return tsc_tune_parse_set(arg, &f, &v);
}

static void test_parse_set(void **state)
{
	const struct tsc_sysctl_fact *f;
	struct tsc_sysctl_value v;

	(void)state;
	assert_int_equal(tsc_tune_parse_set("net.ipv4.ip_local_port_range=10240 65535", &f, &v), 0);
	assert_string_equal(f->name, "ip_local_port_range");
	assert_int_equal(v.n, 2);
	assert_int_equal(v.v[0], 10240);
	assert_int_equal(v.v[1], 65535);
	assert_int_equal(set("tcp_rmem=4096\t131072 6291456"), 0);
	assert_int_equal(set("somaxconn = 8192"), 0);
	assert_int_equal(set("tcp_fin_timeout=30"), 0);
	/* format */
	assert_int_equal(set("tcp_fin_timeout"), -EINVAL);
	assert_int_equal(set("tcp_fin_timeout="), -EINVAL);
	assert_int_equal(set("tcp_fin_timeout=3x"), -EINVAL);
	assert_int_equal(set("tcp_fin_timeout=30 40"), -EINVAL);
	assert_int_equal(set("tcp_rmem=4096 87380"), -EINVAL);
	assert_int_equal(set("ip_local_port_range=40000"), -EINVAL);
	assert_int_equal(set("ip_local_port_range=40000,50000"), -EINVAL);
	/* ranges and order */
	assert_int_equal(set("ip_local_port_range=50000 40000"), -ERANGE);
	assert_int_equal(set("ip_local_port_range=40000 40000"), -ERANGE); /* low < high */
	assert_int_equal(set("ip_local_port_range=80 90"), -ERANGE);
	assert_int_equal(set("ip_local_port_range=1024 65536"), -ERANGE);
	assert_int_equal(set("tcp_rmem=4096 100 200"), -ERANGE);
	assert_int_equal(set("tcp_syncookies=3"), -ERANGE);
	assert_int_equal(set("tcp_fin_timeout=-1"), -ERANGE);
	assert_int_equal(set("tcp_fin_timeout=0"), -ERANGE);
	assert_int_equal(set("somaxconn=0"), -ERANGE);
	assert_int_equal(set("tcp_fin_timeout=99999999999999999999999"), -ERANGE);
	/* names */
	assert_int_equal(tsc_tune_parse_set("tcp_nosuch=1", &f, &v), -ENOENT);
	assert_null(f);
	assert_int_equal(set("=1"), -ENOENT);
	assert_int_equal(tsc_tune_parse_set("tcp_tw_recycle=1", &f, &v), -EOPNOTSUPP);
	assert_non_null(f);
	assert_string_equal(f->removed_in, "4.12");
}

static void test_value_rule(void **state)
{
	char buf[160];

	(void)state;
	assert_non_null(strstr(
		tsc_tune_value_rule(tsc_sysctl_fact_find("ip_local_port_range"), buf, sizeof(buf)),
		"LOW < HIGH"));
	assert_non_null(
		strstr(tsc_tune_value_rule(tsc_sysctl_fact_find("tcp_wmem"), buf, sizeof(buf)),
		       "ascending"));
	assert_string_equal(
		tsc_tune_value_rule(tsc_sysctl_fact_find("tcp_syncookies"), buf, sizeof(buf)),
		"an integer in 0..2");
}

/* ------------------------------------------------------------------------ */
/* Recommendations */

static void test_quiet_defaults_change_nothing(void **state)
{
	struct fake fk;
	struct tsc_tune_obs obs;
	struct tsc_tune t;

	(void)state;
	fake_defaults(&fk);
	tsc_tune_obs_init(&obs);
	obs.have_sockets = true;
	obs.have_counters = true;
	obs.listen_overflows = obs.syncookies_sent = obs.tw_overflow = 0;
	obs.states[TSC_TCP_ESTABLISHED] = 12;
	tune_with(&fk, &obs, &t, false);
	assert_int_equal(nchanges(&t), 0);
	assert_non_null(strstr(item(&t, "tcp_fin_timeout")->why, "fixed at 60 s"));
	assert_non_null(strstr(item(&t, "tcp_tw_recycle")->why, "removed in Linux 4.12"));
	assert_non_null(strstr(item(&t, "tcp_tw_recycle")->why, "NAT"));
	assert_int_equal(item(&t, "tcp_tw_recycle")->read_err, -ENOENT);
}

static struct tsc_tune_obs port_pressure_obs(void)
{
	struct tsc_tune_obs obs;

	tsc_tune_obs_init(&obs);
	obs.have_sockets = true;
	obs.states[TSC_TCP_TIME_WAIT] = 60;
	obs.tw_outgoing = 60;
	obs.dest_max = 60;
	obs.dest_max_tw = 60;
	snprintf(obs.dest, sizeof(obs.dest), "10.250.9.2:80");
	return obs;
}

static void test_port_pressure(void **state)
{
	struct fake fk;
	struct tsc_tune_obs obs = port_pressure_obs();
	struct tsc_tune t;
	const struct tsc_tune_item *it;

	(void)state;
	fake_defaults(&fk);
	fake_set(&fk, "ip_local_port_range", "40000\t40063");
	tune_with(&fk, &obs, &t, false);
	it = item(&t, "ip_local_port_range");
	assert_true(it->change);
	assert_int_equal(it->rec.v[0], 10240);
	assert_int_equal(it->rec.v[1], 65535);
	assert_non_null(strstr(it->why, "10.250.9.2:80"));
	assert_non_null(strstr(it->why, "EADDRNOTAVAIL"));
	it = item(&t, "tcp_tw_reuse");
	assert_true(it->change);
	assert_int_equal(it->rec.v[0], 1);
	assert_non_null(strstr(it->why, "outgoing"));
	/* TIME_WAIT is fixed: fin_timeout and tw_buckets are not the answer */
	assert_false(item(&t, "tcp_fin_timeout")->change);
	assert_false(item(&t, "tcp_max_tw_buckets")->change);
	assert_int_equal(nchanges(&t), 2);

	/* the same 60 sockets with the default range: no pressure */
	fake_defaults(&fk);
	tune_with(&fk, &obs, &t, false);
	assert_int_equal(nchanges(&t), 0);

	/* already tw_reuse=1 and a wide range: nothing more to widen */
	fake_defaults(&fk);
	fake_set(&fk, "tcp_tw_reuse", "1");
	fake_set(&fk, "ip_local_port_range", "1024\t65535");
	obs.dest_max = obs.dest_max_tw = 40000;
	tune_with(&fk, &obs, &t, false);
	assert_false(item(&t, "tcp_tw_reuse")->change);
	assert_false(item(&t, "ip_local_port_range")->change);
	assert_non_null(strstr(item(&t, "ip_local_port_range")->why, "already wide"));
}

static void test_server_time_wait_is_not_tw_reuse(void **state)
{
	struct fake fk;
	struct tsc_tune_obs obs;
	struct tsc_tune t;

	(void)state;
	fake_defaults(&fk);
	tsc_tune_obs_init(&obs);
	obs.have_sockets = true;
	obs.states[TSC_TCP_TIME_WAIT] = 20000;
	obs.tw_incoming = 20000;
	tune_with(&fk, &obs, &t, false);
	assert_false(item(&t, "tcp_tw_reuse")->change);
	assert_non_null(strstr(item(&t, "tcp_tw_reuse")->why, "does nothing for those"));
	assert_false(item(&t, "tcp_fin_timeout")->change);
	assert_non_null(strstr(item(&t, "tcp_fin_timeout")->why, "20000 TIME_WAIT"));
	assert_int_equal(nchanges(&t), 0);
}

static void test_counters_drive_changes(void **state)
{
	struct fake fk;
	struct tsc_tune_obs obs;
	struct tsc_tune t;

	(void)state;
	fake_defaults(&fk);
	fake_set(&fk, "tcp_syncookies", "0");
	fake_set(&fk, "somaxconn", "128");
	fake_set(&fk, "tcp_max_tw_buckets", "1000");
	fake_set(&fk, "tcp_rmem", "4096\t87380\t1048576");
	tsc_tune_obs_init(&obs);
	obs.have_sockets = obs.have_counters = true;
	obs.listen_overflows = 42;
	obs.listeners_full = 1;
	obs.full_port = 8080;
	obs.tw_overflow = 5;
	obs.states[TSC_TCP_TIME_WAIT] = 1000;
	tune_with(&fk, &obs, &t, false);
	assert_true(item(&t, "tcp_syncookies")->change);
	assert_int_equal(item(&t, "tcp_syncookies")->rec.v[0], 1);
	assert_true(item(&t, "somaxconn")->change);
	assert_int_equal(item(&t, "somaxconn")->rec.v[0], 4096);
	assert_non_null(strstr(item(&t, "somaxconn")->why, "port 8080"));
	assert_non_null(strstr(item(&t, "somaxconn")->why, "listen() backlog"));
	assert_true(item(&t, "tcp_max_tw_buckets")->change);
	assert_int_equal(item(&t, "tcp_max_tw_buckets")->rec.v[0], 131072);
	assert_true(item(&t, "tcp_rmem")->change);
	assert_int_equal(item(&t, "tcp_rmem")->rec.v[2], 6291456);
	assert_false(item(&t, "tcp_max_syn_backlog")->change);
	assert_non_null(strstr(item(&t, "tcp_max_syn_backlog")->why, "tcp_syncookies=1"));
	/* every recommendation is a value tune itself accepts */
	for (size_t i = 0; i < t.n; i++)
		if (t.items[i].change)
			assert_int_equal(tsc_tune_value_check(t.items[i].fact, &t.items[i].rec), 0);
}

static void test_host_wide_in_netns(void **state)
{
	struct fake fk;
	struct tsc_tune_obs obs;
	struct tsc_tune t;
	struct tsc_tune_plan p;

	(void)state;
	fake_defaults(&fk);
	fake_set(&fk, "tcp_max_orphans", "100");
	tsc_tune_obs_init(&obs);
	obs.have_sockets = true;
	obs.orphans = 90;
	tune_with(&fk, &obs, &t, true);
	assert_true(item(&t, "tcp_max_orphans")->host_wide_here);
	assert_true(item(&t, "tcp_max_orphans")->change);
	assert_false(item(&t, "tcp_fin_timeout")->host_wide_here);
	tsc_tune_plan_from(&p, &t, false);
	assert_int_equal(p.n, 0); /* not written from a namespace... */
	tsc_tune_plan_from(&p, &t, true);
	assert_int_equal(p.n, 1); /* ...unless forced */
	assert_string_equal(p.v[0].fact->name, "tcp_max_orphans");

	/* absent inside the namespace (as on 6.x): explained, not an error */
	fake_set(&fk, "tcp_max_orphans", "");
	tune_with(&fk, &obs, &t, true);
	assert_false(item(&t, "tcp_max_orphans")->change);
	assert_non_null(strstr(item(&t, "tcp_max_orphans")->why, "host-wide"));
}

/* ------------------------------------------------------------------------ */
/* Plans, saved files, writes */

static void plan_set(struct tsc_tune_plan *p, const char *arg)
{
	const struct tsc_sysctl_fact *f;
	struct tsc_sysctl_value v;

	assert_int_equal(tsc_tune_parse_set(arg, &f, &v), 0);
	assert_int_equal(tsc_tune_plan_add(p, f, &v), 0);
}

static void test_plan_add(void **state)
{
	struct tsc_tune_plan p = { 0 };
	const struct tsc_sysctl_fact *f;
	struct tsc_sysctl_value v;

	(void)state;
	plan_set(&p, "tcp_fin_timeout=30");
	plan_set(&p, "tcp_fin_timeout=30"); /* same value: no-op */
	assert_int_equal(p.n, 1);
	assert_int_equal(tsc_tune_parse_set("tcp_fin_timeout=40", &f, &v), 0);
	assert_int_equal(tsc_tune_plan_add(&p, f, &v), -EEXIST);
}

static void test_save_roundtrip(void **state)
{
	struct tsc_tune_plan p = { 0 }, q;
	struct tsc_buf b;
	size_t line;

	(void)state;
	plan_set(&p, "ip_local_port_range=40000 40063");
	plan_set(&p, "tcp_rmem=4096 131072 6291456");
	plan_set(&p, "somaxconn=4096");
	tsc_buf_init(&b, 0);
	tsc_tune_save_format(&p, "line one\nline two", &b);
	assert_string_equal(tsc_buf_str(&b), "# line one\n# line two\n"
					     "net.ipv4.ip_local_port_range = 40000 40063\n"
					     "net.ipv4.tcp_rmem = 4096 131072 6291456\n"
					     "net.core.somaxconn = 4096\n");
	assert_int_equal(tsc_tune_save_parse(b.p, b.len, &q, &line), 0);
	assert_int_equal(q.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_ptr_equal(q.v[i].fact, p.v[i].fact);
		assert_memory_equal(&q.v[i].val, &p.v[i].val, sizeof(q.v[i].val));
	}
	tsc_buf_release(&b);
}

static void parse_fails_at(const char *text, size_t want_line)
{
	struct tsc_tune_plan p;
	size_t line = 0;

	assert_int_equal(tsc_tune_save_parse(text, strlen(text), &p, &line), -EINVAL);
	assert_int_equal(line, want_line);
}

static void test_save_parse_strict(void **state)
{
	struct tsc_tune_plan p;
	size_t line;
	const char ok[] = "# comment\n; also\n\n  net/ipv4/tcp_fin_timeout=30\r\n"
			  "tcp_syn_retries\t=\t6   \nnet.ipv4.tcp_wmem = 4096\t16384\t4194304";

	(void)state;
	assert_int_equal(tsc_tune_save_parse(ok, strlen(ok), &p, &line), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.v[2].val.v[2], 4194304);
	/* out-of-range values are the kernel's business on revert */
	assert_int_equal(tsc_tune_save_parse("tcp_fin_timeout = 0\n", 20, &p, &line), 0);
	parse_fails_at("tcp_fin_timeout = 30\ngarbage\n", 2);
	parse_fails_at("tcp_nosuch = 1\n", 1);
	parse_fails_at("tcp_fin_timeout = thirty\n", 1);
	parse_fails_at("tcp_fin_timeout = 30\ntcp_fin_timeout = 31\n", 2);
	parse_fails_at("net.ipv4.tcp_tw_recycle = 0\n", 1);
	parse_fails_at("ip_local_port_range = 1\n", 1);
	parse_fails_at("tcp_fin_timeout = 30 # trailing comment\n", 1);
	assert_int_equal(tsc_tune_save_parse("tcp_fin_timeout = 3\0 0\n", 23, &p, &line), -EINVAL);
	assert_int_equal(tsc_tune_save_parse("", 0, &p, &line), 0);
	assert_int_equal(p.n, 0);
}

static void test_write_and_rollback(void **state)
{
	struct fake fk;
	struct tsc_tune_io io = fake_io(&fk);
	struct tsc_tune_plan p = { 0 }, prev;
	size_t bad = 99;
	int rb = 1;

	(void)state;
	fake_defaults(&fk);
	plan_set(&p, "tcp_fin_timeout=30");
	plan_set(&p, "ip_local_port_range=10240 65535");
	plan_set(&p, "tcp_tw_reuse=1");
	assert_int_equal(tsc_tune_snapshot(&io, &p, &prev, &bad), 0);
	assert_int_equal(prev.n, 3);
	assert_int_equal(prev.v[1].val.v[0], 32768);

	/* all good */
	assert_int_equal(tsc_tune_write(&io, &p, &prev, &bad, &rb), 0);
	assert_string_equal(fk.val[idx(p.v[1].fact)], "10240 65535");
	assert_string_equal(fk.val[idx(p.v[2].fact)], "1");

	/* the third write fails: the first two are restored */
	fake_defaults(&fk);
	fk.fail_write = p.v[2].fact;
	assert_int_equal(tsc_tune_write(&io, &p, &prev, &bad, &rb), -EINVAL);
	assert_int_equal(bad, 2);
	assert_int_equal(rb, 0);
	assert_string_equal(fk.val[idx(p.v[0].fact)], "60");
	assert_string_equal(fk.val[idx(p.v[1].fact)], "32768 60999");

	/* the kernel stores something else: -EIO, and that one is undone too */
	fake_defaults(&fk);
	fk.mangle = p.v[1].fact;
	assert_int_equal(tsc_tune_write(&io, &p, &prev, &bad, &rb), -EIO);
	assert_int_equal(bad, 1);
	/* restoring the mangled one is mangled again: reported, not hidden */
	assert_int_equal(rb, -EIO);
	assert_string_equal(fk.val[idx(p.v[0].fact)], "60");

	/* a value that cannot be read: snapshot fails before anything is written */
	fake_defaults(&fk);
	fake_set(&fk, "tcp_tw_reuse", "");
	fk.writes = 0;
	assert_int_equal(tsc_tune_snapshot(&io, &p, &prev, &bad), -ENOENT);
	assert_int_equal(bad, 2);
	assert_int_equal(fk.writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_set),
		cmocka_unit_test(test_value_rule),
		cmocka_unit_test(test_quiet_defaults_change_nothing),
		cmocka_unit_test(test_port_pressure),
		cmocka_unit_test(test_server_time_wait_is_not_tw_reuse),
		cmocka_unit_test(test_counters_drive_changes),
		cmocka_unit_test(test_host_wide_in_netns),
		cmocka_unit_test(test_plan_add),
		cmocka_unit_test(test_save_roundtrip),
		cmocka_unit_test(test_save_parse_strict),
		cmocka_unit_test(test_write_and_rollback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
