/*
 * persona.c: personalised copies of an announcement.
 *
 * Preparing: the list mail is parsed; each text part that holds a
 * placeholder is replaced, in a working copy, by a marker (a header field
 * "X-Herald-Segment: N" first in its header, and a marker line as its
 * body), and a Subject with a placeholder by a marker value; the working
 * copy is written out and cut at the markers.  What lies between markers
 * is copied into every copy as it is.
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "persona.h"
#include "util.h"

#define PARTS_MAX 16
#define SEGS_MAX (2 * PARTS_MAX + 4)
#define COPY_MAX (64 * 1024 * 1024)
#define NONCE_LEN 16

enum seg_kind { SEG_LITERAL, SEG_SUBJECT, SEG_PART, SEG_MEMBER };

struct seg {
	enum seg_kind kind;
	size_t off, len;	/* SEG_LITERAL: bytes of p->text */
	int part;		/* SEG_PART: index into p->parts */
};

struct ppart {
	char *tmpl;		/* decoded UTF-8 text, LF line ends */
	char *charset;		/* as declared */
	GMimeContentEncoding cte;
	int html;
	int top;		/* the message's own part: fields go here */
	char *hdr[2][2];	/* [UTF-8 instead][QP instead], CRLF */
};

/*
 * The markers carry a random nonce, so that no text of the post itself
 * can be taken for one.
 */
struct persona {
	char nonce[NONCE_LEN + 1];
	char subject_mark[NONCE_LEN + 32];	/* "Subject: NONCE\r\n" */
	char field[NONCE_LEN + 32];		/* "X-Herald-NONCE: " */
	char *text;		/* the marked-up list mail */
	size_t len;
	struct seg segs[SEGS_MAX];
	int nsegs;
	struct ppart parts[PARTS_MAX];
	int nparts;
	char *subject;		/* decoded Subject template, or NULL */
};

/* Whether text holds at least one placeholder. */
static void
count_one(const char *name, int has_default, void *arg)
{
	(void)name;
	(void)has_default;
	(*(int *)arg)++;
}

static int
has_placeholder(const char *text)
{
	int n = 0;

	placeholder_each(text, strlen(text), count_one, &n);
	return n > 0;
}

static int
is_charset(const char *cs, const char *name)
{
	return g_ascii_strcasecmp(cs, name) == 0;
}

/* A part's content with its transfer encoding undone (owned). */
static GByteArray *
part_bytes(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GByteArray *raw = g_byte_array_new();
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(raw);

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	if (w != NULL)
		g_mime_data_wrapper_write_to_stream(w, st);
	g_object_unref(st);
	return raw;
}

/*
 * The part's text as UTF-8 with LF line ends, or NULL when its bytes do
 * not fit its declared charset (then the part is left alone: case 006).
 */
static char *
decoded_text(GMimePart *part, const char *charset)
{
	GByteArray *raw = part_bytes(part);
	char *utf8 = NULL, *out;
	iconv_t cd;
	size_t i, o;

	if (is_charset(charset, "utf-8") || is_charset(charset, "us-ascii")) {
		if (g_utf8_validate((char *)raw->data, (gssize)raw->len, NULL))
			utf8 = g_strndup((char *)raw->data, raw->len);
	} else if ((cd = g_mime_iconv_open("utf-8", charset)) !=
	    (iconv_t)-1) {
		utf8 = g_mime_iconv_strndup(cd, (char *)raw->data, raw->len);
		g_mime_iconv_close(cd);
	}
	g_byte_array_free(raw, TRUE);
	if (utf8 == NULL || memchr(utf8, '\0', strlen(utf8) + 1) !=
	    utf8 + strlen(utf8)) {
		g_free(utf8);
		return NULL;
	}
	out = xmalloc(strlen(utf8) + 1);
	for (i = o = 0; utf8[i] != '\0'; i++)
		if (!(utf8[i] == '\r' && utf8[i + 1] == '\n'))
			out[o++] = utf8[i];
	out[o] = '\0';
	g_free(utf8);
	return out;
}

/* The part's header block as written, CRLF line ends, no blank line. */
static char *
header_block(GMimeObject *obj)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	char *h, *out;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	h = g_mime_object_get_headers(obj, fo);
	g_mime_format_options_free(fo);
	out = xstrdup(h != NULL ? h : "");
	g_free(h);
	return out;
}

/* The four header blocks a copy's part may need. */
static void
header_variants(GMimePart *part, struct ppart *pp)
{
	GMimeContentType *ct = g_mime_object_get_content_type(
	    GMIME_OBJECT(part));
	int u, q;

	for (u = 0; u < 2; u++) {
		for (q = 0; q < 2; q++) {
			g_mime_content_type_set_parameter(ct, "charset",
			    u ? "utf-8" : pp->charset);
			g_mime_part_set_content_encoding(part, q ?
			    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE : pp->cte);
			pp->hdr[u][q] = header_block(GMIME_OBJECT(part));
		}
	}
	g_mime_content_type_set_parameter(ct, "charset", pp->charset);
	g_mime_part_set_content_encoding(part, pp->cte);
}

static int
eligible(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);

	if (!GMIME_IS_TEXT_PART(obj) || ct == NULL)
		return 0;
	if (disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0)
		return 0;
	return g_mime_content_type_is_type(ct, "text", "plain") ||
	    g_mime_content_type_is_type(ct, "text", "html");
}

/* Turns part into a marked segment, if it holds a placeholder. */
static void
mark_part(struct persona *p, GMimePart *part, int top)
{
	GMimeContentType *ct = g_mime_object_get_content_type(
	    GMIME_OBJECT(part));
	const char *cs = g_mime_content_type_get_parameter(ct, "charset");
	struct ppart *pp = &p->parts[p->nparts];
	GMimeStream *st;
	GMimeDataWrapper *w;
	char mark[64], field_value[16], *tmpl;

	if (p->nparts == PARTS_MAX)
		return;
	if ((tmpl = decoded_text(part, cs != NULL ? cs : "us-ascii")) ==
	    NULL || !has_placeholder(tmpl)) {
		free(tmpl);
		return;
	}
	pp->tmpl = tmpl;
	pp->charset = xstrdup(cs != NULL ? cs : "us-ascii");
	pp->cte = g_mime_part_get_content_encoding(part);
	if (pp->cte == GMIME_CONTENT_ENCODING_DEFAULT)
		pp->cte = GMIME_CONTENT_ENCODING_7BIT;
	pp->html = g_mime_content_type_is_type(ct, "text", "html");
	pp->top = top;
	header_variants(part, pp);
	str_fmt(mark, sizeof(mark), "X-Herald-%s", p->nonce);
	str_fmt(field_value, sizeof(field_value), "%d", p->nparts);
	g_mime_header_list_prepend(g_mime_object_get_header_list(
	    GMIME_OBJECT(part)), mark, field_value, NULL);
	str_fmt(mark, sizeof(mark), "\001%s-%d\001\n", p->nonce,
	    p->nparts);
	st = g_mime_stream_mem_new_with_buffer(mark, strlen(mark));
	w = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_7BIT);
	g_mime_part_set_content(part, w);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_7BIT);
	g_object_unref(w);
	g_object_unref(st);
	p->nparts++;
}

/* Walks the tree; signed and encrypted entities are never entered. */
static void
walk(struct persona *p, GMimeObject *obj, int top)
{
	int i, n;

	if (GMIME_IS_MULTIPART_SIGNED(obj) ||
	    GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			walk(p, g_mime_multipart_get_part(GMIME_MULTIPART(obj),
			    i), 0);
	} else if (eligible(obj))
		mark_part(p, GMIME_PART(obj), top);
}

static void
mark_subject(struct persona *p, GMimeMessage *gm)
{
	const char *s = g_mime_message_get_subject(gm);

	if (s == NULL || !has_placeholder(s))
		return;
	p->subject = xstrdup(s);
	g_mime_message_set_subject(gm, p->nonce, NULL);
}

static void
add_seg(struct persona *p, enum seg_kind k, size_t off, size_t len, int part)
{
	if (k == SEG_LITERAL && len == 0)
		return;
	p->segs[p->nsegs++] = (struct seg){ k, off, len, part };
}

/* Where the next marker is: its kind, start and end; 0 if none. */
static int
next_mark(const struct persona *p, size_t from, enum seg_kind *k,
    size_t *start, size_t *end, int *part)
{
	const char *t = p->text + from, *lim = p->text + p->len;
	const char *s = memmem(t, (size_t)(lim - t), p->subject_mark,
	    strlen(p->subject_mark));
	const char *h = memmem(t, (size_t)(lim - t), p->field,
	    strlen(p->field));
	const char *b;
	char mark[64];
	int64_t n;

	if (h != NULL && (s == NULL || h < s)) {
		h += strlen(p->field);
		n = 0;
		while (h < lim && *h >= '0' && *h <= '9' && n < PARTS_MAX)
			n = n * 10 + (*h++ - '0');
		if (n >= PARTS_MAX || h >= lim || *h != '\r')
			return 0;
		h = memmem(t, (size_t)(lim - t), p->field, strlen(p->field));
		*part = (int)n;
		str_fmt(mark, sizeof(mark), "\001%s-%d\001\r\n", p->nonce,
		    *part);
		if ((b = memmem(h, (size_t)(lim - h), mark, strlen(mark))) ==
		    NULL)
			return 0;
		*k = SEG_PART;
		*start = (size_t)(h - p->text);
		*end = (size_t)(b - p->text) + strlen(mark);
		return 1;
	}
	if (s == NULL)
		return 0;
	*k = SEG_SUBJECT;
	*start = (size_t)(s - p->text);
	*end = *start + strlen(p->subject_mark);
	return 1;
}

/* Cuts the marked-up text into segments; split: member fields' place. */
static int
cut(struct persona *p, size_t split, struct err *e)
{
	size_t at = 0, start, end;
	enum seg_kind k;
	int part = 0, member_done = 0;

	while (next_mark(p, at, &k, &start, &end, &part)) {
		if (!member_done && split <= start) {
			add_seg(p, SEG_LITERAL, at, split - at, 0);
			add_seg(p, SEG_MEMBER, 0, 0, 0);
			at = split;
			member_done = 1;
		}
		add_seg(p, SEG_LITERAL, at, start - at, 0);
		add_seg(p, k, 0, 0, part);
		if (k == SEG_PART && p->parts[part].top)
			member_done = 1;
		at = end;
	}
	if (!member_done) {
		if (split < at)
			return err_set(e, ERR_INTERNAL, "persona: header end");
		add_seg(p, SEG_LITERAL, at, split - at, 0);
		add_seg(p, SEG_MEMBER, 0, 0, 0);
		at = split;
	}
	add_seg(p, SEG_LITERAL, at, p->len - at, 0);
	return 0;
}

/* The end of the message header in the marked-up text. */
static size_t
header_end(const char *t, size_t len)
{
	const char *b = memmem(t, len, "\r\n\r\n", 4);

	return b != NULL ? (size_t)(b - t) + 2 : len;
}

static int
serialise(struct persona *p, GMimeMessage *gm, struct err *e)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(bytes);

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	if (g_mime_object_write_to_stream(GMIME_OBJECT(gm), fo, st) < 0) {
		g_object_unref(st);
		g_mime_format_options_free(fo);
		g_byte_array_free(bytes, TRUE);
		return err_set(e, ERR_INTERNAL, "persona: cannot write");
	}
	g_object_unref(st);
	g_mime_format_options_free(fo);
	p->len = bytes->len;
	p->text = xmalloc(bytes->len + 1);
	memcpy(p->text, bytes->data, bytes->len);
	p->text[p->len] = '\0';
	g_byte_array_free(bytes, TRUE);
	return 0;
}

static int
make_nonce(struct persona *p, struct err *e)
{
	unsigned char r[NONCE_LEN / 2];
	size_t i;

	if (crypto_random(r, sizeof(r), e) < 0)
		return -1;
	for (i = 0; i < sizeof(r); i++)
		snprintf(p->nonce + 2 * i, 3, "%02x", r[i]);
	str_fmt(p->subject_mark, sizeof(p->subject_mark), "Subject: %s\r\n",
	    p->nonce);
	str_fmt(p->field, sizeof(p->field), "X-Herald-%s: ", p->nonce);
	return 0;
}

int
persona_prepare(const char *text, size_t len, struct persona **out,
    struct err *e)
{
	struct persona *p = xcalloc(1, sizeof(*p));
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *gm;
	GMimeObject *body;
	int rc = 0;

	*out = NULL;
	if (make_nonce(p, e) < 0) {
		free(p);
		return -1;
	}
	st = g_mime_stream_mem_new_with_buffer(text, len);
	parser = g_mime_parser_new_with_stream(st);
	gm = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(st);
	if (gm == NULL) {
		free(p);
		return err_set(e, ERR_PERM, "persona: not a mail message");
	}
	mark_subject(p, gm);
	if ((body = g_mime_message_get_mime_part(gm)) != NULL)
		walk(p, body, 1);
	if (p->subject != NULL || p->nparts > 0) {
		rc = serialise(p, gm, e);
		if (rc == 0)
			rc = cut(p, header_end(p->text, p->len), e);
	}
	g_object_unref(gm);
	if (rc < 0 || (p->subject == NULL && p->nparts == 0)) {
		persona_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
persona_free(struct persona *p)
{
	int i, u, q;

	if (p == NULL)
		return;
	for (i = 0; i < p->nparts; i++) {
		free(p->parts[i].tmpl);
		free(p->parts[i].charset);
		for (u = 0; u < 2; u++)
			for (q = 0; q < 2; q++)
				free(p->parts[i].hdr[u][q]);
	}
	free(p->subject);
	free(p->text);
	free(p);
}

void
persona_names(const struct persona *p,
    void (*fn)(const char *name, int has_default, void *arg), void *arg)
{
	int i;

	if (p->subject != NULL)
		placeholder_each(p->subject, strlen(p->subject), fn, arg);
	for (i = 0; i < p->nparts; i++)
		placeholder_each(p->parts[i].tmpl, strlen(p->parts[i].tmpl),
		    fn, arg);
}

void
persona_texts(const struct persona *p,
    void (*fn)(const char *text, int html, void *arg), void *arg)
{
	int i;

	if (p->subject != NULL)
		fn(p->subject, 0, arg);
	for (i = 0; i < p->nparts; i++)
		fn(p->parts[i].tmpl, p->parts[i].html, arg);
}

/* What a client that shows every inline part in one page shows. */
struct doc {
	struct buf *out;
	int unjudged;	/* some is not in out: encrypted, or too much */
};

/* A part's bytes when they do not fit its charset: ASCII, '?' else. */
static char *
ascii_text(GMimePart *part)
{
	GByteArray *raw = part_bytes(part);
	char *out;
	guint i;

	out = xmalloc(raw->len + 1);
	for (i = 0; i < raw->len; i++)
		out[i] = raw->data[i] < 0x80 ? (char)raw->data[i] : '?';
	out[raw->len] = '\0';
	g_byte_array_free(raw, TRUE);
	return out;
}

static void
doc_part(struct doc *d, GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(
	    GMIME_OBJECT(part));
	const char *cs = g_mime_content_type_get_parameter(ct, "charset");
	char *t;
	int rc;

	if (!eligible(GMIME_OBJECT(part)))
		return;
	if ((t = decoded_text(part, cs != NULL ? cs : "us-ascii")) == NULL)
		t = ascii_text(part);
	if (g_mime_content_type_is_type(ct, "text", "html"))
		rc = buf_adds(d->out, t);
	else if ((rc = buf_adds(d->out, "<pre>")) == 0 &&
	    (rc = buf_add_html(d->out, t)) == 0)
		rc = buf_adds(d->out, "</pre>");
	free(t);
	/* A page cut short would hide the placeholders after the cut. */
	if (rc < 0)
		d->unjudged = 1;
}

/* Every part a client shows, in order, attached messages too. */
static void
doc_walk(struct doc *d, GMimeObject *obj)
{
	GMimeMessage *inner;
	int i, n;

	if (GMIME_IS_MULTIPART_ENCRYPTED(obj) ||
	    GMIME_IS_APPLICATION_PKCS7_MIME(obj))
		d->unjudged = 1;
	else if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			doc_walk(d, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i));
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(
		    obj));
		if (inner != NULL && g_mime_message_get_mime_part(inner) !=
		    NULL)
			doc_walk(d, g_mime_message_get_mime_part(inner));
	} else if (GMIME_IS_PART(obj))
		doc_part(d, GMIME_PART(obj));
}

int
persona_document(const char *text, size_t len, struct buf *out,
    struct err *e)
{
	struct doc d = { out, 0 };
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(st);
	GMimeMessage *gm = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(st);
	if (gm == NULL)
		return err_set(e, ERR_PERM, "persona: not a mail message");
	if (g_mime_message_get_mime_part(gm) != NULL)
		doc_walk(&d, g_mime_message_get_mime_part(gm));
	g_object_unref(gm);
	return d.unjudged;
}

/* What the caller's lookup gives, with the list's default behind it. */
struct fill {
	placeholder_lookup lookup;
	void *arg;
	const char *dflt;
	int html;
	struct buf esc;
};

static const char *
html_escaped(struct fill *f, const char *v)
{
	buf_reset(&f->esc);
	buf_add_html(&f->esc, v);
	return f->esc.data != NULL ? f->esc.data : "";
}

static const char *
fill_lookup(const char *name, void *arg)
{
	struct fill *f = arg;
	const char *v = f->lookup(name, f->arg);

	if (v == NULL)
		return NULL;	/* the placeholder's default, or dflt */
	return f->html ? html_escaped(f, v) : v;
}

/*
 * Fills text: a member's value, else the placeholder's own default, else
 * the list's (HTML-escaped in an HTML part, as values are).
 */
static int
fill(struct fill *f, const char *text, struct buf *out)
{
	char *dflt = NULL;
	int rc;

	if (f->dflt != NULL && f->html)
		dflt = xstrdup(html_escaped(f, f->dflt));
	rc = placeholder_expand_or(text, strlen(text), fill_lookup, f,
	    dflt != NULL ? dflt : f->dflt, out);
	free(dflt);
	return rc < 0 ? -1 : 0;
}

static int
append_crlf(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && buf_add(out, "\r\n", 2) < 0)
			return -1;
		if (s[i] != '\n' && s[i] != '\r' && buf_addc(out, s[i]) < 0)
			return -1;
	}
	return 0;
}

/* The longest line and whether any byte is 8-bit (or NUL). */
static void
measure(const char *s, size_t n, size_t *longest, int *eight, int *nul)
{
	size_t i, run = 0;

	*longest = 0;
	*eight = *nul = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			run = 0;
		else if (++run > *longest)
			*longest = run;
		*eight |= (s[i] & 0x80) != 0;
		*nul |= s[i] == '\0';
	}
}

/*
 * Encodes in.  The line end after the last line belongs to what follows
 * (a boundary's CRLF, RFC 2046 section 5.1.1), so an encoder's final line
 * end is dropped unless the text itself ended with one.
 */
static int
encode(GMimeContentEncoding cte, const char *in, size_t n, struct buf *out)
{
	GMimeEncoding enc;
	char *tmp;
	size_t len;
	int rc;

	g_mime_encoding_init_encode(&enc, cte);
	tmp = xmalloc(g_mime_encoding_outlen(&enc, n) + 16);
	len = g_mime_encoding_step(&enc, in, n, tmp);
	len += g_mime_encoding_flush(&enc, "", 0, tmp + len);
	if (len > 0 && tmp[len - 1] == '\n' && (n == 0 || in[n - 1] != '\n'))
		len--;
	rc = append_crlf(out, tmp, len);
	free(tmp);
	return rc;
}

/* Converts a filled part to its charset, or says it needs UTF-8. */
static char *
to_charset(const struct ppart *pp, const char *utf8, size_t n, int *utf)
{
	iconv_t cd;
	char *s = NULL;

	*utf = 0;
	if (is_charset(pp->charset, "utf-8"))
		return xstrndup(utf8, n);
	if (is_charset(pp->charset, "us-ascii")) {
		*utf = !mem_is_ascii(utf8, n);
		return xstrndup(utf8, n);
	}
	if ((cd = g_mime_iconv_open(pp->charset, "utf-8")) != (iconv_t)-1) {
		s = g_mime_iconv_strndup(cd, utf8, n);
		g_mime_iconv_close(cd);
	}
	if (s == NULL) {
		*utf = 1;
		return xstrndup(utf8, n);
	}
	return s;
}

/*
 * One part of one copy: the filled text in the part's charset (UTF-8 if
 * it cannot carry a value) and transfer encoding (quoted-printable where
 * 7bit or 8bit no longer fits).
 */
static int
render_part(const struct ppart *pp, struct fill *f, const char *fields,
    size_t fields_len, struct buf *out, struct buf *scratch)
{
	GMimeContentEncoding cte = pp->cte;
	size_t longest;
	int utf, eight, nul, qp, rc;
	char *bytes;

	buf_reset(scratch);
	f->html = pp->html;
	if (fill(f, pp->tmpl, scratch) < 0)
		return -1;
	bytes = to_charset(pp, scratch->data != NULL ? scratch->data : "",
	    scratch->len, &utf);
	measure(bytes, strlen(bytes), &longest, &eight, &nul);
	if ((cte == GMIME_CONTENT_ENCODING_7BIT && (eight || longest > 998 ||
	    nul)) || ((cte == GMIME_CONTENT_ENCODING_8BIT ||
	    cte == GMIME_CONTENT_ENCODING_BINARY) && (longest > 998 || nul)))
		cte = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	qp = cte == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    pp->cte != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	rc = buf_adds(out, pp->hdr[utf][qp]);
	if (rc == 0 && pp->top)
		rc = buf_add(out, fields, fields_len);
	if (rc == 0)
		rc = buf_add(out, "\r\n", 2);
	if (rc == 0 && (cte == GMIME_CONTENT_ENCODING_BASE64 ||
	    cte == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)) {
		/* Base64 encodes the canonical form, CRLF line ends. */
		if (cte == GMIME_CONTENT_ENCODING_BASE64) {
			buf_reset(scratch);
			append_crlf(scratch, bytes, strlen(bytes));
			rc = encode(cte, scratch->data, scratch->len, out);
		} else
			rc = encode(cte, bytes, strlen(bytes), out);
	} else if (rc == 0)
		rc = append_crlf(out, bytes, strlen(bytes));
	g_free(bytes);
	return rc;
}

static int
render_subject(const struct persona *p, struct fill *f, struct buf *out,
    struct buf *scratch)
{
	char *encoded, *line, *folded;
	int rc;

	buf_reset(scratch);
	f->html = 0;
	if (fill(f, p->subject, scratch) < 0)
		return -1;
	encoded = g_mime_utils_header_encode_text(NULL, scratch->data ?
	    scratch->data : "", "utf-8");
	line = g_strdup_printf("Subject: %s", encoded);
	folded = g_mime_utils_unstructured_header_fold(NULL, NULL, line);
	rc = append_crlf(out, folded, strlen(folded));
	if (rc == 0 && (out->len < 2 || out->data[out->len - 1] != '\n'))
		rc = buf_add(out, "\r\n", 2);
	g_free(encoded);
	g_free(line);
	g_free(folded);
	return rc;
}

int
persona_render(const struct persona *p, placeholder_lookup lookup,
    void *arg, const char *dflt, const char *member_fields,
    size_t member_len, struct buf *out, struct err *e)
{
	struct fill f = { lookup, arg, dflt, 0, { 0 } };
	struct buf scratch;
	const struct seg *s;
	int i, rc = 0;

	buf_init(&f.esc, COPY_MAX);
	buf_init(&scratch, COPY_MAX);
	for (i = 0; i < p->nsegs && rc == 0; i++) {
		s = &p->segs[i];
		if (s->kind == SEG_LITERAL)
			rc = buf_add(out, p->text + s->off, s->len);
		else if (s->kind == SEG_MEMBER)
			rc = buf_add(out, member_fields, member_len);
		else if (s->kind == SEG_SUBJECT)
			rc = render_subject(p, &f, out, &scratch);
		else
			rc = render_part(&p->parts[s->part], &f, member_fields,
			    member_len, out, &scratch);
	}
	/* Nothing of this member stays in memory the next copy reuses. */
	if (scratch.data != NULL)
		memset(scratch.data, 0, scratch.cap);
	if (f.esc.data != NULL)
		memset(f.esc.data, 0, f.esc.cap);
	buf_free(&scratch);
	buf_free(&f.esc);
	if (rc < 0)
		return err_set(e, ERR_PERM, "personalised copy too large");
	return 0;
}
