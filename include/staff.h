/*
 * staff.h: the people who run a list: owners and moderators.
 *
 * They need not be members.  Mail to NAME-owner@ goes to the owners;
 * moderators decide about held posts.  Their addresses are kept like
 * members' (as given, with a normalised key) and are never shown to
 * anyone who writes to the list.
 */
#ifndef HERALD_STAFF_H
#define HERALD_STAFF_H

#include <stdint.h>

#include "addr.h"
#include "db.h"
#include "err.h"

enum staff_kind { STAFF_OWNER, STAFF_MODERATOR };

const char *staff_kind_name(enum staff_kind k);	/* "owner" ... */

/* ERR_EXISTS if already there; ERR_PERM for a bad address. */
int staff_add(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, struct err *e);

/* ERR_NOTFOUND if not there. */
int staff_remove(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, struct err *e);

/* Calls fn with each address of kind k, ordered, until fn fails. */
int staff_foreach(struct db *db, int64_t list_id, enum staff_kind k,
    int (*fn)(const char *address, void *arg), void *arg, struct err *e);

/* Whether address (any spelling) is staff of kind k. */
int staff_is(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, int *yes, struct err *e);

#endif
