/*
 * bounce_mail.h: mail to a list's bounce address, the handler of
 * ROLE_BOUNCES (inbound.h).
 *
 * Which member a message is about:
 *   - NAME-bounces+TOKEN@ with a TOKEN_BOUNCE token (the MAIL FROM of
 *     every copy): the token's MAC is checked, and it names the member,
 *     whatever addresses the report lists (a forwarded address failing
 *     is the member's failure too);
 *   - NAME-bounces+TOKEN@ with a TOKEN_REENABLE token (the Reply-To of a
 *     "delivery disabled" notice): the member's answer, which turns
 *     delivery back on if a person wrote it;
 *   - otherwise (plain NAME-bounces@, a token that is malformed, forged
 *     or of another list): the failed recipients the report lists are
 *     matched against the list's members by address.  A complaint (ARF)
 *     names its member by Original-Rcpt-To or, since providers often
 *     redact that, by a bounce token of this list quoted in it (the
 *     Original-Mail-From of the copy complained about), MAC-checked.
 * The report is read by the detector (bounce.h), which never takes an
 * address of the returned message, such as the poster's, for a failed
 * recipient; nothing here reads addresses from it either.
 */
#ifndef HERALD_BOUNCE_MAIL_H
#define HERALD_BOUNCE_MAIL_H

#include "inbound.h"

int bounce_mail_handle(struct inbound *in, struct err *e);

/*
 * Mail to plain NAME-owner@, where MTAs that ignore the envelope send
 * their reports: a failure report or complaint that names members of the
 * list is acted on as at NAME-bounces@ without a token, and *taken is
 * set.  Anything else, a report about nobody on the list included, is
 * left for the owners to read (*taken 0, in->result untouched).
 */
int bounce_mail_owner(struct inbound *in, int *taken, struct err *e);

#endif
