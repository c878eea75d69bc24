/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one socket snapshot of `check` and `tune` (see check.h): two dumps of
 * the calling thread's network namespace, the listeners first (their ports
 * tell incoming from outgoing connections, and --process needs the ports its
 * process listens on), then every socket in scope into the snapshot. sock_diag
 * (sock_diag(7)) when a handle is given, else /proc/net/tcp{,6}.
 */
#include <string.h>

#include "diag/check-internal.h"

#define SCOPE_MAX_PORTS 64

struct collect {
	struct tsc_check_snap *snap;
	const struct tsc_check_scope *sc;
	uint16_t proc_ports[SCOPE_MAX_PORTS]; /* listening ports of --process */
	unsigned nproc_ports;
};

static const struct tsc_proc_owner *owner_of(const struct collect *c, const struct tsc_sock *s)
{
	const struct tsc_proc_owner *o = NULL;

	if (!c->sc->pm || !s->inode || tsc_procmap_lookup(c->sc->pm, s->inode, &o) == 0)
		return NULL;
	return o;
}

static bool process_match(const struct tsc_check_scope *sc, const struct tsc_proc_owner *o)
{
	if (!o)
		return false;
	if (sc->process_pid > 0)
		return o->pid == sc->process_pid;
	return !strcmp(o->comm, sc->process);
}

static bool in_scope(const struct collect *c, const struct tsc_sock *s,
		     const struct tsc_proc_owner *o)
{
	const struct tsc_check_scope *sc = c->sc;

	if (sc->has_port && s->lport != sc->port && s->pport != sc->port)
		return false;
	if (!sc->process)
		return true;
	if (o)
		return process_match(sc, o);
	/* ownerless (half-open, TIME_WAIT, orphans): of the process's listeners */
	for (unsigned i = 0; i < c->nproc_ports; i++)
		if (s->lport == c->proc_ports[i])
			return true;
	return false;
}

static int on_listener(const struct tsc_sock *s, void *arg)
{
	struct collect *c = arg;

	tsc_check_snap_listening(c->snap, s->lport);
	if (c->sc->process && process_match(c->sc, owner_of(c, s)) &&
	    c->nproc_ports < SCOPE_MAX_PORTS)
		c->proc_ports[c->nproc_ports++] = s->lport;
	return 0;
}

static int on_sock(const struct tsc_sock *s, void *arg)
{
	struct collect *c = arg;
	const struct tsc_proc_owner *o = owner_of(c, s);

	if (in_scope(c, s, o))
		tsc_check_snap_add(c->snap, s, o);
	return 0;
}

static long dump(struct tsc_sockdiag *h, const struct tsc_sockdiag_query *q, tsc_sock_cb cb,
		 struct collect *c)
{
	if (h)
		return tsc_sockdiag_dump(h, q, cb, c);
	return tsc_procnet_dump(NULL, q, cb, c);
}

long tsc_check_snap_collect(struct tsc_check_snap *s, struct tsc_sockdiag *h,
			    const struct tsc_check_scope *scope)
{
	static const struct tsc_check_scope everything = { 0 };
	struct tsc_sockdiag_query q = { .states = TSC_TCPF(TSC_TCP_LISTEN),
					.ipv4 = true,
					.ipv6 = true };
	struct collect c = { .snap = s, .sc = scope ? scope : &everything };
	long n;

	n = dump(h, &q, on_listener, &c);
	if (n < 0)
		return n;
	q.states = TSC_TCPF_ALL;
	/* tcp_info for the idle rule (last data/ACK received) */
	q.ext = s->o.idle_ms ? TSC_SD_EXT_INFO : 0;
	return dump(h, &q, on_sock, &c);
}
