/*
 * subscribe.c: joining and leaving a list, with the address's consent.
 */
#include <string.h>
#include <time.h>

#include "notice.h"
#include "outmail.h"
#include "settings.h"
#include "staff.h"
#include "subscribe.h"
#include "util.h"

const char *
subscribe_outcome_name(enum subscribe_outcome o)
{
	static const char *const names[] = {
		[SUB_ASKED] = "confirmation requested",
		[SUB_LIMITED] = "not asked again within a day",
		[SUB_JOINED] = "subscribed",
		[SUB_WAS_MEMBER] = "was subscribed already",
		[SUB_LEFT] = "unsubscribed",
		[SUB_WAS_NOT_MEMBER] = "was not subscribed",
	};

	return names[o];
}

/* "72 hours", "3 days": how long a request stays valid, for people. */
static void
human_duration(int64_t s, char *out, size_t size)
{
	const char *unit = "second";
	int64_t n = s;

	if (s >= 2 * 86400 && s % 86400 == 0) {
		n = s / 86400;
		unit = "day";
	} else if (s >= 3600 && s % 3600 == 0) {
		n = s / 3600;
		unit = "hour";
	} else if (s >= 60 && s % 60 == 0) {
		n = s / 60;
		unit = "minute";
	}
	str_fmt(out, size, "%lld %s%s", (long long)n, unit, n == 1 ? "" : "s");
}

static void
mail_date(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static const char *
ask_template(const struct subscribe_req *r)
{
	if (r->origin == PENDING_BY_INVITE)
		return "invite";
	return r->action == PENDING_SUBSCRIBE ? "confirm-subscribe" :
	    "confirm-unsubscribe";
}

/*
 * Whether the mailbox of address had a confirmation request lately.
 * XXX Joining and leaving share the count: who joined today cannot be
 * asked to confirm leaving today, and must use the link in list mail.
 */
static int
limited(struct ctx *c, const struct subscribe_req *r, int *yes,
    struct err *e)
{
	int64_t n;

	if (outmail_count(c, r->list->id, "confirm", r->address,
	    now_s() - SUBSCRIBE_WINDOW, &n, e) < 0)
		return -1;
	*yes = n > 0;
	return 0;
}

static int
send_request(struct ctx *c, const struct subscribe_req *r,
    const char *token, const struct pending *p, struct err *e)
{
	char confirm[ADDR_MAX + 1], life[64], expires[64];
	struct template_var vars[5];
	struct notice n = { 0 };

	list_address(r->list, ROLE_CONFIRM, c->conf->delimiter, token,
	    confirm, sizeof(confirm));
	human_duration(p->expires - p->created, life, sizeof(life));
	mail_date(p->expires, expires, sizeof(expires));
	vars[0] = (struct template_var){ "address", r->address };
	vars[1] = (struct template_var){ "token", token };
	vars[2] = (struct template_var){ "confirm_address", confirm };
	vars[3] = (struct template_var){ "lifetime", life };
	vars[4] = (struct template_var){ "expires", expires };
	n.list = r->list;
	n.kind = "confirm";
	n.tmpl = ask_template(r);
	n.vars = vars;
	n.nvars = 5;
	n.to = r->address;
	/* A plain "Reply" must reach NAME-confirm+TOKEN@, whether the
	 * mail program answers the Reply-To or the From. */
	n.from = ROLE_CONFIRM;
	n.from_arg = token;
	n.reply_role = ROLE_CONFIRM;
	n.reply_arg = token;
	n.in_reply_to = r->in_reply_to;
	n.answer = r->origin == PENDING_BY_MAIL;
	return notice_send(c, &n, e);
}

int
subscribe_ask(struct ctx *c, const struct subscribe_req *r,
    enum subscribe_outcome *out, struct err *e)
{
	char token[TOKEN_RANDOM_LEN + 1];
	struct pending p = { 0 };
	int64_t lifetime;
	int lim;

	/* Expired requests go here, where new ones come from. */
	if (addr_check(r->address, e) < 0 || pending_expire(c->db, e) < 0 ||
	    limited(c, r, &lim, e) < 0)
		return -1;
	if (lim) {
		*out = SUB_LIMITED;
		return 0;
	}
	if (settings_get_int(c->db, r->list->id, "confirm_lifetime",
	    &lifetime, e) < 0)
		return -1;
	p.list_id = r->list->id;
	p.action = r->action;
	p.origin = r->origin;
	str_copy(p.address, sizeof(p.address), r->address);
	if (r->name != NULL && member_check(r->address, r->name, e) == 0)
		str_copy(p.name, sizeof(p.name), r->name);
	if (pending_create(c->db, &p, lifetime, token, e) < 0 ||
	    send_request(c, r, token, &p, e) < 0)
		return -1;
	*out = SUB_ASKED;
	return 0;
}

/* Welcome or goodbye to the address concerned, if the list wants it. */
static int
tell_member(struct ctx *c, const struct list *l, const char *address,
    int joined, int answer, struct err *e)
{
	struct template_var var = { "address", address };
	struct notice n = { 0 };
	int want;

	if (settings_get_bool(c->db, l->id, joined ? "send_welcome" :
	    "send_goodbye", &want, e) < 0)
		return -1;
	if (!want)
		return 0;
	n.list = l;
	n.kind = joined ? "welcome" : "goodbye";
	n.tmpl = n.kind;
	n.vars = &var;
	n.nvars = 1;
	n.to = address;
	n.from = ROLE_REQUEST;
	n.answer = answer;
	return notice_send(c, &n, e);
}

struct owner_notice {
	struct ctx *c;
	struct notice n;
	struct err *e;
};

static int
one_owner(const char *address, void *arg)
{
	struct owner_notice *o = arg;

	o->n.to = address;
	return notice_send(o->c, &o->n, o->e);
}

static int
tell_owners(struct ctx *c, const struct list *l, const char *address,
    int joined, const char *how, struct err *e)
{
	struct template_var vars[2] = {
		{ "address", address }, { "how", how },
	};
	struct owner_notice o = { .c = c, .e = e };
	int want;

	if (settings_get_bool(c->db, l->id, "notify_owners", &want, e) < 0)
		return -1;
	if (!want)
		return 0;
	o.n.list = l;
	o.n.kind = "owner-notice";
	o.n.tmpl = joined ? "owner-joined" : "owner-left";
	o.n.vars = vars;
	o.n.nvars = 2;
	o.n.from = ROLE_REQUEST;
	return staff_foreach(c->db, l->id, STAFF_OWNER, one_owner, &o, e);
}

static int
delete_member(struct db *db, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM member WHERE id = ?",
	    e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return db_run(st, e);
}

int
subscribe_remove(struct ctx *c, const struct list *l, const struct member *m,
    const char *how, int farewell, int answer, struct err *e)
{
	if (delete_member(c->db, m->id, e) < 0 ||
	    tell_owners(c, l, m->address, 0, how, e) < 0)
		return -1;
	return farewell ? tell_member(c, l, m->address, 0, answer, e) : 0;
}

static int
confirm_join(struct ctx *c, const struct list *l, const struct pending *p,
    int answer, enum subscribe_outcome *out, struct err *e)
{
	const char *how = p->origin == PENDING_BY_INVITE ?
	    "accepted an invitation" : "confirmed by mail";

	*out = SUB_JOINED;
	if (member_add(c->db, l->id, p->address, p->name[0] != '\0' ?
	    p->name : NULL, MODE_NORMAL, NULL, e) < 0) {
		if (e->cls != ERR_EXISTS)
			return -1;
		*out = SUB_WAS_MEMBER;
	} else if (tell_owners(c, l, p->address, 1, how, e) < 0)
		return -1;
	/* The same answer either way: being told "you were a member
	 * already" would tell whoever forwarded the request. */
	return tell_member(c, l, p->address, 1, answer, e);
}

static int
confirm_leave(struct ctx *c, const struct list *l, const struct pending *p,
    int answer, enum subscribe_outcome *out, struct err *e)
{
	struct member m;

	if (member_get(c->db, l->id, p->address, &m, e) < 0) {
		if (e->cls != ERR_NOTFOUND)
			return -1;
		*out = SUB_WAS_NOT_MEMBER;
		return tell_member(c, l, p->address, 0, answer, e);
	}
	*out = SUB_LEFT;
	return subscribe_remove(c, l, &m, "confirmed by mail", 1, answer, e);
}

int
subscribe_confirm(struct ctx *c, const struct list *l, const char *token,
    int answer, struct pending *p, enum subscribe_outcome *out,
    struct err *e)
{
	if (pending_take(c->db, l->id, token, p, e) < 0)
		return -1;
	if (p->action == PENDING_SUBSCRIBE)
		return confirm_join(c, l, p, answer, out, e);
	return confirm_leave(c, l, p, answer, out, e);
}
