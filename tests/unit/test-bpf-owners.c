/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket-owner records of the BPF task_file iterator (bpf/iter.h,
 * procmap.bpf.h): the decoder on handcrafted bytes, cut at every length,
 * with odd comms and invalid fields; the procmap built from such records
 * (sys/procmap.h tsc_procmap_new_from_owners); and, when this process may
 * load BPF, the iterator's map of this process's own sockets (one shared
 * with a forked child) against the /proc scan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/iter.h"
#include "bpf/procmap.bpf.h"
#include "sys/procmap.h"

/* One record as the BPF program writes it (host order). */
static void put_rec(uint8_t *b, uint64_t inode, uint32_t pid, uint32_t fd, const void *comm,
		    size_t comm_len)
{
	memset(b, 0, TSC_OWNER_REC_SIZE);
	memcpy(b + TSC_OWNER_OFF_INODE, &inode, 8);
	memcpy(b + TSC_OWNER_OFF_PID, &pid, 4);
	memcpy(b + TSC_OWNER_OFF_FD, &fd, 4);
	memcpy(b + TSC_OWNER_OFF_COMM, comm, comm_len);
}

static void test_parse_one(void **state)
{
	uint8_t b[TSC_OWNER_REC_SIZE];
	struct tsc_procmap_entry e;
	struct tsc_cur c;

	(void)state;
	put_rec(b, 123456789012ull, 4242, 7, "nginx", 6);
	c = tsc_cur_make(b, sizeof(b));
	assert_int_equal(tsc_bpf_owner_parse(&c, &e), 1);
	assert_int_equal(c.len, 0);
	assert_true(e.inode == 123456789012ull);
	assert_int_equal(e.owner.pid, 4242);
	assert_int_equal(e.owner.fd, 7);
	assert_string_equal(e.owner.comm, "nginx");
}

/* Three records cut at every length: only whole records are decoded, the
 * rest stays in the cursor untouched. */
static void test_parse_truncated(void **state)
{
	uint8_t b[3 * TSC_OWNER_REC_SIZE];

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		put_rec(b + i * TSC_OWNER_REC_SIZE, 100 + i, 10 + i, i, "srv", 3);
	for (size_t len = 0; len <= sizeof(b); len++) {
		struct tsc_cur c = tsc_cur_make(b, len);
		struct tsc_procmap_entry e;
		size_t n = 0;
		int r;

		while ((r = tsc_bpf_owner_parse(&c, &e)) == 1) {
			assert_true(e.inode == 100 + n);
			assert_int_equal(e.owner.pid, 10 + (int)n);
			assert_int_equal(e.owner.fd, (int)n);
			assert_string_equal(e.owner.comm, "srv");
			n++;
		}
		assert_int_equal(r, 0);
		assert_int_equal(n, len / TSC_OWNER_REC_SIZE);
		assert_int_equal(c.len, len % TSC_OWNER_REC_SIZE);
		assert_ptr_equal(c.p, b + n * TSC_OWNER_REC_SIZE);
	}
}

/* comm as /proc/<pid>/comm is read: up to the first NUL or newline, at most
 * 15 characters, whatever the kernel left after it. */
static void test_parse_comm(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "", 1, "" },
		{ "a", 1, "a" },
		{ "0123456789abcde", 16, "0123456789abcde" },
		{ "0123456789abcdef", 16, "0123456789abcde" }, /* no NUL at all */
		{ "ab\ncd", 6, "ab" },
		{ "\nx", 3, "" },
		{ "ab\0garbage", 11, "ab" },
		{ "sp ace(x)", 10, "sp ace(x)" },
		{ "\xff\xfe", 3, "\xff\xfe" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[TSC_OWNER_REC_SIZE];
		struct tsc_procmap_entry e;
		struct tsc_cur c;

		put_rec(b, 5, 1, 0, cases[i].in, cases[i].len);
		c = tsc_cur_make(b, sizeof(b));
		assert_int_equal(tsc_bpf_owner_parse(&c, &e), 1);
		assert_string_equal(e.owner.comm, cases[i].want);
		assert_int_equal(e.owner.comm[15], '\0');
	}
}

static void test_parse_invalid(void **state)
{
	static const struct {
		uint64_t inode;
		uint32_t pid, fd;
		int want;
	} cases[] = {
		{ 0, 1, 0, -EPROTO },
		{ 1, 0, 0, -EPROTO },
		{ 1, 0x80000000u, 0, -EPROTO },
		{ 1, UINT32_MAX, 0, -EPROTO },
		{ 1, 1, 0x80000000u, -EPROTO },
		{ 1, 1, UINT32_MAX, -EPROTO },
		{ UINT64_MAX, INT32_MAX, INT32_MAX, 1 },
		{ 1, 1, 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[TSC_OWNER_REC_SIZE + 1];
		struct tsc_procmap_entry e;
		struct tsc_cur c;

		put_rec(b, cases[i].inode, cases[i].pid, cases[i].fd, "x", 2);
		c = tsc_cur_make(b, sizeof(b));
		assert_int_equal(tsc_bpf_owner_parse(&c, &e), cases[i].want);
		assert_int_equal(c.len, 1); /* advanced past the record either way */
	}
}

static struct tsc_procmap_entry ent(uint64_t inode, int32_t pid, int32_t fd, const char *comm)
{
	struct tsc_procmap_entry e = { .inode = inode, .owner = { .pid = pid, .fd = fd } };

	memcpy(e.owner.comm, comm, strnlen(comm, sizeof(e.owner.comm)));
	return e;
}

static void test_from_owners(void **state)
{
	struct tsc_procmap_entry e[] = {
		ent(77, 300, 9, "b"), ent(77, 300, 4, "b"),
		ent(50, 300, 5, "b"), ent(0, 301, 3, "ignored"),
		ent(77, 12, 6, "a"),  ent(99, 400, 1, "0123456789abcdefXYZ"),
	};
	const struct tsc_proc_owner *o;
	struct tsc_procmap *m;

	(void)state;
	m = tsc_procmap_new_from_owners(e, sizeof(e) / sizeof(e[0]), 3);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_count(m), 3);
	assert_int_equal(tsc_procmap_dropped(m), 3);
	assert_int_equal(tsc_procmap_denied(m), 0);
	assert_int_equal(tsc_procmap_nprocs(m), 3); /* 300, 12, 400 */
	/* sorted by (pid, fd) */
	assert_int_equal(tsc_procmap_lookup(m, 77, &o), 3);
	assert_int_equal(o[0].pid, 12);
	assert_int_equal(o[0].fd, 6);
	assert_string_equal(o[0].comm, "a");
	assert_int_equal(o[1].pid, 300);
	assert_int_equal(o[1].fd, 4);
	assert_int_equal(o[2].pid, 300);
	assert_int_equal(o[2].fd, 9);
	assert_int_equal(tsc_procmap_lookup(m, 50, &o), 1);
	assert_int_equal(o[0].fd, 5);
	assert_int_equal(tsc_procmap_lookup(m, 99, &o), 1);
	assert_string_equal(o[0].comm, "0123456789abcde");
	assert_int_equal(tsc_procmap_lookup(m, 0, &o), 0);
	assert_int_equal(tsc_procmap_lookup(m, 51, &o), 0);
	tsc_procmap_free(m);

	m = tsc_procmap_new_from_owners(NULL, 0, 0);
	assert_non_null(m);
	assert_int_equal(tsc_procmap_count(m), 0);
	assert_int_equal(tsc_procmap_lookup(m, 77, &o), 0);
	tsc_procmap_free(m);
}

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
	return (uint64_t)st.st_ino;
}

static void assert_same_owners(const struct tsc_procmap *a, const struct tsc_procmap *b,
			       uint64_t inode, size_t want)
{
	const struct tsc_proc_owner *oa, *ob;

	assert_int_equal(tsc_procmap_lookup(a, inode, &oa), want);
	assert_int_equal(tsc_procmap_lookup(b, inode, &ob), want);
	for (size_t i = 0; i < want; i++) {
		assert_int_equal(oa[i].pid, ob[i].pid);
		assert_int_equal(oa[i].fd, ob[i].fd);
		assert_string_equal(oa[i].comm, ob[i].comm);
	}
}

/* The iterator against the /proc scan on this process's sockets, one of them
 * inherited by a child (two owners). Skipped where BPF may not be loaded
 * (not root, no BTF, built without BPF): that is the fallback's case. */
static void test_iter_vs_proc(void **state)
{
	int a = listen_socket(), b = listen_socket();
	int pipefd[2];
	struct tsc_procmap *it, *pm;
	pid_t child;
	char c;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(pipefd[1]);
		close(b);
		(void)!read(pipefd[0], &c, 1);
		_exit(0);
	}
	close(pipefd[0]);
	it = tsc_bpf_iter_procmap();
	pm = tsc_procmap_new("/proc", NULL, NULL);
	(void)!write(pipefd[1], "x", 1);
	close(pipefd[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	if (!it) {
		int e = errno;

		tsc_procmap_free(pm);
		close(a);
		close(b);
		if (e == EPERM || e == EOPNOTSUPP || e == ENOENT || e == EACCES)
			skip();
		fail_msg("tsc_bpf_iter_procmap: %s", strerror(e));
	}
	assert_non_null(pm);
	assert_same_owners(it, pm, inode_of(a), 2);
	assert_same_owners(it, pm, inode_of(b), 1);
	assert_int_equal(tsc_procmap_dropped(it), 0);
	tsc_procmap_free(it);
	tsc_procmap_free(pm);
	close(a);
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_one),   cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_comm),  cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_from_owners), cmocka_unit_test(test_iter_vs_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
