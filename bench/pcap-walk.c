/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap-walk: the floor for reading a capture file, a bare pcap_next_ex loop
 * that touches the first byte of every record and prints "N packets, B bytes".
 * usage: pcap-walk FILE [FILTER]
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, x = 0;
	struct bpf_program prog;
	pcap_t *p;
	int r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pcap-walk FILE [FILTER]\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], eb);
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
