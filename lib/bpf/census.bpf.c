// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel side of the census fast path: count the TCP sockets of the reader's
 * network namespace per family and state, so `states` reads 32 numbers
 * instead of one netlink message per socket. Counted like the netlink census:
 * request sockets (NEW_SYN_RECV) as SYN_RECV, timewait sockets by their
 * substate, CLOSED = bound-inactive sockets (what inet_diag dumps as CLOSE
 * since Linux 6.10; only when user space sets count_closed).
 *
 * It is an iter/tcp program, but it does not let bpf_iter_tcp walk the
 * established hash: that walk locks every bucket, takes and drops a reference
 * on every socket and locks every full socket around the program (measured
 * ~0.6-0.9 us per socket, more than a third of the whole netlink dump;
 * doc/internals/bpf-iter.md). Instead:
 *
 *  - listeners (the iterator's first pass, the listening hash) are counted
 *    one call each, as the kernel hands them over;
 *  - at the first socket of the established pass (or at the end of the
 *    iteration if this namespace has none there), the program walks the
 *    established hash itself, lock-free, the way the kernel's own lookups
 *    read it (__inet_lookup_established: RCU, SLAB_TYPESAFE_BY_RCU sockets,
 *    nulls-terminated chains), 8 buckets at a time so that the cache misses
 *    overlap; then the bind hash (bhash2) for the bound-inactive sockets;
 *    then it returns 1, which ends the read() with EAGAIN and `done` set.
 *
 * Race handling is the lookup's: a chain that ends in another bucket's nulls
 * marker (a socket was freed and reused while the walk stood on it) is walked
 * again, its tentative counts discarded (at most RETRY_MAX times, then `err`);
 * in the bind hash every hop checks the node's pprev. Like any dump, a socket
 * that changes while the walk passes may be seen in either state. All reads
 * go through bpf_rdonly_cast() (untrusted BTF pointers: fault-safe loads, no
 * references, no locks); the walk is bounded (STEPS_MAX steps per table).
 *
 * `err` != 0 means "no census": user space falls back to netlink.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define AF_INET6	 10
#define TCP_SYN_RECV	 3
#define TCP_TIME_WAIT	 6
#define TCP_CLOSE	 7
#define TCP_LISTEN	 10
#define TCP_NEW_SYN_RECV 12
#define NSTATES		 16
#define CHAIN_MAX	 64 /* sockets of this namespace in one chain */
#define RETRY_MAX	 8
#define STEPS_MAX	 (1 << 23) /* bpf_loop's limit: buckets + sockets */
#define GROUP		 8	   /* buckets per fast-path step */

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* results, read by user space through the mmapped .bss */
__u64 counts[2][NSTATES]; /* [0] IPv4, [1] IPv6 */
__u32 done;		  /* the established hash was walked to its end */
__u32 err;		  /* 0, or why the walk gave up (iter.c) */
__u64 steps;		  /* bpf_loop iterations: buckets + sockets seen */
/* set by user space before the load: also count CLOSED (bound-inactive
 * sockets, which inet_diag reports since Linux 6.10) */
const volatile __u32 count_closed;

enum { B_BUCKET, B_TB, B_SK };

struct bwalk {
	__u64 bhash, cur, exp, tbn;
	__u32 size, bucket, mode, retries;
	__u64 c4, c6, sink;
};
__u32 bdone;

/* walk state (one program run per load: no concurrency) */
struct walk {
	__u64 ehash, net, node, slot;
	__u32 mask, bucket, n, retries;
	__u32 gbase, pend;    /* group of the fast path, its buckets left */
	__u64 hd[GROUP];      /* its chain heads */
	__u8 code[CHAIN_MAX]; /* this chain's sockets: family << 4 | state */
	struct bwalk b;	      /* the bind hash walk */
};
/* one struct: clang would split separate static structs into scalars,
 * which the kernel refuses in the BTF of .bss */
static struct walk w;
#define bw w.b

/* A pointer loaded through an untrusted BTF pointer stays a pointer to the
 * verifier (no bit tests on it): a round trip through global data makes it
 * a number. */
static __always_inline __u64 as_number(const void *p)
{
	*(volatile __u64 *)&w.slot = (__u64)p;
	return *(volatile __u64 *)&w.slot;
}

static __always_inline unsigned int state_of(struct sock_common *skc)
{
	unsigned int st = skc->skc_state;

	if (st == TCP_TIME_WAIT) {
		struct inet_timewait_sock *tw =
			bpf_rdonly_cast(skc, bpf_core_type_id_kernel(struct inet_timewait_sock));

		st = tw->tw_substate;
	} else if (st == TCP_NEW_SYN_RECV) {
		st = TCP_SYN_RECV;
	}
	return st & (NSTATES - 1);
}

/* The fast path, GROUP buckets at a time: their heads, then the first
 * socket of each non-empty one, as independent loads (the cache misses of
 * the GROUP sockets overlap instead of following one another). Loops are
 * not unrolled: every unrolled copy would add its CO-RE relocations, which
 * the kernel resolves one by one at every load. A chain of
 * one socket that ends in its own bucket's nulls marker is counted here;
 * any other bucket (longer chain, foreign marker) is left to the slow walk
 * below: its bit is set in w.pend (in memory, not in a register: the
 * verifier would otherwise follow 2^GROUP masks). */
static __always_inline void fast_group(__u32 base)
{
	__u64 *hd = w.hd, nx;

#pragma clang loop unroll(disable)
	for (int k = 0; k < GROUP; k++) {
		struct inet_ehash_bucket *b = bpf_rdonly_cast(
			(void *)(w.ehash +
				 (__u64)(base + k) * bpf_core_type_size(struct inet_ehash_bucket)),
			bpf_core_type_id_kernel(struct inet_ehash_bucket));

		hd[k & (GROUP - 1)] = base + k <= w.mask ? as_number(b->chain.first) : 1;
	}
#pragma clang loop unroll(disable)
	for (int k = 0; k < GROUP; k++) {
		struct sock_common *skc;

		if (hd[k & (GROUP - 1)] & 1) {
			if ((hd[k & (GROUP - 1)] >> 1) != base + k && base + k <= w.mask)
				w.pend |= 1u << k;
			continue;
		}
		skc = bpf_rdonly_cast(
			(void *)(hd[k & (GROUP - 1)] -
				 bpf_core_field_offset(struct sock_common, skc_nulls_node)),
			bpf_core_type_id_kernel(struct sock_common));
		nx = as_number(skc->skc_nulls_node.next);
		if (!(nx & 1) || (nx >> 1) != base + k) {
			w.pend |= 1u << k;
			continue;
		}
		if (as_number(skc->skc_net.net) == w.net)
			counts[skc->skc_family == AF_INET6][state_of(skc)]++;
	}
}

/* The first bucket of the group left to the slow walk, or the next group. */
static __always_inline void first_pending(void)
{
	w.bucket = w.gbase + GROUP;
#pragma clang loop unroll(disable)
	for (int k = 0; k < GROUP; k++) {
		if (w.pend & (1u << k)) {
			w.bucket = w.gbase + k;
			break;
		}
	}
}

/* The slow walk is done with w.bucket: on to the next one. */
static __always_inline void next_slow(void)
{
	w.pend &= ~(1u << ((w.bucket - w.gbase) & (GROUP - 1)));
	first_pending();
}

/* One step: a group of buckets (fast path), or, for a bucket the fast path
 * left, its head or one socket of its chain. */
static long walk_step(__u64 i, void *unused)
{
	__u64 node = w.node;
	struct sock_common *skc;

	if (!w.pend) {
		__u32 base = w.bucket;

		if (base > w.mask) {
			done = 1;
			return 1;
		}
		fast_group(base); /* sets w.pend */
		w.gbase = base;
		w.bucket = base + GROUP;
		if (w.pend) {
			first_pending();
			w.node = 0;
			w.retries = 0;
		}
		return 0;
	}
	if (!node) {
		struct inet_ehash_bucket *b;

		b = bpf_rdonly_cast(
			(void *)(w.ehash +
				 (__u64)w.bucket * bpf_core_type_size(struct inet_ehash_bucket)),
			bpf_core_type_id_kernel(struct inet_ehash_bucket));
		node = as_number(b->chain.first);
		w.n = 0;
	}
	if (node & 1) { /* nulls marker: end of a chain */
		if ((node >> 1) == w.bucket) {
			for (unsigned int k = 0; k < CHAIN_MAX; k++) {
				if (k >= w.n)
					break;
				counts[(w.code[k] >> 4) & 1][w.code[k] & (NSTATES - 1)]++;
			}
			w.retries = 0;
			next_slow();
		} else if (++w.retries > RETRY_MAX) {
			err = 2;
			return 1;
		}
		w.node = 0;
		return 0;
	}
	if (!node) {
		err = 4;
		return 1;
	}
	skc = bpf_rdonly_cast(
		(void *)(node - bpf_core_field_offset(struct sock_common, skc_nulls_node)),
		bpf_core_type_id_kernel(struct sock_common));
	if (as_number(skc->skc_net.net) == w.net) {
		if (w.n >= CHAIN_MAX) {
			err = 3;
			return 1;
		}
		w.code[w.n & (CHAIN_MAX - 1)] =
			(__u8)(((skc->skc_family == AF_INET6) << 4) | state_of(skc));
		w.n++;
	}
	w.node = as_number(skc->skc_nulls_node.next);
	return 0;
}

/* ---- bound-inactive sockets (CLOSED): the bind hash ------------------- */

/* What inet_diag dumps as CLOSED (Linux 6.10+): sockets on the owners list
 * of a bind2 bucket of this namespace, in state CLOSE with a local port.
 * The bind hash is walked lock-free too; its lists are plain hlists (bind
 * buckets are not RCU-freed), so every hop checks that the node still
 * points back to where it was reached from (pprev) and a bucket that
 * changed under the walk is walked again. */

static __always_inline long bind_retry(void)
{
	if (++bw.retries > RETRY_MAX) {
		err = 7;
		return 1;
	}
	bw.mode = B_BUCKET;
	return 0;
}

static __always_inline void bind_next_tb(void)
{
	struct hlist_node *n =
		bpf_rdonly_cast((void *)bw.tbn, bpf_core_type_id_kernel(struct hlist_node));

	bw.exp = bw.tbn; /* &node->next: next is the first member */
	bw.cur = as_number(n->next);
	bw.mode = B_TB;
	if (!bw.cur) { /* bucket done */
		counts[0][TCP_CLOSE] += bw.c4;
		counts[1][TCP_CLOSE] += bw.c6;
		bw.bucket++;
		bw.retries = 0;
		bw.mode = B_BUCKET;
	}
}

/* Loads whose values do not matter, issued in a row so that their
 * cache misses overlap (BPF has no prefetch): the first bind2 bucket of the
 * next GROUP hash buckets, and the first owner of each first bind2 bucket
 * of this group (loaded by the previous call). The walk that follows then
 * finds them in the cache. */
static __always_inline void bind_touch(__u32 base)
{
#pragma clang loop unroll(disable)
	for (int k = 0; k < 2 * GROUP; k++) {
		struct inet_bind_hashbucket *hb;
		struct inet_bind2_bucket *tb;
		__u64 t;

		if (base + k >= bw.size)
			break;
		hb = bpf_rdonly_cast(
			(void *)(bw.bhash +
				 (__u64)(base + k) *
					 bpf_core_type_size(struct inet_bind_hashbucket)),
			bpf_core_type_id_kernel(struct inet_bind_hashbucket));
		t = as_number(hb->chain.first);
		if (!t)
			continue;
		tb = bpf_rdonly_cast(
			(void *)(t - bpf_core_field_offset(struct inet_bind2_bucket, node)),
			bpf_core_type_id_kernel(struct inet_bind2_bucket));
		t = as_number(tb->owners.first); /* next group: the bind2 bucket's line */
		if (k < GROUP && t) {
			struct sock_common *skc = bpf_rdonly_cast(
				(void *)(t -
					 bpf_core_field_offset(struct sock_common, skc_bind_node)),
				bpf_core_type_id_kernel(struct sock_common));

			bw.sink += skc->skc_state; /* this group: the owner's line */
		}
	}
}

static long bind_step(__u64 i, void *unused)
{
	struct hlist_node *n;

	if (bw.mode == B_BUCKET) {
		struct inet_bind_hashbucket *hb;
		__u64 at;

		if (bw.bucket >= bw.size) {
			bdone = 1;
			return 1;
		}
		if (!(bw.bucket & (GROUP - 1)) && !bw.retries)
			bind_touch(bw.bucket);
		at = bw.bhash + (__u64)bw.bucket * bpf_core_type_size(struct inet_bind_hashbucket);
		hb = bpf_rdonly_cast((void *)at,
				     bpf_core_type_id_kernel(struct inet_bind_hashbucket));
		bw.c4 = bw.c6 = 0;
		bw.cur = as_number(hb->chain.first);
		bw.exp = at + bpf_core_field_offset(struct inet_bind_hashbucket, chain);
		if (!bw.cur) {
			bw.bucket++;
			bw.retries = 0;
			return 0;
		}
		bw.mode = B_TB;
		return 0;
	}
	n = bpf_rdonly_cast((void *)bw.cur, bpf_core_type_id_kernel(struct hlist_node));
	if (as_number(n->pprev) != bw.exp)
		return bind_retry();
	if (bw.mode == B_TB) {
		struct inet_bind2_bucket *tb = bpf_rdonly_cast(
			(void *)(bw.cur - bpf_core_field_offset(struct inet_bind2_bucket, node)),
			bpf_core_type_id_kernel(struct inet_bind2_bucket));

		bw.tbn = bw.cur;
		if (as_number(tb->ib_net.net) == w.net) {
			__u64 first = as_number(tb->owners.first);

			if (first) {
				bw.exp = bw.cur -
					 bpf_core_field_offset(struct inet_bind2_bucket, node) +
					 bpf_core_field_offset(struct inet_bind2_bucket, owners);
				bw.cur = first;
				bw.mode = B_SK;
				return 0;
			}
		}
		bind_next_tb();
		return 0;
	}
	/* B_SK: one owner of the bind bucket at bw.tbn */
	{
		struct sock_common *skc = bpf_rdonly_cast(
			(void *)(bw.cur - bpf_core_field_offset(struct sock_common, skc_bind_node)),
			bpf_core_type_id_kernel(struct sock_common));
		__u64 next = as_number(n->next);

		if (skc->skc_state == TCP_CLOSE && skc->skc_num) {
			if (skc->skc_family == AF_INET6)
				bw.c6++;
			else
				bw.c4++;
		}
		if (next) {
			bw.exp = bw.cur;
			bw.cur = next;
			return 0;
		}
	}
	bind_next_tb();
	return 0;
}

/* Both walks, in the iterator's network namespace (the reader's at
 * bpf_iter_create(): seq_file_net(), the first member of the iterator's
 * private state); sets done (and bdone), or err. */
static __always_inline void walk_all(struct bpf_iter__tcp *ctx)
{
	struct seq_net_private *p;
	struct inet_hashinfo *h;
	struct net *net;

	p = bpf_rdonly_cast(ctx->meta->seq->private,
			    bpf_core_type_id_kernel(struct seq_net_private));
	net = p->net;
	h = net->ipv4.tcp_death_row.hashinfo;
	w.net = as_number(net);
	w.ehash = as_number(h->ehash);
	w.mask = h->ehash_mask;
	if (!w.ehash || !w.net) {
		err = 5;
		return;
	}
	steps = (__u64)bpf_loop(STEPS_MAX, walk_step, NULL, 0);
	if (!done && !err)
		err = 6; /* more than STEPS_MAX buckets + sockets */
	if (err || !count_closed)
		return;
	bw.bhash = as_number(h->bhash2);
	bw.size = h->bhash_size;
	if (!bw.bhash) {
		err = 8;
		return;
	}
	steps += (__u64)bpf_loop(STEPS_MAX, bind_step, NULL, 0);
	if (!bdone && !err)
		err = 9;
}

SEC("iter/tcp")
int tsc_count_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;

	if (done || err)
		return 0;
	if (skc) {
		/* untrusted from here on: plain loads, and the verifier does
		 * not search the kernel BTF for every trusted field it follows */
		skc = bpf_rdonly_cast(skc, bpf_core_type_id_kernel(struct sock_common));
		if (skc->skc_state == TCP_LISTEN) {
			counts[skc->skc_family == AF_INET6][TCP_LISTEN]++;
			return 0;
		}
	}
	/* the first socket of the established pass (or the end of the
	 * iteration when this namespace has none there): walk the tables */
	walk_all(ctx);
	return 1; /* ends the read (EAGAIN): nothing left to do */
}

char LICENSE[] SEC("license") = "GPL";
