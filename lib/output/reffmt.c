/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderings of the TCP reference (see reffmt.h). Moved here from
 * cli/cmd-explain.c so the command is glue only and the layouts are
 * unit-tested.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/tcpstate.h"
#include "output/json.h"
#include "output/reffmt.h"
#include "output/wrap.h"

#define WRAP_COLS  78
#define LABEL_COLS 15

/* ------------------------------------------------------------------------ */
/* Text helpers */

/* Wrapped at WRAP_COLS, continuation lines indented by indent spaces. */
static void put_wrapped(struct tsc_buf *b, const char *text, size_t col, size_t indent)
{
	static const char spaces[] = "                                ";

	if (indent > sizeof(spaces) - 1)
		indent = sizeof(spaces) - 1;
	tsc_fmt_wrap(b, text, col, spaces + (sizeof(spaces) - 1 - indent), WRAP_COLS);
}

/* "  Label:      text..." with a hanging indent. Skipped when text is NULL. */
static void field(struct tsc_buf *b, const char *label, const char *text)
{
	char lab[32];

	if (!text || !*text)
		return;
	snprintf(lab, sizeof(lab), label[0] ? "  %s:" : "  %s", label);
	tsc_buf_pad(b, lab, -(LABEL_COLS));
	put_wrapped(b, text, LABEL_COLS, LABEL_COLS);
}

/* A "; "-separated list (commands) as one line per item under a label. */
static void field_lines(struct tsc_buf *b, const char *label, const char *list)
{
	const char *p = list;
	bool first = true;

	if (!list)
		return;
	while (*p) {
		size_t len = strcspn(p, ";");
		char item[256];

		while (len && *p == ' ') {
			p++;
			len--;
		}
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (first)
			field(b, label, item);
		else
			field(b, "", item);
		first = false;
		p += len;
		if (*p == ';')
			p++;
	}
}

/* ------------------------------------------------------------------------ */
/* A sysctl's current value */

/* Why there is no current value, or NULL when there is one. */
static const char *current_error(const struct tsc_sysctl_fact *f,
				 const struct tsc_sysctl_current *c)
{
	if (c->err == 0)
		return NULL;
	if (c->err == -ENOENT)
		/* host-wide sysctls are only registered in the initial namespace */
		return f->per_netns ? "not present on this kernel"
				    : "not visible in this network namespace (host-wide "
				      "setting, see the initial namespace)";
	if (c->err == -EINVAL)
		return "unexpected format";
	return strerror(-c->err);
}

/* ------------------------------------------------------------------------ */
/* Text output per kind */

static void text_state(struct tsc_buf *b, const struct tsc_ref_hit *h)
{
	const struct tsc_ref_state *s = h->state;
	char line[160];

	snprintf(line, sizeof(line), "%s  (netstat %s, ss %s, kernel state %u)\n",
		 tsc_tcp_state_rfc(s->state), tsc_tcp_state_netstat(s->state),
		 tsc_tcp_state_ssname(s->state), s->state);
	tsc_buf_puts(b, line);
	tsc_buf_puts(b, "  ");
	put_wrapped(b, s->summary, 2, 2);
	tsc_buf_putc(b, '\n');
	field(b, "Who", s->side);
	field(b, "Entered", s->entered);
	field(b, "Left", s->left);
	field(b, "Lasts", s->lasts);
	field(b, "Pile-up", s->pileup);
	field(b, "What to do", s->action);
	field(b, "Linux", s->linux_note);
	field_lines(b, "See it", s->see);
	if (s->sysctls) {
		snprintf(line, sizeof(line), "%s (tcpscope explain SYSCTL)", s->sysctls);
		field(b, "Sysctls", line);
	}
	if (h->also_errno) {
		snprintf(line, sizeof(line),
			 "this number is also errno %s: tcpscope explain errno %d",
			 h->also_errno->name, h->also_errno->num);
		field(b, "Note", line);
	}
}

static void text_flag(struct tsc_buf *b, const struct tsc_ref_flag *f)
{
	char line[160], letter[40];

	if (f->letter)
		snprintf(letter, sizeof(letter), "tcpdump letter '%c'", f->letter);
	else
		snprintf(letter, sizeof(letter), "no tcpdump letter");
	snprintf(line, sizeof(line), "%s  (%s, bit 0x%03x, %s)\n", f->name, letter, f->bit, f->rfc);
	tsc_buf_puts(b, line);
	tsc_buf_puts(b, "  ");
	put_wrapped(b, f->meaning, 2, 2);
	tsc_buf_putc(b, '\n');
	field(b, "When", f->when);
	field(b, "In captures", f->notes);
}

static void sysctl_range(const struct tsc_sysctl_fact *f, char *buf, size_t len)
{
	bool unitless = !strcmp(f->unit, "mode") || !strcmp(f->unit, "boolean");

	snprintf(buf, len, "%lld..%lld%s%s%s", (long long)f->min, (long long)f->max,
		 unitless ? "" : " ", unitless ? "" : f->unit,
		 f->format == TSC_SYSCTL_PAIR	  ? " (two values, low <= high)"
		 : f->format == TSC_SYSCTL_TRIPLE ? " (three values, ascending)"
						  : "");
}

static void text_current(struct tsc_buf *b, const struct tsc_sysctl_fact *f,
			 const struct tsc_sysctl_current *c)
{
	const char *error = current_error(f, c);
	char line[256], text[128];

	(void)tsc_sysctl_value_format(&c->v, text, sizeof(text));
	if (c->err == -ENOENT && f->removed_in)
		snprintf(line, sizeof(line), "not present on this kernel (removed in Linux %s)",
			 f->removed_in);
	else if (c->err == -ENOENT)
		snprintf(line, sizeof(line), "%s", error);
	else if (error)
		snprintf(line, sizeof(line), "unknown: %s (%s)", error, f->path);
	else
		snprintf(line, sizeof(line), "%s%s%s", text,
			 tsc_sysctl_value_is_default(f, &c->v) ? " (the kernel default)" : "",
			 tsc_sysctl_value_check(f, &c->v) < 0 ? " (outside the valid range below)"
							      : "");
	field(b, "Current", line);
}

static void text_sysctl(struct tsc_buf *b, const struct tsc_sysctl_fact *f,
			const struct tsc_sysctl_current *c)
{
	char line[256];

	snprintf(line, sizeof(line), "%s  (%s, %s)\n", f->name, f->key, f->path);
	tsc_buf_puts(b, line);
	if (f->removed_in) {
		snprintf(line, sizeof(line), "  REMOVED in Linux %s\n", f->removed_in);
		tsc_buf_puts(b, line);
	}
	tsc_buf_putc(b, '\n');
	text_current(b, f, c);
	if (f->default_note) {
		snprintf(line, sizeof(line), "%s; %s", f->kernel_default, f->default_note);
		field(b, "Default", line);
	} else {
		field(b, "Default", f->kernel_default);
	}
	if (!f->removed_in) {
		sysctl_range(f, line, sizeof(line));
		field(b, "Valid", line);
	}
	field(b, "Values", f->values);
	field(b, "Truth", f->truth);
	for (size_t i = 0; i < TSC_SYSCTL_MAX_MYTHS && f->myths[i]; i++)
		field(b, i ? "" : "Myths", f->myths[i]);
	field(b, "States", f->states);
	if (!f->removed_in)
		field(b, "Scope",
		      f->per_netns ? "per network namespace"
				   : "whole host (all namespaces; set in the initial namespace)");
	if (f->since) {
		snprintf(line, sizeof(line), "Linux %s", f->since);
		field(b, "Since", line);
	}
}

static void text_errno(struct tsc_buf *b, const struct tsc_ref_errno *e)
{
	char line[160];

	snprintf(line, sizeof(line), "%s  (%d, \"%s\")\n\n", e->name, e->num, e->message);
	tsc_buf_puts(b, line);
	field(b, "Returned by", e->calls);
	field(b, "On the wire", e->wire);
	field(b, "TCP state", e->state);
	field(b, "What to do", e->action);
}

static void text_topic(struct tsc_buf *b, const struct tsc_ref_topic *t)
{
	tsc_buf_printf(b, "%s: %s\n\n", t->name, t->title);
	tsc_buf_puts(b, t->text);
}

void tsc_reffmt_text(struct tsc_buf *b, const struct tsc_ref_hit *h,
		     const struct tsc_sysctl_current *cur)
{
	switch (h->kind) {
	case TSC_REF_TOPIC:
		text_topic(b, h->topic);
		break;
	case TSC_REF_STATE:
		text_state(b, h);
		break;
	case TSC_REF_FLAG:
		text_flag(b, h->flag);
		break;
	case TSC_REF_SYSCTL:
		text_sysctl(b, h->sysctl, cur);
		break;
	case TSC_REF_ERRNO:
		text_errno(b, h->err);
		break;
	case TSC_REF_NONE:
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* JSON output per kind */

/* A "; " or ", " separated list as a JSON array of trimmed items. */
static void json_list(struct tsc_json *j, const char *key, const char *list, char sep)
{
	const char *p = list;

	tsc_json_arr_begin(j, key);
	while (p && *p) {
		size_t len = strcspn(p, (char[]){ sep, '\0' });
		char item[256];

		while (len && *p == ' ') {
			p++;
			len--;
		}
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (item[0])
			tsc_json_str(j, NULL, item);
		p += len;
		if (*p == sep)
			p++;
	}
	tsc_json_arr_end(j);
}

static void json_state(struct tsc_json *j, const struct tsc_ref_hit *h)
{
	const struct tsc_ref_state *s = h->state;

	tsc_json_str(j, "name", tsc_tcp_state_rfc(s->state));
	tsc_json_str(j, "netstat", tsc_tcp_state_netstat(s->state));
	tsc_json_str(j, "ss", tsc_tcp_state_ssname(s->state));
	tsc_json_u64(j, "number", s->state);
	tsc_json_str(j, "summary", s->summary);
	tsc_json_str(j, "side", s->side);
	tsc_json_str(j, "entered", s->entered);
	tsc_json_str(j, "left", s->left);
	tsc_json_str(j, "lasts", s->lasts);
	tsc_json_str(j, "pileup", s->pileup);
	tsc_json_str(j, "action", s->action);
	tsc_json_str(j, "linux_note", s->linux_note);
	json_list(j, "see", s->see, ';');
	json_list(j, "sysctls", s->sysctls, ',');
	if (h->also_errno)
		tsc_json_str(j, "also_errno", h->also_errno->name);
	else
		tsc_json_null(j, "also_errno");
}

static void json_flag(struct tsc_json *j, const struct tsc_ref_flag *f)
{
	char letter[2] = { f->letter, '\0' };

	tsc_json_str(j, "name", f->name);
	tsc_json_str(j, "alias", f->alias);
	tsc_json_str(j, "letter", f->letter ? letter : NULL);
	tsc_json_u64(j, "bit", f->bit);
	tsc_json_str(j, "rfc", f->rfc);
	tsc_json_str(j, "meaning", f->meaning);
	tsc_json_str(j, "when", f->when);
	tsc_json_str(j, "notes", f->notes);
}

static void json_sysctl(struct tsc_json *j, const struct tsc_sysctl_fact *f,
			const struct tsc_sysctl_current *c)
{
	static const char *const formats[] = { "", "int", "pair", "triple" };
	const char *error = current_error(f, c);
	char text[128];

	(void)tsc_sysctl_value_format(&c->v, text, sizeof(text));
	tsc_json_str(j, "name", f->name);
	tsc_json_str(j, "key", f->key);
	tsc_json_str(j, "path", f->path);
	tsc_json_str(j, "current", error ? NULL : text);
	tsc_json_str(j, "current_error", error);
	if (error)
		tsc_json_null(j, "current_is_default");
	else
		tsc_json_bool(j, "current_is_default", tsc_sysctl_value_is_default(f, &c->v));
	tsc_json_str(j, "default", f->kernel_default);
	tsc_json_str(j, "default_note", f->default_note);
	tsc_json_str(j, "format", formats[f->format]);
	tsc_json_str(j, "unit", f->unit);
	tsc_json_i64(j, "min", f->min);
	tsc_json_i64(j, "max", f->max);
	tsc_json_str(j, "values", f->values);
	tsc_json_str(j, "truth", f->truth);
	tsc_json_arr_begin(j, "myths");
	for (size_t i = 0; i < TSC_SYSCTL_MAX_MYTHS && f->myths[i]; i++)
		tsc_json_str(j, NULL, f->myths[i]);
	tsc_json_arr_end(j);
	json_list(j, "states", f->states, ',');
	tsc_json_bool(j, "per_netns", f->per_netns);
	tsc_json_str(j, "since", f->since);
	tsc_json_str(j, "removed_in", f->removed_in);
}

static void json_errno(struct tsc_json *j, const struct tsc_ref_errno *e)
{
	tsc_json_str(j, "name", e->name);
	tsc_json_i64(j, "number", e->num);
	tsc_json_str(j, "message", e->message);
	tsc_json_str(j, "calls", e->calls);
	tsc_json_str(j, "wire", e->wire);
	tsc_json_str(j, "state", e->state);
	tsc_json_str(j, "action", e->action);
}

void tsc_reffmt_json(struct tsc_buf *b, const struct tsc_ref_hit *h,
		     const struct tsc_sysctl_current *cur)
{
	struct tsc_json j;

	tsc_json_init(&j, b, false);
	tsc_json_obj_begin(&j, NULL);
	tsc_json_str(&j, "kind", tsc_ref_kind_name(h->kind));
	switch (h->kind) {
	case TSC_REF_TOPIC:
		tsc_json_str(&j, "name", h->topic->name);
		tsc_json_str(&j, "title", h->topic->title);
		tsc_json_str(&j, "text", h->topic->text);
		break;
	case TSC_REF_STATE:
		json_state(&j, h);
		break;
	case TSC_REF_FLAG:
		json_flag(&j, h->flag);
		break;
	case TSC_REF_SYSCTL:
		json_sysctl(&j, h->sysctl, cur);
		break;
	case TSC_REF_ERRNO:
		json_errno(&j, h->err);
		break;
	case TSC_REF_NONE:
		break;
	}
	tsc_json_obj_end(&j);
	tsc_json_newline(&j);
}

/* ------------------------------------------------------------------------ */
/* Lists */

struct list_item {
	const char *name, *summary;
};

static void list_entry(struct tsc_buf *b, struct tsc_json *j, const char *kind, const char *name,
		       const char *summary)
{
	if (j) {
		tsc_json_obj_begin(j, NULL);
		tsc_json_str(j, "kind", kind);
		tsc_json_str(j, "name", name);
		tsc_json_str(j, "summary", summary);
		tsc_json_obj_end(j);
		return;
	}
	tsc_buf_puts(b, "  ");
	tsc_buf_pad(b, name, -24);
	put_wrapped(b, summary, 26, 26);
}

static void list_kind(struct tsc_buf *b, struct tsc_json *j, enum tsc_ref_kind kind)
{
	const char *k = tsc_ref_kind_name(kind);
	char buf[200];
	size_t n;

	if (!j) {
		static const char *const heads[] = {
			[TSC_REF_TOPIC] = "Topics",
			[TSC_REF_STATE] = "States (any spelling or number)",
			[TSC_REF_FLAG] = "Flags (name or tcpdump letter)",
			[TSC_REF_SYSCTL] = "Sysctls (short, dotted or /proc name)",
			[TSC_REF_ERRNO] = "Errnos (name or number)",
		};
		tsc_buf_printf(b, "%s:\n", heads[kind]);
	}
	if (kind == TSC_REF_TOPIC) {
		const struct tsc_ref_topic *t = tsc_ref_topics(&n);
		for (size_t i = 0; i < n; i++)
			list_entry(b, j, k, t[i].name, t[i].title);
	} else if (kind == TSC_REF_STATE) {
		const struct tsc_ref_state *s = tsc_ref_states(&n);
		for (size_t i = 0; i < n; i++) {
			if (!j) {
				snprintf(buf, sizeof(buf), "%s (%u)",
					 tsc_tcp_state_netstat(s[i].state), s[i].state);
				list_entry(b, j, k, buf, s[i].summary);
			} else {
				list_entry(b, j, k, tsc_tcp_state_rfc(s[i].state), s[i].summary);
			}
		}
	} else if (kind == TSC_REF_FLAG) {
		const struct tsc_ref_flag *f = tsc_ref_flags(&n);
		for (size_t i = 0; i < n; i++) {
			if (f[i].letter && !j)
				snprintf(buf, sizeof(buf), "%s (%c)", f[i].name, f[i].letter);
			else
				snprintf(buf, sizeof(buf), "%s", f[i].name);
			list_entry(b, j, k, buf, f[i].meaning);
		}
	} else if (kind == TSC_REF_SYSCTL) {
		const struct tsc_sysctl_fact *f = tsc_sysctl_facts(&n);
		for (size_t i = 0; i < n; i++) {
			list_entry(b, j, k, f[i].name, f[i].summary);
		}
	} else if (kind == TSC_REF_ERRNO) {
		const struct tsc_ref_errno *e = tsc_ref_errnos(&n);
		for (size_t i = 0; i < n; i++) {
			if (!j) {
				snprintf(buf, sizeof(buf), "%s (%d)", e[i].name, e[i].num);
				list_entry(b, j, k, buf, e[i].message);
			} else {
				list_entry(b, j, k, e[i].name, e[i].message);
			}
		}
	}
	if (!j)
		tsc_buf_putc(b, '\n');
}

void tsc_reffmt_list(struct tsc_buf *b, bool json, enum tsc_ref_kind only)
{
	struct tsc_json j;

	if (json) {
		tsc_json_init(&j, b, false);
		tsc_json_obj_begin(&j, NULL);
		tsc_json_arr_begin(&j, "topics");
	}
	for (int k = TSC_REF_TOPIC; k <= TSC_REF_ERRNO; k++)
		if (only == TSC_REF_NONE || only == (enum tsc_ref_kind)k)
			list_kind(b, json ? &j : NULL, (enum tsc_ref_kind)k);
	if (json) {
		tsc_json_arr_end(&j);
		tsc_json_obj_end(&j);
		tsc_json_newline(&j);
	} else if (only == TSC_REF_NONE) {
		tsc_buf_puts(b,
			     "Try: tcpscope explain TIME_WAIT | diagram | SYN | tcp_fin_timeout | "
			     "ECONNREFUSED\n");
	}
}
