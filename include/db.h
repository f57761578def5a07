/*
 * db.h: the SQLite adapter.  This module is the only one that includes
 * sqlite3.h; everything else speaks SQL through these calls, always with
 * prepared statements and bound parameters.
 *
 * Errors are classed for the caller: a busy or locked database, a full disk
 * or an I/O error is ERR_TEMP (try again later); a constraint violation is
 * ERR_PERM; anything else is ERR_INTERNAL.
 */
#ifndef HERALD_DB_H
#define HERALD_DB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct db;
struct db_stmt;

/*
 * Opens (creating if needed) the database at path: WAL journal, foreign
 * keys on, the given busy timeout, synchronous=FULL.
 */
int db_open(const char *path, int64_t busy_ms, struct db **out,
    struct err *e);
void db_close(struct db *db);

/*
 * Durability of each commit: full (fsync at every commit; what receive
 * needs before it tells the MTA the message is ours) or normal (survives a
 * crash of the process but perhaps not of the machine).
 */
int db_set_sync_full(struct db *db, int full, struct err *e);

/* BEGIN IMMEDIATE: takes the write lock now rather than at first write. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);	/* harmless outside a transaction */

/* Runs SQL text without parameters (schema changes, pragmas). */
int db_exec(struct db *db, const char *sql, struct err *e);

/*
 * A prepared statement for sql, from the connection's cache (borrowed;
 * valid until db_close).  It comes reset with no bindings.  Finish with
 * db_done(), or step it until db_step() returns 0.
 */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);

/* Parameter indices start at 1; text and blobs are copied. */
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s);	/* NULL ok */
void db_bind_double(struct db_stmt *st, int idx, double v);

/* 1: a row is ready; 0: done (the statement is reset); -1: error. */
int db_step(struct db_stmt *st, struct err *e);

/*
 * Runs sql, a query with one parameter bound to id: 1 if it gives a
 * row, 0 if none, -1 on error.
 */
int db_exists(struct db *db, const char *sql, int64_t id, struct err *e);

/* Steps once, expecting no rows; resets the statement. */
int db_run(struct db_stmt *st, struct err *e);

/* Resets the statement so that it holds no lock. */
void db_done(struct db_stmt *st);

/* Column indices start at 0.  Text is borrowed until the next step. */
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);	/* NULL if null */
int db_col_is_null(struct db_stmt *st, int col);

int64_t db_last_id(struct db *db);
int64_t db_changes(struct db *db);

/* PRAGMA user_version, the schema version. */
int db_get_version(struct db *db, int64_t *version, struct err *e);
int db_set_version(struct db *db, int64_t version, struct err *e);

#endif
