/*
 * test_import.c: bulk import, plain and CSV, all or nothing.
 */
#include "import.h"
#include "list.h"
#include "member.h"
#include "msg.h"
#include "unit.h"

struct seen {
	int64_t lines[64];
	int n;
};

static void
on_rejected(int64_t line, const char *why, void *arg)
{
	struct seen *s = arg;

	(void)why;
	if (s->n < 64)
		s->lines[s->n++] = line;
}

static int
run(struct db *db, int64_t list_id, const char *text,
    enum import_format fmt, int skip_bad, struct import_result *r,
    struct seen *s)
{
	struct import_opts o = { .format = fmt, .skip_bad = skip_bad,
	    .rejected = on_rejected, .arg = s };
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct err e;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = member_import(db, list_id, in, &o, r, &e);
	fclose(in);
	return rc;
}

static int64_t
count(struct db *db, int64_t list_id)
{
	int64_t all, normal;
	struct err e;

	member_count(db, list_id, &all, &normal, &e);
	return all;
}

START_TEST(plain_lines)
{
	struct db *db = unit_db();
	struct import_result r;
	struct seen s;
	struct list l;
	struct err e;
	struct member m;

	list_create(db, "dev@lists.example.org", &l, &e);
	ck_assert_int_eq(run(db, l.id,
	    "\xef\xbb\xbf" "anna@example.com\n"
	    "# a comment\n\n"
	    "Bernd Beispiel <bernd@example.net>\r\n"
	    "  \"Doe, Jane\" <jane@example.org>  \n"
	    "ANNA@example.com\n", IMPORT_LINES, 0, &r, &s), 0);
	ck_assert(r.committed);
	ck_assert_int_eq(r.added, 3);
	ck_assert_int_eq(r.present, 1);
	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(member_get(db, l.id, "jane@example.org", &m, &e), 0);
	ck_assert_str_eq(m.name, "Doe, Jane");
	db_close(db);
}
END_TEST

START_TEST(one_bad_line_imports_nothing)
{
	struct db *db = unit_db();
	struct import_result r;
	struct seen s;
	struct list l;
	struct err e;

	list_create(db, "dev@lists.example.org", &l, &e);
	ck_assert_int_eq(run(db, l.id,
	    "a@example.com\nnot an address\nb@example.com\n"
	    "c@@example.com\ndev@lists.example.org\n", IMPORT_LINES, 0,
	    &r, &s), 0);
	ck_assert(!r.committed);
	ck_assert_int_eq(r.rejected, 3);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(s.lines[0], 2);
	ck_assert_int_eq(s.lines[1], 4);
	ck_assert_int_eq(s.lines[2], 5);
	ck_assert_int_eq(count(db, l.id), 0);
	/* With skip_bad the good ones go in. */
	ck_assert_int_eq(run(db, l.id,
	    "a@example.com\nnot an address\nb@example.com\n",
	    IMPORT_LINES, 1, &r, &s), 0);
	ck_assert(r.committed);
	ck_assert_int_eq(r.added, 2);
	ck_assert_int_eq(count(db, l.id), 2);
	db_close(db);
}
END_TEST

START_TEST(csv_records)
{
	struct db *db = unit_db();
	struct import_result r;
	struct member m;
	struct seen s;
	struct list l;
	struct err e;

	list_create(db, "dev@lists.example.org", &l, &e);
	ck_assert_int_eq(run(db, l.id,
	    "anna@example.com,Anna Beispiel\n"
	    "\"bernd@example.net\",\"Beispiel, Bernd\"\n"
	    "chloe@example.org\n"
	    "\"dmitri@example.com\",\"two\nlines\"\n"
	    "bad,Someone\n", IMPORT_CSV, 1, &r, &s), 0);
	ck_assert_int_eq(r.added, 3);
	ck_assert_int_eq(r.rejected, 2);
	/* Line numbers are those where each bad record starts. */
	ck_assert_int_eq(s.lines[0], 4);
	ck_assert_int_eq(s.lines[1], 6);
	ck_assert_int_eq(member_get(db, l.id, "bernd@example.net", &m, &e), 0);
	ck_assert_str_eq(m.name, "Beispiel, Bernd");
	db_close(db);
}
END_TEST

START_TEST(csv_header_row)
{
	struct db *db = unit_db();
	struct import_result r;
	struct member m;
	struct seen s;
	struct list l;
	struct err e;

	list_create(db, "dev@lists.example.org", &l, &e);
	/* The address column may stand anywhere. */
	ck_assert_int_eq(run(db, l.id,
	    "Name,E-Mail,Org\n" "Chloe,chloe@example.org,Example Ltd.\n",
	    IMPORT_CSV, 0, &r, &s), 0);
	ck_assert(r.committed);
	ck_assert_int_eq(member_get(db, l.id, "chloe@example.org", &m, &e), 0);
	ck_assert_str_eq(m.name, "Chloe");
	/* A column named twice is an error, not a silent choice. */
	ck_assert_int_eq(run(db, l.id,
	    "address,name,Name\n" "d@example.com,D,E\n", IMPORT_CSV, 0, &r,
	    &s), -1);
	ck_assert_int_eq(run(db, l.id,
	    "org,address,Org\n" "x,d@example.com,y\n", IMPORT_CSV, 0, &r,
	    &s), -1);
	ck_assert_int_eq(run(db, l.id,
	    "email,address\n" "d@example.com,d@example.com\n", IMPORT_CSV, 0,
	    &r, &s), -1);
	ck_assert_int_eq(member_get(db, l.id, "d@example.com", &m, &e), -1);
	ck_assert_int_eq(run(db, l.id,
	    "address,mode,name\n"
	    "anna@example.com,nomail,Anna\n"
	    "bernd@example.net,,\n", IMPORT_CSV, 0, &r, &s), 0);
	ck_assert(r.committed);
	ck_assert_int_eq(r.added, 2);
	ck_assert_int_eq(member_get(db, l.id, "anna@example.com", &m, &e), 0);
	ck_assert_int_eq(m.mode, MODE_NOMAIL);
	ck_assert_str_eq(m.name, "Anna");
	ck_assert_int_eq(run(db, l.id,
	    "address,favourite colour\nc@example.com,blue\n", IMPORT_CSV, 0,
	    &r, &s), -1);
	db_close(db);
}
END_TEST

START_TEST(hostile_input)
{
	struct db *db = unit_db();
	struct import_result r;
	struct seen s;
	struct list l;
	struct err e;
	char *big = xmalloc(20000);

	list_create(db, "dev@lists.example.org", &l, &e);
	memset(big, 'a', 19998);
	big[19998] = '\n';
	big[19999] = '\0';
	ck_assert_int_eq(run(db, l.id, big, IMPORT_LINES, 1, &r, &s), 0);
	ck_assert_int_eq(r.rejected, 1);
	ck_assert_int_eq(run(db, l.id, "\"unterminated,x\n", IMPORT_CSV, 0,
	    &r, &s), 0);
	ck_assert_int_eq(count(db, l.id), 0);
	ck_assert_int_eq(run(db, l.id, "", IMPORT_CSV, 0, &r, &s), 0);
	ck_assert_int_eq(r.records, 0);
	free(big);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	msg_init();
	tcase_add_test(tc, plain_lines);
	tcase_add_test(tc, one_bad_line_imports_nothing);
	tcase_add_test(tc, csv_records);
	tcase_add_test(tc, csv_header_row);
	tcase_add_test(tc, hostile_input);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
