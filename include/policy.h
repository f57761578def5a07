/*
 * policy.h: who may post to a list.
 *
 * The sender of a post is the address in its From field: that is what
 * members see and what a moderator judges.  (The envelope sender says
 * where bounces go, not who wrote.)  A From naming the list itself, or
 * any address of a list on this host, is never a member nor an accepted
 * sender: spammers put the list's own address there (case 027).
 *
 * Each list has a posting policy (setting "posting"):
 *   open       anyone may post
 *   members    members and accepted senders post; the others get the
 *              list's nonmember_action (hold, reject, discard)
 *   moderated  every post is held
 *   announce   only accepted senders post; the others are refused
 * and two kinds of rules: accept patterns (these senders post as members
 * do; on an announce list, they are the posters) and deny patterns
 * (these senders' posts are discarded, whatever else holds).  A pattern
 * is an address, or "@domain" for every address of that domain (not of
 * its subdomains).
 */
#ifndef HERALD_POLICY_H
#define HERALD_POLICY_H

#include <stdint.h>

#include "addr.h"
#include "ctx.h"
#include "err.h"
#include "list.h"

#define POLICY_PATTERN_MAX (ADDR_MAX + 1)

enum policy_verdict {
	POLICY_ACCEPT,		/* distribute (after the content checks) */
	POLICY_HOLD,		/* keep for a moderator */
	POLICY_REJECT,		/* refuse, and tell the sender */
	POLICY_DISCARD		/* drop, and tell nobody */
};

enum policy_rule { RULE_ACCEPT, RULE_DENY };

/* What is known about a sender, for the decision. */
struct policy_sender {
	int known;		/* the post has a From address at all */
	int list_address;	/* From is an address of a list here */
	int member;
	int accepted;		/* matches an accept pattern */
	int denied;		/* matches a deny pattern */
};

/*
 * The decision for a sender under a list's posting policy and
 * non-member action (the settings' words).  *reason is a static string
 * for the log, the moderators and the sender.
 */
enum policy_verdict policy_decide(const char *posting,
    const char *nonmember_action, const struct policy_sender *s,
    const char **reason);

/* Finds out what the list knows of the sender from (NULL: no From). */
int policy_sender(struct ctx *c, const struct list *l, const char *from,
    struct policy_sender *out, struct err *e);

/*
 * Checks a pattern and writes its normal form (lower case) into
 * out[POLICY_PATTERN_MAX]; ERR_USAGE with why if it is no pattern.
 */
int policy_pattern(const char *pattern, char *out, struct err *e);

/* Adds a rule; ERR_EXISTS if it is there. */
int policy_rule_add(struct db *db, int64_t list_id, enum policy_rule kind,
    const char *pattern, struct err *e);

/* Removes a rule of either kind; ERR_NOTFOUND if there is none. */
int policy_rule_remove(struct db *db, int64_t list_id, const char *pattern,
    struct err *e);

/* Calls fn for each rule, ordered by kind and pattern, until it fails. */
int policy_rule_foreach(struct db *db, int64_t list_id,
    int (*fn)(enum policy_rule kind, const char *pattern, void *arg),
    void *arg, struct err *e);

/* Whether addr matches a rule of kind. */
int policy_rule_match(struct db *db, int64_t list_id, enum policy_rule kind,
    const char *addr, int *yes, struct err *e);

const char *policy_rule_name(enum policy_rule kind);	/* "accept" ... */

#endif
