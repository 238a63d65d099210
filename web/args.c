/* SPDX-License-Identifier: ISC */
/* \summary: request arguments: timestamps, MACs, UUIDs, counts, JSON scalars */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int
args_ts(const char *s, double now, double *ret)
{
	size_t n;
	char *end;
	double d;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	/*
	 * Digits, one optional leading "-" and one ".": strtod alone would
	 * also take " 5", "0x10", "1e3", "inf" and "nan".
	 */
	n = strspn(s + (*s == '-'), "0123456789.");
	if (s[(*s == '-') + n] != '\0' || n == 0 ||
	    strchr(s, '.') != strrchr(s, '.') || strcmp(s + (*s == '-'),
	    ".") == 0)
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(d) ||
	    fabs(d) > ARGS_MAX_TS)
		return -EINVAL;
	if (d < 0)
		d += now;
	*ret = d < 0 ? 0 : d;
	return 0;
}

/* "XX:XX:XX:XX:XX:XX" at s, hex digits of either case. */
static bool
args_mac_shape(const char *s)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	size_t i;

	for (i = 0; i < ARGS_MAC_LEN; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
		} else if (s[i] == '\0' || strchr(hex, s[i]) == NULL)
			return false;
	}
	return true;
}

int
args_mac_text(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s), i;
	const char *m = s + ARGS_MAC_LEN + 1;

	if (n < ARGS_MAC_LEN || !args_mac_shape(s))
		return -EINVAL;
	/* A mask: a MAC of its own, or Kismet's prefix length in bits. */
	if (n > ARGS_MAC_LEN && (s[ARGS_MAC_LEN] != '/' ||
	    (n == ARGS_MAC_MASK_LEN ? !args_mac_shape(m) :
	    !(n - ARGS_MAC_LEN - 1 >= 1 && n - ARGS_MAC_LEN - 1 <= 2 &&
	    strspn(m, "0123456789") == n - ARGS_MAC_LEN - 1 &&
	    atoi(m) <= 48))))
		return -EINVAL;
	if (len <= n)
		return -ENOSPC;
	for (i = 0; i <= n; i++)
		buf[i] = s[i] >= 'a' && s[i] <= 'f' ? (char)(s[i] - 32) : s[i];
	return 0;
}

static int
args_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

int
args_mac_bytes(const char *s, uint8_t mac[6])
{
	size_t i;

	if (strlen(s) != ARGS_MAC_LEN || !args_mac_shape(s))
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(args_hex(s[3 * i]) << 4 |
		    args_hex(s[3 * i + 1]));
	return 0;
}

bool
args_uuid_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ARGS_MAX_UUID &&
	    strspn(s, "0123456789abcdefABCDEF-") == n;
}

int
args_uint(const char *s, uint64_t max, uint64_t *ret)
{
	unsigned long long u;
	char *end;

	if (s == NULL)
		return 0;
	if (*s < '0' || *s > '9' || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	u = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || u > max)
		return -EINVAL;
	*ret = u;
	return 0;
}

const char *
args_json_text(yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return v->u.string;
	/* As written: "1e21" or 2^70 then fails a count, never wraps. */
	if (YAJL_IS_NUMBER(v))
		return v->u.number.r;
	if (YAJL_IS_TRUE(v))
		return "true";
	if (YAJL_IS_FALSE(v))
		return "false";
	return "";
}

int
args_json_depth(const char *s, int max)
{
	bool in_str = false, esc = false;
	int depth = 0, deepest = 0;

	for (; *s != '\0' && deepest <= max; s++) {
		if (in_str) {
			if (esc)
				esc = false;
			else if (*s == '\\')
				esc = true;
			else if (*s == '"')
				in_str = false;
		} else if (*s == '"')
			in_str = true;
		else if (*s == '[' || *s == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if (*s == ']' || *s == '}')
			depth--;
	}
	return deepest;
}
