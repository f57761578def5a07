/*
 * oneclick.h: what herald serve answers at WEB_URL/unsubscribe/TOKEN
 * (RFC 8058).
 *
 *   POST, body List-Unsubscribe=One-Click (as a form, urlencoded or
 *        multipart): unsubscribes the member whose token it is, at once,
 *        and says so.
 *   GET (and HEAD): a small page with a button that sends that POST.
 *        It never changes anything: link scanners and previews fetch
 *        every URL in a message, and must not unsubscribe anyone.
 *   A forged, mangled or revoked token, or one of a member who has left,
 *        gets a refusal (404) that says nothing about anyone.
 *
 * The path may have any prefix before /unsubscribe/, so that a web
 * server in front can pass on the path of web_url as it is.
 */
#ifndef HERALD_ONECLICK_H
#define HERALD_ONECLICK_H

#include "ctx.h"
#include "httpd.h"
#include "list.h"

/* What a request came to, for the one log line. */
struct oneclick_outcome {
	const char *what;		/* "page", "unsubscribed", ... */
	int changed;			/* a member was removed */
	char list[ADDR_MAX + 1];	/* the list's address, or "" */
	char address[ADDR_MAX + 1];	/* the member's, or "" */
};

/*
 * Answers one request into rs.  -1 only when the database failed (rs is
 * then a 503 or 500 page and e says why); nothing has changed then.
 * The context's secret must be loaded.
 */
int oneclick_answer(struct ctx *c, const struct httpd_request *rq,
    struct httpd_response *rs, struct oneclick_outcome *out, struct err *e);

#endif
