/*
 * pending.h: confirmation requests not yet answered.
 *
 * A request to join or leave a list is kept here until the address
 * concerned confirms it with the token it was sent.  The token is random
 * (token_random) and stored only as a digest; a request is single-use (it
 * is deleted when it is used) and expires.  An address has at most one
 * open request per list and action: a new one replaces the old, whose
 * token stops working.
 */
#ifndef HERALD_PENDING_H
#define HERALD_PENDING_H

#include <stdint.h>

#include "addr.h"
#include "db.h"
#include "err.h"
#include "member.h"
#include "token.h"

enum pending_action { PENDING_SUBSCRIBE, PENDING_UNSUBSCRIBE };

/* Who asked: the address by mail, or the list's people by invitation. */
enum pending_origin { PENDING_BY_MAIL, PENDING_BY_INVITE };

struct pending {
	int64_t id;
	int64_t list_id;
	enum pending_action action;
	enum pending_origin origin;
	char address[ADDR_MAX + 1];
	char name[MEMBER_NAME_MAX + 1];		/* "" if none */
	int64_t created;
	int64_t expires;
};

const char *pending_action_name(enum pending_action a);
const char *pending_origin_name(enum pending_origin o);

/*
 * Records a request (p->list_id, action, origin, address, name; the
 * times are set here, expiring after lifetime seconds) and writes its new
 * token into token[TOKEN_RANDOM_LEN + 1].
 */
int pending_create(struct db *db, struct pending *p, int64_t lifetime,
    char *token, struct err *e);

/*
 * Takes the request of list_id that token confirms: fills *out and
 * deletes it, so that the token works once.  ERR_NOTFOUND if there is no
 * such request, or it has expired (then it is deleted too).
 */
int pending_take(struct db *db, int64_t list_id, const char *token,
    struct pending *out, struct err *e);

/* Calls fn for each open request of a list, oldest first. */
int pending_foreach(struct db *db, int64_t list_id,
    int (*fn)(const struct pending *p, void *arg), void *arg,
    struct err *e);

/* Cancels the requests for address (any spelling); ERR_NOTFOUND if none. */
int pending_cancel(struct db *db, int64_t list_id, const char *address,
    struct err *e);

/* Cancels every request of a list; *n receives how many. */
int pending_cancel_all(struct db *db, int64_t list_id, int64_t *n,
    struct err *e);

/* Deletes expired requests of every list. */
int pending_expire(struct db *db, struct err *e);

#endif
