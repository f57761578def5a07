/*
 * exposure.c: where a member's value, filled into a post, could leave
 * the member's mailbox.
 *
 * The text is judged through a shadow copy in which every placeholder is
 * overwritten with 'x': that is what the client sees of it, a value with
 * no markup (values are HTML-escaped) and, for the purpose of finding
 * words, no space.  Offsets stay those of the text.
 */
#include <stdlib.h>
#include <string.h>

#include "exposure.h"
#include "util.h"

/* Where the HTML scan is. */
enum state {
	S_DATA,		/* text between tags */
	S_TAG,		/* inside "<...>" */
	S_DQUOTE,	/* a "..." inside a tag */
	S_SQUOTE,	/* a '...' inside a tag */
	S_COMMENT,	/* "<!-- ... -->" */
	S_RAW		/* the content of a style, script or textarea */
};

struct scan {
	const char *t;
	size_t len, at;
	enum state st;
	size_t tag;		/* where the current tag's name starts */
	const char *raw_end;	/* "</style" ...: what ends S_RAW */
};

/* Elements whose content is no text between tags. */
static const char *const raw_elements[][2] = {
	{ "style", "</style" }, { "script", "</script" },
	{ "textarea", "</textarea" },
};

/* Tags that make a whole part active: a form sends, a script reads. */
static const char *const active_tags[] = { "<form", "<script", "<isindex" };

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Whether t[0..left) starts with lower-case s, in any case. */
static int
starts(const char *t, size_t left, const char *s)
{
	size_t i, n = strlen(s);

	if (left < n)
		return 0;
	for (i = 0; i < n; i++)
		if (ascii_lower(t[i]) != s[i])
			return 0;
	return 1;
}

/* Whether a name (or "</name") ends at t[0]: a browser's delimiters. */
static int
name_ends(const char *t, size_t left)
{
	return left == 0 || is_space(*t) || *t == '/' || *t == '>';
}

/* The state after the '>' that closes the current tag. */
static enum state
tag_closed(struct scan *s)
{
	const char *name = s->t + s->tag;
	size_t i, n, left = s->len - s->tag;

	for (i = 0; i < sizeof(raw_elements) / sizeof(raw_elements[0]);
	    i++) {
		n = strlen(raw_elements[i][0]);
		if (starts(name, left, raw_elements[i][0]) &&
		    name_ends(name + n, left - n)) {
			s->raw_end = raw_elements[i][1];
			return S_RAW;
		}
	}
	return S_DATA;
}

/* Moves the scan one step on. */
static void
step(struct scan *s)
{
	const char *p = s->t + s->at;
	size_t n, left = s->len - s->at;

	switch (s->st) {
	case S_DATA:
		if (starts(p, left, "<!--")) {
			s->st = S_COMMENT;
			s->at += 4;
			return;
		}
		/* "<" and anything but a space opens a tag here; a browser
		 * wants a letter, "/", "!" or "?", so this errs to markup. */
		if (*p == '<' && left > 1 && !is_space(p[1])) {
			s->st = S_TAG;
			s->tag = s->at + 1;
		}
		break;
	case S_TAG:
		if (*p == '"')
			s->st = S_DQUOTE;
		else if (*p == '\'')
			s->st = S_SQUOTE;
		else if (*p == '>')
			s->st = tag_closed(s);
		break;
	case S_DQUOTE:
		if (*p == '"')
			s->st = S_TAG;
		break;
	case S_SQUOTE:
		if (*p == '\'')
			s->st = S_TAG;
		break;
	case S_COMMENT:
		if (starts(p, left, "-->")) {
			s->st = S_DATA;
			s->at += 3;
			return;
		}
		break;
	case S_RAW:
		n = strlen(s->raw_end);
		if (starts(p, left, s->raw_end) && name_ends(p + n, left - n)) {
			s->st = S_TAG;	/* the end tag, closed by its '>' */
			s->tag = s->at + 1;
		}
		break;
	}
	s->at++;
}

/* The state of the scan at offset to (which is not before it). */
static enum state
scan_to(struct scan *s, size_t to)
{
	while (s->at < to)
		step(s);
	return s->st;
}

/* Whether an HTML text has a form or a script anywhere. */
static int
active(const char *t, size_t len)
{
	size_t at, i;

	for (at = 0; at < len; at++)
		for (i = 0; i < sizeof(active_tags) / sizeof(active_tags[0]);
		    i++)
			if (t[at] == '<' && starts(t + at, len - at,
			    active_tags[i]))
				return 1;
	return 0;
}

/*
 * Whether the word w[0..n) looks like a link or an address to a mail
 * client: "://", "www.", "@", a scheme ("name:" and more), or a dot
 * before a letter or digit, as in a bare domain.
 */
static int
link_like(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i] == '@' || starts(w + i, n - i, "://") ||
		    starts(w + i, n - i, "www."))
			return 1;
		if (w[i] == '.' && i + 1 < n && is_alnum(w[i + 1]))
			return 1;
	}
	while (n > 0 && !is_alnum(*w)) {	/* "<http:", "(mailto:" */
		w++;
		n--;
	}
	for (i = 0; i < n && (is_alnum(w[i]) || w[i] == '+' || w[i] == '-');
	    i++)
		;
	return i > 0 && i + 1 < n && w[i] == ':';
}

/* Named references that stand for a character a link is made of. */
static const struct {
	const char *name;
	char c;
} link_refs[] = {
	{ "commat", '@' }, { "period", '.' }, { "colon", ':' },
	{ "sol", '/' },
};

/*
 * The character an HTML character reference at w[0..n) ("&#64;",
 * "&#x40", "&commat;") stands for, as far as links go, and its length in
 * *used; 0 if w holds none.  Any other named reference is 'x': a
 * character of a word, no space.
 */
/* The value of digit c in base 10 or 16, or -1. */
static int
digit(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f')
		return ascii_lower(c) - 'a' + 10;
	return -1;
}

static char
reference(const char *w, size_t n, size_t *used)
{
	size_t i = 1, j, first;
	unsigned long v = 0;
	int hex, d;

	if (n < 3 || w[0] != '&')
		return 0;
	if (w[1] == '#') {
		hex = w[2] == 'x' || w[2] == 'X';
		first = i = 2 + (size_t)hex;
		for (; i < n && (d = digit(w[i], hex)) >= 0; i++)
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) + (unsigned long)d;
		if (i == first)
			return 0;
		*used = i + (i < n && w[i] == ';');
		return v > 0x20 && v < 0x7f ? (char)v : 'x';
	}
	for (j = 0; j < sizeof(link_refs) / sizeof(link_refs[0]); j++)
		if (starts(w + 1, n - 1, link_refs[j].name)) {
			*used = 1 + strlen(link_refs[j].name);
			*used += *used < n && w[*used] == ';';
			return link_refs[j].c;
		}
	while (i < n && is_alnum(w[i]))
		i++;
	if (i == 1)
		return 0;
	*used = i + (i < n && w[i] == ';');
	return 'x';
}

/* The word w[0..n) as a client shows it: HTML references decoded. */
static char *
decoded_word(const char *w, size_t n, size_t *out_len)
{
	char *d = xmalloc(n + 1), c;
	size_t i = 0, o = 0, used;

	while (i < n) {
		if ((c = reference(w + i, n - i, &used)) != 0) {
			d[o++] = c;
			i += used;
		} else
			d[o++] = w[i++];
	}
	*out_len = o;
	return d;
}

/* Whether c ends a word: text between tags is a word of its own. */
static int
word_end(char c, int html)
{
	return is_space(c) || (html && (c == '<' || c == '>'));
}

/*
 * Whether the placeholder at shadow[start..end) is in a word that is a
 * link or an address.
 */
static int
in_link(const char *shadow, size_t len, size_t start, size_t end,
    int html)
{
	char *w;
	size_t n;
	int yes;

	while (start > 0 && !word_end(shadow[start - 1], html))
		start--;
	while (end < len && !word_end(shadow[end], html))
		end++;
	if (!html)
		return link_like(shadow + start, end - start);
	w = decoded_word(shadow + start, end - start, &n);
	yes = link_like(w, n);
	free(w);
	return yes;
}

/* Whether a placeholder's own default holds markup. */
static int
markup_default(const char *t, size_t start, size_t end)
{
	const char *bar = memchr(t + start, '|', end - start);

	for (; bar != NULL && bar < t + end; bar++)
		if (*bar != '\0' && strchr("<>\"'", *bar) != NULL)
			return 1;
	return 0;
}

/* The shadow of text: every placeholder overwritten with 'x'. */
static char *
shadow_of(const char *text, size_t len)
{
	char *sh = xmalloc(len + 1), name[PLACEHOLDER_NAME_MAX + 1];
	size_t at = 0, start, end;

	memcpy(sh, text, len);
	sh[len] = '\0';
	while (placeholder_find(text, len, at, name, &start, &end)) {
		memset(sh + start, 'x', end - start);
		at = end;
	}
	return sh;
}

static enum exposure
judge(const char *text, const char *sh, size_t len, int html,
    char name[PLACEHOLDER_NAME_MAX + 1])
{
	struct scan s = { .t = sh, .len = len, .st = S_DATA };
	int act = html && active(sh, len);
	size_t at = 0, start, end;

	while (placeholder_find(text, len, at, name, &start, &end)) {
		if (act)
			return EXPOSURE_ACTIVE;
		if (html && (scan_to(&s, start) != S_DATA ||
		    markup_default(text, start, end)))
			return EXPOSURE_MARKUP;
		if (in_link(sh, len, start, end, html))
			return EXPOSURE_LINK;
		at = end;
	}
	name[0] = '\0';
	return EXPOSURE_NONE;
}

enum exposure
exposure_find(const char *text, size_t len, int html,
    char name[PLACEHOLDER_NAME_MAX + 1])
{
	char *sh = shadow_of(text, len);
	enum exposure x = judge(text, sh, len, html, name);

	free(sh);
	return x;
}

const char *
exposure_where(enum exposure x)
{
	switch (x) {
	case EXPOSURE_MARKUP:
		return "inside HTML markup (an address, a style or a comment)";
	case EXPOSURE_ACTIVE:
		return "in an HTML part with a form or a script";
	case EXPOSURE_LINK:
		return "in a link or an address";
	case EXPOSURE_NONE:
		break;
	}
	return "in the text";
}
