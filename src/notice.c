/*
 * notice.c: the messages Herald writes to one person.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto.h"
#include "msg.h"
#include "notice.h"
#include "outmail.h"
#include "util.h"

#define NOTICE_MAX (8 * 1024 * 1024)

static int
message_id(const struct list *l, char *out, size_t size, struct err *e)
{
	unsigned char r[12];
	char hex[sizeof(r) * 2 + 1];
	size_t i;

	if (crypto_random(r, sizeof(r), e) < 0)
		return -1;
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return str_fmt(out, size, "<herald.%s@%s>", hex, l->domain) < 0 ?
	    err_set(e, ERR_INTERNAL, "message id too long") : 0;
}

int
notice_send(struct ctx *c, const struct notice *n, struct err *e)
{
	char from[ADDR_MAX + 1], reply[ADDR_MAX + 1], loop[ADDR_MAX + 1];
	char id[ADDR_MAX + 64], *from_name;
	struct buf subject, body, out;
	struct msg_compose mc;
	int rc = -1;

	buf_init(&subject, 4096);
	buf_init(&body, TEMPLATE_MAX * 4);
	buf_init(&out, NOTICE_MAX);
	from_name = xasprintf("%s mailing list", n->list->name);
	if (list_address(n->list, n->from, c->conf->delimiter, n->from_arg,
	    from, sizeof(from)) < 0) {
		err_set(e, ERR_INTERNAL, "from address too long");
		goto out;
	}
	list_address(n->list, ROLE_POST, "", NULL, loop, sizeof(loop));
	if (n->reply_arg != NULL && list_address(n->list, n->reply_role,
	    c->conf->delimiter, n->reply_arg, reply, sizeof(reply)) < 0) {
		err_set(e, ERR_INTERNAL, "reply address too long");
		goto out;
	}
	if (message_id(n->list, id, sizeof(id), e) < 0 ||
	    template_render(c->db, n->list, c->conf->delimiter, n->tmpl,
	    n->vars, n->nvars, &subject, &body, e) < 0)
		goto out;
	mc = (struct msg_compose){
		.from_name = from_name, .from = from, .to = n->to,
		.reply_to = n->reply_arg != NULL ? reply : NULL,
		.subject = subject.data, .body = body.data, .message_id = id,
		.in_reply_to = n->in_reply_to,
		.auto_submitted = n->answer ? "auto-replied" : "auto-generated",
		.loop = loop, .date = now_s(), .attach = n->attach,
		.attach_len = n->attach_len,
	};
	if (msg_compose(&mc, &out, e) == 0)
		rc = outmail_queue(c, n->list->id, n->kind, n->to, "",
		    out.data, out.len, e);
out:
	free(from_name);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&out);
	return rc;
}
