/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/wire printers on handcrafted packets the tcpdump conformance pcaps do
 * not reach: every MPTCP subtype, TFO, experimental, SCPS, TCP-AO, SACK and
 * unknown TCP options, ICMP/ICMPv6 bodies, IPv6 hop-by-hop options. The
 * packets and tcpdump 4.99.3's output for them, whole and (for the paths
 * where truncation differs by option or header) at every capture length, are
 * in data/wire-print-cases.txt, made by wire-print-cases.py; each packet is
 * also printed at every truncation length under ASan. Records tcpdump rejects
 * before decoding (no captured byte, a wire length of 0, below the captured
 * length or above 262144) print its "[Invalid header: ...]" line alone, under
 * any flags. Behind Ethernet, VLAN, SLL, SLL2 and loopback headers the -x
 * dump starts where tcpdump's does. A truncated ICMP message prints the same
 * wherever the output buffer flushes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire.h"

#define MAX_PKT 256

struct pcase {
	unsigned vflag;
	uint8_t pkt[MAX_PKT];
	size_t len;	/* captured */
	size_t wirelen; /* on the wire: more when the capture was cut short */
	char expect[2048];
	unsigned line;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "@ VFLAG HEX [WIRELEN]" into k; false on a malformed line. WIRELEN may be
 * below the captured length or above 65535: records tcpdump rejects. */
static bool parse_head(const char *line, struct pcase *k)
{
	const char *h;
	size_t n;

	if (line[0] != '@' || line[1] != ' ' || line[2] < '0' || line[2] > '2' || line[3] != ' ')
		return false;
	k->vflag = (unsigned)(line[2] - '0');
	h = line + 4;
	n = strcspn(h, " \n");
	if (n % 2 || n / 2 > MAX_PKT)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		k->pkt[i] = (uint8_t)(hi << 4 | lo);
	}
	k->len = k->wirelen = n / 2;
	k->expect[0] = '\0';
	if (h[n] == ' ') {
		char *end = NULL;
		unsigned long w = strtoul(h + n + 1, &end, 10);

		if (!end || *end != '\n' || w > UINT32_MAX)
			return false;
		k->wirelen = w;
	}
	return true;
}

static const char *print_one(struct tsc_buf *b, unsigned vflag, const uint8_t *p, size_t caplen,
			     size_t len)
{
	struct tsc_wire_opts o = { .vflag = vflag, .ts_mode = TSC_TS_NONE };
	struct tsc_wire_printer *pr = tsc_wire_printer_new(&o);

	assert_non_null(pr);
	tsc_buf_reset(b);
	tsc_wire_print_packet(pr, b, TSC_LINK_RAW, 1, 0, p, (uint32_t)caplen, (uint32_t)len);
	tsc_wire_printer_free(pr);
	return tsc_buf_str(b);
}

/* A record tcpdump rejects before decoding prints the same "[Invalid header:
 * ...]" line whatever the flags, and no timestamp: wire-print-cases.py checks
 * that tcpdump does, with these flags. */
static unsigned check_invalid_flags(struct tsc_buf *b, const struct pcase *k)
{
	static const struct tsc_wire_opts variants[] = {
		{ .eflag = true, .ts_mode = TSC_TS_NONE },
		{ .xflag = 1, .ts_mode = TSC_TS_NONE },
		{ .Xflag = 1, .ts_mode = TSC_TS_NONE },
		{ .xflag = 2, .ts_mode = TSC_TS_NONE },
		{ .Xflag = 2, .ts_mode = TSC_TS_NONE },
		{ .Aflag = true, .ts_mode = TSC_TS_NONE },
		{ .qflag = true, .ts_mode = TSC_TS_NONE },
		{ .Sflag = true, .ts_mode = TSC_TS_NONE },
		{ .ts_mode = TSC_TS_DATE },
	};
	unsigned nfail = 0;

	for (size_t v = 0; v < TSC_ARRAY_SIZE(variants); v++) {
		struct tsc_wire_opts o = variants[v];
		struct tsc_wire_printer *pr;

		o.vflag = k->vflag;
		pr = tsc_wire_printer_new(&o);
		assert_non_null(pr);
		tsc_buf_reset(b);
		tsc_wire_print_packet(pr, b, TSC_LINK_RAW, 1, 0, k->pkt, (uint32_t)k->len,
				      (uint32_t)k->wirelen);
		tsc_wire_printer_free(pr);
		if (strcmp(tsc_buf_str(b), k->expect) != 0) {
			print_message("line %u (variant %zu):\nexpected: %sgot:      %s", k->line,
				      v, k->expect, tsc_buf_str(b));
			nfail++;
		}
	}
	return nfail;
}

static unsigned check_case(struct tsc_buf *b, const struct pcase *k)
{
	const char *got = print_one(b, k->vflag, k->pkt, k->len, k->wirelen);

	if (strcmp(got, k->expect) != 0) {
		print_message("line %u (-v %u):\nexpected: %sgot:      %s", k->line, k->vflag,
			      k->expect, got);
		return 1;
	}
	if (strncmp(k->expect, "[Invalid header:", 16) == 0)
		return check_invalid_flags(b, k);
	return 0;
}

/* Every caplen 0..len at several verbosity levels: no crash, one line out. */
static void sweep_case(struct tsc_buf *b, const struct pcase *k)
{
	if (k->wirelen != k->len || k->len == 0)
		return; /* a cut-short record: its whole packet is swept */
	for (unsigned v = 0; v < 3; v++) {
		struct tsc_wire_opts o = { .vflag = v, .ts_mode = TSC_TS_NONE };
		struct tsc_wire_printer *pr = tsc_wire_printer_new(&o);

		assert_non_null(pr);
		for (size_t cut = 0; cut <= k->len; cut++) {
			const char *s;
			size_t n;

			tsc_buf_reset(b);
			tsc_wire_print_packet(pr, b, TSC_LINK_RAW, 1, 0, k->pkt, (uint32_t)cut,
					      (uint32_t)k->wirelen);
			s = tsc_buf_str(b);
			n = strlen(s);
			assert_true(n > 0 && s[n - 1] == '\n');
		}
		tsc_wire_printer_free(pr);
	}
}

static void test_tcpdump_cases(void **state)
{
	FILE *f = fopen(TSC_TEST_DATA "/wire-print-cases.txt", "r");
	struct pcase *k = calloc(1, sizeof(*k));
	struct tsc_buf b;
	char line[1024];
	unsigned lineno = 0, ncase = 0, nfail = 0;
	bool have = false;

	(void)state;
	assert_non_null(f);
	assert_non_null(k);
	tsc_buf_init(&b, 0);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '@') {
			if (have) {
				nfail += check_case(&b, k);
				sweep_case(&b, k);
			}
			assert_true(parse_head(line, k));
			k->line = lineno;
			have = true;
			ncase++;
		} else {
			assert_true(have);
			assert_true(strlen(k->expect) + strlen(line) < sizeof(k->expect));
			strcat(k->expect, line);
		}
	}
	if (have) {
		nfail += check_case(&b, k);
		sweep_case(&b, k);
	}
	fclose(f);
	tsc_buf_release(&b);
	free(k);
	assert_true(ncase >= 800);
	assert_int_equal(nfail, 0);
}

/* "@ LINKTYPE FLAGS HEX WIRELEN" (FLAGS: tcpdump's, comma-separated) into
 * *lt, *o and k; false on a malformed line. */
static bool parse_link_head(char *line, uint32_t *lt, struct tsc_wire_opts *o, struct pcase *k)
{
	char *save = NULL, *tok[5];
	size_t n;

	for (int i = 0; i < 5; i++) {
		tok[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!tok[i])
			return false;
	}
	if (strcmp(tok[0], "@") != 0)
		return false;
	*lt = (uint32_t)strtoul(tok[1], NULL, 10);
	memset(o, 0, sizeof(*o));
	o->ts_mode = TSC_TS_NONE;
	for (char *f = strtok_r(tok[2], ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (strcmp(f, "-x") == 0)
			o->xflag = 1;
		else if (strcmp(f, "-e") == 0)
			o->eflag = true;
		else if (strcmp(f, "-v") == 0)
			o->vflag = 1;
		else
			return false;
	}
	n = strlen(tok[3]);
	if (n % 2 || n / 2 > MAX_PKT)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(tok[3][2 * i]), lo = hexval(tok[3][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		k->pkt[i] = (uint8_t)(hi << 4 | lo);
	}
	k->len = n / 2;
	k->wirelen = strtoul(tok[4], NULL, 10);
	k->expect[0] = '\0';
	return k->wirelen >= k->len;
}

static unsigned check_link_case(struct tsc_buf *b, uint32_t lt, const struct tsc_wire_opts *o,
				const struct pcase *k)
{
	struct tsc_wire_printer *pr = tsc_wire_printer_new(o);

	assert_non_null(pr);
	tsc_buf_reset(b);
	tsc_wire_print_packet(pr, b, lt, 1, 0, k->pkt, (uint32_t)k->len, (uint32_t)k->wirelen);
	tsc_wire_printer_free(pr);
	if (strcmp(tsc_buf_str(b), k->expect) == 0)
		return 0;
	print_message("line %u (link %u):\nexpected: %sgot:      %s", k->line, lt, k->expect,
		      tsc_buf_str(b));
	return 1;
}

/* Packets behind Ethernet, VLAN, SLL, SLL2 and loopback headers, cut at every
 * length, with -x: tcpdump dumps from the first byte of the packet when a
 * printer's read longjmps out on the short capture (tsc__trunc_jmp), else
 * from the end of the link header; data/wire-print-link-cases.txt. */
static void test_link_cases(void **state)
{
	FILE *f = fopen(TSC_TEST_DATA "/wire-print-link-cases.txt", "r");
	struct pcase *k = calloc(1, sizeof(*k));
	struct tsc_wire_opts o;
	struct tsc_buf b;
	char line[1024];
	uint32_t lt = 0;
	unsigned lineno = 0, ncase = 0, nfail = 0;
	bool have = false;

	(void)state;
	assert_non_null(f);
	assert_non_null(k);
	tsc_buf_init(&b, 0);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '@') {
			if (have)
				nfail += check_link_case(&b, lt, &o, k);
			assert_true(parse_link_head(line, &lt, &o, k));
			k->line = lineno;
			have = true;
			ncase++;
		} else {
			assert_true(have);
			assert_true(strlen(k->expect) + strlen(line) < sizeof(k->expect));
			strcat(k->expect, line);
		}
	}
	if (have)
		nfail += check_link_case(&b, lt, &o, k);
	fclose(f);
	tsc_buf_release(&b);
	free(k);
	assert_true(ncase >= 1500);
	assert_int_equal(nfail, 0);
}

static int collect(void *arg, const char *p, size_t n)
{
	tsc_buf_put(arg, p, n);
	return 0;
}

/* A truncated ICMP echo ends in " [|icmp]" without "ICMP ", wherever the
 * output buffer hands its bytes to the sink (64 KiB flush mark). */
static void test_icmp_trunc_flush(void **state)
{
	static const uint8_t echo[] = {
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00, 0x0a, 0xfa,
		0x00, 0x01, 0x0a, 0xfa, 0x00, 0x02, 0x08, 0x00, 0xf7, 0xfc, 0x00, 0x01, 0x00, 0x02,
	};
	static const char want[] = "IP 10.250.0.1 > 10.250.0.2:  [|icmp]\n";
	struct tsc_wire_opts o = { .ts_mode = TSC_TS_NONE };
	struct tsc_wire_printer *pr = tsc_wire_printer_new(&o);
	static char fill[65536];

	(void)state;
	assert_non_null(pr);
	memset(fill, 'x', sizeof(fill));
	for (size_t f = 65536 - 64; f < 65536; f++) {
		struct tsc_buf out, all;

		tsc_buf_init(&all, 0);
		tsc_buf_init(&out, 0);
		tsc_buf_set_sink(&out, collect, &all);
		tsc_buf_put(&out, fill, f);
		tsc_wire_print_packet(pr, &out, TSC_LINK_RAW, 1, 0, echo, 25, sizeof(echo));
		assert_int_equal(tsc_buf_flush(&out), 0);
		assert_int_equal(all.len, f + strlen(want));
		assert_memory_equal(all.p + f, want, strlen(want));
		tsc_buf_release(&out);
		tsc_buf_release(&all);
	}
	tsc_wire_printer_free(pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcpdump_cases),
		cmocka_unit_test(test_link_cases),
		cmocka_unit_test(test_icmp_trunc_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
