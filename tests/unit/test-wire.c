/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/wire: handcrafted-bytes tests for each decoder, printer output for a
 * handshake packet, and every packet replayed at every truncation length
 * 0..len through the printer (tcpdump's "several snaplens", automated).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire.h"

/* Ethernet + IPv4 + TCP SYN with mss,sackOK,TS,nop,wscale (made by hand). */
static const uint8_t syn[] = {
	0x02, 0x00, 0x0a, 0xc8, 0x00, 0x02, 0x02, 0x00, 0x0a, 0xc8, 0x00, 0x01, 0x08, 0x00, 0x45,
	0x00, 0x00, 0x3c, 0x30, 0x72, 0x40, 0x00, 0x40, 0x06, 0xf4, 0xb7, 0x0a, 0xc8, 0x00, 0x01,
	0x0a, 0xc8, 0x00, 0x02, 0xed, 0x3c, 0x23, 0x29, 0x12, 0x05, 0x75, 0x6b, 0x00, 0x00, 0x00,
	0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x34, 0x5d, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x2a, 0xff, 0x40, 0x47, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* Ethernet + 802.1Q + ARP request. */
static const uint8_t arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x0a, 0xc8, 0x00, 0xa1,
	0x81, 0x00, 0x00, 0x64, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
	0x00, 0x01, 0x02, 0x00, 0x0a, 0xc8, 0x00, 0xa1, 0x0a, 0xc8, 0x00, 0xa1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xc8, 0x00, 0xa2,
};

/* Raw IPv6 + UDP (fd00:250::1.5000 > fd00:250::2.9000, 4 bytes). */
static const uint8_t v6udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0xfd, 0x00, 0x02, 0x50, 0,
	0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    1,	  0xfd, 0x00,
	0x02, 0x50, 0,	  0,	0,    0,    0,	  0,	0,    0,    0,	  0,	0,
	2,    0x13, 0x88, 0x23, 0x28, 0x00, 0x0c, 0x00, 0x00, 'a',  'b',  'c',	'd',
};

static void test_link_eth_vlan(void **state)
{
	struct tsc_wire_link l;

	(void)state;
	assert_int_equal(
		tsc_wire_link_decode(TSC_LINK_ETHERNET, tsc_cur_make(arp, sizeof(arp)), &l),
		TSC_DECODE_OK);
	assert_int_equal(l.nvlan, 1);
	assert_int_equal(l.vlan[0].tci & 0xfff, 100);
	assert_int_equal(l.ethertype, TSC_ETH_ARP);
	assert_int_equal(l.hdrlen, 18);
	assert_int_equal(tsc_wire_link_decode(TSC_LINK_ETHERNET, tsc_cur_make(arp, 16), &l),
			 TSC_DECODE_TRUNC);
	assert_int_equal(tsc_wire_link_decode(TSC_LINK_ETHERNET, tsc_cur_make(arp, 5), &l),
			 TSC_DECODE_TRUNC);
}

static void test_ip4_tcp(void **state)
{
	struct tsc_wire_ip4 ip;
	struct tsc_wire_tcp t;

	(void)state;
	assert_int_equal(tsc_wire_ip4_decode(tsc_cur_make(syn + 14, sizeof(syn) - 14), 60, &ip),
			 TSC_DECODE_OK);
	assert_int_equal(ip.proto, 6);
	assert_int_equal(ip.tot_len, 60);
	assert_int_equal(ip.payload.len, 40);
	assert_int_equal(tsc_wire_cksum(&ip.hdr, 1), 0);
	assert_int_equal(tsc_wire_tcp_decode(ip.payload, 40, &t), TSC_DECODE_OK);
	assert_int_equal(t.sport, 60732);
	assert_int_equal(t.dport, 9001);
	assert_int_equal(t.seq, 302347627u);
	assert_int_equal(t.flags, TSC_TH_SYN);
	assert_int_equal(t.hlen, 40);
	tsc_wire_tcp_opts_decode(&t);
	assert_int_equal(t.nopt, 5);
	assert_int_equal(t.opt[0].kind, 2);
	assert_int_equal(t.opt[0].v[0], 1460);
	assert_int_equal(t.opt[2].v[0], 721371207u);
	assert_int_equal(t.opt[4].v[0], 10);
	/* truncated option area: the walk stops with TRUNC */
	assert_int_equal(tsc_wire_tcp_decode(tsc_cur_make(ip.payload.p, 25), 40, &t),
			 TSC_DECODE_OK);
	tsc_wire_tcp_opts_decode(&t);
	assert_true(t.opt_status == TSC_DECODE_TRUNC ||
		    t.opt[t.nopt - 1].status == TSC_DECODE_TRUNC);
}

static void test_bad_lengths(void **state)
{
	uint8_t b[sizeof(syn)];
	struct tsc_wire_ip4 ip;
	struct tsc_wire_tcp t;

	(void)state;
	memcpy(b, syn, sizeof(b));
	b[14] = 0x44; /* IHL 4 */
	assert_int_equal(tsc_wire_ip4_decode(tsc_cur_make(b + 14, sizeof(b) - 14), 60, &ip),
			 TSC_DECODE_BAD);
	memcpy(b, syn, sizeof(b));
	b[46] = 0x40; /* data offset 4 */
	assert_int_equal(tsc_wire_tcp_decode(tsc_cur_make(b + 34, 40), 40, &t), TSC_DECODE_BAD);
	memcpy(b, syn, sizeof(b));
	b[55] = 1; /* mss option length 1 */
	assert_int_equal(tsc_wire_tcp_decode(tsc_cur_make(b + 34, 40), 40, &t), TSC_DECODE_OK);
	tsc_wire_tcp_opts_decode(&t);
	assert_int_equal(t.opt_status, TSC_DECODE_BAD);
}

static void test_ip6_udp_arp(void **state)
{
	struct tsc_wire_ip6 ip6;
	struct tsc_wire_udp u;
	struct tsc_wire_arp a;

	(void)state;
	assert_int_equal(
		tsc_wire_ip6_decode(tsc_cur_make(v6udp, sizeof(v6udp)), sizeof(v6udp), &ip6),
		TSC_DECODE_OK);
	assert_int_equal(ip6.nxt, 17);
	assert_int_equal(ip6.after.len, 12);
	assert_int_equal(tsc_wire_udp_decode(ip6.after, &u), TSC_DECODE_OK);
	assert_int_equal(u.dport, 9000);
	assert_int_equal(tsc_wire_arp_decode(tsc_cur_make(arp + 18, sizeof(arp) - 18), &a),
			 TSC_DECODE_OK);
	assert_int_equal(a.op, 1);
	assert_int_equal(a.tpa.p[3], 0xa2);
	assert_int_equal(tsc_wire_arp_decode(tsc_cur_make(arp + 18, 20), &a), TSC_DECODE_TRUNC);
}

static const char *print1(struct tsc_buf *b, const struct tsc_wire_opts *o, uint32_t lt,
			  const uint8_t *p, uint32_t caplen, uint32_t len)
{
	struct tsc_wire_printer *pr = tsc_wire_printer_new(o);

	assert_non_null(pr);
	tsc_buf_reset(b);
	tsc_wire_print_packet(pr, b, lt, 3600, 5, p, caplen, len);
	tsc_wire_printer_free(pr);
	return tsc_buf_str(b);
}

static void test_print(void **state)
{
	struct tsc_wire_opts o = { 0 };
	struct tsc_buf b;

	(void)state;
	tsc_buf_init(&b, 0);
	assert_string_equal(print1(&b, &o, TSC_LINK_ETHERNET, syn, sizeof(syn), sizeof(syn)),
			    "01:00:00.000005 IP 10.200.0.1.60732 > 10.200.0.2.9001: Flags [S], seq "
			    "302347627, win 64240, options [mss 1460,sackOK,TS val 721371207 ecr "
			    "0,nop,wscale 10], length 0\n");
	assert_string_equal(print1(&b, &o, TSC_LINK_ETHERNET, syn, 50, sizeof(syn)),
			    "01:00:00.000005 IP 10.200.0.1.60732 > 10.200.0.2.9001:  [|tcp]\n");
	o.eflag = true;
	assert_string_equal(
		print1(&b, &o, TSC_LINK_ETHERNET, arp, sizeof(arp), 60),
		"01:00:00.000005 02:00:0a:c8:00:a1 > ff:ff:ff:ff:ff:ff, ethertype 802.1Q "
		"(0x8100), length 60: vlan 100, p 0, ethertype ARP (0x0806), Request "
		"who-has 10.200.0.162 tell 10.200.0.161, length 42\n");
	o.eflag = false;
	o.vflag = 1;
	o.ts_mode = TSC_TS_NONE;
	assert_string_equal(
		print1(&b, &o, TSC_LINK_RAW, v6udp, sizeof(v6udp), sizeof(v6udp)),
		"IP6 (hlim 64, next-header UDP (17) payload length: 12) fd00:250::1.5000 > "
		"fd00:250::2.9000: [bad udp cksum 0x0000 -> 0x05bb!] UDP, length 4\n");
	tsc_buf_release(&b);
}

static void replay_all(const uint8_t *p, size_t len, uint32_t lt)
{
	static const struct tsc_wire_opts variants[] = {
		{ 0 },
		{ .vflag = 2 },
		{ .eflag = true, .xflag = 1 },
		{ .Xflag = 2, .qflag = true },
		{ .Aflag = true, .Sflag = true, .ts_mode = TSC_TS_DELTA },
	};
	struct tsc_buf b;

	tsc_buf_init(&b, 0);
	for (size_t v = 0; v < TSC_ARRAY_SIZE(variants); v++) {
		struct tsc_wire_printer *pr = tsc_wire_printer_new(&variants[v]);

		assert_non_null(pr);
		for (size_t cut = 0; cut <= len; cut++) {
			const char *s;

			tsc_buf_reset(&b);
			tsc_wire_print_packet(pr, &b, lt, 1, 2, p, (uint32_t)cut, (uint32_t)len);
			s = tsc_buf_str(&b);
			assert_true(strlen(s) > 0 && s[strlen(s) - 1] == '\n');
			if (cut < len && !variants[v].xflag && !variants[v].Xflag &&
			    !variants[v].Aflag && cut > 0 && v == 0 && lt != TSC_LINK_RAW)
				assert_non_null(strstr(s, "[|"));
		}
		tsc_wire_printer_free(pr);
	}
	tsc_buf_release(&b);
}

static void test_truncations(void **state)
{
	(void)state;
	replay_all(syn, sizeof(syn), TSC_LINK_ETHERNET);
	replay_all(arp, sizeof(arp), TSC_LINK_ETHERNET);
	replay_all(v6udp, sizeof(v6udp), TSC_LINK_RAW);
	replay_all(syn + 14, sizeof(syn) - 14, TSC_LINK_RAW);
}

static void test_seq_table_bounded(void **state)
{
	struct tsc_wire_opts o = { .seq_table_max = 8 };
	struct tsc_wire_printer *pr = tsc_wire_printer_new(&o);
	uint8_t b[sizeof(syn)];
	struct tsc_buf out;

	(void)state;
	tsc_buf_init(&out, 0);
	memcpy(b, syn, sizeof(b));
	b[47] = 0x12; /* SYN|ACK so the table is used */
	for (int i = 0; i < 100; i++) {
		b[34] = (uint8_t)i; /* new source port each time */
		tsc_wire_print_packet(pr, &out, TSC_LINK_ETHERNET, 1, 0, b, sizeof(b), sizeof(b));
	}
	assert_true(tsc_wire_printer_seq_evictions(pr) > 0);
	tsc_wire_printer_free(pr);
	tsc_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_eth_vlan),
		cmocka_unit_test(test_ip4_tcp),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_ip6_udp_arp),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_seq_table_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
