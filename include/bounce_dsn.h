/*
 * bounce_dsn.h: RFC 3464 delivery-status fields.
 *
 * A message/delivery-status body is a group of per-message fields and
 * one group per recipient (Original-Recipient, Final-Recipient, Action,
 * Status, Diagnostic-Code ...), groups separated by blank lines.  Some
 * MTAs put the same fields into a text/plain part, or run the groups
 * together; the reader accepts both: a second Final-Recipient starts a
 * new group whether or not a blank line came first.
 */
#ifndef HERALD_BOUNCE_DSN_H
#define HERALD_BOUNCE_DSN_H

#include <stddef.h>

#include "bounce.h"

/* What the groups' Action fields said, counted. */
struct bounce_dsn_tally {
	size_t failed;		/* failed, or no action and a 4/5 status */
	size_t delayed;
	size_t delivered;	/* delivered, relayed, expanded */
};

/*
 * Reads the recipient groups of text[0..len) (borrowed) and adds one
 * recipient to out per group that names an address (the Final-Recipient
 * when it is a usable address, else the Original-Recipient), merging
 * repeats and stopping at BOUNCE_RCPT_MAX.  Counts the actions into *t.
 * Returns how many recipients it added.
 */
size_t bounce_dsn_read(const char *text, size_t len,
    struct bounce_report *out, struct bounce_dsn_tally *t);

/*
 * Adds a recipient to out unless it is there already (then the more
 * severe kind is kept) or out is full.  Returns 1 if added.
 */
int bounce_dsn_add(struct bounce_report *out, const struct bounce_rcpt *r);

/* Copies text[0..len) into diag[BOUNCE_DIAG_MAX]: one printable line. */
void bounce_dsn_set_diag(char *diag, const char *text, size_t len);

#endif
