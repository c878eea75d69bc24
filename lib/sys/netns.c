/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entering named network namespaces with setns(2) (see netns.h). Mount
 * namespaces are left alone: tcpscope reads /proc/net through /proc/self,
 * which follows the thread's network namespace.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/netns.h"

int tsc_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, r = 0;

	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", TSC_NETNS_RUN_DIR, name) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

long long tsc_netns_current_inode(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	return (long long)st.st_ino;
}
