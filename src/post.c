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

#include "crypto.h"
#include "fsutil.h"
#include "listmail.h"
#include "log.h"
#include "msg.h"
#include "personal.h"
#include "post.h"
#include "settings.h"
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
	    "personal FROM post WHERE id = ?",
	    e);
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

static int
discard(struct ctx *c, const struct post *p, const char *reason,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "UPDATE post SET state = "
	    "'discarded', reason = ?, finished = ? WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, now_s());
	db_bind_int(st, 3, p->id);
	if (db_run(st, e) < 0)
		return -1;
	log_info("post %lld not distributed: %s", (long long)p->id, reason);
	return 0;
}

/* Mail whose envelope sender is this list's own bounce address. */
static int
from_own_bounces(struct ctx *c, const struct list *l, const char *sender)
{
	struct list other;
	enum list_role role;
	char arg[LIST_ARG_MAX + 1];
	struct err e;

	if (sender[0] == '\0' || list_resolve(c->db, sender,
	    c->conf->delimiter, &other, &role, arg, &e) < 0)
		return 0;
	return other.id == l->id && role == ROLE_BOUNCES;
}

int
post_render(struct ctx *c, const struct list *l, struct msg *m,
    int64_t received, const char *seed, struct listmail *lm, struct err *e)
{
	char prefix[SETTING_MAX], descr[SETTING_MAX];
	struct listmail_in in = {
		.list = l, .delims = c->conf->delimiter, .prefix = prefix,
		.description = descr, .received = received, .id_seed = seed,
	};

	if (settings_get(c->db, l->id, "subject_prefix", prefix, e) < 0 ||
	    settings_get(c->db, l->id, "description", descr, e) < 0)
		return -1;
	return listmail_render(&in, m, lm, e);
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

/* Keeps a post back with a reason, for the people who run the list. */
static int
hold(struct ctx *c, const struct post *p, const char *reason, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "UPDATE post SET state = "
	    "'held', reason = ? WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, p->id);
	if (db_run(st, e) < 0)
		return -1;
	log_warning("post %lld held: %s", (long long)p->id, reason);
	return 0;
}

/* One delivery row per member in normal mode, and the post's totals. */
static int
enqueue(struct ctx *c, const struct post *p, const struct listmail *lm,
    const char *name, int personal, struct err *e)
{
	struct db_stmt *st;
	int64_t total;

	if (db_begin(c->db, e) < 0)
		return -1;
	st = db_prepare(c->db, "INSERT INTO delivery (post_id, member_id) "
	    "SELECT ?, id FROM member WHERE list_id = ? AND mode = 'normal'",
	    e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, p->id);
	db_bind_int(st, 2, p->list_id);
	if (db_run(st, e) < 0)
		goto fail;
	total = db_changes(c->db);
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

static int
process_msg(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, struct err *e)
{
	struct listmail lm;
	const char *why;
	char name[SPOOL_NAME_MAX], reason[ERR_MSG_MAX];
	int rc, personal;

	if ((why = listmail_loop_reason(m, l)) != NULL)
		return discard(c, p, why, e);
	if (from_own_bounces(c, l, p->sender))
		return discard(c, p, "it comes from this list's own bounce "
		    "address", e);
	if (render(c, l, p, m, &lm, e) < 0)
		return -1;
	rc = personal_check(c->db, l, lm.text.data, lm.text.len, &personal,
	    reason, sizeof(reason), e);
	if (rc == 1)
		rc = hold(c, p, reason, e);
	else if (rc == 0 && (rc = write_rendered(c, p, &lm, name,
	    sizeof(name), e)) == 0)
		rc = enqueue(c, p, &lm, name, personal, e);
	listmail_free(&lm);
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
	buf_free(&raw);
	if (rc < 0)
		return discard(c, &p, e->msg, e) < 0 ? -1 : 0;
	rc = process_msg(c, &l, &p, m, e);
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
