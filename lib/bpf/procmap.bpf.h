/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record ABI between procmap.bpf.c (the task_file iterator) and user
 * space (owner-rec.c): one fixed-size record per socket file descriptor,
 * written with bpf_seq_write(). All fields are in host byte order. User
 * space decodes records through the cursor by these offsets, never by
 * casting the buffer to the struct.
 */
#ifndef TSC_BPF_PROCMAP_BPF_H
#define TSC_BPF_PROCMAP_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TSC_OWNER_REC_SIZE  32
#define TSC_OWNER_OFF_INODE 0  /* __u64 socket inode (sockfs i_ino) */
#define TSC_OWNER_OFF_PID   8  /* __u32 tgid in the reader's pid namespace */
#define TSC_OWNER_OFF_FD    12 /* __u32 file descriptor number */
#define TSC_OWNER_OFF_COMM  16 /* char[16] task->comm of the group leader */
#define TSC_OWNER_COMM_LEN  16

struct tsc_owner_rec {
	__u64 inode;
	__u32 pid;
	__u32 fd;
	char comm[TSC_OWNER_COMM_LEN];
};

#endif
