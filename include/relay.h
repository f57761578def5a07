/*
 * relay.h: how much each relay is trusted with, from moment to moment.
 *
 * Pure bookkeeping, no I/O: the SMTP adapter asks which relay should take
 * the next copy and tells what came of each transaction.
 *
 * - Weights: among the relays that can take a copy now, smooth weighted
 *   round robin: a relay of weight 3 gets three copies for every one a
 *   relay of weight 1 gets, evenly interleaved.
 * - Failover: a relay that cannot be reached (refused or dropped
 *   connection, a failed greeting) is down for a while (10 s, doubling up
 *   to 5 minutes); the others carry the load.
 * - Adaptive backoff: a relay that answers 421 ("closing the session") or
 *   a run of 4xx replies is throttled: its connections are halved and a
 *   configured rate too, for a minute; each calm minute gives one back.
 * - Rate limit: a relay with a rate takes at most that many copies a
 *   second (a token bucket with no burst beyond one second's worth).
 */
#ifndef HERALD_RELAY_H
#define HERALD_RELAY_H

#include <stdint.h>

#define RELAY_DOWN_MIN_MS 10000
#define RELAY_DOWN_MAX_MS 300000
#define RELAY_CALM_MS 60000
#define RELAY_TEMP_RUN 5	/* 4xx in a row that count as trouble */

struct relay_state {
	int weight;
	int max_conns;		/* as configured */
	double max_rate;	/* as configured; 0: none */
	int conns;		/* allowed now */
	double rate;		/* allowed now; 0: none */
	int busy;		/* transactions in flight */
	int current;		/* smooth round robin */
	int64_t down_until;	/* ms; 0 if up */
	int64_t down_for;	/* the last down period, ms */
	int64_t trouble_at;	/* ms of the last throttling */
	int64_t calm_check;	/* ms when conns was last raised */
	int temp_run;		/* consecutive 4xx */
	double tokens;
	int64_t tokens_at;
};

enum relay_outcome {
	RELAY_OK,		/* the relay answered 2xx */
	RELAY_MEMBER_TEMP,	/* 4xx about a recipient */
	RELAY_MEMBER_PERM,	/* 5xx about a recipient */
	RELAY_THROTTLED,	/* 421, or 4xx before any recipient */
	RELAY_UNREACHABLE	/* no session: connect, TLS, greeting */
};

void relay_init(struct relay_state *r, int weight, int conns, double rate,
    int64_t now);

/* Whether r can start a transaction at now. */
int relay_ready(struct relay_state *r, int64_t now);

/* Whether r is down (unreachable) at now. */
int relay_down(const struct relay_state *r, int64_t now);

/*
 * The relay that should take the next copy among rs[0..n), or -1 if none
 * can now.  Counts the transaction as started (busy, rate token).
 */
int relay_pick(struct relay_state *rs, int n, int64_t now);

/* A transaction on r ended with outcome. */
void relay_done(struct relay_state *r, enum relay_outcome o, int64_t now);

/*
 * Milliseconds until some relay that is idle for want of a rate token or
 * because it is down may become ready; -1 if none is waiting for either.
 */
int64_t relay_wait_ms(const struct relay_state *rs, int n, int64_t now);

#endif
