/*
 * bounce.c: reading delivery reports.
 *
 * This file is part of the GMime adapter layer: it walks the MIME tree of
 * a report and hands the pieces to the readers that know their formats
 * (bounce_dsn for RFC 3464 fields, bounce_text for the text MTAs write,
 * bounce_signal for what the wording says), then decides what the
 * message is.  Parsing of the message itself is GMime's.
 */
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "bounce_dsn.h"
#include "bounce_reason.h"
#include "bounce_scan.h"
#include "bounce_signal.h"
#include "bounce_text.h"
#include "buf.h"
#include "util.h"

/* Deeper nesting than this is no report any MTA writes. */
#define WALK_DEPTH_MAX 8
/* Report text kept in all, over every part. */
#define REPORT_MAX (4 * BOUNCE_TEXT_MAX)
/* The longest HTML tag looked for. */
#define TAG_MAX 1024
/* Text read for its wording: every report says what it is early on. */
#define SIGNAL_MAX (32 * 1024)

/* What the walk of the MIME tree found. */
struct found {
	struct buf text;	/* text/plain outside returned messages, cut */
	struct buf html;	/* text/html, as text, cut */
	struct buf dsn;		/* delivery-status bodies */
	int complaint;		/* a feedback report (RFC 5965) */
	char complainant[ADDR_MAX + 1];
	size_t parts;
	GMimeMessage *reparsed;	/* a body parsed again with its boundary */
	GMimeMessage *inner;	/* a returned message that is itself a report */
	struct bounce_exclude ex;
};

/* The headers of the report itself that tell what it is. */
struct outer {
	char *subject;
	char *from;
	char *to;
	int auto_header;	/* RFC 3834 or vendor auto-reply marks */
	int report_feedback;	/* multipart/report; report-type=feedback */
	struct buf failed;	/* X-Failed-Recipients, when Exim sent it */
};

const char *
bounce_kind_name(enum bounce_kind kind)
{
	switch (kind) {
	case BOUNCE_HARD:
		return "hard";
	case BOUNCE_SOFT:
		return "soft";
	case BOUNCE_NONE:
		break;
	}
	return "none";
}

const char *
bounce_reason_name(enum bounce_reason reason)
{
	static const char *const names[] = {
		[BOUNCE_REASON_NONE] = "none",
		[BOUNCE_REASON_USER_UNKNOWN] = "user_unknown",
		[BOUNCE_REASON_DISABLED] = "disabled",
		[BOUNCE_REASON_MAILBOX_FULL] = "mailbox_full",
		[BOUNCE_REASON_HOST_UNKNOWN] = "host_unknown",
		[BOUNCE_REASON_EXPIRED] = "expired",
		[BOUNCE_REASON_NETWORK] = "network",
		[BOUNCE_REASON_TOO_BIG] = "too_big",
		[BOUNCE_REASON_POLICY] = "policy",
		[BOUNCE_REASON_OTHER] = "other",
	};

	if ((size_t)reason >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[reason];
}

const char *
bounce_class_name(enum bounce_class cls)
{
	static const char *const names[] = {
		[BOUNCE_CLASS_OTHER] = "other",
		[BOUNCE_CLASS_FAILURE] = "failure",
		[BOUNCE_CLASS_DELAY] = "delay",
		[BOUNCE_CLASS_SUCCESS] = "success",
		[BOUNCE_CLASS_AUTOREPLY] = "autoreply",
		[BOUNCE_CLASS_CHALLENGE] = "challenge",
		[BOUNCE_CLASS_COMPLAINT] = "complaint",
	};

	if ((size_t)cls >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[cls];
}

/*
 * Appends decoded text to b, NUL octets as spaces: the scanners take any
 * octet, but a NUL in the middle of a C string would hide what follows.
 * What does not fit under the buffer's maximum is dropped.
 */
static void
add_text(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf_addc(b, s[i] == '\0' ? ' ' : s[i]) < 0)
			return;
}

/* A stream that decodes the part's transfer encoding and charset. */
static GMimeStream *
decoded_stream(GMimeObject *obj, GMimeDataWrapper *w)
{
	GMimeStream *raw = g_mime_data_wrapper_get_stream(w), *fs;
	GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(w);
	const char *cs = g_mime_object_get_content_type_parameter(obj,
	    "charset");
	GMimeFilter *f;

	g_mime_stream_reset(raw);
	fs = g_mime_stream_filter_new(raw);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		f = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
	}
	/* An unknown or wrong charset leaves the octets as they are; the
	 * scanners only need the ASCII in them. */
	if (cs != NULL && g_ascii_strcasecmp(cs, "utf-8") != 0 &&
	    g_ascii_strcasecmp(cs, "us-ascii") != 0 &&
	    (f = g_mime_filter_charset_new(cs, "utf-8")) != NULL) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
	}
	return fs;
}

/* Reads at most BOUNCE_TEXT_MAX decoded octets of a leaf part into b. */
static void
read_part(GMimeObject *obj, struct buf *b)
{
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *st;
	char chunk[4096];
	size_t total = 0;
	ssize_t n;

	if (w == NULL || g_mime_data_wrapper_get_stream(w) == NULL)
		return;
	st = decoded_stream(obj, w);
	while (total < BOUNCE_TEXT_MAX &&
	    (n = g_mime_stream_read(st, chunk, sizeof(chunk))) > 0) {
		if ((size_t)n > BOUNCE_TEXT_MAX - total)
			n = (ssize_t)(BOUNCE_TEXT_MAX - total);
		add_text(b, chunk, (size_t)n);
		total += (size_t)n;
	}
	g_object_unref(st);
}

/* Adds the first address of header field name of obj to the exclusions. */
static void
exclude_field(struct bounce_exclude *ex, GMimeObject *obj, const char *name)
{
	bounce_text_exclude(ex, g_mime_object_get_header(obj, name), 0);
}

/* The author and envelope sender of a returned message are no rcpts. */
static void
exclude_senders(struct bounce_exclude *ex, GMimeObject *obj)
{
	exclude_field(ex, obj, "From");
	exclude_field(ex, obj, "Sender");
	exclude_field(ex, obj, "Reply-To");
	exclude_field(ex, obj, "Return-Path");
}

/* A header block on its own (text/rfc822-headers), parsed by GMime. */
static void
exclude_header_text(struct bounce_exclude *ex, const char *s, size_t n)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(s, n);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	if (m != NULL) {
		exclude_senders(ex, GMIME_OBJECT(m));
		g_object_unref(m);
	}
	g_object_unref(p);
	g_object_unref(st);
}

/* Tags that end a line of text: a listing in HTML is one per line. */
static const char *const html_breaks[] = {
	"<br", "<p", "</p", "</div", "</tr", "</li", NULL
};

/*
 * The tag at s[0..n) (s[0] is '<'): a line-breaking tag becomes a
 * newline, "<user@host>" stays as text (some MTAs write addresses into
 * their HTML unescaped), others go.  Returns the octets it consumed, or
 * 0 if this '<' starts no tag.
 */
static size_t
html_tag(const char *s, size_t n, struct buf *out)
{
	const char *gt = memchr(s, '>', n < TAG_MAX ? n : TAG_MAX);
	size_t tl, i;

	if (gt == NULL)
		return 0;
	tl = (size_t)(gt - s) + 1;
	if (memchr(s, '@', tl) != NULL && memchr(s, ' ', tl) == NULL &&
	    memchr(s, '=', tl) == NULL) {
		add_text(out, s, tl);
		return tl;
	}
	for (i = 0; html_breaks[i] != NULL; i++) {
		size_t k = strlen(html_breaks[i]);

		if (tl > k && str_ncasecmp(s, html_breaks[i], k) == 0 &&
		    (s[k] == '>' || s[k] == ' ' || s[k] == '/')) {
			buf_addc(out, '\n');
			break;
		}
	}
	return tl;
}

/* The entity at s[0..n) decoded into out; the octets it took, or 0. */
static size_t
html_entity(const char *s, size_t n, struct buf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&nbsp;", ' ' }, { "&quot;", '"' }, { "&#64;", '@' },
	};
	size_t k, el;

	for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
		el = strlen(ents[k].ent);
		if (n >= el && str_ncasecmp(s, ents[k].ent, el) == 0) {
			buf_addc(out, ents[k].c);
			return el;
		}
	}
	return 0;
}

/* HTML as text: tags dropped or made newlines, entities decoded. */
static void
html_to_text(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, used;

	while (i < n) {
		used = 0;
		if (s[i] == '<')
			used = html_tag(s + i, n - i, out);
		else if (s[i] == '&')
			used = html_entity(s + i, n - i, out);
		if (used == 0) {
			add_text(out, s + i, 1);
			used = 1;
		}
		i += used;
	}
}

/* Reads a text part, cuts it where the copy of the message starts. */
static void
take_text(GMimeObject *obj, struct buf *dst, int html)
{
	struct buf raw, plain;
	size_t cut;

	buf_init(&raw, BOUNCE_TEXT_MAX);
	read_part(obj, &raw);
	if (raw.len == 0) {
		buf_free(&raw);
		return;
	}
	buf_init(&plain, BOUNCE_TEXT_MAX);
	if (html)
		html_to_text(raw.data, raw.len, &plain);
	else
		add_text(&plain, raw.data, raw.len);
	cut = bounce_text_cut(plain.data != NULL ? plain.data : "", plain.len);
	add_text(dst, plain.data != NULL ? plain.data : "", cut);
	buf_addc(dst, '\n');
	buf_free(&plain);
	buf_free(&raw);
}

/* RFC 5965's Original-Rcpt-To names who complained. */
static void
take_feedback(GMimeObject *obj, struct found *f)
{
	struct buf b;
	const char *p, *at;

	f->complaint = 1;
	buf_init(&b, BOUNCE_TEXT_MAX);
	read_part(obj, &b);
	if (b.len > 0 && (p = bounce_scan_find(b.data, b.len,
	    "original-rcpt-to:")) != NULL) {
		const char *eol = memchr(p, '\n', b.len - (size_t)(p - b.data));
		size_t n = eol != NULL ? (size_t)(eol - p) :
		    b.len - (size_t)(p - b.data);

		if (bounce_scan_addr(p + 17, n - 17, &at, f->complainant) ==
		    NULL)
			f->complainant[0] = '\0';
	}
	buf_free(&b);
}

static void
take_headers_part(GMimeObject *obj, struct found *f)
{
	struct buf b;

	buf_init(&b, BOUNCE_TEXT_MAX);
	read_part(obj, &b);
	if (b.len > 0)
		exclude_header_text(&f->ex, b.data, b.len);
	buf_free(&b);
}

/* One leaf part, by its type. */
static void
take_leaf(GMimeObject *obj, struct found *f)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	/* A text attached as a file is the returned message or its header,
	 * which some MTAs send so; the report itself is inline. */
	if (GMIME_IS_PART(obj) && g_mime_part_is_attachment(GMIME_PART(obj)) &&
	    !(ct != NULL && g_mime_content_type_is_type(ct, "message", "*")))
		return;
	if (ct == NULL || g_mime_content_type_is_type(ct, "text", "plain"))
		take_text(obj, &f->text, 0);
	else if (g_mime_content_type_is_type(ct, "message",
	    "delivery-status") || g_mime_content_type_is_type(ct, "message",
	    "global-delivery-status")) {
		read_part(obj, &f->dsn);
		buf_addc(&f->dsn, '\n');
	} else if (g_mime_content_type_is_type(ct, "message",
	    "feedback-report"))
		take_feedback(obj, f);
	else if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") ||
	    g_mime_content_type_is_type(ct, "message", "global-headers"))
		take_headers_part(obj, f);
	else if (g_mime_content_type_is_type(ct, "text", "html"))
		take_text(obj, &f->html, 1);
}

static void walk(GMimeObject *obj, struct found *f, int depth);
static GMimeMessage *parse_message(const void *data, size_t len);

/*
 * The boundary a body actually uses: the first line of the form
 * "--token".  Returns its length (without the dashes), or 0.
 */
static size_t
body_boundary(const char *s, size_t n, const char **b)
{
	const char *p = s, *end = s + n, *eol;
	size_t len;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		len = (size_t)(eol - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 2 && len < 72 && p[0] == '-' && p[1] == '-' &&
		    memchr(p, ' ', len) == NULL &&
		    memchr(p, '"', len) == NULL) {
			*b = p + 2;
			return len - 2;
		}
	}
	return 0;
}

/*
 * A multipart whose body does not use the boundary its header declares
 * has no parts to GMime; all of it is in the prologue.  If the body uses
 * another boundary, it is parsed again (by GMime) with that one, once.
 */
static void
take_prologue(GMimeMultipart *mp, struct found *f, int depth)
{
	const char *pro = g_mime_multipart_get_prologue(mp), *b;
	size_t n, blen;
	struct buf again;
	GMimeMessage *m;

	if (pro == NULL)
		return;
	n = strlen(pro);
	if (n > BOUNCE_TEXT_MAX)
		n = BOUNCE_TEXT_MAX;
	if (f->reparsed == NULL && (blen = body_boundary(pro, n, &b)) > 0) {
		buf_init(&again, BOUNCE_TEXT_MAX + 256);
		buf_printf(&again, "Content-Type: multipart/mixed; "
		    "boundary=\"%.*s\"\n\n", (int)blen, b);
		buf_add(&again, pro, n);
		/* Kept until the analysis ends: f->inner may point into it. */
		if ((m = parse_message(again.data, again.len)) != NULL) {
			f->reparsed = m;
			walk(g_mime_message_get_mime_part(m), f, depth + 1);
		}
		buf_free(&again);
		return;
	}
	add_text(&f->text, pro, bounce_text_cut(pro, n));
	buf_addc(&f->text, '\n');
}

/* Nonzero if a message is a delivery report (RFC 6522). */
static int
is_report(GMimeMessage *m)
{
	GMimeObject *body = g_mime_message_get_mime_part(m);
	GMimeContentType *ct;

	if (body == NULL || (ct = g_mime_object_get_content_type(body)) == NULL)
		return 0;
	return g_mime_content_type_is_type(ct, "multipart", "report");
}

/*
 * Visits the tree.  A returned message (message/rfc822) is never read for
 * recipients, only for the sender addresses to exclude.
 */
static void
walk(GMimeObject *obj, struct found *f, int depth)
{
	int i, n;

	if (obj == NULL || depth > WALK_DEPTH_MAX ||
	    f->parts++ >= BOUNCE_PARTS_MAX)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		/* No boundary found: all of it is in the prologue. */
		if (n == 0)
			take_prologue(GMIME_MULTIPART(obj), f, depth);
		for (i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(GMIME_MULTIPART(obj),
			    i), f, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (m != NULL)
			exclude_senders(&f->ex, GMIME_OBJECT(m));
		if (m != NULL && f->inner == NULL && is_report(m))
			f->inner = m;
	} else if (GMIME_IS_PART(obj))
		take_leaf(obj, f);
}

static int
header_has(GMimeObject *obj, const char *name, const char *word)
{
	const char *v = g_mime_object_get_header(obj, name);

	return v != NULL && bounce_scan_find(v, strlen(v), word) != NULL;
}

static void
read_outer(GMimeMessage *m, struct outer *o)
{
	GMimeObject *obj = GMIME_OBJECT(m);
	const char *s = g_mime_message_get_subject(m);
	const char *fr = g_mime_object_get_header(obj, "From");
	const char *to = g_mime_object_get_header(obj, "To");
	const char *xf = g_mime_object_get_header(obj, "X-Failed-Recipients");
	GMimeObject *body = g_mime_message_get_mime_part(m);

	o->subject = xstrdup(s != NULL ? s : "");
	o->from = xstrdup(fr != NULL ? fr : "");
	o->to = xstrdup(to != NULL ? to : "");
	o->auto_header = header_has(obj, "Auto-Submitted", "auto-replied") ||
	    g_mime_object_get_header(obj, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(obj, "X-Autorespond") != NULL ||
	    header_has(obj, "Precedence", "auto_reply");
	o->report_feedback = body != NULL && header_has(body, "Content-Type",
	    "feedback-report");
	buf_init(&o->failed, 4096);
	if (xf != NULL)
		buf_adds(&o->failed, xf);
}

static void
outer_free(struct outer *o)
{
	free(o->subject);
	free(o->from);
	free(o->to);
	buf_free(&o->failed);
}

static void
set_class(struct bounce_report *out, enum bounce_class cls)
{
	size_t i;

	out->cls = cls;
	out->kind = BOUNCE_NONE;
	if (cls != BOUNCE_CLASS_FAILURE && cls != BOUNCE_CLASS_COMPLAINT)
		out->n = 0;
	for (i = 0; i < out->n; i++)
		if (out->rcpt[i].kind > out->kind)
			out->kind = out->rcpt[i].kind;
}

static void
set_complaint(const struct found *f, struct bounce_report *out)
{
	out->n = 0;
	if (f->complainant[0] != '\0') {
		memset(&out->rcpt[0], 0, sizeof(out->rcpt[0]));
		str_copy(out->rcpt[0].addr, ADDR_MAX + 1, f->complainant);
		out->n = 1;
	}
	set_class(out, BOUNCE_CLASS_COMPLAINT);
}

/*
 * Exim and Gmail name the failed recipients in a header field of the
 * report: it is the list, and the text gives each its status and
 * diagnostic where it has them.
 */
static void
take_failed_header(const struct outer *o, const struct bounce_report *text,
    const char *body, size_t len, struct bounce_report *out)
{
	const char *p = o->failed.data, *end = p + o->failed.len, *at, *q;
	struct bounce_rcpt r;
	size_t i;

	/* The wording of a report is at its start (as in bounce_text). */
	if (len > SIGNAL_MAX)
		len = SIGNAL_MAX;
	while (p < end && out->n < BOUNCE_RCPT_MAX &&
	    (q = bounce_scan_addr(p, (size_t)(end - p), &at, r.addr)) != NULL) {
		p = q;
		for (i = 0; i < text->n; i++)
			if (strcmp(text->rcpt[i].addr, r.addr) == 0)
				break;
		if (i < text->n) {
			bounce_dsn_add(out, &text->rcpt[i]);
			continue;
		}
		if (!bounce_scan_status(body, len, r.status, sizeof(r.status)))
			r.status[0] = '\0';
		r.kind = bounce_reason_kind(r.status[0] ? r.status : NULL,
		    body, len);
		r.reason = bounce_reason_of(r.status[0] ? r.status : NULL,
		    body, len);
		r.diag[0] = '\0';
		bounce_dsn_add(out, &r);
	}
}

/* The recipients of the text, or of X-Failed-Recipients if it is there. */
static void
take_text_rcpts(struct found *f, const struct outer *o, const char *text,
    size_t len, struct bounce_report *out)
{
	struct bounce_report *listed;

	if (o->failed.len == 0) {
		bounce_text_read(text, len, &f->ex, out);
		return;
	}
	/* A listing in the text is as good; where they differ, it is the
	 * one a person reads. */
	listed = xcalloc(1, sizeof(*listed));
	if (bounce_text_read(text, len, &f->ex, listed) == BOUNCE_TEXT_LISTED)
		*out = *listed;
	else
		take_failed_header(o, listed, text, len, out);
	free(listed);
}

/*
 * RFC 3464 fields decide when there are any: in a delivery-status part,
 * else in the text (some MTAs write them there).
 */
static int
decide_dsn(struct found *f, const char *text, size_t len,
    struct bounce_report *out)
{
	struct bounce_dsn_tally t = { 0, 0, 0 };

	if (f->dsn.len > 0)
		bounce_dsn_read(f->dsn.data, f->dsn.len, out, &t);
	if (out->n == 0 && t.failed + t.delayed + t.delivered == 0)
		bounce_dsn_read(text, len, out, &t);
	if (t.failed > 0 && out->n > 0)
		set_class(out, BOUNCE_CLASS_FAILURE);
	else if (t.delayed > 0)
		set_class(out, BOUNCE_CLASS_DELAY);
	else if (t.delivered > 0)
		set_class(out, BOUNCE_CLASS_SUCCESS);
	else {
		out->n = 0;
		return 0;
	}
	return 1;
}

/* Without fields, the wording and the listing of the text decide. */
static void
decide_text(struct found *f, const struct outer *o, const char *text,
    size_t len, struct bounce_report *out)
{
	struct bounce_signals sig;
	int daemon = bounce_signal_daemon(o->from);

	memset(&sig, 0, sizeof(sig));
	bounce_signal_subject(o->subject, &sig);
	bounce_signal_text(text, len < SIGNAL_MAX ? len : SIGNAL_MAX, &sig);
	if (sig.complaint && !sig.failure) {
		set_complaint(f, out);
		return;
	}
	/* X-Failed-Recipients is written only into failure reports. */
	if (o->failed.len > 0)
		sig.failure = 1;
	/* Mail systems mark their reports Auto-Submitted too. */
	if ((sig.autoreply && !(daemon && (sig.failure || sig.status))) ||
	    (o->auto_header && !daemon && !sig.failure)) {
		set_class(out, BOUNCE_CLASS_AUTOREPLY);
		return;
	}
	if (sig.challenge && !daemon && !sig.status) {
		set_class(out, BOUNCE_CLASS_CHALLENGE);
		return;
	}
	if (sig.delay_only || (sig.delay && !sig.permanent)) {
		set_class(out, BOUNCE_CLASS_DELAY);
		return;
	}
	take_text_rcpts(f, o, text, len, out);
	if (out->n > 0 && (sig.failure || sig.status || daemon))
		set_class(out, BOUNCE_CLASS_FAILURE);
	else
		set_class(out, BOUNCE_CLASS_OTHER);
}

static void
decide(struct found *f, const struct outer *o, struct bounce_report *out)
{
	const struct buf *t = f->text.len > 0 ? &f->text : &f->html;
	const char *text = t->data != NULL ? t->data : "";

	if (f->complaint || o->report_feedback) {
		set_complaint(f, out);
		return;
	}
	if (decide_dsn(f, text, t->len, out))
		return;
	decide_text(f, o, text, t->len, out);
}

/*
 * A CR that does not start a CRLF ends a line for the scanners (as it
 * does for msg.c), so that a report written with bare CRs still has
 * lines.  Returns a copy the caller frees with g_free().
 */
static char *
normalise(const char *data, size_t len)
{
	char *copy = g_malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		copy[i] = data[i] == '\r' && (i + 1 == len ||
		    data[i + 1] != '\n') ? '\n' : data[i];
	return copy;
}

static GMimeMessage *
parse_message(const void *data, size_t len)
{
	char *copy = normalise(data, len);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(copy, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	g_free(copy);
	return m;
}

/*
 * Reads message m into out.  A report that a gateway forwarded inside a
 * message of its own says nothing in its outer text: then the inner
 * report is read instead, one level down at most.
 */
static void
analyse(GMimeMessage *m, struct bounce_report *out, int depth)
{
	struct found f;
	struct outer o;

	memset(&f, 0, sizeof(f));
	buf_init(&f.text, REPORT_MAX);
	buf_init(&f.html, REPORT_MAX);
	buf_init(&f.dsn, REPORT_MAX);
	walk(g_mime_message_get_mime_part(m), &f, 0);
	read_outer(m, &o);
	/* The reporter, and whoever it reports to (the envelope sender). */
	bounce_text_exclude(&f.ex, o.from, 0);
	bounce_text_exclude(&f.ex, o.to, 1);
	decide(&f, &o, out);
	if (out->cls == BOUNCE_CLASS_OTHER && f.inner != NULL && depth == 0) {
		memset(out, 0, sizeof(*out));
		analyse(f.inner, out, depth + 1);
	}
	outer_free(&o);
	buf_free(&f.text);
	buf_free(&f.html);
	buf_free(&f.dsn);
	if (f.reparsed != NULL)
		g_object_unref(f.reparsed);
}

int
bounce_parse(const void *data, size_t len, struct bounce_report *out,
    struct err *e)
{
	GMimeMessage *m;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return err_set(e, ERR_PERM, "empty message");
	if (len > BOUNCE_INPUT_MAX)
		len = BOUNCE_INPUT_MAX;
	if ((m = parse_message(data, len)) == NULL)
		return err_set(e, ERR_PERM, "not a mail message");
	analyse(m, out, 0);
	g_object_unref(m);
	return 0;
}
