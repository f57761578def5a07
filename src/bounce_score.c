/*
 * bounce_score.c: a member's bounce score, as arithmetic.
 */
#include "bounce_score.h"

/* Scores are sums of short decimals: compare with room for rounding. */
#define EPSILON 1e-9

void
bounce_score_defaults(struct bounce_policy *p)
{
	p->enabled = 1;
	p->threshold = 5.0;
	p->hard = 1.0;
	p->soft = 0.5;
	p->reset_after = 7 * BOUNCE_DAY;
	p->notices = 3;
	p->interval = 7 * BOUNCE_DAY;
	p->notify_disable = 1;
	p->notify_remove = 1;
}

static double
weight(const struct bounce_policy *p, enum bounce_kind kind)
{
	switch (kind) {
	case BOUNCE_HARD:
		return p->hard;
	case BOUNCE_SOFT:
		return p->soft;
	case BOUNCE_NONE:
		break;
	}
	return 0;
}

static int
stale(const struct bounce_policy *p, const struct bounce_standing *s,
    int64_t now)
{
	return s->last_at > 0 && now - s->last_at >= p->reset_after;
}

double
bounce_score_add(const struct bounce_policy *p, struct bounce_standing *s,
    enum bounce_kind kind, int64_t at)
{
	double w = weight(p, kind), add;
	int64_t day = at / BOUNCE_DAY;

	if (w <= 0)
		return 0;
	if (stale(p, s, at))
		*s = (struct bounce_standing){ 0 };
	/* A report dated before the last counted day (a clock that went
	 * back, a late report) counts as part of that day. */
	if (s->last_at > 0 && day <= s->day) {
		add = w > s->day_add ? w - s->day_add : 0;
		if (add > 0)
			s->day_add = w;
	} else {
		add = w;
		s->day = day;
		s->day_add = w;
	}
	s->score += add;
	if (at > s->last_at)
		s->last_at = at;
	return add;
}

double
bounce_score_at(const struct bounce_policy *p,
    const struct bounce_standing *s, int64_t now)
{
	return stale(p, s, now) ? 0 : s->score;
}

int
bounce_score_over(const struct bounce_policy *p, double score)
{
	return score + EPSILON >= p->threshold;
}
