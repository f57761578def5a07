/*
 * relay.c: how much each relay is trusted with, from moment to moment.
 */
#include "relay.h"

void
relay_init(struct relay_state *r, int weight, int conns, double rate,
    int64_t now)
{
	*r = (struct relay_state){
		.weight = weight > 0 ? weight : 1,
		.max_conns = conns > 0 ? conns : 1,
		.max_rate = rate > 0 ? rate : 0,
		.conns = conns > 0 ? conns : 1,
		.rate = rate > 0 ? rate : 0,
		.tokens = rate > 0 ? 1 : 0,
		.tokens_at = now,
		.calm_check = now,
	};
}

int
relay_down(const struct relay_state *r, int64_t now)
{
	return r->down_until > now;
}

/* A calm minute since the last trouble gives back one connection. */
static void
recover(struct relay_state *r, int64_t now)
{
	if (r->conns >= r->max_conns && r->rate >= r->max_rate)
		return;
	if (now - r->trouble_at < RELAY_CALM_MS ||
	    now - r->calm_check < RELAY_CALM_MS)
		return;
	r->calm_check = now;
	if (r->conns < r->max_conns)
		r->conns++;
	if (r->max_rate > 0 && r->rate < r->max_rate) {
		r->rate *= 2;
		if (r->rate > r->max_rate)
			r->rate = r->max_rate;
	}
}

static void
refill(struct relay_state *r, int64_t now)
{
	double cap;

	if (r->rate <= 0)
		return;
	/* At most one second's worth: a rate is not a burst allowance. */
	cap = r->rate < 1 ? 1 : r->rate;
	r->tokens += (double)(now - r->tokens_at) * r->rate / 1000.0;
	if (r->tokens > cap)
		r->tokens = cap;
	r->tokens_at = now;
}

int
relay_ready(struct relay_state *r, int64_t now)
{
	if (relay_down(r, now))
		return 0;
	recover(r, now);
	if (r->busy >= r->conns)
		return 0;
	refill(r, now);
	return r->rate <= 0 || r->tokens >= 1;
}

int
relay_pick(struct relay_state *rs, int n, int64_t now)
{
	int i, best = -1, total = 0;

	for (i = 0; i < n; i++) {
		if (!relay_ready(&rs[i], now))
			continue;
		rs[i].current += rs[i].weight;
		total += rs[i].weight;
		if (best < 0 || rs[i].current > rs[best].current)
			best = i;
	}
	if (best < 0)
		return -1;
	rs[best].current -= total;
	rs[best].busy++;
	if (rs[best].rate > 0)
		rs[best].tokens -= 1;
	return best;
}

static void
throttle(struct relay_state *r, int64_t now)
{
	r->trouble_at = now;
	r->calm_check = now;
	r->temp_run = 0;
	if (r->conns > 1)
		r->conns /= 2;
	if (r->rate > 0 && r->rate > 0.1)
		r->rate /= 2;
}

void
relay_done(struct relay_state *r, enum relay_outcome o, int64_t now)
{
	if (r->busy > 0)
		r->busy--;
	switch (o) {
	case RELAY_OK:
	case RELAY_MEMBER_PERM:
		r->temp_run = 0;
		r->down_for = 0;
		break;
	case RELAY_MEMBER_TEMP:
		if (++r->temp_run >= RELAY_TEMP_RUN)
			throttle(r, now);
		break;
	case RELAY_THROTTLED:
		throttle(r, now);
		break;
	case RELAY_UNREACHABLE:
		r->down_for = r->down_for == 0 ? RELAY_DOWN_MIN_MS :
		    r->down_for * 2;
		if (r->down_for > RELAY_DOWN_MAX_MS)
			r->down_for = RELAY_DOWN_MAX_MS;
		r->down_until = now + r->down_for;
		break;
	}
}

int64_t
relay_wait_ms(const struct relay_state *rs, int n, int64_t now)
{
	int64_t best = -1, w;
	int i;

	for (i = 0; i < n; i++) {
		const struct relay_state *r = &rs[i];

		if (relay_down(r, now))
			w = r->down_until - now;
		else if (r->rate > 0 && r->tokens < 1 && r->busy < r->conns)
			w = (int64_t)((1 - r->tokens) * 1000.0 / r->rate) + 1;
		else
			continue;
		if (best < 0 || w < best)
			best = w;
	}
	return best;
}
