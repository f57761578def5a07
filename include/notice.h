/*
 * notice.h: the messages Herald writes to one person: answers of the mail
 * robot, confirmation requests, notices to members, owners and
 * moderators.
 *
 * A notice is text from a template, sent from one of the list's service
 * addresses with the null envelope sender (RFC 3834 section 3.3: nothing
 * must answer it automatically) and marked Auto-Submitted; it carries the
 * list's loop marker and no List-Unsubscribe or List-Unsubscribe-Post, for
 * it is not list mail.  It is queued as outmail, one envelope per notice.
 */
#ifndef HERALD_NOTICE_H
#define HERALD_NOTICE_H

#include <stddef.h>

#include "ctx.h"
#include "list.h"
#include "template.h"

struct notice {
	const struct list *list;
	const char *kind;		/* for the record: "help", ... */
	const char *tmpl;		/* template name */
	const struct template_var *vars;
	size_t nvars;
	const char *to;			/* the one recipient */
	enum list_role from;		/* From: NAME-request@, -owner@ ... */
	const char *from_arg;		/* From's argument, or NULL */
	enum list_role reply_role;	/* Reply-To, if reply_arg is set */
	const char *reply_arg;		/* e.g. a confirmation token */
	const char *in_reply_to;	/* Message-ID answered, or NULL */
	int answer;			/* 1: auto-replied, 0: auto-generated */
	const void *attach;		/* a message to enclose, or NULL */
	size_t attach_len;
};

/* Renders and queues a notice, in the caller's transaction if any. */
int notice_send(struct ctx *c, const struct notice *n, struct err *e);

#endif
