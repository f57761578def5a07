/*
 * screen.h: what becomes of a post before anything is rendered or
 * queued for its members.
 *
 * In this order, the first that applies decides:
 *   1. mail from a machine (RFC 3834 Auto-Submitted other than "no",
 *      Precedence bulk or junk, the null sender, a mailer daemon, this
 *      list's loop marker or its own bounce address): held or discarded
 *      per the setting automatic_posts, and nobody is told;
 *   2. the same post (Message-ID and content) as one this list took in
 *      the last day: discarded (a post that only reuses a Message-ID
 *      differs in content and goes on);
 *   3. who sent it (policy.h);
 *   4. size as received over max_post_size, To and Cc together naming
 *      more than max_recipients, a top-level content type the MIME
 *      rules remove, an executable attachment: held.
 */
#ifndef HERALD_SCREEN_H
#define HERALD_SCREEN_H

#include <stddef.h>

#include "ctx.h"
#include "list.h"
#include "msg.h"
#include "policy.h"
#include "post.h"

#define SCREEN_REASON_MAX 256

struct screening {
	enum policy_verdict verdict;
	char reason[SCREEN_REASON_MAX];	/* for the log, moderators, sender */
	char poster[ADDR_MAX + 1];	/* the From address, or "" */
	int notify;			/* a person may be told */
};

/* Screens post p (message m, size octets as received) of list l. */
int screen_post(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, size_t size, struct screening *out, struct err *e);

#endif
