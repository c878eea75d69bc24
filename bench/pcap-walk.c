/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap-walk: the floor for reading a capture file, a bare pcap_next_ex loop
 * that touches the first byte of every record and prints "N packets, B bytes".
 * usage: pcap-walk [-b KIB] FILE [FILTER]
 *   -b KIB  read through a stdio buffer of KIB KiB (pcap_fopen_offline), as
 *           tcpscope does (256); default: pcap_open_offline, stdio's 4 KiB
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, x = 0;
	struct bpf_program prog;
	pcap_t *p;
	int r;

	size_t kib = 0;
	FILE *f;

	if (argc > 2 && !strcmp(argv[1], "-b")) {
		kib = strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pcap-walk [-b KIB] FILE [FILTER]\n");
		return 2;
	}
	if (kib) {
		f = fopen(argv[1], "rb");
		if (!f || setvbuf(f, malloc(kib * 1024), _IOFBF, kib * 1024)) {
			perror(argv[1]);
			return 1;
		}
		p = pcap_fopen_offline(f, eb);
	} else {
		p = pcap_open_offline(argv[1], eb);
	}
	if (!p) {
		fprintf(stderr, "pcap-walk: %s\n", eb);
		return 1;
	}
	if (argc == 3 && (pcap_compile(p, &prog, argv[2], 1, PCAP_NETMASK_UNKNOWN) < 0 ||
			  pcap_setfilter(p, &prog) < 0)) {
		fprintf(stderr, "pcap-walk: %s\n", pcap_geterr(p));
		return 2;
	}
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		x += h->caplen ? d[0] : 0;
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "pcap-walk: %s\n", pcap_geterr(p));
		return 1;
	}
	printf("%llu packets, %llu bytes (%llu)\n", n, bytes, x & 1);
	pcap_close(p);
	return 0;
}
