/*
 * deliver.h: the delivery engine.
 *
 * Streams the due copies of each post from the database in small batches
 * (memory does not grow with the list), sends each as its own transaction
 * with MAIL FROM the list's bounce address carrying the member's token,
 * and records outcomes.  Outcomes of finished transactions are committed
 * together before their slots take new work, so after a crash at most one
 * copy per slot can have been sent without being recorded; those are the
 * only copies a restart sends twice.
 *
 * The caller holds the delivery lock (worker.h): one engine per spool.
 */
#ifndef HERALD_DELIVER_H
#define HERALD_DELIVER_H

#include <stdint.h>

#include "ctx.h"
#include "err.h"

struct deliver_stats {
	int64_t posts;		/* posts worked on */
	int64_t sent;		/* copies the relay accepted */
	int64_t failed;		/* copies failed for good */
	int64_t deferred;	/* copies to be retried */
	int relay_down;		/* a relay problem stopped some post */
};

/* What the caller hears while the engine runs; each may be NULL. */
struct deliver_ui {
	/* After each post, with its figures. */
	void (*report)(int64_t post_id, const char *list,
	    const struct deliver_stats *post, double seconds, void *arg);
	/* Now and then during a post: copies done of total, per second. */
	void (*progress)(int64_t post_id, int64_t done, int64_t total,
	    double rate, void *arg);
	void *arg;
};

/* Processes new posts and sends every copy that is due now. */
int deliver_run(struct ctx *c, struct deliver_stats *st,
    const struct deliver_ui *ui, struct err *e);

/*
 * When the next copy falls due (epoch seconds), or 0 if nothing waits;
 * a held post's expiry and a bounce notice count as due too, since a
 * delivery run is what handles them.
 */
int deliver_next_due(struct ctx *c, int64_t *when, struct err *e);

#endif
