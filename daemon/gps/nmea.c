/* SPDX-License-Identifier: ISC */
/*
 * \summary: NMEA 0183 sentences from a GPS receiver, one line at a time
 *
 * Fields are taken as (pointer, length) slices of the line through the
 * bounds-checked cursor; numbers are checked character by character
 * before conversion, so "inf", hex or exponents never pass.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "nmea.h"

#define NMEA_MAX_FIELDS		40	/* GSV carries up to 20 */
#define NMEA_NUM_MAX		24	/* digits in one number */
#define KNOTS_TO_KMH		1.852
/* A GSA mode is trusted for this many position sentences after it. */
#define NMEA_GSA_KEEP		8

struct nmea_field {
	const uint8_t	*p;
	size_t		 n;
};

struct nmea_sentence {
	char		 type[4];	/* "GGA", NUL terminated */
	struct nmea_field f[NMEA_MAX_FIELDS];	/* f[0] is the address */
	size_t		 n;
};

void
nmea_init(struct nmea *st)
{
	memset(st, 0, sizeof(*st));
	st->gsa_age = NMEA_GSA_KEEP;
	st->gga3_age = NMEA_GSA_KEEP;
}

static int
nmea_hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Split "$ADDR,f1,...*hh" into fields after checking the checksum.
 * Trailing CR and LF are dropped; any other control byte is refused.
 */
static int
nmea_split(const uint8_t *line, size_t len, struct nmea_sentence *s)
{
	struct cursor c;
	const uint8_t *start;
	uint8_t b, sum = 0, want;
	int hi, lo;
	size_t i;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (len < 10)
		return -EBADMSG;
	/* "*hh" at the end. */
	if (line[len - 3] != '*' || (hi = nmea_hex(line[len - 2])) < 0 ||
	    (lo = nmea_hex(line[len - 1])) < 0)
		return -EBADMSG;
	want = (uint8_t)(hi << 4 | lo);
	cur_init(&c, line, len - 3);
	if (cur_get_u8(&c, &b) < 0 || b != '$')
		return -EBADMSG;
	memset(s, 0, sizeof(*s));
	start = cur_ptr(&c);
	s->f[0].p = start;
	while (cur_get_u8(&c, &b) == 0) {
		if (b < 0x20 || b > 0x7e || b == '$' || b == '*')
			return -EBADMSG;
		sum ^= b;
		if (b != ',') {
			s->f[s->n].n++;
			continue;
		}
		if (++s->n == NMEA_MAX_FIELDS)
			return -EBADMSG;
		s->f[s->n].p = cur_ptr(&c);
	}
	s->n++;
	if (sum != want)
		return -EBADMSG;
	/* The address: two talker letters and a three-letter type, or a
	 * proprietary "P..." one, which is valid and ignored. */
	if (s->f[0].n < 1)
		return -EBADMSG;
	for (i = 0; i < s->f[0].n; i++)
		if (!((start[i] >= 'A' && start[i] <= 'Z') ||
		    (start[i] >= '0' && start[i] <= '9')))
			return -EBADMSG;
	if (s->f[0].n == 5 && start[0] != 'P')
		memcpy(s->type, start + 2, 3);
	return 0;
}

static bool
nmea_empty(const struct nmea_field *f)
{
	return f->n == 0;
}

/* An unsigned or signed decimal ("12", "-3.5"); no exponent, no hex. */
static int
nmea_num(const struct nmea_field *f, double *ret)
{
	char buf[NMEA_NUM_MAX + 1];
	bool digit = false, dot = false;
	size_t i;
	char *end;

	if (f->n == 0 || f->n > NMEA_NUM_MAX)
		return -EBADMSG;
	for (i = 0; i < f->n; i++) {
		if (f->p[i] >= '0' && f->p[i] <= '9')
			digit = true;
		else if (f->p[i] == '.' && !dot)
			dot = true;
		else if (!(i == 0 && (f->p[i] == '-' || f->p[i] == '+')))
			return -EBADMSG;
	}
	if (!digit)
		return -EBADMSG;
	memcpy(buf, f->p, f->n);
	buf[f->n] = '\0';
	*ret = strtod(buf, &end);
	return *end == '\0' ? 0 : -EBADMSG;
}

static int
nmea_uint(const struct nmea_field *f, unsigned max, unsigned *ret)
{
	unsigned v = 0;
	size_t i;

	if (f->n == 0 || f->n > 6)
		return -EBADMSG;
	for (i = 0; i < f->n; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return -EBADMSG;
		v = v * 10 + (unsigned)(f->p[i] - '0');
	}
	if (v > max)
		return -EBADMSG;
	*ret = v;
	return 0;
}

/*
 * "ddmm.mmmm" with "N"/"S" (or "dddmm.mmmm" with "E"/"W") to signed
 * degrees.  Minutes must be under 60 and the result within range.
 */
static int
nmea_coord(const struct nmea_field *v, const struct nmea_field *hemi,
    bool lon, double *ret)
{
	double raw, deg, min;

	if (nmea_num(v, &raw) < 0 || raw < 0 || hemi->n != 1 ||
	    raw >= (lon ? 18100.0 : 9100.0))
		return -EBADMSG;
	deg = (double)(long)(raw / 100);
	min = raw - deg * 100;
	if (min >= 60.0 || deg > (lon ? 180 : 90))
		return -EBADMSG;
	deg += min / 60.0;
	if (deg > (lon ? 180.0 : 90.0))
		return -EBADMSG;
	switch (hemi->p[0]) {
	case 'N':
	case 'E':
		if (hemi->p[0] != (lon ? 'E' : 'N'))
			return -EBADMSG;
		break;
	case 'S':
	case 'W':
		if (hemi->p[0] != (lon ? 'W' : 'S'))
			return -EBADMSG;
		deg = -deg;
		break;
	default:
		return -EBADMSG;
	}
	*ret = deg;
	return 0;
}

/* Both coordinates, or neither (a receiver without a fix sends ",,,"). */
static int
nmea_position(const struct nmea_field *f, struct gps_report *r)
{
	if (nmea_empty(&f[0]) && nmea_empty(&f[1]) && nmea_empty(&f[2]) &&
	    nmea_empty(&f[3]))
		return 0;
	if (nmea_coord(&f[0], &f[1], false, &r->lat) < 0 ||
	    nmea_coord(&f[2], &f[3], true, &r->lon) < 0)
		return -EBADMSG;
	r->has |= GPS_HAS_POS;
	return 0;
}

/* "hhmmss" or "hhmmss.sss": microseconds since midnight. */
static int
nmea_time(const struct nmea_field *f, uint64_t *ret)
{
	struct nmea_field part;
	unsigned h, m, s;
	double frac = 0;
	size_t i;

	if (f->n < 6)
		return -EBADMSG;
	part.n = 2;
	part.p = f->p;
	if (nmea_uint(&part, 23, &h) < 0)
		return -EBADMSG;
	part.p = f->p + 2;
	if (nmea_uint(&part, 59, &m) < 0)
		return -EBADMSG;
	part.p = f->p + 4;
	/* 60 is a leap second. */
	if (nmea_uint(&part, 60, &s) < 0)
		return -EBADMSG;
	if (f->n > 6) {
		if (f->p[6] != '.' || f->n > 6 + 1 + 9)
			return -EBADMSG;
		for (i = 7; i < f->n; i++)
			if (f->p[i] < '0' || f->p[i] > '9')
				return -EBADMSG;
		part.p = f->p + 6;
		part.n = f->n - 6;
		if (part.n > 1 && nmea_num(&part, &frac) < 0)
			return -EBADMSG;
	}
	*ret = ((uint64_t)h * 3600 + m * 60 + s) * 1000000 +
	    (uint64_t)(frac * 1e6 + 0.5);
	return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static uint32_t
nmea_days(unsigned y, unsigned m, unsigned d)
{
	unsigned yy = m <= 2 ? y - 1 : y;
	unsigned era = yy / 400, yoe = yy - era * 400;
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/*
 * "ddmmyy": two-digit years 80-99 are 1980-1999 (GPS time starts in
 * 1980), the rest 2000-2079.
 */
static int
nmea_date(const struct nmea_field *f, uint32_t *ret)
{
	struct nmea_field part;
	unsigned d, m, y;

	if (f->n != 6)
		return -EBADMSG;
	part.n = 2;
	part.p = f->p;
	if (nmea_uint(&part, 31, &d) < 0 || d == 0)
		return -EBADMSG;
	part.p = f->p + 2;
	if (nmea_uint(&part, 12, &m) < 0 || m == 0)
		return -EBADMSG;
	part.p = f->p + 4;
	if (nmea_uint(&part, 99, &y) < 0)
		return -EBADMSG;
	*ret = nmea_days(y >= 80 ? 1900 + y : 2000 + y, m, d);
	return 0;
}

/* Time of day plus the last date seen, when there is one. */
static void
nmea_stamp(const struct nmea *st, uint64_t tod, struct gps_report *r)
{
	if (st->date_days == 0)
		return;
	r->time_usec = (uint64_t)st->date_days * 86400000000ULL + tod;
	r->has |= GPS_HAS_TIME;
}

/*
 * The fix a position sentence implies: what GSA said lately; else 3D
 * for a GGA with an altitude, and for an RMC (which has no altitude)
 * right after such a GGA; else 2D.
 */
static uint8_t
nmea_fix(struct nmea *st, bool gga, bool has_alt)
{
	if (st->gsa_mode >= 2 && st->gsa_age < NMEA_GSA_KEEP) {
		st->gsa_age++;
		return st->gsa_mode;
	}
	if (gga) {
		st->gga3_age = has_alt ? 0 : NMEA_GSA_KEEP;
		return has_alt ? 3 : 2;
	}
	if (st->gga3_age < NMEA_GSA_KEEP) {
		st->gga3_age++;
		return 3;
	}
	return 2;
}

/* GGA: time, lat, N/S, lon, E/W, quality, sats, hdop, alt, M, ... */
static int
nmea_gga(struct nmea *st, const struct nmea_sentence *s,
    struct gps_report *r)
{
	unsigned q, sats;
	uint64_t tod;
	double v;

	if (s->n < 10)
		return -EBADMSG;
	if (!nmea_empty(&s->f[1])) {
		if (nmea_time(&s->f[1], &tod) < 0)
			return -EBADMSG;
		nmea_stamp(st, tod, r);
	}
	if (nmea_position(&s->f[2], r) < 0 ||
	    nmea_uint(&s->f[6], 9, &q) < 0)
		return -EBADMSG;
	if (!nmea_empty(&s->f[7])) {
		if (nmea_uint(&s->f[7], 99, &sats) < 0)
			return -EBADMSG;
		r->sats_used = (uint8_t)sats;
		r->has |= GPS_HAS_SATS_USED;
	}
	if (!nmea_empty(&s->f[8])) {
		if (nmea_num(&s->f[8], &v) < 0 || v < 0)
			return -EBADMSG;
		r->hdop = v;
		r->has |= GPS_HAS_HDOP;
	}
	if (!nmea_empty(&s->f[9])) {
		if (nmea_num(&s->f[9], &v) < 0 || v < -20000 || v > 1e6)
			return -EBADMSG;
		r->alt = v;
		r->has |= GPS_HAS_ALT;
	}
	/* Quality 0 is "no fix"; 6 is dead reckoning, which is a guess. */
	if (q == 0 || q == 6 || !(r->has & GPS_HAS_POS)) {
		r->fix = 1;
		r->has &= ~(uint32_t)(GPS_HAS_POS | GPS_HAS_ALT);
	} else
		r->fix = nmea_fix(st, true, (r->has & GPS_HAS_ALT) != 0);
	r->has |= GPS_HAS_FIX;
	if ((r->has & GPS_HAS_HDOP) && r->fix >= 2) {
		r->precision = r->hdop * GPS_UERE_M;
		r->has |= GPS_HAS_PREC;
	}
	return 1;
}

/* RMC: time, status, lat, N/S, lon, E/W, knots, course, date, ... */
static int
nmea_rmc(struct nmea *st, const struct nmea_sentence *s,
    struct gps_report *r)
{
	uint64_t tod = 0;
	double v;

	if (s->n < 10 || s->f[2].n != 1)
		return -EBADMSG;
	if (!nmea_empty(&s->f[1]) && nmea_time(&s->f[1], &tod) < 0)
		return -EBADMSG;
	if (!nmea_empty(&s->f[9]) && nmea_date(&s->f[9], &st->date_days) < 0)
		return -EBADMSG;
	if (!nmea_empty(&s->f[1]))
		nmea_stamp(st, tod, r);
	if (nmea_position(&s->f[3], r) < 0)
		return -EBADMSG;
	if (!nmea_empty(&s->f[7])) {
		if (nmea_num(&s->f[7], &v) < 0 || v < 0 || v > 1e5)
			return -EBADMSG;
		r->speed = v * KNOTS_TO_KMH;
		r->has |= GPS_HAS_SPEED;
	}
	if (!nmea_empty(&s->f[8])) {
		if (nmea_num(&s->f[8], &v) < 0 || v < 0 || v > 360)
			return -EBADMSG;
		r->heading = v;
		r->has |= GPS_HAS_HEADING;
	}
	switch (s->f[2].p[0]) {
	case 'A':
		if (!(r->has & GPS_HAS_POS))
			return -EBADMSG;
		/* RMC has no altitude: 3D only when GSA says so. */
		r->fix = nmea_fix(st, false, false);
		break;
	case 'V':
		r->fix = 1;
		r->has &= ~(uint32_t)GPS_HAS_POS;
		break;
	default:
		return -EBADMSG;
	}
	r->has |= GPS_HAS_FIX;
	return 1;
}

/* GSA: auto/manual, mode, 12 satellite ids, PDOP, HDOP, VDOP. */
static int
nmea_gsa(struct nmea *st, const struct nmea_sentence *s,
    struct gps_report *r)
{
	unsigned mode, used = 0;
	size_t i;
	double v;

	if (s->n < 18 || nmea_uint(&s->f[2], 3, &mode) < 0 || mode == 0)
		return -EBADMSG;
	for (i = 3; i < 15; i++)
		if (!nmea_empty(&s->f[i]))
			used++;
	st->gsa_mode = (uint8_t)mode;
	st->gsa_age = 0;
	r->fix = (uint8_t)mode;
	r->sats_used = (uint8_t)used;
	r->has |= GPS_HAS_FIX | GPS_HAS_SATS_USED;
	if (!nmea_empty(&s->f[16])) {
		if (nmea_num(&s->f[16], &v) < 0 || v < 0)
			return -EBADMSG;
		r->hdop = v;
		r->has |= GPS_HAS_HDOP;
	}
	if (!nmea_empty(&s->f[17])) {
		if (nmea_num(&s->f[17], &v) < 0 || v < 0)
			return -EBADMSG;
		r->vdop = v;
		r->has |= GPS_HAS_VDOP;
	}
	return 1;
}

/* VTG: course true, "T", course magnetic, "M", knots, "N", km/h, "K". */
static int
nmea_vtg(const struct nmea_sentence *s, struct gps_report *r)
{
	double v;

	if (s->n < 9)
		return -EBADMSG;
	if (!nmea_empty(&s->f[1])) {
		if (nmea_num(&s->f[1], &v) < 0 || v < 0 || v > 360)
			return -EBADMSG;
		r->heading = v;
		r->has |= GPS_HAS_HEADING;
	}
	if (!nmea_empty(&s->f[7])) {
		if (nmea_num(&s->f[7], &v) < 0 || v < 0 || v > 2e5)
			return -EBADMSG;
		r->speed = v;
		r->has |= GPS_HAS_SPEED;
	}
	return r->has != 0 ? 1 : 0;
}

/* GSV: messages, this one, satellites in view, then 4 per message. */
static int
nmea_gsv(const struct nmea_sentence *s, struct gps_report *r)
{
	unsigned n;

	if (s->n < 4 || nmea_uint(&s->f[3], 255, &n) < 0)
		return -EBADMSG;
	r->sats_visible = (uint8_t)n;
	r->has |= GPS_HAS_SATS_VIS;
	return 1;
}

int
nmea_parse(struct nmea *st, const char *line, size_t len,
    struct gps_report *ret)
{
	struct nmea_sentence s;
	struct gps_report r;
	int rc;

	if (len > NMEA_LINE_MAX)
		return -EMSGSIZE;
	if ((rc = nmea_split((const uint8_t *)line, len, &s)) < 0)
		return rc;
	memset(&r, 0, sizeof(r));
	if (strcmp(s.type, "GGA") == 0)
		rc = nmea_gga(st, &s, &r);
	else if (strcmp(s.type, "RMC") == 0)
		rc = nmea_rmc(st, &s, &r);
	else if (strcmp(s.type, "GSA") == 0)
		rc = nmea_gsa(st, &s, &r);
	else if (strcmp(s.type, "VTG") == 0)
		rc = nmea_vtg(&s, &r);
	else if (strcmp(s.type, "GSV") == 0)
		rc = nmea_gsv(&s, &r);
	else
		rc = 0;
	if (rc < 0)
		return rc;
	st->sentences++;
	if (rc > 0)
		*ret = r;
	return rc;
}
