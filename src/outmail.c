/*
 * outmail.c: mail Herald sends of its own accord.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "crypto.h"
#include "fsutil.h"
#include "outmail.h"
#include "post.h"
#include "util.h"

int
outmail_queue(struct ctx *c, int64_t list_id, const char *kind,
    const char *rcpt, const char *sender, const void *data, size_t len,
    struct err *e)
{
	char name[SPOOL_NAME_MAX], path[PATH_MAX], tmp[PATH_MAX];
	char mailbox[ADDR_MAX + 1];
	unsigned char r[6];
	struct db_stmt *st;

	if (addr_check(rcpt, e) < 0)
		return err_prefix(e, "%s", rcpt);
	if (post_spool_init(c->conf, e) < 0 ||
	    crypto_random(r, sizeof(r), e) < 0)
		return -1;
	str_fmt(name, sizeof(name), "m.%lld.%02x%02x%02x%02x%02x%02x",
	    (long long)now_s(), r[0], r[1], r[2], r[3], r[4], r[5]);
	post_spool_path(c->conf, "out", name, path, sizeof(path));
	post_spool_path(c->conf, "tmp", NULL, tmp, sizeof(tmp));
	if (fs_write_atomic(path, tmp, data, len, 0640, e) < 0)
		return -1;
	addr_mailbox_key(rcpt, c->conf->delimiter, mailbox);
	st = db_prepare(c->db, "INSERT INTO outmail (list_id, kind, rcpt, "
	    "mailbox, sender, spool, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, rcpt);
	db_bind_text(st, 4, mailbox);
	db_bind_text(st, 5, sender);
	db_bind_text(st, 6, name);
	db_bind_int(st, 7, now_s());
	if (db_run(st, e) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

int
outmail_count(struct ctx *c, int64_t list_id, const char *kind,
    const char *rcpt, int64_t since, int64_t *n, struct err *e)
{
	char mailbox[ADDR_MAX + 1];
	struct db_stmt *st = db_prepare(c->db, "SELECT count(*) FROM outmail "
	    "WHERE list_id = ? AND mailbox = ? AND kind = ? AND created >= ?",
	    e);

	if (st == NULL)
		return -1;
	addr_mailbox_key(rcpt, c->conf->delimiter, mailbox);
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, mailbox);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, since);
	if (db_step(st, e) != 1)
		return -1;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}
