/*
 * placeholder.h: {{name}} placeholders in text.
 *
 * "{{name}}" is replaced by the value the caller's lookup gives for name;
 * "{{name|default}}" by the default when the lookup gives none.  Names are
 * letters, digits, _ and -; anything else between braces is left as text,
 * and so is an unclosed "{{".  Values are inserted as they are: escaping
 * for HTML or a header is the caller's business.
 */
#ifndef HERALD_PLACEHOLDER_H
#define HERALD_PLACEHOLDER_H

#include <stddef.h>

#include "buf.h"

#define PLACEHOLDER_NAME_MAX 64

/* Gives the value of name, or NULL if there is none. */
typedef const char *(*placeholder_lookup)(const char *name, void *arg);

/*
 * Appends text[0..len) to out with its placeholders filled.  Returns the
 * number of placeholders that had neither a value nor a default (they
 * become ""), or -1 if out reached its maximum.
 */
int placeholder_expand(const char *text, size_t len, placeholder_lookup fn,
    void *arg, struct buf *out);

/*
 * As placeholder_expand, but a placeholder with neither a value nor a
 * default of its own gets fallback (which may be NULL: "").
 */
int placeholder_expand_or(const char *text, size_t len,
    placeholder_lookup fn, void *arg, const char *fallback,
    struct buf *out);

/*
 * As placeholder_expand, but a placeholder the lookup has no value for
 * stays as written, default and all, for a later pass to fill.
 */
int placeholder_expand_keep(const char *text, size_t len,
    placeholder_lookup fn, void *arg, struct buf *out);

/*
 * Finds the first placeholder in text[from..len): 1 with its name (of at
 * most PLACEHOLDER_NAME_MAX bytes) and the offsets where it starts and
 * ends, 0 if there is none.
 */
int placeholder_find(const char *text, size_t len, size_t from,
    char name[PLACEHOLDER_NAME_MAX + 1], size_t *start, size_t *end);

/* Calls fn for the name of each placeholder in text, in order. */
void placeholder_each(const char *text, size_t len,
    void (*fn)(const char *name, int has_default, void *arg), void *arg);

#endif
