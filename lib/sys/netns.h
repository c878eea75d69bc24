/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Named network namespaces (iproute2's /var/run/netns/NAME). Entering one
 * changes the calling thread's namespace for the rest of its life: commands
 * do it before opening any socket.
 */
#ifndef TSC_SYS_NETNS_H
#define TSC_SYS_NETNS_H

#include "core/cleanup.h"

/* Directory holding the named namespaces' bind mounts. */
#define TSC_NETNS_RUN_DIR "/var/run/netns"

/* Enters the named network namespace. The name must be a plain file name.
 * Returns 0, -EINVAL (bad name), -ENOENT (no such namespace), -EPERM, ... */
TSC_MUST_CHECK int tsc_netns_enter(const char *name);

/* Inode number of the current network namespace (/proc/self/ns/net), or -errno. */
long long tsc_netns_current_inode(void);

#endif
