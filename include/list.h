/*
 * list.h: lists and their addresses.
 *
 * A list NAME@DOMAIN owns, in the convention Mailman made familiar:
 *   NAME@          posts
 *   NAME-request@  commands
 *   NAME-owner@    the people who run the list
 *   NAME-join@     subscribe (also NAME-subscribe@)
 *   NAME-leave@    unsubscribe (also NAME-unsubscribe@)
 *   NAME-bounces@  delivery reports; MAIL FROM of every copy
 *   NAME-confirm@  replies to confirmation requests
 * Anything after the recipient delimiter is an argument, as in
 * NAME-bounces+TOKEN@.  Names are lower case and cannot end in one of the
 * suffixes, so that every address maps to one list and one role.
 */
#ifndef HERALD_LIST_H
#define HERALD_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "db.h"
#include "err.h"

/*
 * RFC 5321 section 4.5.3.1.1 allows 64 octets of local part.  The longest
 * a list writes is NAME-confirm+TOKEN with a 128-bit random token (26
 * base32 characters): 29 + 9 + 26 = 64.
 */
#define LIST_NAME_MAX 29
#define LIST_ARG_MAX 64

enum list_role {
	ROLE_POST,
	ROLE_REQUEST,
	ROLE_OWNER,
	ROLE_JOIN,
	ROLE_LEAVE,
	ROLE_BOUNCES,
	ROLE_CONFIRM
};

struct list {
	int64_t id;
	char name[LIST_NAME_MAX + 1];
	char domain[ADDR_DOMAIN_MAX + 1];
};

/* 0 if name can be a list name; else ERR_USAGE saying why. */
int list_check_name(const char *name, struct err *e);

/* Creates NAME@DOMAIN (spec); ERR_EXISTS if it is there. */
int list_create(struct db *db, const char *spec, struct list *out,
    struct err *e);

/*
 * Finds a list by "name@domain", or by a bare name when only one domain
 * has a list of that name.  ERR_NOTFOUND if there is none.
 */
int list_get(struct db *db, const char *spec, struct list *out,
    struct err *e);
int list_get_id(struct db *db, int64_t id, struct list *out, struct err *e);

/* Deletes the list with its members, settings and posts. */
int list_delete(struct db *db, const struct list *l, struct err *e);

/* Calls fn for each list, ordered by domain and name, until it fails. */
int list_foreach(struct db *db,
    int (*fn)(const struct list *l, void *arg), void *arg, struct err *e);

/*
 * The address of a role, with an optional argument after the first
 * recipient delimiter: list_address(l, ROLE_BOUNCES, "+", tok, ...) gives
 * "NAME-bounces+tok@DOMAIN".  Returns -1 if it does not fit.
 */
int list_address(const struct list *l, enum list_role role,
    const char *delims, const char *arg, char *out, size_t size);

/* The name of a role ("post", "request", ...). */
const char *list_role_name(enum list_role role);

/*
 * Maps an envelope recipient to a list, a role and the argument (which
 * may be empty).  ERR_NOTFOUND if it is no address of any list.
 */
int list_resolve(struct db *db, const char *rcpt, const char *delims,
    struct list *l, enum list_role *role, char arg[LIST_ARG_MAX + 1],
    struct err *e);

#endif
