/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys/procmap: the socket inode -> owners map. Real sockets of this process
 * and of a forked child are looked up in the real /proc; a fixture tree of
 * fake pid directories exercises the parsing of weird entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/procmap.h"

static int listen_socket(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static uint64_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	return (uint64_t)st.st_ino;
}

static void self_comm(char comm[16])
{
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(comm, 16, f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
}

static void test_parse_link(void **state)
{
	static const struct {
		const char *s;
		int ok;
		uint64_t inode;
	} cases[] = {
		{ "socket:[1]", 1, 1 },
		{ "socket:[123456]", 1, 123456 },
		{ "socket:[18446744073709551615]", 1, UINT64_MAX },
		{ "socket:[18446744073709551616]", 0, 0 },
		{ "socket:[99999999999999999999999]", 0, 0 },
		{ "socket:[0]", 0, 0 },
		{ "socket:[0123]", 0, 0 },
		{ "socket:[]", 0, 0 },
		{ "socket:[", 0, 0 },
		{ "socket:[12", 0, 0 },
		{ "socket:[12]x", 0, 0 },
		{ "socket:[-1]", 0, 0 },
		{ "socket:[+1]", 0, 0 },
		{ "socket:[ 1]", 0, 0 },
		{ "socket:[1a]", 0, 0 },
		{ "Socket:[1]", 0, 0 },
		{ "pipe:[123]", 0, 0 },
		{ "anon_inode:[eventpoll]", 0, 0 },
		{ "/dev/null", 0, 0 },
		{ "", 0, 0 },
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < TSC_ARRAY_SIZE(cases); i++) {
		int r = tsc_procmap_parse_link(cases[i].s, strlen(cases[i].s), &v);

		if (cases[i].ok) {
			assert_int_equal(r, 0);
			assert_true(v == cases[i].inode);
		} else {
			assert_int_equal(r, -EINVAL);
		}
	}
	/* length is respected: no NUL needed, and a shorter length cuts "]" off */
	assert_int_equal(tsc_procmap_parse_link("socket:[42]garbage", 11, &v), 0);
	assert_true(v == 42);
	assert_int_equal(tsc_procmap_parse_link("socket:[42]", 10, &v), -EINVAL);
	assert_int_equal(tsc_procmap_parse_link(NULL, 0, &v), -EINVAL);
}

static void test_own_sockets(void **state)
{
	int a = listen_socket(), b = listen_socket();
	uint64_t ia = inode_of(a), ib = inode_of(b);
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;
	char comm[16];

	(void)state;
	self_comm(comm);
	m = tsc_procmap_new("/proc", NULL, NULL);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_lookup(m, ia, &o), 1);
	assert_int_equal(o[0].pid, getpid());
	assert_int_equal(o[0].fd, a);
	assert_string_equal(o[0].comm, comm);
	assert_int_equal(tsc_procmap_lookup(m, ib, &o), 1);
	assert_int_equal(o[0].fd, b);
	assert_true(tsc_procmap_count(m) >= 2);
	assert_true(tsc_procmap_nprocs(m) >= 1);
	assert_int_equal(tsc_procmap_dropped(m), 0);
	/* an inode nobody owns, and the 0 inode */
	assert_int_equal(tsc_procmap_lookup(m, UINT64_MAX, &o), 0);
	assert_null(o);
	assert_int_equal(tsc_procmap_lookup(m, 0, &o), 0);
	tsc_procmap_free(m);
	tsc_procmap_free(NULL);
	close(a);
	close(b);
}

/* A child holds its own socket and an inherited one until we close the pipe. */
static void test_child_process(void **state)
{
	int shared = listen_socket();
	int up[2], down[2];
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;
	uint64_t child[2] = { 0, 0 };
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct stat st;
		uint64_t ino[2];
		char c;

		close(up[0]);
		close(down[1]);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(fd, 1) < 0 || fstat(fd, &st) < 0)
			_exit(1);
		ino[0] = (uint64_t)st.st_ino;
		ino[1] = (uint64_t)fd;
		if (write(up[1], ino, sizeof(ino)) != sizeof(ino))
			_exit(1);
		(void)!read(down[0], &c, 1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	assert_int_equal(read(up[0], child, sizeof(child)), sizeof(child));

	m = tsc_procmap_new("/proc", NULL, NULL);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_lookup(m, child[0], &o), 1);
	assert_int_equal(o[0].pid, pid);
	assert_int_equal(o[0].fd, child[1]);
	/* the inherited socket has two owners, sorted by pid */
	assert_int_equal(tsc_procmap_lookup(m, inode_of(shared), &o), 2);
	assert_true(o[0].pid < o[1].pid);
	assert_true((o[0].pid == getpid() && o[1].pid == pid) ||
		    (o[0].pid == pid && o[1].pid == getpid()));
	assert_int_equal(o[0].fd, shared);
	assert_int_equal(o[1].fd, shared);
	tsc_procmap_free(m);

	close(down[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(up[0]);
	close(shared);

	/* once the child is gone, its socket is gone from the map */
	m = tsc_procmap_new("/proc", NULL, NULL);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_lookup(m, child[0], &o), 0);
	tsc_procmap_free(m);
}

static int want_one(uint64_t inode, void *arg)
{
	return inode == *(const uint64_t *)arg;
}

static void test_want_filter(void **state)
{
	int a = listen_socket(), b = listen_socket();
	uint64_t ia = inode_of(a);
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;

	(void)state;
	m = tsc_procmap_new("/proc", want_one, &ia);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_count(m), 1);
	assert_int_equal(tsc_procmap_lookup(m, ia, &o), 1);
	assert_int_equal(o[0].fd, a);
	assert_int_equal(tsc_procmap_lookup(m, inode_of(b), &o), 0);
	tsc_procmap_free(m);
	close(a);
	close(b);
}

/* Many sockets: every thread count gives the same map. */
static void test_threads_agree(void **state)
{
	enum { N = 300 };
	static const unsigned nthreads[] = { 1, 2, 4, 0 };
	int fds[N];

	(void)state;
	for (int i = 0; i < N; i++)
		fds[i] = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	for (size_t t = 0; t < TSC_ARRAY_SIZE(nthreads); t++) {
		struct tsc_procmap *m = tsc_procmap_new_threads("/proc", NULL, NULL, nthreads[t]);

		assert_non_null(m);
		for (int i = 0; i < N; i++) {
			const struct tsc_proc_owner *o;

			assert_true(fds[i] >= 0);
			assert_int_equal(tsc_procmap_lookup(m, inode_of(fds[i]), &o), 1);
			assert_int_equal(o[0].pid, getpid());
			assert_int_equal(o[0].fd, fds[i]);
		}
		tsc_procmap_free(m);
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
}

/* ---- fixture /proc tree ------------------------------------------------------ */

static char fixture[64];

static void fx_mkdir(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", fixture, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void fx_link(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", fixture, rel);
	assert_int_equal(symlink(target, p), 0);
}

static void fx_file(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", fixture, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int rm_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP || type == FTW_D || type == FTW_DNR)
		(void)chmod(p, 0700), (void)rmdir(p);
	else
		(void)unlink(p);
	return 0;
}

static int fixture_teardown(void **state)
{
	(void)state;
	if (fixture[0])
		(void)nftw(fixture, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	fixture[0] = '\0';
	return 0;
}

static int fixture_setup(void **state)
{
	char big[300];

	(void)state;
	snprintf(fixture, sizeof(fixture), "/tmp/tsc-procmap-XXXXXX");
	assert_non_null(mkdtemp(fixture));
	assert_int_equal(chmod(fixture, 0755), 0);

	fx_mkdir("100");
	fx_mkdir("100/fd");
	fx_link("socket:[123]", "100/fd/0");
	fx_link("/dev/null", "100/fd/1");
	fx_link("socket:[abc]", "100/fd/2");
	fx_link("socket:[", "100/fd/3");
	fx_link("socket:[0]", "100/fd/4");
	fx_link("socket:[99999999999999999999999]", "100/fd/5");
	fx_link("socket:[124]x", "100/fd/6");
	fx_link("socket:[00125]", "100/fd/7");
	fx_link("socket:[126]", "100/fd/010"); /* not an fd name */
	fx_link("socket:[127]", "100/fd/x");
	fx_link("socket:[128]", "100/fd/-1");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fx_link(big, "100/fd/8"); /* longer than the link buffer */
	fx_file("100/comm", "fixture-proc\n");

	fx_mkdir("101");
	fx_mkdir("101/fd");
	fx_link("socket:[123]", "101/fd/3"); /* shared with 100 */
	fx_file("101/comm", "averyveryverylongname\n");

	fx_mkdir("102"); /* exited: no fd directory */
	fx_file("103", "not a directory");
	fx_mkdir("104");
	fx_mkdir("104/fd");
	fx_link("socket:[18446744073709551615]", "104/fd/2147483647");
	fx_link("socket:[129]", "104/fd/2147483648"); /* fd number out of range */
	/* 104 has no comm file: owners get an empty name */
	fx_mkdir("self");
	fx_mkdir("self/fd");
	fx_link("socket:[130]", "self/fd/3");
	fx_mkdir("sys");
	fx_mkdir("0");
	fx_mkdir("0/fd");
	fx_link("socket:[131]", "0/fd/3");
	fx_mkdir("0105");
	fx_mkdir("0105/fd");
	fx_link("socket:[132]", "0105/fd/3");
	fx_mkdir("99999999999");
	fx_mkdir("99999999999/fd");
	fx_link("socket:[133]", "99999999999/fd/3");
	return 0;
}

static void test_fixture(void **state)
{
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;

	(void)state;
	for (unsigned t = 1; t <= 2; t++) {
		m = tsc_procmap_new_threads(fixture, NULL, NULL, t);
		assert_non_null(m);
		assert_int_equal(tsc_procmap_count(m), 2);
		assert_int_equal(tsc_procmap_nprocs(m), 3); /* 100, 101, 104 */
		assert_int_equal(tsc_procmap_denied(m), 0);
		assert_int_equal(tsc_procmap_lookup(m, 123, &o), 2);
		assert_int_equal(o[0].pid, 100);
		assert_int_equal(o[0].fd, 0);
		assert_string_equal(o[0].comm, "fixture-proc");
		assert_int_equal(o[1].pid, 101);
		assert_int_equal(o[1].fd, 3);
		assert_string_equal(o[1].comm, "averyveryverylo");
		assert_int_equal(tsc_procmap_lookup(m, UINT64_MAX, &o), 1);
		assert_int_equal(o[0].pid, 104);
		assert_int_equal(o[0].fd, 2147483647);
		assert_string_equal(o[0].comm, "");
		for (uint64_t i = 124; i <= 133; i++)
			assert_int_equal(tsc_procmap_lookup(m, i, &o), 0);
		tsc_procmap_free(m);
	}
}

/* An fd directory we may not read counts as denied, not as an error. As root
 * (no permission checks) the scan runs in a child that drops to nobody. */
static void test_fixture_denied(void **state)
{
	char p[256];
	int status;
	pid_t pid;

	(void)state;
	fx_mkdir("106");
	fx_mkdir("106/fd");
	fx_link("socket:[140]", "106/fd/3");
	snprintf(p, sizeof(p), "%s/106/fd", fixture);
	assert_int_equal(chmod(p, 0), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tsc_procmap *m;
		const struct tsc_proc_owner *o;
		int ok;

		if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		m = tsc_procmap_new(fixture, NULL, NULL);
		ok = m && tsc_procmap_denied(m) == 1 && tsc_procmap_lookup(m, 140, &o) == 0 &&
		     tsc_procmap_lookup(m, 123, &o) == 2;
		tsc_procmap_free(m);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bad_root(void **state)
{
	char p[256];

	(void)state;
	errno = 0;
	assert_null(tsc_procmap_new("/nonexistent/tsc-procmap", NULL, NULL));
	assert_int_equal(errno, ENOENT);
	snprintf(p, sizeof(p), "%s/103", fixture);
	errno = 0;
	assert_null(tsc_procmap_new(p, NULL, NULL));
	assert_int_equal(errno, ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_own_sockets),
		cmocka_unit_test(test_child_process),
		cmocka_unit_test(test_want_filter),
		cmocka_unit_test(test_threads_agree),
		cmocka_unit_test_setup_teardown(test_fixture, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fixture_denied, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_root, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
