/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "bare netlink dump floor": one inet_diag dump per family with all
 * states, counting states and nothing else, then one line per non-empty
 * state. No libtcpscope. Every other kernel-table command is timed against it.
 */
#include <stdio.h>
#include <string.h>

#include "diag-count.h"

int main(void)
{
	uint64_t counts[DIAG_COUNT_STATES] = { 0 };
	uint64_t total = 0;
	int r = diag_count(counts);

	if (r < 0) {
		fprintf(stderr, "dump-count: inet_diag dump failed: %s\n", strerror(-r));
		return 1;
	}
	for (int s = 0; s < DIAG_COUNT_STATES; s++) {
		if (!counts[s])
			continue;
		printf("%-12s %llu\n", diag_state_names[s], (unsigned long long)counts[s]);
		total += counts[s];
	}
	printf("%-12s %llu\n", "TOTAL", (unsigned long long)total);
	return 0;
}
