/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpcap for everything it does well: live capture, pcap/pcapng reading,
 * the filter language (pcap_compile, never our own), writing and rotation,
 * statistics. No printing: errors come back as -errno plus libpcap's message
 * in the caller's errbuf (TSC_CAPTURE_ERRBUF bytes).
 * Order: open (live or file) -> set_filter -> [dump_open] -> [drop_privs] ->
 * loop -> stats -> close.
 */
#ifndef TSC_CAPTURE_CAPTURE_H
#define TSC_CAPTURE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cleanup.h"

#define TSC_CAPTURE_ERRBUF 512

struct tsc_capture;

struct tsc_capture_live_opts {
	const char *iface; /* NULL: libpcap's default device (like tcpdump) */
	int snaplen;	   /* 0: 262144 */
	bool promisc, immediate, nano;
	int buffer_kib; /* 0: libpcap default */
};

/* Callback per packet: ts in micro- or nanoseconds per the open mode. Return
 * non-zero to stop the loop. */
typedef int (*tsc_capture_cb)(void *arg, int64_t sec, uint32_t frac, const uint8_t *data,
			      uint32_t caplen, uint32_t len);

struct tsc_capture *tsc_capture_open_live(const struct tsc_capture_live_opts *o, char *errbuf);
/* path "-" reads stdin. */
struct tsc_capture *tsc_capture_open_file(const char *path, bool nano, char *errbuf);
/* Reads a pcap/pcapng file from an open stream (a pipe, fmemopen()...).
 * Takes ownership of f: it is closed by tsc_capture_close(), or here on
 * failure (stdin excepted). tsc_capture_open_file() is this with a larger
 * stdio buffer, no stdio locking, and (regular files) error offsets found
 * without an ftello() per record. */
struct tsc_capture *tsc_capture_open_stream(FILE *f, bool nano, char *errbuf);
void tsc_capture_close(struct tsc_capture *c);

TSC_MUST_CHECK int tsc_capture_set_filter(struct tsc_capture *c, const char *expr, char *errbuf);
int tsc_capture_linktype(const struct tsc_capture *c);
const char *tsc_capture_linktype_name(const struct tsc_capture *c);
const char *tsc_capture_linktype_desc(const struct tsc_capture *c);
int tsc_capture_snaplen(const struct tsc_capture *c);

/* Runs until count packets (0: no limit), EOF, an error, the callback asks to
 * stop or tsc_capture_breakloop(). Returns 0 (done/EOF), 1 (interrupted) or
 * -errno with errbuf set; for files, *ret_offset gets the byte offset where
 * the record that failed starts, when known (else -1): a regular file opened
 * by tsc_capture_open_file() is read again up to the failure to find it; a
 * seekable stream is asked with ftello() after each record (with a filter,
 * that is the end of the last record that matched); a pipe gives none. */
TSC_MUST_CHECK int tsc_capture_loop(struct tsc_capture *c, uint64_t count, tsc_capture_cb cb,
				    void *arg, char *errbuf, long long *ret_offset);
/* tsc_capture_loop() with the reading (libpcap, stdio) in a second thread
 * that runs up to 512 KiB of records ahead; cb is called in the calling
 * thread, in order, with the same arguments, and the results are those of
 * tsc_capture_loop() (a record the reader could not read is reported once
 * cb has seen every record before it; when cb stops the loop, what was read
 * ahead is dropped). For files (a live capture runs tsc_capture_loop(): no
 * added latency); without a thread it is tsc_capture_loop() too. */
TSC_MUST_CHECK int tsc_capture_loop_readahead(struct tsc_capture *c, uint64_t count,
					      tsc_capture_cb cb, void *arg, char *errbuf,
					      long long *ret_offset);
/* Async-signal-safe. */
void tsc_capture_breakloop(struct tsc_capture *c);
TSC_MUST_CHECK int tsc_capture_stats(struct tsc_capture *c, uint64_t *ret_recv, uint64_t *ret_drop,
				     uint64_t *ret_ifdrop);

/* Writing (-w). path "-" writes stdout. packet_buffered flushes each packet. */
TSC_MUST_CHECK int tsc_capture_dump_open(struct tsc_capture *c, const char *path, char *errbuf);
/* Writes one packet; returns 0 or -errno (write errors are detected, not silent). */
TSC_MUST_CHECK int tsc_capture_dump(struct tsc_capture *c, int64_t sec, uint32_t frac,
				    const uint8_t *data, uint32_t caplen, uint32_t len, bool flush);
/* Flushes and closes the current dump file; returns 0 or -errno. */
TSC_MUST_CHECK int tsc_capture_dump_close(struct tsc_capture *c);

/* Switch to user (tcpdump -Z): initgroups, setgid, setuid. 0 or -errno. */
TSC_MUST_CHECK int tsc_capture_drop_privs(const char *user);

/* Lists capture devices like tcpdump -D into a malloc'd string. */
TSC_MUST_CHECK int tsc_capture_list_devices(char **ret, char *errbuf);

#endif
