/*
 * pending.c: confirmation requests not yet answered.
 */
#include <string.h>

#include "pending.h"
#include "util.h"

#define COLUMNS "id, list_id, action, origin, address, name, created, " \
	"expires"

const char *
pending_action_name(enum pending_action a)
{
	return a == PENDING_UNSUBSCRIBE ? "unsubscribe" : "subscribe";
}

const char *
pending_origin_name(enum pending_origin o)
{
	return o == PENDING_BY_INVITE ? "invite" : "mail";
}

int
pending_create(struct db *db, struct pending *p, int64_t lifetime,
    char *token, struct err *e)
{
	char key[ADDR_MAX + 1], digest[TOKEN_DIGEST_LEN + 1];
	struct db_stmt *st;

	if (token_random(token, e) < 0)
		return -1;
	token_digest(token, digest);
	addr_key(p->address, key);
	p->created = now_s();
	p->expires = p->created + lifetime;
	/* A new request replaces the old: its token stops working. */
	st = db_prepare(db, "INSERT INTO pending (list_id, action, address, "
	    "addr_key, name, origin, digest, created, expires) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (list_id, addr_key, "
	    "action) DO UPDATE SET address = excluded.address, name = "
	    "excluded.name, origin = excluded.origin, digest = "
	    "excluded.digest, created = excluded.created, expires = "
	    "excluded.expires", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, p->list_id);
	db_bind_text(st, 2, pending_action_name(p->action));
	db_bind_text(st, 3, p->address);
	db_bind_text(st, 4, key);
	db_bind_text(st, 5, p->name[0] != '\0' ? p->name : NULL);
	db_bind_text(st, 6, pending_origin_name(p->origin));
	db_bind_text(st, 7, digest);
	db_bind_int(st, 8, p->created);
	db_bind_int(st, 9, p->expires);
	return db_run(st, e);
}

static void
fill(struct db_stmt *st, struct pending *p)
{
	const char *name = db_col_text(st, 5);

	p->id = db_col_int(st, 0);
	p->list_id = db_col_int(st, 1);
	p->action = strcmp(db_col_text(st, 2), "unsubscribe") == 0 ?
	    PENDING_UNSUBSCRIBE : PENDING_SUBSCRIBE;
	p->origin = strcmp(db_col_text(st, 3), "invite") == 0 ?
	    PENDING_BY_INVITE : PENDING_BY_MAIL;
	str_copy(p->address, sizeof(p->address), db_col_text(st, 4));
	str_copy(p->name, sizeof(p->name), name != NULL ? name : "");
	p->created = db_col_int(st, 6);
	p->expires = db_col_int(st, 7);
}

static int
delete_id(struct db *db, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM pending WHERE id = ?",
	    e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return db_run(st, e);
}

int
pending_take(struct db *db, int64_t list_id, const char *token,
    struct pending *out, struct err *e)
{
	char digest[TOKEN_DIGEST_LEN + 1];
	struct db_stmt *st;
	int rc;

	if (token_digest(token, digest) < 0)
		return err_set(e, ERR_NOTFOUND, "no such confirmation");
	st = db_prepare(db, "SELECT " COLUMNS " FROM pending WHERE "
	    "digest = ? AND list_id = ?", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, digest);
	db_bind_int(st, 2, list_id);
	if ((rc = db_step(st, e)) <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "no such "
		    "confirmation");
	fill(st, out);
	db_done(st);
	if (delete_id(db, out->id, e) < 0)
		return -1;
	if (out->expires <= now_s())
		return err_set(e, ERR_NOTFOUND, "the confirmation has expired");
	return 0;
}

int
pending_foreach(struct db *db, int64_t list_id,
    int (*fn)(const struct pending *p, void *arg), void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLUMNS " FROM pending "
	    "WHERE list_id = ? AND expires > ? ORDER BY created, id", e);
	struct pending p;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_int(st, 2, now_s());
	while ((rc = db_step(st, e)) == 1) {
		fill(st, &p);
		if (fn(&p, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
pending_cancel(struct db *db, int64_t list_id, const char *address,
    struct err *e)
{
	char key[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(db, "DELETE FROM pending WHERE "
	    "list_id = ? AND addr_key = ?", e);

	if (st == NULL)
		return -1;
	addr_key(address, key);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "no open confirmation");
	return 0;
}

int
pending_cancel_all(struct db *db, int64_t list_id, int64_t *n,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM pending WHERE "
	    "list_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	if (db_run(st, e) < 0)
		return -1;
	*n = db_changes(db);
	return 0;
}

int
pending_expire(struct db *db, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM pending WHERE "
	    "expires <= ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now_s());
	return db_run(st, e);
}
