/*
 * test_db.c: the SQLite adapter: its statement cache, and a database
 * file nobody else can read.
 */
#include <sys/stat.h>

#include "unit.h"

static int64_t
value_of(struct db *db, const char *sql)
{
	struct db_stmt *st;
	struct err e;
	int64_t v;

	if ((st = db_prepare(db, sql, &e)) == NULL)
		ck_abort_msg("%s", e.msg);
	ck_assert_int_eq(db_step(st, &e), 1);
	v = db_col_int(st, 0);
	db_done(st);
	return v;
}

/* The same buffer, other SQL: the text decides, not the address. */
START_TEST(text_not_address)
{
	struct db *db = unit_db();
	char sql[64];
	int i;

	for (i = 1; i <= 300; i++) {
		str_fmt(sql, sizeof(sql), "SELECT %d", i % 3);
		ck_assert_int_eq(value_of(db, sql), i % 3);
	}
	db_close(db);
}
END_TEST

/* The same text at another address is the same statement, not a new
 * one each time (the cache would fill). */
START_TEST(same_text_reused)
{
	struct db *db = unit_db();
	char a[32], b[32];
	int i;

	for (i = 0; i < 1000; i++) {
		str_copy(i % 2 ? a : b, sizeof(a), "SELECT 7");
		ck_assert_int_eq(value_of(db, i % 2 ? a : b), 7);
	}
	db_close(db);
}
END_TEST

/* Every member's address is in the database: neither it nor its WAL
 * may be readable by others, even under the common umask 022. */
START_TEST(file_is_private)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/t.db", dir);
	char *wal = xasprintf("%s-wal", path);
	mode_t old = umask(022);
	struct stat st;
	struct db *db;
	struct err e;

	ck_assert_msg(db_open(path, 1000, &db, &e) == 0, "%s", e.msg);
	umask(old);
	ck_assert_int_eq(db_exec(db, "CREATE TABLE t (a)", &e), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 0007) == 0, "database mode %o",
	    (unsigned)(st.st_mode & 0777));
	ck_assert_int_eq(stat(wal, &st), 0);
	ck_assert_msg((st.st_mode & 0007) == 0, "WAL mode %o",
	    (unsigned)(st.st_mode & 0777));
	db_close(db);
	free(wal);
	free(path);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_add_test(tc, text_not_address);
	tcase_add_test(tc, same_text_reused);
	tcase_add_test(tc, file_is_private);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
