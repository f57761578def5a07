/*
 * subscribe.h: joining and leaving a list, with the address's consent.
 *
 * Nobody is subscribed against their will: a subscription becomes active
 * only when the address itself confirms, with the token sent to it
 * (pending.h).  Leaving by mail needs the same confirmation, unless the
 * request carries the member's own unsubscribe token (unsub.h), which
 * only a recipient of the member's copies knows.
 *
 * Nothing these functions send tells anyone but the address concerned
 * about it: the confirmation request is the same whether or not the
 * address is a member, and goes only to that address.  A mailbox (case
 * and subaddress ignored, addr.h) gets at most one confirmation request
 * per list in SUBSCRIBE_WINDOW seconds, whatever variant of it is used.
 *
 * Each runs in the caller's transaction; the mail it sends is queued as
 * outmail (notice.h).
 */
#ifndef HERALD_SUBSCRIBE_H
#define HERALD_SUBSCRIBE_H

#include "ctx.h"
#include "list.h"
#include "member.h"
#include "pending.h"

#define SUBSCRIBE_WINDOW 86400	/* one confirmation request per mailbox */

/* What a request or a confirmation came to, for the record. */
enum subscribe_outcome {
	SUB_ASKED,		/* a confirmation request was queued */
	SUB_LIMITED,		/* the mailbox had one within the window */
	SUB_JOINED,		/* now a member */
	SUB_WAS_MEMBER,		/* already was: nothing changed */
	SUB_LEFT,		/* no longer a member */
	SUB_WAS_NOT_MEMBER	/* was not one: nothing changed */
};

const char *subscribe_outcome_name(enum subscribe_outcome o);

struct subscribe_req {
	const struct list *list;
	enum pending_action action;
	enum pending_origin origin;
	const char *address;		/* the address concerned */
	const char *name;		/* display name to keep, or NULL */
	const char *in_reply_to;	/* Message-ID answered, or NULL */
};

/*
 * Asks r->address to confirm the request, within the rate limit:
 * SUB_ASKED or SUB_LIMITED.  ERR_PERM if the address cannot be sent to.
 */
int subscribe_ask(struct ctx *c, const struct subscribe_req *r,
    enum subscribe_outcome *out, struct err *e);

/*
 * Carries out the request token confirms, and says so to its address
 * (welcome or goodbye, the same whether or not anything changed).
 * ERR_NOTFOUND if the token confirms nothing (unknown, used, expired).
 * *p receives the request, answer says whether the confirmation came
 * as mail (Herald's message is then an auto-reply).
 */
int subscribe_confirm(struct ctx *c, const struct list *l,
    const char *token, int answer, struct pending *p,
    enum subscribe_outcome *out, struct err *e);

/*
 * Removes member m at once (m proved to be a recipient of list mail, or
 * confirmed) and, if farewell, sends the goodbye; owners are told if the
 * list wants it.  how says by what means, for the owners.
 */
int subscribe_remove(struct ctx *c, const struct list *l,
    const struct member *m, const char *how, int farewell, int answer,
    struct err *e);

#endif
