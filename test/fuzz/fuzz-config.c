/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the config file parser and its typed getters
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
count_cb(const struct config_entry *e, void *arg)
{
	assert(e->key[0] != '\0');
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "source", "log_*", NULL };
	const struct config_entry *e = NULL;
	struct config c;
	char err[512];
	uint64_t u;
	size_t n = 0, seen = 0;
	bool b;
	int r;

	config_init(&c);
	/*
	 * Relative includes resolve under a folder that does not exist; an
	 * error names the file it is about, whichever that is.
	 */
	err[0] = '\0';
	r = config_load_buffer(&c, "/nonexistent-osprey/fuzz.conf",
	    (const char *)data, size, (size & 1) != 0, err, sizeof(err));
	if (r < 0)
		assert(err[0] == '/');
	while ((e = config_next(&c, "source", e)) != NULL)
		n++;
	(void)config_get_bool(&c, "channel_hop", true, &b, err, sizeof(err));
	(void)config_get_uint(&c, "remote_capture_port", 3501, 65535, &u, err,
	    sizeof(err));
	(void)config_get_msec(&c, "source_pong_timeout", 15000, &u, err,
	    sizeof(err));
	(void)config_check_known(&c, known, count_cb, &seen);
	config_free(&c);
	return 0;
}
