/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
int cmd_lab(int argc, char **argv, struct tsc_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return 1;
}
