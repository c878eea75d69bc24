/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/diag reference and sysctl facts: every state, flag, errno and sysctl
 * resolves in every spelling; the facts that operators get wrong are
 * asserted word for word where it matters; the value parser is strict; the
 * tables are consistent with each other (every sysctl a state names exists,
 * every state a sysctl names parses).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/tcpstate.h"
#include "diag/reference.h"
#include "diag/sysctl-facts.h"

static void lookup_ok(const char *q, enum tsc_ref_kind kind, enum tsc_ref_kind want_kind,
		      struct tsc_ref_hit *hit)
{
	int r = tsc_ref_lookup(q, kind, hit);

	if (r != 0 || hit->kind != want_kind)
		fail_msg("'%s' did not resolve to kind %d (r=%d kind=%d)", q, want_kind, r,
			 hit->kind);
}

static void test_states_every_spelling(void **state)
{
	(void)state;
	for (unsigned s = 1; s <= 11; s++) {
		const char *sp[] = { tsc_tcp_state_rfc(s), tsc_tcp_state_netstat(s),
				     tsc_tcp_state_ss(s), tsc_tcp_state_ssname(s) };
		char num[4];
		struct tsc_ref_hit h;

		snprintf(num, sizeof(num), "%u", s);
		for (size_t i = 0; i < 4; i++) {
			lookup_ok(sp[i], TSC_REF_NONE, TSC_REF_STATE, &h);
			assert_int_equal(h.state->state, s);
			lookup_ok(sp[i], TSC_REF_STATE, TSC_REF_STATE, &h);
			assert_int_equal(h.state->state, s);
		}
		lookup_ok(num, TSC_REF_NONE, TSC_REF_STATE, &h);
		assert_int_equal(h.state->state, s);
		assert_non_null(tsc_ref_state_get(s));
	}
	/* the kernel's request-socket state maps to SYN-RECEIVED */
	assert_int_equal(tsc_ref_state_get(TSC_TCP_NEW_SYN_RECV)->state, TSC_TCP_SYN_RECV);
	assert_null(tsc_ref_state_get(0));
	assert_null(tsc_ref_state_get(13));
}

static void test_close_topic_vs_state(void **state)
{
	struct tsc_ref_hit h;

	(void)state;
	lookup_ok("close", TSC_REF_NONE, TSC_REF_TOPIC, &h);
	assert_string_equal(h.topic->name, "close");
	lookup_ok("Close", TSC_REF_NONE, TSC_REF_TOPIC, &h);
	lookup_ok("CLOSE", TSC_REF_NONE, TSC_REF_STATE, &h); /* netstat's spelling */
	assert_int_equal(h.state->state, TSC_TCP_CLOSE);
	lookup_ok("closed", TSC_REF_NONE, TSC_REF_STATE, &h);
	assert_int_equal(h.state->state, TSC_TCP_CLOSE);
	lookup_ok("close", TSC_REF_STATE, TSC_REF_STATE, &h);
	assert_int_equal(h.state->state, TSC_TCP_CLOSE);
	lookup_ok("diagram", TSC_REF_NONE, TSC_REF_TOPIC, &h);
	lookup_ok("HANDSHAKE", TSC_REF_NONE, TSC_REF_TOPIC, &h);
}

static void test_flags(void **state)
{
	static const struct {
		const char *name;
		char letter;
		uint16_t bit;
	} want[] = {
		{ "SYN", 'S', 0x02 }, { "ACK", '.', 0x10 }, { "FIN", 'F', 0x01 },
		{ "RST", 'R', 0x04 }, { "PSH", 'P', 0x08 }, { "URG", 'U', 0x20 },
		{ "ECE", 'E', 0x40 }, { "CWR", 'W', 0x80 }, { "AE", 0, 0x100 },
	};
	size_t n;
	const struct tsc_ref_flag *all = tsc_ref_flags(&n);

	(void)state;
	assert_int_equal(n, TSC_ARRAY_SIZE(want));
	for (size_t i = 0; i < TSC_ARRAY_SIZE(want); i++) {
		struct tsc_ref_hit h;
		char lower[8], letter[2] = { want[i].letter, '\0' };

		for (size_t k = 0; k <= strlen(want[i].name); k++)
			lower[k] = (char)(want[i].name[k] | (want[i].name[k] ? 0x20 : 0));
		lookup_ok(want[i].name, TSC_REF_NONE, TSC_REF_FLAG, &h);
		assert_int_equal(h.flag->bit, want[i].bit);
		assert_int_equal(h.flag->letter, want[i].letter);
		lookup_ok(lower, TSC_REF_FLAG, TSC_REF_FLAG, &h);
		assert_int_equal(h.flag->bit, want[i].bit);
		if (want[i].letter) {
			lookup_ok(letter, TSC_REF_NONE, TSC_REF_FLAG, &h);
			assert_string_equal(h.flag->name, want[i].name);
		}
		assert_non_null(all[i].meaning);
		assert_non_null(all[i].when);
		assert_non_null(all[i].notes);
	}
	assert_string_equal(tsc_ref_flag_find("PUSH")->name, "PSH");
	assert_string_equal(tsc_ref_flag_find("reset")->name, "RST");
	assert_string_equal(tsc_ref_flag_find("NS")->name, "AE");
	/* tcpdump letters are case-sensitive */
	assert_null(tsc_ref_flag_find("s"));
	assert_null(tsc_ref_flag_find("SS"));
	assert_null(tsc_ref_flag_find(""));
}

static void test_errnos(void **state)
{
	static const struct {
		const char *name;
		int num;
	} want[] = {
		{ "ECONNREFUSED", 111 }, { "ETIMEDOUT", 110 },	  { "EADDRNOTAVAIL", 99 },
		{ "ENETUNREACH", 101 },	 { "EHOSTUNREACH", 113 }, { "EINPROGRESS", 115 },
		{ "ECONNRESET", 104 },	 { "EPIPE", 32 },	  { "EINVAL", 22 },
		{ "EADDRINUSE", 98 },	 { "ECONNABORTED", 103 }, { "EAGAIN", 11 },
		{ "EMFILE", 24 },
	};
	size_t n;
	const struct tsc_ref_errno *all = tsc_ref_errnos(&n);

	(void)state;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(want); i++) {
		struct tsc_ref_hit h;
		char num[8], lower[24];

		snprintf(num, sizeof(num), "%d", want[i].num);
		for (size_t k = 0; k <= strlen(want[i].name); k++)
			lower[k] = (char)(want[i].name[k] | (want[i].name[k] ? 0x20 : 0));
		lookup_ok(want[i].name, TSC_REF_NONE, TSC_REF_ERRNO, &h);
		assert_int_equal(h.err->num, want[i].num);
		lookup_ok(lower, TSC_REF_NONE, TSC_REF_ERRNO, &h);
		assert_int_equal(h.err->num, want[i].num);
		lookup_ok(num, TSC_REF_ERRNO, TSC_REF_ERRNO, &h);
		assert_string_equal(h.err->name, want[i].name);
		if (want[i].num > 11) {
			lookup_ok(num, TSC_REF_NONE, TSC_REF_ERRNO, &h);
			assert_string_equal(h.err->name, want[i].name);
		}
	}
	for (size_t i = 0; i < n; i++) {
		assert_non_null(all[i].message);
		assert_non_null(all[i].calls);
		assert_non_null(all[i].wire);
		assert_non_null(all[i].state);
		assert_non_null(all[i].action);
		assert_ptr_equal(tsc_ref_errno_find(all[i].name), &all[i]);
	}
	assert_string_equal(tsc_ref_errno_find("EWOULDBLOCK")->name, "EAGAIN");
	assert_null(tsc_ref_errno_find("EFOO"));
	assert_null(tsc_ref_errno_find("0"));
	assert_null(tsc_ref_errno_find("-111"));
}

static void test_number_ambiguity(void **state)
{
	struct tsc_ref_hit h;

	(void)state;
	/* a bare 11 is the kernel's CLOSING, with a pointer to errno 11 */
	lookup_ok("11", TSC_REF_NONE, TSC_REF_STATE, &h);
	assert_int_equal(h.state->state, TSC_TCP_CLOSING);
	assert_non_null(h.also_errno);
	assert_string_equal(h.also_errno->name, "EAGAIN");
	lookup_ok("11", TSC_REF_ERRNO, TSC_REF_ERRNO, &h);
	assert_string_equal(h.err->name, "EAGAIN");
	lookup_ok("TIME_WAIT", TSC_REF_NONE, TSC_REF_STATE, &h);
	assert_null(h.also_errno);
	assert_int_equal(tsc_ref_lookup("12", TSC_REF_STATE, &h), -ENOENT);
	assert_int_equal(tsc_ref_lookup("SYN", TSC_REF_ERRNO, &h), -ENOENT);
	assert_int_equal(tsc_ref_lookup("", TSC_REF_NONE, &h), -ENOENT);
	assert_int_equal(tsc_ref_lookup("no-such-topic", TSC_REF_NONE, &h), -ENOENT);
}

static const char *const required_sysctls[] = {
	"tcp_syncookies",
	"tcp_max_syn_backlog",
	"somaxconn",
	"tcp_syn_retries",
	"tcp_synack_retries",
	"tcp_fin_timeout",
	"tcp_tw_reuse",
	"tcp_max_tw_buckets",
	"tcp_keepalive_time",
	"tcp_keepalive_intvl",
	"tcp_keepalive_probes",
	"ip_local_port_range",
	"tcp_rmem",
	"tcp_wmem",
	"tcp_max_orphans",
	"tcp_orphan_retries",
	"tcp_retries2",
	"tcp_abort_on_overflow",
	"tcp_tw_recycle",
	"tcp_syn_linear_timeouts",
};

static void test_sysctl_every_spelling(void **state)
{
	(void)state;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(required_sysctls); i++) {
		const struct tsc_sysctl_fact *f = tsc_sysctl_fact_find(required_sysctls[i]);
		char buf[128];
		struct tsc_ref_hit h;

		assert_non_null(f);
		assert_ptr_equal(tsc_sysctl_fact_find(f->key), f);
		assert_ptr_equal(tsc_sysctl_fact_find(f->path), f);
		snprintf(buf, sizeof(buf), "%s", f->key);
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = '/';
		assert_ptr_equal(tsc_sysctl_fact_find(buf), f); /* net/ipv4/x */
		lookup_ok(f->key, TSC_REF_NONE, TSC_REF_SYSCTL, &h);
		assert_ptr_equal(h.sysctl, f);
		lookup_ok(f->path, TSC_REF_SYSCTL, TSC_REF_SYSCTL, &h);
		assert_ptr_equal(h.sysctl, f);
	}
	assert_string_equal(tsc_sysctl_fact_find("net.core.somaxconn")->name, "somaxconn");
	assert_string_equal(tsc_sysctl_fact_find("NET.IPV4.TCP_FIN_TIMEOUT")->name,
			    "tcp_fin_timeout");
	assert_null(tsc_sysctl_fact_find("net.ipv4.somaxconn"));
	assert_null(tsc_sysctl_fact_find("/proc/sys/net/ipv4/"));
	assert_null(tsc_sysctl_fact_find("tcp_fin_timeout2"));
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!haystack || !strstr(haystack, needle))
		fail_msg("'%s' does not say '%s'", haystack ? haystack : "(null)", needle);
}

static bool any_myth_contains(const struct tsc_sysctl_fact *f, const char *needle)
{
	for (size_t i = 0; i < TSC_SYSCTL_MAX_MYTHS && f->myths[i]; i++)
		if (strstr(f->myths[i], needle))
			return true;
	return false;
}

/* The facts this tool exists to get right. */
static void test_facts_that_matter(void **state)
{
	const struct tsc_sysctl_fact *f;
	const struct tsc_ref_state *s;

	(void)state;
	f = tsc_sysctl_fact_find("tcp_tw_recycle");
	assert_string_equal(f->removed_in, "4.12");
	assert_contains(f->truth, "Removed in Linux 4.12");
	assert_contains(f->truth, "NAT");

	f = tsc_sysctl_fact_find("tcp_fin_timeout");
	assert_string_equal(f->kernel_default, "60");
	assert_contains(f->truth, "ORPHANED");
	assert_contains(f->truth, "FIN-WAIT-2");
	assert_contains(f->truth, "does not change TIME-WAIT");
	assert_true(any_myth_contains(f, "TIME_WAIT"));

	f = tsc_sysctl_fact_find("tcp_tw_reuse");
	assert_string_equal(f->kernel_default, "2");
	assert_contains(f->values, "loopback");
	assert_contains(f->truth, "OUTGOING");
	assert_contains(f->truth, "timestamps");

	f = tsc_sysctl_fact_find("tcp_syn_retries");
	assert_contains(f->truth, "tcp_syn_linear_timeouts");
	assert_contains(f->truth, "131 s");
	assert_string_equal(tsc_sysctl_fact_find("tcp_syn_linear_timeouts")->kernel_default, "4");

	f = tsc_sysctl_fact_find("tcp_max_syn_backlog");
	assert_contains(f->truth, "only matters with tcp_syncookies=0");
	assert_non_null(f->default_note);

	assert_string_equal(tsc_sysctl_fact_find("somaxconn")->kernel_default, "4096");
	assert_contains(tsc_sysctl_fact_find("tcp_orphan_retries")->values, "0 means 8");
	assert_contains(tsc_sysctl_fact_find("tcp_keepalive_time")->truth, "SO_KEEPALIVE");
	assert_false(tsc_sysctl_fact_find("tcp_max_orphans")->per_netns);
	assert_true(tsc_sysctl_fact_find("tcp_fin_timeout")->per_netns);

	s = tsc_ref_state_get(TSC_TCP_TIME_WAIT);
	assert_contains(s->lasts, "60 s");
	assert_contains(s->lasts, "tcp_fin_timeout does NOT change it");
	assert_contains(s->action, "tcp_tw_recycle (removed in 4.12)");
	s = tsc_ref_state_get(TSC_TCP_CLOSE_WAIT);
	assert_contains(s->pileup, "application bug");
	assert_contains(s->action, "No sysctl");
	s = tsc_ref_state_get(TSC_TCP_SYN_RECV);
	assert_contains(s->linux_note, "NEW_SYN_RECV");
	assert_contains(s->pileup, "ListenOverflows");
}

static void for_each_item(const char *list, char sep, void (*fn)(const char *item))
{
	const char *p = list;

	while (p && *p) {
		char item[64];
		size_t len = strcspn(p, (char[]){ sep, '\0' });

		while (len && *p == ' ') {
			p++;
			len--;
		}
		assert_true(len < sizeof(item));
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		fn(item);
		p += len;
		if (*p == sep)
			p++;
	}
}

static void item_is_sysctl(const char *item)
{
	if (!tsc_sysctl_fact_find(item))
		fail_msg("state names unknown sysctl '%s'", item);
}

static void item_is_state(const char *item)
{
	if (tsc_tcp_state_parse(item) < 0)
		fail_msg("sysctl names unknown state '%s'", item);
}

static void test_tables_consistent(void **state)
{
	size_t n;
	const struct tsc_ref_state *s = tsc_ref_states(&n);
	const struct tsc_sysctl_fact *f;
	unsigned seen = 0;

	(void)state;
	assert_int_equal(n, 11);
	for (size_t i = 0; i < n; i++) {
		/* diagram order, every state once */
		assert_int_equal(s[i].state, tsc_tcp_state_order[i]);
		seen |= 1u << s[i].state;
		assert_non_null(s[i].summary);
		assert_non_null(s[i].side);
		assert_non_null(s[i].entered);
		assert_non_null(s[i].left);
		assert_non_null(s[i].lasts);
		assert_non_null(s[i].pileup);
		assert_non_null(s[i].action);
		assert_non_null(s[i].see);
		assert_non_null(strstr(s[i].see, "tcpscope"));
		assert_non_null(strstr(s[i].see, "ss -"));
		assert_non_null(strstr(s[i].see, "netstat -t"));
		for_each_item(s[i].sysctls, ',', item_is_sysctl);
	}
	assert_int_equal(seen, TSC_TCPF_ALL);

	f = tsc_sysctl_facts(&n);
	for (size_t i = 0; i < n; i++) {
		struct tsc_sysctl_value v;

		assert_non_null(f[i].summary);
		assert_non_null(f[i].truth);
		assert_non_null(f[i].unit);
		assert_true(f[i].min <= f[i].max);
		for_each_item(f[i].states, ',', item_is_state);
		if (f[i].removed_in)
			continue;
		/* every documented default is a valid value */
		assert_int_equal(tsc_sysctl_value_parse(&f[i], f[i].kernel_default, &v), 0);
		assert_int_equal(tsc_sysctl_value_check(&f[i], &v), 0);
		assert_ptr_equal(tsc_sysctl_fact_find(f[i].name), &f[i]);
	}
}

static void test_value_parse(void **state)
{
	const struct tsc_sysctl_fact *fin = tsc_sysctl_fact_find("tcp_fin_timeout");
	const struct tsc_sysctl_fact *range = tsc_sysctl_fact_find("ip_local_port_range");
	const struct tsc_sysctl_fact *rmem = tsc_sysctl_fact_find("tcp_rmem");
	const struct tsc_sysctl_fact *recycle = tsc_sysctl_fact_find("tcp_tw_recycle");
	struct tsc_sysctl_value v;
	char buf[64];

	(void)state;
	assert_int_equal(tsc_sysctl_value_parse(fin, "60\n", &v), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.v[0], 60);
	assert_true(tsc_sysctl_value_is_default(fin, &v));
	assert_int_equal(tsc_sysctl_value_check(fin, &v), 0);
	assert_int_equal(tsc_sysctl_value_parse(fin, "30", &v), 0);
	assert_false(tsc_sysctl_value_is_default(fin, &v));
	/* the kernel accepts -1 here; we show it but refuse to write it */
	assert_int_equal(tsc_sysctl_value_parse(fin, "-1\n", &v), 0);
	assert_int_equal(v.v[0], -1);
	assert_int_equal(tsc_sysctl_value_check(fin, &v), -ERANGE);

	static const char *const bad[] = { "",	   "\n",   " 60", "60 ",    "60\n\n",
					   "6O",   "60 1", "+60", "--1",    "0x3c",
					   "60\t", "-",	   "1e3", "60\r\n", "60\n1" };
	for (size_t i = 0; i < TSC_ARRAY_SIZE(bad); i++)
		if (tsc_sysctl_value_parse(fin, bad[i], &v) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(tsc_sysctl_value_parse(fin, "99999999999999999999", &v), -ERANGE);

	assert_int_equal(tsc_sysctl_value_parse(range, "32768\t60999\n", &v), 0);
	assert_int_equal(v.n, 2);
	assert_true(tsc_sysctl_value_is_default(range, &v));
	assert_int_equal(tsc_sysctl_value_format(&v, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "32768 60999");
	assert_int_equal(tsc_sysctl_value_parse(range, "32768", &v), -EINVAL);
	assert_int_equal(tsc_sysctl_value_parse(range, "1 2 3", &v), -EINVAL);
	assert_int_equal(tsc_sysctl_value_parse(range, "60999 32768", &v), 0);
	assert_int_equal(tsc_sysctl_value_check(range, &v), -ERANGE);
	assert_int_equal(tsc_sysctl_value_parse(range, "1024 65536", &v), 0);
	assert_int_equal(tsc_sysctl_value_check(range, &v), -ERANGE);
	assert_int_equal(tsc_sysctl_value_parse(range, "1023 2000", &v), 0);
	assert_int_equal(tsc_sysctl_value_check(range, &v), -ERANGE);

	assert_int_equal(tsc_sysctl_value_parse(rmem, "4096  131072\t 6291456", &v), 0);
	assert_int_equal(v.v[2], 6291456);
	assert_int_equal(tsc_sysctl_value_check(rmem, &v), 0);
	assert_false(tsc_sysctl_value_is_default(rmem, &v)); /* computed default: never claimed */
	assert_int_equal(tsc_sysctl_value_parse(rmem, "4096 131072", &v), -EINVAL);
	assert_int_equal(tsc_sysctl_value_parse(rmem, "0 0 0", &v), 0);
	assert_int_equal(tsc_sysctl_value_check(rmem, &v), -ERANGE);

	/* truncating format reports the length it needed */
	assert_int_equal(tsc_sysctl_value_parse(rmem, "4096 131072 6291456", &v), 0);
	assert_int_equal(tsc_sysctl_value_format(&v, buf, 5), 19);
	assert_string_equal(buf, "4096");

	assert_int_equal(tsc_sysctl_value_parse(recycle, "0", &v), 0);
	assert_int_equal(tsc_sysctl_value_check(recycle, &v), -EOPNOTSUPP);
}

static void test_nearest_and_kinds(void **state)
{
	(void)state;
	assert_string_equal(tsc_ref_nearest("TIME_WIAT", TSC_REF_NONE), "TIME_WAIT");
	assert_string_equal(tsc_ref_nearest("ECONNREFUSD", TSC_REF_NONE), "ECONNREFUSED");
	assert_string_equal(tsc_ref_nearest("tcp_fin_timout", TSC_REF_NONE), "tcp_fin_timeout");
	assert_string_equal(tsc_ref_nearest("diagarm", TSC_REF_NONE), "diagram");
	assert_string_equal(tsc_ref_nearest("ECONNREFUSD", TSC_REF_ERRNO), "ECONNREFUSED");
	assert_null(tsc_ref_nearest("ECONNREFUSD", TSC_REF_FLAG));
	assert_null(tsc_ref_nearest("zzzzzzzzzzzz", TSC_REF_NONE));
	assert_null(tsc_ref_nearest("", TSC_REF_NONE));
	assert_null(tsc_ref_nearest("-", TSC_REF_NONE));
	assert_null(tsc_ref_nearest("xy", TSC_REF_NONE));

	assert_int_equal(tsc_ref_kind_parse("state"), TSC_REF_STATE);
	assert_int_equal(tsc_ref_kind_parse("States"), TSC_REF_STATE);
	assert_int_equal(tsc_ref_kind_parse("errnos"), TSC_REF_ERRNO);
	assert_int_equal(tsc_ref_kind_parse("SYSCTL"), TSC_REF_SYSCTL);
	assert_int_equal(tsc_ref_kind_parse("flags"), TSC_REF_FLAG);
	assert_int_equal(tsc_ref_kind_parse("topic"), TSC_REF_TOPIC);
	assert_int_equal(tsc_ref_kind_parse("statess"), -EINVAL);
	assert_int_equal(tsc_ref_kind_parse("stat"), -EINVAL);
	assert_int_equal(tsc_ref_kind_parse(""), -EINVAL);
	assert_string_equal(tsc_ref_kind_name(TSC_REF_ERRNO), "errno");
}

/* Topics are preformatted for an 80-column terminal. */
static void test_topics_fit(void **state)
{
	size_t n;
	const struct tsc_ref_topic *t = tsc_ref_topics(&n);

	(void)state;
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		const char *p = t[i].text;

		assert_non_null(t[i].title);
		while (*p) {
			size_t len = strcspn(p, "\n");

			if (len > 79)
				fail_msg("%s: line longer than 79 columns: %.*s", t[i].name,
					 (int)len, p);
			assert_null(memchr(p, '\t', len));
			p += len;
			if (*p == '\n')
				p++;
		}
	}
	/* the numbers the handshake and close texts teach */
	assert_non_null(strstr(tsc_ref_topic_find("handshake")->text, "seq=5000 ack=1001"));
	assert_non_null(strstr(tsc_ref_topic_find("close")->text, "seq=1102 ack=5502"));
	assert_non_null(strstr(tsc_ref_topic_find("diagram")->text, "TIME-WAIT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states_every_spelling),
		cmocka_unit_test(test_close_topic_vs_state),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_errnos),
		cmocka_unit_test(test_number_ambiguity),
		cmocka_unit_test(test_sysctl_every_spelling),
		cmocka_unit_test(test_facts_that_matter),
		cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_value_parse),
		cmocka_unit_test(test_nearest_and_kinds),
		cmocka_unit_test(test_topics_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
