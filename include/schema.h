/*
 * schema.h: the database schema and its forward migrations.
 *
 * The schema version is SQLite's user_version.  Opening a database applies
 * every migration newer than it, each in its own transaction, so that an
 * old database is brought up to date automatically and a crash mid-way
 * leaves a consistent older version.  A database newer than this binary
 * is refused rather than misread.
 */
#ifndef HERALD_SCHEMA_H
#define HERALD_SCHEMA_H

#include "db.h"
#include "err.h"

int schema_migrate(struct db *db, struct err *e);

/* The version this binary writes. */
int schema_version(void);

#endif
