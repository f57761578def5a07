/*
 * moderate.c: held posts and the moderators' decisions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "automail.h"
#include "crypto.h"
#include "log.h"
#include "moderate.h"
#include "notice.h"
#include "outmail.h"
#include "policy.h"
#include "settings.h"
#include "staff.h"
#include "token.h"
#include "util.h"

#define EXCERPT_LINES 12
#define EXCERPT_MAX 1200
#define DAY (24 * 3600)

static void
format_time(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

/* One line of outside text, fit for a notice: no control characters. */
static void
one_line(const char *src, char *out, size_t size)
{
	size_t i;

	str_copy(out, size, "");
	if (src == NULL)
		return;
	snprintf(out, size, "%s", src);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

/* The post's first lines, each marked, for the moderators' notice. */
static char *
excerpt(struct msg *m)
{
	char *text = msg_excerpt(m, EXCERPT_LINES, EXCERPT_MAX), *p;
	struct buf b;

	if (text == NULL)
		return xstrdup("  | (the post has no text part)\n");
	buf_init(&b, 4 * EXCERPT_MAX);
	for (p = text; *p != '\0';) {
		size_t len = strcspn(p, "\n");

		buf_adds(&b, "  | ");
		buf_add(&b, p, len);
		buf_addc(&b, '\n');
		p += len + (p[len] == '\n');
	}
	free(text);
	return buf_take(&b, NULL);
}

struct mod_notice {
	struct ctx *c;
	struct notice n;
	int sent;
	struct err *e;
};

static int
notify_one(const char *address, void *arg)
{
	struct mod_notice *mn = arg;

	mn->n.to = address;
	if (notice_send(mn->c, &mn->n, mn->e) < 0)
		return -1;
	mn->sent++;
	return 0;
}

/* One notice per moderator; the owners stand in for missing ones. */
static int
notify_moderators(struct ctx *c, const struct hold_request *h,
    const char *token, const char *subject, int64_t expires, struct err *e)
{
	char id[32], until[64], *text = excerpt(h->m);
	struct template_var vars[] = {
		{ "reason", h->reason }, { "subject", subject },
		{ "sender", h->poster[0] != '\0' ? h->poster : "(unknown)" },
		{ "post_id", id }, { "expires", until }, { "excerpt", text },
	};
	struct mod_notice mn = { .c = c, .e = e, .n = {
		.list = h->list, .kind = "moderate", .tmpl = "moderate",
		.vars = vars, .nvars = sizeof(vars) / sizeof(vars[0]),
		.from = ROLE_OWNER, .reply_role = ROLE_OWNER,
		.reply_arg = token } };
	int rc;

	str_fmt(id, sizeof(id), "%lld", (long long)h->post_id);
	format_time(expires, until, sizeof(until));
	rc = staff_foreach(c->db, h->list->id, STAFF_MODERATOR, notify_one,
	    &mn, e);
	if (rc == 0 && mn.sent == 0)
		rc = staff_foreach(c->db, h->list->id, STAFF_OWNER,
		    notify_one, &mn, e);
	if (rc == 0 && mn.sent == 0)
		log_warning("%s@%s has neither moderators nor owners: post "
		    "%lld waits unseen (herald held ls)", h->list->name,
		    h->list->domain, (long long)h->post_id);
	free(text);
	return rc;
}

/* A notice to the poster, unless one of kind went out today. */
static int
tell_poster(struct ctx *c, const struct list *l, const char *kind,
    const char *poster, const struct template_var *vars, size_t nvars,
    int daily, struct err *e)
{
	struct notice n = {
		.list = l, .kind = kind, .tmpl = kind, .vars = vars,
		.nvars = nvars, .to = poster, .from = ROLE_OWNER,
	};
	int64_t sent = 0;

	if (daily && outmail_count(c, l->id, kind, poster, now_s() - DAY,
	    &sent, e) < 0)
		return -1;
	if (sent > 0)
		return 0;
	return notice_send(c, &n, e);
}

static int
insert_held(struct ctx *c, const struct hold_request *h, const char *hash,
    int64_t expires, const char *subject, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "INSERT INTO held (post_id, "
	    "list_id, token_hash, poster, reason, notify, held_at, expires) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, h->post_id);
	db_bind_int(st, 2, h->list->id);
	db_bind_text(st, 3, hash);
	db_bind_text(st, 4, h->poster);
	db_bind_text(st, 5, h->reason);
	db_bind_int(st, 6, h->notify);
	db_bind_int(st, 7, now_s());
	db_bind_int(st, 8, expires);
	if (db_run(st, e) < 0)
		return -1;
	st = db_prepare(c->db, "UPDATE post SET state = 'held', reason = ?, "
	    "subject = ? WHERE id = ?", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, h->reason);
	db_bind_text(st, 2, subject);
	db_bind_int(st, 3, h->post_id);
	return db_run(st, e);
}

int
moderate_hold(struct ctx *c, const struct hold_request *h, struct err *e)
{
	char token[TOKEN_RANDOM_LEN + 1], hash[TOKEN_DIGEST_LEN + 1];
	char subject[HELD_TEXT_MAX], *s = msg_get(h->m, "Subject");
	int64_t ttl;
	int rc;

	one_line(s != NULL ? s : "(no subject)", subject, sizeof(subject));
	free(s);
	if (settings_get_int(c->db, h->list->id, "held_expiry", &ttl, e) < 0
	    || token_random(token, e) < 0)
		return -1;
	(void)token_digest(token, hash);
	if (insert_held(c, h, hash, now_s() + ttl, subject, e) < 0 ||
	    notify_moderators(c, h, token, subject, now_s() + ttl, e) < 0)
		return -1;
	if (!h->notify)
		return 0;
	{
		struct template_var vars[] = {
			{ "reason", h->reason }, { "subject", subject },
		};

		rc = tell_poster(c, h->list, "held", h->poster, vars, 2, 1,
		    e);
	}
	return rc;
}

int
moderate_tell_refused(struct ctx *c, const struct list *l, struct msg *m,
    const char *poster, const char *reason, struct err *e)
{
	char subject[HELD_TEXT_MAX], *s = msg_get(m, "Subject");
	struct template_var vars[] = {
		{ "reason", reason }, { "subject", subject },
	};

	one_line(s != NULL ? s : "(no subject)", subject, sizeof(subject));
	free(s);
	return tell_poster(c, l, "refused", poster, vars, 2, 1, e);
}

static void
fill(struct db_stmt *st, struct held *h)
{
	h->post_id = db_col_int(st, 0);
	h->list_id = db_col_int(st, 1);
	str_copy(h->list, sizeof(h->list), db_col_text(st, 2));
	str_copy(h->poster, sizeof(h->poster), db_col_text(st, 3));
	one_line(db_col_text(st, 4), h->reason, sizeof(h->reason));
	one_line(db_col_text(st, 5), h->subject, sizeof(h->subject));
	str_copy(h->state, sizeof(h->state), db_col_text(st, 6));
	h->size = db_col_int(st, 7);
	h->held_at = db_col_int(st, 8);
	h->expires = db_col_int(st, 9);
	h->notify = (int)db_col_int(st, 10);
}

#define HELD_SELECT \
	"SELECT h.post_id, h.list_id, l.name || '@' || l.domain, h.poster, " \
	"h.reason, coalesce(p.subject, ''), h.state, p.size, h.held_at, " \
	"h.expires, h.notify FROM held h JOIN post p ON p.id = h.post_id " \
	"JOIN list l ON l.id = h.list_id "

int
moderate_get(struct ctx *c, int64_t post_id, struct held *out,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, HELD_SELECT
	    "WHERE h.post_id = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, post_id);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "post %lld was never held",
		    (long long)post_id);
	fill(st, out);
	db_done(st);
	return 0;
}

int
moderate_foreach(struct ctx *c, int64_t list_id,
    int (*fn)(const struct held *h, void *arg), void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, HELD_SELECT
	    "WHERE h.state = 'waiting' AND (?1 = 0 OR h.list_id = ?1) "
	    "ORDER BY h.post_id", e);
	struct held h;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	while ((rc = db_step(st, e)) == 1) {
		fill(st, &h);
		if (fn(&h, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
moderate_approved(struct ctx *c, int64_t post_id, int *yes, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT 1 FROM held WHERE "
	    "post_id = ? AND state = 'approved'", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, post_id);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*yes = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}

const char *
moderate_decision_name(enum moderate_decision d)
{
	static const char *const names[] = {
		"approved", "approved (sender accepted)", "rejected",
		"discarded"
	};

	return names[d];
}

static const char *const held_state[] = {
	"approved", "approved", "rejected", "discarded"
};

static int
set_states(struct ctx *c, int64_t post_id, enum moderate_decision d,
    const char *why, const char *by, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "UPDATE held SET state = ?, "
	    "decided_by = ?, decided_at = ? WHERE post_id = ? AND "
	    "state = 'waiting'", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, held_state[d]);
	db_bind_text(st, 2, by);
	db_bind_int(st, 3, now_s());
	db_bind_int(st, 4, post_id);
	if (db_run(st, e) < 0)
		return -1;
	/* Approved: the post starts again as if it had just arrived. */
	if (d <= MOD_ALWAYS) {
		st = db_prepare(c->db, "UPDATE post SET state = 'new', reason "
		    "= NULL WHERE id = ? AND state = 'held'", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, post_id);
		return db_run(st, e);
	}
	st = db_prepare(c->db, "UPDATE post SET state = 'discarded', reason "
	    "= ?, finished = ? WHERE id = ? AND state = 'held'", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, why);
	db_bind_int(st, 2, now_s());
	db_bind_int(st, 3, post_id);
	return db_run(st, e);
}

/* The sender hears of a rejection, with the moderator's reason. */
static int
tell_rejected(struct ctx *c, const struct held *h, const char *reason,
    struct err *e)
{
	struct template_var vars[] = {
		{ "subject", h->subject }, { "reason", reason },
	};
	struct list l;

	if (!h->notify || h->poster[0] == '\0')
		return 0;
	if (list_get_id(c->db, h->list_id, &l, e) < 0)
		return -1;
	return tell_poster(c, &l, "rejected", h->poster, vars,
	    reason != NULL && *reason != '\0' ? 2 : 1, 0, e);
}

int
moderate_decide(struct ctx *c, int64_t post_id, enum moderate_decision d,
    const char *reason, const char *by, struct err *e)
{
	char why[HELD_TEXT_MAX + 64], line[HELD_TEXT_MAX];
	struct held h;

	if (moderate_get(c, post_id, &h, e) < 0)
		return -1;
	if (strcmp(h.state, "waiting") != 0)
		return err_set(e, ERR_EXISTS, "post %lld was %s already",
		    (long long)post_id, h.state);
	one_line(reason, line, sizeof(line));
	if (d == MOD_REJECT)
		str_fmt(why, sizeof(why), "rejected by a moderator%s%s",
		    line[0] != '\0' ? ": " : "", line);
	else
		str_copy(why, sizeof(why), "discarded by a moderator");
	if (d == MOD_ALWAYS && h.poster[0] == '\0')
		return err_set(e, ERR_PERM, "post %lld has no sender address "
		    "to accept", (long long)post_id);
	if (set_states(c, post_id, d, why, by, e) < 0)
		return -1;
	if (d == MOD_ALWAYS && policy_rule_add(c->db, h.list_id, RULE_ACCEPT,
	    h.poster, e) < 0 && e->cls != ERR_EXISTS)
		return -1;
	if (d == MOD_REJECT && tell_rejected(c, &h, line, e) < 0)
		return -1;
	log_info("post %lld %s by %s", (long long)post_id,
	    moderate_decision_name(d), by);
	return 0;
}

static int
expire_one(struct ctx *c, int64_t post_id, struct err *e)
{
	struct db_stmt *st;

	if (db_begin(c->db, e) < 0)
		return -1;
	st = db_prepare(c->db, "UPDATE held SET state = 'expired', "
	    "decided_at = ? WHERE post_id = ? AND state = 'waiting'", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, now_s());
	db_bind_int(st, 2, post_id);
	if (db_run(st, e) < 0)
		goto fail;
	st = db_prepare(c->db, "UPDATE post SET state = 'discarded', reason "
	    "= 'nobody decided about it in time', finished = ? WHERE id = ? "
	    "AND state = 'held'", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, now_s());
	db_bind_int(st, 2, post_id);
	if (db_run(st, e) < 0 || db_commit(c->db, e) < 0)
		goto fail;
	log_info("post %lld discarded: held too long without a decision",
	    (long long)post_id);
	return 0;
fail:
	db_rollback(c->db);
	return -1;
}

int
moderate_expire(struct ctx *c, struct err *e)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc;

	for (;;) {
		st = db_prepare(c->db, "SELECT post_id FROM held WHERE state "
		    "= 'waiting' AND expires <= ? AND post_id > ? ORDER BY "
		    "post_id LIMIT 1", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, now_s());
		db_bind_int(st, 2, id);
		if ((rc = db_step(st, e)) != 1)
			return rc;
		id = db_col_int(st, 0);
		db_done(st);
		if (expire_one(c, id, e) < 0)
			return -1;
	}
}

int
moderate_parse(const char *line, enum moderate_decision *d,
    const char **rest)
{
	static const struct {
		const char *word;
		enum moderate_decision d;
	} words[] = {
		{ "approve", MOD_APPROVE }, { "always", MOD_ALWAYS },
		{ "reject", MOD_REJECT }, { "discard", MOD_DISCARD },
	};
	size_t i, len;

	line += strspn(line, " \t");
	len = strcspn(line, " \t\r\n:.,;!");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (len != strlen(words[i].word) ||
		    str_ncasecmp(line, words[i].word, len) != 0)
			continue;
		*d = words[i].d;
		line += len;
		line += strspn(line, " \t:.,;!");
		*rest = line;
		return 0;
	}
	return -1;
}

/* The first line of the reply that is neither empty nor quoted. */
static int
reply_decision(struct msg *m, enum moderate_decision *d, char *reason,
    size_t size)
{
	char *text = msg_excerpt(m, 40, 8192), *p;
	const char *rest;
	int rc = -1;

	for (p = text; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, "\n");

		p[len] = '\0';
		if (p[strspn(p, " \t\r")] != '\0' && p[0] != '>') {
			if ((rc = moderate_parse(p, d, &rest)) == 0)
				one_line(rest, reason, size);
			break;
		}
		p += len + 1;
	}
	free(text);
	return rc;
}

/*
 * Whether the reply comes from someone who may decide.  XXX The From
 * address alone says who that is: a moderator who replies from another
 * address is ignored and has to use herald held.
 */
static int
may_decide(struct inbound *in, char *from, size_t size, struct err *e)
{
	char *a = msg_get_address(in->m, "From");
	int mod = 0, own = 0;

	str_copy(from, size, a != NULL ? a : "");
	free(a);
	if (from[0] == '\0')
		return 0;
	if (staff_is(in->c->db, in->list->id, STAFF_MODERATOR, from, &mod,
	    e) < 0 || staff_is(in->c->db, in->list->id, STAFF_OWNER, from,
	    &own, e) < 0)
		return -1;
	return mod || own;
}

static int
post_of_token(struct inbound *in, int64_t *post_id, struct err *e)
{
	char hash[TOKEN_DIGEST_LEN + 1];
	struct db_stmt *st;
	int rc;

	/* Not even the form of a token: no post has it. */
	if (token_digest(in->arg, hash) < 0)
		return 0;
	if ((st = db_prepare(in->c->db, "SELECT post_id FROM held WHERE "
	    "token_hash = ? AND list_id = ?", e)) == NULL)
		return -1;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, in->list->id);
	if ((rc = db_step(st, e)) == 1) {
		*post_id = db_col_int(st, 0);
		db_done(st);
	}
	return rc;
}

/* The handler's answer when it does nothing: the record says why. */
static int
ignored(struct inbound *in, int64_t post_id, const char *why)
{
	if (post_id > 0)
		str_fmt(in->result, sizeof(in->result), "ignored: post %lld: "
		    "%s", (long long)post_id, why);
	else
		str_fmt(in->result, sizeof(in->result), "ignored: %s", why);
	return 0;
}

int
moderate_handle(struct inbound *in, struct err *e)
{
	char from[ADDR_MAX + 1], reason[HELD_TEXT_MAX];
	enum moderate_decision d;
	int64_t post_id = 0;
	int rc;

	/* An auto-reply to a notice decides nothing. */
	if (automail_reason(in->m, in->sender, in->list, AUTOMAIL_COMMAND)
	    != NULL)
		return ignored(in, 0, "automatic mail to a moderation address");
	if ((rc = post_of_token(in, &post_id, e)) < 0)
		return -1;
	if (rc == 0)
		return ignored(in, 0, "no held post has this token");
	/* The token travels in mail: a forwarded notice must not let its
	 * reader decide.  The From is checked too. */
	if ((rc = may_decide(in, from, sizeof(from), e)) < 0)
		return -1;
	if (rc == 0)
		return ignored(in, post_id, "the reply is not from a "
		    "moderator");
	if (reply_decision(in->m, &d, reason, sizeof(reason)) < 0)
		return ignored(in, post_id, "no decision on the reply's first "
		    "line");
	if (moderate_decide(in->c, post_id, d, reason, from, e) < 0)
		return e->cls == ERR_EXISTS ? ignored(in, post_id, e->msg) : -1;
	str_fmt(in->result, sizeof(in->result), "post %lld %s",
	    (long long)post_id, moderate_decision_name(d));
	return 0;
}
