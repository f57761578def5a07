/*
 * moderate.h: held posts and the moderators' decisions.
 *
 * A held post stays in the spool whole, as it was received; its record
 * says why it is held, who sent it and until when it waits.  Each
 * moderator of the list (the owners, if it has none) gets one notice per
 * held post, with the reason, the sender, the subject and the first
 * lines, sent from NAME-owner@ with Reply-To NAME-owner+TOKEN@.  The
 * token is 128 random bits; the record keeps only its SHA-256, so that a
 * copy of the database cannot approve anything.  NAME-owner@ with an
 * argument is thus a moderator's answer, and without one mail for the
 * owners (inbound.c dispatches); confirmations of subscriptions use
 * NAME-confirm+TOKEN@ and never meet these tokens.
 *
 * A decision is approve (the post goes on through the normal rendering
 * and delivery, as if it had just arrived, without being screened
 * again), always (approve, and accept the sender from now on), reject
 * (discarded; the sender is told, with the moderator's reason if any) or
 * discard (nobody is told).  Posts nobody decides about are discarded
 * after the list's held_expiry.
 *
 * The poster hears "held for moderation" at most once a day, and only
 * when a person can be told: never for automatic mail, a post without a
 * From address, or a From naming one of the lists here.
 */
#ifndef HERALD_MODERATE_H
#define HERALD_MODERATE_H

#include <stdint.h>

#include "addr.h"
#include "ctx.h"
#include "err.h"
#include "inbound.h"
#include "list.h"
#include "msg.h"

#define HELD_TEXT_MAX 256

enum moderate_decision { MOD_APPROVE, MOD_ALWAYS, MOD_REJECT, MOD_DISCARD };

/* A held post, as the record has it. */
struct held {
	int64_t post_id;
	int64_t list_id;
	char list[ADDR_MAX + 1];		/* name@domain */
	char poster[ADDR_MAX + 1];		/* "" if unknown */
	char reason[HELD_TEXT_MAX];
	char subject[HELD_TEXT_MAX];
	char state[16];			/* waiting, approved, ... */
	int64_t size;
	int64_t held_at;
	int64_t expires;
	int notify;
};

/* What moderate_hold needs to know. */
struct hold_request {
	const struct list *list;
	int64_t post_id;
	struct msg *m;			/* the post, for its subject and text */
	const char *poster;		/* the From address, or "" */
	int notify;			/* the poster may be told */
	const char *reason;
};

/*
 * Holds a post: records it and queues the notices.  Runs in the caller's
 * transaction.
 */
int moderate_hold(struct ctx *c, const struct hold_request *h,
    struct err *e);

/*
 * Tells the sender of a refused post why (the "refused" notice), at most
 * once a day per sender.  Runs in the caller's transaction.
 */
int moderate_tell_refused(struct ctx *c, const struct list *l,
    struct msg *m, const char *poster, const char *reason, struct err *e);

/*
 * Decides about held post post_id: ERR_NOTFOUND if no such post is held,
 * ERR_EXISTS if it was decided already.  reason (may be NULL) goes to the
 * sender of a rejected post; by names who decided, for the record.  Runs
 * in the caller's transaction.  An approved post is in state new
 * afterwards: post_process() sends it.
 */
int moderate_decide(struct ctx *c, int64_t post_id,
    enum moderate_decision d, const char *reason, const char *by,
    struct err *e);

/* Whether a moderator approved post_id (so it is not screened again). */
int moderate_approved(struct ctx *c, int64_t post_id, int *yes,
    struct err *e);

/* Discards the held posts whose time is up; each in a transaction. */
int moderate_expire(struct ctx *c, struct err *e);

int moderate_get(struct ctx *c, int64_t post_id, struct held *out,
    struct err *e);

/*
 * Calls fn for each post still waiting (of list_id, or of every list if
 * list_id is 0), oldest first, until fn fails.
 */
int moderate_foreach(struct ctx *c, int64_t list_id,
    int (*fn)(const struct held *h, void *arg), void *arg, struct err *e);

/*
 * Reads a decision from the first line of a moderator's reply:
 * "approve", "always", "reject [reason]", "discard" (case ignored).
 * *rest points at the reason (borrowed, in line; "" if none).  -1 if the
 * line holds no decision.
 */
int moderate_parse(const char *line, enum moderate_decision *d,
    const char **rest);

/* The handler for mail to NAME-owner+TOKEN@ (inbound.h). */
int moderate_handle(struct inbound *in, struct err *e);

const char *moderate_decision_name(enum moderate_decision d);

#endif
