/*
 * bounce.h: reading delivery reports.  Given a message that came back to
 * a list's bounce address, says what it is (a failure, a delay, an
 * auto-reply, a complaint, ...) and, for a failure, which recipients
 * failed, how (hard or soft) and why.
 *
 * The recipients are read from the structure of the report: the RFC 3464
 * delivery-status fields when there are any, else the part of the text
 * that lists the failed addresses ("<addr>: reason", an address on a line
 * of its own under "the following addresses failed", an SMTP transcript's
 * RCPT TO).  Addresses of the returned original message (its From, To,
 * Received, ...) are never taken: message/rfc822 and text/rfc822-headers
 * parts are skipped, and so is a copy of the message quoted in the text.
 *
 * The whole input is untrusted.  Work is bounded: at most
 * BOUNCE_INPUT_MAX octets of a message are parsed, at most
 * BOUNCE_TEXT_MAX decoded octets of each part are read, at most
 * BOUNCE_PARTS_MAX parts are visited, and at most BOUNCE_RCPT_MAX
 * recipients are reported.
 */
#ifndef HERALD_BOUNCE_H
#define HERALD_BOUNCE_H

#include <stddef.h>

#include "addr.h"
#include "err.h"

#define BOUNCE_RCPT_MAX 32
#define BOUNCE_INPUT_MAX (1024 * 1024)
#define BOUNCE_TEXT_MAX (64 * 1024)
#define BOUNCE_PARTS_MAX 64
#define BOUNCE_STATUS_MAX 16
#define BOUNCE_DIAG_MAX 256

/* What a failure means for the recipient's subscription. */
enum bounce_kind {
	BOUNCE_NONE,	/* not a failure: delivered, delayed, a reply */
	BOUNCE_SOFT,	/* temporary (4.x.x, 4xx): may work later */
	BOUNCE_HARD	/* permanent (5.x.x, 5xx) */
};

/* What the message as a whole is. */
enum bounce_class {
	BOUNCE_CLASS_OTHER,	/* nothing a list manager acts on */
	BOUNCE_CLASS_FAILURE,	/* a non-delivery report */
	BOUNCE_CLASS_DELAY,	/* delivery delayed, still being tried */
	BOUNCE_CLASS_SUCCESS,	/* delivered, relayed or expanded */
	BOUNCE_CLASS_AUTOREPLY,	/* vacation notice, auto-responder */
	BOUNCE_CLASS_CHALLENGE,	/* "prove you are human" before delivery */
	BOUNCE_CLASS_COMPLAINT	/* ARF (RFC 5965) abuse or spam report */
};

/*
 * Why a recipient failed.  BOUNCE_REASON_POLICY is the sending side's
 * fault (DMARC, SPF, spam content, a blocklisted sender, a rate limit,
 * 5.7.x): Herald records it as an incident of the list, not against the
 * member.  The others are the member's (or the member's provider's).
 */
enum bounce_reason {
	BOUNCE_REASON_NONE,		/* not a failure */
	BOUNCE_REASON_USER_UNKNOWN,	/* no such mailbox */
	BOUNCE_REASON_DISABLED,		/* mailbox exists but is closed */
	BOUNCE_REASON_MAILBOX_FULL,	/* over quota */
	BOUNCE_REASON_HOST_UNKNOWN,	/* no such domain, no MX */
	BOUNCE_REASON_EXPIRED,		/* gave up after retrying */
	BOUNCE_REASON_NETWORK,		/* connection or remote system */
	BOUNCE_REASON_TOO_BIG,		/* the message is too large */
	BOUNCE_REASON_POLICY,		/* refused for the sender's sake */
	BOUNCE_REASON_OTHER		/* a failure of no known cause */
};

struct bounce_rcpt {
	char addr[ADDR_MAX + 1];	/* lower-cased addr-spec */
	enum bounce_kind kind;
	enum bounce_reason reason;
	char status[BOUNCE_STATUS_MAX];	/* "5.1.1" or "550"; may be "" */
	char diag[BOUNCE_DIAG_MAX];	/* diagnostic text, printable UTF-8 */
};

struct bounce_report {
	enum bounce_class cls;
	enum bounce_kind kind;	/* the most severe kind of the recipients */
	size_t n;		/* recipients in rcpt[] */
	/*
	 * For a failure, the recipients the report names, failed or not
	 * (a report may list delayed ones beside failed ones: their kind
	 * is BOUNCE_NONE).  For a complaint, the complaining recipient
	 * when the report names one, with kind BOUNCE_NONE.  Empty for
	 * the other classes.
	 */
	struct bounce_rcpt rcpt[BOUNCE_RCPT_MAX];
};

/*
 * Reads the report in data[0..len) (borrowed; only its first
 * BOUNCE_INPUT_MAX octets are looked at) into *out.  Fails (ERR_PERM)
 * only on input that is no message at all, such as an empty one;
 * anything else, however malformed, gives a report, of class
 * BOUNCE_CLASS_OTHER if nothing could be made of it.  msg_init() must
 * have been called.
 */
int bounce_parse(const void *data, size_t len, struct bounce_report *out,
    struct err *e);

/* "hard", "soft", "none". */
const char *bounce_kind_name(enum bounce_kind kind);

/* "user_unknown", "mailbox_full", "policy", ... ("none", "other"). */
const char *bounce_reason_name(enum bounce_reason reason);

/* "failure", "delay", "success", "autoreply", ... */
const char *bounce_class_name(enum bounce_class cls);

#endif
