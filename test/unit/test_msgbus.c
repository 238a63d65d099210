/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the message bus ring */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "msgbus.h"

struct seen {
	uint64_t	seq[16];
	char		text[16][32];
	size_t		n;
	size_t		stop_after;
};

static int
collect(const struct msgbus_msg *m, void *arg)
{
	struct seen *s = arg;

	s->seq[s->n] = m->seq;
	snprintf(s->text[s->n], sizeof(s->text[0]), "%.31s", m->text);
	s->n++;
	return s->stop_after != 0 && s->n == s->stop_after;
}

static void
test_since_is_strictly_after(void **state)
{
	struct msgbus *b = msgbus_new(8);
	struct seen s = { 0 };

	msgbus_post_at(b, 100, 0, MSGBUS_INFO, "a");
	msgbus_post_at(b, 100, 500, MSGBUS_ERROR, "b");
	msgbus_post_at(b, 101, 0, MSGBUS_INFO, "c");
	assert_int_equal(msgbus_since(b, 100, 0, collect, &s), 2);
	assert_string_equal(s.text[0], "b");
	assert_string_equal(s.text[1], "c");
	assert_int_equal(s.seq[0], 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(msgbus_since(b, 0, 0, collect, &s), 3);
	memset(&s, 0, sizeof(s));
	assert_int_equal(msgbus_since(b, 101, 0, collect, &s), 0);
	msgbus_free(b);
}

static void
test_ring_overwrites_oldest(void **state)
{
	struct msgbus *b = msgbus_new(3);
	struct seen s = { 0 };
	char t[8];
	int i;

	for (i = 1; i <= 5; i++) {
		snprintf(t, sizeof(t), "m%d", i);
		assert_int_equal(msgbus_post_at(b, (uint64_t)i, 0, MSGBUS_INFO,
		    t), i);
	}
	assert_int_equal(msgbus_count(b), 3);
	assert_int_equal(msgbus_last_seq(b), 5);
	assert_int_equal(msgbus_since(b, 0, 0, collect, &s), 3);
	assert_string_equal(s.text[0], "m3");
	assert_string_equal(s.text[2], "m5");
	/* A callback that stops the walk early. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(msgbus_since(b, 0, 0, collect, &s), 1);
	assert_string_equal(s.text[0], "m3");
	msgbus_free(b);
}

static void
test_post_formats_and_cuts(void **state)
{
	struct msgbus *b = msgbus_new(2);
	struct seen s = { 0 };
	char big[MSGBUS_TEXT_MAX * 2];
	time_t before = time(NULL);

	msgbus_post(b, MSGBUS_ERROR, "source %s: %d", "wlan0", 7);
	assert_int_equal(msgbus_since(b, (uint64_t)before - 1, 0, collect,
	    &s), 1);
	assert_string_equal(s.text[0], "source wlan0: 7");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	msgbus_post(b, MSGBUS_INFO, "%s", big);
	assert_int_equal(msgbus_count(b), 2);
	assert_string_equal(msgbus_level_name(MSGBUS_ERROR), "ERROR");
	msgbus_free(b);
	msgbus_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_since_is_strictly_after),
		cmocka_unit_test(test_ring_overwrites_oldest),
		cmocka_unit_test(test_post_formats_and_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
