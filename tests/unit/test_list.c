/*
 * test_list.c: lists, their addresses and settings, on a real SQLite file.
 */
#include <sys/stat.h>

#include "crypto.h"
#include "list.h"
#include "member.h"
#include "settings.h"
#include "unit.h"

static const struct {
	const char *name;
	int ok;
} names[] = {
	{ "dev", 1 }, { "a", 1 }, { "dev-team", 1 }, { "dev.team_2", 1 },
	{ "", 0 }, { "-dev", 0 }, { "Dev", 0 }, { "dev+x", 0 },
	{ "dev@x", 0 }, { "dev team", 0 }, { "dev-request", 0 },
	{ "dev-owner", 0 }, { "dev-bounces", 0 }, { "dev-leave", 0 },
	{ "dev-unsubscribe", 0 }, { "dévé", 0 },
	{ "abcdefghijabcdefghijabcdefghi", 1 },	/* 29 */
	{ "abcdefghijabcdefghijabcdefghij", 0 },	/* 30 */
};

START_TEST(list_names)
{
	struct err e;
	int rc = list_check_name(names[_i].name, &e);

	ck_assert_msg((rc == 0) == names[_i].ok, "'%s': %s", names[_i].name,
	    rc == 0 ? "accepted" : e.msg);
}
END_TEST

static const struct {
	const char *rcpt;
	const char *list;	/* NULL: no list */
	enum list_role role;
	const char *arg;
} resolve_table[] = {
	{ "dev@lists.example.org", "dev", ROLE_POST, "" },
	{ "DEV@Lists.Example.ORG", "dev", ROLE_POST, "" },
	{ "dev-request@lists.example.org", "dev", ROLE_REQUEST, "" },
	{ "dev-owner@lists.example.org", "dev", ROLE_OWNER, "" },
	{ "dev-join@lists.example.org", "dev", ROLE_JOIN, "" },
	{ "dev-subscribe@lists.example.org", "dev", ROLE_JOIN, "" },
	{ "dev-leave@lists.example.org", "dev", ROLE_LEAVE, "" },
	{ "dev-unsubscribe@lists.example.org", "dev", ROLE_LEAVE, "" },
	{ "dev-bounces@lists.example.org", "dev", ROLE_BOUNCES, "" },
	{ "dev-bounces+abc123@lists.example.org", "dev", ROLE_BOUNCES,
	  "abc123" },
	{ "dev-confirm+tok@lists.example.org", "dev", ROLE_CONFIRM, "tok" },
	{ "dev+anything@lists.example.org", "dev", ROLE_POST, "anything" },
	{ "dev-team@lists.example.org", "dev-team", ROLE_POST, "" },
	{ "dev-team-owner@lists.example.org", "dev-team", ROLE_OWNER, "" },
	{ "dev-other@lists.example.org", NULL, ROLE_POST, "" },
	{ "dev@other.example.org", NULL, ROLE_POST, "" },
	{ "devrequest@lists.example.org", NULL, ROLE_POST, "" },
	{ "-request@lists.example.org", NULL, ROLE_POST, "" },
	{ "nobody", NULL, ROLE_POST, "" },
	{ "", NULL, ROLE_POST, "" },
};

START_TEST(resolve)
{
	struct db *db = unit_db();
	char arg[LIST_ARG_MAX + 1];
	enum list_role role;
	struct list l, got;
	struct err e;
	int rc;

	ck_assert_int_eq(list_create(db, "dev@lists.example.org", &l, &e), 0);
	ck_assert_int_eq(list_create(db, "dev-team@lists.example.org", &l,
	    &e), 0);
	rc = list_resolve(db, resolve_table[_i].rcpt, "+", &got, &role, arg,
	    &e);
	if (resolve_table[_i].list == NULL) {
		ck_assert_msg(rc < 0, "%s resolved", resolve_table[_i].rcpt);
		ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", resolve_table[_i].rcpt,
		    e.msg);
		ck_assert_str_eq(got.name, resolve_table[_i].list);
		ck_assert_int_eq(role, resolve_table[_i].role);
		ck_assert_str_eq(arg, resolve_table[_i].arg);
	}
	db_close(db);
}
END_TEST

START_TEST(addresses_round_trip)
{
	static const enum list_role roles[] = { ROLE_POST, ROLE_REQUEST,
	    ROLE_OWNER, ROLE_JOIN, ROLE_LEAVE, ROLE_BOUNCES, ROLE_CONFIRM };
	struct db *db = unit_db();
	char a[ADDR_MAX + 1], arg[LIST_ARG_MAX + 1];
	enum list_role role;
	struct list l, got;
	struct err e;
	size_t i;

	ck_assert_int_eq(list_create(db, "dev@lists.example.org", &l, &e), 0);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		ck_assert_int_eq(list_address(&l, roles[i], "+", "tok", a,
		    sizeof(a)), 0);
		ck_assert_int_eq(list_resolve(db, a, "+", &got, &role, arg,
		    &e), 0);
		ck_assert_int_eq(role, roles[i]);
		ck_assert_str_eq(arg, "tok");
	}
	list_address(&l, ROLE_BOUNCES, "+", NULL, a, sizeof(a));
	ck_assert_str_eq(a, "dev-bounces@lists.example.org");
	db_close(db);
}
END_TEST

START_TEST(create_get_delete)
{
	struct db *db = unit_db();
	struct list l, got;
	struct err e;

	ck_assert_int_eq(list_create(db, "Dev@Lists.Example.org", &l, &e), 0);
	ck_assert_str_eq(l.name, "dev");
	ck_assert_str_eq(l.domain, "lists.example.org");
	ck_assert_int_eq(list_create(db, "dev@lists.example.org", &got, &e),
	    -1);
	ck_assert_int_eq(e.cls, ERR_EXISTS);
	ck_assert_int_eq(list_get(db, "dev", &got, &e), 0);
	ck_assert_int_eq(got.id, l.id);
	ck_assert_int_eq(list_create(db, "dev@other.example", &got, &e), 0);
	/* A bare name is ambiguous now. */
	ck_assert_int_eq(list_get(db, "dev", &got, &e), -1);
	ck_assert_int_eq(e.cls, ERR_USAGE);
	ck_assert_int_eq(list_create(db, "nodomain", &got, &e), -1);
	ck_assert_int_eq(list_create(db, "x@bad_domain", &got, &e), -1);
	ck_assert_int_eq(member_add(db, l.id, "a@example.com", NULL,
	    MODE_NORMAL, NULL, &e), 0);
	ck_assert_int_eq(list_delete(db, &l, &e), 0);
	ck_assert_int_eq(list_get(db, "dev@lists.example.org", &got, &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(members)
{
	struct db *db = unit_db();
	int64_t all, normal;
	struct member m;
	struct list l;
	struct err e;

	list_create(db, "dev@lists.example.org", &l, &e);
	ck_assert_int_eq(member_add(db, l.id, "Anna@Example.com", "Anna",
	    MODE_NORMAL, NULL, &e), 0);
	ck_assert_int_eq(member_add(db, l.id, "anna@example.COM", NULL,
	    MODE_NORMAL, NULL, &e), -1);
	ck_assert_int_eq(e.cls, ERR_EXISTS);
	ck_assert_int_eq(member_add(db, l.id, "bad address@x", NULL,
	    MODE_NORMAL, NULL, &e), -1);
	ck_assert_int_eq(e.cls, ERR_PERM);
	ck_assert_int_eq(member_add(db, l.id, "b@example.com", "Evil\r\nBcc:",
	    MODE_NORMAL, NULL, &e), -1);
	ck_assert_int_eq(member_add(db, l.id, "b@example.com", NULL,
	    MODE_NOMAIL, NULL, &e), 0);
	/* Every address of a list domain is Herald's own: a loop. */
	ck_assert_int_eq(member_add(db, l.id, "dev@lists.example.org", NULL,
	    MODE_NORMAL, NULL, &e), -1);
	ck_assert_int_eq(e.cls, ERR_PERM);
	ck_assert_int_eq(member_add(db, l.id, "x-bounces@Lists.Example.ORG",
	    NULL, MODE_NORMAL, NULL, &e), -1);
	ck_assert_int_eq(e.cls, ERR_PERM);
	ck_assert_int_eq(member_get(db, l.id, "ANNA@example.com", &m, &e), 0);
	ck_assert_str_eq(m.address, "Anna@Example.com");	/* as given */
	ck_assert_str_eq(m.name, "Anna");
	ck_assert_int_eq(member_count(db, l.id, &all, &normal, &e), 0);
	ck_assert_int_eq(all, 2);
	ck_assert_int_eq(normal, 1);
	ck_assert_int_eq(member_remove(db, l.id, "anna@EXAMPLE.com", &e), 0);
	ck_assert_int_eq(member_remove(db, l.id, "anna@example.com", &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(settings)
{
	struct db *db = unit_db();
	char v[SETTING_MAX];
	struct list l;
	struct err e;
	int set;

	list_create(db, "dev@lists.example.org", &l, &e);
	ck_assert_int_eq(settings_get(db, l.id, "subject_prefix", v, &e), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(settings_is_set(db, l.id, "subject_prefix", &set,
	    &e), 0);
	ck_assert_int_eq(set, 0);
	ck_assert_int_eq(settings_set(db, l.id, "subject_prefix", "[dev] ",
	    &e), 0);
	ck_assert_int_eq(settings_get(db, l.id, "subject_prefix", v, &e), 0);
	ck_assert_str_eq(v, "[dev] ");
	ck_assert_int_eq(settings_set(db, l.id, "nonsense", "1", &e), -1);
	ck_assert_int_eq(e.cls, ERR_USAGE);
	ck_assert_int_eq(settings_set(db, l.id, "description", "a\nb", &e),
	    -1);
	/* Checked by meaning, not only by form. */
	ck_assert_int_eq(settings_set(db, l.id, "reply_to_address",
	    "not an address", &e), -1);
	ck_assert_int_eq(e.cls, ERR_USAGE);
	ck_assert_int_eq(settings_set(db, l.id, "reply_to_address",
	    "replies@example.org", &e), 0);
	ck_assert_int_eq(settings_set(db, l.id, "reply_to_address", "", &e),
	    0);
	ck_assert_int_eq(settings_set(db, l.id, "held_expiry", "0", &e), -1);
	ck_assert_int_eq(settings_set(db, l.id, "confirm_lifetime", "0h",
	    &e), -1);
	ck_assert_int_eq(settings_set(db, l.id, "held_expiry", "2s", &e), 0);
	ck_assert_int_eq(settings_set(db, l.id, "bounce_score_threshold",
	    "0.0", &e), -1);
	ck_assert_int_eq(settings_set(db, l.id, "bounce_soft_score", "0",
	    &e), 0);
	ck_assert_int_eq(settings_set(db, l.id, "dmarc_domains",
	    "example.com, not_a domain!", &e), -1);
	ck_assert_int_eq(settings_set(db, l.id, "dmarc_domains",
	    "example.com,example.net  example.org", &e), 0);
	db_close(db);
}
END_TEST

START_TEST(secret_is_created_private_and_kept)
{
	unsigned char a[CRYPTO_SECRET_LEN], b[CRYPTO_SECRET_LEN];
	char *dir = unit_tmpdir(), *path = xasprintf("%s/secret", dir);
	struct stat st;
	struct err e;

	ck_assert_int_eq(crypto_load_secret(path, a, &e), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(crypto_load_secret(path, b, &e), 0);
	ck_assert_int_eq(memcmp(a, b, sizeof(a)), 0);
	chmod(path, 0644);
	ck_assert_int_eq(crypto_load_secret(path, b, &e), -1);
	ck_assert_int_eq(e.cls, ERR_CONFIG);
	free(path);
	free(dir);
}
END_TEST

START_TEST(schema_is_versioned)
{
	struct db *db = unit_db();
	int64_t v;
	struct err e;

	ck_assert_int_eq(db_get_version(db, &v, &e), 0);
	ck_assert_int_eq(v, schema_version());
	/* Migrating again is a no-op. */
	ck_assert_int_eq(schema_migrate(db, &e), 0);
	/* A database from a newer herald is refused, not misread. */
	ck_assert_int_eq(db_set_version(db, v + 1, &e), 0);
	ck_assert_int_eq(schema_migrate(db, &e), -1);
	ck_assert_int_eq(e.cls, ERR_CONFIG);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("list");
	TCase *tc = tcase_create("list");

	tcase_add_loop_test(tc, list_names, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_loop_test(tc, resolve, 0,
	    sizeof(resolve_table) / sizeof(resolve_table[0]));
	tcase_add_test(tc, addresses_round_trip);
	tcase_add_test(tc, create_get_delete);
	tcase_add_test(tc, members);
	tcase_add_test(tc, settings);
	tcase_add_test(tc, secret_is_created_private_and_kept);
	tcase_add_test(tc, schema_is_versioned);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
