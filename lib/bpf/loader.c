/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A trace session: opens the tcpstates skeleton, sets its read-only filters,
 * loads and attaches it, then drains the ring buffer into a callback. The
 * attach strategy is probed, best first: raw BTF tracepoint plus fentry
 * (blind spots closed), raw BTF tracepoints alone (TIME_WAIT inferred,
 * request sockets seen by their SYN-ACKs), the classic tracepoint (needs
 * tracefs). libbpf 1.1 API (libbpf 1.0 error mode).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tcpstates.bpf.h"
#include "bpf/trace.h"
#include "tcpstates.skel.h"

struct tsc_trace {
	struct tcpstates_bpf *skel;
	uint64_t tw_timer_fn; /* address of tw_timer_handler, 0 = unknown */
	struct ring_buffer *rb;
	tsc_trace_event_fn fn;
	void *arg;
	unsigned features;
	uint64_t bad;
};

bool tsc_trace_built(void)
{
	return true;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int attach_prog(struct bpf_program *p, struct bpf_link **ret)
{
	*ret = bpf_program__attach(p);
	if (!*ret)
		return errno ? -errno : -EINVAL;
	return 0;
}

/* The address of a kernel text symbol from /proc/kallsyms (0: not found,
 * or hidden by kptr_restrict). Read once, for the plan that needs it. */
static uint64_t kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	size_t n = strlen(name);
	char line[512];
	uint64_t addr = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff82006870 t tw_timer_handler\n" (modules add "\t[mod]") */
		char *sp = strchr(line, ' ');

		if (!sp || (sp[1] != 't' && sp[1] != 'T') || sp[2] != ' ' ||
		    strncmp(sp + 3, name, n) || (sp[3 + n] != '\n' && sp[3 + n] != '\0'))
			continue;
		addr = strtoull(line, NULL, 16);
		break;
	}
	fclose(f);
	return addr;
}

/* One attempt with a given set of programs. Returns 0 or -errno. */
static int try_load(struct tsc_trace *t, const struct tsc_trace_opts *o, unsigned feat)
{
	struct tcpstates_bpf *s;
	bool fentry = feat & TSC_TRACE_FEAT_FENTRY, btf = feat & TSC_TRACE_FEAT_TP_BTF;
	bool synack = feat & TSC_TRACE_FEAT_SYNACK, twtimer = feat & TSC_TRACE_FEAT_TWTIMER;
	uint32_t rb_kib = o->ringbuf_kib ? o->ringbuf_kib : TSC_TRACE_RINGBUF_KIB;
	struct bpf_program *fprogs[5];
	struct bpf_link **flinks[5];
	int r;

	if (rb_kib < 4 || (rb_kib & (rb_kib - 1)))
		return -EINVAL; /* the kernel wants a power of two; wakeup_bytes too */
	if (twtimer && !t->tw_timer_fn)
		t->tw_timer_fn = kallsyms_addr("tw_timer_handler");
	if (twtimer && !t->tw_timer_fn)
		return -ENOENT; /* the next plan does without */
	s = tcpstates_bpf__open();
	if (!s)
		return errno ? -errno : -EINVAL;
	fprogs[0] = s->progs.tsc_tw_start, flinks[0] = &s->links.tsc_tw_start;
	fprogs[1] = s->progs.tsc_tw_process, flinks[1] = &s->links.tsc_tw_process;
	fprogs[2] = s->progs.tsc_tw_kill, flinks[2] = &s->links.tsc_tw_kill;
	fprogs[3] = s->progs.tsc_req_add, flinks[3] = &s->links.tsc_req_add;
	fprogs[4] = s->progs.tsc_req_drop, flinks[4] = &s->links.tsc_req_drop;
	s->rodata->filter_netns = o->netns;
	s->rodata->filter_port = o->port;
	s->rodata->have_fentry = fentry;
	s->rodata->kernel_only = o->kernel_only;
	s->rodata->tw_timer_fn = twtimer ? t->tw_timer_fn : 0;
	if (o->wakeup_batch) {
		/* a quarter of the ring buffer, shared out among the CPUs */
		int ncpu = libbpf_num_possible_cpus();
		uint64_t every = (uint64_t)rb_kib * 1024 / 4 / TSC_TRACE_RECORD_BYTES /
				 (uint64_t)(ncpu > 0 ? ncpu : 1);
		uint32_t p2 = 1;

		while ((uint64_t)p2 * 2 <= every)
			p2 *= 2;
		s->rodata->wakeup_every = p2;
	}
	r = bpf_map__set_max_entries(s->maps.events, rb_kib * 1024);
	if (r < 0)
		goto out;
	bpf_program__set_autoload(s->progs.tsc_set_state_btf, btf);
	bpf_program__set_autoload(s->progs.tsc_set_state_tp, !btf);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(fprogs); i++)
		bpf_program__set_autoload(fprogs[i], fentry);
	/* without fentry, request sockets are seen by their SYN-ACKs */
	bpf_program__set_autoload(s->progs.tsc_synack_xmit, synack);
	bpf_program__set_autoload(s->progs.tsc_synack_rexmit, synack);
	bpf_program__set_autoload(s->progs.tsc_tw_timer, twtimer);
	r = tcpstates_bpf__load(s);
	if (r < 0)
		goto out;
	/* fentry first, so the tracepoint never sees a hand-off unannounced */
	for (size_t i = 0; fentry && i < TSC_ARRAY_SIZE(fprogs); i++) {
		r = attach_prog(fprogs[i], flinks[i]);
		if (r < 0)
			goto out;
	}
	if (synack) {
		r = attach_prog(s->progs.tsc_synack_xmit, &s->links.tsc_synack_xmit);
		if (r == 0)
			r = attach_prog(s->progs.tsc_synack_rexmit, &s->links.tsc_synack_rexmit);
		if (r < 0)
			goto out;
	}
	if (twtimer) {
		r = attach_prog(s->progs.tsc_tw_timer, &s->links.tsc_tw_timer);
		if (r < 0)
			goto out;
	}
	if (btf)
		r = attach_prog(s->progs.tsc_set_state_btf, &s->links.tsc_set_state_btf);
	else
		r = attach_prog(s->progs.tsc_set_state_tp, &s->links.tsc_set_state_tp);
	if (r < 0)
		goto out;
	t->skel = s;
	t->features = feat;
	return 0;
out:
	tcpstates_bpf__destroy(s);
	return r;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tsc_trace *t = ctx;
	struct tsc_trace_event ev;

	if (tsc_trace_event_decode(data, size, &ev) < 0) {
		t->bad++;
		return 0;
	}
	return t->fn(&ev, t->arg);
}

struct tsc_trace *tsc_trace_new(const struct tsc_trace_opts *opts, tsc_trace_event_fn fn, void *arg)
{
	static const unsigned plans[] = {
		TSC_TRACE_FEAT_TP_BTF | TSC_TRACE_FEAT_FENTRY,
		TSC_TRACE_FEAT_TP_BTF | TSC_TRACE_FEAT_SYNACK | TSC_TRACE_FEAT_TWTIMER,
		TSC_TRACE_FEAT_TP_BTF | TSC_TRACE_FEAT_SYNACK,
		TSC_TRACE_FEAT_TP_BTF,
		TSC_TRACE_FEAT_TRACEPOINT,
	};
	struct tsc_trace_opts o = { 0 };
	struct tsc_trace *t;
	int r = -EINVAL, first = 0;

	if (opts)
		o = *opts;
	if (!fn ||
	    (o.ringbuf_kib && (o.ringbuf_kib < 4 || (o.ringbuf_kib & (o.ringbuf_kib - 1))))) {
		errno = EINVAL;
		return NULL;
	}
	libbpf_set_print(o.log ? (libbpf_print_fn_t)o.log : silent);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(plans); i++) {
		if ((o.no_fentry || o.kernel_only) && (plans[i] & TSC_TRACE_FEAT_FENTRY))
			continue;
		if (o.kernel_only && (plans[i] & TSC_TRACE_FEAT_SYNACK))
			continue;
		r = try_load(t, &o, plans[i]);
		if (r == 0)
			break;
		/* a failing fentry plan (no trampolines, not permitted) only
		 * means the blind spots are inferred: go on with the next */
		if (!(plans[i] & (TSC_TRACE_FEAT_FENTRY | TSC_TRACE_FEAT_SYNACK)) && !first)
			first = r;
		if (r == -ENOMEM)
			break;
	}
	if (r < 0)
		goto fail;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_record, t, NULL);
	if (!t->rb) {
		r = errno ? -errno : -EINVAL;
		goto fail;
	}
	return t;
fail:
	tsc_trace_free(t);
	/* report why the tracepoint itself could not be used */
	errno = first ? -first : -r;
	return NULL;
}

int tsc_trace_poll(struct tsc_trace *t, int timeout_ms)
{
	int r = ring_buffer__poll(t->rb, timeout_ms), c;

	if (r < 0)
		return r == -1 ? -errno : r;
	/* with batched wake-ups (opts.wakeup_batch) records can be pending
	 * although epoll reported nothing: drain them after every wait */
	c = ring_buffer__consume(t->rb);
	if (c < 0)
		return c == -1 ? -errno : c;
	return r + c;
}

unsigned tsc_trace_features(const struct tsc_trace *t)
{
	return t ? t->features : 0;
}

int tsc_trace_get_counters(struct tsc_trace *t, struct tsc_trace_counters *ret)
{
	int ncpu = libbpf_num_possible_cpus(), fd;
	uint64_t sum[TSC_BPF_C_MAX] = { 0 };
	uint64_t *vals;

	memset(ret, 0, sizeof(*ret));
	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	fd = bpf_map__fd(t->skel->maps.counters);
	for (uint32_t k = 0; k < TSC_BPF_C_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			sum[k] += vals[c];
	}
	free(vals);
	ret->dropped = sum[TSC_BPF_C_RB_DROPPED];
	ret->sk_full = sum[TSC_BPF_C_SK_FULL];
	ret->req_full = sum[TSC_BPF_C_REQ_FULL];
	ret->tw_full = sum[TSC_BPF_C_TW_FULL];
	ret->events = sum[TSC_BPF_C_EVENTS];
	ret->bad = t->bad;
	return 0;
}

void tsc_trace_free(struct tsc_trace *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	tcpstates_bpf__destroy(t->skel);
	free(t);
}
