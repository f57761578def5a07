/*
 * member.c: the members of a list.
 */
#include <string.h>

#include "member.h"
#include "util.h"

#define COLUMNS "id, list_id, address, name, mode, created, disabled, " \
	"skip_if_addressed"

const char *
member_mode_name(enum member_mode mode)
{
	return mode == MODE_NOMAIL ? "nomail" : "normal";
}

int
member_mode_parse(const char *s, enum member_mode *mode)
{
	if (strcmp(s, "normal") == 0)
		*mode = MODE_NORMAL;
	else if (strcmp(s, "nomail") == 0)
		*mode = MODE_NOMAIL;
	else
		return -1;
	return 0;
}

static const char *const delivery_names[] = {
	[DELIVERY_ENABLED] = "enabled",
	[DELIVERY_OFF_BOUNCES] = "bounces",
	[DELIVERY_OFF_COMPLAINT] = "complaint",
	[DELIVERY_OFF_ADMIN] = "admin",
};

#define NDELIVERY (sizeof(delivery_names) / sizeof(delivery_names[0]))

const char *
member_delivery_name(enum member_delivery d)
{
	return (size_t)d < NDELIVERY ? delivery_names[d] : "enabled";
}

int
member_delivery_parse(const char *s, enum member_delivery *d)
{
	size_t i;

	for (i = 0; i < NDELIVERY; i++) {
		if (strcmp(delivery_names[i], s) == 0) {
			*d = (enum member_delivery)i;
			return 0;
		}
	}
	return -1;
}

int
member_check(const char *address, const char *name, struct err *e)
{
	if (addr_check(address, e) < 0)
		return -1;
	if (name != NULL && strlen(name) > MEMBER_NAME_MAX)
		return err_set(e, ERR_PERM, "display name longer than %d "
		    "octets", MEMBER_NAME_MAX);
	if (name != NULL && str_has_ctl(name))
		return err_set(e, ERR_PERM, "control characters in the "
		    "display name");
	return 0;
}

/*
 * Herald owns every address of a list domain (one MTA rule hands the whole
 * domain to herald receive), so a member there is Herald writing to itself:
 * a list's own address loops, any other comes back as unknown.
 */
int
member_check_foreign(struct db *db, const char *address, struct err *e)
{
	const char *at = strrchr(address, '@');
	struct db_stmt *st;
	int rc;

	if (at == NULL)
		return 0;
	st = db_prepare(db, "SELECT 1 FROM list WHERE domain = lower(?) "
	    "LIMIT 1", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, at + 1);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	if (rc == 0)
		return 0;
	db_done(st);
	return err_set(e, ERR_PERM, "%s is a list domain of this Herald; "
	    "its addresses cannot be members", at + 1);
}

int
member_add(struct db *db, int64_t list_id, const char *address,
    const char *name, enum member_mode mode, int64_t *id, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st;

	if (member_check(address, name, e) < 0 ||
	    member_check_foreign(db, address, e) < 0)
		return -1;
	addr_key(address, key);
	st = db_prepare(db, "INSERT OR IGNORE INTO member (list_id, address, "
	    "addr_key, name, mode, created) VALUES (?, ?, ?, ?, ?, ?)", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, address);
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, name != NULL && *name != '\0' ? name : NULL);
	db_bind_text(st, 5, member_mode_name(mode));
	db_bind_int(st, 6, now_s());
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_EXISTS, "already a member");
	if (id != NULL)
		*id = db_last_id(db);
	return 0;
}

int
member_remove(struct db *db, int64_t list_id, const char *address,
    struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "DELETE FROM member "
	    "WHERE list_id = ? AND addr_key = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "not a member");
	return 0;
}

static void
fill(struct db_stmt *st, struct member *m)
{
	const char *name = db_col_text(st, 3);

	m->id = db_col_int(st, 0);
	m->list_id = db_col_int(st, 1);
	str_copy(m->address, sizeof(m->address), db_col_text(st, 2));
	str_copy(m->name, sizeof(m->name), name != NULL ? name : "");
	member_mode_parse(db_col_text(st, 4), &m->mode);
	m->created = db_col_int(st, 5);
	m->delivery = DELIVERY_ENABLED;
	if (!db_col_is_null(st, 6))
		member_delivery_parse(db_col_text(st, 6), &m->delivery);
	m->skip_if_addressed = db_col_int(st, 7) != 0;
}

static int
get_one(struct db_stmt *st, struct member *out, struct err *e)
{
	int rc = db_step(st, e);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "not a member");
	fill(st, out);
	db_done(st);
	return 0;
}

int
member_get(struct db *db, int64_t list_id, const char *address,
    struct member *out, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "SELECT " COLUMNS " FROM member "
	    "WHERE list_id = ? AND addr_key = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	return get_one(st, out, e);
}

int
member_get_id(struct db *db, int64_t id, struct member *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLUMNS " FROM member "
	    "WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return get_one(st, out, e);
}

int
member_set_mode(struct db *db, int64_t list_id, const char *address,
    enum member_mode mode, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "UPDATE member SET mode = ? "
	    "WHERE list_id = ? AND addr_key = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_text(st, 1, member_mode_name(mode));
	db_bind_int(st, 2, list_id);
	db_bind_text(st, 3, key);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "not a member");
	return 0;
}

int
member_set_delivery(struct db *db, int64_t id, enum member_delivery d,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "UPDATE member SET disabled = ? "
	    "WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, d == DELIVERY_ENABLED ? NULL :
	    member_delivery_name(d));
	db_bind_int(st, 2, id);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "not a member");
	return 0;
}

int
member_foreach(struct db *db, int64_t list_id,
    int (*fn)(const struct member *m, void *arg), void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLUMNS " FROM member "
	    "WHERE list_id = ? ORDER BY addr_key", e);
	struct member m;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	while ((rc = db_step(st, e)) == 1) {
		fill(st, &m);
		if (fn(&m, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
member_count(struct db *db, int64_t list_id, int64_t *all, int64_t *normal,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*), "
	    "coalesce(sum(mode = 'normal' AND disabled IS NULL), 0) "
	    "FROM member WHERE list_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	if (db_step(st, e) != 1)
		return -1;
	*all = db_col_int(st, 0);
	*normal = db_col_int(st, 1);
	db_done(st);
	return 0;
}

int
member_widest(struct db *db, int64_t list_id, int *width, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT coalesce(max(length("
	    "address)), 0) FROM member WHERE list_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	if (db_step(st, e) != 1)
		return -1;
	*width = (int)db_col_int(st, 0);
	db_done(st);
	return 0;
}

int
member_set_skip(struct db *db, int64_t list_id, const char *address,
    int skip, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "UPDATE member SET "
	    "skip_if_addressed = ? WHERE list_id = ? AND addr_key = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, skip);
	db_bind_int(st, 2, list_id);
	db_bind_text(st, 3, key);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "not a member");
	return 0;
}
