/*
 * bounce_text.h: the human-readable part of a delivery report, as the
 * many MTAs that send no RFC 3464 fields write it (qmail, Exim, older
 * Postfix and sendmail, Exchange, Notes, providers' own formats).
 *
 * Failed recipients are read from the structure of the text: an address
 * that opens a line ("<addr>:", "addr", "Recipient: addr", "> addr"),
 * the argument of an RCPT TO in a transcript, an address that a phrase
 * of the report names ("your message to addr").  The text ends where a
 * copy of the original message starts ("--- Below this line is a copy of
 * the message.", or a block of its header fields); nothing after that
 * point is read.
 */
#ifndef HERALD_BOUNCE_TEXT_H
#define HERALD_BOUNCE_TEXT_H

#include <stddef.h>

#include "bounce.h"

#define BOUNCE_EXCLUDE_MAX 16

/*
 * Addresses that are not recipients whatever the text says about them:
 * the returned message's author and senders, the reporter.  A weak one
 * (the report's own To, which is the envelope sender of the returned
 * message) may still be taken from a listing of failed recipients, as a
 * message sent to oneself does fail so.
 */
struct bounce_exclude {
	size_t n;
	char addr[BOUNCE_EXCLUDE_MAX][ADDR_MAX + 1];
	unsigned char weak[BOUNCE_EXCLUDE_MAX];
};

/* Adds the first address in text (if any) to ex; ignores overflow. */
void bounce_text_exclude(struct bounce_exclude *ex, const char *text,
    int weak);

/*
 * The length of the report in text[0..len): where a quoted copy of the
 * original message starts, or len.
 */
size_t bounce_text_cut(const char *text, size_t len);

/* How firmly the text names its recipients, from the best to none. */
#define BOUNCE_TEXT_LISTED 3	/* a listing: "<a@b>:", "Recipient: a@b" */
#define BOUNCE_TEXT_NAMED 2	/* a phrase: "your message to a@b" */
#define BOUNCE_TEXT_MENTIONED 1	/* only mentioned somewhere */

/*
 * Adds the failed recipients of the report text[0..len) (already cut)
 * to out, each with the status and diagnostic found near it.  Returns
 * how firmly they were named (BOUNCE_TEXT_*), 0 if no address was.
 * Addresses in ex are skipped unless listed.
 */
int bounce_text_read(const char *text, size_t len,
    const struct bounce_exclude *ex, struct bounce_report *out);

#endif
