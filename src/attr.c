/*
 * attr.c: named attributes of a member.
 */
#include <string.h>

#include "attr.h"
#include "util.h"

int
attr_check_name(const char *name, struct err *e)
{
	static const char *const reserved[] = {
		"address", "email", "name", "mode", "skip_if_addressed",
	};
	size_t i, len = strlen(name);

	if (len == 0 || len > ATTR_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		goto bad;
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			goto bad;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(name, reserved[i]) == 0)
			return err_set(e, ERR_PERM, "'%s' is a member's own "
			    "field, not an attribute", name);
	return 0;
bad:
	return err_set(e, ERR_PERM, "'%s': an attribute name is up to %d "
	    "lower-case letters, digits and _, starting with a letter", name,
	    ATTR_NAME_MAX);
}

int
attr_check_value(const char *value, struct err *e)
{
	if (strlen(value) > ATTR_VALUE_MAX || str_has_ctl(value))
		return err_set(e, ERR_PERM, "an attribute value is one line "
		    "of at most %d octets", ATTR_VALUE_MAX);
	return 0;
}

int
attr_set(struct db *db, int64_t member_id, const char *name,
    const char *value, struct err *e)
{
	struct db_stmt *st;

	if (attr_check_name(name, e) < 0 || attr_check_value(value, e) < 0)
		return -1;
	if (*value == '\0') {
		st = db_prepare(db, "DELETE FROM member_attr WHERE "
		    "member_id = ? AND name = ?", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, member_id);
		db_bind_text(st, 2, name);
		return db_run(st, e);
	}
	st = db_prepare(db, "INSERT INTO member_attr (member_id, name, value) "
	    "VALUES (?, ?, ?) ON CONFLICT (member_id, name) DO UPDATE SET "
	    "value = excluded.value", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, value);
	return db_run(st, e);
}

int
attr_foreach(struct db *db, int64_t member_id,
    int (*fn)(const char *name, const char *value, void *arg), void *arg,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT name, value FROM "
	    "member_attr WHERE member_id = ? ORDER BY name", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	while ((rc = db_step(st, e)) == 1) {
		if (fn(db_col_text(st, 0), db_col_text(st, 1), arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
attr_names(struct db *db, int64_t list_id,
    int (*fn)(const char *name, void *arg), void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT DISTINCT a.name FROM "
	    "member_attr a JOIN member m ON m.id = a.member_id WHERE "
	    "m.list_id = ? ORDER BY a.name", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	while ((rc = db_step(st, e)) == 1) {
		if (fn(db_col_text(st, 0), arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
attr_in_use(struct db *db, int64_t list_id, const char *name, int *yes,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM member_attr a JOIN "
	    "member m ON m.id = a.member_id WHERE m.list_id = ? AND a.name = ? "
	    "LIMIT 1", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, name);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*yes = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}
