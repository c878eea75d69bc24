/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer entry for lib/sockdiag's parsers. The first byte chooses the
 * target: one inet_diag message (tsc_sockdiag_parse), one /proc/net/tcp{,6}
 * line (tsc_procnet_parse_line), or a whole dump replayed through the
 * transport seam as [u32 little-endian length][datagram] records (the format
 * of tests/unit/data/sockdiag-*.nl), through both tsc_sockdiag_dump and
 * tsc_sockdiag_count. Seeds: tests/unit/data/sockdiag-*.nl with a leading 0x02.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/tcpstate.h"
#include "sockdiag/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_replay {
	const uint8_t *p;
	size_t len, off;
};

static int fuzz_send(void *arg, const void *req, size_t len)
{
	(void)arg;
	(void)req;
	(void)len;
	return 0;
}

static long fuzz_recv(void *arg, void *buf, size_t len)
{
	struct fuzz_replay *r = arg;
	uint32_t dlen;
	size_t n;

	if (r->len - r->off < 4)
		return 0;
	dlen = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8 |
	       (uint32_t)r->p[r->off + 2] << 16 | (uint32_t)r->p[r->off + 3] << 24;
	r->off += 4;
	n = r->len - r->off < dlen ? r->len - r->off : dlen;
	if (n > len)
		n = len;
	memcpy(buf, r->p + r->off, n);
	r->off += n;
	return (long)n;
}

static int fuzz_cb(const struct tsc_sock *s, void *arg)
{
	size_t *sum = arg;

	/* touch what the parser wrote, so ASan sees every field used */
	*sum += s->family + s->state + s->lport + s->info.rtt_us + (size_t)strlen(s->cong);
	return s->state == TSC_TCP_CLOSING ? -1 : 0; /* exercise the abort path */
}

static void fuzz_dump(const uint8_t *data, size_t size, uint8_t sel)
{
	struct fuzz_replay r = { data, size, 0 };
	struct tsc_nl_ops ops = { fuzz_send, fuzz_recv, &r };
	struct tsc_sockdiag_query q = { TSC_TCPF_ALL, true, (sel & 0x10) != 0, sel >> 5 };
	uint64_t counts[TSC_TCP_MAX_STATES] = { 0 };
	struct tsc_sockdiag *h = tsc_sockdiag_new_ops(&ops);
	size_t sum = 0;

	if (!h)
		return;
	(void)tsc_sockdiag_dump(h, &q, fuzz_cb, &sum);
	r.off = 0;
	(void)tsc_sockdiag_count(h, &q, counts);
	tsc_sockdiag_free(h);
}

/* Weak, so that the documented one-line build, which names this file twice
 * (on its own and again through the lib/sockdiag glob), still links. */
__attribute__((weak)) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsc_sock s;
	char *line;

	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		(void)tsc_sockdiag_parse(data + 1, size - 1, &s);
		break;
	case 1:
		line = malloc(size);
		if (!line)
			return 0;
		memcpy(line, data + 1, size - 1);
		line[size - 1] = '\0';
		(void)tsc_procnet_parse_line(line, data[0] & 4 ? AF_INET6 : AF_INET, &s);
		free(line);
		break;
	default:
		fuzz_dump(data + 1, size - 1, data[0]);
		break;
	}
	return 0;
}
