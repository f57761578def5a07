/*
 * unit.h: what the unit tests share.  Each test_*.c is one program built
 * with Debian's check framework against every module but main.c.
 */
#ifndef HERALD_UNIT_H
#define HERALD_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "fsutil.h"
#include "schema.h"
#include "util.h"

/* A file of the source tree ($HERALD_SRCDIR, set by make). */
static inline char *
unit_src(const char *rel)
{
	const char *top = getenv("HERALD_SRCDIR");

	return xasprintf("%s/%s", top != NULL ? top : ".", rel);
}

/* A file of ../shared beside the checkout. */
static inline char *
unit_shared(const char *rel)
{
	const char *shared = getenv("HERALD_SHARED");
	const char *top = getenv("HERALD_SRCDIR");

	if (shared != NULL)
		return xasprintf("%s/%s", shared, rel);
	return xasprintf("%s/../shared/%s", top != NULL ? top : ".", rel);
}

/* Reads a whole file; the test fails if it cannot. */
static inline struct buf
unit_read(const char *path)
{
	struct buf b;
	struct err e;

	buf_init(&b, 64 * 1024 * 1024);
	if (fs_read_file(path, &b, &e) < 0)
		ck_abort_msg("%s", e.msg);
	return b;
}

/* A fresh temporary directory (owned string). */
static inline char *
unit_tmpdir(void)
{
	char *dir = xstrdup("/tmp/herald-unit.XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

/* A fresh database with the schema, in a fresh directory. */
static inline struct db *
unit_db(void)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/t.db", dir);
	struct db *db;
	struct err e;

	if (db_open(path, 1000, &db, &e) < 0 || schema_migrate(db, &e) < 0)
		ck_abort_msg("%s", e.msg);
	free(dir);
	free(path);
	return db;
}

/* Runs one suite; the exit status says whether all passed. */
static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

#endif
