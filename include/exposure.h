/*
 * exposure.h: where a member's value, filled into a post, could leave
 * the member's mailbox.
 *
 * The text of an announcement is whatever the sender wrote, and the
 * sender is known only by a From field anyone can forge.  A placeholder
 * is safe where its value is only shown to the member: in plain text and
 * between HTML tags.  It is exposed where a mail client could send the
 * value to a third party without the member doing more than open the
 * mail or follow a link: inside HTML markup (an image's or a link's
 * address, a style, a comment), anywhere in an HTML part that has a form
 * or a script, and in a word that is a link or an address, in any text.
 *
 * The HTML scan is cruder than a browser's parser and errs towards
 * "exposed": a quote it cannot close, or a comment, a style or a
 * textarea it cannot see end, keeps the rest of the part in markup, and
 * a placeholder whose default is itself markup is exposed.
 */
#ifndef HERALD_EXPOSURE_H
#define HERALD_EXPOSURE_H

#include <stddef.h>

#include "placeholder.h"

enum exposure {
	EXPOSURE_NONE,		/* every placeholder is only shown */
	EXPOSURE_MARKUP,	/* in a tag, comment, style or textarea */
	EXPOSURE_ACTIVE,	/* in an HTML part with a form or a script */
	EXPOSURE_LINK		/* in a word that is a link or an address */
};

/*
 * Judges the placeholders of text[0..len), HTML if html is set: the
 * first exposed one's kind, with its name in name, or EXPOSURE_NONE.
 */
enum exposure exposure_find(const char *text, size_t len, int html,
    char name[PLACEHOLDER_NAME_MAX + 1]);

/* Where an exposed placeholder stands, in a few words. */
const char *exposure_where(enum exposure x);

#endif
