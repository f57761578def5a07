/*
 * staff.c: owners and moderators.
 */
#include "staff.h"
#include "util.h"

const char *
staff_kind_name(enum staff_kind k)
{
	return k == STAFF_OWNER ? "owner" : "moderator";
}

int
staff_add(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st;

	if (addr_check(address, e) < 0)
		return -1;
	addr_key(address, key);
	st = db_prepare(db, "INSERT OR IGNORE INTO role (list_id, address, "
	    "addr_key, role) VALUES (?, ?, ?, ?)", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, address);
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, staff_kind_name(k));
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_EXISTS, "already %s %s",
		    k == STAFF_OWNER ? "an" : "a", staff_kind_name(k));
	return 0;
}

int
staff_remove(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "DELETE FROM role WHERE "
	    "list_id = ? AND addr_key = ? AND role = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, staff_kind_name(k));
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "not %s %s",
		    k == STAFF_OWNER ? "an" : "a", staff_kind_name(k));
	return 0;
}

int
staff_foreach(struct db *db, int64_t list_id, enum staff_kind k,
    int (*fn)(const char *address, void *arg), void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT address FROM role WHERE "
	    "list_id = ? AND role = ? ORDER BY addr_key", e);
	char addr[ADDR_MAX + 1];
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, staff_kind_name(k));
	while ((rc = db_step(st, e)) == 1) {
		str_copy(addr, sizeof(addr), db_col_text(st, 0));
		if (fn(addr, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
staff_is(struct db *db, int64_t list_id, enum staff_kind k,
    const char *address, int *yes, struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM role WHERE "
	    "list_id = ? AND addr_key = ? AND role = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, staff_kind_name(k));
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*yes = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}
