/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding of the ring-buffer records of tcpstates.bpf.c. Kernel data is
 * input too (STYLE 3.4): the record is read field by field through the
 * cursor, its length checked first, and every enum checked before use.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"
#include "core/cursor.h"

_Static_assert(sizeof(struct tsc_bpf_event) == TSC_BPF_EVENT_SIZE, "event ABI changed");
/* the reader's pace (cli/cmd-trace.c) counts records of this size: the
 * event plus the ring buffer's 8-byte header, 8-aligned */
_Static_assert(TSC_TRACE_RECORD_BYTES == (TSC_BPF_EVENT_SIZE + 8 + 7) / 8 * 8,
	       "ring buffer record size");

static bool read_u64s(struct tsc_cur *c, struct tsc_trace_event *e)
{
	return tsc_cur_ne64(c, &e->ts_ns) && tsc_cur_ne64(c, &e->conn) &&
	       tsc_cur_ne64(c, &e->span_ns) && tsc_cur_ne64(c, &e->birth_ns) &&
	       tsc_cur_ne64(c, &e->bytes_acked) && tsc_cur_ne64(c, &e->bytes_received);
}

int tsc_trace_event_decode(const void *data, size_t len, struct tsc_trace_event *ret)
{
	struct tsc_cur c = tsc_cur_make(data, len);
	struct tsc_trace_event e;
	uint16_t family;

	memset(&e, 0, sizeof(e));
	if (len < TSC_BPF_EVENT_SIZE)
		return -EBADMSG;
	if (!read_u64s(&c, &e) || !tsc_cur_ne32(&c, &e.pid) || !tsc_cur_ne32(&c, &e.netns) ||
	    !tsc_cur_ne16(&c, &e.sport) || !tsc_cur_ne16(&c, &e.dport) ||
	    !tsc_cur_ne16(&c, &family) || !tsc_cur_u8(&c, &e.old) || !tsc_cur_u8(&c, &e.new) ||
	    !tsc_cur_u8(&c, &e.method) || !tsc_cur_u8(&c, &e.flags) ||
	    !tsc_cur_u8(&c, &e.tw_substate) || !tsc_cur_skip(&c, 5) ||
	    !tsc_cur_bytes(&c, e.saddr, 16) || !tsc_cur_bytes(&c, e.daddr, 16) ||
	    !tsc_cur_bytes(&c, e.comm, 16))
		return -EBADMSG;
	e.comm[16] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	e.family = family;
	if (e.old < 1 || e.old >= TSC_TCP_MAX_STATES || e.new < 1 || e.new >= TSC_TCP_MAX_STATES)
		return -EINVAL;
	if (e.method < TSC_BPF_M_TRACEPOINT || e.method > TSC_BPF_M_TWTIMER)
		return -EINVAL;
	if (e.tw_substate && e.tw_substate != TSC_TCP_FIN_WAIT2 &&
	    e.tw_substate != TSC_TCP_TIME_WAIT)
		return -EINVAL;
	e.has_span = e.flags & TSC_BPF_F_SPAN;
	e.has_bytes = e.flags & TSC_BPF_F_BYTES;
	*ret = e;
	return 0;
}

const char *tsc_trace_method_name(unsigned method)
{
	switch (method) {
	case TSC_BPF_M_TRACEPOINT:
		return "tracepoint";
	case TSC_BPF_M_FENTRY:
		return "fentry";
	case TSC_BPF_M_INFERRED:
		return "inferred";
	case TSC_BPF_M_SYNACK:
		return "synack";
	case TSC_BPF_M_TWACK:
		return "twack";
	case TSC_BPF_M_TWTIMER:
		return "twtimer";
	default:
		return "unknown";
	}
}

bool tsc_trace_event_in_view(const struct tsc_trace_event *ev, enum tsc_trace_view view)
{
	if (view == TSC_TRACE_VIEW_KERNEL)
		return ev->method == TSC_BPF_M_TRACEPOINT;
	return !(ev->flags & TSC_BPF_F_SUPERSEDED);
}
