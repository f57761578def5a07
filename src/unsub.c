/*
 * unsub.c: each member's unsubscribe token.
 */
#include "unsub.h"
#include "util.h"

static int
epoch_of(struct db *db, int64_t member_id, int64_t *epoch, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT unsub_epoch FROM member "
	    "WHERE id = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	if ((rc = db_step(st, e)) <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "no member %lld",
		    (long long)member_id);
	*epoch = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int
unsub_token(struct ctx *c, int64_t member_id, char *out, struct err *e)
{
	int64_t epoch;

	if (!c->have_secret)
		return err_set(e, ERR_INTERNAL, "secret not loaded");
	if (epoch_of(c->db, member_id, &epoch, e) < 0)
		return -1;
	token_make_epoch(c->secret, TOKEN_UNSUB, member_id, epoch, out);
	return 0;
}

int
unsub_links(struct ctx *c, const struct list *l, int64_t member_id,
    struct unsub_links *out, struct err *e)
{
	int64_t epoch;

	if (epoch_of(c->db, member_id, &epoch, e) < 0)
		return -1;
	return unsub_links_epoch(c, l, member_id, epoch, out, e);
}

int
unsub_links_epoch(struct ctx *c, const struct list *l, int64_t member_id,
    int64_t epoch, struct unsub_links *out, struct err *e)
{
	char token[TOKEN_LEN + 1];

	if (!c->have_secret)
		return err_set(e, ERR_INTERNAL, "secret not loaded");
	token_make_epoch(c->secret, TOKEN_UNSUB, member_id, epoch, token);
	if (list_address(l, ROLE_LEAVE, c->conf->delimiter, token,
	    out->address, sizeof(out->address)) < 0 ||
	    unsub_url(c->conf, token, out->url, sizeof(out->url)) < 0)
		return err_set(e, ERR_INTERNAL, "unsubscribe address too long");
	return 0;
}

int
unsub_check(struct ctx *c, const char *token, struct member *out,
    struct err *e)
{
	int64_t id, epoch;

	if (!c->have_secret)
		return err_set(e, ERR_INTERNAL, "secret not loaded");
	/* The id is not yet trusted: it only says whose epoch to use. */
	if (token_peek(c->secret, TOKEN_UNSUB, token, &id) < 0)
		return err_set(e, ERR_NOTFOUND, "unknown or revoked token");
	if (epoch_of(c->db, id, &epoch, e) < 0)
		return e->cls != ERR_NOTFOUND ? -1 :
		    err_set(e, ERR_NOTFOUND, "unknown or revoked token");
	if (token_check_epoch(c->secret, TOKEN_UNSUB, token, epoch, &id) < 0)
		return err_set(e, ERR_NOTFOUND, "unknown or revoked token");
	return member_get_id(c->db, id, out, e);
}

int
unsub_revoke(struct db *db, int64_t member_id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "UPDATE member SET unsub_epoch = "
	    "unsub_epoch + 1 WHERE id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	return db_run(st, e);
}

int
unsub_url(const struct conf *conf, const char *token, char *out,
    size_t size)
{
	if (conf->web_url == NULL || conf->web_url[0] == '\0')
		return str_copy(out, size, "");
	return str_fmt(out, size, "%s/unsubscribe/%s", conf->web_url, token);
}
