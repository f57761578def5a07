/*
 * bounce_reason.c: how and why a delivery failed.
 *
 * The enhanced status code (RFC 3463) is the most precise statement a
 * report makes, so it decides wherever its subject and detail say
 * something (5.1.1, 4.2.2).  A generic code (X.0.0), a bare SMTP reply
 * code or no code at all leaves the decision to the diagnostic's
 * wording, read against the phrase lists below.
 */
#include <string.h>

#include "bounce_reason.h"
#include "bounce_scan.h"

/* Wording of a failure the sender may expect to go away. */
static const char *const temporary_words[] = {
	"temporar", "try again later", "try later", "transient",
	"will be retried", "greylist", "graylist", "deferred",
	"resources are temporarily", "please retry",
	/* Exim giving up after temporary errors: the cause was temporary. */
	"retry timeout exceeded", "been failing for a long time", NULL
};

static const char *const full_words[] = {
	"mailbox full", "mailbox is full", "mailbox_full", "over quota",
	"overquota", "quota exceeded", "exceeded storage",
	"exceeds allowed size", "exceed the quota", "insufficient storage",
	"mailbox size limit", "out of storage", "full mailbox",
	"not enough space", "user is over", "disk quota", "account is full",
	"inbox is full", NULL
};

static const char *const unknown_words[] = {
	"user unknown", "unknown user", "no such user", "unknown recipient",
	"recipient unknown", "no such recipient", "not a valid recipient",
	"invalid recipient", "no such mailbox", "mailbox not found",
	"mailbox unavailable", "mailbox does not exist", "does not exist",
	"doesn't exist", "not exist", "user not found", "address not found",
	"recipient not found", "not recognized", "no mailbox",
	"invalid mailbox", "unknown mailbox", "no longer valid",
	"address rejected", "addressee unknown", "unknown address",
	"doesn't have a", "does not have a", "is not a known user",
	"bad destination mailbox", "unrouteable address",
	"no such address", "account does not exist", "unknown local part",
	"not listed in", "undeliverable address", "invalid address",
	"recipient rejected", "no such person", "name is not recognized",
	"user doesn't exist", "mailbox is unavailable", "not our customer",
	"has been deleted", NULL
};

static const char *const disabled_words[] = {
	"disabled", "deactivated", "discontinued", "suspended",
	"inactive", "not active", "account closed", "account has expired",
	"expired account", "locked", "mailbox is closed", "has been closed",
	"no longer active", "blocked account", "on hold", NULL
};

static const char *const host_words[] = {
	"host unknown", "unknown host", "host not found", "no such domain",
	"domain not found", "unknown domain", "domain does not exist",
	"no mx", "mx record", "name or service not known", "nxdomain",
	"host or domain name not found", "no route to host",
	"unrouteable mail domain", "domain name not found",
	"not a valid domain", "dns error", "domain is not", "bad domain",
	"invalid domain", "host does not exist", NULL
};

static const char *const expired_words[] = {
	"retry timeout exceeded", "retry time", "expired",
	"not delivered within", "too long in the queue", "delivery time",
	"could not be delivered for", "gave up", "giving up after",
	"maximum time", "queue too long", "delivery attempts failed",
	"timeout exceeded", "time limit", NULL
};

static const char *const big_words[] = {
	"too large", "too big", "size limit", "exceeds size",
	"message size", "maximum message size", "exceeds the maximum",
	"message length exceeds", NULL
};

/* The sending side's fault: its reputation, content or behaviour. */
static const char *const policy_words[] = {
	"spam", "blocked", "blacklist", "blocklist", "block list",
	"black list", "dnsbl", "rbl", "dmarc", "spf", "dkim", "reputation",
	"rate limit", "ratelimit", "too many", "policy", "not authorized",
	"unauthorized", "relay", "denied", "virus", "malware", "content",
	"junk", "reverse dns", "ptr record", "rdns", "authentication",
	"not allowed", "refused", "rejected by", "prohibited", "banned",
	"filtered", "filter", "phish", "bulk", "unsolicited", "abuse",
	"ip address", "your ip", "sender address rejected", "not permitted",
	"security", "header error", "dns", NULL
};

static const char *const network_words[] = {
	"connection", "timed out", "timeout", "network", "unreachable",
	"not responding", "did not respond", "refused to talk",
	"lost connection", "system error", "mailer error", "i/o error",
	"server error", "local error", "unavailable", "busy", NULL
};

int
bounce_reason_temporary(const char *text, size_t len)
{
	return bounce_scan_any(text, len, temporary_words);
}

enum bounce_kind
bounce_reason_kind(const char *status, const char *diag, size_t len)
{
	if (status != NULL && status[0] == '5')
		return BOUNCE_HARD;
	if (status != NULL && status[0] == '4')
		return BOUNCE_SOFT;
	if (status != NULL && status[0] == '2')
		return BOUNCE_NONE;
	if (diag != NULL && bounce_reason_temporary(diag, len))
		return BOUNCE_SOFT;
	return BOUNCE_HARD;
}

/* Subject and detail of an enhanced code, as in "1.1"; 0 if none. */
static int
subject_detail(const char *status, int *subject, int *detail)
{
	const char *p = status;

	if (strlen(status) < 5 || status[1] != '.')
		return 0;
	p = status + 2;
	*subject = 0;
	while (*p >= '0' && *p <= '9')
		*subject = *subject * 10 + (*p++ - '0');
	if (*p++ != '.')
		return 0;
	*detail = 0;
	while (*p >= '0' && *p <= '9' && *detail < 1000)
		*detail = *detail * 10 + (*p++ - '0');
	return 1;
}

/* RFC 3463 section 3.2, addressing status. */
static enum bounce_reason
from_address_code(int detail)
{
	switch (detail) {
	case 1: case 3: case 4: case 6:
		return BOUNCE_REASON_USER_UNKNOWN;
	case 2: case 10:
		return BOUNCE_REASON_HOST_UNKNOWN;
	case 7: case 8:
		return BOUNCE_REASON_POLICY;	/* the sender's address */
	default:
		return BOUNCE_REASON_NONE;
	}
}

/* RFC 3463 sections 3.3 and 3.4: mailbox and mail system status. */
static enum bounce_reason
from_mailbox_code(int subject, int detail)
{
	if (subject == 2 && detail == 1)
		return BOUNCE_REASON_DISABLED;
	if (subject == 2 && detail == 2)
		return BOUNCE_REASON_MAILBOX_FULL;
	if ((subject == 2 && detail == 3) || (subject == 3 && detail == 4))
		return BOUNCE_REASON_TOO_BIG;
	if (subject == 3 && detail == 1)
		return BOUNCE_REASON_MAILBOX_FULL;
	if (subject == 3 && detail != 0)
		return BOUNCE_REASON_NETWORK;
	return BOUNCE_REASON_NONE;
}

/* What the code alone says; BOUNCE_REASON_NONE if it says too little. */
static enum bounce_reason
from_code(const char *status)
{
	int subject, detail;

	if (!subject_detail(status, &subject, &detail))
		return BOUNCE_REASON_NONE;
	/* A detail over 99 is no registered code, only a private guess. */
	if (detail > 99)
		return BOUNCE_REASON_NONE;
	if (subject == 1)
		return from_address_code(detail);
	if (subject == 2 || subject == 3)
		return from_mailbox_code(subject, detail);
	if (subject == 4 && detail == 7)
		return BOUNCE_REASON_EXPIRED;
	if (subject == 4 && (detail == 4 || detail == 0))
		return detail == 4 ? BOUNCE_REASON_HOST_UNKNOWN :
		    BOUNCE_REASON_NONE;
	if (subject == 4)
		return BOUNCE_REASON_NETWORK;
	/* 5.7.x: delivery not authorised, the sender's standing. */
	if (subject == 7)
		return BOUNCE_REASON_POLICY;
	return BOUNCE_REASON_NONE;
}

/* What the wording says; the more specific lists are tried first. */
static enum bounce_reason
from_words(const char *diag, size_t len)
{
	static const struct {
		const char *const *words;
		enum bounce_reason reason;
	} order[] = {
		{ full_words, BOUNCE_REASON_MAILBOX_FULL },
		{ unknown_words, BOUNCE_REASON_USER_UNKNOWN },
		{ host_words, BOUNCE_REASON_HOST_UNKNOWN },
		{ disabled_words, BOUNCE_REASON_DISABLED },
		{ expired_words, BOUNCE_REASON_EXPIRED },
		{ big_words, BOUNCE_REASON_TOO_BIG },
		{ policy_words, BOUNCE_REASON_POLICY },
		{ network_words, BOUNCE_REASON_NETWORK },
	};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bounce_scan_any(diag, len, order[i].words))
			return order[i].reason;
	return BOUNCE_REASON_OTHER;
}

enum bounce_reason
bounce_reason_of(const char *status, const char *diag, size_t len)
{
	enum bounce_reason r = BOUNCE_REASON_NONE;

	if (status != NULL && status[0] == '2')
		return BOUNCE_REASON_NONE;
	if (status != NULL)
		r = from_code(status);
	if (r != BOUNCE_REASON_NONE)
		return r;
	return diag != NULL ? from_words(diag, len) : BOUNCE_REASON_OTHER;
}
