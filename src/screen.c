/*
 * screen.c: what becomes of a post before it is rendered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automail.h"
#include "crypto.h"
#include "screen.h"
#include "settings.h"
#include "util.h"

#define DAY (24 * 3600)
#define DIGEST_MAX (256 * 1024 * 1024)

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

static void
verdict(struct screening *s, enum policy_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
verdict(struct screening *s, enum policy_verdict v, const char *fmt, ...)
{
	va_list ap;

	s->verdict = v;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

/* 1 if the post is a machine's (and s says what to do), else 0. */
static int
automatic(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, struct screening *s, struct err *e)
{
	char action[SETTING_MAX];
	const char *why = automail_reason(m, p->sender, l, AUTOMAIL_POST);

	/* XXX Precedence: bulk counts as automatic although some people's
	 * clients set it; their posts need automatic_posts=hold. */
	if (why == NULL && from_own_bounces(c, l, p->sender))
		why = "it comes from this list's own bounce address";
	if (why == NULL)
		return 0;
	if (settings_get(c->db, l->id, "automatic_posts", action, e) < 0)
		return -1;
	verdict(s, strcmp(action, "hold") == 0 ? POLICY_HOLD :
	    POLICY_DISCARD, "%s", why);
	s->notify = 0;
	return 1;
}

/*
 * The post's identity: SHA-256 of its Message-ID, Subject and body, in
 * hex into out[65]; 0 if it has no Message-ID (then it is nobody's
 * duplicate).
 */
static int
digest(struct msg *m, char *out, struct err *e)
{
	char *id = msg_get(m, "Message-ID"), *subj = msg_get(m, "Subject");
	unsigned char h[CRYPTO_MAC_LEN];
	struct buf b;
	size_t i;
	int rc = 0;

	if (id != NULL) {
		buf_init(&b, DIGEST_MAX);
		rc = buf_add(&b, id, strlen(id) + 1) < 0 ||
		    buf_add(&b, subj != NULL ? subj : "", subj != NULL ?
		    strlen(subj) + 1 : 1) < 0 ? err_set(e, ERR_PERM,
		    "header too large") : msg_write_body(m, &b, e);
		if (rc == 0) {
			crypto_sha256(b.data, b.len, h);
			for (i = 0; i < sizeof(h); i++)
				snprintf(out + 2 * i, 3, "%02x", h[i]);
			rc = 1;
		}
		buf_free(&b);
	}
	free(id);
	free(subj);
	return rc;
}

/*
 * Records the post's digest and looks for another post of the list with
 * it, in one transaction: of two copies processed at once, the one that
 * commits second sees the first.
 */
static int
duplicate(struct ctx *c, const struct post *p, const char *hex,
    int64_t *other, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_begin(c->db, e) < 0)
		return -1;
	st = db_prepare(c->db, "UPDATE post SET digest = ? WHERE id = ?", e);
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, hex);
	db_bind_int(st, 2, p->id);
	if (db_run(st, e) < 0)
		goto fail;
	st = db_prepare(c->db, "SELECT id FROM post WHERE list_id = ? AND "
	    "digest = ? AND id <> ? AND received >= ? ORDER BY id LIMIT 1", e);
	if (st == NULL)
		goto fail;
	db_bind_int(st, 1, p->list_id);
	db_bind_text(st, 2, hex);
	db_bind_int(st, 3, p->id);
	db_bind_int(st, 4, p->received - DAY);
	if ((rc = db_step(st, e)) < 0)
		goto fail;
	if (rc == 1) {
		*other = db_col_int(st, 0);
		db_done(st);
	}
	if (db_commit(c->db, e) < 0)
		goto fail;
	return rc;
fail:
	db_rollback(c->db);
	return -1;
}

static int
seen(struct ctx *c, const struct post *p, struct msg *m,
    struct screening *s, struct err *e)
{
	char hex[2 * CRYPTO_MAC_LEN + 1];
	int64_t other = 0;
	int rc;

	if ((rc = digest(m, hex, e)) <= 0)
		return rc;
	if ((rc = duplicate(c, p, hex, &other, e)) <= 0)
		return rc;
	verdict(s, POLICY_DISCARD, "it is the same post as post %lld",
	    (long long)other);
	return 1;
}

static int
sender(struct ctx *c, const struct list *l, struct msg *m,
    struct screening *s, struct err *e)
{
	char posting[SETTING_MAX], action[SETTING_MAX];
	struct policy_sender ps;
	enum policy_verdict v;
	const char *why;
	char *from = msg_get_address(m, "From");
	struct err ae;
	int rc;

	str_copy(s->poster, sizeof(s->poster), "");
	if (from != NULL && addr_check(from, &ae) == 0)
		str_copy(s->poster, sizeof(s->poster), from);
	free(from);
	rc = policy_sender(c, l, s->poster[0] != '\0' ? s->poster : NULL,
	    &ps, e);
	if (rc < 0 || settings_get(c->db, l->id, "posting", posting, e) < 0 ||
	    settings_get(c->db, l->id, "nonmember_action", action, e) < 0)
		return -1;
	s->notify = ps.known && !ps.list_address;
	v = policy_decide(posting, action, &ps, &why);
	verdict(s, v, "%s", why);
	return s->verdict != POLICY_ACCEPT;
}

static int
too_large(struct ctx *c, const struct list *l, size_t size,
    struct screening *s, struct err *e)
{
	int64_t max;

	if (settings_get_int(c->db, l->id, "max_post_size", &max, e) < 0)
		return -1;
	if (max == 0 || (int64_t)size <= max)
		return 0;
	verdict(s, POLICY_HOLD, "it is larger (%zu octets) than the list "
	    "takes (%lld)", size, (long long)max);
	return 1;
}

static int
too_many(struct ctx *c, const struct list *l, struct msg *m,
    struct screening *s, struct err *e)
{
	size_t n = msg_count_mailboxes(m, "To") + msg_count_mailboxes(m, "Cc");
	int64_t max;

	if (settings_get_int(c->db, l->id, "max_recipients", &max, e) < 0)
		return -1;
	if (max == 0 || (int64_t)n <= max)
		return 0;
	verdict(s, POLICY_HOLD, "it is addressed to %zu people in To and Cc, "
	    "more than the list takes (%lld)", n, (long long)max);
	return 1;
}

static int
content(struct ctx *c, const struct list *l, struct msg *m,
    struct screening *s, struct err *e)
{
	char allow[SETTING_MAX], forbid[SETTING_MAX], *t, *exe = NULL;
	int hold_exe, rc = 0;

	if (settings_get(c->db, l->id, "mime_allow", allow, e) < 0 ||
	    settings_get(c->db, l->id, "mime_forbid", forbid, e) < 0 ||
	    settings_get_bool(c->db, l->id, "hold_executables", &hold_exe,
	    e) < 0)
		return -1;
	t = msg_top_type(m);
	if (strncmp(t, "multipart/", 10) != 0 && (msg_type_matches(t,
	    forbid) || (allow[0] != '\0' && !msg_type_matches(t, allow)))) {
		verdict(s, POLICY_HOLD, "its content type %s is not taken "
		    "by the list", t);
		rc = 1;
	} else if (hold_exe && (exe = msg_find_executable(m)) != NULL) {
		verdict(s, POLICY_HOLD, "it has an attachment that is a "
		    "program (%s)", exe);
		rc = 1;
	}
	free(exe);
	free(t);
	return rc;
}

int
screen_post(struct ctx *c, const struct list *l, const struct post *p,
    struct msg *m, size_t size, struct screening *out, struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	verdict(out, POLICY_ACCEPT, "accepted");
	if ((rc = automatic(c, l, p, m, out, e)) != 0 ||
	    (rc = seen(c, p, m, out, e)) != 0 ||
	    (rc = sender(c, l, m, out, e)) != 0 ||
	    (rc = too_large(c, l, size, out, e)) != 0 ||
	    (rc = too_many(c, l, m, out, e)) != 0 ||
	    (rc = content(c, l, m, out, e)) != 0)
		return rc < 0 ? -1 : 0;
	return 0;
}
