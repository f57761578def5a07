/*
 * policy.c: who may post to a list.
 */
#include <string.h>

#include "member.h"
#include "policy.h"
#include "util.h"

static enum policy_verdict
nonmember(const char *action, const char **reason)
{
	*reason = "the sender is not a member of the list";
	if (strcmp(action, "reject") == 0)
		return POLICY_REJECT;
	if (strcmp(action, "discard") == 0)
		return POLICY_DISCARD;
	return POLICY_HOLD;
}

enum policy_verdict
policy_decide(const char *posting, const char *nonmember_action,
    const struct policy_sender *s, const char **reason)
{
	/* Deny beats everything, accept included: it is the stronger
	 * statement, and usually the later one. */
	if (s->denied) {
		*reason = "the sender is denied on this list";
		return POLICY_DISCARD;
	}
	if (strcmp(posting, "open") == 0) {
		*reason = "the list is open";
		return POLICY_ACCEPT;
	}
	if (strcmp(posting, "moderated") == 0) {
		*reason = "the list is moderated";
		return POLICY_HOLD;
	}
	if (strcmp(posting, "announce") == 0) {
		if (s->accepted && !s->list_address) {
			*reason = "the sender is an accepted poster";
			return POLICY_ACCEPT;
		}
		*reason = "only the list's announcers may post to it";
		return POLICY_REJECT;
	}
	if (s->list_address || !s->known)
		return nonmember(nonmember_action, reason);
	if (s->member || s->accepted) {
		*reason = s->member ? "the sender is a member" :
		    "the sender is accepted";
		return POLICY_ACCEPT;
	}
	return nonmember(nonmember_action, reason);
}

int
policy_pattern(const char *pattern, char *out, struct err *e)
{
	struct err ae;

	if (pattern[0] == '@') {
		if (addr_check_domain(pattern + 1, &ae) < 0)
			return err_set(e, ERR_USAGE, "'%s': %s", pattern,
			    ae.msg);
		if (str_copy(out, POLICY_PATTERN_MAX, pattern) < 0)
			return err_set(e, ERR_USAGE, "'%s': too long",
			    pattern);
		str_lower(out);
		return 0;
	}
	if (addr_check(pattern, &ae) < 0)
		return err_set(e, ERR_USAGE, "'%s': an address or @domain: "
		    "%s", pattern, ae.msg);
	addr_key(pattern, out);
	return 0;
}

const char *
policy_rule_name(enum policy_rule kind)
{
	return kind == RULE_ACCEPT ? "accept" : "deny";
}

int
policy_rule_add(struct db *db, int64_t list_id, enum policy_rule kind,
    const char *pattern, struct err *e)
{
	char norm[POLICY_PATTERN_MAX];
	struct db_stmt *st;

	if (policy_pattern(pattern, norm, e) < 0)
		return -1;
	st = db_prepare(db, "INSERT OR IGNORE INTO poster_rule (list_id, "
	    "kind, pattern, created) VALUES (?, ?, ?, ?)", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, policy_rule_name(kind));
	db_bind_text(st, 3, norm);
	db_bind_int(st, 4, now_s());
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_EXISTS, "%s is already a %s rule", norm,
		    policy_rule_name(kind));
	return 0;
}

int
policy_rule_remove(struct db *db, int64_t list_id, const char *pattern,
    struct err *e)
{
	char norm[POLICY_PATTERN_MAX];
	struct db_stmt *st;

	if (policy_pattern(pattern, norm, e) < 0)
		return -1;
	st = db_prepare(db, "DELETE FROM poster_rule WHERE list_id = ? AND "
	    "pattern = ?", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, norm);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "no rule for %s", norm);
	return 0;
}

int
policy_rule_foreach(struct db *db, int64_t list_id,
    int (*fn)(enum policy_rule kind, const char *pattern, void *arg),
    void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT kind, pattern FROM "
	    "poster_rule WHERE list_id = ? ORDER BY kind, pattern", e);
	char pattern[POLICY_PATTERN_MAX];
	enum policy_rule kind;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	while ((rc = db_step(st, e)) == 1) {
		kind = strcmp(db_col_text(st, 0), "accept") == 0 ?
		    RULE_ACCEPT : RULE_DENY;
		str_copy(pattern, sizeof(pattern), db_col_text(st, 1));
		if (fn(kind, pattern, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
policy_rule_match(struct db *db, int64_t list_id, enum policy_rule kind,
    const char *addr, int *yes, struct err *e)
{
	char key[ADDR_MAX + 1], dom[ADDR_DOMAIN_MAX + 2];
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM poster_rule WHERE "
	    "list_id = ? AND kind = ? AND pattern IN (?, ?)", e);
	int rc;

	if (st == NULL)
		return -1;
	addr_key(addr, key);
	str_fmt(dom, sizeof(dom), "@%s", addr_domain(key));
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, policy_rule_name(kind));
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, dom);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*yes = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}

/* Any address of any list here: NAME@, NAME-request@, -bounces+X@ ... */
static int
is_list_address(struct ctx *c, const char *addr)
{
	char arg[LIST_ARG_MAX + 1];
	enum list_role role;
	struct list other;
	struct err e;

	return list_resolve(c->db, addr, c->conf->delimiter, &other, &role,
	    arg, &e) == 0;
}

int
policy_sender(struct ctx *c, const struct list *l, const char *from,
    struct policy_sender *out, struct err *e)
{
	struct member m;
	struct err me;

	memset(out, 0, sizeof(*out));
	if (from == NULL || addr_check(from, &me) < 0)
		return 0;
	out->known = 1;
	if ((out->list_address = is_list_address(c, from)))
		return 0;
	if (member_get(c->db, l->id, from, &m, &me) == 0)
		out->member = 1;
	else if (me.cls != ERR_NOTFOUND) {
		*e = me;
		return -1;
	}
	if (policy_rule_match(c->db, l->id, RULE_ACCEPT, from,
	    &out->accepted, e) < 0 || policy_rule_match(c->db, l->id,
	    RULE_DENY, from, &out->denied, e) < 0)
		return -1;
	return 0;
}
