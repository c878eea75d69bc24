/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz replay runner (systemd's fuzz-main.c): linked with one fuzz entry
 * (LLVMFuzzerTestOneInput), it feeds every file named on the command line,
 * or every regular file of a directory named there, to that entry, each in a
 * malloc'd buffer of exactly its size so that the sanitizers see any read past
 * the end. Built in every build, so the corpora (tests/corpus/<target>/) are
 * regression tests in the 'fuzz-replay' suite. Prints "N inputs"; exit 1 when
 * a path cannot be read or there was nothing to replay.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int read_file(const char *path, uint8_t **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t len = 0, cap = 0;
	int r = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *np = realloc(p, cap = cap ? cap * 2 : 4096);

			if (!np) {
				r = -ENOMEM;
				break;
			}
			p = np;
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				r = -EIO;
			break;
		}
	}
	fclose(f);
	if (r < 0) {
		free(p);
		return r;
	}
	/* shrink to the exact size: the tail must be unreadable for ASan */
	*ret = malloc(len ? len : 1);
	if (!*ret) {
		free(p);
		return -ENOMEM;
	}
	if (len)
		memcpy(*ret, p, len);
	free(p);
	*ret_len = len;
	return 0;
}

static int replay_one(const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int r = read_file(path, &data, &len);

	if (r < 0) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(-r));
		return r;
	}
	(void)LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_path(const char *path, unsigned long *count)
{
	struct dirent **ents;
	struct stat st;
	int n, r = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = replay_one(path);
		*count += r == 0;
		return r;
	}
	n = scandir(path, &ents, NULL, name_cmp);
	if (n < 0) {
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.' &&
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name) <
			    sizeof(sub) &&
		    stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_one(sub) < 0)
				r = -EIO;
			else
				(*count)++;
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) < 0)
			rc = 1;
	printf("%lu inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "replay: nothing to replay\n");
		rc = 1;
	}
	return rc;
}
