/*
 * test_subscribe.c: confirmation requests and their rate limit, pending
 * tokens, unsubscribe tokens and the per-member header fields, on a real
 * database and spool.
 */
#include "ctx.h"
#include "list.h"
#include "listmail.h"
#include "member.h"
#include "msg.h"
#include "outmail.h"
#include "pending.h"
#include "settings.h"
#include "subscribe.h"
#include "unit.h"
#include "unsub.h"

/* A context on a fresh directory; web_url as given ("" for none). */
static struct ctx *
test_ctx(const char *web_url)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/herald.conf", dir);
	FILE *f = fopen(path, "w");
	struct ctx *c;
	struct err e;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "database = \"%s/db\"\nspool = \"%s/spool\"\n"
	    "secret_file = \"%s/secret\"\nlog_target = \"file:%s/log\"\n"
	    "web_url = \"%s\"\n", dir, dir, dir, dir, web_url);
	fclose(f);
	if (ctx_open(path, &c, &e) < 0 || ctx_secret(c, &e) < 0)
		ck_abort_msg("%s", e.msg);
	free(dir);
	free(path);
	return c;
}

static struct list
test_list(struct ctx *c)
{
	struct list l;
	struct err e;

	ck_assert_int_eq(list_create(c->db, "dev@lists.example.org", &l, &e),
	    0);
	return l;
}

static enum subscribe_outcome
ask(struct ctx *c, const struct list *l, enum pending_action a,
    const char *addr)
{
	struct subscribe_req q = { .list = l, .action = a,
	    .origin = PENDING_BY_MAIL, .address = addr };
	enum subscribe_outcome out;
	struct err e;

	if (subscribe_ask(c, &q, &out, &e) < 0)
		ck_abort_msg("%s: %s", addr, e.msg);
	return out;
}

static int64_t
confirmations(struct ctx *c, const struct list *l, const char *addr)
{
	struct err e;
	int64_t n;

	ck_assert_int_eq(outmail_count(c, l->id, "confirm", addr, 0, &n, &e),
	    0);
	return n;
}

START_TEST(one_request_per_mailbox_a_day)
{
	struct ctx *c = test_ctx("");
	struct list l = test_list(c);
	struct err e;

	/* Case 023: tags and letter case do not make a new mailbox. */
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "victim+a1@example.com"),
	    SUB_ASKED);
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "victim+b2@example.com"),
	    SUB_LIMITED);
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "VICTIM@EXAMPLE.COM"),
	    SUB_LIMITED);
	ck_assert_int_eq(ask(c, &l, PENDING_UNSUBSCRIBE, "victim@example.com"),
	    SUB_LIMITED);
	ck_assert_int_eq(confirmations(c, &l, "victim@example.com"), 1);
	/* Another mailbox is not affected. */
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "other@example.com"),
	    SUB_ASKED);
	/* A day later, one more. */
	ck_assert_int_eq(db_exec(c->db, "UPDATE outmail SET created = "
	    "created - 86401", &e), 0);
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "victim@example.com"),
	    SUB_ASKED);
	ck_assert_int_eq(confirmations(c, &l, "victim+x@example.com"), 2);
	ctx_close(c);
}
END_TEST

/* The text of the newest outmail, without its Date and Message-ID. */
static char *
last_outmail(struct ctx *c)
{
	struct db_stmt *st;
	struct buf b;
	struct err e;
	char *path;

	st = db_prepare(c->db, "SELECT spool FROM outmail ORDER BY id DESC "
	    "LIMIT 1", &e);
	ck_assert_int_eq(db_step(st, &e), 1);
	path = xasprintf("%s/out/%s", c->conf->spool, db_col_text(st, 0));
	db_done(st);
	b = unit_read(path);
	free(path);
	return b.data;
}

/* Blanks out every token and the fields that differ by nature. */
static void
normalise(char *s, const char *addr)
{
	char *p;

	while ((p = strstr(s, addr)) != NULL)
		memset(p, '*', strlen(addr));
	while ((p = strstr(s, "confirm+")) != NULL)
		memset(p, '*', 8 + TOKEN_RANDOM_LEN);
	while ((p = strstr(s, "confirm ")) != NULL)
		memset(p, '*', 8 + TOKEN_RANDOM_LEN);
	for (p = s; (p = strstr(p, "\nDate:")) != NULL; p++)
		memset(p + 1, '*', strcspn(p + 1, "\r\n"));
	for (p = s; (p = strstr(p, "\nMessage-ID:")) != NULL; p++)
		memset(p + 1, '*', strcspn(p + 1, "\r\n"));
	if (strncmp(s, "Date:", 5) == 0)
		memset(s, '*', strcspn(s, "\r\n"));
}

START_TEST(same_answer_member_or_not)
{
	struct ctx *c = test_ctx("");
	struct list l = test_list(c);
	char *a, *b;
	struct err e;

	ck_assert_int_eq(member_add(c->db, l.id, "anna@example.com", NULL,
	    MODE_NORMAL, NULL, &e), 0);
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "anna@example.com"),
	    SUB_ASKED);
	a = last_outmail(c);
	ck_assert_int_eq(ask(c, &l, PENDING_SUBSCRIBE, "zora@example.com"),
	    SUB_ASKED);
	b = last_outmail(c);
	normalise(a, "anna@example.com");
	normalise(b, "zora@example.com");
	ck_assert_str_eq(a, b);
	/* Not list mail: no one-click header (case 022). */
	ck_assert_ptr_null(strstr(a, "List-Unsubscribe"));
	ck_assert_ptr_nonnull(strstr(a, "Auto-Submitted: auto-replied"));
	free(a);
	free(b);
	ctx_close(c);
}
END_TEST

/* The token of the newest confirmation request, from its Reply-To. */
static void
sent_token(struct ctx *c, char *token)
{
	char *text = last_outmail(c), *p = strstr(text, "Reply-To: dev-");

	ck_assert_ptr_nonnull(p);
	p = strchr(p, '+');
	ck_assert_ptr_nonnull(p);
	memcpy(token, p + 1, TOKEN_RANDOM_LEN);
	token[TOKEN_RANDOM_LEN] = '\0';
	free(text);
}

START_TEST(tokens_single_use_expiring_hashed)
{
	struct ctx *c = test_ctx("");
	struct list l = test_list(c);
	char token[TOKEN_RANDOM_LEN + 1], *sql;
	enum subscribe_outcome out;
	struct pending p;
	struct member m;
	struct db_stmt *st;
	struct err e;

	ask(c, &l, PENDING_SUBSCRIBE, "bob@example.net");
	sent_token(c, token);
	/* Only the digest is stored. */
	sql = xasprintf("SELECT count(*) FROM pending WHERE digest LIKE "
	    "'%%%s%%' OR address LIKE '%%%s%%'", token, token);
	st = db_prepare(c->db, sql, &e);
	ck_assert_int_eq(db_step(st, &e), 1);
	ck_assert_int_eq(db_col_int(st, 0), 0);
	db_done(st);
	free(sql);
	/* A forged token confirms nothing; the true one once. */
	ck_assert_int_eq(subscribe_confirm(c, &l, "aaaaaaaaaaaaaaaaaaaaaaaaaa",
	    1, &p, &out, &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	ck_assert_int_eq(subscribe_confirm(c, &l, token, 1, &p, &out, &e), 0);
	ck_assert_int_eq(out, SUB_JOINED);
	ck_assert_int_eq(member_get(c->db, l.id, "bob@example.net", &m, &e),
	    0);
	ck_assert_int_eq(subscribe_confirm(c, &l, token, 1, &p, &out, &e),
	    -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	/* An expired token is refused, and gone. */
	db_exec(c->db, "UPDATE outmail SET created = 0", &e);
	ask(c, &l, PENDING_UNSUBSCRIBE, "bob@example.net");
	sent_token(c, token);
	db_exec(c->db, "UPDATE pending SET expires = created", &e);
	ck_assert_int_eq(subscribe_confirm(c, &l, token, 1, &p, &out, &e),
	    -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	ck_assert_int_eq(member_get(c->db, l.id, "bob@example.net", &m, &e),
	    0);
	ctx_close(c);
}
END_TEST

START_TEST(unsubscribe_tokens)
{
	struct ctx *c = test_ctx("");
	struct list l = test_list(c);
	char t1[TOKEN_LEN + 1], t2[TOKEN_LEN + 1], forged[TOKEN_LEN + 1];
	struct member m;
	int64_t anna, bernd;
	struct err e;

	member_add(c->db, l.id, "anna@example.com", NULL, MODE_NORMAL, &anna,
	    &e);
	member_add(c->db, l.id, "bernd@example.net", NULL, MODE_NORMAL,
	    &bernd, &e);
	ck_assert_int_eq(unsub_token(c, anna, t1, &e), 0);
	ck_assert_int_eq(unsub_check(c, t1, &m, &e), 0);
	ck_assert_int_eq(m.id, anna);
	ck_assert_ptr_null(strstr(t1, "anna"));
	/* Revoked: the old token fails, the new one works. */
	ck_assert_int_eq(unsub_revoke(c->db, anna, &e), 0);
	ck_assert_int_eq(unsub_check(c, t1, &m, &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	ck_assert_int_eq(unsub_token(c, anna, t2, &e), 0);
	ck_assert_str_ne(t1, t2);
	ck_assert_int_eq(unsub_check(c, t2, &m, &e), 0);
	/* A forged one: bernd's id cannot be had by changing anna's. */
	memcpy(forged, t2, sizeof(forged));
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(unsub_check(c, forged, &m, &e), -1);
	ck_assert_int_eq(unsub_check(c, "x", &m, &e), -1);
	/* A member who left has no token any more. */
	ck_assert_int_eq(member_remove(c->db, l.id, "anna@example.com", &e),
	    0);
	ck_assert_int_eq(unsub_check(c, t2, &m, &e), -1);
	ctx_close(c);
}
END_TEST

static char *
fields(struct ctx *c, const struct list *l, int64_t id)
{
	struct unsub_links k;
	struct buf b;
	struct err e;

	buf_init(&b, 4096);
	if (unsub_links(c, l, id, &k, &e) < 0 ||
	    listmail_member_fields(&k, &b, &e) < 0)
		ck_abort_msg("%s", e.msg);
	return b.data;
}

START_TEST(member_fields)
{
	struct ctx *c = test_ctx("https://lists.example.org/herald/");
	struct list l = test_list(c);
	char tok[TOKEN_LEN + 1], *a, *b, *want;
	int64_t anna, bernd;
	struct err e;

	member_add(c->db, l.id, "anna@example.com", NULL, MODE_NORMAL, &anna,
	    &e);
	member_add(c->db, l.id, "bernd@example.net", NULL, MODE_NORMAL,
	    &bernd, &e);
	unsub_token(c, anna, tok, &e);
	a = fields(c, &l, anna);
	b = fields(c, &l, bernd);
	want = xasprintf("List-Unsubscribe: <mailto:dev-leave+%s@lists."
	    "example.org>,\r\n <https://lists.example.org/herald/unsubscribe/"
	    "%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
	    tok, tok);
	ck_assert_str_eq(a, want);
	ck_assert_ptr_null(strstr(b, tok));
	free(a);
	free(b);
	free(want);
	/* Without web_url: mailto: only, and no List-Unsubscribe-Post. */
	free(c->conf->web_url);
	c->conf->web_url = xstrdup("");
	a = fields(c, &l, anna);
	want = xasprintf("List-Unsubscribe: <mailto:dev-leave+%s@lists."
	    "example.org>\r\n", tok);
	ck_assert_str_eq(a, want);
	free(a);
	free(want);
	ctx_close(c);
}
END_TEST

/* The text commands are read from: decoded, first inline text/plain. */
START_TEST(body_text)
{
	static const char alt[] = "From: a@example.com\r\nSubject: x\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
	    "boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; "
	    "name=x.txt\r\nContent-Disposition: attachment\r\n\r\n"
	    "unsubscribe\r\n--b1\r\nContent-Type: multipart/alternative; "
	    "boundary=b2\r\n\r\n--b2\r\nContent-Type: text/html\r\n\r\n"
	    "<p>help</p>\r\n--b2\r\nContent-Type: text/plain; "
	    "charset=iso-8859-1\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n\r\nsubscribe\r\nGr=FC=DFe\r\n--b2--\r\n"
	    "--b1--\r\n";
	static const char html[] = "From: a@example.com\r\nContent-Type: "
	    "text/html\r\n\r\n<p>subscribe</p>\r\n";
	struct msg *m;
	struct err e;
	char *t;

	ck_assert_int_eq(msg_parse(alt, strlen(alt), &m, &e), 0);
	t = msg_text(m, 65536);
	ck_assert_ptr_nonnull(t);
	/* The line end before a boundary belongs to the boundary. */
	ck_assert_str_eq(t, "subscribe\nGr\xc3\xbc\xc3\x9f" "e");
	free(t);
	t = msg_text(m, 4);
	ck_assert_str_eq(t, "subs");
	free(t);
	msg_free(m);
	ck_assert_int_eq(msg_parse(html, strlen(html), &m, &e), 0);
	ck_assert_ptr_null(msg_text(m, 65536));
	msg_free(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("subscribe");
	TCase *tc = tcase_create("subscribe");

	msg_init();
	tcase_add_test(tc, one_request_per_mailbox_a_day);
	tcase_add_test(tc, same_answer_member_or_not);
	tcase_add_test(tc, tokens_single_use_expiring_hashed);
	tcase_add_test(tc, unsubscribe_tokens);
	tcase_add_test(tc, member_fields);
	tcase_add_test(tc, body_text);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
