/*
 * test_race.c: two processes that take up the same new mail at once.
 *
 * `herald receive` handles its message at once, and a delivery engine
 * that runs meanwhile sweeps up whatever is new: both can find the same
 * post or service mail new and screen it.  Each must be acted on once:
 * one list copy per member, one copy of owner mail per owner.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "inbound.h"
#include "list.h"
#include "member.h"
#include "msg.h"
#include "post.h"
#include "staff.h"
#include "unit.h"

#define POSTS 60
#define OWNER_MAILS 60
#define MEMBERS 3

static char *
write_conf(void)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/herald.conf", dir);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "database = \"%s/db\"\nspool = \"%s/spool\"\n"
	    "secret_file = \"%s/secret\"\nlog_target = \"file:%s/log\"\n"
	    "busy_timeout = 60s\n", dir, dir, dir, dir);
	fclose(f);
	free(dir);
	return path;
}

static struct ctx *
open_ctx(const char *conf)
{
	struct ctx *c;
	struct err e;

	if (ctx_open(conf, &c, &e) < 0 || ctx_secret(c, &e) < 0)
		ck_abort_msg("%s", e.msg);
	return c;
}

/* The list, its members and owner, and the mail nobody handled yet. */
static void
fill(const char *conf)
{
	static const char *const who[MEMBERS] = { "anna@example.com",
	    "bernd@example.net", "chloe@example.org" };
	struct ctx *c = open_ctx(conf);
	struct list l;
	struct err e;
	int64_t id;
	char *text;
	int i;

	ck_assert_int_eq(list_create(c->db, "dev@lists.example.org", &l, &e),
	    0);
	for (i = 0; i < MEMBERS; i++)
		ck_assert_int_eq(member_add(c->db, l.id, who[i], NULL,
		    MODE_NORMAL, &id, &e), 0);
	ck_assert_int_eq(staff_add(c->db, l.id, STAFF_OWNER,
	    "boss@example.com", &e), 0);
	for (i = 0; i < POSTS; i++) {
		text = xasprintf("From: anna@example.com\r\nTo: "
		    "dev@lists.example.org\r\nSubject: post %d\r\n"
		    "Message-ID: <race%d@example.com>\r\n\r\nPost %d.\r\n",
		    i, i, i);
		ck_assert_int_eq(post_store(c, &l, "anna@example.com", text,
		    strlen(text), &id, &e), 0);
		free(text);
	}
	for (i = 0; i < OWNER_MAILS; i++) {
		text = xasprintf("From: someone@example.org\r\nTo: "
		    "dev-owner@lists.example.org\r\nSubject: question %d\r\n"
		    "\r\nA question.\r\n", i);
		ck_assert_int_eq(inbound_store(c, &l, ROLE_OWNER, "",
		    "someone@example.org", text, strlen(text), &id, &e), 0);
		free(text);
	}
	ctx_close(c);
}

/* A child: waits for the start, then screens everything new. */
static void
sweep(const char *conf, int start)
{
	struct ctx *c;
	struct err e;
	char go;
	int rc;

	if (read(start, &go, 1) != 1)
		_exit(3);
	if (ctx_open(conf, &c, &e) < 0 || ctx_secret(c, &e) < 0)
		_exit(2);
	rc = post_process_all(c, &e) < 0 || inbound_process_all(c, &e) < 0;
	if (rc)
		fprintf(stderr, "sweep %d: %s\n", (int)getpid(), e.msg);
	ctx_close(c);
	_exit(rc);
}

static int64_t
count(struct ctx *c, const char *sql)
{
	struct db_stmt *st;
	struct err e;
	int64_t n;

	if ((st = db_prepare(c->db, sql, &e)) == NULL)
		ck_abort_msg("%s", e.msg);
	ck_assert_int_eq(db_step(st, &e), 1);
	n = db_col_int(st, 0);
	db_done(st);
	return n;
}

START_TEST(each_once)
{
	char *conf = write_conf(), go[2] = "gg";
	int start[2], status, i;
	pid_t kids[2];
	struct ctx *c;

	fill(conf);
	ck_assert_int_eq(pipe(start), 0);
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0)
			sweep(conf, start[0]);
	}
	/* Both start together, for the best chance to collide. */
	ck_assert_int_eq(write(start[1], go, 2), 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "a sweep failed (status %#x)", status);
	}
	c = open_ctx(conf);
	ck_assert_int_eq(count(c, "SELECT count(*) FROM post WHERE state = "
	    "'sending'"), POSTS);
	ck_assert_int_eq(count(c, "SELECT count(*) FROM delivery"),
	    POSTS * MEMBERS);
	ck_assert_int_eq(count(c, "SELECT count(*) FROM inbound WHERE "
	    "state = 'done'"), OWNER_MAILS);
	ck_assert_int_eq(count(c, "SELECT count(*) FROM outmail WHERE "
	    "kind = 'owner'"), OWNER_MAILS);
	ctx_close(c);
	free(conf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("race");
	TCase *tc = tcase_create("race");

	msg_init();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_once);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
