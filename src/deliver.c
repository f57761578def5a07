/*
 * deliver.c: the delivery engine.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "deliver.h"
#include "fsutil.h"
#include "inbound.h"
#include "list.h"
#include "listmail.h"
#include "log.h"
#include "post.h"
#include "token.h"
#include "transport.h"
#include "util.h"

#define BATCH 256
#define RESULTS_MAX 64
#define COLLECT_MS 1000

struct row {
	int64_t member_id;
	char addr[ADDR_MAX + 1];
};

struct run {
	struct ctx *c;
	struct transport *t;
	struct post p;
	struct list l;
	struct buf text;		/* the post's list mail */
	struct buf member;		/* one member's fields */
	struct deliver_stats post_st;	/* this post, this run */
	int relay_failed;
	char relay_text[TX_TEXT_MAX];
	int64_t last_member;
};

static int64_t
retry_delay(const struct conf *c, int64_t attempts)
{
	size_t i = attempts < 1 ? 0 : (size_t)attempts - 1;

	if (c->nretry == 0)
		return 300;
	return c->retry[i < c->nretry ? i : c->nretry - 1];
}

static int
fetch(struct run *r, struct row *rows, int *n, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "SELECT d.member_id, "
	    "m.address FROM delivery d JOIN member m ON m.id = d.member_id "
	    "WHERE d.post_id = ? AND d.member_id > ? AND d.next_try <= ? "
	    "ORDER BY d.member_id LIMIT ?", e);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, r->p.id);
	db_bind_int(st, 2, r->last_member);
	db_bind_int(st, 3, now_s());
	db_bind_int(st, 4, BATCH);
	while ((rc = db_step(st, e)) == 1) {
		rows[*n].member_id = db_col_int(st, 0);
		str_copy(rows[*n].addr, sizeof(rows[*n].addr),
		    db_col_text(st, 1));
		(*n)++;
	}
	return rc;
}

static int
drop_row(struct run *r, int64_t member_id, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "DELETE FROM delivery "
	    "WHERE post_id = ? AND member_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, r->p.id);
	db_bind_int(st, 2, member_id);
	return db_run(st, e) < 0 ? -1 : (int)db_changes(r->c->db);
}

static int
add_failure(struct run *r, const struct tx_result *res, const char *kind,
    struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "INSERT INTO failure "
	    "(member_id, post_id, at, kind, source, code, text) "
	    "VALUES (?, ?, ?, ?, 'smtp', ?, ?)", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, res->tag);
	db_bind_int(st, 2, r->p.id);
	db_bind_int(st, 3, now_s());
	db_bind_text(st, 4, kind);
	db_bind_int(st, 5, res->code);
	db_bind_text(st, 6, res->text);
	return db_run(st, e);
}

/* A copy failed for good: the row goes, the failure is recorded. */
static int
fail_copy(struct run *r, const struct tx_result *res, const char *kind,
    struct err *e)
{
	int gone = drop_row(r, res->tag, e);

	if (gone < 0)
		return -1;
	if (gone == 0)		/* the member left meanwhile */
		return 0;
	r->post_st.failed++;
	return add_failure(r, res, kind, e);
}

/* A 4xx: retry later, or give up once the copy has waited too long. */
static int
defer_copy(struct run *r, const struct tx_result *res, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "UPDATE delivery SET "
	    "attempts = attempts + 1, first_failure = coalesce(first_failure,"
	    " ?1), last_code = ?2, last_text = ?3 WHERE post_id = ?4 AND "
	    "member_id = ?5 RETURNING attempts, first_failure", e);
	int64_t now = now_s(), attempts, first;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, res->code);
	db_bind_text(st, 3, res->text);
	db_bind_int(st, 4, r->p.id);
	db_bind_int(st, 5, res->tag);
	if ((rc = db_step(st, e)) != 1)
		return rc;	/* 0: the member left meanwhile */
	attempts = db_col_int(st, 0);
	first = db_col_int(st, 1);
	db_done(st);
	if (now - first >= r->c->conf->give_up_after)
		return fail_copy(r, res, "soft", e);
	st = db_prepare(r->c->db, "UPDATE delivery SET next_try = ? WHERE "
	    "post_id = ? AND member_id = ?", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now + retry_delay(r->c->conf, attempts));
	db_bind_int(st, 2, r->p.id);
	db_bind_int(st, 3, res->tag);
	r->post_st.deferred++;
	return db_run(st, e);
}

static int
record_one(struct run *r, const struct tx_result *res, struct err *e)
{
	switch (res->status) {
	case TX_OK:
		if (drop_row(r, res->tag, e) < 0)
			return -1;
		r->post_st.sent++;
		return 0;
	case TX_PERM:
		return fail_copy(r, res, "hard", e);
	case TX_TEMP:
		return defer_copy(r, res, e);
	case TX_RELAY:
		if (!r->relay_failed)
			str_copy(r->relay_text, sizeof(r->relay_text),
			    res->text);
		r->relay_failed = 1;
		return 0;
	}
	return 0;
}

static int
update_counts(struct run *r, int64_t sent, int64_t failed, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "UPDATE post SET "
	    "delivered = delivered + ?, failed = failed + ?, attempts = "
	    "CASE WHEN ? > 0 THEN 0 ELSE attempts END WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, sent);
	db_bind_int(st, 2, failed);
	db_bind_int(st, 3, sent);
	db_bind_int(st, 4, r->p.id);
	return db_run(st, e);
}

/* Commits a group of outcomes in one transaction. */
static int
record(struct run *r, const struct tx_result *res, int n, struct err *e)
{
	int64_t sent = r->post_st.sent, failed = r->post_st.failed;
	int i;

	if (n == 0)
		return 0;
	if (db_begin(r->c->db, e) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (record_one(r, &res[i], e) < 0)
			goto fail;
	if (update_counts(r, r->post_st.sent - sent,
	    r->post_st.failed - failed, e) < 0)
		goto fail;
	return db_commit(r->c->db, e);
fail:
	db_rollback(r->c->db);
	r->post_st.sent = sent;
	r->post_st.failed = failed;
	return -1;
}

static int
collect(struct run *r, int timeout_ms, struct err *e)
{
	struct tx_result res[RESULTS_MAX];
	int n = transport_collect(r->t, res, RESULTS_MAX, timeout_ms, e);

	if (n < 0)
		return -1;
	return record(r, res, n, e);
}

static int
submit(struct run *r, const struct row *row, struct err *e)
{
	char token[TOKEN_LEN + 1], from[ADDR_MAX + 1];
	struct tx_job job;

	token_make(r->c->secret, TOKEN_BOUNCE, row->member_id, token);
	if (list_address(&r->l, ROLE_BOUNCES, r->c->conf->delimiter, token,
	    from, sizeof(from)) < 0)
		return err_set(e, ERR_INTERNAL, "bounce address too long");
	buf_reset(&r->member);
	if (listmail_member_fields(r->c, &r->l, row->member_id, &r->member,
	    e) < 0)
		return -1;
	memset(&job, 0, sizeof(job));
	job.from = from;
	job.rcpt = row->addr;
	job.head = r->text.data;
	job.head_len = (size_t)r->p.split;
	job.member = r->member.data;
	job.member_len = r->member.len;
	job.tail = r->text.data + r->p.split;
	job.tail_len = r->text.len - (size_t)r->p.split;
	job.tag = row->member_id;
	return transport_submit(r->t, &job, e);
}

static int
send_batch(struct run *r, const struct row *rows, int n, struct err *e)
{
	int i;

	for (i = 0; i < n && !r->relay_failed; i++) {
		while (transport_free(r->t) == 0)
			if (collect(r, COLLECT_MS, e) < 0)
				return -1;
		if (r->relay_failed)
			break;
		if (submit(r, &rows[i], e) < 0)
			return -1;
		r->last_member = rows[i].member_id;
	}
	return 0;
}

static int
drain(struct run *r, struct err *e)
{
	while (transport_busy(r->t) > 0)
		if (collect(r, COLLECT_MS, e) < 0)
			return -1;
	return 0;
}

/* The relay failed: the whole post waits, the members are not blamed. */
static int
defer_post(struct run *r, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "UPDATE post SET "
	    "attempts = attempts + 1, next_try = ? WHERE id = ?", e);
	char esc[LOG_ESC_MAX];

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now_s() + retry_delay(r->c->conf,
	    r->p.attempts + 1));
	db_bind_int(st, 2, r->p.id);
	log_warning("post %lld: relay %s failed (%s); will retry",
	    (long long)r->p.id, r->c->conf->relays[0].name,
	    log_esc(esc, sizeof(esc), r->relay_text));
	return db_run(st, e);
}

static int
load_text(struct run *r, struct err *e)
{
	char name[32], path[PATH_MAX];

	str_fmt(name, sizeof(name), "%lld", (long long)r->p.id);
	post_spool_path(r->c->conf, "out", name, path, sizeof(path));
	buf_reset(&r->text);
	if (fs_read_file(path, &r->text, e) < 0)
		return -1;
	if ((size_t)r->p.split > r->text.len)
		return err_set(e, ERR_INTERNAL, "post %lld: split beyond end",
		    (long long)r->p.id);
	return 0;
}

static int
deliver_post(struct run *r, struct err *e)
{
	struct row rows[BATCH];
	int n, rc = 0;

	memset(&r->post_st, 0, sizeof(r->post_st));
	r->relay_failed = 0;
	r->last_member = 0;
	if (list_get_id(r->c->db, r->p.list_id, &r->l, e) < 0 ||
	    load_text(r, e) < 0)
		return -1;
	do {
		if ((rc = fetch(r, rows, &n, e)) < 0 ||
		    (rc = send_batch(r, rows, n, e)) < 0)
			break;
	} while (n == BATCH && !r->relay_failed);
	/* Whatever happened, what is in flight is recorded before we go. */
	if (drain(r, e) < 0)
		return -1;
	if (rc < 0)
		return -1;
	if (r->relay_failed)
		return defer_post(r, e);
	return post_finish(r->c, &r->p, e);
}

static int
next_post(struct ctx *c, int64_t after, int64_t *id, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT id FROM post WHERE "
	    "state = 'sending' AND next_try <= ? AND id > ? ORDER BY id "
	    "LIMIT 1", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now_s());
	db_bind_int(st, 2, after);
	if ((rc = db_step(st, e)) != 1)
		return rc;
	*id = db_col_int(st, 0);
	db_done(st);
	return 1;
}

static void
add_stats(struct deliver_stats *to, const struct deliver_stats *from)
{
	to->posts++;
	to->sent += from->sent;
	to->failed += from->failed;
	to->deferred += from->deferred;
	to->relay_down |= from->relay_down;
}

static int
run_posts(struct run *r, struct deliver_stats *st, deliver_report_fn report,
    void *arg, struct err *e)
{
	int64_t id = 0, t0;
	int rc;

	while ((rc = next_post(r->c, id, &id, e)) == 1) {
		if (post_get(r->c, id, &r->p, e) < 0)
			return -1;
		t0 = mono_ms();
		if (deliver_post(r, e) < 0)
			return err_prefix(e, "post %lld", (long long)id);
		r->post_st.relay_down = r->relay_failed;
		add_stats(st, &r->post_st);
		if (report != NULL)
			report(id, r->l.name, &r->post_st,
			    (double)(mono_ms() - t0) / 1000.0, arg);
	}
	return rc;
}

/*
 * Herald's own mail (outmail.h): few messages, sent one at a time.
 */
struct outrow {
	int64_t id;
	int64_t attempts;
	int64_t first_failure;
	char rcpt[ADDR_MAX + 1];
	char sender[ADDR_MAX + 1];
	char spool[SPOOL_NAME_MAX];
};

static int
next_outmail(struct run *r, int64_t after, struct outrow *o, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "SELECT id, rcpt, sender, "
	    "spool, attempts, coalesce(first_failure, 0) FROM outmail WHERE "
	    "state = 'queued' AND next_try <= ? AND id > ? ORDER BY id "
	    "LIMIT 1", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now_s());
	db_bind_int(st, 2, after);
	if ((rc = db_step(st, e)) != 1)
		return rc;
	o->id = db_col_int(st, 0);
	str_copy(o->rcpt, sizeof(o->rcpt), db_col_text(st, 1));
	str_copy(o->sender, sizeof(o->sender), db_col_text(st, 2));
	str_copy(o->spool, sizeof(o->spool), db_col_text(st, 3));
	o->attempts = db_col_int(st, 4);
	o->first_failure = db_col_int(st, 5);
	db_done(st);
	return 1;
}

/* The new state of an outmail row after a result, and when to retry. */
static const char *
outmail_state(struct run *r, const struct outrow *o,
    const struct tx_result *res, int64_t *next_try)
{
	int64_t now = now_s(), first = o->first_failure ? o->first_failure :
	    now;

	*next_try = 0;
	if (res->status == TX_OK)
		return "sent";
	if (res->status == TX_PERM || now - first >= r->c->conf->give_up_after)
		return "failed";
	*next_try = now + retry_delay(r->c->conf, o->attempts + 1);
	return "queued";
}

static int
record_outmail(struct run *r, const struct outrow *o,
    const struct tx_result *res, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "UPDATE outmail SET state = "
	    "?, next_try = ?, last_code = ?, last_text = ?, attempts = "
	    "attempts + ?, first_failure = CASE WHEN ? THEN coalesce("
	    "first_failure, ?) ELSE first_failure END WHERE id = ?", e);
	char path[PATH_MAX];
	int64_t next_try;
	const char *state = outmail_state(r, o, res, &next_try);
	int failed = res->status != TX_OK;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, state);
	db_bind_int(st, 2, next_try);
	db_bind_int(st, 3, res->code);
	db_bind_text(st, 4, res->text);
	db_bind_int(st, 5, failed);
	db_bind_int(st, 6, failed);
	db_bind_int(st, 7, now_s());
	db_bind_int(st, 8, o->id);
	if (db_run(st, e) < 0)
		return -1;
	if (strcmp(state, "queued") != 0) {
		post_spool_path(r->c->conf, "out", o->spool, path,
		    sizeof(path));
		unlink(path);
	}
	if (res->status == TX_OK)
		r->post_st.sent++;
	else if (*state == 'f')
		r->post_st.failed++;
	else
		r->post_st.deferred++;
	return 0;
}

static int
send_outmail(struct run *r, const struct outrow *o, struct err *e)
{
	char path[PATH_MAX];
	struct tx_result res;
	struct tx_job job = { 0 };
	int n;

	post_spool_path(r->c->conf, "out", o->spool, path, sizeof(path));
	buf_reset(&r->text);
	if (fs_read_file(path, &r->text, e) < 0)
		return -1;
	job.from = o->sender;
	job.rcpt = o->rcpt;
	job.head = r->text.data;
	job.head_len = r->text.len;
	job.tag = o->id;
	if (transport_submit(r->t, &job, e) < 0)
		return -1;
	while ((n = transport_collect(r->t, &res, 1, COLLECT_MS, e)) == 0)
		continue;
	if (n < 0)
		return -1;
	if (res.status == TX_RELAY)
		r->relay_failed = 1;
	return record_outmail(r, o, &res, e);
}

static int
run_outmail(struct run *r, struct deliver_stats *st, struct err *e)
{
	struct outrow o;
	int64_t after = 0;
	int rc;

	memset(&r->post_st, 0, sizeof(r->post_st));
	r->relay_failed = 0;
	while (!r->relay_failed && (rc = next_outmail(r, after, &o, e)) == 1) {
		after = o.id;
		if (send_outmail(r, &o, e) < 0)
			return -1;
	}
	if (!r->relay_failed && rc < 0)
		return -1;
	st->sent += r->post_st.sent;
	st->failed += r->post_st.failed;
	st->deferred += r->post_st.deferred;
	st->relay_down |= r->relay_failed;
	return 0;
}

int
deliver_run(struct ctx *c, struct deliver_stats *st,
    deliver_report_fn report, void *arg, struct err *e)
{
	struct run r = { .c = c };
	int rc;

	memset(st, 0, sizeof(*st));
	if (post_process_all(c, e) < 0 || inbound_process_all(c, e) < 0 ||
	    ctx_secret(c, e) < 0)
		return -1;
	if (transport_open(c->conf, &r.t, e) < 0)
		return -1;
	buf_init(&r.text, (size_t)c->conf->max_message_size * 2 + 65536);
	buf_init(&r.member, TX_MEMBER_MAX);
	/* Progress is committed often; a crash of the machine (not of the
	 * process) may lose the last commits, i.e. cause duplicates. */
	rc = db_set_sync_full(c->db, 0, e);
	if (rc == 0)
		rc = run_posts(&r, st, report, arg, e);
	if (rc == 0)
		rc = run_outmail(&r, st, e);
	if (rc == 0)
		rc = db_set_sync_full(c->db, 1, e);
	buf_free(&r.text);
	buf_free(&r.member);
	transport_close(r.t);
	return rc;
}

int
deliver_next_due(struct ctx *c, int64_t *when, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT min(t) FROM ("
	    "SELECT max(p.next_try, coalesce((SELECT min(d.next_try) FROM "
	    "delivery d WHERE d.post_id = p.id), p.next_try)) AS t FROM post p "
	    "WHERE p.state IN ('new', 'sending') "
	    "UNION ALL SELECT next_try FROM outmail WHERE state = 'queued' "
	    "UNION ALL SELECT 0 FROM inbound WHERE state = 'new')", e);
	int rc;

	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) != 1)
		return rc;
	*when = db_col_is_null(st, 0) ? 0 : db_col_int(st, 0);
	if (*when == 0 && !db_col_is_null(st, 0))
		*when = 1;
	db_done(st);
	return 0;
}
