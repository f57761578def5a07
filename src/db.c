/*
 * db.c: the SQLite adapter.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fsutil.h"
#include "util.h"

/*
 * Statements are cached by their SQL text, so that a call site gets the
 * same statement back without preparing it again.  The address of the
 * caller's text is only a hint: a string literal keeps its address, but a
 * buffer filled at run time may hold other SQL at the same address next
 * time, so the text itself always decides.
 */
#define STMT_CACHE_MAX 256

struct db_stmt {
	struct db *db;
	sqlite3_stmt *st;
	const char *hint;	/* where the caller's text was last time */
	char *sql;		/* our copy of it */
};

struct db {
	sqlite3 *h;
	struct db_stmt cache[STMT_CACHE_MAX];
	size_t ncache;
};

static int
db_fail(struct db *db, int rc, struct err *e, const char *what)
{
	enum err_class cls;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_PROTOCOL:
		cls = ERR_TEMP;
		break;
	case SQLITE_CONSTRAINT:
		cls = ERR_PERM;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		cls = ERR_CONFIG;
		break;
	default:
		cls = ERR_INTERNAL;
		break;
	}
	return err_set(e, cls, "database: %s: %s", what,
	    db != NULL && db->h != NULL ? sqlite3_errmsg(db->h) :
	    sqlite3_errstr(rc));
}

int
db_open(const char *path, int64_t busy_ms, struct db **out, struct err *e)
{
	struct db *db;
	int rc;

	/*
	 * The database holds every member's address: it is created 0640,
	 * as the spool's files are, whatever the umask.  SQLite gives its
	 * -wal and -shm files the mode of the database.
	 */
	if (fs_create(path, 0640, e) < 0)
		return -1;
	db = xcalloc(1, sizeof(*db));
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, e, path);
		db_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, busy_ms > INT32_MAX ? INT32_MAX :
	    (int)busy_ms);
	/*
	 * A page cache of 1 MiB rather than SQLite's 2: Herald reads its
	 * members in order, once per post, so a larger cache buys little
	 * and would be memory that grows with the database up to its cap.
	 */
	if (db_exec(db, "PRAGMA journal_mode=WAL", e) < 0 ||
	    db_exec(db, "PRAGMA foreign_keys=ON", e) < 0 ||
	    db_exec(db, "PRAGMA cache_size=-1024", e) < 0 ||
	    db_set_sync_full(db, 1, e) < 0) {
		err_prefix(e, "%s", path);
		db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->h);
	free(db);
}

int
db_set_sync_full(struct db *db, int full, struct err *e)
{
	return db_exec(db, full ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", e);
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, e, "exec");
	return 0;
}

int
db_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int
db_commit(struct db *db, struct err *e)
{
	if (db_exec(db, "COMMIT", e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

static struct db_stmt *
reuse(struct db_stmt *s, const char *sql)
{
	s->hint = sql;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	return s;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].hint == sql && strcmp(db->cache[i].sql, sql) ==
		    0)
			return reuse(&db->cache[i], sql);
	for (i = 0; i < db->ncache; i++)
		if (strcmp(db->cache[i].sql, sql) == 0)
			return reuse(&db->cache[i], sql);
	if (db->ncache == STMT_CACHE_MAX) {
		err_set(e, ERR_INTERNAL, "statement cache full");
		return NULL;
	}
	s = &db->cache[db->ncache];
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->st, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, e, "prepare");
		return NULL;
	}
	s->db = db;
	s->hint = sql;
	s->sql = xstrdup(sql);
	db->ncache++;
	return s;
}

int
db_exists(struct db *db, const char *sql, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, e)) == 1)
		db_done(st);
	return rc;
}

void
db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st->st, idx);
	else
		sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_double(struct db_stmt *st, int idx, double v)
{
	sqlite3_bind_double(st->st, idx, v);
}

int
db_step(struct db_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st->st);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st->st);
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(st->db, rc, e, "step");
}

int
db_run(struct db_stmt *st, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == 1) {
		db_done(st);
		return 0;
	}
	return rc;
}

void
db_done(struct db_stmt *st)
{
	sqlite3_reset(st->st);
}

int64_t
db_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

double
db_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(st->st, col);
}

const char *
db_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->st, col);
}

int
db_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int64_t
db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

int
db_get_version(struct db *db, int64_t *version, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "PRAGMA user_version", e);

	if (st == NULL || db_step(st, e) != 1)
		return -1;
	*version = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int
db_set_version(struct db *db, int64_t version, struct err *e)
{
	char sql[64];

	/* PRAGMA takes no parameters; the value is our own integer. */
	str_fmt(sql, sizeof(sql), "PRAGMA user_version=%lld",
	    (long long)version);
	return db_exec(db, sql, e);
}
