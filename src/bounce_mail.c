/*
 * bounce_mail.c: mail to a list's bounce address.
 */
#include <stdlib.h>
#include <string.h>

#include "automail.h"
#include "bounce.h"
#include "bounce_mail.h"
#include "bounce_scan.h"
#include "bounce_state.h"
#include "member.h"
#include "token.h"
#include "util.h"

/* The member a token names, if it is of purpose p and of this list. */
static int
token_member(struct inbound *in, enum token_purpose p, struct member *m,
    struct err *e)
{
	int64_t id;

	if (in->arg[0] == '\0' ||
	    token_check(in->c->secret, p, in->arg, &id) < 0)
		return 0;
	if (member_get_id(in->c->db, id, m, e) < 0)
		return e->cls == ERR_NOTFOUND ? 0 : -1;
	return m->list_id == in->list->id;
}

/*
 * The recipient of a report that speaks for member m: the failed one
 * with m's address, else the most severe failed one; NULL if none failed.
 */
static const struct bounce_rcpt *
pick(const struct bounce_report *r, const struct member *m)
{
	char key[ADDR_MAX + 1], k[ADDR_MAX + 1];
	const struct bounce_rcpt *best = NULL;
	size_t i;

	addr_key(m->address, key);
	for (i = 0; i < r->n; i++) {
		if (r->rcpt[i].kind == BOUNCE_NONE)
			continue;
		addr_key(r->rcpt[i].addr, k);
		if (strcmp(k, key) == 0)
			return &r->rcpt[i];
		if (best == NULL || r->rcpt[i].kind > best->kind)
			best = &r->rcpt[i];
	}
	return best;
}

static void
fact_of(struct inbound *in, enum bounce_source src, int64_t member_id,
    enum bounce_class cls, const struct bounce_rcpt *x, struct bounce_fact *f)
{
	memset(f, 0, sizeof(*f));
	f->member_id = member_id;
	f->source = src;
	f->cls = cls;
	f->at = now_s();
	f->inbound_id = in->id;
	f->status = x != NULL ? x->status : "";
	f->diag = x != NULL ? x->diag : "";
	if (x != NULL) {
		f->kind = x->kind;
		f->reason = x->reason;
	}
}

/* A report at the member's own bounce address: it is about the member. */
static int
for_member(struct inbound *in, const struct member *m,
    const struct bounce_report *r, struct err *e)
{
	const struct bounce_rcpt *x = NULL;
	struct bounce_fact f;

	if (r->cls == BOUNCE_CLASS_FAILURE)
		x = pick(r, m);
	fact_of(in, BOUNCE_SRC_TOKEN, m->id, r->cls, x, &f);
	return bounce_state_record(in->c, &f, in->result, e);
}

/* Appends one outcome to the record of the mail, as far as it fits. */
static void
add_result(struct inbound *in, int n, const char *what)
{
	size_t len = strlen(in->result);

	if (n == 0)
		str_copy(in->result, sizeof(in->result), what);
	else if (len + 2 + strlen(what) < sizeof(in->result))
		str_fmt(in->result + len, sizeof(in->result) - len, "; %s",
		    what);
}

/*
 * Without a token: the failed recipients that are members, each once.
 * XXX Anyone can forge such a report; one increment a day and the
 * threshold make that slow, and the member's reply undoes it.
 */
static int
failures_by_address(struct inbound *in, const struct bounce_report *r,
    int *named, struct err *e)
{
	char what[BOUNCE_WHAT_MAX];
	int64_t done[BOUNCE_RCPT_MAX];
	struct bounce_fact f;
	struct member m;
	size_t i, j, n = 0;

	for (i = 0; i < r->n; i++) {
		if (r->rcpt[i].kind == BOUNCE_NONE)
			continue;
		if (member_get(in->c->db, in->list->id, r->rcpt[i].addr, &m,
		    e) < 0) {
			if (e->cls != ERR_NOTFOUND)
				return -1;
			continue;
		}
		for (j = 0; j < n && done[j] != m.id; j++)
			continue;
		if (j < n)
			continue;
		done[n++] = m.id;
		fact_of(in, BOUNCE_SRC_MATCH, m.id, r->cls, &r->rcpt[i], &f);
		if (bounce_state_record(in->c, &f, what, e) < 0)
			return -1;
		add_result(in, (int)n - 1, what);
	}
	if (n == 0)
		str_copy(in->result, sizeof(in->result), "a failure report "
		    "naming no member of the list: nothing to do");
	*named = n > 0;
	return 0;
}

/*
 * The one member of this list whose bounce token the text quotes, or 0:
 * none, or several different ones (then the text says nothing sure).
 */
static int64_t
quoted_token(struct inbound *in)
{
	char prefix[ADDR_MAX + 1], tok[TOKEN_LEN + 1], *cut;
	size_t len = in->raw_len < BOUNCE_INPUT_MAX ? in->raw_len :
	    BOUNCE_INPUT_MAX, plen;
	const char *p = in->raw, *end = in->raw + len;
	int64_t id, found = 0;

	/* "name-bounces+", lower case, as bounce_scan_find wants it. */
	if (list_address(in->list, ROLE_BOUNCES, in->c->conf->delimiter, "x",
	    prefix, sizeof(prefix)) < 0 || (cut = strchr(prefix, '@')) == NULL)
		return 0;
	cut[-1] = '\0';
	plen = strlen(prefix);
	while ((p = bounce_scan_find(p, (size_t)(end - p), prefix)) != NULL) {
		p += plen;
		if ((size_t)(end - p) <= TOKEN_LEN || p[TOKEN_LEN] != '@')
			continue;
		memcpy(tok, p, TOKEN_LEN);
		tok[TOKEN_LEN] = '\0';
		if (token_check(in->c->secret, TOKEN_BOUNCE, tok, &id) < 0)
			continue;
		if (found != 0 && found != id)
			return 0;
		found = id;
	}
	return found;
}

/*
 * A complaint without a token: who complained, by address or token.
 * XXX A complaint that names a member by address alone is believed, so a
 * forged one stops that member's mail; providers' reports do not always
 * quote the list copy, so the quoted token cannot be required yet.
 */
static int
complaint_by_report(struct inbound *in, const struct bounce_report *r,
    int *named, struct err *e)
{
	struct bounce_fact f;
	struct member m;
	int64_t id = 0;

	if (r->n > 0 && member_get(in->c->db, in->list->id, r->rcpt[0].addr,
	    &m, e) == 0)
		id = m.id;
	else if (r->n > 0 && e->cls != ERR_NOTFOUND)
		return -1;
	if (id == 0 && (id = quoted_token(in)) != 0) {
		if (member_get_id(in->c->db, id, &m, e) < 0)
			return e->cls == ERR_NOTFOUND ? 0 : -1;
		if (m.list_id != in->list->id)
			id = 0;
	}
	if (id == 0) {
		str_copy(in->result, sizeof(in->result), "a complaint naming "
		    "no member of the list: nothing to do");
		return 0;
	}
	*named = 1;
	fact_of(in, BOUNCE_SRC_MATCH, id, BOUNCE_CLASS_COMPLAINT, NULL, &f);
	return bounce_state_record(in->c, &f, in->result, e);
}

/* *named: whether the report was about a member of the list. */
static int
by_report(struct inbound *in, const struct bounce_report *r, int *named,
    struct err *e)
{
	*named = 0;
	if (r->cls == BOUNCE_CLASS_FAILURE)
		return failures_by_address(in, r, named, e);
	if (r->cls == BOUNCE_CLASS_COMPLAINT)
		return complaint_by_report(in, r, named, e);
	str_fmt(in->result, sizeof(in->result), "%s, no member named: "
	    "nothing to do", bounce_class_name(r->cls));
	return 0;
}

int
bounce_mail_handle(struct inbound *in, struct err *e)
{
	struct bounce_report *r;
	struct member m;
	struct err pe;
	int who, named, rc;

	if (ctx_secret(in->c, e) < 0)
		return -1;
	if ((who = token_member(in, TOKEN_REENABLE, &m, e)) < 0)
		return -1;
	if (who == 1)
		return bounce_state_reply(in->c, m.id, in->id,
		    automail_reason(in->m, in->sender, in->list,
		    AUTOMAIL_COMMAND), in->result, e);
	if ((who = token_member(in, TOKEN_BOUNCE, &m, e)) < 0)
		return -1;
	r = xcalloc(1, sizeof(*r));
	if (bounce_parse(in->raw, in->raw_len, r, &pe) < 0)
		r->cls = BOUNCE_CLASS_OTHER;
	rc = who == 1 ? for_member(in, &m, r, e) : by_report(in, r, &named,
	    e);
	free(r);
	return rc;
}

int
bounce_mail_owner(struct inbound *in, int *taken, struct err *e)
{
	struct bounce_report *r = xcalloc(1, sizeof(*r));
	struct err pe;
	int rc = 0;

	*taken = 0;
	if (bounce_parse(in->raw, in->raw_len, r, &pe) == 0 &&
	    (r->cls == BOUNCE_CLASS_FAILURE ||
	    r->cls == BOUNCE_CLASS_COMPLAINT)) {
		if ((rc = ctx_secret(in->c, e)) == 0)
			rc = by_report(in, r, taken, e);
		if (!*taken)
			in->result[0] = '\0';
	}
	free(r);
	return rc;
}
