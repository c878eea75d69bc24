// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel side of the `sockets -p` fast path: a BPF task_file iterator
 * (bpf_iter/task_file, Linux 5.8+) that walks every process's file table in
 * the kernel and writes one fixed-size record (procmap.bpf.h) per socket
 * file: socket inode, pid, fd, comm -- what user space otherwise gets by
 * readlink()ing every /proc/<pid>/fd/<n>. It reproduces /proc's view: only
 * group leaders' tables (/proc/<pid>/fd is the leader's), pids as numbered
 * in the reader's pid namespace (the namespace the iterator walks). CO-RE.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "procmap.bpf.h"

/* MAX_PID_NS_LEVEL (include/linux/pid_namespace.h) */
#define PID_NS_LEVELS 32

/* The walk visits one task's files in a row: what depends only on the task
 * (pid number, comm: several probe reads) is computed once per task. Only
 * one reader runs this object (loaded for one walk), so globals are safe. */
__u64 cached_task;
__u32 cached_pid;
char cached_comm[TSC_OWNER_COMM_LEN];

/* The number of the struct pid p at the level of the reader's pid
 * namespace (pid_nr_ns()), or 0 when p is not visible there. */
static __always_inline __u32 pid_nr_in_reader_ns(struct pid *p)
{
	struct task_struct *me = bpf_get_current_task_btf();
	struct pid *mine = me->thread_pid;
	unsigned int level = mine->level;
	struct upid up = {}, myup = {};

	if (level >= PID_NS_LEVELS || level > p->level)
		return 0;
	/* numbers[] is a flexible array: a variable index needs a probe read */
	if (bpf_core_read(&up, sizeof(up), &p->numbers[level]) ||
	    bpf_core_read(&myup, sizeof(myup), &mine->numbers[level]))
		return 0;
	if (up.ns != myup.ns || up.nr <= 0)
		return 0;
	return (__u32)up.nr;
}

SEC("iter/task_file")
int tsc_socket_owners(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct tsc_owner_rec r = {};

	if (!task || !file)
		return 0;
	/* threads: the kernel already skips those sharing the leader's table;
	 * one with its own table (unshare(CLONE_FILES)) is not in /proc/<pid>/fd */
	if (task->pid != task->tgid)
		return 0;
	/* f_op == &socket_file_ops, without needing that symbol */
	if (!bpf_sock_from_file(file))
		return 0;
	if (cached_task != (__u64)task) {
		cached_task = (__u64)task;
		cached_pid = pid_nr_in_reader_ns(task->thread_pid);
		bpf_probe_read_kernel(cached_comm, sizeof(cached_comm), task->comm);
	}
	if (!cached_pid)
		return 0;
	r.pid = cached_pid;
	r.inode = file->f_inode->i_ino;
	r.fd = ctx->fd;
	__builtin_memcpy(r.comm, cached_comm, sizeof(r.comm));
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
