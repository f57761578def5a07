/*
 * mailcmd.c: the commands in mail to NAME-request@.
 */
#include <string.h>

#include "mailcmd.h"
#include "util.h"

static const struct {
	const char *word;
	enum mailcmd_verb verb;
} verbs[] = {
	{ "subscribe", MAILCMD_SUBSCRIBE }, { "join", MAILCMD_SUBSCRIBE },
	{ "unsubscribe", MAILCMD_UNSUBSCRIBE },
	{ "leave", MAILCMD_UNSUBSCRIBE },
	{ "help", MAILCMD_HELP }, { "confirm", MAILCMD_CONFIRM },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

const char *
mailcmd_name(enum mailcmd_verb v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].word;
	return "?";
}

/* A CR left over from a CRLF counts as space, as it would on screen. */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Splits a line into at most max words (pointers into w[]). */
static int
words(const char *line, size_t len, char w[][MAILCMD_LINE_MAX + 1],
    int max)
{
	size_t i = 0, n;
	int count = 0;

	while (i < len) {
		while (i < len && blank(line[i]))
			i++;
		if (i == len)
			break;
		if (count == max)
			return -1;
		for (n = 0; i < len && !blank(line[i]); i++)
			w[count][n++] = line[i];
		w[count++][n] = '\0';
	}
	return count;
}

/* "address=X" or "address=<X>": X into out. */
static int
address_arg(const char *w, char *out)
{
	size_t len;

	if (str_ncasecmp(w, "address=", 8) != 0)
		return -1;
	w += 8;
	len = strlen(w);
	if (len >= 2 && w[0] == '<' && w[len - 1] == '>') {
		w++;
		len -= 2;
	}
	if (len == 0 || len > MAILCMD_ARG_MAX)
		return -1;
	memcpy(out, w, len);
	out[len] = '\0';
	return 0;
}

static int
find_verb(const char *w, enum mailcmd_verb *v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++) {
		if (str_casecmp(w, verbs[i].word) == 0) {
			*v = verbs[i].verb;
			return 0;
		}
	}
	return -1;
}

int
mailcmd_line(const char *line, size_t len, struct mailcmd *out)
{
	char w[3][MAILCMD_LINE_MAX + 1];
	int n;

	if (len > MAILCMD_LINE_MAX || (n = words(line, len, w, 2)) <= 0)
		return -1;
	if (n == 1 && (str_casecmp(w[0], "end") == 0 ||
	    str_casecmp(w[0], "stop") == 0))
		return 1;
	if (find_verb(w[0], &out->verb) < 0)
		return -1;
	out->arg[0] = '\0';
	switch (out->verb) {
	case MAILCMD_SUBSCRIBE:
	case MAILCMD_UNSUBSCRIBE:
		return n == 1 || address_arg(w[1], out->arg) == 0 ? 0 : -1;
	case MAILCMD_HELP:
		return n == 1 ? 0 : -1;
	case MAILCMD_CONFIRM:
		if (n != 2 || strlen(w[1]) > MAILCMD_ARG_MAX)
			return -1;
		return str_copy(out->arg, sizeof(out->arg), w[1]);
	}
	return -1;
}

/* The subject without leading reply and forward markers. */
static const char *
strip_markers(const char *s)
{
	static const char *const markers[] = {
		"re:", "aw:", "sv:", "antw:", "fw:", "fwd:", "wg:", "tr:",
	};
	size_t i;
	int again = 1;

	while (again) {
		again = 0;
		while (blank(*s))
			s++;
		for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
			size_t n = strlen(markers[i]);

			if (str_ncasecmp(s, markers[i], n) == 0) {
				s += n;
				again = 1;
				break;
			}
		}
	}
	return s;
}

/* Adds c unless the same command is there already; the new count. */
static int
add(struct mailcmd *out, int n, const struct mailcmd *c)
{
	int i;

	for (i = 0; i < n; i++)
		if (out[i].verb == c->verb &&
		    str_casecmp(out[i].arg, c->arg) == 0)
			return n;
	out[n] = *c;
	return n + 1;
}

/* A signature separator: "-- " as RFC 3676 section 4.3 has it, or "--". */
static int
signature(const char *line, size_t len)
{
	while (len > 0 && blank(line[len - 1]))
		len--;
	return len == 2 && line[0] == '-' && line[1] == '-';
}

static int
body_commands(const char *body, struct mailcmd *out, int n, int max)
{
	struct mailcmd c;
	const char *p = body, *nl, *s;
	size_t len;
	int rc;

	for (; n < max && *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		if (signature(p, len))
			break;
		for (s = p; s < nl && blank(*s); s++)
			len--;
		if (len == 0 || *s == '>')
			continue;
		if ((rc = mailcmd_line(s, len, &c)) != 0)
			break;
		n = add(out, n, &c);
	}
	return n;
}

int
mailcmd_parse(const char *subject, const char *body, struct mailcmd *out,
    int max)
{
	struct mailcmd c;
	const char *s;
	int n = 0;

	if (max <= 0)
		return 0;
	if (subject != NULL) {
		s = strip_markers(subject);
		if (mailcmd_line(s, strlen(s), &c) == 0)
			n = add(out, n, &c);
	}
	if (body != NULL)
		n = body_commands(body, out, n, max);
	return n;
}
