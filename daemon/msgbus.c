/* SPDX-License-Identifier: ISC */
/* \summary: the message bus: a bounded ring of timestamped messages */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msgbus.h"
#include "xmalloc.h"

struct msgbus {
	struct msgbus_msg	*ring;
	size_t			 cap;
	size_t			 head;	/* next slot to write */
	size_t			 count;
	uint64_t		 seq;	/* last seq handed out */
};

struct msgbus *
msgbus_new(size_t capacity)
{
	struct msgbus *b;

	if (capacity == 0)
		capacity = 1;
	b = xcalloc(1, sizeof(*b));
	b->ring = xcalloc(capacity, sizeof(*b->ring));
	b->cap = capacity;
	return b;
}

void
msgbus_free(struct msgbus *b)
{
	if (b == NULL)
		return;
	free(b->ring);
	free(b);
}

uint64_t
msgbus_post_at(struct msgbus *b, uint64_t ts_sec, uint64_t ts_usec,
    enum msgbus_level level, const char *text)
{
	struct msgbus_msg *m = &b->ring[b->head];

	m->seq = ++b->seq;
	m->ts_sec = ts_sec;
	m->ts_usec = ts_usec;
	m->level = level;
	snprintf(m->text, sizeof(m->text), "%s", text);
	b->head = (b->head + 1) % b->cap;
	if (b->count < b->cap)
		b->count++;
	return m->seq;
}

uint64_t
msgbus_post(struct msgbus *b, enum msgbus_level level, const char *fmt, ...)
{
	char text[MSGBUS_TEXT_MAX];
	struct timespec ts;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	return msgbus_post_at(b, (uint64_t)ts.tv_sec,
	    (uint64_t)ts.tv_nsec / 1000, level, text);
}

size_t
msgbus_since(const struct msgbus *b, uint64_t ts_sec, uint64_t ts_usec,
    int (*cb)(const struct msgbus_msg *, void *), void *arg)
{
	const struct msgbus_msg *m;
	size_t i, first, n = 0;

	/* The oldest message sits count slots behind head. */
	first = (b->head + b->cap - b->count) % b->cap;
	for (i = 0; i < b->count; i++) {
		m = &b->ring[(first + i) % b->cap];
		if (m->ts_sec < ts_sec ||
		    (m->ts_sec == ts_sec && m->ts_usec <= ts_usec))
			continue;
		n++;
		if (cb(m, arg) != 0)
			break;
	}
	return n;
}

size_t
msgbus_count(const struct msgbus *b)
{
	return b->count;
}

uint64_t
msgbus_last_seq(const struct msgbus *b)
{
	return b->seq;
}

const char *
msgbus_level_name(enum msgbus_level level)
{
	switch (level) {
	case MSGBUS_DEBUG:
		return "DEBUG";
	case MSGBUS_INFO:
		return "INFO";
	case MSGBUS_ERROR:
		return "ERROR";
	case MSGBUS_ALERT:
		return "ALERT";
	case MSGBUS_FATAL:
		return "FATAL";
	}
	return "UNKNOWN";
}
