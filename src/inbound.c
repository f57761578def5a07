/*
 * inbound.c: mail to a list's service addresses.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "bounce_mail.h"
#include "fsutil.h"
#include "inbound.h"
#include "log.h"
#include "moderate.h"
#include "owner.h"
#include "post.h"
#include "robot.h"
#include "util.h"

/*
 * NAME-owner+TOKEN@ is a moderator's answer to a held post (the token
 * is in the notice's Reply-To, moderate.h); a delivery report about
 * members is bounce processing's (bounce_mail.h); the rest of the mail
 * to plain NAME-owner@ is for the owners.
 */
static int
owner_or_moderator(struct inbound *in, struct err *e)
{
	int taken;

	if (in->arg[0] != '\0')
		return moderate_handle(in, e);
	if (bounce_mail_owner(in, &taken, e) < 0)
		return -1;
	return taken ? 0 : owner_handle(in, e);
}

/* Which module handles mail to which address. */
static const struct {
	enum list_role role;
	inbound_handler fn;
} handlers[] = {
	{ ROLE_OWNER, owner_or_moderator },
	{ ROLE_REQUEST, robot_request },
	{ ROLE_JOIN, robot_join },
	{ ROLE_LEAVE, robot_leave },
	{ ROLE_CONFIRM, robot_confirm },
	{ ROLE_BOUNCES, bounce_mail_handle },
};

/* Posts take another path (post.h); every service address has a row. */
static int
no_handler(struct inbound *in, struct err *e)
{
	(void)in;
	return err_set(e, ERR_INTERNAL, "no handler for this address");
}

static inbound_handler
handler_for(enum list_role role)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].role == role)
			return handlers[i].fn;
	return no_handler;
}

static int
role_parse(const char *s, enum list_role *role)
{
	static const enum list_role all[] = { ROLE_POST, ROLE_REQUEST,
	    ROLE_OWNER, ROLE_JOIN, ROLE_LEAVE, ROLE_BOUNCES, ROLE_CONFIRM };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(list_role_name(all[i]), s) == 0) {
			*role = all[i];
			return 0;
		}
	}
	return -1;
}

int
inbound_store(struct ctx *c, const struct list *l, enum list_role role,
    const char *arg, const char *sender, const void *data, size_t len,
    int64_t *id, struct err *e)
{
	char name[SPOOL_NAME_MAX], path[PATH_MAX];
	struct db_stmt *st;

	if (post_spool_store(c, data, len, name, e) < 0)
		return -1;
	post_spool_path(c->conf, "in", name, path, sizeof(path));
	st = db_prepare(c->db, "INSERT INTO inbound (list_id, role, arg, "
	    "received, sender, size, spool) VALUES (?, ?, ?, ?, ?, ?, ?)", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, l->id);
	db_bind_text(st, 2, list_role_name(role));
	db_bind_text(st, 3, arg);
	db_bind_int(st, 4, now_s());
	db_bind_text(st, 5, sender);
	db_bind_int(st, 6, (int64_t)len);
	db_bind_text(st, 7, name);
	if (db_run(st, e) < 0)
		goto fail;
	*id = db_last_id(c->db);
	return 0;
fail:
	unlink(path);
	return -1;
}

struct row {
	int64_t list_id;
	enum list_role role;
	char arg[LIST_ARG_MAX + 1];
	char sender[ADDR_MAX + 1];
	char spool[SPOOL_NAME_MAX];
};

/* 1 if the row is waiting, 0 if already done, -1 on error. */
static int
load_row(struct ctx *c, int64_t id, struct row *r, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT list_id, role, arg, "
	    "sender, spool FROM inbound WHERE id = ? AND state = 'new'", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, e)) != 1)
		return rc;
	r->list_id = db_col_int(st, 0);
	if (role_parse(db_col_text(st, 1), &r->role) < 0)
		r->role = ROLE_REQUEST;
	str_copy(r->arg, sizeof(r->arg), db_col_text(st, 2));
	str_copy(r->sender, sizeof(r->sender), db_col_text(st, 3));
	str_copy(r->spool, sizeof(r->spool), db_col_text(st, 4));
	db_done(st);
	return 1;
}

/* 1 if the row is still waiting, 0 if handled meanwhile, -1 on error. */
static int
still_new(struct ctx *c, int64_t id, struct err *e)
{
	return db_exists(c->db, "SELECT 1 FROM inbound WHERE id = ? AND "
	    "state = 'new'", id, e);
}

static int
mark_done(struct ctx *c, int64_t id, const char *result, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "UPDATE inbound SET state = "
	    "'done', result = ? WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, result);
	db_bind_int(st, 2, id);
	return db_run(st, e);
}

/* The handler and the record, in one transaction. */
static int
run_handler(struct inbound *in, struct err *e)
{
	char esc[LOG_ESC_MAX];
	struct err he;
	int rc;

	if (db_begin(in->c->db, e) < 0)
		return -1;
	/* Receive handles its mail at once and a delivery engine sweeps up
	 * what is left: the first to take the write lock does it. */
	if ((rc = still_new(in->c, in->id, e)) <= 0) {
		db_rollback(in->c->db);
		return rc;
	}
	rc = handler_for(in->role)(in, &he);
	if (rc < 0 && he.cls == ERR_TEMP) {
		db_rollback(in->c->db);
		*e = he;
		return -1;
	}
	if (rc < 0)
		str_fmt(in->result, sizeof(in->result), "failed: %s", he.msg);
	if (mark_done(in->c, in->id, in->result, e) < 0 ||
	    db_commit(in->c->db, e) < 0) {
		db_rollback(in->c->db);
		return -1;
	}
	log_info("%s mail %lld for %s@%s from <%s>: %s",
	    list_role_name(in->role), (long long)in->id, in->list->name,
	    in->list->domain, log_esc(esc, sizeof(esc), in->sender),
	    in->result);
	return 0;
}

int
inbound_process(struct ctx *c, int64_t id, struct err *e)
{
	struct inbound in = { .c = c, .id = id };
	char path[PATH_MAX];
	struct list l;
	struct row r;
	struct buf raw;
	int rc;

	if ((rc = load_row(c, id, &r, e)) <= 0)
		return rc;
	if (list_get_id(c->db, r.list_id, &l, e) < 0)
		return -1;
	post_spool_path(c->conf, "in", r.spool, path, sizeof(path));
	buf_init(&raw, (size_t)c->conf->max_message_size);
	if (fs_read_file(path, &raw, e) < 0) {
		buf_free(&raw);
		return -1;
	}
	in.list = &l;
	in.role = r.role;
	in.arg = r.arg;
	in.sender = r.sender;
	in.raw = raw.data;
	in.raw_len = raw.len;
	if (msg_parse(raw.data, raw.len, &in.m, e) < 0) {
		buf_free(&raw);
		return mark_done(c, id, "not a mail message", e);
	}
	rc = run_handler(&in, e);
	msg_free(in.m);
	buf_free(&raw);
	return rc;
}

int
inbound_process_all(struct ctx *c, struct err *e)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc;

	for (;;) {
		st = db_prepare(c->db, "SELECT id FROM inbound WHERE state = "
		    "'new' AND id > ? ORDER BY id LIMIT 1", e);
		if (st == NULL)
			return -1;
		db_bind_int(st, 1, id);
		if ((rc = db_step(st, e)) != 1)
			return rc;
		id = db_col_int(st, 0);
		db_done(st);
		if (inbound_process(c, id, e) < 0)
			return err_prefix(e, "service mail %lld",
			    (long long)id);
	}
}
