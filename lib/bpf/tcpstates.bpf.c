// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel side of `tcpscope trace`: every TCP state change announced on the
 * tracepoint sock:inet_sock_set_state, with the time spent in the old state
 * (per-socket hash map, entry deleted when the socket closes), streamed
 * through a ring buffer. Optional fentry/fexit programs close the tracepoint's
 * blind spots: timewait sockets (inet_twsk_hashdance_schedule,
 * tcp_timewait_state_process, inet_twsk_kill) and request sockets
 * (inet_csk_reqsk_queue_hash_add/_drop). Without them, the TIME_WAIT hand-off
 * is inferred from the socket at the tracepoint. CO-RE; event ABI in
 * tcpstates.bpf.h. Modelled on libbpf-tools tcpstates/tcplife.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tcpstates.bpf.h"

#define AF_INET	    2
#define AF_INET6    10
#define IPPROTO_TCP 6

#define TCP_ESTABLISHED	 1
#define TCP_SYN_RECV	 3
#define TCP_FIN_WAIT2	 5
#define TCP_TIME_WAIT	 6
#define TCP_CLOSE	 7
#define TCP_LISTEN	 10
#define TCP_CLOSING	 11
#define TCP_NEW_SYN_RECV 12

/* Set by user space before load (open -> set rodata -> load -> attach). */
const volatile __u32 filter_netns = 0; /* 0: every namespace */
const volatile __u16 filter_port = 0;  /* 0: every port; else local or remote */
const volatile __u8 have_fentry = 0;   /* the fentry programs are attached */
/* Only the tracepoint's own events (trace --kernel): nothing RFC-only is
 * written, and nothing is remembered for it. */
const volatile __u8 kernel_only = 0;
/* Wake the reader once per this many records written on a CPU (0: on
 * every event; else a power of two). User space sets it so that the CPUs
 * together wake it when about a quarter of the ring buffer is pending. The
 * reader polls with a timeout anyway, so a quiet trace is late by at most
 * that timeout, and a busy one costs one wake-up per batch instead of one
 * context switch per event (the overhead benchmark's main cost). */
const volatile __u32 wakeup_every = 0;

/* What we remember about a full socket between two transitions: one way
 * of a set of the per-socket table below. sk 0: a free way. */
struct sk_way {
	__u64 sk;    /* the socket's kernel address: the key */
	__u64 ts;    /* when it entered its current state (0: unknown) */
	__u64 birth; /* first sighting of the connection */
	__u64 conn;  /* connection id carried by every event */
};

#define SK_WAYS	     4
#define SK_SETS_LOG2 15 /* 32,768 sets of 4 ways: 131,072 sockets, 4 MiB */

struct sk_set {
	struct sk_way w[SK_WAYS];
};

/* A timewait socket (keyed by its address). */
struct tw_info {
	__u64 ts;
	__u64 birth;
	__u64 conn;
	__u8 substate; /* FIN_WAIT2 or TIME_WAIT */
	__u8 pad[7];
};

/* A request socket, keyed by its addresses so the child can find it. */
struct req_key {
	__u32 netns;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Per-socket state: a hash table keyed by the socket's address, with
 * SK_WAYS ways per bucket (set), held in an array map. Every transition
 * reads it and a socket's first and last transitions write it, so its cost
 * is most of the program's: a BPF_MAP_TYPE_HASH costs a helper call, a
 * jhash and, for an insert or a delete, a bucket lock and a free list
 * (113 ns of the program's 285 per run here), where an array lookup is
 * inlined by the verifier and a way is claimed by one compare-and-swap
 * (doc/cmd/trace.md, "Overhead", has the measurements). Socket local
 * storage (BPF_MAP_TYPE_SK_STORAGE) was slower still: an allocation per
 * socket. An entry is removed when its socket closes, as with a hash map;
 * a full set loses the socket's time in state (counted, like a full map).
 * The transitions of one socket are serialized by its lock, so only the
 * claim of a free way races (with other sockets of the same set). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << SK_SETS_LOG2);
	__type(key, __u32);
	__type(value, struct sk_set);
} socks SEC(".maps");

/* With fentry: the timewait hand-off's substate, from the hand-off
 * (inet_twsk_hashdance_schedule) to the X -> CLOSE tracepoint that follows
 * it in tcp_time_wait(). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} handoffs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct tw_info);
} tws SEC(".maps");

/* Orphans handed to a FIN_WAIT2 timewait socket (inferred method), keyed by
 * address: the timewait socket's ACK of the peer's FIN announces TIME-WAIT. */
struct fw2_info {
	__u64 ts; /* FIN-WAIT-2 began */
	__u64 birth;
	__u64 conn; /* never 0 in use: the way's claim word */
	__u32 pid;
	__u32 pad;
	char comm[16];
};

/*
 * Request sockets (reqs) and FIN-WAIT-2 orphans (fw2s) are found by their
 * addresses, from another socket than the one that created the entry (the
 * child, the timewait socket). Same layout as the per-socket table: sets of
 * ADDR_WAYS ways in an array map, a way claimed by a compare-and-swap of a
 * word that is never 0 in use; a way's netns is 0 while it is written or
 * after it is freed, so a half-written or freed way matches no key. Their
 * ends are not all seen without fentry (a half-open connection that times
 * out, an orphan killed in FIN-WAIT-2), so a full set evicts its oldest way,
 * as the LRU hash maps they replace did (counted).
 */
#define ADDR_WAYS     4
#define REQ_SETS_LOG2 12 /* 16,384 request sockets */
#define FW2_SETS_LOG2 14 /* 65,536 orphans */

struct req_way {
	struct req_key k;
	__u64 ts;
	__u64 req; /* the request socket: the claim word */
};

struct req_set {
	struct req_way w[ADDR_WAYS];
};

struct fw2_way {
	struct req_key k;
	struct fw2_info v;
};

struct fw2_set {
	struct fw2_way w[ADDR_WAYS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << REQ_SETS_LOG2);
	__type(key, __u32);
	__type(value, struct req_set);
} reqs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << FW2_SETS_LOG2);
	__type(key, __u32);
	__type(value, struct fw2_set);
} fw2s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TSC_BPF_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline __u64 count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &slot);

	if (!v)
		return 0;
	return ++*v;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* One scratch word per CPU, for ptr_value(). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");

/* A kernel pointer's value as a number to compute with: the verifier
 * forbids arithmetic on a socket pointer, but what is loaded back from a
 * map value is a plain number (two inlined memory accesses). */
static __always_inline __u64 ptr_value(const void *p)
{
	__u32 zero = 0;
	volatile __u64 *v = bpf_map_lookup_elem(&scratch, &zero);

	if (!v)
		return 0;
	*v = (__u64)(unsigned long)p;
	return *v;
}

/* The set of a socket: a multiplicative hash of its address (slab
 * addresses differ in their middle bits). */
static __always_inline struct sk_set *sk_set_of(__u64 key)
{
	__u32 idx = (__u32)((key * 0x9E3779B97F4A7C15ULL) >> (64 - SK_SETS_LOG2));

	return bpf_map_lookup_elem(&socks, &idx);
}

static __always_inline struct sk_way *sk_find(struct sk_set *set, __u64 key)
{
	for (int i = 0; i < SK_WAYS; i++)
		if (set->w[i].sk == key)
			return &set->w[i];
	return NULL;
}

/* A free way of the set, now ours; NULL if the set is full. */
static __always_inline struct sk_way *sk_claim(struct sk_set *set, __u64 key)
{
	for (int i = 0; i < SK_WAYS; i++)
		if (!set->w[i].sk && !__sync_val_compare_and_swap(&set->w[i].sk, 0, key))
			return &set->w[i];
	return NULL;
}

/* Addresses, ports and namespace of any socket flavour: full, timewait and
 * request sockets all begin with struct sock_common. sport is the bound port
 * (skc_num); callers with a better source overwrite it. This one goes through
 * bpf_probe_read_kernel (a helper call per field): for pointers the verifier
 * does not know (classic tracepoint, fentry arguments of other types). */
static __always_inline void fill_addrs(struct tsc_bpf_event *e, const struct sock_common *skc)
{
	e->family = BPF_CORE_READ(skc, skc_family);
	e->sport = BPF_CORE_READ(skc, skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(skc, skc_dport));
	e->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	if (e->family == AF_INET6) {
		bpf_core_read(e->saddr, 16, &skc->skc_v6_rcv_saddr);
		bpf_core_read(e->daddr, 16, &skc->skc_v6_daddr);
	} else {
		bpf_core_read(e->saddr, 4, &skc->skc_rcv_saddr);
		bpf_core_read(e->daddr, 4, &skc->skc_daddr);
	}
}

/* The same with plain loads, for BTF-typed pointers (tp_btf arguments and
 * what they point to): the verifier turns each into a guarded load, no
 * helper call. About half the cost of the programs was these reads. */
static __always_inline void fill_addrs_btf(struct tsc_bpf_event *e, const struct sock_common *skc)
{
	e->family = skc->skc_family;
	e->sport = skc->skc_num;
	e->dport = __builtin_bswap16(skc->skc_dport);
	if (e->family == AF_INET6) {
		const __u32 *s = skc->skc_v6_rcv_saddr.in6_u.u6_addr32;
		const __u32 *d = skc->skc_v6_daddr.in6_u.u6_addr32;
		__u32 a[8] = { s[0], s[1], s[2], s[3], d[0], d[1], d[2], d[3] };

		__builtin_memcpy(e->saddr, a, 16);
		__builtin_memcpy(e->daddr, a + 4, 16);
	} else {
		__u32 s4 = skc->skc_rcv_saddr, d4 = skc->skc_daddr;

		__builtin_memcpy(e->saddr, &s4, 4);
		__builtin_memcpy(e->daddr, &d4, 4);
	}
}

static __always_inline void fill_key(struct req_key *k, const struct tsc_bpf_event *e)
{
	k->netns = e->netns;
	k->family = e->family;
	k->sport = e->sport;
	k->dport = e->dport;
	__builtin_memcpy(k->saddr, e->saddr, 16);
	__builtin_memcpy(k->daddr, e->daddr, 16);
}

#define HASH_MUL 0x9E3779B97F4A7C15ULL

/* The set index of an address key: its five words folded. */
static __always_inline __u32 key_hash(const struct req_key *k, int log2)
{
	const __u64 *w = (const __u64 *)k;
	__u64 h = w[0] * HASH_MUL;

	h = (h ^ w[1]) * HASH_MUL;
	h = (h ^ w[2]) * HASH_MUL;
	h = (h ^ w[3]) * HASH_MUL;
	h = (h ^ w[4]) * HASH_MUL;
	return (__u32)(h >> (64 - log2));
}

static __always_inline bool key_eq(const struct req_key *a, const struct req_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4];
}

/* A way's key matches no lookup from now on (netns 0): before its value
 * is rewritten, or when it is freed. */
static __always_inline void key_clear(struct req_key *k)
{
	k->netns = 0;
	asm volatile("" ::: "memory");
}

/* Writes key k into a cleared way (key_clear()), netns last, so that the
 * way matches no lookup before its value and key are whole. */
static __always_inline void key_store(struct req_key *dst, const struct req_key *k)
{
	__u64 *x = (__u64 *)dst;
	const __u64 *y = (const __u64 *)k;

	x[1] = y[1];
	x[2] = y[2];
	x[3] = y[3];
	x[4] = y[4];
	asm volatile("" ::: "memory");
	x[0] = y[0];
}

static __always_inline struct req_set *req_set_of(const struct req_key *k)
{
	__u32 idx = key_hash(k, REQ_SETS_LOG2);

	return bpf_map_lookup_elem(&reqs, &idx);
}

static __always_inline struct req_way *req_find(struct req_set *set, const struct req_key *k)
{
	for (int i = 0; i < ADDR_WAYS; i++)
		if (set->w[i].req && key_eq(&set->w[i].k, k))
			return &set->w[i];
	return NULL;
}

static __always_inline void req_free(struct req_way *w)
{
	key_clear(&w->k);
	w->req = 0;
}

/* (Re)writes way w: request socket req (SYN at ts) under k. */
static __always_inline void req_fill(struct req_way *w, const struct req_key *k, __u64 req,
				     __u64 ts)
{
	key_clear(&w->k);
	w->req = req;
	w->ts = ts;
	key_store(&w->k, k);
}

/* Enters request socket req (SYN at ts) under k: a free way, else the
 * set's oldest (true: one was evicted). */
static __always_inline bool req_insert(struct req_set *set, const struct req_key *k, __u64 req,
				       __u64 ts)
{
	struct req_way *w = NULL;
	bool evicted = false;

	for (int i = 0; i < ADDR_WAYS && !w; i++)
		if (!set->w[i].req && !__sync_val_compare_and_swap(&set->w[i].req, 0, req))
			w = &set->w[i];
	if (!w) {
		w = &set->w[0];
		for (int i = 1; i < ADDR_WAYS; i++)
			if (set->w[i].ts < w->ts)
				w = &set->w[i];
		evicted = true;
	}
	req_fill(w, k, req, ts);
	return evicted;
}

static __always_inline struct fw2_set *fw2_set_of(const struct req_key *k)
{
	__u32 idx = key_hash(k, FW2_SETS_LOG2);

	return bpf_map_lookup_elem(&fw2s, &idx);
}

static __always_inline struct fw2_way *fw2_find(struct fw2_set *set, const struct req_key *k)
{
	for (int i = 0; i < ADDR_WAYS; i++)
		if (set->w[i].v.conn && key_eq(&set->w[i].k, k))
			return &set->w[i];
	return NULL;
}

static __always_inline void fw2_free(struct fw2_way *w)
{
	key_clear(&w->k);
	w->v.conn = 0;
}

/* Enters orphan fi under k, as req_insert(). fi->conn is never 0. */
static __always_inline bool fw2_insert(struct fw2_set *set, const struct req_key *k,
				       const struct fw2_info *fi)
{
	struct fw2_way *w = NULL;
	bool evicted = false;

	for (int i = 0; i < ADDR_WAYS && !w; i++)
		if (!set->w[i].v.conn &&
		    !__sync_val_compare_and_swap(&set->w[i].v.conn, 0, fi->conn))
			w = &set->w[i];
	if (!w) {
		w = &set->w[0];
		for (int i = 1; i < ADDR_WAYS; i++)
			if (set->w[i].v.ts < w->v.ts)
				w = &set->w[i];
		evicted = true;
	}
	key_clear(&w->k);
	w->v = *fi;
	key_store(&w->k, k);
	return evicted;
}

static __always_inline bool wanted(const struct tsc_bpf_event *e)
{
	if (filter_netns && e->netns != filter_netns)
		return false;
	if (filter_port && e->sport != filter_port && e->dport != filter_port)
		return false;
	return true;
}

/* Copies the template into the ring buffer; a full buffer is counted. */
static __always_inline void emit(const struct tsc_bpf_event *t)
{
	struct tsc_bpf_event *e;
	__u64 n;

	if (!wanted(t) || (kernel_only && (t->flags & TSC_BPF_F_RFC_ONLY)))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(TSC_BPF_C_RB_DROPPED);
		return;
	}
	__builtin_memcpy(e, t, sizeof(*e));
	n = count(TSC_BPF_C_EVENTS); /* this CPU's */
	/* The default (0) wakes only a reader that had caught up: after a
	 * batch of NO_WAKEUP records it would sleep until its timeout.
	 * Otherwise wake it every wakeup_every records of this CPU, not on
	 * every record: a wake-up is an irq_work, i.e. a self-IPI (a VM exit
	 * on a virtual machine). Counting on the CPU costs nothing; asking
	 * the ring buffer how much is pending (bpf_ringbuf_query) cost 20 ns
	 * per event, a tenth of the program. */
	if (!wakeup_every)
		bpf_ringbuf_submit(e, 0);
	else if (!(n & (wakeup_every - 1)))
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* pid and comm of the current task. btf (every program but the classic
 * tracepoint): read from the task_struct with plain loads (two 8-byte loads
 * for comm) instead of bpf_get_current_comm(), whose strscpy was 8 % of the
 * time spent in the programs; same values, same race with a concurrent
 * prctl(PR_SET_NAME) (user space terminates comm). */
static __always_inline void init_event(struct tsc_bpf_event *e, __u64 now, const bool btf)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	if (btf) {
		struct task_struct *task = bpf_get_current_task_btf();
		const __u64 *comm = (const __u64 *)task->comm;
		__u64 c[2] = { comm[0], comm[1] };

		e->pid = task->tgid;
		__builtin_memcpy(e->comm, c, sizeof(e->comm));
	} else {
		e->pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
}

/* Without fentry: at FIN_WAIT2/CLOSING -> CLOSE with no socket error, the
 * kernel has handed the connection to a timewait socket (tcp_time_wait()).
 * CLOSING, or FIN_WAIT2 once the peer's FIN arrived (tcp_fin() sets
 * SOCK_DONE; sk_shutdown is useless here, close() sets it), is TIME-WAIT;
 * an orphan's FIN_WAIT2 before the peer's FIN stays FIN-WAIT-2.
 * btf: sk is a BTF-typed pointer (plain loads), else probe reads. */
static __always_inline __u8 infer_tw(const struct sock *sk, int old, const bool btf)
{
	unsigned long flags;
	int err;

	if (old != TCP_FIN_WAIT2 && old != TCP_CLOSING)
		return 0;
	err = btf ? sk->sk_err : BPF_CORE_READ(sk, sk_err);
	if (err)
		return 0;
	flags = btf ? sk->__sk_common.skc_flags : BPF_CORE_READ(sk, __sk_common.skc_flags);
	if (old == TCP_CLOSING ||
	    (flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))))
		return TCP_TIME_WAIT;
	return TCP_FIN_WAIT2;
}

/* The timewait hand-off at X -> CLOSE. The tracepoint event is superseded
 * (and says which state the timewait socket took over in); the RFC view
 * shows X -> TIME_WAIT, or nothing while the endpoint is still in FIN-WAIT-2.
 * The connection ends when the timewait socket dies: inet_twsk_kill (fentry)
 * or, inferred, when user space no longer finds it in sock_diag. */
static __always_inline void emit_tw_handoff(struct tsc_bpf_event *e, __u8 sub)
{
	e->flags |= TSC_BPF_F_SUPERSEDED;
	e->flags &= ~TSC_BPF_F_END;
	e->tw_substate = sub;
	emit(e);
	if (kernel_only)
		return;
	if (sub == TCP_FIN_WAIT2 && e->oldstate == TCP_FIN_WAIT2) {
		struct fw2_info fi = {};
		struct req_key k = {};
		struct fw2_set *set;

		if (have_fentry)
			return;
		fill_key(&k, e);
		fi.ts = e->ts_ns - e->span_ns; /* span is valid with F_SPAN only */
		if (!(e->flags & TSC_BPF_F_SPAN))
			fi.ts = 0;
		fi.birth = e->birth_ns;
		fi.conn = e->conn;
		fi.pid = e->pid;
		__builtin_memcpy(fi.comm, e->comm, sizeof(fi.comm));
		set = fw2_set_of(&k);
		if (set && fi.conn && fw2_insert(set, &k, &fi))
			count(TSC_BPF_C_REQ_FULL);
		return;
	}
	e->newstate = sub;
	e->tw_substate = 0;
	e->method = have_fentry ? TSC_BPF_M_FENTRY : TSC_BPF_M_INFERRED;
	e->flags &= ~(TSC_BPF_F_SUPERSEDED | TSC_BPF_F_BYTES);
	e->flags |= TSC_BPF_F_RFC_ONLY;
	emit(e);
}

/* One tracepoint hit. btf: sk is the tp_btf argument, read with plain
 * loads; else (classic tracepoint) through bpf_probe_read_kernel. The
 * constant is folded after inlining, so each program keeps one flavour. */
static __always_inline void on_set_state(struct sock *sk, int old, int new, const bool btf)
{
	__u64 key = ptr_value(sk), now; /* the id and the table key */
	struct tsc_bpf_event e;
	struct tcp_sock *tp = NULL;
	struct sk_set *set;
	struct sk_way *si;
	bool fresh;
	__u32 netns;
	__u8 tw = 0;

	if (btf) {
		if (sk->sk_protocol != IPPROTO_TCP)
			return;
		/* a full TCP socket (the tracepoint's): its tcp_sock, read with
		 * fault-safe loads; the cast is inlined, where the checked
		 * bpf_skc_to_tcp_sock() was a helper call */
		tp = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock));
		netns = sk->__sk_common.skc_net.net->ns.inum;
	} else {
		netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	}
	/* a socket never changes namespace: nothing to remember for one that
	 * is filtered out (a port filter cannot return early: an unbound
	 * client's first event has local port 0) */
	if (filter_netns && netns != filter_netns)
		return;
	now = bpf_ktime_get_ns();
	init_event(&e, now, btf);
	e.netns = netns;
	/* like the tracepoint: inet_sport survives the unhash at close */
	if (btf) {
		fill_addrs_btf(&e, &sk->__sk_common);
		e.sport = __builtin_bswap16(tp->inet_conn.icsk_inet.inet_sport);
	} else {
		fill_addrs(&e, &sk->__sk_common);
		e.sport = __builtin_bswap16(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	}
	e.oldstate = old;
	e.newstate = new;
	e.method = TSC_BPF_M_TRACEPOINT;
	e.conn = key;
	/* birth is known for a socket we see being created; (conn, birth)
	 * identifies a connection even when the kernel reuses the address */
	e.birth_ns = old == TCP_CLOSE ? now : 0;

	/* a socket being created: a way still holding its address belonged
	 * to a socket freed unseen, and is taken over */
	fresh = old == TCP_CLOSE || (old == TCP_LISTEN && new == TCP_SYN_RECV);
	set = sk_set_of(key);
	si = set ? sk_find(set, key) : NULL;
	if (si && !fresh) {
		if (si->ts) {
			e.span_ns = now - si->ts;
			e.flags |= TSC_BPF_F_SPAN;
		}
		e.birth_ns = si->birth;
		e.conn = si->conn;
	}
	if (fresh && !kernel_only && old == TCP_LISTEN) {
		/* the child of a listener: the SYN was seen at the request socket
		 * (never in the kernel view: nothing fills reqs then) */
		struct req_key k = {};
		struct req_set *rs;
		struct req_way *rw;

		fill_key(&k, &e);
		rs = req_set_of(&k);
		rw = rs ? req_find(rs, &k) : NULL;
		if (rw) {
			e.span_ns = now - rw->ts;
			e.birth_ns = rw->ts;
			e.conn = rw->req;
			e.flags |= TSC_BPF_F_SUPERSEDED;
			req_free(rw);
		}
	}

	if (new == TCP_CLOSE) {
		if (btf) {
			e.bytes_acked = tp->bytes_acked;
			e.bytes_received = tp->bytes_received;
		} else {
			e.bytes_acked = BPF_CORE_READ((struct tcp_sock *)sk, bytes_acked);
			e.bytes_received = BPF_CORE_READ((struct tcp_sock *)sk, bytes_received);
		}
		e.flags |= TSC_BPF_F_BYTES | TSC_BPF_F_END;
		if (si)
			si->sk = 0; /* its other fields are rewritten at the next claim */
		if (have_fentry) {
			__u8 *sub = bpf_map_lookup_elem(&handoffs, &key);

			if (sub) {
				tw = *sub;
				bpf_map_delete_elem(&handoffs, &key);
			}
		} else {
			tw = infer_tw(sk, old, btf);
		}
		if (tw) {
			emit_tw_handoff(&e, tw);
			return;
		}
		emit(&e);
		return;
	}

	if (!si && set) {
		si = sk_claim(set, key);
		fresh = true; /* a claimed way holds a former socket's fields */
	}
	if (!si) {
		count(TSC_BPF_C_SK_FULL);
		emit(&e);
		return;
	}
	if (fresh) {
		si->birth = e.birth_ns;
		si->conn = e.conn;
		if (e.flags & TSC_BPF_F_SUPERSEDED)
			now = e.birth_ns; /* SYN-RECEIVED began at the SYN */
	}
	si->ts = now;
	emit(&e);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tsc_set_state_btf, struct sock *sk, int oldstate, int newstate)
{
	on_set_state(sk, oldstate, newstate, true);
	return 0;
}

/* Fallback when raw BTF tracepoints are unavailable (needs tracefs). */
SEC("tracepoint/sock/inet_sock_set_state")
int tsc_set_state_tp(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct sock *sk = (struct sock *)BPF_CORE_READ(ctx, skaddr);

	if (BPF_CORE_READ(ctx, protocol) != IPPROTO_TCP)
		return 0;
	on_set_state(sk, BPF_CORE_READ(ctx, oldstate), BPF_CORE_READ(ctx, newstate), false);
	return 0;
}

/* tcp_time_wait() hands sk over to the timewait socket tw; tw_substate is the
 * state it starts in (TIME_WAIT, or FIN_WAIT2 for an orphan). */
SEC("fentry/inet_twsk_hashdance_schedule")
int BPF_PROG(tsc_tw_start, struct inet_timewait_sock *tw, struct sock *sk)
{
	__u64 key = (__u64)(unsigned long)sk, twkey = (__u64)(unsigned long)tw;
	__u64 now = bpf_ktime_get_ns();
	struct tw_info ti = {};
	struct sk_set *set = sk_set_of(ptr_value(sk));
	struct sk_way *si = set ? sk_find(set, ptr_value(sk)) : NULL;
	__u8 sub = BPF_CORE_READ(tw, tw_substate);

	ti.ts = now;
	ti.birth = now;
	ti.conn = key;
	ti.substate = sub;
	if (si) {
		ti.birth = si->birth;
		ti.conn = si->conn;
		if (sub == TCP_FIN_WAIT2)
			ti.ts = si->ts; /* still the same FIN-WAIT-2 */
	} else {
		/* a socket older than the trace: follow the hand-off anyway */
		ti.birth = 0;
		if (sub == TCP_FIN_WAIT2)
			ti.ts = 0;
	}
	/* for the X -> CLOSE tracepoint that follows */
	if (bpf_map_update_elem(&handoffs, &key, &sub, BPF_ANY))
		count(TSC_BPF_C_SK_FULL);
	if (bpf_map_update_elem(&tws, &twkey, &ti, BPF_ANY))
		count(TSC_BPF_C_TW_FULL);
	return 0;
}

/* An orphan's FIN_WAIT2 timewait socket receiving the peer's FIN moves to
 * TIME_WAIT inside tcp_timewait_state_process(): compare after the call. */
SEC("fexit/tcp_timewait_state_process")
int BPF_PROG(tsc_tw_process, struct inet_timewait_sock *tw)
{
	__u64 twkey = (__u64)(unsigned long)tw, now;
	struct tsc_bpf_event e;
	struct tw_info *ti;
	__u8 sub;

	ti = bpf_map_lookup_elem(&tws, &twkey);
	if (!ti)
		return 0;
	sub = BPF_CORE_READ(tw, tw_substate);
	if (sub == ti->substate)
		return 0;
	now = bpf_ktime_get_ns();
	init_event(&e, now, true);
	fill_addrs(&e, &tw->__tw_common);
	e.sport = __builtin_bswap16(BPF_CORE_READ(tw, tw_sport));
	e.oldstate = ti->substate;
	e.newstate = sub;
	e.method = TSC_BPF_M_FENTRY;
	e.flags = TSC_BPF_F_RFC_ONLY | TSC_BPF_F_SPAN;
	e.span_ns = now - ti->ts;
	e.birth_ns = ti->birth;
	e.conn = ti->conn;
	ti->substate = sub;
	ti->ts = now;
	emit(&e);
	return 0;
}

/* The timewait socket dies (timer, reuse by a new connection, netns exit). */
SEC("fentry/inet_twsk_kill")
int BPF_PROG(tsc_tw_kill, struct inet_timewait_sock *tw)
{
	__u64 twkey = (__u64)(unsigned long)tw, now;
	struct tsc_bpf_event e;
	struct tw_info *ti;

	ti = bpf_map_lookup_elem(&tws, &twkey);
	if (!ti)
		return 0;
	now = bpf_ktime_get_ns();
	init_event(&e, now, true);
	fill_addrs(&e, &tw->__tw_common);
	e.sport = __builtin_bswap16(BPF_CORE_READ(tw, tw_sport));
	e.oldstate = ti->substate;
	e.newstate = TCP_CLOSE;
	e.method = TSC_BPF_M_FENTRY;
	e.flags = TSC_BPF_F_RFC_ONLY | TSC_BPF_F_SPAN | TSC_BPF_F_END;
	e.span_ns = now - ti->ts;
	e.birth_ns = ti->birth;
	e.conn = ti->conn;
	bpf_map_delete_elem(&tws, &twkey);
	emit(&e);
	return 0;
}

/* A request socket exists: the passive endpoint is SYN-RECEIVED since its
 * SYN arrived. Reported once per request socket (the map remembers it; a
 * SYN-ACK retransmission finds it there). */
static __always_inline void note_request(const struct sock_common *skc, __u8 method)
{
	struct tsc_bpf_event e;
	struct req_key k = {};
	struct req_set *set;
	struct req_way *old;
	__u32 netns = skc->skc_net.net->ns.inum;
	__u64 now, req = ptr_value(skc);

	if (filter_netns && netns != filter_netns)
		return;
	now = bpf_ktime_get_ns();
	init_event(&e, now, true);
	e.netns = netns;
	fill_addrs_btf(&e, skc);
	fill_key(&k, &e);
	set = req_set_of(&k);
	if (!set)
		return;
	old = req_find(set, &k);
	if (old && old->req == req)
		return;
	e.oldstate = TCP_LISTEN;
	e.newstate = TCP_SYN_RECV;
	e.method = method;
	e.flags = TSC_BPF_F_RFC_ONLY;
	e.conn = req;
	e.birth_ns = now;
	if (old) {
		/* the same addresses, another request socket: the old one died
		 * unseen; the way is taken over */
		req_fill(old, &k, req, now);
	} else if (req_insert(set, &k, req, now)) {
		count(TSC_BPF_C_REQ_FULL);
	}
	emit(&e);
}

/* A SYN created a request socket (fentry: at its creation). */
SEC("fentry/inet_csk_reqsk_queue_hash_add")
int BPF_PROG(tsc_req_add, struct sock *sk, struct request_sock *req)
{
	note_request(&req->__req_common, TSC_BPF_M_FENTRY);
	return 0;
}

/* A timewait socket sends a segment (tcp_v4/v6_timewait_ack: skb->sk is the
 * timewait socket). If it is an orphan's FIN_WAIT2 timewait socket that has
 * reached TIME_WAIT, the peer's FIN just arrived: report it once. */
static __always_inline void tw_acks(struct sock *sk)
{
	struct inet_timewait_sock *tw = (struct inet_timewait_sock *)sk;
	__u32 netns = sk->__sk_common.skc_net.net->ns.inum;
	struct tsc_bpf_event e;
	struct req_key k = {};
	struct fw2_info *fi;
	struct fw2_set *set;
	struct fw2_way *w;
	__u64 now;

	if (filter_netns && netns != filter_netns)
		return;
	/* the verifier types sk as struct sock: the timewait socket's own
	 * field is read with a probe read */
	if (BPF_CORE_READ(tw, tw_substate) != TCP_TIME_WAIT)
		return;
	now = bpf_ktime_get_ns();
	init_event(&e, now, true);
	e.netns = netns;
	fill_addrs_btf(&e, &sk->__sk_common);
	fill_key(&k, &e);
	set = fw2_set_of(&k);
	w = set ? fw2_find(set, &k) : NULL;
	if (!w)
		return;
	fi = &w->v;
	e.oldstate = TCP_FIN_WAIT2;
	e.newstate = TCP_TIME_WAIT;
	e.method = TSC_BPF_M_TWACK;
	e.flags = TSC_BPF_F_RFC_ONLY;
	if (fi->ts) {
		e.span_ns = now - fi->ts;
		e.flags |= TSC_BPF_F_SPAN;
	}
	e.birth_ns = fi->birth;
	e.conn = fi->conn;
	e.pid = fi->pid; /* the application that closed, as for the hand-off */
	__builtin_memcpy(e.comm, fi->comm, sizeof(e.comm));
	fw2_free(w);
	emit(&e);
}

/* Without fentry: tcp_make_synack() attaches the SYN-ACK to its request
 * socket (skb_set_owner_edemux, TCP_SYNACK_NORMAL), and the SYN-ACK is sent
 * in the softirq that processed the SYN, so a packet leaving with a request
 * socket as owner is the earliest kernel sighting of that socket: the SYN
 * arrived microseconds ago. Every other packet costs two loads here. SYN
 * cookies (no request socket) and TCP Fast Open (owner is the listener) are
 * not seen; their SYN-RECEIVED appears at the handshake completion. */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(tsc_synack_xmit, struct sk_buff *skb)
{
	struct sock *sk = skb->sk; /* plain loads: skb is BTF-typed */
	__u8 st;

	if (!sk)
		return 0;
	st = sk->__sk_common.skc_state;
	if (st == TCP_NEW_SYN_RECV)
		note_request(&sk->__sk_common, TSC_BPF_M_SYNACK);
	else if (st == TCP_TIME_WAIT)
		tw_acks(sk);
	return 0;
}

/* Address of the timewait timer's handler (tw_timer_handler, a static
 * function of the kernel), found by user space in /proc/kallsyms before it
 * loads this program (a typeless __ksym would make libbpf read kallsyms at
 * every load, also for the kernel view that does not use it). */
const volatile __u64 tw_timer_fn = 0;

/* Without fentry: a timewait socket's timer expires (the end of TIME-WAIT,
 * or of an orphan's FIN-WAIT-2 after tcp_fin_timeout). Runs for every
 * timer that expires on the machine: one load and a compare for the
 * others. The timewait socket is reached with probe reads (container_of
 * of a BTF pointer). Its connection id is unknown here; user space follows
 * the socket since the hand-off and reports the end (twwatch.c). */
SEC("tp_btf/timer_expire_entry")
int BPF_PROG(tsc_tw_timer, struct timer_list *timer, unsigned long baseclk)
{
	const struct inet_timewait_sock *tw;
	struct tsc_bpf_event e;
	__u32 netns;

	if (!tw_timer_fn || (unsigned long)timer->function != tw_timer_fn)
		return 0;
	tw = (const void *)((unsigned long)timer -
			    bpf_core_field_offset(struct inet_timewait_sock, tw_timer));
	netns = BPF_CORE_READ(tw, __tw_common.skc_net.net, ns.inum);
	if (filter_netns && netns != filter_netns)
		return 0;
	init_event(&e, bpf_ktime_get_ns(), true);
	e.netns = netns;
	fill_addrs(&e, &tw->__tw_common);
	e.sport = __builtin_bswap16(BPF_CORE_READ(tw, tw_sport));
	e.oldstate = BPF_CORE_READ(tw, tw_substate);
	if (e.oldstate != TCP_TIME_WAIT && e.oldstate != TCP_FIN_WAIT2)
		return 0;
	e.newstate = TCP_CLOSE;
	e.method = TSC_BPF_M_TWTIMER;
	e.flags = TSC_BPF_F_RFC_ONLY | TSC_BPF_F_SUPERSEDED | TSC_BPF_F_END;
	emit(&e);
	return 0;
}

/* A SYN-ACK retransmission of a request socket not seen before (the trace
 * started during its handshake). */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(tsc_synack_rexmit, const struct sock *sk, const struct request_sock *req)
{
	note_request(&req->__req_common, TSC_BPF_M_SYNACK);
	return 0;
}

/* A request socket is unlinked. If no child took it over (the child's
 * tracepoint deletes the entry first), the half-open connection died. */
SEC("fentry/inet_csk_reqsk_queue_drop")
int BPF_PROG(tsc_req_drop, struct sock *sk, struct request_sock *req)
{
	__u64 now = bpf_ktime_get_ns();
	struct tsc_bpf_event e;
	struct req_key k = {};
	struct req_set *set;
	struct req_way *ri;

	init_event(&e, now, true);
	fill_addrs(&e, &req->__req_common);
	fill_key(&k, &e);
	set = req_set_of(&k);
	ri = set ? req_find(set, &k) : NULL;
	if (!ri || ri->req != ptr_value(req))
		return 0;
	e.oldstate = TCP_SYN_RECV;
	e.newstate = TCP_CLOSE;
	e.method = TSC_BPF_M_FENTRY;
	e.flags = TSC_BPF_F_RFC_ONLY | TSC_BPF_F_SPAN | TSC_BPF_F_END;
	e.span_ns = now - ri->ts;
	e.birth_ns = ri->ts;
	e.conn = ri->req;
	req_free(ri);
	emit(&e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
