/*
 * listmail.h: turning a post into list mail, once per post.
 *
 * The author's header is kept except where it would break the list or
 * leak its members: a second copy of a field that may occur once is
 * merged or dropped, Bcc and receipt requests (which would make members'
 * clients report to the author) are removed, the list's own fields
 * replace any that came in.  The body passes through byte for byte unless
 * a line is over SMTP's limit, in which case just that part is
 * re-encoded.  Beyond that, only what the list's settings ask for
 * changes: the subject prefix, the footer, Reply-To, the DMARC rewrite of
 * From (RFC 7489 section 3.1: the author's domain can no longer vouch
 * for mail the list changed), and the content rules.
 *
 * The result is split where the per-member header fields go, so that each
 * copy is three pieces: head, the member's fields, tail.  Nothing of one
 * member is ever written into the shared pieces.
 */
#ifndef HERALD_LISTMAIL_H
#define HERALD_LISTMAIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "unsub.h"
#include "err.h"
#include "list.h"
#include "msg.h"

/* Reply-To (setting reply_to): as the poster sent it, or ours. */
enum listmail_reply_to {
	REPLY_TO_AS_SENT,
	REPLY_TO_LIST,		/* the posting address */
	REPLY_TO_ADDRESS	/* reply_to_address */
};

/*
 * What to do with a post.  Fields left zero do nothing, so a caller that
 * sets only the first six gets the plain rendering.
 */
struct listmail_in {
	const struct list *list;
	const char *delims;		/* recipient delimiter characters */
	const char *prefix;		/* subject prefix; "" for none */
	const char *description;	/* for List-Id; "" for none */
	int64_t received;		/* when the post arrived */
	const char *id_seed;		/* unique text for a new Message-ID */

	const char *footer;		/* UTF-8 text; NULL or "" for none */
	enum listmail_reply_to reply_to;
	const char *reply_to_address;	/* for REPLY_TO_ADDRESS */
	int reply_to_keep_poster;	/* a poster's own Reply-To stays */
	int dmarc_from;			/* From becomes the list (DMARC) */
	int author_in_cc;		/* ...and the author goes to Cc */
	int untouched;			/* no prefix, footer or content rule */
	const char *mime_allow;		/* types kept; NULL or "" for all */
	const char *mime_forbid;	/* types removed; NULL or "" */
	int drop_html;			/* drop HTML beside a plain text */
};

struct listmail {
	struct buf text;	/* the list mail, CRLF line endings */
	size_t split;		/* offset where member fields go */
	char *message_id;	/* owned */
	char *subject;		/* owned, decoded; may be NULL */
};

/* Renders post m (modified in place) into out. */
int listmail_render(const struct listmail_in *in, struct msg *m,
    struct listmail *out, struct err *e);
void listmail_free(struct listmail *lm);

/*
 * If m carries this list's loop marker (X-Loop or X-BeenThere naming the
 * posting address, or this list's List-Id), returns a reason; else NULL.
 */
const char *listmail_loop_reason(struct msg *m, const struct list *l);

/*
 * Appends the header fields of one member's copy (CRLF-terminated) to
 * out: List-Unsubscribe with the member's own NAME-leave+TOKEN@ address
 * (unsub.h) and, when the site has a web_url, the member's one-click URL
 * and List-Unsubscribe-Post (RFC 8058 section 3.1: only with an https
 * URI).
 */
int listmail_member_fields(const struct unsub_links *k, struct buf *out,
    struct err *e);

#endif
