/*
 * member.h: the members of a list.
 *
 * A member is an address as it was given, its normalised key (addr.h),
 * an optional display name and a delivery mode: normal (gets every post)
 * or nomail (subscribed, gets nothing).  The mode is the member's choice;
 * apart from it, delivery can be disabled for a member whose mail fails,
 * who complained, or by the administrator (bounce_state.h): the member
 * stays subscribed and gets nothing until it is enabled again.
 */
#ifndef HERALD_MEMBER_H
#define HERALD_MEMBER_H

#include <stdint.h>

#include "addr.h"
#include "db.h"
#include "err.h"

#define MEMBER_NAME_MAX 256

enum member_mode { MODE_NORMAL, MODE_NOMAIL };

/* Whether delivery is on, and if not, why. */
enum member_delivery {
	DELIVERY_ENABLED,
	DELIVERY_OFF_BOUNCES,	/* the bounce score passed the threshold */
	DELIVERY_OFF_COMPLAINT,	/* the member reported list mail as spam */
	DELIVERY_OFF_ADMIN	/* herald member disable */
};

struct member {
	int64_t id;
	int64_t list_id;
	char address[ADDR_MAX + 1];
	char name[MEMBER_NAME_MAX + 1];		/* "" if none */
	enum member_mode mode;
	enum member_delivery delivery;
	int skip_if_addressed;	/* no list copy when in To or Cc */
	int64_t created;
};

/* "normal" or "nomail"; and back (-1 if unknown). */
const char *member_mode_name(enum member_mode mode);
int member_mode_parse(const char *s, enum member_mode *mode);

/*
 * "enabled", "bounces", "complaint", "admin"; and back (-1 if unknown).
 * The names other than "enabled" are the values of member.disabled.
 */
const char *member_delivery_name(enum member_delivery d);
int member_delivery_parse(const char *s, enum member_delivery *d);

/*
 * Checks an address and display name before they are stored: ERR_PERM
 * with why if the address cannot be sent to or the name is unfit for a
 * header (control characters, too long).
 */
int member_check(const char *address, const char *name, struct err *e);

/*
 * ERR_PERM if address is in a domain one of the lists here is in: Herald
 * receives all mail of such a domain, so it can never be a member's.
 */
int member_check_foreign(struct db *db, const char *address,
    struct err *e);

/*
 * Adds a member after both checks above.  ERR_EXISTS if an address with
 * the same key is there already; *id (if not NULL) receives the new
 * member's id.
 */
int member_add(struct db *db, int64_t list_id, const char *address,
    const char *name, enum member_mode mode, int64_t *id, struct err *e);

/* Removes a member by any spelling of its address; ERR_NOTFOUND. */
int member_remove(struct db *db, int64_t list_id, const char *address,
    struct err *e);

/* Finds a member by any spelling of its address; ERR_NOTFOUND. */
int member_get(struct db *db, int64_t list_id, const char *address,
    struct member *out, struct err *e);

/* Finds a member by id; ERR_NOTFOUND. */
int member_get_id(struct db *db, int64_t id, struct member *out,
    struct err *e);

int member_set_mode(struct db *db, int64_t list_id, const char *address,
    enum member_mode mode, struct err *e);

/*
 * Whether the member gets no list copy of a post that names it in To or
 * Cc (it has the copy sent to it directly).
 */
int member_set_skip(struct db *db, int64_t list_id, const char *address,
    int skip, struct err *e);

/* Turns delivery to member id on or off; ERR_NOTFOUND if none. */
int member_set_delivery(struct db *db, int64_t id, enum member_delivery d,
    struct err *e);

/* Calls fn for each member, ordered by address, until fn fails. */
int member_foreach(struct db *db, int64_t list_id,
    int (*fn)(const struct member *m, void *arg), void *arg, struct err *e);

/* How many members, and how many of them get mail (normal, enabled). */
int member_count(struct db *db, int64_t list_id, int64_t *all,
    int64_t *normal, struct err *e);

/* The longest address, for lining up columns. */
int member_widest(struct db *db, int64_t list_id, int *width, struct err *e);

#endif
