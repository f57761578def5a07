/*
 * bounce_notice.c: the notices of bounce processing.
 */
#include <string.h>
#include <time.h>

#include "bounce.h"
#include "bounce_notice.h"
#include "notice.h"
#include "staff.h"
#include "token.h"
#include "util.h"

#define DATE_MAX 32
#define NVARS 10

/* A reason in words, for people; the code stays in reason_code. */
static const char *
reason_words(const char *code)
{
	static const struct {
		const char *code, *words;
	} words[] = {
		{ "user_unknown", "the mailbox does not exist" },
		{ "disabled", "the mailbox has been closed or disabled" },
		{ "mailbox_full", "the mailbox is full" },
		{ "host_unknown", "the mail domain does not exist or takes "
		  "no mail" },
		{ "expired", "the mail could not be delivered for days" },
		{ "network", "the receiving mail server could not be "
		  "reached" },
		{ "too_big", "the message was too large for the mailbox" },
		{ "policy", "the receiving server refused the list's mail" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].code, code) == 0)
			return words[i].words;
	return "the receiving mail server refused it";
}

static void
date_text(int64_t at, char *out)
{
	time_t t = (time_t)at;
	struct tm tm;

	out[0] = '\0';
	if (at > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(out, DATE_MAX, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The texts the placeholders take; vars point into it. */
struct fill {
	char date[DATE_MAX], remove[DATE_MAX];
	char score[32], threshold[32];
	char enable[ADDR_MAX + 1];
	struct template_var vars[NVARS];
	size_t n;
};

static void
add_var(struct fill *f, const char *name, const char *value)
{
	f->vars[f->n].name = name;
	f->vars[f->n++].value = value;
}

static void
fill_vars(struct fill *f, const struct member *m,
    const struct bounce_evidence *ev)
{
	f->n = 0;
	date_text(ev->at, f->date);
	date_text(ev->remove_at, f->remove);
	str_fmt(f->score, sizeof(f->score), "%.1f", ev->score);
	str_fmt(f->threshold, sizeof(f->threshold), "%.1f", ev->threshold);
	add_var(f, "address", m->address);
	add_var(f, "reason", reason_words(ev->reason));
	add_var(f, "reason_code", ev->reason);
	add_var(f, "status", ev->status);
	add_var(f, "diagnostic", ev->diag);
	add_var(f, "date", f->date);
	add_var(f, "score", f->score);
	add_var(f, "threshold", f->threshold);
	add_var(f, "remove_date", f->remove);
}

int
bounce_notice_member(struct ctx *c, const struct list *l,
    const struct member *m, const char *tmpl,
    const struct bounce_evidence *ev, struct err *e)
{
	char token[TOKEN_LEN + 1];
	struct fill f;
	struct notice n = {
		.list = l, .kind = tmpl, .tmpl = tmpl, .to = m->address,
		.from = ROLE_OWNER,
	};

	fill_vars(&f, m, ev);
	if (strcmp(tmpl, "bounce-disabled") == 0) {
		if (ctx_secret(c, e) < 0)
			return -1;
		/* A token of its own purpose: one that came back in a DSN
		 * (TOKEN_BOUNCE) must never read as the member's answer. */
		token_make(c->secret, TOKEN_REENABLE, m->id, token);
		if (list_address(l, ROLE_BOUNCES, c->conf->delimiter, token,
		    f.enable, sizeof(f.enable)) < 0)
			return err_set(e, ERR_INTERNAL, "re-enable address "
			    "too long");
		add_var(&f, "enable_address", f.enable);
		n.reply_role = ROLE_BOUNCES;
		n.reply_arg = token;
	}
	n.vars = f.vars;
	n.nvars = f.n;
	return notice_send(c, &n, e);
}

struct to_owner {
	struct ctx *c;
	struct notice *n;
	int count;
	struct err *e;
};

static int
one_owner(const char *address, void *arg)
{
	struct to_owner *o = arg;

	o->n->to = address;
	if (notice_send(o->c, o->n, o->e) < 0)
		return -1;
	o->count++;
	return 0;
}

int
bounce_notice_owners(struct ctx *c, const struct list *l,
    const struct member *m, const char *tmpl,
    const struct bounce_evidence *ev, int *n, struct err *e)
{
	struct fill f;
	struct notice no = {
		.list = l, .kind = tmpl, .tmpl = tmpl, .from = ROLE_OWNER,
	};
	struct to_owner o = { .c = c, .n = &no, .e = e };

	fill_vars(&f, m, ev);
	no.vars = f.vars;
	no.nvars = f.n;
	*n = 0;
	if (staff_foreach(c->db, l->id, STAFF_OWNER, one_owner, &o, e) < 0)
		return -1;
	*n = o.count;
	return 0;
}
