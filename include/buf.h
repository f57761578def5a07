/*
 * buf.h: a growable byte buffer with a maximum size.
 *
 * Every buffer that grows from outside input has a ceiling; appending past
 * it fails instead of growing without bound.  The contents are always
 * followed by a NUL byte (not counted in len) so text can be used as a C
 * string.
 */
#ifndef HERALD_BUF_H
#define HERALD_BUF_H

#include <stddef.h>

struct buf {
	char *data;	/* owned; NUL-terminated */
	size_t len;
	size_t cap;
	size_t max;	/* the most len may ever be */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

/* Each returns 0, or -1 if the result would exceed the maximum. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as HTML text or attribute value: & < > " ' escaped. */
int buf_add_html(struct buf *b, const char *s);

/* Takes the contents (owned by the caller); b is left empty. */
char *buf_take(struct buf *b, size_t *len);

#endif
