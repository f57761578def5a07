/*
 * msgmime.c: the GMime adapter, second half: the MIME structure of a
 * post (footers, content rules, excerpts).
 *
 * The rule throughout: what we do not understand, we do not touch.  A
 * part is changed only when its bytes decode cleanly in its declared
 * charset; signed and encrypted entities (RFC 1847, RFC 3156, RFC 8551)
 * are never changed inside, for any change breaks them for every reader.
 */
#include <string.h>

#include "msg_impl.h"
#include "util.h"

#define PART_MAX (64 * 1024 * 1024)	/* a text part we would rewrite */

/* Nonzero if obj must be passed on as it is. */
static int
sealed(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return GMIME_IS_MULTIPART_SIGNED(obj) ||
	    GMIME_IS_MULTIPART_ENCRYPTED(obj) ||
	    GMIME_IS_APPLICATION_PKCS7_MIME(obj) ||
	    (ct != NULL && g_mime_content_type_is_type(ct, "application",
	    "pgp-encrypted"));
}

static int
is_attachment(GMimeObject *obj)
{
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(
	    obj);

	return d != NULL && g_mime_content_disposition_is_attachment(d);
}

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

/*
 * The charset a text part declares, canonical and lower case (owned).
 * RFC 2045 section 5.2: none means US-ASCII.
 */
static char *
part_charset(GMimeObject *obj)
{
	const char *cs = g_mime_object_get_content_type_parameter(obj,
	    "charset");
	char *out;

	if (cs == NULL || *cs == '\0')
		cs = "us-ascii";
	out = g_ascii_strdown(g_mime_charset_canon_name(cs), -1);
	return out;
}

static int
is_utf8(const char *cs)
{
	return strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0;
}

static int
is_ascii_cs(const char *cs)
{
	return strcmp(cs, "us-ascii") == 0 || strcmp(cs, "ascii") == 0 ||
	    strcmp(cs, "ansi_x3.4-1968") == 0;
}

/* The decoded content of a part (owned), or NULL if it is too large. */
static GByteArray *
decoded(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GByteArray *a = g_byte_array_new();
	GMimeStream *st;

	if (w == NULL)
		return a;
	st = g_mime_stream_mem_new_with_byte_array(a);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	g_mime_data_wrapper_write_to_stream(w, st);
	g_object_unref(st);
	if (a->len > PART_MAX) {
		g_byte_array_free(a, TRUE);
		return NULL;
	}
	return a;
}

/*
 * Nonzero if the bytes are what their charset says.  For UTF-8 and
 * US-ASCII this is exact; for others, they must convert to UTF-8.  A
 * single-byte charset such as ISO-8859-1 accepts any bytes, so a Latin-1
 * text labelled windows-1252 passes; that costs nothing, as the footer is
 * then written in the label's charset, which the reader uses anyway.
 */
static int
bytes_match_charset(const GByteArray *a, const char *cs)
{
	GError *err = NULL;
	gchar *conv;

	if (is_utf8(cs))
		return g_utf8_validate((const char *)a->data, a->len, NULL);
	if (is_ascii_cs(cs))
		return mem_is_ascii(a->data, a->len);
	conv = g_convert((const char *)a->data, a->len, "UTF-8", cs, NULL,
	    NULL, &err);
	if (conv == NULL) {
		g_error_free(err);
		return 0;
	}
	g_free(conv);
	return 1;
}

/* text (UTF-8) in charset cs (owned GByteArray), or NULL if it cannot. */
static GByteArray *
in_charset(const char *text, const char *cs)
{
	GByteArray *a = g_byte_array_new();
	GError *err = NULL;
	gsize len;
	gchar *conv;

	if (is_utf8(cs) || (is_ascii_cs(cs) && mem_is_ascii(text,
	    strlen(text)))) {
		g_byte_array_append(a, (const guint8 *)text, strlen(text));
		return a;
	}
	conv = g_convert(text, -1, cs, "UTF-8", NULL, &len, &err);
	if (conv == NULL) {
		g_error_free(err);
		g_byte_array_free(a, TRUE);
		return NULL;
	}
	g_byte_array_append(a, (const guint8 *)conv, (guint)len);
	g_free(conv);
	return a;
}

/* Appends text, with LF turned into CRLF if crlf. */
static void
append_lines(GByteArray *a, const guint8 *p, size_t len, int crlf)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (crlf && p[i] == '\n')
			g_byte_array_append(a, (const guint8 *)"\r", 1);
		g_byte_array_append(a, p + i, 1);
	}
}

static int
has_crlf(const GByteArray *a)
{
	return a->len > 0 && memmem(a->data, a->len, "\r\n", 2) != NULL;
}

/*
 * The content of a text/plain part with the footer after it, or NULL
 * if the footer cannot go in (*relabel: the part must say UTF-8 now).
 */
static GByteArray *
plain_with_footer(GMimePart *part, const char *footer, int *relabel)
{
	char *cs = part_charset(GMIME_OBJECT(part));
	const char *fmt = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "format");
	GByteArray *body = NULL, *foot = NULL;
	int crlf;

	*relabel = 0;
	if (is_attachment(GMIME_OBJECT(part)) ||
	    (body = decoded(part)) == NULL || !bytes_match_charset(body, cs))
		goto fail;
	/* ASCII is a subset of UTF-8: the label may grow, the bytes stay. */
	if (is_ascii_cs(cs) && !mem_is_ascii(footer, strlen(footer))) {
		*relabel = 1;
		foot = in_charset(footer, "utf-8");
	} else
		foot = in_charset(footer, cs);
	if (foot == NULL)
		goto fail;
	crlf = has_crlf(body);
	if (body->len > 0 && body->data[body->len - 1] != '\n')
		append_lines(body, (const guint8 *)"\n", 1, crlf);
	/* RFC 3676 section 4.2: a line ending in a space flows into the
	 * next; an empty line ends the paragraph before the footer. */
	if (fmt != NULL && g_ascii_strcasecmp(fmt, "flowed") == 0 &&
	    body->len > (guint)(1 + crlf) &&
	    body->data[body->len - 2 - crlf] == ' ')
		append_lines(body, (const guint8 *)"\n", 1, crlf);
	append_lines(body, foot->data, foot->len, crlf);
	g_byte_array_free(foot, TRUE);
	g_free(cs);
	return body;
fail:
	if (body != NULL)
		g_byte_array_free(body, TRUE);
	g_free(cs);
	return NULL;
}

/* The footer as HTML: escaped, in <pre> so that its lines stay lines. */
static char *
html_footer(const char *footer, int ascii_only)
{
	GString *s = g_string_new("<pre>");
	const char *p;

	for (p = footer; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '<')
			g_string_append(s, "&lt;");
		else if (c == '>')
			g_string_append(s, "&gt;");
		else if (c == '&')
			g_string_append(s, "&amp;");
		else if (c == '"')
			g_string_append(s, "&quot;");
		else if (c >= 0x80 && ascii_only)
			g_string_append_printf(s, "&#%u;", (unsigned)c);
		else
			g_string_append_len(s, p, g_utf8_next_char(p) - p);
	}
	g_string_append(s, "</pre>\n");
	return g_string_free(s, FALSE);
}

/* Where </body> starts (the last one, any case), or len if none. */
static size_t
body_end(const GByteArray *a)
{
	size_t i;

	for (i = a->len; i >= 7; i--)
		if (g_ascii_strncasecmp((const char *)a->data + i - 7,
		    "</body>", 7) == 0)
			return i - 7;
	return a->len;
}

/*
 * The content of a text/html part with the footer before </body>, or
 * NULL.  Outside UTF-8 the footer is ASCII with character references
 * (HTML 4.01 section 5.3.1), which any ASCII-based charset carries.
 */
static GByteArray *
html_with_footer(GMimePart *part, const char *footer)
{
	char *cs = part_charset(GMIME_OBJECT(part)), *foot;
	GByteArray *body = NULL, *out;
	size_t at;

	if (is_attachment(GMIME_OBJECT(part)) || g_str_has_prefix(cs, "utf-16")
	    || g_str_has_prefix(cs, "utf-32") ||
	    (body = decoded(part)) == NULL || !bytes_match_charset(body, cs)) {
		if (body != NULL)
			g_byte_array_free(body, TRUE);
		g_free(cs);
		return NULL;
	}
	foot = html_footer(footer, !is_utf8(cs));
	at = body_end(body);
	out = g_byte_array_sized_new(body->len + (guint)strlen(foot));
	g_byte_array_append(out, body->data, (guint)at);
	append_lines(out, (const guint8 *)foot, strlen(foot), has_crlf(body));
	g_byte_array_append(out, body->data + at, body->len - (guint)at);
	g_byte_array_free(body, TRUE);
	g_free(foot);
	g_free(cs);
	return out;
}

/*
 * Gives a part new decoded content.  The transfer encoding stays, so an
 * 8bit patch stays 8bit (git am must still apply it); only a 7bit part
 * that now holds 8-bit text moves to quoted-printable.
 */
static void
set_content(GMimePart *part, GByteArray *a, int relabel)
{
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(a);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	if ((enc == GMIME_CONTENT_ENCODING_DEFAULT ||
	    enc == GMIME_CONTENT_ENCODING_7BIT) &&
	    !mem_is_ascii(a->data, a->len))
		g_mime_part_set_content_encoding(part,
		    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_part_set_content(part, w);
	if (relabel)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
		    "charset", "utf-8");
	g_object_unref(w);
	g_object_unref(st);	/* the stream owns a now */
}

/* The footer in a text/plain part of its own, inline, 7-bit. */
static GMimeObject *
footer_part(const char *footer)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");

	g_mime_text_part_set_text(t, footer);
	g_mime_text_part_set_charset(t, "utf-8");
	g_mime_object_set_disposition(GMIME_OBJECT(t), "inline");
	g_mime_object_encode(GMIME_OBJECT(t), GMIME_ENCODING_CONSTRAINT_7BIT);
	return GMIME_OBJECT(t);
}

/*
 * A boundary made from the content it encloses: the same post always
 * renders the same (golden files, and copies that can be compared), and
 * text that held its own digest is not to be found (RFC 2046 section
 * 5.1.1 wants a boundary the parts do not contain).
 */
static void
set_boundary(GMimeMultipart *mix, GMimeObject *inner)
{
	char *text = g_mime_object_to_string(inner, NULL);
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text,
	    -1);
	char b[48];

	str_fmt(b, sizeof(b), "=_herald_%.32s", sum);
	g_mime_multipart_set_boundary(mix, b);
	g_free(sum);
	g_free(text);
}

/* The top-level part becomes the first of a new multipart/mixed. */
static enum msg_footer
wrap_with_footer(struct msg *m, GMimeObject *top, const char *footer)
{
	GMimeMultipart *mix = g_mime_multipart_new_with_subtype("mixed");
	GMimeObject *f = footer_part(footer);

	set_boundary(mix, top);
	g_object_ref(top);
	g_mime_multipart_add(mix, top);
	g_mime_multipart_add(mix, f);
	g_mime_message_set_mime_part(m->gm, GMIME_OBJECT(mix));
	g_object_unref(top);
	g_object_unref(f);
	g_object_unref(mix);
	return MSG_FOOTER_PART;
}

/* A text alternative's new content, or NULL; one per alternative. */
static GByteArray *
alternative_with_footer(GMimeObject *alt, const char *footer, int *relabel)
{
	*relabel = 0;
	if (!GMIME_IS_PART(alt))
		return NULL;
	if (is_type(alt, "text", "plain"))
		return plain_with_footer(GMIME_PART(alt), footer, relabel);
	if (is_type(alt, "text", "html"))
		return html_with_footer(GMIME_PART(alt), footer);
	return NULL;
}

/*
 * Both (all) alternatives get the footer, or none does: a reader must
 * not see it in one view and miss it in the other.
 */
static int
alternatives_with_footer(GMimeMultipart *mp, const char *footer)
{
	int i, n = g_mime_multipart_get_count(mp), ok = n > 0;
	GByteArray **new = g_new0(GByteArray *, n > 0 ? n : 1);
	int *relabel = g_new0(int, n > 0 ? n : 1);

	for (i = 0; i < n && ok; i++)
		ok = (new[i] = alternative_with_footer(
		    g_mime_multipart_get_part(mp, i), footer,
		    &relabel[i])) != NULL;
	for (i = 0; i < n; i++) {
		if (new[i] != NULL && ok)
			set_content(GMIME_PART(g_mime_multipart_get_part(mp,
			    i)), new[i], relabel[i]);
		else if (new[i] != NULL)
			g_byte_array_free(new[i], TRUE);
	}
	g_free(new);
	g_free(relabel);
	return ok;
}

static int
single_with_footer(GMimePart *part, const char *footer)
{
	GByteArray *a = NULL;
	int relabel = 0;

	if (is_type(GMIME_OBJECT(part), "text", "plain"))
		a = plain_with_footer(part, footer, &relabel);
	else if (is_type(GMIME_OBJECT(part), "text", "html"))
		a = html_with_footer(part, footer);
	if (a == NULL)
		return 0;
	set_content(part, a, relabel);
	return 1;
}

enum msg_footer
msg_add_footer(struct msg *m, const char *utf8)
{
	GMimeObject *top = g_mime_message_get_mime_part(m->gm);

	if (utf8 == NULL || *utf8 == '\0' || top == NULL ||
	    !g_utf8_validate(utf8, -1, NULL))
		return MSG_FOOTER_NONE;
	if (sealed(top))
		return wrap_with_footer(m, top, utf8);
	if (GMIME_IS_MULTIPART(top) && is_type(top, "multipart",
	    "alternative")) {
		if (alternatives_with_footer(GMIME_MULTIPART(top), utf8))
			return MSG_FOOTER_INSIDE;
		return wrap_with_footer(m, top, utf8);
	}
	if (GMIME_IS_MULTIPART(top) && is_type(top, "multipart", "mixed")) {
		GMimeObject *f = footer_part(utf8);

		g_mime_multipart_add(GMIME_MULTIPART(top), f);
		g_object_unref(f);
		return MSG_FOOTER_PART;
	}
	if (GMIME_IS_PART(top) && single_with_footer(GMIME_PART(top), utf8))
		return MSG_FOOTER_INSIDE;
	return wrap_with_footer(m, top, utf8);
}

int
msg_type_matches(const char *type, const char *patterns)
{
	const char *p = patterns, *slash = strchr(type, '/');
	size_t len, tlen = slash != NULL ? (size_t)(slash - type) : 0;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == 0)
			break;
		if ((len == strlen(type) && str_ncasecmp(p, type, len) == 0) ||
		    (tlen > 0 && len == tlen + 2 && str_ncasecmp(p, type,
		    tlen + 1) == 0 && p[tlen + 1] == '*'))
			return 1;
		p += len;
	}
	return 0;
}

static char *
type_of(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *s, *out;

	if (ct == NULL)
		return xstrdup("text/plain");
	s = g_mime_content_type_get_mime_type(ct);
	out = xstrdup(s);
	g_free(s);
	str_lower(out);
	return out;
}

char *
msg_top_type(struct msg *m)
{
	GMimeObject *top = g_mime_message_get_mime_part(m->gm);

	return top != NULL ? type_of(top) : xstrdup("text/plain");
}

struct rules {
	const char *allow, *forbid;
	int drop_html;
};

static int
unwanted(GMimeObject *obj, const struct rules *r)
{
	char *t;
	int no;

	if (GMIME_IS_MULTIPART(obj))
		return 0;
	t = type_of(obj);
	no = msg_type_matches(t, r->forbid) ||
	    (r->allow[0] != '\0' && !msg_type_matches(t, r->allow));
	free(t);
	return no;
}

static int
has_plain(GMimeMultipart *mp)
{
	int i, n = g_mime_multipart_get_count(mp);

	for (i = 0; i < n; i++)
		if (is_type(g_mime_multipart_get_part(mp, i), "text", "plain"))
			return 1;
	return 0;
}

static int
filter_tree(GMimeObject *obj, const struct rules *r)
{
	GMimeMultipart *mp;
	int i, removed = 0, html;

	if (!GMIME_IS_MULTIPART(obj) || sealed(obj))
		return 0;
	mp = GMIME_MULTIPART(obj);
	html = r->drop_html && is_type(obj, "multipart", "alternative") &&
	    has_plain(mp);
	for (i = 0; i < g_mime_multipart_get_count(mp); i++) {
		GMimeObject *sub = g_mime_multipart_get_part(mp, i);

		/* Never empty a multipart: RFC 2046 wants one part. */
		if (g_mime_multipart_get_count(mp) > 1 && (unwanted(sub, r) ||
		    (html && is_type(sub, "text", "html")))) {
			g_mime_multipart_remove_at(mp, i--);
			removed++;
		} else
			removed += filter_tree(sub, r);
	}
	return removed;
}

int
msg_filter_parts(struct msg *m, const char *allow, const char *forbid,
    int drop_html)
{
	struct rules r = { allow, forbid, drop_html };
	GMimeObject *top = g_mime_message_get_mime_part(m->gm);

	if (top == NULL || (allow[0] == '\0' && forbid[0] == '\0' &&
	    !drop_html))
		return 0;
	return filter_tree(top, &r);
}

/* File name endings that Windows and mail clients run when opened. */
static int
runnable_name(const char *name)
{
	static const char *const ext[] = {
		".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".cpl",
		".msi", ".msp", ".vbs", ".vbe", ".js", ".jse", ".wsf",
		".wsh", ".hta", ".jar", ".ps1", ".lnk", ".reg", ".dll",
		".app", ".sh", ".apk",
	};
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strlen(name) > strlen(ext[i]) && str_casecmp(name +
		    strlen(name) - strlen(ext[i]), ext[i]) == 0)
			return 1;
	return 0;
}

static int
runnable_type(GMimeObject *obj)
{
	static const char *const types =
	    "application/x-msdownload application/x-dosexec "
	    "application/x-executable application/x-msdos-program "
	    "application/x-ms-installer application/x-sh "
	    "application/java-archive application/x-javascript "
	    "application/vnd.microsoft.portable-executable";
	char *t = type_of(obj);
	int yes = msg_type_matches(t, types);

	free(t);
	return yes;
}

static void
find_exe(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	char **found = data;
	const char *name;

	(void)parent;
	if (*found != NULL || !GMIME_IS_PART(part))
		return;
	name = g_mime_part_get_filename(GMIME_PART(part));
	if (name != NULL && runnable_name(name))
		*found = xstrdup(name);
	else if (runnable_type(part))
		*found = type_of(part);
}

char *
msg_find_executable(struct msg *m)
{
	char *found = NULL;

	g_mime_message_foreach(m->gm, find_exe, &found);
	return found;
}

char *
msg_excerpt(struct msg *m, int lines, size_t max)
{
	GMimeObject *body = g_mime_message_get_body(m->gm);
	GString *s;
	char *text, *p;
	int n = 0;

	if (body == NULL || !GMIME_IS_TEXT_PART(body))
		return NULL;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
	if (text == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (p = text; *p != '\0' && n < lines; n++) {
		size_t len = strcspn(p, "\n");

		g_string_append_len(s, p, (gssize)len);
		g_string_append_c(s, '\n');
		p += len + (p[len] == '\n');
	}
	g_free(text);
	if (s->len > max)
		g_string_truncate(s, max);
	/* A cut may split a character: keep the valid start. */
	if (!g_utf8_validate(s->str, (gssize)s->len, (const gchar **)&p))
		g_string_truncate(s, (gsize)(p - s->str));
	text = xstrdup(s->str);
	g_string_free(s, TRUE);
	return text;
}

int
msg_write_body(struct msg *m, struct buf *out, struct err *e)
{
	GMimeObject *top = g_mime_message_get_mime_part(m->gm);
	GByteArray *a;
	GMimeStream *st;
	int rc = 0;

	if (top == NULL)
		return 0;
	a = g_byte_array_new();
	st = g_mime_stream_mem_new_with_byte_array(a);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	g_mime_object_write_content_to_stream(top, NULL, st);
	g_object_unref(st);
	if (buf_add(out, a->data, a->len) < 0)
		rc = err_set(e, ERR_PERM, "message larger than %zu octets",
		    out->max);
	g_byte_array_free(a, TRUE);
	return rc;
}
