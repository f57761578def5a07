/*
 * exposure.c: where a member's value, filled into a post, could leave
 * the member's mailbox.  The adapter of gumbo, an HTML5 parser.
 *
 * Each placeholder is replaced by a marker, a word that names it,
 * followed by its default: what the client will see in its place is a
 * value, HTML-escaped and so without markup, or that default.  HTML is
 * then parsed as a browser parses it, and each marker must come out in
 * text between tags, outside any element whose content is not shown as
 * such.  That text, or the plain text, is read word by word: a word with
 * a marker must not be a link or an address.
 */
#include <gumbo.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "exposure.h"
#include "util.h"

#define NONCE_LEN 16		/* a marker: "x", NONCE, the index, "q" */
#define MARK_MAX (NONCE_LEN + 16)
#define PH_MAX 1024		/* placeholders judged in one text */
#define ARENA_BUDGET (32u << 20)
#define TAGS_MAX 10000		/* '<' in an HTML part that is parsed */
#define ATTRS_MAX 1000		/* attributes in one of its tags */

/*
 * Gumbo's time grows with the square of the nesting depth (40,000 nested
 * <div> take 2.4 s here), so a part with more than TAGS_MAX tags is not
 * parsed (10,000 nested take 0.15 s; a mail that long is rare, and Gmail
 * cuts mail at 102 KB).  Its memory, without a record of parse errors,
 * grows with the input; it parses in an arena with a budget all the same,
 * and past it the parse is abandoned with longjmp and the arena freed.
 */
union block {
	struct {
		union block *prev, *next;
		size_t size;
	} h;
	max_align_t align;
};

struct arena {
	union block *head;
	size_t used;
	jmp_buf out;
};

struct ph {
	char name[PLACEHOLDER_NAME_MAX + 1];
	int bad;	/* seen in markup */
	int link_ok;	/* the whole href of a link to the list */
	int shown;	/* seen in text between tags */
};

struct judge {
	char nonce[NONCE_LEN + 2];	/* "x" and random letters */
	struct ph *ph;
	size_t n;
	struct buf probe;	/* the text with markers */
	struct buf shown;	/* the text between tags */
	int active;		/* a form, a script, a sheet, SVG ... */
};

static void *
arena_alloc(void *arg, size_t size)
{
	struct arena *a = arg;
	union block *b;

	if (size > ARENA_BUDGET - a->used ||
	    (b = malloc(sizeof(*b) + size)) == NULL)
		longjmp(a->out, 1);
	b->h.prev = NULL;
	b->h.next = a->head;
	b->h.size = size;
	if (a->head != NULL)
		a->head->h.prev = b;
	a->head = b;
	a->used += size;
	return b + 1;
}

static void
arena_free(void *arg, void *p)
{
	struct arena *a = arg;
	union block *b;

	if (p == NULL)
		return;
	b = (union block *)p - 1;
	if (b->h.prev != NULL)
		b->h.prev->h.next = b->h.next;
	else
		a->head = b->h.next;
	if (b->h.next != NULL)
		b->h.next->h.prev = b->h.prev;
	a->used -= b->h.size;
	free(b);
}

static void
arena_release(struct arena *a)
{
	union block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->h.next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Whether s[0..n) starts with t, in any case. */
static int
starts(const char *s, size_t n, const char *t)
{
	size_t m = strlen(t);

	return n >= m && str_ncasecmp(s, t, m) == 0;
}

/*
 * The index of the marker at s[0..n), with its length in *used; -1 if
 * there is none there.
 */
static long
marker_at(const struct judge *j, const char *s, size_t n, size_t *used)
{
	size_t i = strlen(j->nonce);
	long v = 0;

	if (n <= i || memcmp(s, j->nonce, i) != 0 || s[i] < '0' ||
	    s[i] > '9')
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9' && v < PH_MAX; i++)
		v = v * 10 + (s[i] - '0');
	if (i >= n || s[i] != 'q' || (size_t)v >= j->n)
		return -1;
	*used = i + 1;
	return v;
}

/*
 * A nonce no text can foresee: a post that spells a marker, even in
 * pieces a parser joins ("x<b></b>..."), cannot pass it off as shown.
 */
static int
make_nonce(struct judge *j)
{
	unsigned char r[NONCE_LEN];
	struct err e;
	size_t i;

	if (crypto_random(r, sizeof(r), &e) < 0)
		return -1;
	j->nonce[0] = 'x';
	for (i = 0; i < NONCE_LEN; i++)
		j->nonce[i + 1] = (char)('a' + r[i] % 26);
	j->nonce[NONCE_LEN + 1] = '\0';
	return 0;
}

/* Flags every placeholder whose marker s holds as seen in markup. */
static void
mark_bad(struct judge *j, const char *s)
{
	size_t n, at, used;
	long i;

	if (s == NULL)
		return;
	n = strlen(s);
	for (at = 0; at < n; at++)
		if ((i = marker_at(j, s + at, n - at, &used)) >= 0)
			j->ph[i].bad = 1;
}

/* Characters a linkifier may take for '@' or '.' (UTF-8). */
static const char *const at_like[] = { "\xef\xbc\xa0", "\xef\xb9\xab" };
static const char *const dot_like[] = { "\xef\xbc\x8e", "\xe3\x80\x82",
	"\xef\xbd\xa1", "\xe2\x80\xa4" };

/*
 * Whether w[i..n) is a dot, or looks like one, before a letter or digit
 * of the sender's (a dot before a marker is "Dr.{{name}}": the value
 * that follows is the list's, not the sender's).
 */
static int
dot_before_alnum(const struct judge *j, const char *w, size_t i, size_t n)
{
	size_t k, m = 0, used;

	if (w[i] == '.')
		m = 1;
	for (k = 0; m == 0 && k < sizeof(dot_like) / sizeof(dot_like[0]);
	    k++)
		if (n - i > strlen(dot_like[k]) && memcmp(w + i, dot_like[k],
		    strlen(dot_like[k])) == 0)
			m = strlen(dot_like[k]);
	/* A letter after a dot may be any script's: "evil.xn--p1ai" is
	 * written "evil.рф" too. */
	return m > 0 && i + m < n && (is_alnum(w[i + m]) ||
	    (unsigned char)w[i + m] >= 0x80) &&
	    marker_at(j, w + i + m, n - i - m, &used) < 0;
}

/* Schemes a mail client turns into a link. */
static const char *const schemes[] = {
	"http:", "https:", "ftp:", "ftps:", "mailto:", "tel:", "sms:",
	"callto:", "file:", "data:", "javascript:", "news:", "nntp:",
	"irc:", "xmpp:", "sip:", "webcal:", "facetime:", "skype:", "geo:",
	"maps:", "git:", "ssh:",
};

/*
 * Whether the word w[0..n) looks like a link or an address to a mail
 * client: "://", "www.", "@" or a lookalike, a dot before a letter or
 * digit (a bare domain), or a scheme a client knows.
 */
static int
link_like(const struct judge *j, const char *w, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (w[i] == '@' || starts(w + i, n - i, "://") ||
		    starts(w + i, n - i, "www.") ||
		    dot_before_alnum(j, w, i, n))
			return 1;
		for (k = 0; k < sizeof(at_like) / sizeof(at_like[0]); k++)
			if (starts(w + i, n - i, at_like[k]))
				return 1;
		for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
			if ((i == 0 || !is_alnum(w[i - 1])) &&
			    starts(w + i, n - i, schemes[k]))
				return 1;
	}
	return 0;
}

/*
 * Whether the word w[0..n), stripped of brackets and trailing
 * punctuation, is the member's own unsubscribe link or address and
 * nothing more: "<{{unsubscribe_url}}>", "mailto:{{unsubscribe_address}}".
 */
static int
own_link_word(const struct judge *j, const char *w, size_t n)
{
	size_t used;
	long i;
	int mailto;

	while (n > 0 && strchr("<([\"'", *w) != NULL) {
		w++;
		n--;
	}
	while (n > 0 && strchr(">)]\"'.,;:!?", w[n - 1]) != NULL)
		n--;
	if ((mailto = starts(w, n, "mailto:"))) {
		w += strlen("mailto:");
		n -= strlen("mailto:");
	}
	if ((i = marker_at(j, w, n, &used)) < 0 || used != n)
		return 0;
	return strcmp(j->ph[i].name, mailto ? "unsubscribe_address" :
	    "unsubscribe_url") == 0;
}

/*
 * Reads s word by word: each placeholder whose marker is in it is
 * flagged shown, and the first in a word that looks like a link is
 * returned, or -1.
 */
static long
first_in_link(struct judge *j, const char *s, size_t n)
{
	size_t from = 0, to, at, used;
	long i, first, found = -1;

	while (from < n) {
		for (; from < n && is_space(s[from]); from++)
			;
		for (to = from; to < n && !is_space(s[to]); to++)
			;
		for (first = -1, at = from; at < to; at++)
			if ((i = marker_at(j, s + at, to - at, &used)) >= 0) {
				j->ph[i].shown = 1;
				first = first < 0 ? i : first;
				at += used - 1;
			}
		if (first >= 0 && found < 0 && !own_link_word(j, s + from,
		    to - from) && link_like(j, s + from, to - from))
			found = first;
		from = to;
	}
	return found;
}

/* Elements that make a whole part able to send what it shows (a select
 * because browsers parse its content differently since 2016). */
static const GumboTag active_tags[] = {
	GUMBO_TAG_FORM, GUMBO_TAG_SCRIPT, GUMBO_TAG_ISINDEX, GUMBO_TAG_LINK,
	GUMBO_TAG_SELECT,
};

/* Elements whose content is no text shown between tags. */
static const GumboTag opaque_tags[] = {
	GUMBO_TAG_STYLE, GUMBO_TAG_SCRIPT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_XMP,
	GUMBO_TAG_NOSCRIPT, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES,
	GUMBO_TAG_IFRAME, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_SELECT,
	GUMBO_TAG_OPTION, GUMBO_TAG_OPTGROUP, GUMBO_TAG_DATALIST,
	GUMBO_TAG_OBJECT, GUMBO_TAG_APPLET, GUMBO_TAG_BUTTON,
	GUMBO_TAG_TEMPLATE,
};

#define TAG_IN(t, tags) tag_in(t, tags, sizeof(tags) / sizeof(tags[0]))

static int
tag_in(GumboTag t, const GumboTag *tags, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t == tags[i])
			return 1;
	return 0;
}

/*
 * Whether the CSS at t[0..n) starts an at-rule that fetches: @import, or
 * @font-face (a font per range of characters tells which characters a
 * text holds); an escape in an at-keyword could spell either.
 */
static int
fetching_rule(const char *t, size_t n)
{
	size_t k;

	if (n == 0 || *t != '@')
		return 0;
	for (k = 1; k < n && (is_alnum(t[k]) || t[k] == '-' || t[k] == '_' ||
	    t[k] == '\\'); k++)
		if (t[k] == '\\')
			return 1;
	return starts(t, n, "@import") || starts(t, n, "@font-face");
}

/* Whether a style sheet can fetch, or holds more than text. */
static int
sheet_fetches(const GumboNode *style)
{
	const GumboVector *kids = &style->v.element.children;
	const char *t;
	unsigned i;
	size_t k, n;

	for (i = 0; i < kids->length; i++) {
		const GumboNode *c = kids->data[i];

		if (c->type != GUMBO_NODE_TEXT &&
		    c->type != GUMBO_NODE_WHITESPACE)
			return 1;
		t = c->v.text.text;
		n = strlen(t);
		for (k = 0; k < n; k++)
			if (fetching_rule(t + k, n - k))
				return 1;
	}
	return 0;
}

/*
 * Whether attribute a of element el is the whole href of a link to the
 * member's own unsubscribe page or address, which leads to the list:
 * "{{unsubscribe_url}}", "mailto:{{unsubscribe_address}}" with at most
 * a subject (no other field: a cc would copy someone in).
 */
static int
link_to_list(struct judge *j, const GumboElement *el,
    const GumboAttribute *a)
{
	const char *v = a->value, *q;
	size_t used, n;
	long i;
	int mailto;

	if (el->tag != GUMBO_TAG_A || strcmp(a->name, "href") != 0)
		return 0;
	if ((mailto = starts(v, strlen(v), "mailto:")))
		v += strlen("mailto:");
	n = strlen(v);
	if (mailto && (q = strchr(v, '?')) != NULL) {
		if (!starts(q, strlen(q), "?subject=") || strchr(q, '&') !=
		    NULL || strchr(q, '#') != NULL)
			return 0;
		n = (size_t)(q - v);
	}
	if ((i = marker_at(j, v, n, &used)) < 0 || used != n ||
	    strstr(v + n, j->nonce) != NULL)
		return 0;
	if (strcmp(j->ph[i].name, mailto ? "unsubscribe_address" :
	    "unsubscribe_url") != 0)
		return 0;
	j->ph[i].link_ok = 1;
	return 1;
}

static void walk(struct judge *j, const GumboNode *node, int opaque);

static void
element(struct judge *j, const GumboNode *node, int opaque)
{
	const GumboElement *el = &node->v.element;
	const GumboAttribute *a;
	unsigned i;

	if (el->tag_namespace != GUMBO_NAMESPACE_HTML ||
	    TAG_IN(el->tag, active_tags) ||
	    (el->tag == GUMBO_TAG_STYLE && sheet_fetches(node)))
		j->active = 1;
	for (i = 0; i < el->attributes.length; i++) {
		a = el->attributes.data[i];
		if (!link_to_list(j, el, a)) {
			mark_bad(j, a->name);
			mark_bad(j, a->value);
		}
	}
	opaque = opaque || node->type == GUMBO_NODE_TEMPLATE ||
	    TAG_IN(el->tag, opaque_tags);
	/* No space between elements: a client may show them on one line
	 * (CSS can make any element inline) and take the text for one
	 * word. */
	for (i = 0; i < el->children.length; i++)
		walk(j, el->children.data[i], opaque);
}

static void
walk(struct judge *j, const GumboNode *node, int opaque)
{
	const GumboDocument *doc;
	unsigned i;

	switch (node->type) {
	case GUMBO_NODE_DOCUMENT:
		doc = &node->v.document;
		mark_bad(j, doc->name);
		mark_bad(j, doc->public_identifier);
		mark_bad(j, doc->system_identifier);
		for (i = 0; i < doc->children.length; i++)
			walk(j, doc->children.data[i], opaque);
		break;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		element(j, node, opaque);
		break;
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		if (opaque)
			mark_bad(j, node->v.text.text);
		else
			buf_adds(&j->shown, node->v.text.text);
		break;
	case GUMBO_NODE_COMMENT:
		mark_bad(j, node->v.text.text);
		break;
	}
}

/*
 * Whether gumbo parses text in time: at most TAGS_MAX tags, and none
 * with more than ATTRS_MAX separators of attributes (its check for
 * duplicate attributes takes the square of their number: 100,000 in
 * one tag took 40 s).
 */
static int
parse_cheap(const char *t, size_t len)
{
	size_t i, tags = 0, seps = 0;
	int in_tag = 0;

	for (i = 0; i < len; i++) {
		if (t[i] == '<') {
			tags++;
			in_tag = 1;
			seps = 0;
		} else if (t[i] == '>')
			in_tag = 0;
		else if (in_tag && (is_space(t[i]) || t[i] == '/'))
			seps++;
		if (tags > TAGS_MAX || seps > ATTRS_MAX)
			return 0;
	}
	return 1;
}

/* Parses the probe; 0, or -1 if it did not fit the budget. */
static int
parse_html(struct judge *j)
{
	GumboOptions opt = kGumboDefaultOptions;
	struct arena *a = xcalloc(1, sizeof(*a));	/* not on the stack
							 * longjmp returns to */
	GumboOutput *out;

	if (!parse_cheap(j->probe.data, j->probe.len)) {
		free(a);
		return -1;
	}
	opt.allocator = arena_alloc;
	opt.deallocator = arena_free;
	opt.userdata = a;
	opt.max_errors = 0;
	if (setjmp(a->out) != 0) {
		arena_release(a);
		free(a);
		return -1;
	}
	out = gumbo_parse_with_options(&opt, j->probe.data, j->probe.len);
	walk(j, out->document, 0);
	gumbo_destroy_output(&opt, out);
	arena_release(a);
	free(a);
	return 0;
}

/*
 * Whether HTML text holds no control character but tab and line ends:
 * an escape left by a charset label the decoder took for ASCII (but a
 * browser would not) can switch a browser into ISO-2022-JP, where "<"
 * after it starts a tag the parser here took for text.
 */
static int
plain_bytes(const char *t, size_t len)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)t[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f') || c == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Copies text into the probe, each placeholder replaced by its marker
 * and its default; -1 if there are more than PH_MAX.  A default that
 * holds markup counts as seen in markup: it could open a tag for the
 * next placeholder to land in when a member has no value.
 */
static int
make_probe(struct judge *j, const char *text, size_t len, int html)
{
	char name[PLACEHOLDER_NAME_MAX + 1], mark[MARK_MAX];
	size_t at, start, end;
	const char *bar;

	if (html && !plain_bytes(text, len))
		return -1;
	at = 0;
	while (placeholder_find(text, len, at, name, &start, &end)) {
		if (j->n == PH_MAX)
			return -1;
		j->ph = xrealloc(j->ph, (j->n + 1) * sizeof(*j->ph));
		memset(&j->ph[j->n], 0, sizeof(j->ph[0]));
		memcpy(j->ph[j->n].name, name, sizeof(name));
		str_fmt(mark, sizeof(mark), "%s%zuq", j->nonce, j->n);
		buf_add(&j->probe, text + at, start - at);
		buf_adds(&j->probe, mark);
		if ((bar = memchr(text + start, '|', end - start)) != NULL) {
			buf_add(&j->probe, bar + 1, (size_t)(text + end - 2 -
			    bar - 1));
			for (; html && bar < text + end; bar++)
				if (strchr("<>\"'", *bar) != NULL)
					j->ph[j->n].bad = 1;
		}
		j->n++;
		at = end;
	}
	buf_add(&j->probe, text + at, len - at);
	return 0;
}

/* Plain text as a client shows it: a line that ends in a space (a
 * format=flowed soft break) runs on into the next, here without it. */
static void
join_soft_breaks(struct buf *b)
{
	size_t i, o = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == ' ' && i + 1 < b->len &&
		    b->data[i + 1] == '\n') {
			i++;
			continue;
		}
		b->data[o++] = b->data[i];
	}
	b->len = o;
}

static enum exposure
verdict(struct judge *j, const char *shown, size_t n, long *which)
{
	long link = first_in_link(j, shown, n);
	size_t i;

	if (j->active) {
		*which = 0;
		return EXPOSURE_ACTIVE;
	}
	for (i = 0; i < j->n; i++)
		if (j->ph[i].bad || (!j->ph[i].shown && !j->ph[i].link_ok)) {
			*which = (long)i;
			return EXPOSURE_MARKUP;
		}
	*which = link;
	return link >= 0 ? EXPOSURE_LINK : EXPOSURE_NONE;
}

enum exposure
exposure_find(const char *text, size_t len, int html,
    char name[PLACEHOLDER_NAME_MAX + 1])
{
	struct judge j = { 0 };
	enum exposure x;
	long which = 0;

	/* The probe is the text with each placeholder's name replaced by a
	 * marker; the text shown is the probe's text with references
	 * decoded, which hardly ever makes it longer. */
	buf_init(&j.probe, len + PH_MAX * MARK_MAX);
	buf_init(&j.shown, 3 * len + PH_MAX * 32 + 64);
	if (make_nonce(&j) < 0 || make_probe(&j, text, len, html) < 0)
		x = EXPOSURE_UNJUDGED;
	else if (j.n == 0)
		x = EXPOSURE_NONE;
	else if (html && parse_html(&j) < 0)
		x = EXPOSURE_UNJUDGED;
	else if (html)
		x = verdict(&j, j.shown.data, j.shown.len, &which);
	else {
		join_soft_breaks(&j.probe);
		x = verdict(&j, j.probe.data, j.probe.len, &which);
	}
	name[0] = '\0';
	if (x != EXPOSURE_NONE && j.n > 0)
		memcpy(name, j.ph[which].name, PLACEHOLDER_NAME_MAX + 1);
	free(j.ph);
	buf_free(&j.probe);
	buf_free(&j.shown);
	return x;
}

const char *
exposure_where(enum exposure x)
{
	switch (x) {
	case EXPOSURE_MARKUP:
		return "inside HTML markup (an address, a style, a comment or "
		    "a form field)";
	case EXPOSURE_ACTIVE:
		return "in an HTML part with a form, a script, a style sheet "
		    "that loads, or SVG";
	case EXPOSURE_LINK:
		return "in a link or an address";
	case EXPOSURE_UNJUDGED:
		return "in HTML too large or too deeply nested to judge";
	case EXPOSURE_NONE:
		break;
	}
	return "in the text";
}
