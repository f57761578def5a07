/*
 * dmarc.h: does an author's domain ask receivers to refuse mail that
 * fails DMARC (RFC 7489)?
 *
 * A list that changes a post (prefix, footer) breaks the author's DKIM
 * signature, and its mail to members fails the author domain's DMARC
 * check; with p=reject or p=quarantine the members' providers refuse or
 * bin the copies.  Such posts need the From rewrite (listmail.h).
 *
 * The policy record is looked up at _dmarc.DOMAIN and, if there is none,
 * at the organizational domain (RFC 7489 section 6.6.3), where sp= (else
 * p=) applies.  Answers are cached in the database for their TTL, between
 * a minute and a day.  A lookup that gets no answer is not cached and
 * counts as "unknown": the caller should then rewrite, which costs the
 * author's name in From little and saves the copies.
 */
#ifndef HERALD_DMARC_H
#define HERALD_DMARC_H

#include "ctx.h"
#include "err.h"

enum dmarc_policy {
	DMARC_NONE,		/* no record, or p=none */
	DMARC_QUARANTINE,
	DMARC_REJECT,
	DMARC_UNKNOWN		/* the DNS did not answer */
};

/*
 * Reads a DMARC record: its p= (or sp= if subdomain and present).  -1 if
 * it is no DMARC record (RFC 7489 section 6.6.3: v=DMARC1 first).
 */
int dmarc_parse(const char *txt, int subdomain, enum dmarc_policy *out);

/* The policy for mail from domain, from the cache or the DNS. */
int dmarc_policy(struct ctx *c, const char *domain, enum dmarc_policy *out,
    struct err *e);

const char *dmarc_policy_name(enum dmarc_policy p);

#endif
