/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the renderings of the TCP reference (lib/output/reffmt):
 * exact text and JSON of handcrafted entries of every kind, a sysctl's
 * current value in each outcome (default, out of range, unparsable, absent
 * and removed), and the topic lists.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/tcpstate.h"
#include "output/reffmt.h"

static const struct tsc_ref_errno err11 = {
	.name = "EAGAIN",
	.num = 11,
	.message = "Resource temporarily unavailable",
	.calls = "accept(), recv() on a non-blocking socket",
	.wire = "nothing: no data or connection is ready yet",
	.state = "any",
	.action = "wait with poll()",
};
static const struct tsc_ref_state tw = {
	.state = TSC_TCP_TIME_WAIT,
	.summary = "the side that closed first waits 2*MSL so old segments die",
	.side = "the active closer",
	.entered =
		"the FIN of the peer is ACKed after our own FIN was ACKed, a wait that lasts long enough to need a second line under the label",
	.left = "a timer",
	.lasts = "60 s",
	.pileup = NULL,
	.action = "reuse connections",
	.see = "tcpscope sockets -t time-wait; ss -tan state time-wait",
	.sysctls = "tcp_tw_reuse, tcp_max_tw_buckets",
	.linux_note = NULL,
};
static const struct tsc_ref_flag syn = {
	.name = "SYN",
	.alias = NULL,
	.letter = 'S',
	.bit = 0x002,
	.rfc = "RFC 9293",
	.meaning = "synchronize sequence numbers",
	.when = "the first segment of each side",
	.notes = "a SYN with data is TCP Fast Open",
};
static const struct tsc_ref_topic topic = { .name = "demo",
					    .title = "a demo topic",
					    .text = "line one\n  line two\n" };
static const struct tsc_sysctl_fact fact = {
	.name = "tcp_demo",
	.key = "net.ipv4.tcp_demo",
	.path = "/proc/sys/net/ipv4/tcp_demo",
	.summary = "a demo knob",
	.format = TSC_SYSCTL_PAIR,
	.unit = "seconds",
	.min = 1,
	.max = 100,
	.kernel_default = "10 20",
	.values = NULL,
	.truth = "It does what it says.",
	.myths = { "Myth: one. Truth: two.", "Myth: three. Truth: four.", NULL },
	.states = "TIME-WAIT, FIN-WAIT-2",
	.since = "4.1",
	.per_netns = true,
};
static const struct tsc_sysctl_fact gone = {
	.name = "tcp_gone",
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
	.per_netns = false,
};

static void test_entries(void **state)
{
	const struct tsc_ref_hit h_state = { .kind = TSC_REF_STATE,
					     .state = &tw,
					     .also_errno = &err11 };
	const struct tsc_ref_hit h_flag = { .kind = TSC_REF_FLAG, .flag = &syn };
	const struct tsc_ref_hit h_errno = { .kind = TSC_REF_ERRNO, .err = &err11 };
	const struct tsc_ref_hit h_topic = { .kind = TSC_REF_TOPIC, .topic = &topic };
	const struct tsc_ref_hit h_sysctl = { .kind = TSC_REF_SYSCTL, .sysctl = &fact };
	const struct tsc_ref_hit h_gone = { .kind = TSC_REF_SYSCTL, .sysctl = &gone };
	const struct tsc_sysctl_current ok = { .err = 0, .v = { 2, { 10, 20 } } };
	const struct tsc_sysctl_current bad = { .err = 0, .v = { 2, { 10, 200 } } };
	const struct tsc_sysctl_current absent = { .err = -ENOENT };
	const struct tsc_sysctl_current fmt = { .err = -EINVAL };
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_state, NULL);
	assert_string_equal(
		tsc_buf_str(&b),
		"TIME-WAIT  (netstat TIME_WAIT, ss time-wait, kernel state 6)\n"
		"  the side that closed first waits 2*MSL so old segments die\n"
		"\n"
		"  Who:         the active closer\n"
		"  Entered:     the FIN of the peer is ACKed after our own FIN was ACKed, a\n"
		"               wait that lasts long enough to need a second line under the\n"
		"               label\n"
		"  Left:        a timer\n"
		"  Lasts:       60 s\n"
		"  What to do:  reuse connections\n"
		"  See it:      tcpscope sockets -t time-wait\n"
		"               ss -tan state time-wait\n"
		"  Sysctls:     tcp_tw_reuse, tcp_max_tw_buckets (tcpscope explain SYSCTL)\n"
		"  Note:        this number is also errno EAGAIN: tcpscope explain errno 11\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_state, NULL);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"state\",\"name\":\"TIME-WAIT\",\"netstat\":\"TIME_WAIT\",\"ss\":\"ti"
		"me-wait\",\"number\":6,\"summary\":\"the side that closed first waits 2*MSL so o"
		"ld segments die\",\"side\":\"the active closer\",\"entered\":\"the FIN of the pe"
		"er is ACKed after our own FIN was ACKed, a wait that lasts long enough to need a"
		" second line under the label\",\"left\":\"a timer\",\"lasts\":\"60 s\",\"pileup"
		"\":null,\"action\":\"reuse connections\",\"linux_note\":null,\"see\":[\"tcpscope"
		" sockets -t time-wait\",\"ss -tan state time-wait\"],\"sysctls\":[\"tcp_tw_reuse"
		"\",\"tcp_max_tw_buckets\"],\"also_errno\":\"EAGAIN\"}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_flag, NULL);
	assert_string_equal(tsc_buf_str(&b), "SYN  (tcpdump letter 'S', bit 0x002, RFC 9293)\n"
					     "  synchronize sequence numbers\n"
					     "\n"
					     "  When:        the first segment of each side\n"
					     "  In captures: a SYN with data is TCP Fast Open\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_flag, NULL);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"flag\",\"name\":\"SYN\",\"alias\":null,\"letter\":\"S\",\"bit\":2,\""
		"rfc\":\"RFC 9293\",\"meaning\":\"synchronize sequence numbers\",\"when\":\"the f"
		"irst segment of each side\",\"notes\":\"a SYN with data is TCP Fast Open\"}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_errno, NULL);
	assert_string_equal(tsc_buf_str(&b),
			    "EAGAIN  (11, \"Resource temporarily unavailable\")\n"
			    "\n"
			    "  Returned by: accept(), recv() on a non-blocking socket\n"
			    "  On the wire: nothing: no data or connection is ready yet\n"
			    "  TCP state:   any\n"
			    "  What to do:  wait with poll()\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_errno, NULL);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"errno\",\"name\":\"EAGAIN\",\"number\":11,\"message\":\"Resource tem"
		"porarily unavailable\",\"calls\":\"accept(), recv() on a non-blocking socket\","
		"\"wire\":\"nothing: no data or connection is ready yet\",\"state\":\"any\",\"act"
		"ion\":\"wait with poll()\"}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_topic, NULL);
	assert_string_equal(tsc_buf_str(&b), "demo: a demo topic\n"
					     "\n"
					     "line one\n"
					     "  line two\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_topic, NULL);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"topic\",\"name\":\"demo\",\"title\":\"a demo topic\",\"text\":\"line"
		" one\\n  line two\\n\"}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_sysctl, &ok);
	assert_string_equal(tsc_buf_str(&b),
			    "tcp_demo  (net.ipv4.tcp_demo, /proc/sys/net/ipv4/tcp_demo)\n"
			    "\n"
			    "  Current:     10 20 (the kernel default)\n"
			    "  Default:     10 20\n"
			    "  Valid:       1..100 seconds (two values, low <= high)\n"
			    "  Truth:       It does what it says.\n"
			    "  Myths:       Myth: one. Truth: two.\n"
			    "               Myth: three. Truth: four.\n"
			    "  States:      TIME-WAIT, FIN-WAIT-2\n"
			    "  Scope:       per network namespace\n"
			    "  Since:       Linux 4.1\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_sysctl, &ok);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"sysctl\",\"name\":\"tcp_demo\",\"key\":\"net.ipv4.tcp_demo\",\"path"
		"\":\"/proc/sys/net/ipv4/tcp_demo\",\"current\":\"10 20\",\"current_error\":null,"
		"\"current_is_default\":true,\"default\":\"10 20\",\"default_note\":null,\"format"
		"\":\"pair\",\"unit\":\"seconds\",\"min\":1,\"max\":100,\"values\":null,\"truth\""
		":\"It does what it says.\",\"myths\":[\"Myth: one. Truth: two.\",\"Myth: three. "
		"Truth: four.\"],\"states\":[\"TIME-WAIT\",\"FIN-WAIT-2\"],\"per_netns\":true,\"s"
		"ince\":\"4.1\",\"removed_in\":null}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_sysctl, &bad);
	assert_string_equal(tsc_buf_str(&b),
			    "tcp_demo  (net.ipv4.tcp_demo, /proc/sys/net/ipv4/tcp_demo)\n"
			    "\n"
			    "  Current:     10 200 (outside the valid range below)\n"
			    "  Default:     10 20\n"
			    "  Valid:       1..100 seconds (two values, low <= high)\n"
			    "  Truth:       It does what it says.\n"
			    "  Myths:       Myth: one. Truth: two.\n"
			    "               Myth: three. Truth: four.\n"
			    "  States:      TIME-WAIT, FIN-WAIT-2\n"
			    "  Scope:       per network namespace\n"
			    "  Since:       Linux 4.1\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_sysctl, &fmt);
	assert_string_equal(
		tsc_buf_str(&b),
		"tcp_demo  (net.ipv4.tcp_demo, /proc/sys/net/ipv4/tcp_demo)\n"
		"\n"
		"  Current:     unknown: unexpected format (/proc/sys/net/ipv4/tcp_demo)\n"
		"  Default:     10 20\n"
		"  Valid:       1..100 seconds (two values, low <= high)\n"
		"  Truth:       It does what it says.\n"
		"  Myths:       Myth: one. Truth: two.\n"
		"               Myth: three. Truth: four.\n"
		"  States:      TIME-WAIT, FIN-WAIT-2\n"
		"  Scope:       per network namespace\n"
		"  Since:       Linux 4.1\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_sysctl, &fmt);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"sysctl\",\"name\":\"tcp_demo\",\"key\":\"net.ipv4.tcp_demo\",\"path"
		"\":\"/proc/sys/net/ipv4/tcp_demo\",\"current\":null,\"current_error\":\"unexpect"
		"ed format\",\"current_is_default\":null,\"default\":\"10 20\",\"default_note\":n"
		"ull,\"format\":\"pair\",\"unit\":\"seconds\",\"min\":1,\"max\":100,\"values\":nu"
		"ll,\"truth\":\"It does what it says.\",\"myths\":[\"Myth: one. Truth: two.\",\"M"
		"yth: three. Truth: four.\"],\"states\":[\"TIME-WAIT\",\"FIN-WAIT-2\"],\"per_netn"
		"s\":true,\"since\":\"4.1\",\"removed_in\":null}\n");
	tsc_buf_reset(&b);
	tsc_reffmt_text(&b, &h_gone, &absent);
	assert_string_equal(tsc_buf_str(&b),
			    "tcp_gone  (net.ipv4.tcp_gone, /proc/sys/net/ipv4/tcp_gone)\n"
			    "  REMOVED in Linux 4.12\n"
			    "\n"
			    "  Current:     not present on this kernel (removed in Linux 4.12)\n"
			    "  Default:     0\n"
			    "  Truth:       Gone.\n");
	tsc_buf_reset(&b);
	tsc_reffmt_json(&b, &h_gone, &absent);
	assert_string_equal(
		tsc_buf_str(&b),
		"{\"kind\":\"sysctl\",\"name\":\"tcp_gone\",\"key\":\"net.ipv4.tcp_gone\",\"path"
		"\":\"/proc/sys/net/ipv4/tcp_gone\",\"current\":null,\"current_error\":\"not visi"
		"ble in this network namespace (host-wide setting, see the initial namespace)\","
		"\"current_is_default\":null,\"default\":\"0\",\"default_note\":null,\"format\":"
		"\"int\",\"unit\":\"boolean\",\"min\":0,\"max\":1,\"values\":null,\"truth\":\"Gon"
		"e.\",\"myths\":[],\"states\":[],\"per_netns\":false,\"since\":null,\"removed_in"
		"\":\"4.12\"}\n");
	tsc_buf_release(&b);
}

static void assert_prefix(const char *s, const char *prefix)
{
	assert_int_equal(strncmp(s, prefix, strlen(prefix)), 0);
}

static void test_lists(void **state)
{
	struct tsc_buf b;
	const char *s;

	(void)state;
	tsc_buf_init(&b, 0);
	tsc_reffmt_list(&b, false, TSC_REF_NONE);
	s = tsc_buf_str(&b);
	assert_prefix(s, "Topics:\n  diagram ");
	assert_non_null(strstr(s, "\n\nStates (any spelling or number):\n  CLOSE (7) "));
	assert_non_null(strstr(s, "\nErrnos (name or number):\n  ECONNREFUSED (111) "));
	assert_non_null(strstr(s, "\n\nTry: tcpscope explain TIME_WAIT | diagram | SYN | "
				  "tcp_fin_timeout | ECONNREFUSED\n"));
	tsc_buf_reset(&b);
	tsc_reffmt_list(&b, false, TSC_REF_FLAG);
	s = tsc_buf_str(&b);
	assert_prefix(s, "Flags (name or tcpdump letter):\n  SYN (S) ");
	assert_null(strstr(s, "Try:"));
	tsc_buf_reset(&b);
	tsc_reffmt_list(&b, true, TSC_REF_ERRNO);
	s = tsc_buf_str(&b);
	assert_prefix(s, "{\"topics\":[{\"kind\":\"errno\",\"name\":\"ECONNREFUSED\",");
	assert_string_equal(s + strlen(s) - 3, "]}\n");
	tsc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
