/*
 * bounce_signal.c: what the wording of a message says it is.
 *
 * The phrase lists are in English with the commonest other languages of
 * the corpus of real reports we test with; a phrase is matched ignoring
 * ASCII case, anywhere in the text.
 */
#include <string.h>

#include "bounce_scan.h"
#include "bounce_signal.h"

static const char *const failure_words[] = {
	"undeliver", "not be delivered", "could not deliver",
	"couldn't be delivered", "could not be sent", "delivery failed",
	"delivery failure", "failed permanently", "permanent error",
	"permanent fatal", "fatal error", "returned mail", "failure notice",
	"not delivered", "did not reach", "could not be reached",
	"unable to deliver", "delivery has failed", "user unknown",
	"no such user", "failed recipient", "address(es) failed",
	"addresses failed", "address failed", "mail delivery failed",
	"non remis", "non-delivery", "nondeliver", "unzustellbar",
	"not reach", "rejected", "delivery problem", "failed delivery",
	"returned to sender", "mail system error", "delivery errors",
	"delivery error", "was not delivered", "not be sent",
	"could not be forwarded", "failed to deliver", "wasn't delivered",
	"was blocked", "has been blocked", "couldn't deliver",
	"did not receive a copy", "error occurred", "errors occurred",
	"following recipient", "following address", "processing error",
	"permanently", "fatal", NULL
};

static const char *const permanent_words[] = {
	"permanent", "fatal", "given up", "giving up", "gave up",
	"could not be delivered", "couldn't be delivered",
	"was not delivered", "were not delivered", "undeliverable",
	"delivery failed", "delivery has failed", "failed recipient",
	"did not reach", "unable to deliver", "has been rejected",
	"was rejected", NULL
};

static const char *const delay_words[] = {
	"delayed", "delay", "will retry", "will be retried", "retrying",
	"will continue to", "will keep trying", "still trying",
	"will try again", "will be tried", "not yet been delivered",
	"retry for", "temporarily deferred", NULL
};

/* Wording no final failure report uses. */
static const char *const delay_only_words[] = {
	"warning message only", "do not need to resend",
	"do not need to re-send", "not need to resend", "not yet been",
	"no action is required", "temporary failure report",
	"delivery delayed", "has been delayed", "is delayed",
	"only a warning", "just a warning", "will be retried for",
	"delivery status notification (delay)", "warning: message",
	"delayed mail", "this is a warning", NULL
};

static const char *const autoreply_words[] = {
	"out of office", "out of the office", "automatic reply",
	"automatic response", "automated response", "auto reply",
	"auto-reply", "autoreply", "auto response", "autoresponse",
	"auto:", "vacation", "away from the office", "i am away",
	"i'm away", "currently away", "on leave", "abwesenheit",
	"automatische antwort", "automatyczna", "r\xc3\xa9ponse automatique",
	"respuesta autom", "risposta automatica", "away until",
	"returning on", "will be back", "limited access to email",
	"away from my desk", "on holiday", NULL
};

static const char *const challenge_words[] = {
	"verify your email", "please verify", "confirm your message",
	"confirm that you", "are a human", "not a robot", "challenge",
	"spam protection", "whitelist", "approve your message",
	"sender verification", "verification request", "to deliver your "
	"message, please", "click the link", "authorize your message",
	"prove you", NULL
};

static const char *const complaint_words[] = {
	"complaint about message", "abuse report", "spam report",
	"feedback report", "complaint from", "reported as spam",
	"marked as spam by", NULL
};

/* Local parts and display names that mail systems send reports as. */
static const char *const daemon_words[] = {
	"mailer-daemon", "mailer_daemon", "postmaster", "mail-daemon",
	"maildaemon", "mdaemon", "mail delivery", "delivery subsystem",
	"mail system", "delivery system", "delivery notification",
	"system administrator", "mail administrator", "mailmaster",
	"mail deliver", NULL
};

void
bounce_signal_text(const char *text, size_t len, struct bounce_signals *sig)
{
	char code[16];

	sig->failure |= bounce_scan_any(text, len, failure_words);
	sig->permanent |= bounce_scan_any(text, len, permanent_words);
	sig->delay |= bounce_scan_any(text, len, delay_words);
	sig->delay_only |= bounce_scan_any(text, len, delay_only_words);
	sig->autoreply |= bounce_scan_any(text, len, autoreply_words);
	sig->challenge |= bounce_scan_any(text, len, challenge_words);
	sig->complaint |= bounce_scan_any(text, len, complaint_words);
	sig->status |= bounce_scan_status(text, len, code, sizeof(code));
}

void
bounce_signal_subject(const char *subject, struct bounce_signals *sig)
{
	size_t len;

	if (subject == NULL)
		return;
	len = strlen(subject);
	sig->failure |= bounce_scan_any(subject, len, failure_words);
	sig->permanent |= bounce_scan_any(subject, len, permanent_words);
	sig->delay |= bounce_scan_any(subject, len, delay_words);
	sig->delay_only |= bounce_scan_any(subject, len, delay_only_words);
	sig->autoreply |= bounce_scan_any(subject, len, autoreply_words);
	sig->challenge |= bounce_scan_any(subject, len, challenge_words);
	sig->complaint |= bounce_scan_any(subject, len, complaint_words);
}

int
bounce_signal_daemon(const char *from)
{
	return from != NULL && bounce_scan_any(from, strlen(from),
	    daemon_words);
}
