/*
 * attr.h: named attributes of a member, for personalised announcements:
 * organisation, department, salutation, ...
 *
 * Names are lower-case letters, digits and _ (first a letter), at most
 * ATTR_NAME_MAX; "address", "email", "name" and "mode" are the member's own
 * fields, not attributes.  Values are one line of UTF-8, at most
 * ATTR_VALUE_MAX octets.  An attribute set to "" is removed.
 */
#ifndef HERALD_ATTR_H
#define HERALD_ATTR_H

#include <stdint.h>

#include "db.h"
#include "err.h"

#define ATTR_NAME_MAX 32
#define ATTR_VALUE_MAX 256

int attr_check_name(const char *name, struct err *e);
int attr_check_value(const char *value, struct err *e);

/* Sets (or with "" removes) one attribute of a member. */
int attr_set(struct db *db, int64_t member_id, const char *name,
    const char *value, struct err *e);

/* Calls fn for each attribute of a member, ordered by name. */
int attr_foreach(struct db *db, int64_t member_id,
    int (*fn)(const char *name, const char *value, void *arg), void *arg,
    struct err *e);

/* Calls fn for each attribute name some member of the list has. */
int attr_names(struct db *db, int64_t list_id,
    int (*fn)(const char *name, void *arg), void *arg, struct err *e);

/* Whether some member of the list has attribute name. */
int attr_in_use(struct db *db, int64_t list_id, const char *name, int *yes,
    struct err *e);

#endif
