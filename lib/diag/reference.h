/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The built-in TCP reference behind `tcpscope explain`: the 11 states, the
 * state diagram, the handshake and close exchanges, the header flags, the
 * errnos a socket call returns, and (in sysctl-facts.h) the TCP sysctls.
 * Pure data and lookup: nothing here prints or reads files. Main sources:
 * RFC 9293 sections 3.3.2, 3.5, 3.6; Linux net/ipv4/tcp*.c; measurements on
 * a 6.18 kernel (doc/cmd/explain.md).
 */
#ifndef TSC_DIAG_REFERENCE_H
#define TSC_DIAG_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "diag/sysctl-facts.h"

enum tsc_ref_kind {
	TSC_REF_NONE = 0,
	TSC_REF_TOPIC, /* diagram, handshake, close */
	TSC_REF_STATE,
	TSC_REF_FLAG,
	TSC_REF_SYSCTL,
	TSC_REF_ERRNO,
};

/* A long-form topic: a title and preformatted text (lines end in '\n'). */
struct tsc_ref_topic {
	const char *name;  /* "diagram" */
	const char *title; /* one line */
	const char *text;
};

struct tsc_ref_state {
	unsigned state;		/* enum tsc_tcp_state, 1..11 */
	const char *summary;	/* one line */
	const char *side;	/* who is in it: client, server, active/passive closer */
	const char *entered;	/* which call or packet moves a socket into it */
	const char *left;	/* which packet, call or timer moves it out */
	const char *lasts;	/* how long it normally lasts, which timer bounds it */
	const char *pileup;	/* what many sockets in it mean */
	const char *action;	/* what to do about a pile-up */
	const char *see;	/* commands that show it (tcpscope, ss, netstat) */
	const char *sysctls;	/* related sysctls, comma-separated short names, or NULL */
	const char *linux_note; /* Linux specifics, or NULL */
};

struct tsc_ref_flag {
	const char *name;    /* "SYN" */
	const char *alias;   /* another accepted name ("PUSH"), or NULL */
	char letter;	     /* tcpdump's letter ('S', '.'), 0 if tcpdump prints none */
	uint16_t bit;	     /* value in the 12-bit flags field (byte 12 low nibble + 13) */
	const char *rfc;     /* defining RFC */
	const char *meaning; /* what it says */
	const char *when;    /* when a sender sets it, and what the receiver does */
	const char *notes;   /* how it looks in captures, what is suspicious */
};

struct tsc_ref_errno {
	const char *name;    /* "ECONNREFUSED" */
	int num;	     /* Linux value, from <errno.h> */
	const char *message; /* glibc's strerror text, English */
	const char *calls;   /* which socket calls return it */
	const char *wire;    /* what happened on the wire (or that nothing was sent) */
	const char *state;   /* the TCP state involved */
	const char *action;  /* what to check or do */
};

/* The tables, in display order. */
const struct tsc_ref_topic *tsc_ref_topics(size_t *ret_n);
const struct tsc_ref_state *tsc_ref_states(size_t *ret_n); /* diagram order */
const struct tsc_ref_flag *tsc_ref_flags(size_t *ret_n);
const struct tsc_ref_errno *tsc_ref_errnos(size_t *ret_n);

/* Direct lookups; NULL when unknown. */
const struct tsc_ref_state *tsc_ref_state_get(unsigned state);
/* Names case-insensitively, aliases ("PUSH", "RESET", "NS"), or tcpdump's
 * letter as printed (case-sensitive: "S", ".", "F", "R", "P", "U", "E", "W"). */
const struct tsc_ref_flag *tsc_ref_flag_find(const char *name);
/* "ECONNREFUSED" (case-insensitive), "111", or "EWOULDBLOCK" (= EAGAIN). */
const struct tsc_ref_errno *tsc_ref_errno_find(const char *name);
const struct tsc_ref_topic *tsc_ref_topic_find(const char *name);

struct tsc_ref_hit {
	enum tsc_ref_kind kind;
	union {
		const struct tsc_ref_topic *topic;
		const struct tsc_ref_state *state;
		const struct tsc_ref_flag *flag;
		const struct tsc_sysctl_fact *sysctl;
		const struct tsc_ref_errno *err;
	};
	/* Set when the query was a bare number that names both a state (1..11)
	 * and an errno: the state wins, this points at the errno. */
	const struct tsc_ref_errno *also_errno;
};

/* Resolves a topic. With kind == TSC_REF_NONE, tries in order: topic names
 * (except that upper-case "CLOSE" is netstat's spelling of the CLOSED state),
 * states in every spelling and by kernel number 1..11 (tcpstate.h), flags,
 * sysctls, errnos by name or number. With a kind, only that table. Returns 0
 * and fills ret, or -ENOENT. */
TSC_MUST_CHECK int tsc_ref_lookup(const char *query, enum tsc_ref_kind kind,
				  struct tsc_ref_hit *ret);

/* "state" / "states" -> TSC_REF_STATE, also "topic", "flag", "sysctl",
 * "errno" (and plurals). Returns the kind or -EINVAL. */
TSC_MUST_CHECK int tsc_ref_kind_parse(const char *s);
/* "state", "flag", ... (singular); "" for TSC_REF_NONE. */
const char *tsc_ref_kind_name(enum tsc_ref_kind kind);

/* The known name closest to query (case-insensitive edit distance over
 * topics, state spellings, flags, sysctls, errnos; only one table when kind
 * is not TSC_REF_NONE), or NULL when nothing is within a few edits. The
 * result is static data. */
const char *tsc_ref_nearest(const char *query, enum tsc_ref_kind kind);

#endif
