/*
 * outmail.h: mail Herald sends of its own accord, one message to one
 * address: confirmation requests, notices, owner mail passed on.
 *
 * Each is rendered once into the spool and recorded; the delivery engine
 * sends it as its own transaction, like a member's copy, and retries it
 * on the same schedule.  Records stay after sending, so that limits such
 * as "one confirmation request per mailbox a day" can be checked.
 */
#ifndef HERALD_OUTMAIL_H
#define HERALD_OUTMAIL_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"

/*
 * Queues data[0..len) (CRLF line ends) for rcpt with envelope sender
 * sender ("" for the null sender).  kind names what it is ("confirm",
 * "notice", "owner", ...).  Runs in the caller's transaction, if any: the
 * file is written first, the record last, so a rollback leaves only a
 * file, which the spool sweep removes.
 */
int outmail_queue(struct ctx *c, int64_t list_id, const char *kind,
    const char *rcpt, const char *sender, const void *data, size_t len,
    struct err *e);

/*
 * How many messages of kind went to the mailbox of rcpt (addr.h: case and
 * subaddress ignored) for a list since a time.
 */
int outmail_count(struct ctx *c, int64_t list_id, const char *kind,
    const char *rcpt, int64_t since, int64_t *n, struct err *e);

#endif
