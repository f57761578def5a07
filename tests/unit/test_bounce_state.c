/*
 * test_bounce_state.c: bounce processing on a real database: failures
 * counted against the right member, policy refusals and complaints,
 * disabling with notices, the periodic notices and removal, the member's
 * answer; and the handler of the bounce address on hostile input.
 *
 * Every list here has the members of bed_open(); poster@example.org is
 * one of them and wrote the post every report returns: it must never
 * come out as a failed member.
 */
#include <sys/stat.h>

#include "bounce_mail.h"
#include "bounce_state.h"
#include "ctx.h"
#include "inbound.h"
#include "list.h"
#include "member.h"
#include "msg.h"
#include "post.h"
#include "settings.h"
#include "staff.h"
#include "token.h"
#include "unit.h"

#define POSTER "poster@example.org"
#define OWNER "boss@example.com"
#define DAY0 20500
#define AT(d, h) ((int64_t)(DAY0 + (d)) * BOUNCE_DAY + (h) * 3600)

static const char *const members[] = {
	"anna@example.com", "bernd@example.net", POSTER,
	"gone.away@example.net", "crowded@example.net", "member@example.com",
	"annoyed@isp.example.net", "plain.ascii@example.net",
};

#define NMEMBERS (sizeof(members) / sizeof(members[0]))

struct bed {
	char *dir;
	struct ctx *c;
	struct list l;
	int64_t id[NMEMBERS];
};

static struct bed
bed_open(void)
{
	struct bed b = { .dir = unit_tmpdir() };
	char *conf = xasprintf("%s/herald.conf", b.dir);
	FILE *f = fopen(conf, "w");
	struct err e;
	size_t i;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "database = \"%s/h.db\"\nspool = \"%s/spool\"\n"
	    "secret_file = \"%s/secret\"\nlog_target = \"file:%s/log\"\n",
	    b.dir, b.dir, b.dir, b.dir);
	fclose(f);
	if (ctx_open(conf, &b.c, &e) < 0 || ctx_secret(b.c, &e) < 0 ||
	    list_create(b.c->db, "dev@lists.example.org", &b.l, &e) < 0 ||
	    staff_add(b.c->db, b.l.id, STAFF_OWNER, OWNER, &e) < 0)
		ck_abort_msg("%s", e.msg);
	for (i = 0; i < NMEMBERS; i++)
		if (member_add(b.c->db, b.l.id, members[i], NULL, MODE_NORMAL,
		    &b.id[i], &e) < 0)
			ck_abort_msg("%s", e.msg);
	free(conf);
	return b;
}

static void
bed_close(struct bed *b)
{
	ctx_close(b->c);
	free(b->dir);
}

/*
 * A count from SQL (a literal: the statement cache goes by its address)
 * with up to two text parameters (NULL: none).
 */
static int64_t
count2(struct bed *b, const char *sql, const char *a1, const char *a2)
{
	struct db_stmt *st;
	struct err e;
	int64_t n;

	if ((st = db_prepare(b->c->db, sql, &e)) == NULL)
		ck_abort_msg("%s", e.msg);
	if (a1 != NULL)
		db_bind_text(st, 1, a1);
	if (a2 != NULL)
		db_bind_text(st, 2, a2);
	ck_assert_int_eq(db_step(st, &e), 1);
	n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static int64_t
count(struct bed *b, const char *sql, const char *arg)
{
	return count2(b, sql, arg, NULL);
}

/* Events about addr: of one kind, or all (event NULL). */
static int64_t
events(struct bed *b, const char *addr, const char *event)
{
	if (event == NULL)
		return count(b, "SELECT count(*) FROM bounce_event WHERE "
		    "address = ?", addr);
	return count2(b, "SELECT count(*) FROM bounce_event WHERE "
	    "address = ? AND event = ?", addr, event);
}

static int64_t
all_events(struct bed *b)
{
	return count(b, "SELECT count(*) FROM bounce_event", NULL);
}

static int64_t
outmail(struct bed *b, const char *kind, const char *rcpt)
{
	return count2(b, "SELECT count(*) FROM outmail WHERE kind = ? AND "
	    "rcpt = ?", kind, rcpt);
}

static double
score(struct bed *b, int64_t id)
{
	struct db_stmt *st;
	struct err e;
	double v = 0;

	st = db_prepare(b->c->db, "SELECT score FROM bounce_member WHERE "
	    "member_id = ?", &e);
	ck_assert_ptr_nonnull(st);
	db_bind_int(st, 1, id);
	if (db_step(st, &e) == 1) {
		v = db_col_double(st, 0);
		db_done(st);
	}
	return v;
}

static enum member_delivery
delivery(struct bed *b, int64_t id)
{
	struct member m;
	struct err e;

	if (member_get_id(b->c->db, id, &m, &e) < 0)
		ck_abort_msg("member %lld: %s", (long long)id, e.msg);
	return m.delivery;
}

static void
fail_at(struct bed *b, int64_t id, enum bounce_kind kind,
    enum bounce_reason reason, int64_t at)
{
	char what[BOUNCE_WHAT_MAX];
	struct bounce_fact f = {
		.member_id = id, .source = BOUNCE_SRC_TOKEN,
		.cls = BOUNCE_CLASS_FAILURE, .kind = kind, .reason = reason,
		.status = kind == BOUNCE_HARD ? "5.1.1" : "4.2.2",
		.diag = "550 5.1.1 no such user", .at = at,
	};
	struct err e;

	if (bounce_state_record(b->c, &f, what, &e) < 0)
		ck_abort_msg("%s", e.msg);
}

static void
tick(struct bed *b, int64_t now)
{
	struct err e;

	if (bounce_state_tick_at(b->c, now, &e) < 0)
		ck_abort_msg("%s", e.msg);
}

static void
token_of(struct bed *b, enum token_purpose p, int64_t id, char *out)
{
	token_make(b->c->secret, p, id, out);
}

/*
 * Hands raw to the handler of the bounce address, as mail to
 * dev-bounces+arg@; fails the test if the handler fails.
 */
static void
handle(struct bed *b, const char *arg, const char *sender, const char *raw,
    size_t len)
{
	struct inbound in = { .c = b->c, .list = &b->l, .role = ROLE_BOUNCES,
	    .arg = arg, .sender = sender, .raw = raw, .raw_len = len };
	struct err e;

	/* inbound.c hands no message without a header to a handler. */
	if (msg_parse(raw, len, &in.m, &e) < 0)
		return;
	if (bounce_mail_handle(&in, &e) < 0)
		ck_abort_msg("handler: %s", e.msg);
	msg_free(in.m);
}

static void
handle_str(struct bed *b, const char *arg, const char *raw)
{
	handle(b, arg, "", raw, strlen(raw));
}

static void
handle_file(struct bed *b, const char *arg, const char *name)
{
	char *rel = xasprintf("tests/unit/data/%s", name);
	char *path = unit_src(rel);
	struct buf raw = unit_read(path);

	handle(b, arg, "", raw.data, raw.len);
	buf_free(&raw);
	free(path);
	free(rel);
}

/* The text of the one outmail of kind to rcpt. */
static struct buf
outmail_text(struct bed *b, const char *kind, const char *rcpt)
{
	char path[4096];
	struct db_stmt *st;
	struct buf text;
	struct err e;

	st = db_prepare(b->c->db, "SELECT spool FROM outmail WHERE kind = ? "
	    "AND rcpt = ? ORDER BY id DESC LIMIT 1", &e);
	ck_assert_ptr_nonnull(st);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, rcpt);
	ck_assert_int_eq(db_step(st, &e), 1);
	post_spool_path(b->c->conf, "out", db_col_text(st, 0), path,
	    sizeof(path));
	db_done(st);
	buf_init(&text, 1 << 20);
	if (fs_read_file(path, &text, &e) < 0)
		ck_abort_msg("%s", e.msg);
	return text;
}

/*
 * Failures at send time.
 */

START_TEST(smtp_failures)
{
	struct bed b = bed_open();
	struct err e;

	ck_assert_int_eq(bounce_state_smtp(b.c, b.id[0], 0, 550, "550 5.1.1 "
	    "<anna@example.com>: Recipient address rejected: User unknown in "
	    "virtual mailbox table", 1, &e), 0);
	ck_assert_int_eq(events(&b, "anna@example.com", "hard"), 1);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "source = 'smtp' AND reason = 'user_unknown' AND status = ? AND "
	    "diag LIKE '%User unknown%'", "5.1.1"), 1);
	ck_assert(score(&b, b.id[0]) == 1.0);
	/* A 4xx given up: soft; without an enhanced code, the reply code. */
	ck_assert_int_eq(bounce_state_smtp(b.c, b.id[1], 0, 452, "452 "
	    "Mailbox full", 0, &e), 0);
	ck_assert_int_eq(events(&b, "bernd@example.net", "soft"), 1);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "status = ?", "452"), 1);
	ck_assert(score(&b, b.id[1]) == 0.5);
	/* Refused for the list's sake: an incident, nobody's score. */
	ck_assert_int_eq(bounce_state_smtp(b.c, b.id[5], 0, 550, "550 5.7.1 "
	    "Unauthenticated email from example.org is not accepted due to "
	    "domain's DMARC policy", 1, &e), 0);
	ck_assert_int_eq(events(&b, "member@example.com", "policy"), 1);
	ck_assert(score(&b, b.id[5]) == 0);
	/* A reply text that is not the refusal's: only the code counts. */
	ck_assert_int_eq(bounce_state_smtp(b.c, b.id[3], 0, 550, "221 2.0.0 "
	    "Bye", 1, &e), 0);
	ck_assert_int_eq(count2(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "address = ? AND event = 'hard' AND status = ? AND reason = "
	    "'other'", "gone.away@example.net", "550"), 1);
	ck_assert_int_eq(all_events(&b), 4);
	bed_close(&b);
}
END_TEST

/*
 * Scoring in the database.
 */

START_TEST(one_increment_a_day)
{
	struct bed b = bed_open();

	fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(0, 1));
	fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(0, 12));
	fail_at(&b, b.id[0], BOUNCE_SOFT, BOUNCE_REASON_MAILBOX_FULL,
	    AT(0, 23));
	ck_assert(score(&b, b.id[0]) == 1.0);
	/* Each failure is on record, counted or not. */
	ck_assert_int_eq(events(&b, "anna@example.com", NULL), 3);
	fail_at(&b, b.id[0], BOUNCE_SOFT, BOUNCE_REASON_MAILBOX_FULL,
	    AT(1, 0));
	ck_assert(score(&b, b.id[0]) == 1.5);
	/* After the quiet period the score starts again. */
	fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(9, 0));
	ck_assert(score(&b, b.id[0]) == 1.0);
	bed_close(&b);
}
END_TEST

START_TEST(policy_never_counts)
{
	struct bed b = bed_open();
	int d;

	for (d = 0; d < 10; d++)
		fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_POLICY,
		    AT(d, 9));
	ck_assert(score(&b, b.id[0]) == 0);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_ENABLED);
	ck_assert_int_eq(events(&b, "anna@example.com", "policy"), 10);
	ck_assert_int_eq(events(&b, "anna@example.com", "hard"), 0);
	bed_close(&b);
}
END_TEST

/* Five days of hard failures disable the member at the default threshold. */
static void
fail_five_days(struct bed *b, int64_t id)
{
	int d;

	for (d = 0; d < 5; d++) {
		ck_assert_int_eq(delivery(b, id), DELIVERY_ENABLED);
		fail_at(b, id, BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
		    AT(d, 10));
	}
}

/* The member id a NAME-bounces+TOKEN@ address names for purpose p. */
static int64_t
token_in(struct bed *b, const char *addr, enum token_purpose p)
{
	char tok[TOKEN_LEN + 1];
	const char *plus = strchr(addr, '+');
	int64_t id;

	if (plus == NULL || strlen(plus + 1) < TOKEN_LEN)
		return -1;
	memcpy(tok, plus + 1, TOKEN_LEN);
	tok[TOKEN_LEN] = '\0';
	return token_check(b->c->secret, p, tok, &id) < 0 ? -1 : id;
}

START_TEST(threshold_disables)
{
	struct bed b = bed_open();
	struct buf text;
	struct msg *m;
	struct err e;
	char *reply;
	size_t i;

	fail_five_days(&b, b.id[0]);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	ck_assert_int_eq(events(&b, "anna@example.com", "disabled"), 1);
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	ck_assert_int_eq(outmail(&b, "bounce-owner-disabled", OWNER), 1);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM outmail", NULL), 2);

	/* The notice: to the member alone, naming no one else, with a
	 * Reply-To only this member got, good for nothing but answering. */
	text = outmail_text(&b, "bounce-disabled", "anna@example.com");
	ck_assert_int_eq(msg_parse(text.data, text.len, &m, &e), 0);
	reply = msg_get_address(m, "Reply-To");
	ck_assert_ptr_nonnull(reply);
	ck_assert_int_eq(token_in(&b, reply, TOKEN_REENABLE), b.id[0]);
	ck_assert_int_eq(token_in(&b, reply, TOKEN_BOUNCE), -1);
	for (i = 1; i < NMEMBERS; i++)
		ck_assert_msg(strstr(text.data, members[i]) == NULL,
		    "the notice names %s", members[i]);
	ck_assert_ptr_null(strstr(text.data, OWNER));
	ck_assert_ptr_null(strstr(text.data, "{{"));
	free(reply);
	msg_free(m);
	buf_free(&text);

	/* More failures change nothing more. */
	fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(5, 10));
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	bed_close(&b);
}
END_TEST

/* A post after disabling: every member gets a copy but the disabled one. */
START_TEST(disabled_gets_no_posts)
{
	static const char post[] = "From: poster@example.org\r\nTo: "
	    "dev@lists.example.org\r\nSubject: hello\r\nMessage-ID: "
	    "<p1@example.org>\r\n\r\nhi\r\n";
	struct bed b = bed_open();
	int64_t id;
	struct err e;
	char key[32];

	fail_five_days(&b, b.id[0]);
	ck_assert_int_eq(post_store(b.c, &b.l, POSTER, post, sizeof(post) - 1,
	    &id, &e), 0);
	ck_assert_int_eq(post_process(b.c, id, &e), 0);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM delivery", NULL),
	    (int64_t)NMEMBERS - 1);
	str_fmt(key, sizeof(key), "%lld", (long long)b.id[0]);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM delivery WHERE "
	    "member_id = ?", key), 0);
	bed_close(&b);
}
END_TEST

START_TEST(processing_off)
{
	struct bed b = bed_open();
	struct err e;

	ck_assert_int_eq(settings_set(b.c->db, b.l.id, "bounce_processing",
	    "no", &e), 0);
	fail_five_days(&b, b.id[0]);
	ck_assert(score(&b, b.id[0]) == 5.0);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_ENABLED);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM outmail", NULL), 0);
	bed_close(&b);
}
END_TEST

START_TEST(lower_threshold)
{
	struct bed b = bed_open();
	struct err e;

	ck_assert_int_eq(settings_set(b.c->db, b.l.id,
	    "bounce_score_threshold", "1.5", &e), 0);
	ck_assert_int_eq(settings_set(b.c->db, b.l.id,
	    "bounce_notify_owner_disable", "no", &e), 0);
	fail_at(&b, b.id[1], BOUNCE_SOFT, BOUNCE_REASON_MAILBOX_FULL,
	    AT(0, 1));
	fail_at(&b, b.id[1], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(0, 2));
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_ENABLED);
	fail_at(&b, b.id[1], BOUNCE_SOFT, BOUNCE_REASON_MAILBOX_FULL,
	    AT(1, 1));
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_OFF_BOUNCES);
	ck_assert_int_eq(outmail(&b, "bounce-owner-disabled", OWNER), 0);
	bed_close(&b);
}
END_TEST

/*
 * Complaints.
 */

START_TEST(complaint_stops_mail)
{
	struct bed b = bed_open();
	char what[BOUNCE_WHAT_MAX];
	struct bounce_fact f = { .member_id = b.id[1],
	    .source = BOUNCE_SRC_TOKEN, .cls = BOUNCE_CLASS_COMPLAINT,
	    .status = "", .diag = "", .at = AT(0, 8) };
	struct err e;

	ck_assert_int_eq(bounce_state_record(b.c, &f, what, &e), 0);
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_OFF_COMPLAINT);
	ck_assert_int_eq(events(&b, "bernd@example.net", "complaint"), 1);
	ck_assert(score(&b, b.id[1]) == 0);
	/* The owners are told; the complainer gets nothing at all. */
	ck_assert_int_eq(outmail(&b, "bounce-owner-complaint", OWNER), 1);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM outmail WHERE "
	    "rcpt = ?", "bernd@example.net"), 0);
	tick(&b, AT(400, 0));
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_OFF_COMPLAINT);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM outmail WHERE "
	    "rcpt = ?", "bernd@example.net"), 0);
	bed_close(&b);
}
END_TEST

/*
 * The periodic part.
 */

START_TEST(notices_then_removal)
{
	struct bed b = bed_open();
	struct member m;
	struct err e;
	int w;

	fail_five_days(&b, b.id[0]);	/* disabled at AT(4, 10) */
	tick(&b, AT(4, 11));
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	/* Three more notices, a week apart, each sent once. */
	for (w = 1; w <= 3; w++) {
		tick(&b, AT(4 + 7 * w, 9));
		ck_assert_int_eq(outmail(&b, "bounce-disabled",
		    "anna@example.com"), w);
		tick(&b, AT(4 + 7 * w, 11));
		tick(&b, AT(4 + 7 * w, 12));
		ck_assert_int_eq(outmail(&b, "bounce-disabled",
		    "anna@example.com"), 1 + w);
		ck_assert_int_eq(delivery(&b, b.id[0]),
		    DELIVERY_OFF_BOUNCES);
	}
	/* A week after the last one, the member goes; owners told. */
	tick(&b, AT(4 + 28, 12));
	ck_assert_int_eq(member_get_id(b.c->db, b.id[0], &m, &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	ck_assert_int_eq(outmail(&b, "bounce-owner-removed", OWNER), 1);
	ck_assert_int_eq(events(&b, "anna@example.com", "removed"), 1);
	ck_assert_int_eq(events(&b, "anna@example.com", "notice"), 4);
	/* The record outlives the member. */
	ck_assert_int_eq(events(&b, "anna@example.com", "hard"), 5);
	tick(&b, AT(100, 0));
	ck_assert_int_eq(outmail(&b, "bounce-owner-removed", OWNER), 1);
	bed_close(&b);
}
END_TEST

/*
 * A notice that cannot go (bounce processing switched off meanwhile, or a
 * broken template) is looked at again an hour later, not at every run:
 * the delivery engine runs until nothing is due, so what is due must not
 * stay due.
 */
START_TEST(paused_notice_not_due_again)
{
	struct bed b = bed_open();
	struct err e;
	char *sql;

	fail_five_days(&b, b.id[0]);	/* disabled at AT(4, 10) */
	tick(&b, AT(4, 11));
	ck_assert_int_eq(settings_set(b.c->db, b.l.id, "bounce_processing",
	    "no", &e), 0);
	tick(&b, AT(11, 11));
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	sql = xasprintf("SELECT count(*) FROM bounce_member WHERE "
	    "member_id = %lld AND next_notice = %lld", (long long)b.id[0],
	    (long long)AT(11, 12));
	ck_assert_int_eq(count(&b, sql, NULL), 1);
	free(sql);
	/* On again: the notice goes at the next look. */
	ck_assert_int_eq(settings_set(b.c->db, b.l.id, "bounce_processing",
	    "yes", &e), 0);
	tick(&b, AT(11, 12));
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    2);
	bed_close(&b);
}
END_TEST

START_TEST(no_further_notices)
{
	struct bed b = bed_open();
	struct err e;

	ck_assert_int_eq(settings_set(b.c->db, b.l.id, "bounce_notices", "0",
	    &e), 0);
	ck_assert_int_eq(settings_set(b.c->db, b.l.id,
	    "bounce_notice_interval", "2d", &e), 0);
	fail_five_days(&b, b.id[0]);
	tick(&b, AT(6, 9));
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	tick(&b, AT(6, 11));
	ck_assert_int_eq(events(&b, "anna@example.com", "removed"), 1);
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	bed_close(&b);
}
END_TEST

START_TEST(admin_enable_disable)
{
	struct bed b = bed_open();
	struct err e;

	ck_assert_int_eq(bounce_state_disable(b.c, b.id[1], &e), 0);
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_OFF_ADMIN);
	ck_assert_int_eq(bounce_state_disable(b.c, b.id[1], &e), -1);
	ck_assert_int_eq(e.cls, ERR_EXISTS);
	ck_assert_int_eq(bounce_state_enable(b.c, b.id[1], &e), 0);
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_ENABLED);
	ck_assert_int_eq(bounce_state_enable(b.c, b.id[1], &e), -1);
	ck_assert_int_eq(e.cls, ERR_EXISTS);

	/* Disabled for bounces, then by the administrator: no removal. */
	fail_five_days(&b, b.id[0]);
	ck_assert_int_eq(bounce_state_disable(b.c, b.id[0], &e), 0);
	tick(&b, AT(200, 0));
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_ADMIN);
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	/* Enabled again: the score starts from 0. */
	ck_assert_int_eq(bounce_state_enable(b.c, b.id[0], &e), 0);
	ck_assert(score(&b, b.id[0]) == 0);
	ck_assert_int_eq(events(&b, "anna@example.com", "enabled"), 1);
	ck_assert_int_eq(bounce_state_disable(b.c, 999999, &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	bed_close(&b);
}
END_TEST

/*
 * The member's answer.
 */

static const char answer[] = "From: Anna <anna@example.com>\n"
    "To: dev-bounces+x@lists.example.org\n"
    "Subject: Re: Posts from dev@lists.example.org to you are on hold\n"
    "\nFixed my mailbox, please send again.\n";

START_TEST(answer_enables)
{
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];

	fail_five_days(&b, b.id[0]);
	token_of(&b, TOKEN_REENABLE, b.id[0], tok);
	handle(&b, tok, "anna@example.com", answer, sizeof(answer) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_ENABLED);
	ck_assert(score(&b, b.id[0]) == 0);
	ck_assert_int_eq(outmail(&b, "bounce-enabled", "anna@example.com"), 1);
	/* No more notices, no removal. */
	tick(&b, AT(100, 0));
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_ENABLED);
	ck_assert_int_eq(outmail(&b, "bounce-disabled", "anna@example.com"),
	    1);
	/* A failure after that counts from 0. */
	fail_at(&b, b.id[0], BOUNCE_HARD, BOUNCE_REASON_USER_UNKNOWN,
	    AT(5, 10));
	ck_assert(score(&b, b.id[0]) == 1.0);
	bed_close(&b);
}
END_TEST

START_TEST(answers_that_do_not_enable)
{
	static const char vacation[] = "From: anna@example.com\n"
	    "Subject: Out of office\nAuto-Submitted: auto-replied\n\n"
	    "I am away.\n";
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];

	fail_five_days(&b, b.id[0]);
	/* An auto-responder's answer. */
	token_of(&b, TOKEN_REENABLE, b.id[0], tok);
	handle(&b, tok, "anna@example.com", vacation, sizeof(vacation) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	ck_assert_int_eq(events(&b, "anna@example.com", "autoreply"), 1);
	/* A person writing to the address of a copy, not of the notice. */
	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	handle(&b, tok, "anna@example.com", answer, sizeof(answer) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	/* Another member's token, or a forged one. */
	token_of(&b, TOKEN_REENABLE, b.id[1], tok);
	handle(&b, tok, "anna@example.com", answer, sizeof(answer) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	handle(&b, "aaaaaaaaaaaaaaaaaa", "anna@example.com", answer,
	    sizeof(answer) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_BOUNCES);
	/* Disabled by a complaint: an answer does not undo that. */
	bounce_state_enable(b.c, b.id[0], &(struct err){ 0 });
	{
		struct bounce_fact f = { .member_id = b.id[0],
		    .source = BOUNCE_SRC_MATCH,
		    .cls = BOUNCE_CLASS_COMPLAINT, .status = "", .diag = "",
		    .at = AT(6, 0) };
		char what[BOUNCE_WHAT_MAX];
		struct err e;

		ck_assert_int_eq(bounce_state_record(b.c, &f, what, &e), 0);
	}
	token_of(&b, TOKEN_REENABLE, b.id[0], tok);
	handle(&b, tok, "anna@example.com", answer, sizeof(answer) - 1);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_OFF_COMPLAINT);
	bed_close(&b);
}
END_TEST

/*
 * Reports at the bounce address.
 */

/* With a token, the token's member is the one: not the addresses. */
START_TEST(token_names_the_member)
{
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];

	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	handle_file(&b, tok, "bounce-dsn-two.eml");
	ck_assert_int_eq(events(&b, "anna@example.com", "hard"), 1);
	ck_assert_int_eq(all_events(&b), 1);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "source = 'token' AND status = ?", "5.1.1"), 1);
	ck_assert(score(&b, b.id[0]) == 1.0);
	bed_close(&b);
}
END_TEST

/* Without a usable token, the listed recipients that are members. */
START_TEST(report_matched_by_address)
{
	static const char *const args[] = { "", "abc123",
	    "aaaaaaaaaaaaaaaaaa" };
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		handle_file(&b, args[i], "bounce-dsn-two.eml");
		ck_assert_int_eq(events(&b, "gone.away@example.net", "hard"),
		    (int64_t)i + 1);
		ck_assert_int_eq(events(&b, "crowded@example.net", "soft"),
		    (int64_t)i + 1);
		ck_assert_int_eq(events(&b, POSTER, NULL), 0);
		ck_assert_int_eq(all_events(&b), 2 * ((int64_t)i + 1));
	}
	/* A token of another purpose is no usable token either. */
	token_of(&b, TOKEN_UNSUB, b.id[0], tok);
	handle_file(&b, tok, "bounce-dsn-two.eml");
	ck_assert_int_eq(events(&b, "anna@example.com", NULL), 0);
	ck_assert_int_eq(events(&b, "gone.away@example.net", "hard"), 4);
	bed_close(&b);
}
END_TEST

/* The poster is named as the refused sender; the member is listed. */
START_TEST(poster_is_never_the_member)
{
	struct bed b = bed_open();

	handle_file(&b, "", "bounce-poster-trap.eml");
	ck_assert_int_eq(events(&b, "member@example.com", "policy"), 1);
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	ck_assert(score(&b, b.id[5]) == 0);
	handle_file(&b, "", "bounce-forwarded.eml");
	handle_file(&b, "", "bounce-qmail.eml");
	handle_file(&b, "", "bounce-exchange.eml");
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	bed_close(&b);
}
END_TEST

/* Delays, auto-replies, success reports: on record, nothing else. */
START_TEST(no_failures)
{
	static const char *const files[] = {
		"bounce-dsn-delay.eml", "bounce-delay-text.eml",
		"bounce-vacation.eml", "bounce-dsn-success.eml",
		"bounce-challenge.eml",
	};
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];
	size_t i;

	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		handle_file(&b, tok, files[i]);
		handle_file(&b, "", files[i]);
	}
	ck_assert_int_eq(events(&b, "anna@example.com", NULL),
	    (int64_t)(sizeof(files) / sizeof(files[0])));
	ck_assert_int_eq(events(&b, "anna@example.com", "delay"), 2);
	ck_assert_int_eq(events(&b, "anna@example.com", "autoreply"), 1);
	ck_assert_int_eq(all_events(&b), (int64_t)(sizeof(files) /
	    sizeof(files[0])));
	ck_assert(score(&b, b.id[0]) == 0);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_member WHERE "
	    "score > 0", NULL), 0);
	bed_close(&b);
}
END_TEST

static char *
arf(const char *rcpt_to, const char *mail_from)
{
	return xasprintf("From: fbl@isp.example.net\nTo: dev-bounces@lists."
	    "example.org\nSubject: complaint\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"f\"\n\n--f\nContent-Type: text/plain\n\nAn abuse "
	    "report.\n\n--f\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nVersion: 1\nOriginal-Mail-From: <%s>\n"
	    "Original-Rcpt-To: <%s>\n\n--f\nContent-Type: message/rfc822\n\n"
	    "From: poster@example.org\nTo: dev@lists.example.org\nSubject: "
	    "x\n\nx\n--f--\n", mail_from, rcpt_to);
}

START_TEST(complaints_found)
{
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1], tok2[TOKEN_LEN + 1], from[128];
	char *r;

	/* By the complainant's address. */
	handle_file(&b, "", "bounce-arf.eml");
	ck_assert_int_eq(delivery(&b, b.id[6]), DELIVERY_OFF_COMPLAINT);
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	/* A redacted recipient: the quoted bounce token says who. */
	token_of(&b, TOKEN_BOUNCE, b.id[1], tok);
	str_fmt(from, sizeof(from), "dev-bounces+%s@lists.example.org", tok);
	r = arf("redacted@isp.example.net", from);
	handle_str(&b, "", r);
	free(r);
	ck_assert_int_eq(delivery(&b, b.id[1]), DELIVERY_OFF_COMPLAINT);
	/* A forged token, or two members' tokens: nobody. */
	r = arf("redacted@isp.example.net",
	    "dev-bounces+aaaaaaaaaaaaaaaaaa@lists.example.org");
	handle_str(&b, "", r);
	free(r);
	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	token_of(&b, TOKEN_BOUNCE, b.id[3], tok2);
	str_fmt(from, sizeof(from), "dev-bounces+%s@lists.example.org", tok);
	r = arf("redacted@isp.example.net", from);
	{
		char *two = xasprintf("%s\nX-Note: dev-bounces+%s@lists."
		    "example.org\n", r, tok2);

		handle_str(&b, "", two);
		free(two);
	}
	free(r);
	ck_assert_int_eq(delivery(&b, b.id[0]), DELIVERY_ENABLED);
	ck_assert_int_eq(delivery(&b, b.id[3]), DELIVERY_ENABLED);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "event = ?", "complaint"), 2);
	/* At the member's own bounce address: that member. */
	token_of(&b, TOKEN_BOUNCE, b.id[4], tok);
	handle_file(&b, tok, "bounce-arf.eml");
	ck_assert_int_eq(delivery(&b, b.id[4]), DELIVERY_OFF_COMPLAINT);
	bed_close(&b);
}
END_TEST

/*
 * Hostile input to the handler.
 */

/* Every prefix of a report: never a failure of the handler, never
 * anyone but the token's member. */
START_TEST(truncated_reports)
{
	char *path = unit_src("tests/unit/data/bounce-dsn-two.eml");
	struct buf raw = unit_read(path);
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];
	size_t n;

	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	for (n = 1; n <= raw.len; n += 5) {
		handle(&b, tok, "", raw.data, n);
		ck_assert_int_eq(all_events(&b), events(&b,
		    "anna@example.com", NULL));
	}
	/* Without the token: members only as listed, never the poster. */
	for (n = 1; n <= raw.len; n += 5)
		handle(&b, "", "", raw.data, n);
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "address NOT IN ('anna@example.com', 'gone.away@example.net', "
	    "'crowded@example.net')", NULL), 0);
	bed_close(&b);
	buf_free(&raw);
	free(path);
}
END_TEST

/* Far over what is read: quick, bounded, nobody from past the cap. */
START_TEST(huge_report)
{
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];
	int64_t t0 = mono_ms();
	struct buf big;
	int i;

	buf_init(&big, 16 * 1024 * 1024);
	buf_adds(&big, "From: MAILER-DAEMON@mx.example.net\nSubject: "
	    "Undelivered Mail\n\nThe following addresses failed:\n\n"
	    "<gone.away@example.net>: 550 5.1.1 unknown\n\n");
	for (i = 0; i < 120000; i++)
		buf_printf(&big, "filler line %d with poster@example.org in "
		    "it, and <crowded@example.net> too\n", i);
	buf_adds(&big, "<bernd@example.net>: 550 5.1.1 unknown\n");
	ck_assert_uint_gt(big.len, 8 * 1024 * 1024);
	handle(&b, "", "", big.data, big.len);
	ck_assert_int_eq(events(&b, "gone.away@example.net", "hard"), 1);
	ck_assert_int_eq(events(&b, "bernd@example.net", NULL), 0);
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	handle(&b, tok, "", big.data, big.len);
	ck_assert_int_eq(events(&b, "anna@example.com", "hard"), 1);
	ck_assert_msg(mono_ms() - t0 < 30000, "took %lld ms",
	    (long long)(mono_ms() - t0));
	buf_free(&big);
	bed_close(&b);
}
END_TEST

/* A charset nobody knows, 8-bit addresses: the ASCII one is matched. */
START_TEST(wrong_charset)
{
	static const char utf16[] = "From: MAILER-DAEMON@mx.example.net\n"
	    "Subject: Undelivered\nContent-Type: text/plain; charset=utf-16\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "//48AGcAbwBuAGUALgBhAHcAYQB5AEAAZQB4AGEAbQBwAGwAZQAuAG4AZQB0AD4A"
	    "OgAgADUANQAwACAANQAuADEALgAxACAAdQBuAGsAbgBvAHcAbgAKAA==\n";
	struct bed b = bed_open();

	handle_file(&b, "", "bounce-charset.eml");
	ck_assert_int_eq(events(&b, "plain.ascii@example.net", "hard"), 1);
	/* UTF-16 is read as the charset says, or not at all. */
	handle_str(&b, "", utf16);
	ck_assert_int_le(events(&b, "gone.away@example.net", "hard"), 1);
	ck_assert_int_eq(events(&b, POSTER, NULL), 0);
	ck_assert_int_eq(count(&b, "SELECT count(*) FROM bounce_event WHERE "
	    "address NOT IN ('plain.ascii@example.net', "
	    "'gone.away@example.net')", NULL), 0);
	bed_close(&b);
}
END_TEST

/*
 * A report forwarded inside a message of a gateway's own, whose returned
 * post is itself wrapped: only the recipient the inner report lists.
 */
START_TEST(nested_messages)
{
	static const char nested[] =
	    "From: gateway@example.com\nTo: dev-bounces@lists.example.org\n"
	    "Subject: Fwd: report\nMIME-Version: 1.0\nContent-Type: "
	    "multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\n"
	    "Forwarded.\n\n--o\nContent-Type: message/rfc822\n\n"
	    "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/report; "
	    "report-type=delivery-status; boundary=r\n\n--r\n"
	    "Content-Type: text/plain\n\nFailed.\n\n--r\nContent-Type: "
	    "message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n"
	    "\nFinal-Recipient: rfc822; gone.away@example.net\nAction: failed\n"
	    "Status: 5.1.1\n\n--r\nContent-Type: message/rfc822\n\n"
	    "From: bernd@example.net\nTo: dev@lists.example.org\nSubject: x\n"
	    "Content-Type: message/rfc822\n\nFrom: poster@example.org\n"
	    "To: anna@example.com\n\n<anna@example.com>: 550 5.1.1 unknown\n"
	    "--r--\n\n--o--\n";
	struct bed b = bed_open();
	struct buf deep;
	int i;

	handle_str(&b, "", nested);
	ck_assert_int_eq(events(&b, "gone.away@example.net", "hard"), 1);
	ck_assert_int_eq(all_events(&b), 1);
	/* Returned messages two thousand deep. */
	buf_init(&deep, 4 * 1024 * 1024);
	buf_adds(&deep, "From: MAILER-DAEMON@mx.example.net\nSubject: "
	    "failure notice\n");
	for (i = 0; i < 2000; i++)
		buf_adds(&deep, "Content-Type: message/rfc822\n\nFrom: "
		    "bernd@example.net\n");
	buf_adds(&deep, "\n<anna@example.com>: 550 5.1.1 unknown\n");
	handle(&b, "", "", deep.data, deep.len);
	ck_assert_int_eq(events(&b, "bernd@example.net", NULL), 0);
	ck_assert_int_eq(events(&b, "anna@example.com", NULL), 0);
	buf_free(&deep);
	bed_close(&b);
}
END_TEST

START_TEST(odd_octets)
{
	static const char nul[] = "From: MAILER-DAEMON@mx.example.net\n"
	    "Subject: failure\n\n<gone.away@example.net>:\0 550 5.1.1 "
	    "unknown\n\0\0";
	static const char cr[] = "From: MAILER-DAEMON@mx.example.net\r"
	    "Subject: Undelivered\r\r<crowded@example.net>: 550 5.1.1 "
	    "unknown\r";
	struct bed b = bed_open();
	char tok[TOKEN_LEN + 1];

	handle(&b, "", "", nul, sizeof(nul) - 1);
	handle(&b, "", "", cr, sizeof(cr) - 1);
	ck_assert_int_eq(events(&b, "gone.away@example.net", "hard"), 1);
	ck_assert_int_eq(events(&b, "crowded@example.net", "hard"), 1);
	/* A token argument with odd octets is just no token. */
	handle(&b, "\x01\xff", "", nul, sizeof(nul) - 1);
	token_of(&b, TOKEN_BOUNCE, b.id[0], tok);
	tok[3] = '\0';
	handle(&b, tok, "", nul, sizeof(nul) - 1);
	ck_assert_int_eq(events(&b, "anna@example.com", NULL), 0);
	bed_close(&b);
}
END_TEST

/* A report listing more members than it may: capped, each once. */
START_TEST(many_members_listed)
{
	struct bed b = bed_open();
	struct buf r;
	struct err e;
	int i;

	buf_init(&r, 1 << 20);
	buf_adds(&r, "From: MAILER-DAEMON@mx.example.net\nSubject: "
	    "Undelivered\n\nThe following addresses failed:\n\n");
	for (i = 0; i < 50; i++) {
		char *a = xasprintf("m%02d@example.com", i);

		ck_assert_int_eq(member_add(b.c->db, b.l.id, a, NULL,
		    MODE_NORMAL, NULL, &e), 0);
		buf_printf(&r, "<%s>: 550 5.1.1 unknown\n<%s>: 550 5.1.1 "
		    "unknown\n", a, a);
		free(a);
	}
	handle(&b, "", "", r.data, r.len);
	ck_assert_int_eq(all_events(&b), BOUNCE_RCPT_MAX);
	buf_free(&r);
	bed_close(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bounce_state");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, smtp_failures);
	tcase_add_test(tc, one_increment_a_day);
	tcase_add_test(tc, policy_never_counts);
	tcase_add_test(tc, threshold_disables);
	tcase_add_test(tc, disabled_gets_no_posts);
	tcase_add_test(tc, processing_off);
	tcase_add_test(tc, lower_threshold);
	tcase_add_test(tc, complaint_stops_mail);
	tcase_add_test(tc, notices_then_removal);
	tcase_add_test(tc, no_further_notices);
	tcase_add_test(tc, paused_notice_not_due_again);
	tcase_add_test(tc, admin_enable_disable);
	tcase_add_test(tc, answer_enables);
	tcase_add_test(tc, answers_that_do_not_enable);
	tcase_add_test(tc, token_names_the_member);
	tcase_add_test(tc, report_matched_by_address);
	tcase_add_test(tc, poster_is_never_the_member);
	tcase_add_test(tc, no_failures);
	tcase_add_test(tc, complaints_found);
	tcase_add_test(tc, truncated_reports);
	tcase_add_test(tc, huge_report);
	tcase_add_test(tc, wrong_charset);
	tcase_add_test(tc, nested_messages);
	tcase_add_test(tc, odd_octets);
	tcase_add_test(tc, many_members_listed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	msg_init();
	return unit_run(suite());
}
