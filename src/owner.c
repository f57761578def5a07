/*
 * owner.c: mail to NAME-owner@ goes to the owners.
 */
#include "listmail.h"
#include "log.h"
#include "outmail.h"
#include "owner.h"
#include "staff.h"
#include "util.h"

struct pass_on {
	struct inbound *in;
	const struct buf *text;
	char sender[ADDR_MAX + 1];
	int n;
	struct err *e;
};

static int
one_owner(const char *address, void *arg)
{
	struct pass_on *p = arg;

	if (outmail_queue(p->in->c, p->in->list->id, "owner", address,
	    p->sender, p->text->data, p->text->len, p->e) < 0)
		return -1;
	p->n++;
	return 0;
}

int
owner_handle(struct inbound *in, struct err *e)
{
	struct pass_on p = { .in = in, .e = e };
	const char *why;
	struct buf text;
	int rc;

	/* Mail that came from this list (a notice bounced back, say)
	 * would circle between the owners and the list. */
	if ((why = listmail_loop_reason(in->m, in->list)) != NULL) {
		str_fmt(in->result, sizeof(in->result), "not passed on: %s",
		    why);
		return 0;
	}
	/* Bounces of what the owners receive come back to the list. */
	list_address(in->list, ROLE_BOUNCES, "", NULL, p.sender,
	    sizeof(p.sender));
	msg_remove(in->m, "Return-Path");
	buf_init(&text, in->raw_len * 2 + 65536);
	p.text = &text;
	rc = msg_write(in->m, &text, e);
	if (rc == 0)
		rc = staff_foreach(in->c->db, in->list->id, STAFF_OWNER,
		    one_owner, &p, e);
	buf_free(&text);
	if (rc < 0)
		return -1;
	if (p.n == 0) {
		log_warning("%s@%s has no owner: mail to its owner address "
		    "stays in the spool", in->list->name, in->list->domain);
		str_copy(in->result, sizeof(in->result), "kept: the list has "
		    "no owner");
	} else
		str_fmt(in->result, sizeof(in->result), "passed on to %d "
		    "owner%s", p.n, p.n == 1 ? "" : "s");
	return 0;
}
