/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket snapshot of `check` (see check.h): per-state counts plus the
 * bounded breakdowns the rules need: listeners with their queues, half-open
 * connections per port and source, CLOSE_WAIT per process and port, sockets
 * per destination (port use) and per remote address. Nothing per socket is
 * kept except a handful of idle examples.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/check-internal.h"

#define DEFAULT_MAX_GROUPS 100000u

struct tsc_check_snap *tsc_check_snap_new(const struct tsc_check_snap_opts *opts)
{
	struct tsc_check_snap *s = calloc(1, sizeof(*s));
	size_t max;

	if (!s)
		return NULL;
	if (opts)
		s->o = *opts;
	max = s->o.max_groups ? s->o.max_groups : DEFAULT_MAX_GROUPS;
	s->listeners = tsc_hash_new(sizeof(struct tsc__listener_key),
				    sizeof(struct tsc__listener_val), max);
	s->synrecv = tsc_hash_new(sizeof(uint16_t), sizeof(struct tsc__count_val), max);
	s->syn_sources =
		tsc_hash_new(sizeof(struct tsc__remote_key), sizeof(struct tsc__count_val), max);
	s->est_ports = tsc_hash_new(sizeof(uint16_t), sizeof(struct tsc__count_val), max);
	s->closewait =
		tsc_hash_new(sizeof(struct tsc__proc_port_key), sizeof(struct tsc__count_val), max);
	s->dests = tsc_hash_new(sizeof(struct tsc__dest_key), sizeof(struct tsc__count_val), max);
	s->remotes =
		tsc_hash_new(sizeof(struct tsc__remote_key), sizeof(struct tsc__remote_val), max);
	if (!s->listeners || !s->synrecv || !s->syn_sources || !s->est_ports || !s->closewait ||
	    !s->dests || !s->remotes) {
		tsc_check_snap_free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void tsc_check_snap_free(struct tsc_check_snap *s)
{
	if (!s)
		return;
	tsc_hash_free(s->listeners);
	tsc_hash_free(s->synrecv);
	tsc_hash_free(s->syn_sources);
	tsc_hash_free(s->est_ports);
	tsc_hash_free(s->closewait);
	tsc_hash_free(s->dests);
	tsc_hash_free(s->remotes);
	free(s);
}

const uint64_t *tsc_check_snap_counts(const struct tsc_check_snap *s)
{
	return s->counts;
}

uint64_t tsc_check_snap_nsockets(const struct tsc_check_snap *s)
{
	return s->nsockets;
}

void tsc_check_snap_listening(struct tsc_check_snap *s, uint16_t port)
{
	s->listening[port / 8] |= (uint8_t)(1u << (port % 8));
}

static bool is_listening(const struct tsc_check_snap *s, uint16_t port)
{
	return s->listening[port / 8] & (1u << (port % 8));
}

static size_t addr_len(const struct tsc_sock *sk)
{
	return sk->family == AF_INET ? 4 : 16;
}

/* Adds to a count_val; a full table is counted once per socket. */
static void bump(struct tsc_check_snap *s, struct tsc_hash *h, const void *key, uint64_t extra)
{
	struct tsc__count_val *v = tsc_hash_upsert(h, key, NULL);

	if (!v) {
		s->overflow++;
		return;
	}
	v->n++;
	v->extra += extra;
}

static void add_listener(struct tsc_check_snap *s, const struct tsc_sock *sk,
			 const struct tsc_proc_owner *owner)
{
	struct tsc__listener_key k;
	struct tsc__listener_val *v;

	memset(&k, 0, sizeof(k));
	k.family = sk->family;
	k.port = sk->lport;
	memcpy(k.addr, sk->local, addr_len(sk));
	k.inode = sk->inode;
	v = tsc_hash_upsert(s->listeners, &k, NULL);
	if (!v) {
		s->overflow++;
		return;
	}
	/* sock_diag reports a listener's accept queue in rqueue and its
	 * backlog (sk_max_ack_backlog) in wqueue (inet_diag.c) */
	v->rqueue = sk->rqueue;
	v->backlog = sk->wqueue;
	if (owner) {
		v->pid = owner->pid;
		memcpy(v->comm, owner->comm, sizeof(v->comm));
		v->comm[sizeof(v->comm) - 1] = '\0';
	}
}

static void add_remote(struct tsc_check_snap *s, const struct tsc_sock *sk, unsigned st)
{
	struct tsc__remote_key k;
	struct tsc__remote_val *v;

	memset(&k, 0, sizeof(k));
	k.family = sk->family;
	memcpy(k.addr, sk->peer, addr_len(sk));
	v = tsc_hash_upsert(s->remotes, &k, NULL);
	if (!v) {
		s->overflow++;
		return;
	}
	v->counts[st]++;
	if (st == TSC_TCP_SYN_RECV)
		bump(s, s->syn_sources, &k, 0);
}

static bool ephemeral(const struct tsc_check_snap *s, uint16_t port)
{
	if (!s->o.eph_lo && !s->o.eph_hi)
		return true;
	return port >= s->o.eph_lo && port <= s->o.eph_hi;
}

/* Sockets that hold a local port toward one destination: everything with a
 * 4-tuple that this side opened or still holds (not listeners, not the
 * server side's request sockets, nothing on a listening port). */
static void add_dest(struct tsc_check_snap *s, const struct tsc_sock *sk, unsigned st)
{
	struct tsc__dest_key k;

	if (st == TSC_TCP_LISTEN || st == TSC_TCP_SYN_RECV || st == TSC_TCP_CLOSE ||
	    !ephemeral(s, sk->lport) || is_listening(s, sk->lport))
		return;
	memset(&k, 0, sizeof(k));
	k.family = sk->family;
	k.rport = sk->pport;
	memcpy(k.laddr, sk->local, addr_len(sk));
	memcpy(k.raddr, sk->peer, addr_len(sk));
	bump(s, s->dests, &k, st == TSC_TCP_TIME_WAIT);
}

static void add_closewait(struct tsc_check_snap *s, const struct tsc_sock *sk,
			  const struct tsc_proc_owner *owner)
{
	struct tsc__proc_port_key k;

	memset(&k, 0, sizeof(k));
	k.port = sk->lport;
	if (owner) {
		k.pid = owner->pid;
		memcpy(k.comm, owner->comm, sizeof(k.comm));
		k.comm[sizeof(k.comm) - 1] = '\0';
	} else {
		s->closewait_noowner++;
	}
	bump(s, s->closewait, &k, 0);
}

/* Keeps the longest-idle examples, longest first. */
static void add_idle_example(struct tsc_check_snap *s, const struct tsc_sock *sk, uint32_t idle)
{
	unsigned i = s->nidle_ex;

	if (i == TSC__IDLE_EXAMPLES) {
		if (s->idle_ex[i - 1].idle_ms >= idle)
			return;
		i--;
	} else {
		s->nidle_ex++;
	}
	while (i > 0 && s->idle_ex[i - 1].idle_ms < idle) {
		s->idle_ex[i] = s->idle_ex[i - 1];
		i--;
	}
	s->idle_ex[i].sk = *sk;
	s->idle_ex[i].idle_ms = idle;
}

static void add_established(struct tsc_check_snap *s, const struct tsc_sock *sk)
{
	uint32_t idle;

	bump(s, s->est_ports, &sk->lport, 0);
	if (sk->timer == TSC_TIMER_KEEPALIVE) {
		s->keepalive++;
		return;
	}
	/* Half-open suspects: nothing received (data or ACK) for idle_ms and
	 * no timer at all, so nothing will ever be sent either. */
	if (!s->o.idle_ms || !sk->has_info || sk->timer != TSC_TIMER_NONE || sk->info.unacked)
		return;
	idle = sk->info.last_data_recv_ms;
	if (sk->info.last_ack_recv_ms < idle)
		idle = sk->info.last_ack_recv_ms;
	if (idle < s->o.idle_ms)
		return;
	s->idle++;
	add_idle_example(s, sk, idle);
}

void tsc_check_snap_add(struct tsc_check_snap *s, const struct tsc_sock *sk,
			const struct tsc_proc_owner *owner)
{
	unsigned st = sk->state == TSC_TCP_NEW_SYN_RECV ? TSC_TCP_SYN_RECV : sk->state;

	s->nsockets++;
	/* kernel data: check the enum before using it as an index */
	if (st == 0 || st >= TSC_TCP_MAX_STATES ||
	    (sk->family != AF_INET && sk->family != AF_INET6))
		return;
	s->counts[st]++;
	if (sk->inode == 0)
		s->noowner[st]++;
	switch (st) {
	case TSC_TCP_LISTEN:
		add_listener(s, sk, owner);
		return;
	case TSC_TCP_SYN_RECV:
		bump(s, s->synrecv, &sk->lport, 0);
		break;
	case TSC_TCP_ESTABLISHED:
		add_established(s, sk);
		break;
	case TSC_TCP_CLOSE_WAIT:
		add_closewait(s, sk, owner);
		break;
	case TSC_TCP_TIME_WAIT:
		if (is_listening(s, sk->lport))
			s->tw_incoming++;
		else if (ephemeral(s, sk->lport))
			s->tw_outgoing++;
		break;
	case TSC_TCP_FIN_WAIT1:
		if (sk->retrans || sk->timer == TSC_TIMER_RETRANS || sk->timer == TSC_TIMER_PROBE0)
			s->fw1_retrans++;
		break;
	default:
		break;
	}
	/* orphans: closed by the application, still finished by the kernel; a
	 * timewait socket in its FIN_WAIT2 substate is not one */
	if ((st == TSC_TCP_FIN_WAIT1 || st == TSC_TCP_FIN_WAIT2 || st == TSC_TCP_CLOSING ||
	     st == TSC_TCP_LAST_ACK) &&
	    sk->inode == 0 && sk->timer != TSC_TIMER_TIMEWAIT)
		s->orphans++;
	if (st != TSC_TCP_CLOSE)
		add_remote(s, sk, st);
	add_dest(s, sk, st);
}

size_t tsc__top(const struct tsc_hash *h, uint64_t (*score)(const void *val, const void *arg),
		const void *arg, struct tsc__top *out, size_t n)
{
	size_t pos = 0, have = 0;
	const void *key;
	void *val;

	if (!n)
		return 0;
	while (tsc_hash_next(h, &pos, &key, &val)) {
		uint64_t sc = score(val, arg);
		size_t i;

		if (!sc || (have == n && out[n - 1].score >= sc))
			continue;
		i = have < n ? have++ : n - 1;
		while (i > 0 && out[i - 1].score < sc) {
			out[i] = out[i - 1];
			i--;
		}
		out[i].key = key;
		out[i].val = val;
		out[i].score = sc;
	}
	return have;
}
