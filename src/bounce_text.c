/*
 * bounce_text.c: the human-readable part of a delivery report.
 *
 * Every address in the report text gets a rank from where it stands:
 *
 *   3  listed: it opens a line, alone or followed by punctuation or a
 *      reason ("<a@b>:", "a@b", "> a@b", "a@b on <date>"), or follows a
 *      short label ("Recipient: a@b", "Unknown user: a@b") or a key that
 *      says so ("emailAddress": "a@b"), or only reply codes ("550 5.1.1
 *      <a@b>... User unknown"), or is the argument of RCPT TO;
 *   2  named: a phrase just before it points at it ("your message to
 *      a@b"), or it opens a sentence, or is Exim's "(generated from a@b)";
 *   1  mentioned: anywhere else, such as inside a quoted SMTP reply;
 *   0  a sender: after MAIL FROM, From:, Return-Path:, "sent by", in a
 *      URL, or with a status about the sender's address (X.1.7, X.1.8).
 *
 * The recipients are the addresses of the best rank present; a mere
 * mention only when it is the only one.  The caller's exclusions (the
 * returned message's senders) are never taken, its weak ones and the
 * reporting system's own mailboxes only when listed.
 */
#include <stdlib.h>
#include <string.h>

#include "bounce_dsn.h"
#include "bounce_reason.h"
#include "bounce_scan.h"
#include "bounce_text.h"
#include "util.h"

#define LINES_MAX 2048
#define CANDS_MAX 64
#define BLOCK_LINES 12		/* lines after a listed address read for it */
#define LABEL_MAX 48		/* a label longer than this is a sentence */
/*
 * Of a longer line only this much is read, and only so many addresses
 * of it: ranking an address reads the line before it, so the work per
 * line grows with both (RFC 5322 lines are at most 998 octets).
 */
#define LINE_SCAN_MAX 998
#define LINE_ADDRS_MAX 16
/*
 * The text read for a recipient's status and reason: its block, else the
 * start of the report, where the wording of every report is.
 */
#define BLOCK_MAX 2048
#define WORDING_MAX 8192

/* RANK_IGNORED: no address of a person (a URL's, a Message-ID). */
enum rank {
	RANK_IGNORED = -1, RANK_SENDER, RANK_MENTIONED, RANK_NAMED,
	RANK_LISTED
};

struct line {
	const char *s;
	size_t len;
};

struct cand {
	char addr[ADDR_MAX + 1];
	enum rank rank;
	size_t line;
};

struct scan {
	struct line lines[LINES_MAX];
	size_t nlines;
	struct cand cands[CANDS_MAX];
	size_t ncands;
};

/* Phrases that, just before an address, name it as a recipient. */
static const char *const pointer_words[] = {
	"message to", "delivered to", "deliver to", "delivery to",
	"recipient", "addressed", "sent to", "mail to", "mailbox",
	"delivering to", "forwarded to", "undeliverable to", NULL
};

/* How far before an address a pointing phrase may end. */
#define POINTER_REACH 24

/* Labels whose address is the message's author or sender, never a rcpt. */
static const char *const sender_labels[] = {
	"from", "sender", "reply-to", "return-path", "mail from",
	"envelope-from", "x-sender", "originator", "errors-to",
	"x-original-sender", "author", NULL
};

/* Labels whose address is no recipient and no sender either. */
static const char *const ignored_labels[] = {
	"message-id", "message id", "msgid", "references", "in-reply-to",
	"received", "x-", "dkim", "list-", "content-", "mime", NULL
};

/* Local parts of the reporting system itself. */
static const char *const daemon_locals[] = {
	"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon",
	"maildaemon", "mdaemon", NULL
};

void
bounce_text_exclude(struct bounce_exclude *ex, const char *text, int weak)
{
	char addr[ADDR_MAX + 1];
	const char *at;

	if (text == NULL || ex->n >= BOUNCE_EXCLUDE_MAX)
		return;
	if (bounce_scan_addr(text, strlen(text), &at, addr) == NULL)
		return;
	ex->weak[ex->n] = (unsigned char)(weak != 0);
	str_copy(ex->addr[ex->n++], ADDR_MAX + 1, addr);
}

/*
 * Nonzero if addr may not be taken at this rank (a listed postmaster may
 * well be the recipient that failed).
 */
static int
excluded(const struct bounce_exclude *ex, const char *addr, enum rank rank)
{
	size_t i, n;

	for (i = 0; ex != NULL && i < ex->n; i++)
		if (strcmp(ex->addr[i], addr) == 0 &&
		    (!ex->weak[i] || rank < RANK_LISTED))
			return 1;
	for (i = 0; rank < RANK_LISTED && daemon_locals[i] != NULL; i++) {
		n = strlen(daemon_locals[i]);
		if (strncmp(addr, daemon_locals[i], n) == 0 && addr[n] == '@')
			return 1;
	}
	return 0;
}

static void
split_lines(struct scan *sc, const char *text, size_t len)
{
	size_t pos = 0;

	sc->nlines = 0;
	while (pos < len && sc->nlines < LINES_MAX) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		struct line *l = &sc->lines[sc->nlines++];

		l->s = text + pos;
		l->len = end - pos;
		if (l->len > 0 && l->s[l->len - 1] == '\r')
			l->len--;
		pos = end + 1;
	}
}

/* Characters that decorate the start of a listing line. */
static int
is_decoration(char c)
{
	return c == ' ' || c == '\t' || c == '>' || c == '*' || c == '-' ||
	    c == '+' || c == '#' || c == '|' || c == '=';
}

/* Characters between a label and its address: "Recipient: <[SMTP:". */
static int
is_opener(char c)
{
	return c == ' ' || c == '\t' || c == '<' || c == '[' || c == '"' ||
	    c == '(' || c == '\'';
}

/* Nonzero if s[0..n) equals one of the labels or starts with one. */
static int
label_is(const char *s, size_t n, const char *const *labels)
{
	size_t i, k;

	for (i = 0; labels[i] != NULL; i++) {
		k = strlen(labels[i]);
		if (n >= k && str_ncasecmp(s, labels[i], k) == 0 &&
		    (n == k || labels[i][k - 1] == '-'))
			return 1;
	}
	return 0;
}

/* Nonzero if s[0..n) holds a failure status code. */
static int
has_code(const char *s, size_t n)
{
	char code[BOUNCE_STATUS_MAX];

	return bounce_scan_status(s, n, code, sizeof(code));
}

/* The last word of s[0..n), for "from a@b". */
static int
last_word_is(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	char c;

	if (n < k || str_ncasecmp(s + n - k, word, k) != 0)
		return 0;
	if (n == k)
		return 1;
	c = s[n - k - 1];
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

/*
 * The rank of an address after a label "text:" that ends at before[n].
 * A "type;" prefix (RFC 3464's "rfc822;", Exchange's "SMTP:") is part of
 * the address's notation, not of the label.
 */
static enum rank
rank_labelled(const char *label, size_t n)
{
	static const char *const rcpt_labels[] = { "to", "cc", "bcc", NULL };

	while (n > 0 && (label[n - 1] == ' ' || label[n - 1] == '\t'))
		n--;
	if (label_is(label, n, sender_labels))
		return RANK_SENDER;
	if (n >= 7 && str_ncasecmp(label + n - 7, "rcpt to", 7) == 0)
		return RANK_LISTED;
	if (last_word_is(label, n, "mail from"))
		return RANK_SENDER;
	if (label_is(label, n, ignored_labels))
		return RANK_IGNORED;
	if (label_is(label, n, rcpt_labels) && n <= 3)
		return RANK_MENTIONED;
	if (n <= LABEL_MAX && !has_code(label, n))
		return RANK_LISTED;
	return RANK_MENTIONED;
}

/* Nonzero if what follows an address lets it stand as a listing. */
static int
listing_tail(const char *s, size_t n)
{
	while (n > 0 && (*s == '>' || *s == ']' || *s == '"' || *s == '\''))
		s++, n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0)
		return 1;
	if (n >= 3 && str_ncasecmp(s, "on ", 3) == 0)
		return 1;
	/* A word follows: the address is part of a sentence. */
	return !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    (*s >= '0' && *s <= '9') || (*s & 0x80));
}

/* Drops a trailing "SMTP:" or "rfc822;" type from before[0..*n). */
static void
drop_type(const char *before, size_t *n)
{
	static const char *const types[] = {
		"smtp:", "smtp=", "rfc822;", "mailto:", NULL
	};
	size_t i, k;

	for (i = 0; types[i] != NULL; i++) {
		k = strlen(types[i]);
		if (*n >= k &&
		    str_ncasecmp(before + *n - k, types[i], k) == 0) {
			*n -= k;
			while (*n > 0 && is_opener(before[*n - 1]))
				(*n)--;
			return;
		}
	}
}

/*
 * The label of "... {"key":" in structured text (JSON notifications):
 * what follows the last opening bracket or comma, when there is one.
 */
static const char *
last_label(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '{' && s[i - 1] != '[' && s[i - 1] != ',')
		i--;
	if (i == 0 || memchr(s + i, '"', n - i) == NULL)
		return s;
	while (i < n && (s[i] == '"' || s[i] == ' '))
		i++;
	return s + i;
}

/*
 * Nonzero if the text just before an address, s[0..n), ends in a phrase
 * pointing at it; runs of blanks count as one.
 */
static int
points_at(const char *s, size_t n)
{
	char tail[2 * POINTER_REACH];
	size_t i, o = 0;

	if (n > sizeof(tail))
		s += n - sizeof(tail), n = sizeof(tail);
	for (i = 0; i < n; i++) {
		int blank = s[i] == ' ' || s[i] == '\t';

		if (!blank || (o > 0 && tail[o - 1] != ' '))
			tail[o++] = blank ? ' ' : s[i];
	}
	if (o > POINTER_REACH) {
		memmove(tail, tail + o - POINTER_REACH, POINTER_REACH);
		o = POINTER_REACH;
	}
	return bounce_scan_any(tail, o, pointer_words);
}

/*
 * The rank of an address under a key of structured text ("emailAddress":
 * "a@b"): a key must say it holds a recipient's address to list one.
 */
static enum rank
rank_keyed(const char *key, size_t n)
{
	static const char *const rcpt_keys[] = {
		"recipient", "address", "rcpt", NULL
	};

	while (n > 0 && (key[n - 1] == '"' || key[n - 1] == ' '))
		n--;
	if (label_is(key, n, sender_labels))
		return RANK_SENDER;
	return bounce_scan_any(key, n, rcpt_keys) ? RANK_LISTED :
	    RANK_MENTIONED;
}

/*
 * Nonzero if s[0..n) is only reply and status codes: sendmail's "550
 * 5.1.1 <a@b>... User unknown", its line for each failed recipient.
 */
static int
only_codes(const char *s, size_t n)
{
	size_t i;
	char code[BOUNCE_STATUS_MAX];

	if (!bounce_scan_status(s, n, code, sizeof(code)))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == ' ' || s[i] == '-' || s[i] == '#'))
			return 0;
	return 1;
}

/* RFC 3463 X.1.7 and X.1.8 are about the sender's address. */
static int
sender_code(const char *s, size_t n)
{
	char code[BOUNCE_STATUS_MAX];

	return bounce_scan_dsn_code(s, n, code, sizeof(code)) &&
	    (strcmp(code + 1, ".1.7") == 0 || strcmp(code + 1, ".1.8") == 0);
}

/* Nonzero if the address at tok is part of a URL. */
static int
in_url(const struct line *l, const char *tok)
{
	const char *w = tok;

	while (w > l->s && w[-1] != ' ' && w[-1] != '\t' && w[-1] != '"' &&
	    w[-1] != '<')
		w--;
	return bounce_scan_find(w, (size_t)(tok - w), "://") != NULL;
}

/*
 * The rank of the address at tok (ending at end) in line l.  before is
 * the text between the line's decoration and the address.
 */
static enum rank
rank_of(const struct line *l, const char *tok, const char *end)
{
	const char *start = l->s, *lend = l->s + l->len, *label;
	size_t n;

	if (in_url(l, tok))
		return RANK_IGNORED;
	while (start < tok && is_decoration(*start))
		start++;
	n = (size_t)(tok - start);
	while (n > 0 && is_opener(start[n - 1]))
		n--;
	drop_type(start, &n);
	if (n == 0)
		return listing_tail(end, (size_t)(lend - end)) ? RANK_LISTED :
		    RANK_NAMED;
	/* Exim's note of the alias a listed address came from. */
	if (last_word_is(start, n, "generated from"))
		return RANK_NAMED;
	if (last_word_is(start, n, "from") || bounce_scan_find(start, n,
	    "envelope-from") != NULL)
		return RANK_SENDER;
	if ((start[n - 1] == ':' || start[n - 1] == ';') &&
	    (label = last_label(start, n - 1)) != start)
		return rank_keyed(label, (size_t)(start + n - 1 - label));
	if (start[n - 1] == ':' || start[n - 1] == ';')
		return rank_labelled(start, n - 1);
	if (bounce_scan_find(start, n, "rcpt to") != NULL)
		return RANK_LISTED;
	if (bounce_scan_find(start, n, "mail from") != NULL)
		return RANK_SENDER;
	if (only_codes(start, n))
		return sender_code(start, n) ? RANK_SENDER : RANK_LISTED;
	if (has_code(start, n))
		return RANK_MENTIONED;
	return points_at(start, n) ? RANK_NAMED : RANK_MENTIONED;
}

static void
add_cand(struct scan *sc, const char *addr, enum rank rank, size_t line)
{
	struct cand *c;
	size_t i;

	for (i = 0; i < sc->ncands; i++) {
		c = &sc->cands[i];
		if (strcmp(c->addr, addr) != 0)
			continue;
		/* Once a sender, always one: MAIL FROM is proof. */
		if (c->rank == RANK_SENDER || rank == RANK_SENDER)
			c->rank = RANK_SENDER;
		else if (rank > c->rank) {
			c->rank = rank;
			c->line = line;
		}
		return;
	}
	if (sc->ncands >= CANDS_MAX)
		return;
	c = &sc->cands[sc->ncands++];
	str_copy(c->addr, ADDR_MAX + 1, addr);
	c->rank = rank;
	c->line = line;
}

/*
 * Nonzero if the line before line i ends by pointing at the sender: "A
 * message sent by" (Exim) then the address on a line of its own.
 */
static int
after_sender_intro(const struct scan *sc, size_t i)
{
	const struct line *p;
	size_t n;

	/* One blank line may stand between the two. */
	if (i > 1 && sc->lines[i - 1].len == 0)
		i--;
	if (i == 0)
		return 0;
	p = &sc->lines[i - 1];
	n = p->len;
	while (n > 0 && (p->s[n - 1] == ' ' || p->s[n - 1] == ':'))
		n--;
	return last_word_is(p->s, n, "by") || last_word_is(p->s, n, "from");
}

/* Nonzero if s..e holds only what separates addresses of a list. */
static int
only_separators(const char *s, const char *e)
{
	for (; s < e; s++)
		if (strchr(" \t,;<>\"'", *s) == NULL || *s == '\0')
			return 0;
	return 1;
}

static void
collect(struct scan *sc)
{
	char addr[ADDR_MAX + 1];
	const char *p, *tok, *end;
	enum rank r = RANK_SENDER;
	size_t i;

	sc->ncands = 0;
	for (i = 0; i < sc->nlines; i++) {
		const struct line *l = &sc->lines[i];
		const char *lend = l->s + (l->len < LINE_SCAN_MAX ? l->len :
		    LINE_SCAN_MAX);
		int count = 0;

		p = l->s;
		while (count++ < LINE_ADDRS_MAX && (end = bounce_scan_addr(p,
		    (size_t)(lend - p), &tok, addr)) != NULL) {
			/* "a@b, c@d": the list shares its first one's rank. */
			if (p == l->s || !only_separators(p, tok))
				r = rank_of(l, tok, end);
			if (r == RANK_LISTED && after_sender_intro(sc, i))
				r = RANK_SENDER;
			if (r != RANK_IGNORED)
				add_cand(sc, addr, r, i);
			p = end;
		}
	}
}

/* The best rank held by an address that may be taken. */
static enum rank
best_rank(const struct scan *sc, const struct bounce_exclude *ex)
{
	enum rank best = RANK_SENDER;
	size_t i;

	for (i = 0; i < sc->ncands; i++) {
		const struct cand *c = &sc->cands[i];

		if (excluded(ex, c->addr, c->rank))
			continue;
		if (c->rank > best)
			best = c->rank;
	}
	return best;
}

static size_t
count_rank(const struct scan *sc, const struct bounce_exclude *ex,
    enum rank rank)
{
	size_t i, n = 0;

	for (i = 0; i < sc->ncands; i++)
		if (sc->cands[i].rank == rank &&
		    !excluded(ex, sc->cands[i].addr, rank))
			n++;
	return n;
}

/* The line after the block of the candidate at line first. */
static size_t
block_end(const struct scan *sc, size_t first, enum rank rank)
{
	size_t end = first + BLOCK_LINES, i;

	if (end > sc->nlines)
		end = sc->nlines;
	for (i = 0; i < sc->ncands; i++) {
		const struct cand *c = &sc->cands[i];

		if (c->rank == rank && c->line > first && c->line < end)
			end = c->line;
	}
	return end;
}

static void
fill_rcpt(const struct scan *sc, const struct cand *c, const char *text,
    size_t len, struct bounce_rcpt *r)
{
	size_t last = block_end(sc, c->line, c->rank) - 1;
	const char *b = sc->lines[c->line].s;
	size_t blen = (size_t)(sc->lines[last].s + sc->lines[last].len - b);

	if (blen > BLOCK_MAX)
		blen = BLOCK_MAX;
	if (len > WORDING_MAX)
		len = WORDING_MAX;
	memset(r, 0, sizeof(*r));
	str_copy(r->addr, sizeof(r->addr), c->addr);
	if (!bounce_scan_status(b, blen, r->status, sizeof(r->status)))
		bounce_scan_status(text, len, r->status, sizeof(r->status));
	r->kind = bounce_reason_kind(r->status[0] != '\0' ? r->status : NULL,
	    text, len);
	r->reason = bounce_reason_of(r->status[0] != '\0' ? r->status : NULL,
	    b, blen);
	if (r->reason == BOUNCE_REASON_OTHER)
		r->reason = bounce_reason_of(NULL, text, len);
	bounce_dsn_set_diag(r->diag, b, blen);
}

int
bounce_text_read(const char *text, size_t len,
    const struct bounce_exclude *ex, struct bounce_report *out)
{
	struct scan *sc = xcalloc(1, sizeof(*sc));
	struct bounce_rcpt r;
	enum rank best;
	size_t i;

	split_lines(sc, text, len);
	collect(sc);
	best = best_rank(sc, ex);
	/* Mere mentions are a guess: only an unambiguous one is taken. */
	if (best == RANK_MENTIONED && count_rank(sc, ex, best) > 1)
		best = RANK_SENDER;
	for (i = 0; best > RANK_SENDER && i < sc->ncands; i++) {
		const struct cand *c = &sc->cands[i];

		if (c->rank != best || excluded(ex, c->addr, c->rank))
			continue;
		fill_rcpt(sc, c, text, len, &r);
		bounce_dsn_add(out, &r);
	}
	free(sc);
	return (int)best;
}

/* Phrases that announce a copy of the original message. */
static const char *const copy_phrases[] = {
	"copy of the message", "copy of your message", "copy of the original",
	"original message", "returned message", "returned mail",
	"message header follows", "message headers follow", "unsent message",
	"header of the original", "headers of the original",
	"below this line", "the header and top", "rejected message",
	"undelivered message", "included is a copy", "message follows",
	"headers follow", "original mail", "header follows",
	"original message headers", "message text follows", NULL
};

/* Words of a line that introduces the failed recipients, not a copy. */
static const char *const copy_negatives[] = {
	"following address", "following recipient", "receive a copy",
	"did not", NULL
};

/* Words that make a line with a copy phrase an announcement. */
static const char *const copy_cues[] = {
	"follow", "below", "copy", "attached", NULL
};

/* Header fields that start a copy of a message, but no DSN field. */
static const char *const copy_fields[] = {
	"from", "to", "cc", "subject", "date", "reply-to", "x-mailer",
	"user-agent", "references", "in-reply-to", "sender", "thread-topic",
	"importance", NULL
};

/*
 * Nonzero if line i announces a copy of the original message: a line
 * with a copy phrase that is set off (decorated, ending in a colon) or
 * opens a paragraph with a word such as "follows".  A copy phrase in
 * the middle of a paragraph is just prose ("delete your own text from
 * the attached returned message").
 */
static int
is_copy_marker(const struct scan *sc, size_t i)
{
	const struct line *l = &sc->lines[i];
	const char *s = l->s;
	size_t n = l->len;

	if (n > 100 || !bounce_scan_any(s, n, copy_phrases) ||
	    bounce_scan_any(s, n, copy_negatives))
		return 0;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n > 0 && (*s == '-' || *s == '=' || *s == '*' || *s == '_'))
		return 1;
	if (n > 0 && s[n - 1] == ':')
		return 1;
	if (i > 0 && sc->lines[i - 1].len > 0)
		return 0;
	return bounce_scan_any(s, n, copy_cues);
}

/* Fields that only a message's own header has, never a report's text. */
static const char *const copy_fields_strong[] = {
	"received", "return-path", "message-id", "mime-version",
	"dkim-signature", "content-type", "delivered-to",
	"authentication-results", "x-original-to", "content-transfer-encoding",
	"thread-index", NULL
};

/*
 * Nonzero if the line is a header field of a message ("Subject: x"), 2
 * if it is one of the fields only a message's header has.
 */
static int
is_copy_field(const struct line *l)
{
	const char *colon = memchr(l->s, ':', l->len);
	size_t n, i;

	if (colon == NULL || l->len == 0 || l->s[0] == ' ' || l->s[0] == '\t')
		return 0;
	n = (size_t)(colon - l->s);
	for (i = 0; copy_fields_strong[i] != NULL; i++)
		if (strlen(copy_fields_strong[i]) == n &&
		    str_ncasecmp(l->s, copy_fields_strong[i], n) == 0)
			return 2;
	for (i = 0; copy_fields[i] != NULL; i++)
		if (strlen(copy_fields[i]) == n &&
		    str_ncasecmp(l->s, copy_fields[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Nonzero if line i starts a copy of a message's header: it and the
 * next field (folded lines between) are header fields, one of them a
 * field no summary of the message in a report would show.
 */
static int
is_copy_header(const struct scan *sc, size_t i)
{
	size_t j = i + 1;
	int a, b;

	if ((a = is_copy_field(&sc->lines[i])) == 0)
		return 0;
	while (j < sc->nlines && sc->lines[j].len > 0 &&
	    (sc->lines[j].s[0] == ' ' || sc->lines[j].s[0] == '\t'))
		j++;
	if (j >= sc->nlines || (b = is_copy_field(&sc->lines[j])) == 0)
		return 0;
	return a == 2 || b == 2;
}

size_t
bounce_text_cut(const char *text, size_t len)
{
	struct scan *sc = xcalloc(1, sizeof(*sc));
	size_t i, cut = len;

	split_lines(sc, text, len);
	for (i = 0; i < sc->nlines; i++) {
		if (is_copy_marker(sc, i) || is_copy_header(sc, i)) {
			cut = (size_t)(sc->lines[i].s - text);
			break;
		}
	}
	if (i == sc->nlines && sc->nlines == LINES_MAX)
		cut = (size_t)(sc->lines[i - 1].s + sc->lines[i - 1].len -
		    text);
	free(sc);
	return cut;
}
