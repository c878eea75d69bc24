/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoder of the task_file iterator's records (procmap.bpf.h): fixed-size,
 * host-order, read through core/cursor.h like every byte the kernel hands
 * us. Always built (no libbpf needed) so it is unit-tested everywhere.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bpf/iter.h"
#include "bpf/procmap.bpf.h"

int tsc_bpf_owner_parse(struct tsc_cur *c, struct tsc_procmap_entry *ret)
{
	struct tsc_cur r;
	uint64_t inode;
	uint32_t pid, fd;
	uint8_t comm[TSC_OWNER_COMM_LEN];
	size_t n = 0;

	if (!tsc_cur_sub(c, TSC_OWNER_REC_SIZE, &r))
		return 0;
	if (!tsc_cur_ne64(&r, &inode) || !tsc_cur_ne32(&r, &pid) || !tsc_cur_ne32(&r, &fd) ||
	    !tsc_cur_bytes(&r, comm, sizeof(comm)))
		return -EPROTO; /* cannot happen: the sizes add up to the record */
	if (inode == 0 || pid == 0 || pid > INT32_MAX || fd > INT32_MAX)
		return -EPROTO;
	memset(ret, 0, sizeof(*ret));
	ret->inode = inode;
	ret->owner.pid = (int32_t)pid;
	ret->owner.fd = (int32_t)fd;
	while (n < sizeof(ret->owner.comm) - 1 && comm[n] != '\0' && comm[n] != '\n') {
		ret->owner.comm[n] = (char)comm[n];
		n++;
	}
	return 1;
}
