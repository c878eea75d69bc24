/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-pcap: a deterministic generator of large pcap files with realistic TCP
 * traffic, for the capture and flow benchmarks. Same arguments, same bytes.
 *
 * usage: gen-pcap [-m full|headers|synflood] [-a spread|dc] [-s MB] [-n PACKETS]
 *                 [-c CONCURRENT] [-6 PERCENT] [-l PERMILLE] [-r PERCENT] [-S SEED] -o FILE
 *   -m full      (default) Ethernet frames captured whole (snaplen 262144): many
 *                connections interleaved, each with a handshake (mss, sackOK, TS,
 *                wscale), a request from the client, a response of MSS-sized
 *                segments (1448 bytes of payload with TS) acked every second
 *                segment, some losses (the segment is missing, the client sends
 *                duplicate ACKs with SACK blocks, the server retransmits), and a
 *                teardown by FIN/FIN/ACK or by RST.
 *   -m headers   the same traffic with snaplen 96: records are cut to 96 bytes
 *                (per-packet costs dominate; ~10 M packets in 1 GB).
 *   -m synflood  SYNs from distinct spoofed (random) sources and ports to one
 *                server port; the server answers half of them with a SYN-ACK.
 *   -a spread    (default) client addresses spread over the IPv4/IPv6 space;
 *      dc        data-centre-like: clients in 10.1.0.0/16 (fd00:1::/64) and
 *                servers in 10.2.0.0/24 (fd00:2::/64), sharing first octets.
 *   -s MB        stop when the file reaches MB megabytes (default 1000; with -m
 *                synflood the default is -n 3000000 instead)
 *   -n PACKETS   stop after PACKETS packets (overrides -s)
 *   -c N         concurrent connections (default 256)
 *   -6 PERCENT   share of IPv6 connections (default 10)
 *   -l PERMILLE  server segments lost (default 5 = 0.5%)
 *   -r PERCENT   connections torn down by RST instead of FIN (default 10)
 *   -S SEED      PRNG seed (default 1)
 *   -o FILE      output ("-" for stdout)
 * Timestamps start at 2023-11-14 22:13:20 UTC and advance 0-19 us a packet.
 * Checksums (IPv4 header, TCP) are correct. Exit: 0, 1 on I/O error, 2 usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSS	    1448u
#define SNAP_FULL   262144u
#define SNAP_HDRS   96u
#define PAYLOAD_MAX 65536u

enum mode { M_FULL, M_HEADERS, M_SYNFLOOD };
enum phase { P_SYN, P_SYNACK, P_ACK3, P_REQ, P_RESP, P_FIN1, P_FIN2, P_LAST, P_RST, P_DONE };

struct conn {
	int v6;
	uint8_t cip[16], sip[16], cmac[6], smac[6];
	uint16_t cport, sport, cid, sid;
	uint32_t cseq, sseq, ts_c, ts_s;
	uint32_t req_left, resp_left, unacked;
	uint32_t hole_seq, hole_len, sack_right, since_hole;
	int hole, rst, phase;
};

struct gen {
	enum mode mode;
	int dc, v6pct, loss, rstpct;
	uint64_t rng, npkts, maxpkts, bytes, maxbytes;
	uint64_t clock_us;
	uint32_t snap;
	FILE *f;
	uint8_t payload[PAYLOAD_MAX + MSS];
	uint8_t frame[2048];
};

/* ---- PRNG: splitmix64, deterministic across platforms ---- */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rndn(struct gen *g, uint32_t n)
{
	return (uint32_t)(rnd(g) % n);
}

/* ---- checksums ---- */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	uint64_t acc = s;

	for (; n >= 2; p += 2, n -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (n)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

/* ---- output ---- */
static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int write_header(struct gen *g)
{
	uint8_t h[24] = { 0 };

	put_le32(h, 0xa1b2c3d4);
	h[4] = 2;
	h[6] = 4;
	put_le32(h + 16, g->snap);
	put_le32(h + 20, 1); /* Ethernet */
	g->bytes = sizeof(h);
	return fwrite(h, sizeof(h), 1, g->f) == 1 ? 0 : -1;
}

/* Emits the frame in g->frame (+ payload bytes at pay, paylen) as one record. */
static int emit(struct gen *g, size_t hdrlen, const uint8_t *pay, uint32_t paylen)
{
	uint32_t wire = (uint32_t)hdrlen + paylen;
	uint32_t cap = wire < g->snap ? wire : g->snap;
	uint8_t rh[16];

	g->clock_us += rndn(g, 20);
	put_le32(rh, (uint32_t)(1700000000u + g->clock_us / 1000000u));
	put_le32(rh + 4, (uint32_t)(g->clock_us % 1000000u));
	put_le32(rh + 8, cap);
	put_le32(rh + 12, wire);
	if (fwrite(rh, 16, 1, g->f) != 1)
		return -1;
	if (cap <= hdrlen) {
		if (fwrite(g->frame, cap, 1, g->f) != 1)
			return -1;
	} else if (fwrite(g->frame, hdrlen, 1, g->f) != 1 ||
		   fwrite(pay, cap - hdrlen, 1, g->f) != 1) {
		return -1;
	}
	g->npkts++;
	g->bytes += 16 + cap;
	return 0;
}

/* TCP options: 's' SYN set, 'e' established (nop,nop,TS), 'k' TS + one SACK block. */
static size_t tcp_opts(uint8_t *o, int kind, int v6, uint32_t tsval, uint32_t tsecr, uint32_t l,
		       uint32_t r)
{
	if (kind == 's') {
		static const uint8_t syn[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
					       0, 0, 0, 0,    0, 0, 1, 3,  3, 7 };

		memcpy(o, syn, sizeof(syn));
		if (v6)
			o[3] = 0xa0; /* 1440 */
		be32(o + 8, tsval);
		be32(o + 12, tsecr);
		return sizeof(syn);
	}
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	be32(o + 4, tsval);
	be32(o + 8, tsecr);
	if (kind != 'k')
		return 12;
	o[12] = 1;
	o[13] = 1;
	o[14] = 5;
	o[15] = 10;
	be32(o + 16, l);
	be32(o + 20, r);
	return 24;
}

/* Builds Ethernet + IP + TCP into g->frame and emits it. from_client picks the direction. */
static int send_seg(struct gen *g, struct conn *c, int from_client, uint8_t flags, uint32_t seq,
		    uint32_t ack, int optkind, const uint8_t *pay, uint32_t paylen)
{
	uint8_t *f = g->frame, *ip = f + 14, *th;
	const uint8_t *src = from_client ? c->cip : c->sip, *dst = from_client ? c->sip : c->cip;
	uint32_t tsval = from_client ? c->ts_c : c->ts_s, tsecr = from_client ? c->ts_s : c->ts_c;
	size_t iplen = c->v6 ? 40 : 20, olen, tlen;
	uint32_t s;

	memcpy(f, from_client ? c->smac : c->cmac, 6);
	memcpy(f + 6, from_client ? c->cmac : c->smac, 6);
	be16(f + 12, c->v6 ? 0x86dd : 0x0800);
	th = ip + iplen;
	olen = optkind ? tcp_opts(th + 20, optkind, c->v6, tsval, tsecr, c->hole_seq + c->hole_len,
				  c->sack_right)
		       : 0;
	if (optkind == 's' && !(flags & 0x10))
		be32(th + 20 + 12, 0); /* a SYN has no TS echo */
	tlen = 20 + olen;
	be16(th, from_client ? c->cport : c->sport);
	be16(th + 2, from_client ? c->sport : c->cport);
	be32(th + 4, seq);
	be32(th + 8, (flags & 0x10) ? ack : 0);
	th[12] = (uint8_t)((tlen / 4) << 4);
	th[13] = flags;
	be16(th + 14, flags & 0x04   ? 0
		      : flags & 0x02 ? (from_client ? 64240 : 65160)
		      : from_client  ? 502
				     : 509);
	be16(th + 16, 0);
	be16(th + 18, 0);
	if (c->v6) {
		be32(ip, 0x60000000u | (from_client ? c->cport : c->sport));
		be16(ip + 4, (uint32_t)tlen + paylen);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		s = sum16(ip + 8, 32, 6 + (uint32_t)tlen + paylen);
	} else {
		uint16_t *id = from_client ? &c->cid : &c->sid;

		ip[0] = 0x45;
		ip[1] = 0;
		be16(ip + 2, (uint32_t)(20 + tlen + paylen));
		be16(ip + 4, (*id)++);
		be16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		be16(ip + 10, 0);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		be16(ip + 10, fold(sum16(ip, 20, 0)));
		s = sum16(ip + 12, 8, 6 + (uint32_t)tlen + paylen);
	}
	s = sum16(th, tlen, s);
	/* payload sums start at an even offset of the frame: fine for sum16 per part
	 * only when tlen is even, which TCP headers always are */
	s = sum16(pay, paylen, s);
	be16(th + 16, fold(s));
	if (from_client)
		c->ts_c += rndn(g, 2);
	else
		c->ts_s += rndn(g, 2);
	return emit(g, 14 + iplen + tlen, pay, paylen);
}

static void pick_addr(struct gen *g, uint8_t *a, int v6, int server)
{
	uint64_t r = rnd(g);

	memset(a, 0, 16);
	if (!v6) {
		if (g->dc) {
			a[0] = 10;
			a[1] = server ? 2 : 1;
			a[2] = server ? 0 : (uint8_t)(r & 63);
			a[3] = (uint8_t)(server ? 1 + (r >> 8) % 32 : 1 + (r >> 8) % 254);
		} else if (server) {
			/* 64 servers spread out */
			uint32_t v = (uint32_t)((r % 64) * 0x2f1e8d3u + 0x17000000u);

			be32(a, v);
		} else {
			be32(a, (uint32_t)(0x01000000u + (r >> 8) % 0xde000000u));
		}
		return;
	}
	if (g->dc) {
		a[0] = 0xfd;
		a[3] = server ? 2 : 1;
		be32(a + 12, server ? 1 + (uint32_t)(r % 32) : (uint32_t)(r >> 16) | 1);
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		if (server)
			r %= 64;
		memcpy(a + 4, &r, 8);
		be32(a + 12, (uint32_t)(rnd(g) >> 7) | (server ? 0x100u : 0));
	}
}

static uint32_t resp_size(struct gen *g)
{
	uint32_t r = rndn(g, 100);

	if (r < 70)
		return 200 + rndn(g, 20000);
	if (r < 95)
		return 20000 + rndn(g, 480000);
	return 500000 + rndn(g, 4500000);
}

static void conn_new(struct gen *g, struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->v6 = (int)rndn(g, 100) < g->v6pct;
	pick_addr(g, c->cip, c->v6, 0);
	pick_addr(g, c->sip, c->v6, 1);
	for (int i = 0; i < 6; i++) {
		c->cmac[i] = (uint8_t)(0x02 + i * 0x11);
		c->smac[i] = (uint8_t)(0x02 + i * 0x22);
	}
	c->cport = (uint16_t)(32768 + rndn(g, 28232));
	{
		static const uint16_t ports[] = { 443, 443, 443, 8443, 9502, 5432, 3306, 2379 };

		c->sport = ports[rndn(g, 8)];
	}
	c->cseq = (uint32_t)rnd(g);
	c->sseq = (uint32_t)rnd(g);
	c->ts_c = (uint32_t)rnd(g);
	c->ts_s = (uint32_t)rnd(g);
	c->cid = (uint16_t)rnd(g);
	c->sid = (uint16_t)rnd(g);
	c->req_left = 80 + rndn(g, c->sport == 5432 ? 3000 : 600);
	c->resp_left = resp_size(g);
	c->rst = (int)rndn(g, 100) < g->rstpct;
	c->phase = P_SYN;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* One packet of c's life; c->phase becomes P_DONE after the last. */
static int conn_step(struct gen *g, struct conn *c)
{
	const uint8_t *pay = g->payload + (rnd(g) % (PAYLOAD_MAX / 2)) * 2;
	uint32_t n;
	int r;

	switch (c->phase) {
	case P_SYN:
		c->phase = P_SYNACK;
		return send_seg(g, c, 1, 0x02, c->cseq++, 0, 's', NULL, 0);
	case P_SYNACK:
		c->phase = P_ACK3;
		return send_seg(g, c, 0, 0x12, c->sseq++, c->cseq, 's', NULL, 0);
	case P_ACK3:
		c->phase = P_REQ;
		return send_seg(g, c, 1, 0x10, c->cseq, c->sseq, 'e', NULL, 0);
	case P_REQ:
		n = min32(c->req_left, MSS);
		r = send_seg(g, c, 1, 0x18, c->cseq, c->sseq, 'e', pay, n);
		c->cseq += n;
		c->req_left -= n;
		if (!c->req_left)
			c->phase = P_RESP;
		return r;
	case P_RESP:
		/* the client's ACK: every second segment, or at once while a hole is open */
		if (c->unacked >= 2 || (c->hole && c->unacked) || (!c->resp_left && c->unacked)) {
			c->unacked = 0;
			if (c->hole)
				return send_seg(g, c, 1, 0x10, c->cseq, c->hole_seq, 'k', NULL, 0);
			return send_seg(g, c, 1, 0x10, c->cseq, c->sseq, 'e', NULL, 0);
		}
		if (c->hole && ++c->since_hole > 3) {
			/* fast retransmit of the missing segment */
			r = send_seg(g, c, 0, 0x10, c->hole_seq, c->cseq, 'e', pay, c->hole_len);
			c->hole = 0;
			c->unacked = 1;
			return r;
		}
		if (!c->resp_left) {
			c->phase = c->rst ? P_RST : P_FIN1;
			return conn_step(g, c);
		}
		n = min32(c->resp_left, MSS);
		c->resp_left -= n;
		if (!c->hole && n == MSS && c->resp_left && (int)rndn(g, 1000) < g->loss) {
			/* lost before the capture point: not emitted */
			c->hole = 1;
			c->hole_seq = c->sseq;
			c->hole_len = n;
			c->since_hole = 0;
			c->sseq += n;
			c->sack_right = c->sseq;
			return conn_step(g, c);
		}
		r = send_seg(g, c, 0, c->resp_left ? 0x10 : 0x18, c->sseq, c->cseq, 'e', pay, n);
		c->sseq += n;
		if (c->hole)
			c->sack_right = c->sseq;
		c->unacked++;
		return r;
	case P_FIN1:
		c->phase = P_FIN2;
		return send_seg(g, c, 1, 0x11, c->cseq++, c->sseq, 'e', NULL, 0);
	case P_FIN2:
		c->phase = P_LAST;
		return send_seg(g, c, 0, 0x11, c->sseq++, c->cseq, 'e', NULL, 0);
	case P_LAST:
		c->phase = P_DONE;
		return send_seg(g, c, 1, 0x10, c->cseq, c->sseq, 'e', NULL, 0);
	case P_RST:
		c->phase = P_DONE;
		if (rndn(g, 2))
			return send_seg(g, c, 1, 0x14, c->cseq, c->sseq, 0, NULL, 0);
		return send_seg(g, c, 0, 0x14, c->sseq, c->cseq, 0, NULL, 0);
	}
	c->phase = P_DONE;
	return 0;
}

static int done(const struct gen *g)
{
	return g->maxpkts ? g->npkts >= g->maxpkts : g->bytes >= g->maxbytes;
}

static int run_flows(struct gen *g, uint32_t nconc)
{
	struct conn *cs = calloc(nconc, sizeof(*cs));

	if (!cs)
		return -1;
	for (uint32_t i = 0; i < nconc; i++)
		conn_new(g, &cs[i]);
	while (!done(g)) {
		struct conn *c = &cs[rndn(g, nconc)];

		if (conn_step(g, c) < 0) {
			free(cs);
			return -1;
		}
		if (c->phase == P_DONE)
			conn_new(g, c);
	}
	free(cs);
	return 0;
}

static int run_synflood(struct gen *g)
{
	struct conn c, pend[64];
	uint32_t npend = 0;

	conn_new(g, &c);
	while (!done(g)) {
		/* a new spoofed source every time; the server stays */
		c.v6 = (int)rndn(g, 100) < g->v6pct;
		if (c.v6 && c.sip[0] != 0x20 && c.sip[0] != 0xfd)
			pick_addr(g, c.sip, 1, 1);
		if (!c.v6 && (c.sip[0] == 0x20 || c.sip[0] == 0xfd))
			pick_addr(g, c.sip, 0, 1);
		pick_addr(g, c.cip, c.v6, 0);
		c.cport = (uint16_t)(1024 + rndn(g, 64511));
		c.cseq = (uint32_t)rnd(g);
		c.ts_c = (uint32_t)rnd(g);
		if (send_seg(g, &c, 1, 0x02, c.cseq, 0, 's', NULL, 0) < 0)
			return -1;
		if (rndn(g, 2)) {
			pend[npend++] = c;
		}
		if (npend == 64 || (npend && rndn(g, 4) == 0)) {
			struct conn *p = &pend[rndn(g, npend)];

			p->sseq = (uint32_t)rnd(g);
			if (send_seg(g, p, 0, 0x12, p->sseq, p->cseq + 1, 's', NULL, 0) < 0)
				return -1;
			*p = pend[--npend];
		}
	}
	return 0;
}

static int parse_u(const char *s, unsigned long long max, unsigned long long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' || *ret > max ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen-pcap [-m full|headers|synflood] [-a spread|dc] [-s MB] "
			"[-n PACKETS] [-c CONCURRENT] [-6 PERCENT] [-l PERMILLE] [-r PERCENT] "
			"[-S SEED] -o FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct gen g;
	unsigned long long v, mb = 0, conc = 256;
	const char *out = NULL;
	int opt, r;

	g.v6pct = 10;
	g.loss = 5;
	g.rstpct = 10;
	g.rng = 1;
	while ((opt = getopt(argc, argv, "m:a:s:n:c:6:l:r:S:o:")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "full"))
				g.mode = M_FULL;
			else if (!strcmp(optarg, "headers"))
				g.mode = M_HEADERS;
			else if (!strcmp(optarg, "synflood"))
				g.mode = M_SYNFLOOD;
			else
				usage();
			break;
		case 'a':
			if (strcmp(optarg, "spread") && strcmp(optarg, "dc"))
				usage();
			g.dc = !strcmp(optarg, "dc");
			break;
		case 's':
			if (parse_u(optarg, 1000000, &mb) || !mb)
				usage();
			break;
		case 'n':
			if (parse_u(optarg, UINT64_MAX, &v) || !v)
				usage();
			g.maxpkts = v;
			break;
		case 'c':
			if (parse_u(optarg, 1000000, &conc) || !conc)
				usage();
			break;
		case '6':
		case 'r':
			if (parse_u(optarg, 100, &v))
				usage();
			*(opt == '6' ? &g.v6pct : &g.rstpct) = (int)v;
			break;
		case 'l':
			if (parse_u(optarg, 1000, &v))
				usage();
			g.loss = (int)v;
			break;
		case 'S':
			if (parse_u(optarg, UINT64_MAX, &v))
				usage();
			g.rng = v;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (!out || optind != argc)
		usage();
	if (!g.maxpkts && !mb && g.mode == M_SYNFLOOD)
		g.maxpkts = 3000000;
	g.maxbytes = (mb ? mb : 1000) * 1000000ull;
	g.snap = g.mode == M_HEADERS ? SNAP_HDRS : SNAP_FULL;
	for (size_t i = 0; i < sizeof(g.payload); i++)
		g.payload[i] = (uint8_t)(rnd(&g) >> 56);
	g.f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
	if (!g.f) {
		fprintf(stderr, "gen-pcap: cannot open '%s': %s\n", out, strerror(errno));
		return 1;
	}
	setvbuf(g.f, NULL, _IOFBF, 1 << 20);
	r = write_header(&g);
	if (!r)
		r = g.mode == M_SYNFLOOD ? run_synflood(&g) : run_flows(&g, (uint32_t)conc);
	if (fflush(g.f) || ferror(g.f) || r < 0 || (g.f != stdout && fclose(g.f))) {
		fprintf(stderr, "gen-pcap: write error on '%s': %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(stderr, "gen-pcap: %llu packets, %llu bytes\n", (unsigned long long)g.npkts,
		(unsigned long long)g.bytes);
	return 0;
}
