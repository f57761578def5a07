/*
 * transport.c: handing copies to the relay, one envelope per copy.
 */
#include <stdlib.h>
#include <string.h>

#include "transport_impl.h"
#include "util.h"

struct transport {
	void *impl;
	const struct transport_ops *ops;
};

int
transport_open(const struct conf *c, struct transport **out, struct err *e)
{
	const struct relay_conf *r = &c->relays[0];
	struct transport *t = xcalloc(1, sizeof(*t));
	int rc;

	if (strncmp(r->url, "maildir:", 8) == 0 && c->nrelays == 1)
		rc = outbox_open(c, r, &t->impl, &t->ops, e);
	else
		rc = smtp_open(c, &t->impl, &t->ops, e);
	if (rc < 0) {
		free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void
transport_close(struct transport *t)
{
	if (t == NULL)
		return;
	t->ops->close(t->impl);
	free(t);
}

int
transport_free(struct transport *t)
{
	return t->ops->free_slots(t->impl);
}

int
transport_busy(struct transport *t)
{
	return t->ops->busy(t->impl);
}

int
transport_slots(struct transport *t)
{
	return t->ops->slots(t->impl);
}

int
transport_check_envelope(const struct tx_job *job, struct err *e)
{
	struct err ae;

	/*
	 * One recipient, and a clean one: an address with a comma, a space
	 * or a line break in it could smuggle a second recipient into an
	 * SMTP command.
	 */
	if (job->rcpt == NULL || addr_check(job->rcpt, &ae) < 0 ||
	    strpbrk(job->rcpt, ",;<>") != NULL)
		return err_set(e, ERR_INTERNAL, "refusing an envelope without "
		    "exactly one valid recipient");
	if (job->from == NULL || (job->from[0] != '\0' &&
	    addr_check(job->from, &ae) < 0))
		return err_set(e, ERR_INTERNAL, "refusing an invalid envelope "
		    "sender");
	return 1;
}

int
transport_submit(struct transport *t, const struct tx_job *job,
    struct err *e)
{
	if (transport_check_envelope(job, e) != 1)
		return -1;
	if (job->member_len > TX_MEMBER_MAX)
		return err_set(e, ERR_INTERNAL, "member fields too long");
	if (t->ops->free_slots(t->impl) <= 0)
		return err_set(e, ERR_INTERNAL, "no relay can take a copy");
	return t->ops->submit(t->impl, job, e);
}

int
transport_collect(struct transport *t, struct tx_result *res, int max,
    int timeout_ms, struct err *e)
{
	return t->ops->collect(t->impl, res, max, timeout_ms, e);
}
