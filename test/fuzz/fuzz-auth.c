/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the login headers: Basic credentials and the session cookie
 *
 * The input is a header value a client sends: it is checked as an
 * Authorization header (base64, then user:password), its base64 alone,
 * and as a Cookie header (finding OSPREY=, then checking the token's
 * hex, time and signature).  A token the fuzzer writes must be valid.
 */

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct auth *a;

static void
setup(void)
{
	struct auth_config cfg = { "osprey", "Fuzz-Pass-1", "/nonexistent",
	    600, "00112233445566778899aabbccddeeff" };
	enum auth_source src;
	char err[128];

	a = auth_new();
	if (auth_setup(a, &cfg, &src, err, sizeof(err)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, token[AUTH_TOKEN_LEN + 1], cookie[AUTH_TOKEN_LEN + 16];
	uint8_t out[512];
	const char *v;
	size_t len;
	bool renew;
	int n;

	if (a == NULL)
		setup();
	if (size > 8192)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	n = auth_base64_decode(s, size, out, sizeof(out));
	assert(n >= -1 && n <= (int)sizeof(out));
	(void)auth_check_basic(a, s);
	if (auth_cookie_value(s, &v, &len) == 0)
		assert(v >= s && v + len <= s + size);
	/* A forged token is refused, at any time. */
	(void)auth_check_cookie(a, s, 1000000, &renew);
	(void)auth_check_cookie(a, s, UINT64_MAX, &renew);
	free(s);

	/* One of ours always passes. */
	if (auth_session_new(a, 5000, token) == 0) {
		snprintf(cookie, sizeof(cookie), "x=1; OSPREY=%s", token);
		assert(auth_check_cookie(a, cookie, 5001, &renew));
	}
	return 0;
}
