/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Times lib/sys/procmap alone: builds the socket inode -> owners map of the
 * whole /proc REPEAT times with a given number of threads and prints the
 * median, so the -p cost can be told apart from the netlink dump.
 * usage: procmap-time [THREADS (0 = auto)] [REPEAT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sys/procmap.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned threads = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
	int repeat = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
	double t[64];
	size_t count = 0, nprocs = 0;

	if (repeat < 1 || repeat > 64)
		repeat = 5;
	for (int i = 0; i < repeat; i++) {
		double t0 = now_ms();
		struct tsc_procmap *m = tsc_procmap_new_threads("/proc", NULL, NULL, threads);

		if (!m) {
			perror("procmap-time: tsc_procmap_new");
			return 1;
		}
		t[i] = now_ms() - t0;
		count = tsc_procmap_count(m);
		nprocs = tsc_procmap_nprocs(m);
		tsc_procmap_free(m);
	}
	qsort(t, (size_t)repeat, sizeof(t[0]), cmp_double);
	printf("procmap threads=%u sockets=%zu processes=%zu median=%.1f ms min=%.1f ms\n", threads,
	       count, nprocs, t[repeat / 2], t[0]);
	return 0;
}
