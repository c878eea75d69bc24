/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab's network: two named namespaces joined by a veth pair created
 * directly inside them (no host interface), IPv4 and IPv6 addresses (nodad,
 * usable at once), per-namespace sysctls that make held states last, and the
 * nftables table "inet tsclab" whose static rules drop the segments that
 * freeze SYN-SENT, SYN-RECEIVED, FIN-WAIT-1 and LAST-ACK. Its "gate" chain is
 * rewritten by the holder while it builds CLOSING. Nothing here touches the
 * host namespace's interfaces, sysctls or rulesets.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/internal.h"
#include "sys/netns.h"

/* Each side's rules; the port numbers are TSC_LAB_PORT_BASE + state. */
static const char client_rules[] =
	"table inet tsclab {\n"
	"\tchain input {\n"
	"\t\ttype filter hook input priority 0; policy accept;\n"
	/* LAST-ACK (9509): the server's FIN never arrives, so it is never acked */
	"\t\ttcp sport 9509 tcp flags & fin == fin drop\n"
	"\t\tjump gate\n"
	"\t}\n"
	"\tchain gate {\n"
	"\t}\n"
	"}\n";

static const char server_rules[] =
	"table inet tsclab {\n"
	"\tchain input {\n"
	"\t\ttype filter hook input priority 0; policy accept;\n"
	/* SYN-SENT (9502): the client's SYNs vanish */
	"\t\ttcp dport 9502 tcp flags & (syn | ack) == syn drop\n"
	/* SYN-RECEIVED (9503): the client's final (pure) ACK of the handshake vanishes */
	"\t\ttcp dport 9503 tcp flags & (fin | syn | rst | psh | ack) == ack drop\n"
	/* FIN-WAIT-1 (9504): the client's FIN never arrives, so it is never acked */
	"\t\ttcp dport 9504 tcp flags & fin == fin drop\n"
	"\t\tjump gate\n"
	"\t}\n"
	"\tchain gate {\n"
	"\t}\n"
	"}\n";

/* Retries raised so that held states last well over an hour: with 50
 * retransmissions and the RTO capped at 120 s (TCP_RTO_MAX), FIN-WAIT-1 and
 * LAST-ACK last ~85 min, a SYN-RECEIVED request socket as long. */
static const char *const sysctls[][2] = {
	{ "net/ipv4/tcp_retries2", "50" },
	{ "net/ipv4/tcp_synack_retries", "50" },
	{ "net/ipv4/tcp_syn_retries", "50" },
	{ "net/ipv4/tcp_orphan_retries", "50" },
};

int tsc_lab_check_name(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n > TSC_LAB_NAME_MAX || name[0] == '-' || name[0] == '.')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return -EINVAL;
	}
	return 0;
}

int tsc_lab_ns_name(const char *name, enum tsc_lab_side side, char *buf, size_t len)
{
	int n;

	if (tsc_lab_check_name(name) < 0)
		return -EINVAL;
	n = snprintf(buf, len, "tsclab-%s-%c", name, side == TSC_LAB_CLIENT ? 'c' : 's');
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static bool ns_exists(const char *ns)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", TSC_NETNS_RUN_DIR, ns);
	return access(path, F_OK) == 0;
}

static int setup_side(const char *ns, enum tsc_lab_side side, struct tsc_lab_err *err)
{
	char batch[512];
	const char *const ip_argv[] = { "ip", "-n", ns, "-batch", "-", NULL };
	const char *const nft_argv[] = { "nft", "-f", "-", NULL };
	bool client = side == TSC_LAB_CLIENT;
	int nsfd, r;

	snprintf(batch, sizeof(batch),
		 "link set lo up\n"
		 "addr add %s/24 dev eth0\n"
		 "addr add %s/64 dev eth0 nodad\n"
		 "link set eth0 up\n",
		 client ? TSC_LAB_CLIENT_IP4 : TSC_LAB_SERVER_IP4,
		 client ? TSC_LAB_CLIENT_IP6 : TSC_LAB_SERVER_IP6);
	r = tsc__lab_run(-1, batch, ip_argv, err);
	if (r < 0)
		return r;
	nsfd = tsc__lab_ns_open(ns);
	if (nsfd < 0)
		return tsc__lab_seterr(err, nsfd, "cannot open namespace '%s'", ns);
	for (size_t i = 0; i < TSC_ARRAY_SIZE(sysctls); i++) {
		r = tsc__lab_sysctl(nsfd, sysctls[i][0], sysctls[i][1]);
		if (r < 0) {
			tsc__lab_seterr(err, r, "cannot set '%s' in namespace '%s'", sysctls[i][0],
					ns);
			goto out;
		}
	}
	r = tsc__lab_run(nsfd, client ? client_rules : server_rules, nft_argv, err);
out:
	close(nsfd);
	return r;
}

int tsc__lab_net_create(const char *name, struct tsc_lab_err *err)
{
	char c[TSC_LAB_NS_MAX], s[TSC_LAB_NS_MAX];
	int r;

	if (tsc_lab_ns_name(name, TSC_LAB_CLIENT, c, sizeof(c)) < 0 ||
	    tsc_lab_ns_name(name, TSC_LAB_SERVER, s, sizeof(s)) < 0)
		return tsc__lab_seterr(err, -EINVAL, "bad lab name '%s'", name);
	{
		const char *const add_c[] = { "ip", "netns", "add", c, NULL };
		const char *const add_s[] = { "ip", "netns", "add", s, NULL };
		/* the veth is born inside the client namespace, its peer in the server's */
		const char *const veth[] = { "ip",   "-n",    c,      "link", "add",
					     "eth0", "type",  "veth", "peer", "name",
					     "eth0", "netns", s,      NULL };

		r = tsc__lab_run(-1, NULL, add_c, err);
		if (r == 0)
			r = tsc__lab_run(-1, NULL, add_s, err);
		if (r == 0)
			r = tsc__lab_run(-1, NULL, veth, err);
	}
	if (r == 0)
		r = setup_side(c, TSC_LAB_CLIENT, err);
	if (r == 0)
		r = setup_side(s, TSC_LAB_SERVER, err);
	if (r < 0)
		(void)tsc__lab_net_delete(name, NULL);
	return r;
}

int tsc__lab_net_delete(const char *name, struct tsc_lab_err *err)
{
	char ns[TSC_LAB_NS_MAX];
	int removed = 0, r = 0;

	for (int side = TSC_LAB_CLIENT; side <= TSC_LAB_SERVER; side++) {
		if (tsc_lab_ns_name(name, (enum tsc_lab_side)side, ns, sizeof(ns)) < 0)
			return -EINVAL;
		if (!ns_exists(ns))
			continue;
		const char *const del[] = { "ip", "netns", "del", ns, NULL };
		int q = tsc__lab_run(-1, NULL, del, err);

		if (q < 0)
			r = q;
		else
			removed = 1;
	}
	return r < 0 ? r : removed;
}

int tsc__lab_gate(int nsfd, const char *rules, struct tsc_lab_err *err)
{
	char script[1024];
	const char *const nft_argv[] = { "nft", "-f", "-", NULL };
	size_t used;
	int n;

	n = snprintf(script, sizeof(script), "flush chain inet tsclab gate\n");
	used = (size_t)n;
	for (const char *p = rules; *p;) {
		size_t l = strcspn(p, "\n");

		n = snprintf(script + used, sizeof(script) - used,
			     "add rule inet tsclab gate %.*s\n", (int)l, p);
		if (n < 0 || (size_t)n >= sizeof(script) - used)
			return -E2BIG;
		used += (size_t)n;
		p += l;
		if (*p == '\n')
			p++;
	}
	return tsc__lab_run(nsfd, script, nft_argv, err);
}
