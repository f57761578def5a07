/*
 * post.c: posts, from receive to done.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stdlib.h>

#include "crypto.h"
#include "dmarc.h"
#include "fsutil.h"
#include "listmail.h"
#include "log.h"
#include "moderate.h"
#include "msg.h"
#include "personal.h"
#include "post.h"
#include "screen.h"
#include "settings.h"
#include "template.h"
#include "util.h"

int
post_spool_path(const struct conf *c, const char *dir, const char *name,
    char *out, size_t size)
{
	if (name == NULL)
		return str_fmt(out, size, "%s/%s", c->spool, dir);
	return str_fmt(out, size, "%s/%s/%s", c->spool, dir, name);
}

int
post_spool_init(const struct conf *c, struct err *e)
{
	static const char *const dirs[] = { "in", "out", "tmp" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (post_spool_path(c, dirs[i], NULL, path, sizeof(path)) < 0)
			return err_set(e, ERR_CONFIG, "spool path too long");
		if (fs_mkdirs(path, 0750, e) < 0)
			return -1;
	}
	return 0;
}

/* A name no other process will pick: time, pid and 48 random bits. */
static int
spool_name(char *name, size_t size, struct err *e)
{
	unsigned char r[6];

	if (crypto_random(r, sizeof(r), e) < 0)
		return -1;
	str_fmt(name, size, "%lld.%ld.%02x%02x%02x%02x%02x%02x",
	    (long long)now_s(), (long)getpid(), r[0], r[1], r[2], r[3], r[4],
	    r[5]);
	return 0;
}

static int
insert_post(struct ctx *c, const struct list *l, const char *sender,
    size_t len, const char *name, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_begin(c->db, e) < 0)
		return -1;
	st = db_prepare(c->db, "INSERT INTO post (list_id, received, sender, "
	    "size, spool) VALUES (?, ?, ?, ?, ?)", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, l->id);
	db_bind_int(st, 2, now_s());
	db_bind_text(st, 3, sender);
	db_bind_int(st, 4, (int64_t)len);
	db_bind_text(st, 5, name);
	if (db_run(st, e) < 0)
		goto fail;
	*id = db_last_id(c->db);
	return db_commit(c->db, e);
fail:
	db_rollback(c->db);
	return -1;
}

int
post_spool_store(struct ctx *c, const void *data, size_t len, char *name,
    struct err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	if (post_spool_init(c->conf, e) < 0 ||
	    spool_name(name, SPOOL_NAME_MAX, e) < 0)
		return -1;
	post_spool_path(c->conf, "in", name, path, sizeof(path));
	post_spool_path(c->conf, "tmp", NULL, tmp, sizeof(tmp));
	return fs_write_atomic(path, tmp, data, len, 0640, e);
}

int
post_store(struct ctx *c, const struct list *l, const char *sender,
    const void *data, size_t len, int64_t *id, struct err *e)
{
	char name[SPOOL_NAME_MAX], path[PATH_MAX];

	if (post_spool_store(c, data, len, name, e) < 0)
		return -1;
	post_spool_path(c->conf, "in", name, path, sizeof(path));
	if (insert_post(c, l, sender, len, name, id, e) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

int
post_get(struct ctx *c, int64_t id, struct post *out, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT id, list_id, received,"
	    " sender, spool, state, total, delivered, failed, "
	    "coalesce(split, 0), attempts, next_try, coalesce(started, 0), "
	    "personal FROM post WHERE id = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, e)) != 1)
		return rc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "no post %lld",
		    (long long)id);
	out->id = db_col_int(st, 0);
	out->list_id = db_col_int(st, 1);
	out->received = db_col_int(st, 2);
	str_copy(out->sender, sizeof(out->sender), db_col_text(st, 3));
	str_copy(out->spool, sizeof(out->spool), db_col_text(st, 4));
	str_copy(out->state, sizeof(out->state), db_col_text(st, 5));
	out->total = db_col_int(st, 6);
	out->delivered = db_col_int(st, 7);
	out->failed = db_col_int(st, 8);
	out->split = db_col_int(st, 9);
	out->attempts = db_col_int(st, 10);
	out->next_try = db_col_int(st, 11);
	out->started = db_col_int(st, 12);
	out->personal = (int)db_col_int(st, 13);
	db_done(st);
	return 0;
}

/*
 * Receive screens its post at once and a delivery engine sweeps up what
 * is left, so two processes may screen the same post.  Each transaction
 * that decides a post's fate starts here, under the write lock: the first
 * decides, the other finds the post no longer new and does nothing.
 * 1: still new; 0: decided meanwhile; -1: error.
 */
static int
still_new(struct ctx *c, int64_t id, struct err *e)
{
	return db_exists(c->db, "SELECT 1 FROM post WHERE id = ? AND "
	    "state = 'new'", id, e);
}

/* Inside the caller's transaction. */
static int
set_discarded(struct ctx *c, const struct post *p, const char *reason,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "UPDATE post SET state = "
	    "'discarded', reason = ?, finished = ? WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, now_s());
	db_bind_int(st, 3, p->id);
	return db_run(st, e);
}

static int
discard(struct ctx *c, const struct post *p, const char *reason,
    struct err *e)
{
	int fresh;

	if (db_begin(c->db, e) < 0)
		return -1;
	if ((fresh = still_new(c, p->id, e)) < 0 || (fresh == 1 &&
	    set_discarded(c, p, reason, e) < 0) || db_commit(c->db, e) < 0) {
		db_rollback(c->db);
		return -1;
	}
	if (fresh)
		log_info("post %lld not distributed: %s", (long long)p->id,
		    reason);
	return 0;
}

/* The list's settings that shape its mail, read once per post. */
struct shape {
	char prefix[SETTING_MAX], descr[SETTING_MAX];
	char allow[SETTING_MAX], forbid[SETTING_MAX];
	char reply_to[SETTING_MAX], reply_address[SETTING_MAX];
	char mitigation[SETTING_MAX], author_in[SETTING_MAX];
	char domains[SETTING_MAX];
	int footer, keep_poster, drop_html, force;
};

static int
read_shape(struct ctx *c, int64_t id, struct shape *s, struct err *e)
{
	if (settings_get(c->db, id, "subject_prefix", s->prefix, e) < 0 ||
	    settings_get(c->db, id, "description", s->descr, e) < 0 ||
	    settings_get(c->db, id, "mime_allow", s->allow, e) < 0 ||
	    settings_get(c->db, id, "mime_forbid", s->forbid, e) < 0 ||
	    settings_get(c->db, id, "reply_to", s->reply_to, e) < 0 ||
	    settings_get(c->db, id, "reply_to_address", s->reply_address,
	    e) < 0 ||
	    settings_get(c->db, id, "dmarc_mitigation", s->mitigation, e) < 0 ||
	    settings_get(c->db, id, "dmarc_author_in", s->author_in, e) < 0 ||
	    settings_get(c->db, id, "dmarc_domains", s->domains, e) < 0 ||
	    settings_get_bool(c->db, id, "footer", &s->footer, e) < 0 ||
	    settings_get_bool(c->db, id, "reply_to_keep_poster",
	    &s->keep_poster, e) < 0 ||
	    settings_get_bool(c->db, id, "drop_html_alternative",
	    &s->drop_html, e) < 0 ||
	    settings_get_bool(c->db, id, "dmarc_force", &s->force, e) < 0)
		return -1;
	return 0;
}

/* Whether word is one of the space-separated words (without case). */
static int
listed(const char *words, const char *word)
{
	size_t n = strlen(word), len;
	const char *p = words;

	while (*(p += strspn(p, " \t,")) != '\0') {
		len = strcspn(p, " \t,");
		if (len == n && str_ncasecmp(p, word, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* Whether the author's domain wants the DMARC treatment (dmarc.h). */
static int
dmarc_needed(struct ctx *c, const struct shape *s, struct msg *m, int *need,
    struct err *e)
{
	enum dmarc_policy pol;
	char *addr, *name;
	int rc = 0;

	*need = 0;
	if (strcmp(s->mitigation, "off") == 0 ||
	    msg_first_mailbox(m, "From", &addr, &name) < 0)
		return 0;
	if (s->force || listed(s->domains, addr_domain(addr)))
		*need = 1;
	else if ((rc = dmarc_policy(c, addr_domain(addr), &pol, e)) == 0)
		*need = pol == DMARC_QUARANTINE || pol == DMARC_REJECT ||
		    pol == DMARC_UNKNOWN;
	free(addr);
	free(name);
	return rc;
}

static enum listmail_reply_to
reply_to_policy(const struct list *l, const struct shape *s)
{
	char esc[LOG_ESC_MAX];
	struct err e;

	if (strcmp(s->reply_to, "list") == 0)
		return REPLY_TO_LIST;
	if (strcmp(s->reply_to, "address") != 0)
		return REPLY_TO_AS_SENT;
	if (addr_check(s->reply_address, &e) == 0)
		return REPLY_TO_ADDRESS;
	log_warning("%s@%s: reply_to_address '%s' is no address; Reply-To "
	    "stays as sent", l->name, l->domain, log_esc(esc, sizeof(esc),
	    s->reply_address));
	return REPLY_TO_AS_SENT;
}

/*
 * The footer template's text for the list, or "" if it has none.  On a
 * list that personalises, what only a member has a value for (name,
 * attributes, unsubscribe_address, unsubscribe_url) stays a placeholder,
 * filled in each copy; elsewhere unsubscribe_address is the list's
 * NAME-leave@, which asks for confirmation, as one text goes to all.
 */
static int
footer_text(struct ctx *c, const struct list *l, int on, struct buf *out,
    struct err *e)
{
	char leave[ADDR_MAX + 1];
	struct template_var v[] = { { "unsubscribe_address", leave } };
	struct buf subject;
	int personal, rc;

	buf_init(out, TEMPLATE_MAX * 4);
	if (!on)
		return 0;
	if (personal_enabled(c->db, l, &personal, e) < 0)
		return -1;
	list_address(l, ROLE_LEAVE, c->conf->delimiter, NULL, leave,
	    sizeof(leave));
	buf_init(&subject, 4096);
	if (personal)
		rc = template_render_open(c->db, l, c->conf->delimiter,
		    "footer", NULL, 0, &subject, out, e);
	else
		rc = template_render(c->db, l, c->conf->delimiter, "footer",
		    v, 1, &subject, out, e);
	buf_free(&subject);
	return rc;
}

int
post_render(struct ctx *c, const struct list *l, struct msg *m,
    int64_t received, const char *seed, struct listmail *lm, struct err *e)
{
	struct shape *s = xcalloc(1, sizeof(*s));
	struct listmail_in in;
	struct buf footer;
	int need = 0, rc = -1;

	buf_init(&footer, 1);
	if (read_shape(c, l->id, s, e) < 0 || dmarc_needed(c, s, m, &need,
	    e) < 0 || footer_text(c, l, s->footer, &footer, e) < 0)
		goto out;
	in = (struct listmail_in){
		.list = l, .delims = c->conf->delimiter, .prefix = s->prefix,
		.description = s->descr, .received = received,
		.id_seed = seed, .footer = footer.data,
		.reply_to = reply_to_policy(l, s),
		.reply_to_address = s->reply_address,
		.reply_to_keep_poster = s->keep_poster,
		.dmarc_from = need && strcmp(s->mitigation, "from") == 0,
		.author_in_cc = strcmp(s->author_in, "cc") == 0,
		.untouched = need && strcmp(s->mitigation, "no-modify") == 0,
		.mime_allow = s->allow, .mime_forbid = s->forbid,
		.drop_html = s->drop_html,
	};
	rc = listmail_render(&in, m, lm, e);
out:
	buf_free(&footer);
	free(s);
	return rc;
}

static int
render(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, struct listmail *lm, struct err *e)
{
	char seed[64];

	str_fmt(seed, sizeof(seed), "herald.%lld.%s", (long long)p->id,
	    p->spool);
	return post_render(c, l, m, p->received, seed, lm, e);
}

/*
 * The To and Cc addresses of the post, as member keys: members who asked
 * for no list copy when addressed directly get none (case 025).  The
 * fields themselves are never edited for it, which would break the
 * author's DKIM signature.
 */
struct addressed {
	char (*keys)[ADDR_MAX + 1];
	size_t n, max;
};

static int
add_key(const char *addr, void *arg)
{
	struct addressed *a = arg;
	struct err e;

	if (a->n == a->max || addr_check(addr, &e) < 0)
		return 0;
	addr_key(addr, a->keys[a->n++]);
	return 0;
}

static void
addressed_of(struct msg *m, struct addressed *a)
{
	a->max = msg_count_mailboxes(m, "To") + msg_count_mailboxes(m, "Cc");
	if (a->max > 1000)
		a->max = 1000;
	a->keys = xcalloc(a->max + 1, sizeof(*a->keys));
	a->n = 0;
	msg_each_mailbox(m, "To", add_key, a);
	msg_each_mailbox(m, "Cc", add_key, a);
}

static int
skip_addressed(struct ctx *c, const struct post *p,
    const struct addressed *a, struct err *e)
{
	struct db_stmt *st;
	size_t i;

	for (i = 0; i < a->n; i++) {
		st = db_prepare(c->db, "DELETE FROM delivery WHERE post_id = ? "
		    "AND member_id IN (SELECT id FROM member WHERE list_id = ? "
		    "AND addr_key = ? AND skip_if_addressed)", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, p->id);
		db_bind_int(st, 2, p->list_id);
		db_bind_text(st, 3, a->keys[i]);
		if (db_run(st, e) < 0)
			return -1;
	}
	return 0;
}

/* One delivery row per member in normal mode, and the post's totals. */
static int
count_rows(struct ctx *c, const struct post *p, int64_t *n, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT count(*) FROM delivery "
	    "WHERE post_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, p->id);
	if (db_step(st, e) != 1)
		return -1;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}

static int
enqueue(struct ctx *c, const struct post *p, const struct listmail *lm,
    const struct addressed *a, const char *name, int personal,
    struct err *e)
{
	struct db_stmt *st;
	int64_t total;

	int rc;

	if (db_begin(c->db, e) < 0)
		return -1;
	if ((rc = still_new(c, p->id, e)) <= 0) {
		db_rollback(c->db);
		return rc;
	}
	/* Not to members whose delivery is disabled (bounce_state.h). */
	st = db_prepare(c->db, "INSERT INTO delivery (post_id, member_id) "
	    "SELECT ?, id FROM member WHERE list_id = ? AND mode = 'normal' "
	    "AND disabled IS NULL", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, p->id);
	db_bind_int(st, 2, p->list_id);
	if (db_run(st, e) < 0 || skip_addressed(c, p, a, e) < 0 ||
	    count_rows(c, p, &total, e) < 0)
		goto fail;
	st = db_prepare(c->db, "UPDATE post SET state = 'sending', "
	    "rendered = ?, split = ?, total = ?, message_id = ?, "
	    "subject = ?, started = ?, personal = ? WHERE id = ? AND "
	    "state = 'new'", e);
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, name);
	db_bind_int(st, 2, (int64_t)lm->split);
	db_bind_int(st, 3, total);
	db_bind_text(st, 4, lm->message_id);
	db_bind_text(st, 5, lm->subject);
	db_bind_int(st, 6, now_s());
	db_bind_int(st, 7, personal);
	db_bind_int(st, 8, p->id);
	if (db_run(st, e) < 0)
		goto fail;
	return db_commit(c->db, e);
fail:
	db_rollback(c->db);
	return -1;
}

static int
write_rendered(struct ctx *c, const struct post *p, const struct listmail *lm,
    char *name, size_t size, struct err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	str_fmt(name, size, "%lld", (long long)p->id);
	post_spool_path(c->conf, "out", name, path, sizeof(path));
	post_spool_path(c->conf, "tmp", NULL, tmp, sizeof(tmp));
	return fs_write_atomic(path, tmp, lm->text.data, lm->text.len, 0640,
	    e);
}

/*
 * A personalised post whose placeholder names nothing any member has, or
 * stands where a member's value could be sent on: held for the
 * moderators rather than sent (personal.h).
 */
static int
hold_personal(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, const char *reason, struct err *e)
{
	char *poster = msg_get_address(m, "From");
	struct hold_request h = {
		.list = l, .post_id = p->id, .m = m,
		.poster = poster != NULL ? poster : "", .notify = 1,
		.reason = reason,
	};
	int rc = db_begin(c->db, e);

	if (rc == 0 && (rc = still_new(c, p->id, e)) == 1 &&
	    (rc = moderate_hold(c, &h, e)) == 0) {
		rc = db_commit(c->db, e);
		if (rc == 0)
			log_info("post %lld held: %s", (long long)p->id,
			    reason);
	} else
		db_rollback(c->db);
	rc = rc > 0 ? 0 : rc;
	free(poster);
	return rc;
}

/* A post that is not to be distributed now: held, refused or dropped. */
static int
act(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, const struct screening *s, struct err *e)
{
	struct hold_request h = {
		.list = l, .post_id = p->id, .m = m, .poster = s->poster,
		.notify = s->notify, .reason = s->reason,
	};
	char why[SCREEN_REASON_MAX + 16];
	int rc;

	if (s->verdict == POLICY_DISCARD)
		return discard(c, p, s->reason, e);
	if (db_begin(c->db, e) < 0)
		return -1;
	if ((rc = still_new(c, p->id, e)) <= 0)
		goto out;
	str_fmt(why, sizeof(why), "refused: %s", s->reason);
	if (s->verdict == POLICY_HOLD)
		rc = moderate_hold(c, &h, e);
	else if ((rc = set_discarded(c, p, why, e)) == 0 && s->notify)
		rc = moderate_tell_refused(c, l, m, s->poster, s->reason, e);
	if (rc < 0 || (rc = db_commit(c->db, e)) < 0)
		goto out;
	log_info("post %lld %s: %s", (long long)p->id, s->verdict ==
	    POLICY_HOLD ? "held" : "not distributed", s->verdict ==
	    POLICY_HOLD ? s->reason : why);
	return 0;
out:
	db_rollback(c->db);
	return rc;
}

/* Screened (unless a moderator approved it), rendered, queued. */
static int
process_msg(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, size_t size, struct err *e)
{
	struct screening s;
	struct addressed a;
	struct listmail lm;
	char name[SPOOL_NAME_MAX], reason[SCREEN_REASON_MAX];
	int approved, rc, personal;

	if (moderate_approved(c, p->id, &approved, e) < 0)
		return -1;
	if (!approved && screen_post(c, l, p, m, size, &s, e) < 0)
		return -1;
	if (!approved && s.verdict != POLICY_ACCEPT)
		return act(c, l, p, m, &s, e);
	addressed_of(m, &a);
	if ((rc = render(c, l, p, m, &lm, e)) == 0) {
		rc = personal_check(c->db, l, lm.text.data, lm.text.len,
		    &personal, reason, sizeof(reason), e);
		/* A moderator who approved a held post has seen why. */
		if (rc == 1 && !approved)
			rc = hold_personal(c, l, p, m, reason, e);
		else if (rc >= 0 && (rc = write_rendered(c, p, &lm, name,
		    sizeof(name), e)) == 0)
			rc = enqueue(c, p, &lm, &a, name, personal, e);
		listmail_free(&lm);
	}
	free(a.keys);
	return rc;
}

int
post_process(struct ctx *c, int64_t id, struct err *e)
{
	char path[PATH_MAX];
	struct post p;
	struct list l;
	struct msg *m;
	struct buf raw;
	size_t len;
	int rc;

	if (post_get(c, id, &p, e) < 0 || list_get_id(c->db, p.list_id, &l,
	    e) < 0)
		return -1;
	if (strcmp(p.state, "new") != 0)
		return 0;
	post_spool_path(c->conf, "in", p.spool, path, sizeof(path));
	buf_init(&raw, (size_t)c->conf->max_message_size);
	if (fs_read_file(path, &raw, e) < 0) {
		buf_free(&raw);
		return -1;
	}
	rc = msg_parse(raw.data, raw.len, &m, e);
	len = raw.len;
	buf_free(&raw);
	if (rc < 0)
		return discard(c, &p, e->msg, e) < 0 ? -1 : 0;
	rc = process_msg(c, &l, &p, m, len, e);
	msg_free(m);
	if (rc < 0 && e->cls == ERR_PERM)
		return discard(c, &p, e->msg, e);
	return rc;
}

int
post_process_all(struct ctx *c, struct err *e)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc;

	/* Held posts whose time is up go first: expiry needs no daemon of
	 * its own, as every delivery run passes here. */
	if (moderate_expire(c, e) < 0)
		return -1;
	for (;;) {
		st = db_prepare(c->db, "SELECT id FROM post WHERE state = "
		    "'new' AND id > ? ORDER BY id LIMIT 1", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, id);
		if ((rc = db_step(st, e)) != 1)
			return rc;
		id = db_col_int(st, 0);
		db_done(st);
		if (post_process(c, id, e) < 0)
			return err_prefix(e, "post %lld", (long long)id);
	}
}

int
post_finish(struct ctx *c, const struct post *p, struct err *e)
{
	char name[32], path[PATH_MAX];
	struct db_stmt *st = db_prepare(c->db, "UPDATE post SET state = "
	    "'done', finished = ? WHERE id = ? AND state = 'sending' AND NOT "
	    "EXISTS (SELECT 1 FROM delivery WHERE post_id = ?)", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now_s());
	db_bind_int(st, 2, p->id);
	db_bind_int(st, 3, p->id);
	if (db_run(st, e) < 0)
		return -1;
	if (db_changes(c->db) == 0)
		return 0;
	str_fmt(name, sizeof(name), "%lld", (long long)p->id);
	post_spool_path(c->conf, "out", name, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warning("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

static int
referenced(struct ctx *c, const char *name, int *yes, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT 1 FROM post WHERE "
	    "spool = ?1 UNION ALL SELECT 1 FROM inbound WHERE spool = ?1", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, name);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*yes = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}

int
post_sweep(struct ctx *c, int64_t max_age, struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *d;
	struct stat sb;
	DIR *dp;
	int yes;

	err_clear(e);
	post_spool_path(c->conf, "in", NULL, dir, sizeof(dir));
	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : err_sys(e, ERR_TEMP, errno,
		    "%s", dir);
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || str_fmt(path, sizeof(path),
		    "%s/%s", dir, d->d_name) < 0)
			continue;
		if (stat(path, &sb) < 0 || now_s() - sb.st_mtime < max_age)
			continue;
		if (referenced(c, d->d_name, &yes, e) < 0)
			break;
		if (!yes && unlink(path) == 0)
			log_info("removed %s, which no post refers to", path);
	}
	closedir(dp);
	return e->cls == ERR_NONE ? 0 : -1;
}
