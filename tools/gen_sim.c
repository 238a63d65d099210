/* SPDX-License-Identifier: ISC */
/*
 * \summary: the event engine of osprey_gen: time, the medium, frame output
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_out.h"
#include "gen_rand.h"
#include "gen_sim.h"
#include "gen_traffic.h"
#include "gen_world.h"

/* A heap entry: ordered by time, then by when it was pushed. */
struct gen_hent {
	uint64_t	 t;
	uint32_t	 seq;
	uint32_t	 idx;
};

/* A built frame waiting for its turn. */
struct gen_pend {
	uint8_t		*data;
	size_t		 len;
	struct gen_meta	 meta;
};

/* Deferring longer than this means the channel is overloaded. */
#define MEDIUM_MAX_WAIT	4000

static bool
hent_less(const struct gen_hent *a, const struct gen_hent *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int
heap_push(struct gen_heap *h, uint64_t t, uint32_t seq, uint32_t idx)
{
	size_t i, p;
	struct gen_hent e = { t, seq, idx };

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		struct gen_hent *v = realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	for (i = h->n++; i > 0; i = p) {
		p = (i - 1) / 2;
		if (!hent_less(&e, &h->v[p]))
			break;
		h->v[i] = h->v[p];
	}
	h->v[i] = e;
	return 0;
}

static struct gen_hent
heap_pop(struct gen_heap *h)
{
	struct gen_hent top = h->v[0], last = h->v[--h->n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hent_less(&h->v[c + 1], &h->v[c]))
			c++;
		if (!hent_less(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

void
gen_sim_at(struct gen_sim *s, uint64_t t, enum gen_ev kind, uint32_t idx)
{
	if (heap_push(&s->events, t, s->seq++, idx << 2 | kind) != 0 &&
	    s->error == 0) {
		s->error = -ENOMEM;
		s->stop = true;
	}
}

uint32_t
gen_sim_sifs(uint8_t ch)
{
	return ch <= 14 ? 10 : 16;
}

uint64_t
gen_sim_medium(struct gen_sim *s, uint8_t ch, uint64_t t)
{
	uint32_t slot = 9, difs = gen_sim_sifs(ch) + 2 * slot;

	if (s->busy[ch] > t && s->busy[ch] - t < MEDIUM_MAX_WAIT)
		t = s->busy[ch];
	return t + difs + slot * gen_rand_below(s->rnd, 16);
}

void
gen_sim_release(struct gen_sim *s, uint8_t ch, uint64_t t)
{
	if (t > s->busy[ch])
		s->busy[ch] = t;
}

void
gen_sim_begin(struct gen_sim *s, uint64_t t, const struct gen_tx *tx)
{
	struct gen_radio *r = &s->radio;
	int sig;

	s->buf.len = 0;
	s->t = t;
	/* Fading: a few dB either way around the device's level. */
	sig = tx->signal + gen_rand_range(s->rnd, -3, 3) +
	    gen_rand_range(s->rnd, -2, 2);
	if (sig > -20)
		sig = -20;
	/* The sensor's TSF: running since before the capture started. */
	r->tsft = t + 0x1234567ULL;
	r->freq = gen_world_freq(tx->ch);
	r->phy = tx->phy;
	r->rate = tx->rate;
	r->mcs = tx->mcs;
	r->nss = tx->nss;
	r->bw = tx->bw;
	r->sgi = tx->sgi;
	r->short_preamble = tx->phy == GEN_PHY_CCK && tx->rate > 2;
	r->signal = (int8_t)sig;
	r->noise = s->noise[tx->ch];
	r->antenna = (uint8_t)gen_rand_below(s->rnd, 2);
	if (s->opt->radiotap)
		gen_radiotap(&s->buf, r, true);
	s->start = s->buf.len;
}

/*
 * The sensor hears strong frames always, weak ones less often, and when
 * it hops, only those on the channel it is tuned to.  A --hello probe is
 * never lost to a weak signal: that mode promises every client.
 */
static bool
heard(struct gen_sim *s)
{
	int sig = s->radio.signal;

	if (s->n_hop > 0 &&
	    s->hop_freq[(s->t / s->opt->hop_us) % s->n_hop] != s->radio.freq)
		return false;
	if (sig >= -80 || s->sure)
		return true;
	return gen_rand_chance(s->rnd, 1.0 - (-80 - sig) * 0.05);
}

static int
pend_alloc(struct gen_sim *s, uint32_t *ret)
{
	struct gen_pend *p;
	uint32_t *f;
	size_t n;

	if (s->nfree > 0) {
		*ret = s->free[--s->nfree];
		return 0;
	}
	n = s->npool ? s->npool * 2 : 256;
	if ((p = realloc(s->pool, n * sizeof(*p))) == NULL)
		return -ENOMEM;
	s->pool = p;
	if ((f = realloc(s->free, n * sizeof(*f))) == NULL)
		return -ENOMEM;
	s->free = f;
	for (; s->npool < n; s->npool++) {
		if ((p[s->npool].data = malloc(GEN_FRAME_MAX)) == NULL)
			return -ENOMEM;
		s->free[s->nfree++] = (uint32_t)s->npool;
	}
	*ret = s->free[--s->nfree];
	return 0;
}

uint64_t
gen_sim_end(struct gen_sim *s, const struct gen_meta *m)
{
	size_t flen = s->buf.len - s->start + 4;
	uint64_t end = s->t + gen_airtime(&s->radio, flen);
	struct gen_pend *p;
	uint32_t i;

	if (s->opt->radiotap)
		gen_fcs_append(&s->buf, s->start);
	if (!heard(s) || s->stop)
		return end;
	if (pend_alloc(s, &i) != 0 ||
	    heap_push(&s->frames, s->t, s->seq++, i) != 0) {
		s->error = -ENOMEM;
		s->stop = true;
		return end;
	}
	p = &s->pool[i];
	memcpy(p->data, s->buf.data, s->buf.len);
	p->len = s->buf.len;
	p->meta = *m;
	return end;
}

/*
 * A file name for the first frame of each kind (its label, protected or
 * not, retry or not) in frames-dir mode, NULL for the others.
 */
static const char *
kind_name(struct gen_sim *s, const struct gen_meta *m)
{
	char kind[48];
	size_t i;

	snprintf(kind, sizeof(kind), "%s%s%s", m->label ? m->label : "frame",
	    m->prot ? "-protected" : "", m->retry ? "-retry" : "");
	for (i = 0; i < s->n_kinds; i++)
		if (strcmp(s->kinds[i], kind) == 0)
			return NULL;
	if (s->n_kinds == GEN_SIM_MAX_KINDS)
		return NULL;
	memcpy(s->kinds[s->n_kinds++], kind, sizeof(kind));
	snprintf(s->name, sizeof(s->name), "%02u%02u-%s", m->type, m->subtype,
	    kind);
	s->st->kinds++;
	return s->name;
}

static void
count(struct gen_stats *st, const struct gen_meta *m, struct gen_world *w)
{
	st->by_type[m->type & 3][m->subtype & 15]++;
	if (m->prot)
		st->protected_++;
	if (m->retry)
		st->retries++;
	if (m->eapol >= 1 && m->eapol <= 4)
		st->eapol_key[m->eapol]++;
	if (m->eap)
		st->eap++;
	if (m->beacon_ap >= 0)
		w->aps[m->beacon_ap].beacons++;
	if (m->probe_ap >= 0)
		w->ap_probed[m->probe_ap] = true;
	if (m->probe_fake >= 0)
		w->fake_probed[m->probe_fake] = true;
}

/* Write every waiting frame that starts before t. */
static void
flush(struct gen_sim *s, uint64_t t)
{
	const struct gen_sim_opts *o = s->opt;
	struct gen_hent e;
	struct gen_pend *p;
	const char *name;
	int r;

	while (s->frames.n > 0 && s->frames.v[0].t < t && !s->stop) {
		e = heap_pop(&s->frames);
		p = &s->pool[e.idx];
		s->free[s->nfree++] = e.idx;
		if (o->duration_us && e.t >= o->duration_us)
			continue;
		name = o->frames_dir ? kind_name(s, &p->meta) : NULL;
		r = gen_out_write(s->out, o->epoch_us + e.t, p->data, p->len,
		    name);
		if (r != 0) {
			s->error = r;
			s->stop = true;
			break;
		}
		if (s->st->frames == 0)
			s->st->first_us = o->epoch_us + e.t;
		s->st->last_us = o->epoch_us + e.t;
		s->st->frames++;
		s->st->bytes += p->len;
		count(s->st, &p->meta, s->w);
		if (o->max_frames && s->st->frames >= o->max_frames)
			s->stop = true;
	}
}

/* The distinct channels of the world, in list order, to hop over. */
static void
hop_list(struct gen_sim *s)
{
	size_t i, k;
	uint16_t f;

	for (i = 0; i < s->w->n_channels && s->n_hop < GEN_SIM_MAX_HOP; i++) {
		f = gen_world_freq(s->w->channels[i]);
		for (k = 0; k < s->n_hop && s->hop_freq[k] != f; k++)
			;
		if (k == s->n_hop)
			s->hop_freq[s->n_hop++] = f;
	}
}

int
gen_sim_run(struct gen_world *w, struct gen_rand *rnd,
    const struct gen_sim_opts *opt, struct gen_out *out, struct gen_stats *st)
{
	struct gen_sim *s;
	struct gen_hent e;
	size_t i;
	int r;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->w = w;
	s->rnd = rnd;
	s->opt = opt;
	s->out = out;
	s->st = st;
	memset(st, 0, sizeof(*st));
	for (i = 0; i < 200; i++)
		s->noise[i] = (int8_t)gen_rand_range(rnd, -98, -90);
	if (opt->hop_us > 0)
		hop_list(s);
	gen_traffic_start(s);
	while (!s->stop && s->events.n > 0) {
		e = heap_pop(&s->events);
		if (opt->duration_us && e.t >= opt->duration_us)
			break;
		/* Nothing built from now on can start before e.t. */
		flush(s, e.t);
		if (s->stop)
			break;
		s->now = e.t;
		switch (e.idx & 3) {
		case GEN_EV_BEACON:
			gen_traffic_beacon(s, e.idx >> 2, e.t);
			break;
		case GEN_EV_CLIENT:
			gen_traffic_client(s, e.idx >> 2, e.t);
			break;
		default:
			gen_traffic_hello(s, e.idx >> 2, e.t);
			break;
		}
	}
	flush(s, UINT64_MAX);
	r = s->error;
	for (i = 0; i < s->npool; i++)
		free(s->pool[i].data);
	free(s->pool);
	free(s->free);
	free(s->events.v);
	free(s->frames.v);
	free(s);
	return r;
}
