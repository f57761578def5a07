/*
 * bounce_score.h: a member's bounce score, as arithmetic (no I/O).
 *
 * Each failure held against a member adds to the score: a hard one more
 * than a soft one.  At most one increment is made per member and UTC day,
 * so that a burst of posts to a dead address, or a report that arrives
 * twice, counts once; a hard failure on a day that already counted a
 * soft one raises that day's increment to the hard weight.  After a
 * quiet period with no failure the score starts again from 0, so that
 * occasional trouble over months never adds up to a removal.  Failures
 * that are the sending side's fault (BOUNCE_REASON_POLICY) never reach
 * the score: the caller records them as incidents of the list.
 */
#ifndef HERALD_BOUNCE_SCORE_H
#define HERALD_BOUNCE_SCORE_H

#include <stdint.h>

#include "bounce.h"

#define BOUNCE_DAY (24 * 60 * 60)

/* A list's rules (its settings, bounce_state_policy()). */
struct bounce_policy {
	int enabled;		/* act on the score at all */
	double threshold;	/* disable delivery at this score */
	double hard;		/* what a permanent failure adds */
	double soft;		/* what a temporary failure adds */
	int64_t reset_after;	/* quiet seconds after which the score is 0 */
	int64_t notices;	/* notices after the first, before removal */
	int64_t interval;	/* seconds between notices */
	int notify_disable;	/* tell the owners on disabling */
	int notify_remove;	/* tell the owners on removal */
};

/* A member's standing. */
struct bounce_standing {
	double score;
	int64_t day;		/* UTC day of the last increment */
	double day_add;		/* what that day added */
	int64_t last_at;	/* the last failure counted; 0 if none */
};

/* Mailman's defaults: threshold 5, hard 1, soft 0.5, 7 days, 3 a week. */
void bounce_score_defaults(struct bounce_policy *p);

/*
 * Counts a failure of kind at time at (epoch seconds) into s.  Returns
 * what it added to the score: the kind's weight, the difference to a
 * smaller increment made earlier that day, or 0.
 */
double bounce_score_add(const struct bounce_policy *p,
    struct bounce_standing *s, enum bounce_kind kind, int64_t at);

/* The score as it stands at now: 0 once the quiet period has passed. */
double bounce_score_at(const struct bounce_policy *p,
    const struct bounce_standing *s, int64_t now);

/* Nonzero if score has reached the policy's threshold. */
int bounce_score_over(const struct bounce_policy *p, double score);

#endif
