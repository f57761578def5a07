/*
 * bounce_signal.h: what the wording of a message says it is: a failure,
 * a delay warning, an auto-reply, a challenge, a complaint.  Used where
 * a report carries no machine-readable fields (RFC 3464, RFC 5965) to
 * tell its class.
 */
#ifndef HERALD_BOUNCE_SIGNAL_H
#define HERALD_BOUNCE_SIGNAL_H

#include <stddef.h>

struct bounce_signals {
	int failure;	/* "could not be delivered", "user unknown", ... */
	int permanent;	/* "permanent error", "giving up", ... */
	int delay;	/* "delayed", "will retry", ... */
	int delay_only;	/* "warning message only", "not yet delivered" */
	int autoreply;	/* "out of office", "automatic reply", ... */
	int challenge;	/* "verify that you are human", ... */
	int complaint;	/* "complaint about message", "abuse report" */
	int status;	/* a 4xx/5xx or 4.x.x/5.x.x code */
};

/* Adds to *sig what the report text[0..len) says. */
void bounce_signal_text(const char *text, size_t len,
    struct bounce_signals *sig);

/* Adds to *sig what a Subject says (decoded, UTF-8). */
void bounce_signal_subject(const char *subject, struct bounce_signals *sig);

/*
 * Nonzero if a From field (decoded) names a mail system rather than a
 * person: MAILER-DAEMON, postmaster, "Mail Delivery System".
 */
int bounce_signal_daemon(const char *from);

#endif
