/*
 * robot.c: the mail robot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automail.h"
#include "log.h"
#include "mailcmd.h"
#include "member.h"
#include "notice.h"
#include "outmail.h"
#include "robot.h"
#include "subscribe.h"
#include "unsub.h"
#include "util.h"

/* One message being handled. */
struct robot {
	struct inbound *in;
	char sender[ADDR_MAX + 1];	/* From, checked */
	char *name;			/* its display name; owned or NULL */
	char *msgid;			/* to answer; owned or NULL */
	struct buf result;
	int helped;
};

static void note(struct robot *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds a clause to the record of what was done ("; " between). */
static void
note(struct robot *r, const char *fmt, ...)
{
	char line[INBOUND_RESULT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->result.len > 0)
		buf_adds(&r->result, "; ");
	buf_adds(&r->result, line);
}

/* Outside text, escaped for the record (which is also logged). */
static const char *
esc(char *buf, const char *s)
{
	return log_esc(buf, LOG_ESC_MAX, s);
}

/*
 * An address in a list domain of ours (a list's own, or any other: Herald
 * gets all of that domain's mail) is never a subscriber or a sender.
 */
static int
in_list_domain(struct inbound *in, const char *addr, struct err *e)
{
	if (member_check_foreign(in->c->db, addr, e) == 0)
		return 0;
	return e->cls == ERR_PERM ? 1 : -1;
}

/* The sender's address (and name) from From; -1 with why if unusable. */
static int
find_sender(struct robot *r, struct err *e)
{
	char *from = msg_get(r->in->m, "From"), *addr = NULL;
	int rc;

	if (from != NULL && msg_parse_mailbox(from, &addr, &r->name, e) < 0)
		addr = msg_get_address(r->in->m, "From");
	free(from);
	if (addr == NULL)
		addr = xstrdup(r->in->sender);
	rc = str_copy(r->sender, sizeof(r->sender), addr);
	free(addr);
	if (rc < 0 || addr_check(r->sender, e) < 0)
		return err_set(e, ERR_PERM, "no usable sender address");
	if ((rc = in_list_domain(r->in, r->sender, e)) != 0)
		return rc < 0 ? -1 : err_set(e, ERR_PERM, "the sender is in "
		    "a list domain");
	return 0;
}

/* A Message-ID fit to be put into In-Reply-To, or NULL. */
static char *
answerable_id(struct msg *m)
{
	char *id = msg_get(m, "Message-ID");
	size_t len = id != NULL ? strlen(id) : 0;

	if (id != NULL && (len < 3 || len > 250 || id[0] != '<' ||
	    id[len - 1] != '>' || str_has_ctl(id) || strchr(id, ' '))) {
		free(id);
		id = NULL;
	}
	return id;
}

/*
 * Checks that the mail may be answered at all: 1 if the handler should go
 * on, 0 if it is to be ignored (result set), -1 on error.
 */
static int
begin(struct robot *r, struct err *e)
{
	const char *why = automail_reason(r->in->m, r->in->sender, r->in->list,
	    AUTOMAIL_COMMAND);
	struct err fe;

	if (why != NULL) {
		note(r, "ignored: %s", why);
		return 0;
	}
	if (find_sender(r, &fe) < 0) {
		if (fe.cls == ERR_TEMP || fe.cls == ERR_INTERNAL) {
			*e = fe;
			return -1;
		}
		note(r, "ignored: %s", fe.msg);
		return 0;
	}
	r->msgid = answerable_id(r->in->m);
	return 1;
}

/* An answer to the sender, within the daily limit: 1 sent, 0 not. */
static int
reply(struct robot *r, const char *tmpl, struct err *e)
{
	struct notice n = { 0 };
	int64_t count;

	if (outmail_count(r->in->c, r->in->list->id, "reply", r->sender,
	    now_s() - 86400, &count, e) < 0)
		return -1;
	if (count >= ROBOT_REPLIES)
		return 0;
	n.list = r->in->list;
	n.kind = "reply";
	n.tmpl = tmpl;
	n.to = r->sender;
	n.from = ROLE_REQUEST;
	n.in_reply_to = r->msgid;
	n.answer = 1;
	return notice_send(r->in->c, &n, e) < 0 ? -1 : 1;
}

static int
help(struct robot *r, struct err *e)
{
	int rc;

	if (r->helped++)
		return 0;
	if ((rc = reply(r, "help", e)) < 0)
		return -1;
	note(r, "help %s", rc ? "sent" : "not sent (daily limit)");
	return 0;
}

/* Asks target (the sender, or another address) to confirm. */
static int
ask(struct robot *r, enum pending_action action, const char *target,
    struct err *e)
{
	int self = str_casecmp(target, r->sender) == 0;
	struct subscribe_req q = {
		.list = r->in->list, .action = action,
		.origin = PENDING_BY_MAIL, .address = target,
		.name = self ? r->name : NULL,
		/* Threading only for the sender's own request. */
		.in_reply_to = self ? r->msgid : NULL,
	};
	enum subscribe_outcome out;
	char buf[LOG_ESC_MAX];
	struct err ae;
	int rc;

	if ((rc = in_list_domain(r->in, target, e)) != 0) {
		if (rc > 0)
			note(r, "%s %s: refused, in a list domain",
			    pending_action_name(action), esc(buf, target));
		return rc < 0 ? -1 : 0;
	}
	if (subscribe_ask(r->in->c, &q, &out, &ae) < 0) {
		if (ae.cls != ERR_PERM) {
			*e = ae;
			return -1;
		}
		note(r, "%s %s: refused, %s", pending_action_name(action),
		    esc(buf, target), ae.msg);
		return 0;
	}
	note(r, "%s %s: %s", pending_action_name(action), esc(buf, target),
	    subscribe_outcome_name(out));
	return 0;
}

static int
confirm(struct robot *r, const char *token, struct err *e)
{
	enum subscribe_outcome out;
	char buf[LOG_ESC_MAX];
	struct pending p;
	int rc;

	if (subscribe_confirm(r->in->c, r->in->list, token, 1, &p, &out,
	    e) == 0) {
		note(r, "confirm: %s %s", esc(buf, p.address),
		    subscribe_outcome_name(out));
		return 0;
	}
	if (e->cls != ERR_NOTFOUND)
		return -1;
	if ((rc = reply(r, "confirm-unknown", e)) < 0)
		return -1;
	note(r, "confirm: refused, %s%s", e->msg, rc ? "" :
	    " (not answered: daily limit)");
	return 0;
}

/* Does the mail answer one of Herald's own (notice.c's Message-IDs)? */
static int
names_our_id(const char *value, void *arg)
{
	const struct list *l = arg;
	char tail[ADDR_DOMAIN_MAX + 3];

	str_fmt(tail, sizeof(tail), "@%s>", l->domain);
	return strstr(value, "<herald.") != NULL &&
	    strstr(value, tail) != NULL;
}

static int
answers_us(struct robot *r)
{
	return msg_each(r->in->m, "In-Reply-To", names_our_id,
	    (void *)r->in->list) || msg_each(r->in->m, "References",
	    names_our_id, (void *)r->in->list);
}

static int
run_command(struct robot *r, const struct mailcmd *c, struct err *e)
{
	switch (c->verb) {
	case MAILCMD_SUBSCRIBE:
	case MAILCMD_UNSUBSCRIBE:
		return ask(r, c->verb == MAILCMD_SUBSCRIBE ? PENDING_SUBSCRIBE :
		    PENDING_UNSUBSCRIBE, c->arg[0] != '\0' ? c->arg :
		    r->sender, e);
	case MAILCMD_HELP:
		return help(r, e);
	case MAILCMD_CONFIRM:
		return confirm(r, c->arg, e);
	}
	return 0;
}

static int
commands(struct robot *r, struct err *e)
{
	struct mailcmd cmds[MAILCMD_MAX];
	char *subject = msg_get(r->in->m, "Subject");
	/* XXX Only a text/plain part is read: a message in HTML alone
	 * has only its Subject looked at, and gets the help text. */
	char *text = msg_text(r->in->m, ROBOT_TEXT_MAX);
	int i, n = mailcmd_parse(subject, text, cmds, MAILCMD_MAX);

	free(subject);
	free(text);
	/* "No command" answered to an answer of ours is how a responder
	 * that marks nothing would keep a conversation going. */
	if (n == 0 && answers_us(r)) {
		note(r, "no command; not answered (a reply to Herald's mail)");
		return 0;
	}
	if (n == 0) {
		note(r, "no command");
		return help(r, e);
	}
	for (i = 0; i < n; i++)
		if (run_command(r, &cmds[i], e) < 0)
			return -1;
	return 0;
}

/* Runs fn on the mail when it may be answered; fills the record. */
static int
handle(struct inbound *in, int (*fn)(struct robot *r, struct err *e),
    struct err *e)
{
	struct robot r = { .in = in };
	int rc;

	buf_init(&r.result, INBOUND_RESULT_MAX - 1);
	rc = begin(&r, e);
	if (rc > 0)
		rc = fn(&r, e);
	str_copy(in->result, sizeof(in->result), r.result.len > 0 ?
	    r.result.data : "nothing to do");
	buf_free(&r.result);
	free(r.name);
	free(r.msgid);
	return rc < 0 ? -1 : 0;
}

/*
 * XXX Subscribing always takes the address's confirmation and nothing
 * else: a list cannot be closed, nor have its owners approve members.
 */
static int
do_join(struct robot *r, struct err *e)
{
	return ask(r, PENDING_SUBSCRIBE, r->sender, e);
}

static int
do_leave(struct robot *r, struct err *e)
{
	return ask(r, PENDING_UNSUBSCRIBE, r->sender, e);
}

/*
 * XXX An auto-responder that marks its answers in no way and answers even
 * the null sender is taken for its owner: its reply confirms.  The loop
 * ends all the same, at the welcome (see commands()).
 */
static int
do_confirm(struct robot *r, struct err *e)
{
	return confirm(r, r->in->arg, e);
}

int
robot_request(struct inbound *in, struct err *e)
{
	return handle(in, commands, e);
}

int
robot_join(struct inbound *in, struct err *e)
{
	return handle(in, do_join, e);
}

/*
 * NAME-leave+TOKEN@: the token proves the mail comes from a recipient of
 * the member's copies, so it unsubscribes at once (RFC 8058 section 3.2's
 * mailto: form, which mailbox providers send for their users).
 */
static int
leave_by_token(struct inbound *in, struct err *e)
{
	const char *why = automail_reason(in->m, in->sender, in->list,
	    AUTOMAIL_COMMAND);
	char buf[LOG_ESC_MAX];
	struct member m;

	if (ctx_secret(in->c, e) < 0)
		return -1;
	err_clear(e);
	if (unsub_check(in->c, in->arg, &m, e) < 0 &&
	    e->cls != ERR_NOTFOUND)
		return -1;
	/* Another list's member: a token is good only at its own list. */
	if (e->cls == ERR_NOTFOUND || m.list_id != in->list->id) {
		/* XXX Not answered: the sender may be a mailbox provider's
		 * machine sending twice; a person with a stale link is not
		 * told to use NAME-leave@ instead. */
		str_copy(in->result, sizeof(in->result), "unsubscribe token "
		    "refused: unknown or revoked");
		return 0;
	}
	/* Automatic mail is acted on (the token says enough) but not
	 * answered. */
	if (subscribe_remove(in->c, in->list, &m, "unsubscribe address in "
	    "list mail", why == NULL, 1, e) < 0)
		return -1;
	str_fmt(in->result, sizeof(in->result), "unsubscribed %s by its "
	    "token%s", esc(buf, m.address), why != NULL ? " (automatic mail: "
	    "no farewell)" : "");
	return 0;
}

int
robot_leave(struct inbound *in, struct err *e)
{
	if (in->arg[0] != '\0')
		return leave_by_token(in, e);
	return handle(in, do_leave, e);
}

int
robot_confirm(struct inbound *in, struct err *e)
{
	if (in->arg[0] == '\0')
		return handle(in, commands, e);
	return handle(in, do_confirm, e);
}
