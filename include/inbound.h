/*
 * inbound.h: mail to a list's service addresses (NAME-request@, -join@,
 * -leave@, -confirm@, -owner@, -bounces@).
 *
 * Like a post, such mail is first stored durably (spool file and a
 * record), so that receive can tell the MTA it is taken; then its
 * handler runs, in one transaction with the record's "done", so that a
 * crash in between runs it again rather than never.  The handlers live in
 * their own modules; the table in inbound.c says which role goes where.
 */
#ifndef HERALD_INBOUND_H
#define HERALD_INBOUND_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "list.h"
#include "msg.h"

#define INBOUND_RESULT_MAX 256

/* What a handler gets: one message to one service address. */
struct inbound {
	struct ctx *c;
	int64_t id;
	const struct list *list;
	enum list_role role;
	const char *arg;		/* after the delimiter; may be "" */
	const char *sender;		/* envelope sender; "" for <> */
	struct msg *m;			/* the parsed message */
	const char *raw;		/* the message as received */
	size_t raw_len;
	char result[INBOUND_RESULT_MAX];	/* what was done, recorded */
};

/*
 * A handler: runs inside the transaction that marks the mail done.  It
 * fills in->result.  ERR_TEMP undoes everything and the mail waits for
 * another try; any other error is recorded as the result.
 */
typedef int (*inbound_handler)(struct inbound *in, struct err *e);

/* Stores mail for list l's role address; *id receives its id. */
int inbound_store(struct ctx *c, const struct list *l, enum list_role role,
    const char *arg, const char *sender, const void *data, size_t len,
    int64_t *id, struct err *e);

/* Runs the handler of one stored message, if it has not run yet. */
int inbound_process(struct ctx *c, int64_t id, struct err *e);

/* Runs the handlers of every message still waiting. */
int inbound_process_all(struct ctx *c, struct err *e);

#endif
