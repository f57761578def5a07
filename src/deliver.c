/*
 * deliver.c: the delivery engine.
 */
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounce_state.h"
#include "buf.h"
#include "deliver.h"
#include "fsutil.h"
#include "inbound.h"
#include "journal.h"
#include "list.h"
#include "listmail.h"
#include "log.h"
#include "persona.h"
#include "personal.h"
#include "post.h"
#include "token.h"
#include "transport.h"
#include "util.h"

#define BATCH 256
#define RESULTS_MAX 64
#define COLLECT_MS 1000
#define APPLY_MAX 512		/* journal records per database apply */
#define APPLY_MS 500		/* ... or this often */

struct row {
	int64_t member_id;
	int64_t unsub_epoch;	/* for the member's unsubscribe links */
	char addr[ADDR_MAX + 1];
};

struct copybuf {
	struct buf b;
	int64_t tag;		/* member id; 0 when free */
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
	struct journal *journal;
	struct journal_rec pending[APPLY_MAX];	/* journaled, not applied */
	size_t npending;
	int64_t applied_ms;		/* when pending was last applied */
	const struct deliver_ui *ui;
	int64_t started_ms;		/* this post, this run */
	int64_t done_before;		/* copies settled in earlier runs */
	/* A personalised post: each copy rendered into a buffer of its own,
	 * one per slot, emptied when the copy's result comes back. */
	struct persona *persona;
	struct copybuf *copies;
	int ncopies;
	char dflt[SETTING_MAX];
	struct personal_values vals;
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
	    "m.address, m.unsub_epoch FROM delivery d JOIN member m ON "
	    "m.id = d.member_id "
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
		rows[*n].unsub_epoch = db_col_int(st, 2);
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
	char esc[LOG_ESC_MAX];

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, res->tag);
	db_bind_int(st, 2, r->p.id);
	db_bind_int(st, 3, now_s());
	db_bind_text(st, 4, kind);
	db_bind_int(st, 5, res->code);
	db_bind_text(st, 6, res->text);
	if (db_run(st, e) < 0)
		return -1;
	/* Bounce processing judges the member by it.  Its own failure
	 * (a broken template, say) must not hold up delivery: it undid
	 * its part, and the failure above stays recorded. */
	if (bounce_state_smtp(r->c, res->tag, r->p.id, res->code, res->text,
	    strcmp(kind, "hard") == 0, e) < 0) {
		if (e->cls == ERR_TEMP)
			return -1;
		log_warning("member %lld: bounce processing failed: %s",
		    (long long)res->tag, log_esc(esc, sizeof(esc), e->msg));
	}
	return 0;
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
		return 0;	/* journaled: note_sent() */
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
update_counts(struct db *db, int64_t post_id, int64_t sent, int64_t failed,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "UPDATE post SET "
	    "delivered = delivered + ?, failed = failed + ?, attempts = "
	    "CASE WHEN ? > 0 THEN 0 ELSE attempts END WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, sent);
	db_bind_int(st, 2, failed);
	db_bind_int(st, 3, sent);
	db_bind_int(st, 4, post_id);
	return db_run(st, e);
}

/*
 * Journaled copies into the database: their rows go, their post's count
 * grows by the rows that were still there (so applying twice is harmless).
 */
static int
apply_recs(struct db *db, const struct journal_rec *r, size_t n,
    struct err *e)
{
	struct db_stmt *st;
	int64_t post = 0, sent = 0;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i == n || r[i].post_id != post) {
			if (sent > 0 && update_counts(db, post, sent, 0, e) < 0)
				return -1;
			if (i == n)
				return 0;
			post = r[i].post_id;
			sent = 0;
		}
		st = db_prepare(db, "DELETE FROM delivery WHERE post_id = ? "
		    "AND member_id = ?", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, r[i].post_id);
		db_bind_int(st, 2, r[i].member_id);
		if (db_run(st, e) < 0)
			return -1;
		sent += db_changes(db);
	}
	return 0;
}

struct recovery {
	struct db *db;
	struct err *e;
};

static int
apply_batch(const struct journal_rec *r, size_t n, void *arg)
{
	struct recovery *rc = arg;

	if (db_begin(rc->db, rc->e) < 0)
		return -1;
	if (apply_recs(rc->db, r, n, rc->e) < 0) {
		db_rollback(rc->db);
		return -1;
	}
	return db_commit(rc->db, rc->e);
}

/* Copies a second in this run of the post so far. */
static double
run_rate(const struct run *r)
{
	int64_t ms = mono_ms() - r->started_ms;

	return ms > 0 ? (double)(r->post_st.sent + r->post_st.failed) *
	    1000.0 / (double)ms : 0;
}

static int
save_rate(struct run *r, struct err *e)
{
	struct db_stmt *st = db_prepare(r->c->db, "UPDATE post SET rate = ? "
	    "WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_double(st, 1, run_rate(r));
	db_bind_int(st, 2, r->p.id);
	return db_run(st, e);
}

static void
tell_progress(const struct run *r)
{
	if (r->ui == NULL || r->ui->progress == NULL)
		return;
	r->ui->progress(r->p.id, r->done_before + r->post_st.sent +
	    r->post_st.failed, r->p.total, run_rate(r), r->ui->arg);
}

/* Applies what is pending and empties the journal. */
static int
apply(struct run *r, struct err *e)
{
	struct db *db = r->c->db;

	r->applied_ms = mono_ms();
	if (r->npending == 0)
		return 0;
	if (db_begin(db, e) < 0)
		return -1;
	if (apply_recs(db, r->pending, r->npending, e) < 0 ||
	    save_rate(r, e) < 0 || db_commit(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	r->npending = 0;
	tell_progress(r);
	return journal_clear(r->journal, e);
}

/*
 * Accepted copies are journaled, all of them with one write, before their
 * slots take new work: after a crash, no accepted copy goes out again.
 */
static int
note_sent(struct run *r, const struct tx_result *res, int n, struct err *e)
{
	struct journal_rec recs[RESULTS_MAX];
	size_t k = 0;
	int i;

	for (i = 0; i < n; i++)
		if (res[i].status == TX_OK)
			recs[k++] = (struct journal_rec){ r->p.id, res[i].tag };
	if (k == 0)
		return 0;
	if (journal_add(r->journal, recs, k, e) < 0)
		return -1;
	if (r->npending + k > APPLY_MAX && apply(r, e) < 0)
		return -1;
	memcpy(r->pending + r->npending, recs, k * sizeof(recs[0]));
	r->npending += k;
	r->post_st.sent += (int64_t)k;
	return 0;
}

/* Failures are rare: each group gets a transaction of its own. */
static int
record_failures(struct run *r, const struct tx_result *res, int n,
    struct err *e)
{
	int64_t failed = r->post_st.failed, deferred = r->post_st.deferred;
	int i, any = 0;

	for (i = 0; i < n && !any; i++)
		any = res[i].status != TX_OK;
	if (!any)
		return 0;
	if (db_begin(r->c->db, e) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (record_one(r, &res[i], e) < 0)
			goto fail;
	if (update_counts(r->c->db, r->p.id, 0, r->post_st.failed - failed,
	    e) < 0)
		goto fail;
	return db_commit(r->c->db, e);
fail:
	db_rollback(r->c->db);
	r->post_st.failed = failed;
	r->post_st.deferred = deferred;
	return -1;
}

/* A copy's buffer is emptied and freed once its result is in. */
static void
release_copies(struct run *r, const struct tx_result *res, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r->ncopies; j++) {
			struct copybuf *cb = &r->copies[j];

			if (cb->tag != res[i].tag)
				continue;
			if (cb->b.data != NULL)
				memset(cb->b.data, 0, cb->b.len);
			buf_reset(&cb->b);
			cb->tag = 0;
		}
	}
}

static int
collect(struct run *r, int timeout_ms, struct err *e)
{
	struct tx_result res[RESULTS_MAX];
	int n = transport_collect(r->t, res, RESULTS_MAX, timeout_ms, e);

	if (n > 0)
		release_copies(r, res, n);
	if (n < 0 || note_sent(r, res, n, e) < 0 ||
	    record_failures(r, res, n, e) < 0)
		return -1;
	if (mono_ms() - r->applied_ms >= APPLY_MS)
		return apply(r, e);
	return 0;
}

/* What a crashed engine journaled but did not apply. */
static int
recover(struct run *r, struct err *e)
{
	struct recovery rc = { r->c->db, e };

	if (journal_read(r->journal, apply_batch, &rc, e) < 0)
		return -1;
	return journal_clear(r->journal, e);
}

/*
 * A personalised copy: rendered from the shared segments and this
 * member's values, freshly loaded, into an emptied buffer of its own.
 */
static int
submit_personal(struct run *r, const struct row *row,
    const struct unsub_links *links, struct tx_job *job, struct err *e)
{
	struct copybuf *cb = NULL;
	int i, rc;

	for (i = 0; i < r->ncopies && cb == NULL; i++)
		if (r->copies[i].tag == 0)
			cb = &r->copies[i];
	if (cb == NULL)
		return err_set(e, ERR_INTERNAL, "no copy buffer free");
	rc = personal_load(r->c->db, row->member_id, links, &r->vals, e);
	if (rc == 0)
		rc = persona_render(r->persona, personal_lookup, &r->vals,
		    r->dflt, r->member.data, r->member.len, &cb->b, e);
	personal_clear(&r->vals);
	if (rc < 0)
		return -1;
	cb->tag = row->member_id;
	job->head = cb->b.data;
	job->head_len = cb->b.len;
	return transport_submit(r->t, job, e);
}

/*
 * An address that no envelope may carry (stored before addr_check knew
 * better) fails for good at once: left to transport_submit(), it would
 * stop every run at the same copy, and everything queued behind it.
 * 1 if refused and recorded, 0 if fine, -1 if recording failed.
 */
static int
refused_envelope(struct run *r, const struct tx_job *job, struct err *e)
{
	struct tx_result res = { .tag = job->tag, .status = TX_PERM };
	struct err te;

	if (transport_check_envelope(job, &te) == 1)
		return 0;
	str_copy(res.text, sizeof(res.text), te.msg);
	return record_failures(r, &res, 1, e) < 0 ? -1 : 1;
}

static int
submit(struct run *r, const struct row *row, struct err *e)
{
	char token[TOKEN_LEN + 1], from[ADDR_MAX + 1];
	struct unsub_links links;
	struct tx_job job;
	int rc;

	token_make(r->c->secret, TOKEN_BOUNCE, row->member_id, token);
	if (list_address(&r->l, ROLE_BOUNCES, r->c->conf->delimiter, token,
	    from, sizeof(from)) < 0)
		return err_set(e, ERR_INTERNAL, "bounce address too long");
	buf_reset(&r->member);
	if (unsub_links_epoch(r->c, &r->l, row->member_id, row->unsub_epoch,
	    &links, e) < 0 ||
	    listmail_member_fields(&links, &r->member, e) < 0)
		return -1;
	memset(&job, 0, sizeof(job));
	job.from = from;
	job.rcpt = row->addr;
	job.tag = row->member_id;
	if ((rc = refused_envelope(r, &job, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (r->persona != NULL)
		return submit_personal(r, row, &links, &job, e);
	job.head = r->text.data;
	job.head_len = (size_t)r->p.split;
	job.member = r->member.data;
	job.member_len = r->member.len;
	job.tail = r->text.data + r->p.split;
	job.tail_len = r->text.len - (size_t)r->p.split;
	return transport_submit(r->t, &job, e);
}

static int
send_batch(struct run *r, const struct row *rows, int n, struct err *e)
{
	int i, nfree;

	for (i = 0; i < n && !r->relay_failed; i++) {
		while ((nfree = transport_free(r->t)) == 0)
			if (collect(r, COLLECT_MS, e) < 0)
				return -1;
		if (nfree < 0) {
			str_copy(r->relay_text, sizeof(r->relay_text),
			    "no relay can be reached");
			r->relay_failed = 1;
		}
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

/*
 * No relay has taken the post for give_up_after: its remaining copies are
 * temporary failures, recorded as the relay's doing (source 'relay'), so
 * that bounce processing does not hold them against the members.
 */
static int
give_up_post(struct run *r, struct err *e)
{
	struct db_stmt *st;
	int64_t n;

	if (db_begin(r->c->db, e) < 0)
		return -1;
	st = db_prepare(r->c->db, "INSERT INTO failure (member_id, post_id, "
	    "at, kind, source, code, text) SELECT member_id, post_id, ?, "
	    "'soft', 'relay', 0, ? FROM delivery WHERE post_id = ?", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, now_s());
	db_bind_text(st, 2, r->relay_text);
	db_bind_int(st, 3, r->p.id);
	if (db_run(st, e) < 0)
		goto fail;
	n = db_changes(r->c->db);
	st = db_prepare(r->c->db, "DELETE FROM delivery WHERE post_id = ?", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, r->p.id);
	if (db_run(st, e) < 0 || update_counts(r->c->db, r->p.id, 0, n, e) < 0)
		goto fail;
	if (db_commit(r->c->db, e) < 0)
		return -1;
	log_warning("post %lld: gave up %lld copies after the relays failed "
	    "for %lld seconds", (long long)r->p.id, (long long)n,
	    (long long)r->c->conf->give_up_after);
	r->post_st.failed += n;
	return post_finish(r->c, &r->p, e);
fail:
	db_rollback(r->c->db);
	return -1;
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
	if (r->p.started > 0 &&
	    now_s() - r->p.started >= r->c->conf->give_up_after)
		return give_up_post(r, e);
	db_bind_int(st, 1, now_s() + retry_delay(r->c->conf,
	    r->p.attempts + 1));
	db_bind_int(st, 2, r->p.id);
	log_warning("post %lld: relay failed (%s); will retry",
	    (long long)r->p.id, log_esc(esc, sizeof(esc), r->relay_text));
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

/* A personalised post: its segments, and a buffer for each slot. */
static int
prepare_personal(struct run *r, struct err *e)
{
	int i;

	persona_free(r->persona);
	r->persona = NULL;
	if (!r->p.personal)
		return 0;
	if (settings_get(r->c->db, r->l.id, "personalize_default", r->dflt,
	    e) < 0 || persona_prepare(r->text.data, r->text.len, &r->persona,
	    e) < 0)
		return -1;
	if (r->copies == NULL) {
		r->ncopies = transport_slots(r->t);
		r->copies = xcalloc((size_t)r->ncopies, sizeof(*r->copies));
		for (i = 0; i < r->ncopies; i++)
			buf_init(&r->copies[i].b, r->text.max + TX_MEMBER_MAX);
	}
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
	r->applied_ms = mono_ms();
	r->started_ms = r->applied_ms;
	r->done_before = r->p.delivered + r->p.failed;
	if (list_get_id(r->c->db, r->p.list_id, &r->l, e) < 0 ||
	    load_text(r, e) < 0 || prepare_personal(r, e) < 0)
		return -1;
	do {
		if ((rc = fetch(r, rows, &n, e)) < 0 ||
		    (rc = send_batch(r, rows, n, e)) < 0)
			break;
	} while (n == BATCH && !r->relay_failed);
	/* Whatever happened, what is in flight is recorded before we go. */
	if (drain(r, e) < 0 || apply(r, e) < 0)
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
run_posts(struct run *r, struct deliver_stats *st, struct err *e)
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
		if (r->ui != NULL && r->ui->report != NULL)
			r->ui->report(id, r->l.name, &r->post_st,
			    (double)(mono_ms() - t0) / 1000.0, r->ui->arg);
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
	struct err te;
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
	if (transport_check_envelope(&job, &te) != 1) {
		res = (struct tx_result){ .tag = o->id, .status = TX_PERM };
		str_copy(res.text, sizeof(res.text), te.msg);
		return record_outmail(r, o, &res, e);
	}
	/* Nothing else is in flight: this only waits for a rate token. */
	while ((n = transport_free(r->t)) == 0)
		if (transport_collect(r->t, &res, 1, COLLECT_MS, e) < 0)
			return -1;
	if (n < 0) {
		r->relay_failed = 1;
		return 0;
	}
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
    const struct deliver_ui *ui, struct err *e)
{
	struct run r = { .c = c, .ui = ui };
	int rc, i;

	memset(st, 0, sizeof(*st));
	/*
	 * curl allocates and frees a 64 kB upload buffer for every transfer;
	 * with glibc's default trim threshold each one would grow and then
	 * shrink the heap with brk(), two system calls per copy.
	 */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	if (post_process_all(c, e) < 0 || inbound_process_all(c, e) < 0 ||
	    ctx_secret(c, e) < 0 || bounce_state_tick(c, e) < 0)
		return -1;
	if (journal_open(c->conf, &r.journal, e) < 0)
		return -1;
	if (recover(&r, e) < 0 || transport_open(c->conf, &r.t, e) < 0) {
		journal_close(r.journal);
		return -1;
	}
	buf_init(&r.text, (size_t)c->conf->max_message_size * 2 + 65536);
	buf_init(&r.member, TX_MEMBER_MAX);
	/* Progress is committed often; a crash of the machine (not of the
	 * process) may lose the last commits and the journal's page cache,
	 * i.e. cause duplicates. */
	rc = db_set_sync_full(c->db, 0, e);
	if (rc == 0)
		rc = run_posts(&r, st, e);
	if (rc == 0)
		rc = run_outmail(&r, st, e);
	if (rc == 0)
		rc = db_set_sync_full(c->db, 1, e);
	transport_close(r.t);
	for (i = 0; i < r.ncopies; i++)
		buf_free(&r.copies[i].b);
	free(r.copies);
	persona_free(r.persona);
	buf_free(&r.text);
	buf_free(&r.member);
	journal_close(r.journal);
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
	    "UNION ALL SELECT 0 FROM inbound WHERE state = 'new' "
	    "UNION ALL SELECT expires FROM held WHERE state = 'waiting' "
	    "UNION ALL SELECT b.next_notice FROM bounce_member b JOIN member m "
	    "ON m.id = b.member_id WHERE m.disabled = 'bounces' AND "
	    "b.next_notice IS NOT NULL)", e);
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
