/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer entry for file reading: the whole input is a pcap or pcapng file,
 * opened from memory (fmemopen + libpcap's pcap_fopen_offline, through
 * tsc_capture_open_stream), walked with tsc_capture_loop (which reports the
 * byte offset of a corrupt record) and every record decoded and printed by
 * lib/wire with the file's link type. The last input byte picks the printer
 * flags (-v, -x/-X, -e, -tttt, --nano...), so real files seed every variant.
 * A damaged input is then also read as a regular file (a memfd opened by
 * path: tsc_capture_open_file, which finds the offset of a bad record by
 * reading the file again instead of an ftello() per record); both ways must
 * name the same byte offset, else abort().
 * Seeds: tests/corpus/pcap/ (small captures of our own plus hand-broken files).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/buf.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_pcap {
	struct tsc_wire_printer *pr;
	struct tsc_buf out;
	uint32_t linktype;
	uint64_t n;
};

static int on_packet(void *arg, int64_t sec, uint32_t frac, const uint8_t *pkt, uint32_t caplen,
		     uint32_t len)
{
	struct fuzz_pcap *f = arg;

	tsc_wire_print_packet(f->pr, &f->out, f->linktype, sec, frac, pkt, caplen, len);
	tsc_buf_reset(&f->out);
	/* bound the work per input: libpcap accepts 0-byte records */
	return ++f->n >= 20000;
}

static int count_only(void *arg, int64_t sec, uint32_t frac, const uint8_t *pkt, uint32_t caplen,
		      uint32_t len)
{
	uint64_t *n = arg;

	(void)sec, (void)frac, (void)pkt, (void)caplen, (void)len;
	return ++*n >= 20000;
}

/* The same bytes as a regular file opened by path: same failure offset. */
static void check_file_offset(const uint8_t *data, size_t size, bool nano, long long want)
{
	char eb[TSC_CAPTURE_ERRBUF] = "", path[64];
	struct tsc_capture *c;
	long long off = -1;
	uint64_t n = 0;
	int fd = memfd_create("fuzz-pcap", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c = tsc_capture_open_file(path, nano, eb);
	if (c) {
		if (tsc_capture_loop(c, 0, count_only, &n, eb, &off) == -EIO && off != want)
			abort();
		tsc_capture_close(c);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char eb[TSC_CAPTURE_ERRBUF] = "";
	struct fuzz_pcap f = { 0 };
	struct tsc_wire_opts o = { 0 };
	struct tsc_capture *c;
	long long off = -1;
	int r = 0;
	uint8_t fl;
	FILE *fp;

	if (size < 1)
		return 0;
	fl = data[size - 1];
	o.vflag = fl & 3;
	o.xflag = (fl >> 2) & 1;
	o.Xflag = (fl >> 3) & 1;
	o.eflag = (fl >> 4) & 1;
	o.ts_mode = (enum tsc_wire_ts_mode)(((fl >> 5) & 3) + (fl & 0x80 ? 2 : 0));
	o.nano = (fl >> 7) & 1;
	o.seq_table_max = 8;
	fp = fmemopen((void *)(uintptr_t)data, size, "r");
	if (!fp)
		return 0;
	c = tsc_capture_open_stream(fp, o.nano, eb);
	if (!c)
		return 0;
	f.linktype = (uint32_t)tsc_capture_linktype(c);
	(void)tsc_capture_snaplen(c);
	(void)tsc_capture_linktype_name(c);
	(void)tsc_capture_linktype_desc(c);
	f.pr = tsc_wire_printer_new(&o);
	if (f.pr) {
		tsc_buf_init(&f.out, 0);
		r = tsc_capture_loop(c, 0, on_packet, &f, eb, &off);
		tsc_buf_release(&f.out);
		tsc_wire_printer_free(f.pr);
	}
	tsc_capture_close(c);
	if (r == -EIO && off >= 0)
		check_file_offset(data, size, o.nano, off);
	return 0;
}
