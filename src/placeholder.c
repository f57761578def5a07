/*
 * placeholder.c: {{name}} placeholders in text.
 */
#include <string.h>

#include "placeholder.h"

struct ph {
	const char *start;	/* "{{" */
	const char *end;	/* just past "}}" */
	char name[PLACEHOLDER_NAME_MAX + 1];
	const char *dflt;	/* after "|", or NULL */
	size_t dflt_len;
};

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Parses a placeholder at p (which starts "{{"); 0 if it is none. */
static int
parse(const char *p, const char *limit, struct ph *ph)
{
	const char *q = p + 2, *close;
	size_t n = 0;

	while (q < limit && (*q == ' '))
		q++;
	while (q < limit && name_char(*q) && n < PLACEHOLDER_NAME_MAX)
		ph->name[n++] = *q++;
	ph->name[n] = '\0';
	while (q < limit && *q == ' ')
		q++;
	if (n == 0 || q >= limit)
		return 0;
	ph->dflt = NULL;
	if (*q == '|') {
		ph->dflt = q + 1;
		close = memmem(q, (size_t)(limit - q), "}}", 2);
		if (close == NULL || memchr(q, '\n', (size_t)(close - q)))
			return 0;
		ph->dflt_len = (size_t)(close - ph->dflt);
		q = close;
	}
	if (limit - q < 2 || q[0] != '}' || q[1] != '}')
		return 0;
	ph->start = p;
	ph->end = q + 2;
	return 1;
}

/* The next placeholder at or after p, or 0. */
static int
next(const char *p, const char *limit, struct ph *ph)
{
	while ((p = memmem(p, (size_t)(limit - p), "{{", 2)) != NULL) {
		if (parse(p, limit, ph))
			return 1;
		p++;	/* "{{{name}}}" holds a placeholder one further on */
	}
	return 0;
}

/* What becomes of a placeholder the lookup has no value for. */
enum unknown {
	UNKNOWN_DEFAULT,	/* its default, else the fallback */
	UNKNOWN_KEEP		/* stays as written */
};

static int
expand(const char *text, size_t len, placeholder_lookup fn, void *arg,
    enum unknown unknown, const char *fallback, struct buf *out)
{
	const char *p = text, *limit = text + len, *v;
	struct ph ph;
	int missing = 0, rc;

	while (next(p, limit, &ph)) {
		if (buf_add(out, p, (size_t)(ph.start - p)) < 0)
			return -1;
		if ((v = fn(ph.name, arg)) != NULL)
			rc = buf_adds(out, v);
		else if (unknown == UNKNOWN_KEEP)
			rc = buf_add(out, ph.start,
			    (size_t)(ph.end - ph.start));
		else if (ph.dflt != NULL)
			rc = buf_add(out, ph.dflt, ph.dflt_len);
		else {
			missing++;
			rc = fallback != NULL ? buf_adds(out, fallback) : 0;
		}
		if (rc < 0)
			return -1;
		p = ph.end;
	}
	if (buf_add(out, p, (size_t)(limit - p)) < 0)
		return -1;
	return missing;
}

int
placeholder_expand(const char *text, size_t len, placeholder_lookup fn,
    void *arg, struct buf *out)
{
	return expand(text, len, fn, arg, UNKNOWN_DEFAULT, NULL, out);
}

int
placeholder_expand_or(const char *text, size_t len, placeholder_lookup fn,
    void *arg, const char *fallback, struct buf *out)
{
	return expand(text, len, fn, arg, UNKNOWN_DEFAULT, fallback, out);
}

int
placeholder_expand_keep(const char *text, size_t len, placeholder_lookup fn,
    void *arg, struct buf *out)
{
	return expand(text, len, fn, arg, UNKNOWN_KEEP, NULL, out);
}

int
placeholder_find(const char *text, size_t len, size_t from,
    char name[PLACEHOLDER_NAME_MAX + 1], size_t *start, size_t *end)
{
	struct ph ph;

	if (from > len || !next(text + from, text + len, &ph))
		return 0;
	memcpy(name, ph.name, sizeof(ph.name));
	*start = (size_t)(ph.start - text);
	*end = (size_t)(ph.end - text);
	return 1;
}

void
placeholder_each(const char *text, size_t len,
    void (*fn)(const char *name, int has_default, void *arg), void *arg)
{
	const char *p = text, *limit = text + len;
	struct ph ph;

	while (next(p, limit, &ph)) {
		fn(ph.name, ph.dflt != NULL, arg);
		p = ph.end;
	}
}
