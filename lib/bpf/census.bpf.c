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
 *    nulls-terminated chains), then the bind hash (bhash2) for the
 *    bound-inactive sockets. LANES chains are walked side by side, one node
 *    of each per round, the loads of all lanes issued first (their cache
 *    misses overlap).
 *  - The walk is done in slices of at most SLICE lane steps per program
 *    call: each call returns 1, which ends the read() with EAGAIN, and the
 *    next read() calls the program again (the kernel iterator shows the same
 *    or the next socket), which goes on where the last call stopped; user
 *    space reads until `done` or `err`. So the time spent without a chance
 *    to reschedule stays bounded (~1-4 ms per call here) whatever the size
 *    of the tables; TOTAL_MAX bounds the whole walk.
 *
 * Race handling is the lookup's: a chain that ends in another bucket's nulls
 * marker (a socket was freed and reused while the walk stood on it) is walked
 * again, what it counted of it taken back (at most RETRY_MAX times, then
 * `err`); in the bind hash every hop checks the node's pprev. Like any dump,
 * a socket that changes while the walk passes may be seen in either state.
 * All reads go through bpf_rdonly_cast() (untrusted BTF pointers:
 * fault-safe loads, no references, no locks).
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
#define LANES		 8 /* chains walked side by side */
#define PICK		 8 /* buckets an idle lane may look at per step */
/* Bounds of the non-preemptible time (doc/internals/bpf-iter.md), in lane
 * steps (one socket, bind2 bucket or up to PICK empty hash buckets each;
 * O(1), but for taking back a chain of at most CHAIN_MAX sockets on a
 * retry): SLICE per program call; the walk resumes at the next call (the
 * next read()). At the end of the iteration there is no next call:
 * STOP_BUDGET steps to finish there, or the census gives up (netlink).
 * TOTAL_MAX steps per census, then it gives up. */
#define SLICE	    (1 << 15)
#define STOP_BUDGET (1 << 18)
#define TOTAL_MAX   (1 << 24)

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* results, read by user space through the mmapped .bss */
__u64 counts[2][NSTATES]; /* [0] IPv4, [1] IPv6 */
__u32 done;		  /* the walk is over: counts are complete */
__u32 err;		  /* 0, or why the walk gave up (iter.c) */
__u32 calls;		  /* program calls that walked (slices) */
__u64 steps;		  /* lane steps, all calls */
__u64 esteps;		  /* of which in the established hash */
/* set by user space before the load: also count CLOSED (bound-inactive
 * sockets, which inet_diag reports since Linux 6.10) */
const volatile __u32 count_closed;

enum { L_IDLE, L_WALK, L_TB = L_WALK, L_SK };
enum { P_EHASH, P_BIND, P_DONE };

/* One chain walk: a bucket of the established hash (its sockets) or of the
 * bind hash (its bind2 buckets and their owners). */
struct lane {
	__u64 node; /* the node at hand (ehash: maybe a nulls marker) */
	__u64 exp;  /* bind: where node's pprev must point */
	__u64 tbn;  /* bind: the bind2 bucket's node */
	__u32 bucket, mode, n, retries;
	__u32 c4, c6;	   /* bind: CLOSED so far in this bucket */
	__u64 gnet, gnext; /* gathered from the node (socket or bind2 bucket) */
	__u32 gst, gfam;
	__u64 gpp, gown, tbnext; /* bind: gathered pprev, owners, next bind2 bucket */
	__u8 code[CHAIN_MAX];	 /* ehash: this chain's sockets, family << 4 | state */
};

/* walk state, kept across program calls (one census per load: no
 * concurrency) */
struct walk {
	__u64 ehash, bhash, net, slot;
	__u32 mask, bsize, next, active, phase, started;
	struct lane lane[LANES];
};
/* one struct: clang would split separate static structs into scalars,
 * which the kernel refuses in the BTF of .bss */
static struct walk w;

/* A pointer loaded through an untrusted BTF pointer stays a pointer to the
 * verifier (no bit tests on it): a round trip through global data makes it
 * a number. */
static __always_inline __u64 as_number(const void *p)
{
	*(volatile __u64 *)&w.slot = (__u64)p;
	return *(volatile __u64 *)&w.slot;
}

/* ---- the established hash ---------------------------------------------- */

/* Every round (one bpf_loop step) advances each of the LANES lanes by one
 * socket of its chain; an idle lane takes the next non-empty bucket. Loops
 * are not unrolled: every unrolled copy would add CO-RE relocations, which
 * the kernel resolves one by one at every load. */

static __always_inline __u64 ehead(__u32 b)
{
	struct inet_ehash_bucket *eb = bpf_rdonly_cast(
		(void *)(w.ehash + (__u64)b * bpf_core_type_size(struct inet_ehash_bucket)),
		bpf_core_type_id_kernel(struct inet_ehash_bucket));

	return as_number(eb->chain.first);
}

/* All lanes idle, no bucket left: on to the bind hash, or done. */
static __always_inline long ehash_end(void)
{
	w.next = 0;
	w.phase = count_closed ? P_BIND : P_DONE;
	return 1;
}

/* A chain is walked again: what was counted of it is taken back. */
static long uncount(__u64 k, void *ctx)
{
	struct lane *l = &w.lane[*(__u32 *)ctx & (LANES - 1)];
	__u8 c = l->code[k & (CHAIN_MAX - 1)];

	counts[(c >> 4) & 1][c & (NSTATES - 1)]--;
	return 0;
}

/* Global functions: the verifier checks each once, for any argument,
 * instead of once per state it reaches them in (bpf_loop callbacks are
 * re-verified until their states converge): a third of the load time. */

/* After the gather: the lane's socket counted (or its chain ended), the lane
 * one node ahead; an idle lane takes the next non-empty bucket. */
__noinline int ehash_apply(__u32 k)
{
	struct lane *l = &w.lane[k & (LANES - 1)];
	__u64 node = l->node;

	if (l->mode != L_IDLE) {
		if (node & 1) { /* nulls marker: end of a chain */
			if ((node >> 1) != l->bucket) {
				/* a moved socket led into another chain: again */
				if (++l->retries > RETRY_MAX) {
					err = 2;
					return 1;
				}
				bpf_loop(l->n, uncount, &k, 0);
				l->node = ehead(l->bucket);
				l->n = 0;
				return 0;
			}
			l->mode = L_IDLE;
			w.active--;
		} else if (!node) {
			err = 4;
			return 1;
		} else {
			if (l->gnet == w.net) {
				__u32 f = l->gfam == AF_INET6, st = l->gst;

				if (l->n >= CHAIN_MAX) {
					err = 3;
					return 1;
				}
				if (st == TCP_NEW_SYN_RECV)
					st = TCP_SYN_RECV;
				st &= NSTATES - 1;
				counts[f][st]++;
				l->code[l->n & (CHAIN_MAX - 1)] = (__u8)(f << 4 | st);
				l->n++;
			}
			l->node = l->gnext;
			return 0;
		}
	}
#pragma clang loop unroll(disable)
	for (int j = 0; j < PICK; j++) {
		__u32 b = w.next;

		if (b > w.mask)
			break;
		w.next = b + 1;
		node = ehead(b);
		if (node == ((__u64)b << 1 | 1))
			continue; /* empty: its own nulls marker */
		l->bucket = b;
		l->node = node;
		l->n = 0;
		l->retries = 0;
		l->mode = L_WALK;
		w.active++;
		break;
	}
	return 0;
}

/* One round: every lane one socket ahead. The loads of all lanes are
 * issued first, one after the other with nothing depending on them in
 * between, so that their cache misses overlap (BPF has no prefetch; one
 * lane per step left the CPU waiting for one miss at a time). */
__noinline int ehash_gather(__u32 k)
{
	struct lane *l = &w.lane[k & (LANES - 1)];
	struct sock_common *skc;
	__u64 node = l->node;

	if (l->mode == L_IDLE || (node & 1) || !node)
		return 0;
	skc = bpf_rdonly_cast(
		(void *)(node - bpf_core_field_offset(struct sock_common, skc_nulls_node)),
		bpf_core_type_id_kernel(struct sock_common));
	*(volatile __u64 *)&l->gnet = (__u64)skc->skc_net.net;
	*(volatile __u64 *)&l->gnext = (__u64)skc->skc_nulls_node.next;
	l->gst = skc->skc_state;
	l->gfam = skc->skc_family;
	return 0;
}

/* timewait sockets' substates (a third cache line), side by side too */
__noinline int ehash_gather_tw(__u32 k)
{
	struct lane *l = &w.lane[k & (LANES - 1)];
	struct inet_timewait_sock *tw;
	__u64 node = l->node;

	if (l->mode == L_IDLE || (node & 1) || !node || l->gst != TCP_TIME_WAIT || l->gnet != w.net)
		return 0;
	tw = bpf_rdonly_cast(
		(void *)(node - bpf_core_field_offset(struct sock_common, skc_nulls_node)),
		bpf_core_type_id_kernel(struct inet_timewait_sock));
	l->gst = tw->tw_substate;
	return 0;
}

__noinline int ehash_round(void)
{
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < LANES; k++)
		ehash_gather(k);
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < LANES; k++)
		ehash_gather_tw(k);
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < LANES; k++)
		if (ehash_apply(k))
			return 1;
	if (w.next > w.mask && !w.active)
		return ehash_end();
	return 0;
}

/* ---- bound-inactive sockets (CLOSED): the bind hash ------------------- */

/* What inet_diag dumps as CLOSED (Linux 6.10+): sockets on the owners list
 * of a bind2 bucket of this namespace, in state CLOSE with a local port.
 * The bind hash is walked lock-free too, LANES hash buckets side by side;
 * its lists are plain hlists (bind buckets are not RCU-freed), so every hop
 * checks that the node still points back to where it was reached from
 * (pprev) and a hash bucket that changed under the walk is walked again. */

static __always_inline __u64 bhead(__u32 b) /* &bhash2[b].chain */
{
	return w.bhash + (__u64)b * bpf_core_type_size(struct inet_bind_hashbucket) +
	       bpf_core_field_offset(struct inet_bind_hashbucket, chain);
}

/* Every list is read through the structure it is part of (no hlist types:
 * each relocated type costs a search of the kernel BTF at every load). */
static __always_inline __u64 bucket_first(__u32 b)
{
	struct inet_bind_hashbucket *hb = bpf_rdonly_cast(
		(void *)(w.bhash + (__u64)b * bpf_core_type_size(struct inet_bind_hashbucket)),
		bpf_core_type_id_kernel(struct inet_bind_hashbucket));

	return as_number(hb->chain.first);
}

static __always_inline struct inet_bind2_bucket *tb_of(__u64 node)
{
	return bpf_rdonly_cast(
		(void *)(node - bpf_core_field_offset(struct inet_bind2_bucket, node)),
		bpf_core_type_id_kernel(struct inet_bind2_bucket));
}

/* The lane's hash bucket is walked: its CLOSED sockets count. */
static __always_inline void bind_lane_end(struct lane *l)
{
	counts[0][TCP_CLOSE] += l->c4;
	counts[1][TCP_CLOSE] += l->c6;
	l->mode = L_IDLE;
	w.active--;
}

/* After the gather: the lane one node ahead (or its bucket walked again);
 * an idle lane takes the next non-empty bucket. */
__noinline int bind_apply(__u32 k)
{
	struct lane *l = &w.lane[k & (LANES - 1)];
	__u64 cur = l->node;

	if (l->mode == L_IDLE)
		goto pick;
	if (l->gpp != l->exp)
		goto again;
	if (l->mode == L_TB) {
		l->tbn = cur;
		l->tbnext = l->gnext;
		if (l->gnet == w.net && l->gown) {
			l->exp = cur - bpf_core_field_offset(struct inet_bind2_bucket, node) +
				 bpf_core_field_offset(struct inet_bind2_bucket, owners);
			l->node = l->gown;
			l->mode = L_SK;
			return 0;
		}
	} else { /* L_SK: an owner of the bind2 bucket at l->tbn */
		if (l->gst == TCP_CLOSE && l->gfam >> 16) {
			if ((l->gfam & 0xffff) == AF_INET6)
				l->c6++;
			else
				l->c4++;
		}
		if (l->gnext) {
			l->exp = cur;
			l->node = l->gnext;
			return 0;
		}
	}
	/* the next bind2 bucket of this hash bucket (node: next is first) */
	l->exp = l->tbn;
	l->node = l->tbnext;
	l->mode = L_TB;
	if (l->node)
		return 0;
	bind_lane_end(l);
pick:
#pragma clang loop unroll(disable)
	for (int j = 0; j < PICK; j++) {
		__u32 b = w.next;

		if (b >= w.bsize)
			break;
		w.next = b + 1;
		cur = bucket_first(b);
		if (!cur)
			continue;
		l->bucket = b;
		l->exp = bhead(b);
		l->node = cur;
		l->c4 = l->c6 = 0;
		l->retries = 0;
		l->mode = L_TB;
		w.active++;
		break;
	}
	return 0;
again: /* the bucket changed under the walk: walk it again */
	if (++l->retries > RETRY_MAX) {
		err = 7;
		return 1;
	}
	l->exp = bhead(l->bucket);
	l->node = bucket_first(l->bucket);
	l->c4 = l->c6 = 0;
	l->mode = L_TB;
	if (!l->node)
		bind_lane_end(l);
	return 0;
}

/* One round of the bind hash walk: the loads of all lanes first (their
 * misses overlap), then every lane one node ahead. */
__noinline int bind_gather(__u32 k)
{
	struct lane *l = &w.lane[k & (LANES - 1)];
	__u64 cur = l->node;

	if (l->mode == L_TB) {
		struct inet_bind2_bucket *tb = tb_of(cur);

		*(volatile __u64 *)&l->gpp = (__u64)tb->node.pprev;
		*(volatile __u64 *)&l->gnext = (__u64)tb->node.next;
		*(volatile __u64 *)&l->gnet = (__u64)tb->ib_net.net;
		*(volatile __u64 *)&l->gown = (__u64)tb->owners.first;
	} else if (l->mode == L_SK) {
		struct sock_common *skc = bpf_rdonly_cast(
			(void *)(cur - bpf_core_field_offset(struct sock_common, skc_bind_node)),
			bpf_core_type_id_kernel(struct sock_common));

		*(volatile __u64 *)&l->gpp = (__u64)skc->skc_bind_node.pprev;
		*(volatile __u64 *)&l->gnext = (__u64)skc->skc_bind_node.next;
		l->gst = skc->skc_state;
		l->gfam = skc->skc_family | (skc->skc_num ? 1u << 16 : 0);
	}
	return 0;
}

__noinline int bind_round(void)
{
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < LANES; k++)
		bind_gather(k);
#pragma clang loop unroll(disable)
	for (__u32 k = 0; k < LANES; k++)
		if (bind_apply(k))
			return 1;
	if (w.next >= w.bsize && !w.active) {
		w.phase = P_DONE;
		return 1;
	}
	return 0;
}

static long ehash_step(__u64 i, void *unused)
{
	return ehash_round() != 0;
}

static long bind_step(__u64 i, void *unused)
{
	return bind_round() != 0;
}

/* The walk's tables, in the iterator's network namespace (the reader's at
 * bpf_iter_create(): seq_file_net(), the first member of the iterator's
 * private state). */
static __always_inline int walk_init(struct bpf_iter__tcp *ctx)
{
	struct seq_net_private *p;
	struct inet_hashinfo *h;
	struct net *net;

	w.started = 1;
	p = bpf_rdonly_cast(ctx->meta->seq->private,
			    bpf_core_type_id_kernel(struct seq_net_private));
	net = p->net;
	h = net->ipv4.tcp_death_row.hashinfo;
	w.net = as_number(net);
	w.ehash = as_number(h->ehash);
	w.mask = h->ehash_mask;
	w.bhash = as_number(h->bhash2);
	w.bsize = h->bhash_size;
	if (!w.ehash || !w.net || !w.bhash) {
		err = 5;
		return -1;
	}
	return 0;
}

/* At most budget more steps of the walk, where the last call left it. */
static __always_inline void walk_slice(__u32 budget)
{
	long r;

	calls++;
	if (w.phase == P_EHASH) {
		r = bpf_loop(budget / LANES, ehash_step, NULL, 0); /* rounds */
		if (r < 0) {
			err = 8;
			return;
		}
		r *= LANES;
		steps += (__u64)r;
		esteps += (__u64)r;
		budget = (__u64)r < budget ? budget - (__u32)r : 0;
	}
	if (w.phase == P_BIND && budget && !err) {
		r = bpf_loop(budget / LANES, bind_step, NULL, 0); /* rounds */
		if (r < 0) {
			err = 8;
			return;
		}
		steps += (__u64)r * LANES;
	}
	if (w.phase == P_DONE && !err)
		done = 1;
}

SEC("iter/tcp")
int tsc_count_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;

	if (done || err)
		return 1;
	if (skc && !w.started) {
		/* untrusted from here on: plain loads, and the verifier does
		 * not search the kernel BTF for every trusted field it follows */
		skc = bpf_rdonly_cast(skc, bpf_core_type_id_kernel(struct sock_common));
		if (skc->skc_state == TCP_LISTEN) {
			counts[skc->skc_family == AF_INET6][TCP_LISTEN]++;
			return 0;
		}
	}
	/* a socket of the established pass (or the end of the iteration when
	 * this namespace has none there): the next slice of the walk, and 1,
	 * which ends this read() with EAGAIN; user space reads again until
	 * done or err. The end of the iteration has no next call. */
	if (!w.started && walk_init(ctx))
		return 1;
	walk_slice(skc ? SLICE : STOP_BUDGET);
	if (!done && !err && (!skc || steps >= TOTAL_MAX))
		err = skc ? 6 : 10;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
