/*
 * unsub.h: each member's unsubscribe token, for NAME-leave+TOKEN@ and the
 * one-click link WEB_URL/unsubscribe/TOKEN (RFC 8058).
 *
 * The token names the member (and through it the list) by id, with no
 * address in it, and is authenticated under the site secret and the
 * member's unsub_epoch (token.h): raising the epoch revokes every link the
 * member was ever sent.  Whoever holds a member's token can unsubscribe
 * that member at once, so it is written only into that member's own
 * copies; members' ids are never reused, so a member who leaves and joins
 * again gets tokens of a new id.
 *
 * The context's secret must be loaded (ctx_secret) before these calls.
 */
#ifndef HERALD_UNSUB_H
#define HERALD_UNSUB_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "ctx.h"
#include "list.h"
#include "member.h"
#include "token.h"

#define UNSUB_URL_MAX (CONF_WEB_URL_MAX + TOKEN_LEN + 32)

/*
 * A member's own ways out of a list: NAME-leave+TOKEN@, which
 * unsubscribes at once, and the one-click URL ("" without web_url).
 */
struct unsub_links {
	char address[ADDR_MAX + 1];
	char url[UNSUB_URL_MAX];
};

/* The token of member id, into out[TOKEN_LEN + 1]. */
int unsub_token(struct ctx *c, int64_t member_id, char *out, struct err *e);

/*
 * The member a token names if it is genuine and not revoked; else
 * ERR_NOTFOUND (forged, mangled, revoked, or the member has left).
 */
int unsub_check(struct ctx *c, const char *token, struct member *out,
    struct err *e);

/* The links of member id of list l. */
int unsub_links(struct ctx *c, const struct list *l, int64_t member_id,
    struct unsub_links *out, struct err *e);

/* The same, for a member whose unsub_epoch the caller has read. */
int unsub_links_epoch(struct ctx *c, const struct list *l,
    int64_t member_id, int64_t epoch, struct unsub_links *out,
    struct err *e);

/* Revokes the member's tokens: a new epoch, so new tokens. */
int unsub_revoke(struct db *db, int64_t member_id, struct err *e);

/*
 * The one-click URL of a token, WEB_URL/unsubscribe/TOKEN, into out;
 * "" when the site has no web_url.  -1 if it does not fit.
 */
int unsub_url(const struct conf *conf, const char *token, char *out,
    size_t size);

#endif
