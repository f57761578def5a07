/*
 * bounce_notice.h: the notices of bounce processing, from templates:
 *
 *   bounce-disabled         to the member: delivery is disabled; reply to
 *                           turn it back on (Reply-To: the list's bounce
 *                           address with the member's TOKEN_REENABLE)
 *   bounce-enabled          to the member: delivery is on again
 *   bounce-owner-disabled   to the owners: delivery to a member disabled
 *   bounce-owner-removed    to the owners: a member removed for bounces
 *   bounce-owner-complaint  to the owners: a member complained
 *
 * Placeholders, besides the list's own: address (the member's), reason
 * (in words), reason_code, status, diagnostic, date (of the failure),
 * score, threshold, remove_date, and in bounce-disabled enable_address.
 * A member's notice names that member only.
 */
#ifndef HERALD_BOUNCE_NOTICE_H
#define HERALD_BOUNCE_NOTICE_H

#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "list.h"
#include "member.h"

/* What a notice tells: the failure that led to it. */
struct bounce_evidence {
	const char *reason;	/* bounce_reason_name(); "" if none */
	const char *status;	/* "" if none */
	const char *diag;	/* "" if none */
	int64_t at;		/* of the failure; 0 if none */
	double score;
	double threshold;
	int64_t remove_at;	/* when the member goes; 0 if not planned */
};

/* Sends template tmpl to member m of list l (bounce-disabled, -enabled). */
int bounce_notice_member(struct ctx *c, const struct list *l,
    const struct member *m, const char *tmpl,
    const struct bounce_evidence *ev, struct err *e);

/*
 * Sends template tmpl about member m to each owner of l, one envelope
 * each; *n receives how many (0 if the list has no owner).
 */
int bounce_notice_owners(struct ctx *c, const struct list *l,
    const struct member *m, const char *tmpl,
    const struct bounce_evidence *ev, int *n, struct err *e);

#endif
