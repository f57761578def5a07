/*
 * outbox.c: the maildir: transport, for trying Herald without an MTA.
 *
 * Each copy becomes one file in a maildir, with the envelope written on
 * top as a local delivery agent would: Return-Path (the envelope sender)
 * and Delivered-To (the one recipient).  Nothing leaves the machine.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "transport_impl.h"
#include "util.h"

struct outbox {
	char *dir;
	unsigned long seq;
	int done;			/* a result is waiting */
	struct tx_result result;
};

static int
outbox_free_slots(void *impl)
{
	struct outbox *o = impl;

	return o->done ? 0 : 1;
}

static int
outbox_busy(void *impl)
{
	struct outbox *o = impl;

	return o->done;
}

static int
outbox_slots(void *impl)
{
	(void)impl;
	return 1;
}

static int
outbox_submit(void *impl, const struct tx_job *job, struct err *e)
{
	struct outbox *o = impl;
	char path[PATH_MAX], tmp[PATH_MAX];
	struct buf b;
	struct err we;

	buf_init(&b, job->head_len + job->member_len + job->tail_len + 1024);
	if (buf_printf(&b, "Return-Path: <%s>\r\nDelivered-To: %s\r\n",
	    job->from, job->rcpt) < 0 ||
	    buf_add(&b, job->head, job->head_len) < 0 ||
	    buf_add(&b, job->member, job->member_len) < 0 ||
	    buf_add(&b, job->tail, job->tail_len) < 0) {
		buf_free(&b);
		return err_set(e, ERR_INTERNAL, "copy too large");
	}
	str_fmt(path, sizeof(path), "%s/new/%lld.%ld_%lu.herald",
	    o->dir, (long long)now_s(), (long)getpid(), ++o->seq);
	str_fmt(tmp, sizeof(tmp), "%s/tmp", o->dir);
	memset(&o->result, 0, sizeof(o->result));
	o->result.tag = job->tag;
	/* A member's copy and envelope: for Herald's user alone. */
	if (fs_write_atomic(path, tmp, b.data, b.len, 0600, &we) < 0) {
		o->result.status = TX_RELAY;
		str_copy(o->result.text, sizeof(o->result.text), we.msg);
	} else {
		o->result.status = TX_OK;
		o->result.code = 250;
		str_copy(o->result.text, sizeof(o->result.text),
		    "250 written to the outbox");
	}
	o->done = 1;
	buf_free(&b);
	return 0;
}

static int
outbox_collect(void *impl, struct tx_result *res, int max, int timeout_ms,
    struct err *e)
{
	struct outbox *o = impl;

	(void)timeout_ms;
	(void)e;
	if (!o->done || max < 1)
		return 0;
	res[0] = o->result;
	o->done = 0;
	return 1;
}

static void
outbox_close(void *impl)
{
	struct outbox *o = impl;

	if (o == NULL)
		return;
	free(o->dir);
	free(o);
}

static const struct transport_ops outbox_ops = {
	outbox_free_slots, outbox_busy, outbox_slots, outbox_submit,
	outbox_collect, outbox_close
};

int
outbox_open(const struct conf *c, const struct relay_conf *r, void **impl,
    const struct transport_ops **ops, struct err *e)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	struct outbox *o = xcalloc(1, sizeof(*o));
	char path[PATH_MAX];
	size_t i;

	(void)c;
	o->dir = xstrdup(r->url + strlen("maildir:"));
	for (i = 0; i < 3; i++) {
		str_fmt(path, sizeof(path), "%s/%s", o->dir, sub[i]);
		if (fs_mkdirs(path, 0700, e) < 0) {
			outbox_close(o);
			return -1;
		}
	}
	*impl = o;
	*ops = &outbox_ops;
	return 0;
}
