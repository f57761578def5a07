/*
 * exposure.h: where a member's value, filled into a post, could leave
 * the member's mailbox.
 *
 * The text of an announcement is whatever the sender wrote, and the
 * sender is known only by a From field anyone can forge.  A placeholder
 * is safe where its value is only shown to the member: in plain text and
 * in the text between HTML tags.  It is exposed where a mail client could
 * send the value to a third party without the member doing more than
 * open the mail or follow a link: inside HTML markup (an attribute such
 * as an image's or a link's address, a comment, a style, a form field),
 * anywhere in an HTML part that has a form, a script, a style sheet that
 * loads fonts or other sheets, or SVG or MathML; and in a word that is
 * a link or an address, in any text.  A link to the member's own
 * unsubscribe address or page, `<a href="{{unsubscribe_url}}">`, is the
 * one exception: it leads to the list.
 *
 * HTML is read by an HTML5 parser, as a browser reads it; an HTML part
 * too large or too deeply nested to parse within a fixed memory budget
 * counts as exposed.
 */
#ifndef HERALD_EXPOSURE_H
#define HERALD_EXPOSURE_H

#include <stddef.h>

#include "placeholder.h"

enum exposure {
	EXPOSURE_NONE,		/* every placeholder is only shown */
	EXPOSURE_MARKUP,	/* in a tag, comment, style or form field */
	EXPOSURE_ACTIVE,	/* in an HTML part that could send it */
	EXPOSURE_LINK,		/* in a word that is a link or an address */
	EXPOSURE_UNJUDGED	/* in HTML too large to judge */
};

/*
 * Judges the placeholders of text[0..len) (a NUL-terminated string), HTML
 * if html is set: the first exposed one's kind, with its name in name, or
 * EXPOSURE_NONE.
 */
enum exposure exposure_find(const char *text, size_t len, int html,
    char name[PLACEHOLDER_NAME_MAX + 1]);

/* Where an exposed placeholder stands, in a few words. */
const char *exposure_where(enum exposure x);

#endif
