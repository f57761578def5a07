/*
 * subject.c: the list's subject prefix.
 */
#include <string.h>

#include "buf.h"
#include "subject.h"
#include "util.h"

#define SUBJECT_MAX 65536
#define TAG_MAX 64		/* a longer [...] is text, not a tag */

/*
 * Reply and forward markers in the languages mail clients commonly write
 * them in, compared without regard to ASCII case.  Each counts only when a
 * colon follows (after an optional count such as "[2]" or "^2").
 */
static const char *const markers[] = {
	"re", "aw", "sv", "vs", "antw", "antwort", "odp", "ynt", "rif", "r",
	"res", "ref", "réf", "atb", "vá", "fw", "fwd", "wg", "tr", "rv",
	"enc", "doorst", "vl", "vb", "i", "pd", "πρθ", "απ", "σχετ",
	"回复", "回覆", "答复", "转发", "轉寄", "返信", "転送", "회신", "전달",
};

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* After a marker word: "[2]", "^2" or "(2)" and then ":" or "：". */
static const char *
marker_end(const char *s)
{
	if (*s == '[' || *s == '(' || *s == '^') {
		char close = *s == '[' ? ']' : *s == '(' ? ')' : '\0';

		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
		if (close != '\0' && *s++ != close)
			return NULL;
	}
	s = skip_space(s);
	if (*s == ':')
		return s + 1;
	if (strncmp(s, "\xef\xbc\x9a", 3) == 0)	/* U+FF1A FULLWIDTH COLON */
		return s + 3;
	return NULL;
}

/* The end of a reply/forward marker at s, or NULL. */
static const char *
match_marker(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		size_t n = strlen(markers[i]);
		const char *end;

		if (str_ncasecmp(s, markers[i], n) == 0 &&
		    (end = marker_end(s + n)) != NULL)
			return end;
	}
	return NULL;
}

/* The end of a bracketed tag at s ("[users]"), or NULL. */
static const char *
match_tag(const char *s)
{
	const char *close;

	if (*s != '[' || (close = strchr(s, ']')) == NULL ||
	    close - s > TAG_MAX || memchr(s + 1, '[', (size_t)(close - s - 1)))
		return NULL;
	return close + 1;
}

/* The tag of the prefix: "[dev] " gives "[dev]". */
static void
prefix_tag(const char *prefix, char *tag, size_t size)
{
	const char *s = skip_space(prefix);
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(tag, s, len);
	tag[len] = '\0';
}

static void
add_word(struct buf *b, const char *s, size_t n)
{
	if (b->len > 0 && b->data[b->len - 1] != ' ')
		buf_addc(b, ' ');
	buf_add(b, s, n);
}

char *
subject_apply_prefix(const char *subject, const char *prefix)
{
	char tag[TAG_MAX * 4];
	struct buf marker, tags, out;
	const char *s = subject != NULL ? subject : "", *end;
	size_t taglen;

	prefix_tag(prefix, tag, sizeof(tag));
	if ((taglen = strlen(tag)) == 0)
		return xstrdup(s);
	buf_init(&marker, SUBJECT_MAX);
	buf_init(&tags, SUBJECT_MAX);
	buf_init(&out, SUBJECT_MAX);
	for (;;) {
		s = skip_space(s);
		if (str_ncasecmp(s, tag, taglen) == 0) {
			s += taglen;
		} else if ((end = match_marker(s)) != NULL) {
			if (marker.len == 0)
				buf_add(&marker, s, (size_t)(end - s));
			s = end;
		} else if ((end = match_tag(s)) != NULL) {
			add_word(&tags, s, (size_t)(end - s));
			s = end;
		} else
			break;
	}
	buf_adds(&out, prefix);
	if (marker.len > 0)
		add_word(&out, marker.data, marker.len);
	if (tags.len > 0)
		add_word(&out, tags.data, tags.len);
	if (*s != '\0')
		add_word(&out, s, strlen(s));
	while (out.len > 0 && out.data[out.len - 1] == ' ')
		out.data[--out.len] = '\0';
	buf_free(&marker);
	buf_free(&tags);
	return buf_take(&out, NULL);
}
