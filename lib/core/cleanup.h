/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scope-based cleanup for single local resources (systemd's _cleanup_).
 * Use one `out:` label for anything more complex.
 */
#ifndef TSC_CORE_CLEANUP_H
#define TSC_CORE_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f)	  __attribute__((cleanup(f)))
#define TSC_MUST_CHECK	  __attribute__((warn_unused_result))
#define TSC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void tsc_freep(void *p)
{
	free(*(void **)p);
}

static inline void tsc_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void tsc_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_	 _cleanup_(tsc_freep)
#define _cleanup_close_	 _cleanup_(tsc_closep)
#define _cleanup_fclose_ _cleanup_(tsc_fclosep)

#endif
