/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the key=value parser through plugin manifest validation
 *
 * The same parser reads config files and the per-user auth file; the
 * manifest is the one a stranger's plugin folder can hand us.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "plugins.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plugin p;
	char err[256];

	err[0] = '\0';
	if (plugins_manifest_parse((const char *)data, size, "/p", &p, err,
	    sizeof(err)) == 0) {
		/* Whatever passes is safe to put in a URL and a script. */
		assert(p.name != NULL && strlen(p.name) <= PLUGINS_MAX_NAME);
		assert(strspn(p.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789_-") == strlen(p.name));
		assert(p.js_path == NULL || strstr(p.js_path, "..") == NULL);
		plugins_clear_one(&p);
	} else
		assert(err[0] != '\0');
	return 0;
}
