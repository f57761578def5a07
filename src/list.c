/*
 * list.c: lists and their addresses.
 */
#include <string.h>

#include "list.h"
#include "util.h"

static const struct {
	const char *suffix;	/* after NAME */
	enum list_role role;
} suffixes[] = {
	{ "-request", ROLE_REQUEST },
	{ "-owner", ROLE_OWNER },
	{ "-join", ROLE_JOIN },
	{ "-subscribe", ROLE_JOIN },
	{ "-leave", ROLE_LEAVE },
	{ "-unsubscribe", ROLE_LEAVE },
	{ "-bounces", ROLE_BOUNCES },
	{ "-confirm", ROLE_CONFIRM },
};

#define NSUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

const char *
list_role_name(enum list_role role)
{
	static const char *const names[] = {
		[ROLE_POST] = "post", [ROLE_REQUEST] = "request",
		[ROLE_OWNER] = "owner", [ROLE_JOIN] = "join",
		[ROLE_LEAVE] = "leave", [ROLE_BOUNCES] = "bounces",
		[ROLE_CONFIRM] = "confirm",
	};

	return names[role];
}

int
list_check_name(const char *name, struct err *e)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > LIST_NAME_MAX)
		return err_set(e, ERR_USAGE, "a list name has 1 to %d "
		    "characters", LIST_NAME_MAX);
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '-' || c == '.' || c == '_')))
			continue;
		return err_set(e, ERR_USAGE, "a list name has lower-case "
		    "letters, digits and (not first) - . _");
	}
	for (i = 0; i < NSUFFIXES; i++)
		if (str_has_suffix(name, suffixes[i].suffix))
			return err_set(e, ERR_USAGE, "a list name cannot end "
			    "in %s: that is one of a list's own addresses",
			    suffixes[i].suffix);
	return 0;
}

/* Splits "name@domain" into lower-case parts and checks both. */
static int
split_spec(const char *spec, struct list *l, struct err *e)
{
	const char *at = strchr(spec, '@');
	size_t nlen;

	if (at == NULL)
		return err_set(e, ERR_USAGE, "'%s': a list is NAME@DOMAIN",
		    spec);
	nlen = (size_t)(at - spec);
	if (nlen > LIST_NAME_MAX || str_copy(l->domain, sizeof(l->domain),
	    at + 1) < 0)
		return err_set(e, ERR_USAGE, "'%s': name or domain too long",
		    spec);
	memcpy(l->name, spec, nlen);
	l->name[nlen] = '\0';
	str_lower(l->name);
	str_lower(l->domain);
	if (list_check_name(l->name, e) < 0)
		return -1;
	if (addr_check_domain(l->domain, e) < 0)
		return err_set(e, ERR_USAGE, "'%s': not a valid domain",
		    l->domain);
	return 0;
}

static int
load(struct db_stmt *st, struct list *out, struct err *e)
{
	int rc = db_step(st, e);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "no such list");
	out->id = db_col_int(st, 0);
	str_copy(out->name, sizeof(out->name), db_col_text(st, 1));
	str_copy(out->domain, sizeof(out->domain), db_col_text(st, 2));
	db_done(st);
	return 0;
}

static int
get_exact(struct db *db, const char *name, const char *domain,
    struct list *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, name, domain "
	    "FROM list WHERE name = ? AND domain = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, domain);
	return load(st, out, e);
}

int
list_create(struct db *db, const char *spec, struct list *out,
    struct err *e)
{
	struct list l = { 0 };
	struct db_stmt *st;

	if (split_spec(spec, &l, e) < 0)
		return -1;
	st = db_prepare(db, "INSERT OR IGNORE INTO list (name, domain, "
	    "created) VALUES (?, ?, ?)", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, l.name);
	db_bind_text(st, 2, l.domain);
	db_bind_int(st, 3, now_s());
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_EXISTS, "list %s@%s already exists",
		    l.name, l.domain);
	l.id = db_last_id(db);
	*out = l;
	return 0;
}

/* A bare name: the one list of that name, if there is exactly one. */
static int
get_by_name(struct db *db, const char *spec, struct list *out,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, name, domain "
	    "FROM list WHERE name = lower(?) LIMIT 2", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, spec);
	if (load(st, out, e) < 0)
		return err_set(e, ERR_NOTFOUND, "no list called '%s'", spec);
	st = db_prepare(db, "SELECT count(*) FROM list WHERE name = ?", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, out->name);
	if ((rc = db_step(st, e)) != 1)
		return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "count");
	rc = (int)db_col_int(st, 0);
	db_done(st);
	if (rc > 1)
		return err_set(e, ERR_USAGE, "'%s' is a list in several "
		    "domains; say NAME@DOMAIN", spec);
	return 0;
}

int
list_get(struct db *db, const char *spec, struct list *out, struct err *e)
{
	struct list l = { 0 };

	if (strchr(spec, '@') == NULL)
		return get_by_name(db, spec, out, e);
	if (split_spec(spec, &l, e) < 0)
		return -1;
	if (get_exact(db, l.name, l.domain, out, e) < 0)
		return err_set(e, e->cls, "no list %s@%s", l.name, l.domain);
	return 0;
}

int
list_get_id(struct db *db, int64_t id, struct list *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, name, domain "
	    "FROM list WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return load(st, out, e);
}

int
list_delete(struct db *db, const struct list *l, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM list WHERE id = ?",
	    e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->id);
	return db_run(st, e);
}

int
list_foreach(struct db *db, int (*fn)(const struct list *l, void *arg),
    void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, name, domain "
	    "FROM list ORDER BY domain, name", e);
	struct list l;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		l.id = db_col_int(st, 0);
		str_copy(l.name, sizeof(l.name), db_col_text(st, 1));
		str_copy(l.domain, sizeof(l.domain), db_col_text(st, 2));
		if (fn(&l, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
list_address(const struct list *l, enum list_role role, const char *delims,
    const char *arg, char *out, size_t size)
{
	const char *suffix = "";
	char delim[2] = { delims[0], '\0' };
	size_t i;

	for (i = 0; i < NSUFFIXES && role != ROLE_POST; i++) {
		if (suffixes[i].role == role) {
			suffix = suffixes[i].suffix;
			break;
		}
	}
	if (arg == NULL || *arg == '\0' || delims[0] == '\0')
		return str_fmt(out, size, "%s%s@%s", l->name, suffix,
		    l->domain);
	return str_fmt(out, size, "%s%s%s%s@%s", l->name, suffix, delim, arg,
	    l->domain);
}

/* Tries base as NAME, then as NAME plus one of the suffixes. */
static int
resolve_base(struct db *db, char *base, const char *domain, struct list *l,
    enum list_role *role, struct err *e)
{
	size_t i, blen = strlen(base);

	if (get_exact(db, base, domain, l, e) == 0) {
		*role = ROLE_POST;
		return 0;
	}
	if (e->cls != ERR_NOTFOUND)
		return -1;
	for (i = 0; i < NSUFFIXES; i++) {
		size_t slen = strlen(suffixes[i].suffix);

		if (blen <= slen || !str_has_suffix(base, suffixes[i].suffix))
			continue;
		base[blen - slen] = '\0';
		if (get_exact(db, base, domain, l, e) == 0) {
			*role = suffixes[i].role;
			return 0;
		}
		base[blen - slen] = suffixes[i].suffix[0];
		if (e->cls != ERR_NOTFOUND)
			return -1;
	}
	return err_set(e, ERR_NOTFOUND, "no list has this address");
}

int
list_resolve(struct db *db, const char *rcpt, const char *delims,
    struct list *l, enum list_role *role, char arg[LIST_ARG_MAX + 1],
    struct err *e)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];
	const char *at = strrchr(rcpt, '@');
	size_t llen, cut;

	if (at == NULL || (llen = (size_t)(at - rcpt)) > ADDR_LOCAL_MAX ||
	    str_copy(domain, sizeof(domain), at + 1) < 0)
		return err_set(e, ERR_NOTFOUND, "not a list address");
	memcpy(local, rcpt, llen);
	local[llen] = '\0';
	str_lower(local);
	str_lower(domain);
	arg[0] = '\0';
	cut = *delims != '\0' ? strcspn(local, delims) : llen;
	if (cut < llen) {
		if (str_copy(arg, LIST_ARG_MAX + 1, local + cut + 1) < 0)
			return err_set(e, ERR_NOTFOUND, "argument too long");
		local[cut] = '\0';
	}
	return resolve_base(db, local, domain, l, role, e);
}
