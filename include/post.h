/*
 * post.h: posts, from the moment the MTA hands one over until every copy
 * has gone out.
 *
 * Storing is the commit point of receive: the message is written to the
 * spool and fsync'd, then one transaction records it.  Until that commit
 * the MTA still owns the message; after it, Herald does.  A crash between
 * the two leaves an unreferenced spool file, which post_sweep() removes; a
 * half-recorded post cannot exist.
 *
 * Processing screens a stored post (state new, screen.h) and turns it
 * into list mail and one delivery row per member who gets mail (state
 * sending), or holds it for a moderator (state held, moderate.h), or
 * discards it with a reason.  A post a moderator approved is new again
 * and goes through without being screened a second time.  Processing
 * may run in receive or later in deliver; running it twice is harmless.
 */
#ifndef HERALD_POST_H
#define HERALD_POST_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "list.h"
#include "listmail.h"
#include "msg.h"

#define SPOOL_NAME_MAX 64

struct post {
	int64_t id;
	int64_t list_id;
	int64_t received;
	char sender[ADDR_MAX + 1];
	char spool[SPOOL_NAME_MAX];
	char state[16];
	int64_t total, delivered, failed;
	int64_t split;
	int64_t attempts;
	int64_t next_try;
	int64_t started;	/* when it was accepted for delivery */
	int personal;		/* each copy rendered for its member */
};

/* Creates the spool's directories if they are missing. */
int post_spool_init(const struct conf *c, struct err *e);

/* The path of a spool file: dir is "in", "out" or "tmp". */
int post_spool_path(const struct conf *c, const char *dir, const char *name,
    char *out, size_t size);

/*
 * Writes a received message durably into the spool's "in" directory
 * under a new unique name (written to name[SPOOL_NAME_MAX]).
 */
int post_spool_store(struct ctx *c, const void *data, size_t len,
    char *name, struct err *e);

/* Stores a received post durably; *id receives its id. */
int post_store(struct ctx *c, const struct list *l, const char *sender,
    const void *data, size_t len, int64_t *id, struct err *e);

int post_get(struct ctx *c, int64_t id, struct post *out, struct err *e);

/*
 * Renders post m into list mail for list l as processing does (m is
 * changed); seed makes a Message-ID if the post has none.
 */
int post_render(struct ctx *c, const struct list *l, struct msg *m,
    int64_t received, const char *seed, struct listmail *lm, struct err *e);

/* Processes one post in state new; a post in another state is left. */
int post_process(struct ctx *c, int64_t id, struct err *e);

/*
 * Processes every post in state new.  A post that fails for good is
 * discarded with the reason; a temporary failure stops the run.
 */
int post_process_all(struct ctx *c, struct err *e);

/* Marks a post done and removes its list mail file. */
int post_finish(struct ctx *c, const struct post *p, struct err *e);

/* Removes spool files no post refers to, older than max_age seconds. */
int post_sweep(struct ctx *c, int64_t max_age, struct err *e);

#endif
