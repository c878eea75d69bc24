/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer entry for the task_file iterator's records (bpf/iter.h
 * tsc_bpf_owner_parse): the input is what read() on the iterator fd returns,
 * decoded record by record as iter.c does (stopping at a partial record or
 * an invalid one), then turned into a procmap (tsc_procmap_new_from_owners)
 * and every decoded inode looked up. Seeds: tests/corpus/owners/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bpf/iter.h"
#include "sys/procmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsc_cur c = tsc_cur_make(data, size);
	struct tsc_procmap_entry *e = malloc((size / 32 + 1) * sizeof(*e));
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;
	size_t n = 0;

	if (!e)
		return 0;
	while (tsc_bpf_owner_parse(&c, &e[n]) > 0)
		n++;
	m = tsc_procmap_new_from_owners(e, n, 0);
	for (size_t i = 0; m && i < n; i++) {
		size_t k = tsc_procmap_lookup(m, e[i].inode, &o);

		if (k == 0 || o[k - 1].comm[15] != '\0')
			abort(); /* every decoded pair must be found, NUL-terminated */
	}
	tsc_procmap_free(m);
	free(e);
	return 0;
}
