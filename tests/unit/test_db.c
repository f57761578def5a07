/*
 * test_db.c: the SQLite adapter's statement cache.
 */
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

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_add_test(tc, text_not_address);
	tcase_add_test(tc, same_text_reused);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
