/*
 * msg.c: the GMime adapter.
 */
#include <string.h>

#include "msg_impl.h"
#include "util.h"

/* RFC 5322 section 2.1.1: lines are at most 998 octets, CRLF excluded. */
#define LINE_MAX_OCTETS 998

void
msg_init(void)
{
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };
	GMimeParserOptions *po;

	g_mime_init();
	po = g_mime_parser_options_get_default();
	/* Raw 8-bit header text is read as UTF-8, else as Windows-1252. */
	g_mime_parser_options_set_fallback_charsets(po, fallback);
}

/*
 * A CR that does not start a CRLF is no line ending in RFC 5322, yet
 * some senders separate lines with it, and passed on it is how SMTP
 * smuggling works.  Such CRs become line feeds before GMime sees them.
 */
static GByteArray *
without_bare_cr(const unsigned char *p, size_t len)
{
	GByteArray *a = g_byte_array_sized_new((guint)len);
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\r' && (i + 1 == len || p[i + 1] != '\n'))
			c = '\n';
		g_byte_array_append(a, &c, 1);
	}
	return a;
}

static int
has_bare_cr(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n'))
			return 1;
	return 0;
}

int
msg_parse(const void *data, size_t len, struct msg **out, struct err *e)
{
	GMimeStream *st;
	GMimeParser *p;
	GMimeMessage *gm;
	GByteArray *norm = NULL;

	if (len == 0)
		return err_set(e, ERR_PERM, "empty message");
	if (has_bare_cr(data, len)) {
		norm = without_bare_cr(data, len);
		data = norm->data;
		len = norm->len;
	}
	st = g_mime_stream_mem_new_with_buffer(data, len);
	p = g_mime_parser_new_with_stream(st);
	gm = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	if (norm != NULL)
		g_byte_array_free(norm, TRUE);
	if (gm == NULL)
		return err_set(e, ERR_PERM, "not a mail message");
	*out = xcalloc(1, sizeof(**out));
	(*out)->gm = gm;
	return 0;
}

void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	g_object_unref(m->gm);
	free(m);
}

static GMimeHeaderList *
headers(struct msg *m)
{
	return g_mime_object_get_header_list(GMIME_OBJECT(m->gm));
}

char *
msg_get(struct msg *m, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m->gm), name);

	return v != NULL ? xstrdup(v) : NULL;
}

/*
 * The addresses of a field, parsed from its raw value: the decoded value
 * has lost the quoting and encoding that keep a display name such as
 * "Team [Nord / Ost]" one phrase, and would parse as several addresses.
 */
static InternetAddressList *
parse_addresses(GMimeHeader *h)
{
	const char *raw = g_mime_header_get_raw_value(h);

	if (raw == NULL)
		raw = g_mime_header_get_value(h);
	return raw != NULL ? internet_address_list_parse(NULL, raw) : NULL;
}

static GMimeHeader *
first_header(struct msg *m, const char *name)
{
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			return h;
	}
	return NULL;
}

char *
msg_get_address(struct msg *m, const char *name)
{
	GMimeHeader *h = first_header(m, name);
	InternetAddressList *l;
	char *addr = NULL;
	int i, n;

	if (h == NULL || (l = parse_addresses(h)) == NULL)
		return NULL;
	n = internet_address_list_length(l);
	for (i = 0; i < n && addr == NULL; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			addr = xstrdup(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(a)));
	}
	g_object_unref(l);
	return addr;
}

size_t
msg_count(struct msg *m, const char *name)
{
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl);
	size_t count = 0;

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			count++;
	}
	return count;
}

int
msg_each(struct msg *m, const char *name,
    int (*fn)(const char *value, void *arg), void *arg)
{
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl), rc;

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v;

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		v = g_mime_header_get_value(h);
		if ((rc = fn(v != NULL ? v : "", arg)) != 0)
			return rc;
	}
	return 0;
}

/* The first inline text/plain part under obj, depth first; or NULL. */
static GMimeTextPart *
first_text(GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	GMimeTextPart *t;
	int i, n;

	/* Deeper than any client nests: a hostile message. */
	if (depth > 8)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			if ((t = first_text(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1)) != NULL)
				return t;
		return NULL;
	}
	if (!GMIME_IS_TEXT_PART(obj) || (ct != NULL &&
	    !g_mime_content_type_is_type(ct, "text", "plain")))
		return NULL;
	if (disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0)
		return NULL;
	return GMIME_TEXT_PART(obj);
}

char *
msg_text(struct msg *m, size_t max)
{
	GMimeObject *body = g_mime_message_get_mime_part(m->gm);
	GMimeTextPart *t = body != NULL ? first_text(body, 0) : NULL;
	char *text, *out, *p, *q;

	if (t == NULL || (text = g_mime_text_part_get_text(t)) == NULL)
		return NULL;
	/* xstrndup copies exactly n octets: measure first. */
	out = xstrndup(text, strnlen(text, max));
	g_free(text);
	/* CRLF (and a bare CR) become LF, NUL ends the text. */
	for (p = q = out; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		*q++ = *p == '\r' ? '\n' : *p;
	}
	*q = '\0';
	return out;
}

void
msg_remove(struct msg *m, const char *name)
{
	while (g_mime_object_remove_header(GMIME_OBJECT(m->gm), name))
		continue;
}

void
msg_keep_first(struct msg *m, const char *name)
{
	GMimeHeaderList *hl = headers(m);
	int i, seen = 0;

	for (i = 0; i < g_mime_header_list_get_count(hl); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		if (seen++ > 0)
			g_mime_header_list_remove_at(hl, i--);
	}
}

void
msg_merge_addresses(struct msg *m, const char *name)
{
	InternetAddressList *all = internet_address_list_new();
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl);
	char *joined;

	if (msg_count(m, name) < 2) {
		g_object_unref(all);
		return;
	}
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		InternetAddressList *l;

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		l = parse_addresses(h);
		if (l != NULL) {
			internet_address_list_append(all, l);
			g_object_unref(l);
		}
	}
	joined = internet_address_list_to_string(all, NULL, TRUE);
	g_object_unref(all);
	msg_remove(m, name);
	g_mime_object_append_header(GMIME_OBJECT(m->gm), name, joined, NULL);
	g_free(joined);
}

/* The message's own list for an address field, or -1. */
static int
address_type(const char *name, GMimeAddressType *t)
{
	static const struct {
		const char *name;
		GMimeAddressType t;
	} types[] = {
		{ "From", GMIME_ADDRESS_TYPE_FROM },
		{ "Sender", GMIME_ADDRESS_TYPE_SENDER },
		{ "Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO },
		{ "To", GMIME_ADDRESS_TYPE_TO },
		{ "Cc", GMIME_ADDRESS_TYPE_CC },
		{ "Bcc", GMIME_ADDRESS_TYPE_BCC },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (g_ascii_strcasecmp(types[i].name, name) == 0) {
			*t = types[i].t;
			return 0;
		}
	return -1;
}

/* Every mailbox of every field called name, groups flattened (owned). */
static InternetAddressList *
all_mailboxes(struct msg *m, const char *name)
{
	InternetAddressList *all = internet_address_list_new();
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		InternetAddressList *l;

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		l = parse_addresses(h);
		if (l != NULL) {
			internet_address_list_append(all, l);
			g_object_unref(l);
		}
	}
	return all;
}

/* Calls fn on each mailbox of l, groups included, until it says stop. */
static int
walk_mailboxes(InternetAddressList *l,
    int (*fn)(InternetAddressMailbox *mb, void *arg), void *arg)
{
	int i, n = internet_address_list_length(l), rc;

	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_GROUP(a))
			rc = walk_mailboxes(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(a)), fn, arg);
		else
			rc = fn(INTERNET_ADDRESS_MAILBOX(a), arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
count_one(InternetAddressMailbox *mb, void *arg)
{
	(void)mb;
	(*(size_t *)arg)++;
	return 0;
}

size_t
msg_count_mailboxes(struct msg *m, const char *name)
{
	InternetAddressList *l = all_mailboxes(m, name);
	size_t n = 0;

	walk_mailboxes(l, count_one, &n);
	g_object_unref(l);
	return n;
}

struct first {
	char **addr, **display;
};

static int
take_first(InternetAddressMailbox *mb, void *arg)
{
	struct first *f = arg;
	const char *nm = internet_address_get_name(INTERNET_ADDRESS(mb));

	*f->addr = xstrdup(internet_address_mailbox_get_addr(mb));
	*f->display = nm != NULL && *nm != '\0' ? xstrdup(nm) : NULL;
	return 1;
}

int
msg_first_mailbox(struct msg *m, const char *name, char **addr,
    char **display)
{
	InternetAddressList *l = all_mailboxes(m, name);
	struct first f = { addr, display };
	int rc = walk_mailboxes(l, take_first, &f);

	g_object_unref(l);
	return rc == 1 ? 0 : -1;
}

struct each {
	int (*fn)(const char *addr, void *arg);
	void *arg;
};

static int
each_one(InternetAddressMailbox *mb, void *arg)
{
	struct each *ea = arg;

	return ea->fn(internet_address_mailbox_get_addr(mb), ea->arg);
}

int
msg_each_mailbox(struct msg *m, const char *name,
    int (*fn)(const char *addr, void *arg), void *arg)
{
	InternetAddressList *l = all_mailboxes(m, name);
	struct each ea = { fn, arg };
	int rc = walk_mailboxes(l, each_one, &ea);

	g_object_unref(l);
	return rc;
}

void
msg_set_mailbox(struct msg *m, const char *name, const char *display,
    const char *addr)
{
	GMimeAddressType t;
	InternetAddressList *l;

	if (address_type(name, &t) < 0)
		return;
	/* The message keeps its header in step with its lists. */
	msg_merge_addresses(m, name);
	l = g_mime_message_get_addresses(m->gm, t);
	internet_address_list_clear(l);
	g_mime_message_add_mailbox(m->gm, t, display, addr);
}

static int
same_addr(const char *addr, void *arg)
{
	return g_ascii_strcasecmp(addr, arg) == 0;
}

void
msg_add_mailbox(struct msg *m, const char *name, const char *display,
    const char *addr)
{
	GMimeAddressType t;

	if (address_type(name, &t) < 0 ||
	    msg_each_mailbox(m, name, same_addr, (void *)addr))
		return;
	msg_merge_addresses(m, name);
	g_mime_message_add_mailbox(m->gm, t, display, addr);
}

void
msg_append(struct msg *m, const char *name, const char *value)
{
	g_mime_object_append_header(GMIME_OBJECT(m->gm), name, value, "utf-8");
}

void
msg_set_subject(struct msg *m, const char *utf8)
{
	g_mime_message_set_subject(m->gm, utf8, "utf-8");
}

static int
has_8bit(const char *s)
{
	return s != NULL && !mem_is_ascii(s, strlen(s));
}

void
msg_encode_8bit_headers(struct msg *m)
{
	GMimeHeaderList *hl = headers(m);
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		char *v;

		if (!has_8bit(g_mime_header_get_raw_value(h)))
			continue;
		/* The value was decoded with the fallback charsets. */
		v = g_strdup(g_mime_header_get_value(h));
		g_mime_header_set_value(h, NULL, v, "utf-8");
		g_free(v);
	}
}

/* The longest line in s, counted without CR and LF. */
static size_t
longest_line(const char *s)
{
	size_t run = 0, max = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r')
			run = 0;
		else if (++run > max)
			max = run;
	}
	return max;
}

static void
refold_long_headers(GMimeObject *obj)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *raw = g_mime_header_get_raw_value(h);
		size_t first = strlen(g_mime_header_get_name(h)) + 1;
		char *v;

		if (raw == NULL || longest_line(raw) + first <= LINE_MAX_OCTETS)
			continue;
		v = g_strdup(g_mime_header_get_value(h));
		g_mime_header_set_value(h, NULL, v, "utf-8");
		g_free(v);
	}
}

/*
 * Nonzero if the part's content, as stored, cannot cross SMTP as it is: a
 * line over the limit, or a NUL octet (RFC 5321 section 2.3.8).
 */
static int
content_unsafe(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *st;
	char chunk[8192];
	size_t run = 0;
	ssize_t n, i;

	if (w == NULL || (st = g_mime_data_wrapper_get_stream(w)) == NULL)
		return 0;
	g_mime_stream_reset(st);
	while ((n = g_mime_stream_read(st, chunk, sizeof(chunk))) > 0) {
		for (i = 0; i < n; i++) {
			if (chunk[i] == '\0')
				run = LINE_MAX_OCTETS + 1;
			else if (chunk[i] == '\n' || chunk[i] == '\r')
				run = 0;
			else
				run++;
			if (run > LINE_MAX_OCTETS)
				break;
		}
		if (i < n)
			break;
	}
	g_mime_stream_reset(st);
	return run > LINE_MAX_OCTETS;
}

static int
fix_part(GMimePart *part)
{
	GMimeContentType *ct;
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);

	if (enc != GMIME_CONTENT_ENCODING_DEFAULT &&
	    enc != GMIME_CONTENT_ENCODING_7BIT &&
	    enc != GMIME_CONTENT_ENCODING_8BIT &&
	    enc != GMIME_CONTENT_ENCODING_BINARY)
		return 0;
	if (!content_unsafe(part))
		return 0;
	/* Only this part changes; the writer re-encodes it from its data. */
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	g_mime_part_set_content_encoding(part,
	    ct != NULL && g_mime_content_type_is_type(ct, "text", "*") ?
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE :
	    GMIME_CONTENT_ENCODING_BASE64);
	return 1;
}

static int
fix_tree(GMimeObject *obj)
{
	int i, n, fixed = 0;

	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);

		/* A signed or encrypted entity must stay as it is. */
		if (GMIME_IS_MULTIPART_SIGNED(obj) ||
		    GMIME_IS_MULTIPART_ENCRYPTED(obj))
			return 0;
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			fixed += fix_tree(g_mime_multipart_get_part(mp, i));
		return fixed;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (inner == NULL)
			return 0;
		return fix_tree(g_mime_message_get_mime_part(inner));
	}
	if (GMIME_IS_PART(obj))
		return fix_part(GMIME_PART(obj));
	return 0;
}

int
msg_make_smtp_safe(struct msg *m)
{
	GMimeObject *body = g_mime_message_get_mime_part(m->gm);

	refold_long_headers(GMIME_OBJECT(m->gm));
	return body != NULL ? fix_tree(body) : 0;
}

/*
 * Appends src to out with every line ending CRLF.  GMime's DOS format does
 * this for nearly everything it writes, but not for every path (a
 * multipart without a boundary, say); SMTP needs it without exception.
 */
static int
add_crlf(struct buf *out, const unsigned char *src, size_t len)
{
	size_t i, from = 0;

	for (i = 0; i < len; i++) {
		int lf = src[i] == '\n' && (i == 0 || src[i - 1] != '\r');
		int cr = src[i] == '\r' && (i + 1 == len || src[i + 1] != '\n');

		if (!lf && !cr)
			continue;
		if (buf_add(out, src + from, i - from) < 0 ||
		    buf_add(out, "\r\n", 2) < 0)
			return -1;
		from = i + 1;
	}
	return buf_add(out, src + from, len - from);
}

static int
text_contains(GMimeObject *obj, const char *s)
{
	char *text;
	int i, n, hit;

	if (GMIME_IS_MULTIPART_SIGNED(obj) ||
	    GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return 0;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			if (text_contains(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), s))
				return 1;
		return 0;
	}
	if (!GMIME_IS_TEXT_PART(obj))
		return 0;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	hit = text != NULL && strstr(text, s) != NULL;
	g_free(text);
	return hit;
}

int
msg_text_contains(struct msg *m, const char *s)
{
	GMimeObject *body = g_mime_message_get_mime_part(m->gm);

	return body != NULL && text_contains(body, s);
}

int
msg_write(struct msg *m, struct buf *out, struct err *e)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(bytes);
	ssize_t n;
	int rc = 0;

	/* SMTP wants CRLF whatever line endings the message came with. */
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	n = g_mime_object_write_to_stream(GMIME_OBJECT(m->gm), fo, st);
	g_object_unref(st);
	g_mime_format_options_free(fo);
	if (n < 0)
		rc = err_set(e, ERR_INTERNAL, "cannot serialise the message");
	else if (add_crlf(out, bytes->data, bytes->len) < 0)
		rc = err_set(e, ERR_PERM, "message larger than %zu octets",
		    out->max);
	g_byte_array_free(bytes, TRUE);
	return rc;
}

int
msg_parse_mailbox(const char *text, char **addr, char **name,
    struct err *e)
{
	InternetAddressList *l = internet_address_list_parse(NULL, text);
	InternetAddress *a;
	const char *nm;

	if (l == NULL || internet_address_list_length(l) != 1 ||
	    !INTERNET_ADDRESS_IS_MAILBOX(
	    a = internet_address_list_get_address(l, 0))) {
		if (l != NULL)
			g_object_unref(l);
		return err_set(e, ERR_PERM, "not a single mail address");
	}
	*addr = xstrdup(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(a)));
	nm = internet_address_get_name(a);
	*name = nm != NULL && *nm != '\0' ? xstrdup(nm) : NULL;
	g_object_unref(l);
	return 0;
}

char *
msg_format_mailbox(const char *name, const char *addr)
{
	InternetAddress *a = internet_address_mailbox_new(name, addr);
	char *s = internet_address_to_string(a, NULL, TRUE);
	char *out = xstrdup(s);

	g_free(s);
	g_object_unref(a);
	return out;
}

char *
msg_encode_phrase(const char *utf8)
{
	char *s = g_mime_utils_header_encode_phrase(NULL, utf8, "utf-8");
	char *out = xstrdup(s != NULL ? s : "");

	g_free(s);
	return out;
}

static GMimeObject *
text_part(const char *body)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");

	g_mime_text_part_set_text(t, body);
	g_mime_text_part_set_charset(t, "utf-8");
	/* Seven bits: quoted-printable if the text needs it. */
	g_mime_object_encode(GMIME_OBJECT(t), GMIME_ENCODING_CONSTRAINT_7BIT);
	return GMIME_OBJECT(t);
}

static GMimeObject *
enclosed(const void *data, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *inner = g_mime_parser_construct_message(p, NULL);
	GMimeMessagePart *mp;

	g_object_unref(p);
	g_object_unref(st);
	if (inner == NULL)
		return NULL;
	mp = g_mime_message_part_new_with_message("rfc822", inner);
	g_object_unref(inner);
	return GMIME_OBJECT(mp);
}

static void
compose_header(GMimeMessage *gm, const struct msg_compose *in)
{
	GMimeObject *o = GMIME_OBJECT(gm);
	GDateTime *dt = g_date_time_new_from_unix_utc(in->date);

	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_FROM, in->from_name,
	    in->from);
	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_TO, NULL, in->to);
	if (in->reply_to != NULL)
		g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_REPLY_TO,
		    NULL, in->reply_to);
	g_mime_message_set_subject(gm, in->subject, "utf-8");
	g_mime_message_set_date(gm, dt);
	g_date_time_unref(dt);
	g_mime_object_set_header(o, "Message-ID", in->message_id, NULL);
	if (in->in_reply_to != NULL) {
		g_mime_object_set_header(o, "In-Reply-To", in->in_reply_to,
		    NULL);
		g_mime_object_set_header(o, "References", in->in_reply_to,
		    NULL);
	}
	if (in->auto_submitted != NULL)
		g_mime_object_set_header(o, "Auto-Submitted",
		    in->auto_submitted, NULL);
	if (in->loop != NULL)
		g_mime_object_set_header(o, "X-Loop", in->loop, NULL);
}

int
msg_compose(const struct msg_compose *in, struct buf *out, struct err *e)
{
	GMimeMessage *gm = g_mime_message_new(TRUE);
	GMimeObject *text = text_part(in->body), *inner;
	struct msg m = { gm };
	int rc;

	compose_header(gm, in);
	if (in->attach != NULL &&
	    (inner = enclosed(in->attach, in->attach_len)) != NULL) {
		GMimeMultipart *mix = g_mime_multipart_new_with_subtype(
		    "mixed");

		g_mime_multipart_add(mix, text);
		g_mime_multipart_add(mix, inner);
		g_object_unref(inner);
		g_mime_message_set_mime_part(gm, GMIME_OBJECT(mix));
		g_object_unref(mix);
	} else
		g_mime_message_set_mime_part(gm, text);
	g_object_unref(text);
	/* An enclosed message may have lines SMTP cannot carry. */
	msg_make_smtp_safe(&m);
	rc = msg_write(&m, out, e);
	g_object_unref(gm);
	return rc;
}
