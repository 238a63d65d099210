/* SPDX-License-Identifier: ISC */
/*
 * \summary: replay a fuzz corpus without libFuzzer
 *
 * Linked with each fuzz target when the build is not a libFuzzer build, so
 * that gcc builds (and the sanitizer CI run) feed every seed and every
 * committed reproducer through the target as an ordinary test.  Arguments
 * are files or directories of files.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	uint8_t *buf;
	FILE *fp;
	long len;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(fp);
		return -1;
	}
	/* Exactly len bytes, so that ASan sees any overread. */
	buf = malloc(len > 0 ? (size_t)len : 1);
	n = fread(buf, 1, (size_t)len, fp);
	fclose(fp);
	if (n != (size_t)len) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
run_path(const char *path, int *count)
{
	struct dirent **names;
	struct stat st;
	char *sub;
	int i, n, bad = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	/* Sorted, so that a failure reproduces in the same order. */
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    asprintf(&sub, "%s/%s", path, names[i]->d_name) >= 0) {
			if (run_path(sub, count) != 0)
				bad = -1;
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int
main(int argc, char **argv)
{
	int i, count = 0, bad = 0;

	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &count) != 0)
			bad = 1;
	printf("%s: %d inputs replayed\n", argv[0], count);
	if (count == 0) {
		fprintf(stderr, "%s: no inputs\n", argv[0]);
		return 1;
	}
	return bad;
}
