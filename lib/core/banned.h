/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Functions that are easy to misuse (git's and curl's list). A .c file may include
 * this header last to make a use fail to compile; tests/lint.sh greps the whole
 * tree for them. Use the bounded alternatives in core/ instead.
 */
#ifndef TSC_CORE_BANNED_H
#define TSC_CORE_BANNED_H

#define TSC_BANNED(func) sorry_##func##_is_banned_in_tcpscope

#undef strcpy
#define strcpy(x, y) TSC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TSC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TSC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TSC_BANNED(strncat)
#undef sprintf
#define sprintf(...) TSC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TSC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TSC_BANNED(strtok)
#undef atoi
#define atoi(x) TSC_BANNED(atoi)
#undef gmtime
#define gmtime(x) TSC_BANNED(gmtime)
#undef localtime
#define localtime(x) TSC_BANNED(localtime)
#undef ctime
#define ctime(x) TSC_BANNED(ctime)
#undef asctime
#define asctime(x) TSC_BANNED(asctime)
#undef mktemp
#define mktemp(x) TSC_BANNED(mktemp)

#endif
