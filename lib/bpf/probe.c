/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime feature probing for `trace`: kernel BTF, capabilities, tracefs and
 * the BPF ring buffer are checked on the running system, never inferred from
 * the kernel version (libbpf-tools' rule). Whether fentry trampolines work is
 * found out by the loader itself, by trying to attach them.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/trace.h"

#ifdef TSC_HAVE_LIBBPF
#include <bpf/libbpf.h>
#endif

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct d[2], unsigned cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static bool probe_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	if (has_cap(d, CAP_SYS_ADMIN))
		return true;
	return has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON);
}

void tsc_trace_probe(struct tsc_trace_probe *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	ret->caps = probe_caps();
	ret->tracefs = access("/sys/kernel/tracing/events/sock", F_OK) == 0 ||
		       access("/sys/kernel/debug/tracing/events/sock", F_OK) == 0;
#ifdef TSC_HAVE_LIBBPF
	ret->ringbuf = ret->caps && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
#endif
}

const char *tsc_trace_probe_explain(const struct tsc_trace_probe *p)
{
	if (!p->caps)
		return "needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run as root";
	if (!p->btf)
		return "the kernel has no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";
	if (!p->ringbuf)
		return "the kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF)";
	return NULL;
}
