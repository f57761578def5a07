/*
 * journal.h: the delivery engine's record of copies the relay accepted,
 * made durable with one write(2) before a connection takes more work.
 *
 * Committing each accepted copy to SQLite costs a transaction (locks,
 * several writes); the journal costs one append to a file in the spool,
 * which survives a crash of the process (the page cache outlives it).
 * Every few hundred copies, and when a post is done, the journal is
 * applied to the database in one transaction and emptied.  An engine that
 * starts finds what a crashed one left and applies it first.  Applying is
 * idempotent, so a crash between the commit and the emptying only makes
 * the next engine apply the same records again, to no effect.
 */
#ifndef HERALD_JOURNAL_H
#define HERALD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"

struct journal_rec {
	int64_t post_id;
	int64_t member_id;
};

struct journal;

/* Opens (creating) SPOOL/journal; the caller holds the delivery lock. */
int journal_open(const struct conf *c, struct journal **out, struct err *e);
void journal_close(struct journal *j);

/* Appends records with one write; fails on a short write or full disk. */
int journal_add(struct journal *j, const struct journal_rec *r, size_t n,
    struct err *e);

/*
 * Reads back every whole record (a torn last record, from a crash in the
 * middle of a write, is ignored) and calls fn with them in batches.
 */
int journal_read(struct journal *j,
    int (*fn)(const struct journal_rec *r, size_t n, void *arg), void *arg,
    struct err *e);

/* Empties the journal, once its records are in the database. */
int journal_clear(struct journal *j, struct err *e);

#endif
