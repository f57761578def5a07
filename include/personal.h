/*
 * personal.h: when a list personalises its posts, and with what values.
 *
 * A list personalises when it is an announcement list (posting=announce)
 * and its setting personalize is yes; a discussion list never fills
 * anything.  A post is then personalised if it holds a placeholder where
 * one is filled (persona.h).
 * A placeholder must name the member's name or address, the member's own
 * unsubscribe_address or unsubscribe_url (unsub.h), or an attribute
 * some member of the list has: a post that names anything else (a typo,
 * an attribute nobody was given) is held rather than sent half-filled.
 *
 * The post's own text is the sender's, and a sender is known only by a
 * From field anyone can forge: a forged post could be written to carry
 * each member's values to its writer.  So a personalised post is held
 * until a moderator approves it (the list's personalize_moderate, on by
 * default), and, whatever that setting, list mail that puts a
 * placeholder where a mail client could send a member's value on to
 * someone else (exposure.h) is held with that reason.  The list mail is
 * judged as it will be filled, footer included: a post can leave a tag
 * open for the footer's placeholders to land in.
 */
#ifndef HERALD_PERSONAL_H
#define HERALD_PERSONAL_H

#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "db.h"
#include "err.h"
#include "list.h"
#include "member.h"
#include "settings.h"
#include "unsub.h"

#define PERSONAL_ATTRS 64

/* Sets *on if list l personalises its posts at all. */
int personal_enabled(struct db *db, const struct list *l, int *on,
    struct err *e);

/*
 * Decides about list mail text[0..len) of list l: *personal is set if its
 * copies are to be rendered per member; when a placeholder names no known
 * field, or is exposed, or the list holds every personalised post,
 * returns 1 with why[0..size) saying which.  0 otherwise.
 */
int personal_check(struct db *db, const struct list *l, const char *text,
    size_t len, int *personal, char *why, size_t size, struct err *e);

/* One member's values, loaded fresh for each copy. */
struct personal_values {
	char address[ADDR_MAX + 1];
	char name[MEMBER_NAME_MAX + 1];
	struct unsub_links links;
	int n;
	char names[PERSONAL_ATTRS][ATTR_NAME_MAX + 1];
	char values[PERSONAL_ATTRS][ATTR_VALUE_MAX + 1];
};

/*
 * Loads a member's values into v, which is cleared first; links are the
 * member's own (unsub_links).
 */
int personal_load(struct db *db, int64_t member_id,
    const struct unsub_links *links, struct personal_values *v,
    struct err *e);

/* A placeholder_lookup over struct personal_values. */
const char *personal_lookup(const char *name, void *values);

/* Empties v, so that nothing of one member lingers. */
void personal_clear(struct personal_values *v);

#endif
