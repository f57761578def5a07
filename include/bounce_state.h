/*
 * bounce_state.h: what Herald does about failed deliveries: every
 * failure, complaint or report is recorded against the member it is
 * about, with its evidence (bounce_event, one row per event); failures
 * that are the member's count into the member's score (bounce_score.h);
 * past the list's threshold, delivery to the member is disabled (the
 * member stays subscribed) and the member is told how to turn it back
 * on: by replying to the notice, whose Reply-To is the list's bounce
 * address with a token only that member received (TOKEN_REENABLE).
 * Further notices follow at the list's interval; after the last one the
 * member is removed.  The owners are told of each disabling and removal.
 *
 * A failure caused by the sending side (BOUNCE_REASON_POLICY: DMARC, a
 * blocklisted sender, spam content) is an incident of the list: recorded,
 * never counted against the member.  A complaint (ARF) is an event of its
 * own: delivery to the member stops at once and the owners are told; the
 * member gets no mail about it.
 *
 * Privacy: a member's notices go to that member only, and name no one
 * else; the owners' notices go to the owners only.
 *
 * Every function that changes state is atomic (a savepoint) and may run
 * inside the caller's transaction: the delivery engine's record of a
 * refused copy, the inbound handler's.  Notices are queued as outmail in
 * the same transaction.
 */
#ifndef HERALD_BOUNCE_STATE_H
#define HERALD_BOUNCE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "bounce.h"
#include "bounce_score.h"
#include "ctx.h"
#include "err.h"
#include "member.h"

#define BOUNCE_WHAT_MAX 256

/* How Herald learnt of an event, and so which member it is. */
enum bounce_source {
	BOUNCE_SRC_SMTP,	/* the relay refused the copy while sending */
	BOUNCE_SRC_TOKEN,	/* mail at the member's bounce address */
	BOUNCE_SRC_MATCH,	/* a report without a usable token, matched
				 * to the member by its address */
	BOUNCE_SRC_REPLY,	/* the member answered a notice */
	BOUNCE_SRC_ADMIN,	/* herald member enable|disable */
	BOUNCE_SRC_TIMER	/* bounce_state_tick */
};

/* One thing learnt about the mail of one member. */
struct bounce_fact {
	int64_t member_id;
	enum bounce_source source;
	enum bounce_class cls;		/* FAILURE, COMPLAINT, DELAY, ... */
	enum bounce_kind kind;		/* for a failure: HARD or SOFT */
	enum bounce_reason reason;	/* for a failure */
	const char *status;		/* "5.1.1", "550" or ""; borrowed */
	const char *diag;		/* diagnostic text or ""; borrowed */
	int64_t at;			/* epoch seconds */
	int64_t post_id;		/* the post it concerns; 0: unknown */
	int64_t inbound_id;		/* the mail it came in; 0: none */
};

/* "smtp", "token", "match", ... as in the record. */
const char *bounce_source_name(enum bounce_source s);

/* The rules of list_id, from its settings. */
int bounce_state_policy(struct db *db, int64_t list_id,
    struct bounce_policy *p, struct err *e);

/*
 * Records f and acts on it.  A failure not of policy counts into the
 * score and, past the threshold, disables delivery (notices to the member
 * and the owners); a complaint disables delivery and tells the owners;
 * anything else is only recorded.  what[BOUNCE_WHAT_MAX] receives a line
 * saying what was done.  A member that no longer exists is no error
 * (what says so).
 */
int bounce_state_record(struct ctx *c, const struct bounce_fact *f,
    char *what, struct err *e);

/*
 * A copy refused by the relay (deliver.c): the SMTP reply code and text,
 * permanent for a 5xx, else a 4xx that was retried until given up.
 */
int bounce_state_smtp(struct ctx *c, int64_t member_id, int64_t post_id,
    int code, const char *text, int permanent, struct err *e);

/*
 * The member answered a "delivery disabled" notice.  automatic is why the
 * answer is automatic mail (automail.h), or NULL if a person wrote it:
 * only a person's answer turns delivery back on, and only when it was
 * disabled for bounces.
 */
int bounce_state_reply(struct ctx *c, int64_t member_id, int64_t inbound_id,
    const char *automatic, char *what, struct err *e);

/*
 * herald member enable|disable: delivery on (the score starts again from
 * 0) or off.  ERR_EXISTS if it is already so.
 */
int bounce_state_enable(struct ctx *c, int64_t member_id, struct err *e);
int bounce_state_disable(struct ctx *c, int64_t member_id, struct err *e);

/*
 * The periodic part: sends the notices that are due to members whose
 * delivery is disabled for bounces, and removes those who had their last
 * notice.  Each member is one transaction of its own.  Called by the
 * delivery engine on every run; bounce_state_tick_at takes the time, for
 * tests.
 */
int bounce_state_tick(struct ctx *c, struct err *e);
int bounce_state_tick_at(struct ctx *c, int64_t now, struct err *e);

/* A member's standing, for herald bounces. */
struct bounce_row {
	struct member m;
	double score;			/* as it stands now */
	struct bounce_standing s;
	char last_kind[8];		/* of the last failure: "hard" ... */
	char last_reason[24];
	char last_status[BOUNCE_STATUS_MAX];
	char last_diag[BOUNCE_DIAG_MAX];
	int64_t disabled_at;		/* 0 if delivery is on */
	int64_t notices;		/* sent since disabling */
	int64_t next_notice;		/* 0 if none is due */
};

/*
 * Calls fn for each member of list_id with a bounce record or with
 * delivery disabled, ordered by address, until fn fails.
 */
int bounce_state_foreach(struct ctx *c, int64_t list_id,
    int (*fn)(const struct bounce_row *r, void *arg), void *arg,
    struct err *e);

/* One row of the record. */
struct bounce_event_row {
	int64_t id;
	int64_t at;
	char address[ADDR_MAX + 1];
	char source[8];
	char event[12];
	char reason[24];
	char status[BOUNCE_STATUS_MAX];
	char diag[BOUNCE_DIAG_MAX];
	double score;
};

/* Calls fn for the last limit events of list_id, oldest first. */
int bounce_state_events(struct ctx *c, int64_t list_id, int64_t limit,
    int (*fn)(const struct bounce_event_row *r, void *arg), void *arg,
    struct err *e);

/* How many policy incidents list_id had since a time. */
int bounce_state_incidents(struct ctx *c, int64_t list_id, int64_t since,
    int64_t *n, struct err *e);

#endif
