/*
 * robot.h: the mail robot, what mail to NAME-request@, -join@, -leave@
 * and -confirm@ does (the handlers of inbound.h).
 *
 *   NAME-join@            asks the sender to confirm joining
 *   NAME-leave@           asks the sender to confirm leaving
 *   NAME-leave+TOKEN@     unsubscribes the member whose token it is, at
 *                         once (only a recipient of the member's copies
 *                         knows it; RFC 8058's mailto: form)
 *   NAME-confirm+TOKEN@   confirms the request the token was sent for;
 *                         what a plain "Reply" to the request reaches
 *   NAME-request@         commands (mailcmd.h)
 *
 * The sender is the address in From (the envelope sender only if there is
 * none): that is where a person's mail program puts its owner, and a
 * forged From only sends the confirmation request to its true owner.
 * Mail that is itself automatic (automail.h) is never answered and never
 * starts or confirms anything; the only exception is an unsubscribe
 * token, which is acted on without a farewell.  Nothing is sent to a
 * sender who asks for another address; answers to the sender (help, "no
 * such confirmation") are limited to ROBOT_REPLIES a day per mailbox, so
 * that a responder Herald cannot recognise cannot keep it talking.
 */
#ifndef HERALD_ROBOT_H
#define HERALD_ROBOT_H

#include "inbound.h"

#define ROBOT_REPLIES 3		/* answers a day to one mailbox */
#define ROBOT_TEXT_MAX (64 * 1024)	/* body text read for commands */

int robot_request(struct inbound *in, struct err *e);
int robot_join(struct inbound *in, struct err *e);
int robot_leave(struct inbound *in, struct err *e);
int robot_confirm(struct inbound *in, struct err *e);

#endif
