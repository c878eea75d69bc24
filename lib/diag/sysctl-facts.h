/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts about the TCP sysctls that matter for diagnosis: path, kernel
 * default, the values the kernel accepts, what the knob really does on a
 * current kernel, the folklore that is wrong about it, and which states it
 * touches. Pure data plus a strict value parser, and one reader of a fact's
 * current value through sys/sysctl.h (the only /proc/sys reader). Sources:
 * Documentation/networking/ip-sysctl.rst, net/ipv4/sysctl_net_ipv4.c,
 * tcp_timer.c, tcp_input.c, tcp_minisocks.c, and the ranges measured by
 * writing each value in a private namespace (6.18).
 */
#ifndef TSC_DIAG_SYSCTL_FACTS_H
#define TSC_DIAG_SYSCTL_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"

/* How a value is written in /proc: one integer, or a vector of integers
 * separated by whitespace (the kernel prints tabs, accepts spaces). */
enum tsc_sysctl_format {
	TSC_SYSCTL_INT = 1,    /* "60" */
	TSC_SYSCTL_PAIR = 2,   /* "32768 60999" */
	TSC_SYSCTL_TRIPLE = 3, /* "4096 131072 6291456" */
};

#define TSC_SYSCTL_MAX_MYTHS 3

struct tsc_sysctl_fact {
	const char *name;    /* "tcp_fin_timeout" */
	const char *key;     /* "net.ipv4.tcp_fin_timeout" */
	const char *path;    /* "/proc/sys/net/ipv4/tcp_fin_timeout" */
	const char *summary; /* one line */
	enum tsc_sysctl_format format;
	const char *unit; /* "seconds", "sockets", "bytes", ... */
	/* Range every integer of the value must be in to be written by
	 * `tune`: the kernel's own limits where it has them, else the range
	 * where the value means something (documented per entry in values). */
	int64_t min, max;
	const char *kernel_default; /* "60"; for computed defaults, this machine class's
				     * typical value; see default_note */
	const char *default_note;   /* how the default is computed, or NULL if fixed */
	const char *values;	    /* meaning of special values ("0 = off, 1 = ...") */
	const char *truth;	    /* what it really does on a current kernel */
	const char *myths[TSC_SYSCTL_MAX_MYTHS]; /* "Myth: ... Truth: ...", NULL-padded */
	const char *states;			 /* related states, RFC spelling, comma-separated */
	const char *removed_in;			 /* kernel version that removed it, or NULL */
	const char *since;			 /* kernel version that added it, or NULL (old) */
	bool per_netns;				 /* each network namespace has its own value */
};

/* All facts, in a stable order (the order `explain --list` and `tune` show). */
const struct tsc_sysctl_fact *tsc_sysctl_facts(size_t *ret_n);

/* Finds a sysctl by any spelling: "tcp_fin_timeout", "net.ipv4.tcp_fin_timeout",
 * "net/ipv4/tcp_fin_timeout", "/proc/sys/net/ipv4/tcp_fin_timeout",
 * "somaxconn", "net.core.somaxconn". Case-insensitive. Returns NULL when the
 * name is not in the table. */
const struct tsc_sysctl_fact *tsc_sysctl_fact_find(const char *name);

/* A parsed value: n integers (1..3). */
struct tsc_sysctl_value {
	unsigned n;
	int64_t v[3];
};

/* Parses text as written in /proc or by a user ("60\n", "32768\t60999",
 * "4096 131072 6291456") strictly for fact f's format: exactly that many
 * decimal integers (optional leading '-'), separated by spaces or tabs, at
 * most one trailing newline, nothing else. Does not check ranges, so a value
 * someone set out of range can still be shown. The scanner is lib/sys's
 * tsc_sysctl_parse_ints_exact(). Returns 0, -EINVAL (format, or not exactly
 * that many integers) or -ERANGE (an integer that does not fit in 63 bits). */
TSC_MUST_CHECK int tsc_sysctl_value_parse(const struct tsc_sysctl_fact *f, const char *text,
					  struct tsc_sysctl_value *ret);

/* Whether v may be written (what `tune` validates before writing): every
 * integer in [f->min, f->max] and vectors in ascending order. Returns 0,
 * -ERANGE, -EINVAL (wrong count), or -EOPNOTSUPP for a removed sysctl. */
TSC_MUST_CHECK int tsc_sysctl_value_check(const struct tsc_sysctl_fact *f,
					  const struct tsc_sysctl_value *v);

/* Formats v as the kernel accepts it, integers separated by one space, into
 * buf (NUL-terminated, truncated to len). Returns the length it needed. */
size_t tsc_sysctl_value_format(const struct tsc_sysctl_value *v, char *buf, size_t len);

/* A fact's current value as read from /proc/sys. */
struct tsc_sysctl_current {
	int err; /* 0: v holds the value; -ENOENT: no such file (not in this kernel, or a
		  * host-wide sysctl seen from another network namespace); -EINVAL: not
		  * in the fact's format; else the read's -errno */
	struct tsc_sysctl_value v;
};

/* Reads f's current value below root (NULL: /proc/sys) in the calling
 * thread's network namespace, parsed strictly for f's format. The outcome is
 * in ret->err. */
void tsc_sysctl_fact_read(const char *root, const struct tsc_sysctl_fact *f,
			  struct tsc_sysctl_current *ret);

/* True when v equals the fact's fixed kernel default (false when the default
 * is computed from memory, or when the default does not parse). */
bool tsc_sysctl_value_is_default(const struct tsc_sysctl_fact *f, const struct tsc_sysctl_value *v);

#endif
