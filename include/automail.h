/*
 * automail.h: is this mail from a person, or from a machine?
 *
 * Answering automatic mail is how mail loops start: an auto-responder
 * answers a confirmation request, the robot answers the answer.  RFC 3834
 * asks responders to mark their mail and to answer none that is marked;
 * this module applies the marks and the older conventions that machines
 * still use instead.
 */
#ifndef HERALD_AUTOMAIL_H
#define HERALD_AUTOMAIL_H

#include "list.h"
#include "msg.h"

enum automail_use {
	AUTOMAIL_COMMAND,	/* mail to a robot address: answer none */
	AUTOMAIL_POST		/* a post: Precedence: list is a reply */
};

/*
 * Why m (with envelope sender, "" for the null sender) is automatic mail,
 * or NULL if it looks like a person's.  l's loop marker counts too.  The
 * reason is a static string, for the log.
 */
const char *automail_reason(struct msg *m, const char *sender,
    const struct list *l, enum automail_use use);

#endif
