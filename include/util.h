/*
 * util.h: small helpers that know nothing about mail.
 */
#ifndef HERALD_UTIL_H
#define HERALD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Allocation that cannot fail: on exhaustion they log and abort(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);			/* owned */
char *xstrndup(const char *s, size_t n);	/* owned */
char *xasprintf(const char *fmt, ...)		/* owned */
    __attribute__((format(printf, 1, 2)));

/*
 * Bounded copy: copies src into dst[size] and returns 0, or returns -1
 * (with dst emptied) when src does not fit.  A truncated copy is an error,
 * never a shorter value.
 */
int str_copy(char *dst, size_t size, const char *src);

/* As str_copy, for a formatted string. */
int str_fmt(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ASCII-only case folding, independent of the locale. */
char ascii_lower(char c);
void str_lower(char *s);
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);
int str_has_suffix(const char *s, const char *suffix);

/* Nonzero if s holds a CR, an LF or a byte below 0x20 other than TAB. */
int str_has_ctl(const char *s);

/* Nonzero if every byte of s[0..len) is 7-bit. */
int mem_is_ascii(const void *s, size_t len);

/* Strict decimal parse of all of s into [min, max]; -1 if it does not fit. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/*
 * Parses a duration such as "90", "90s", "15m", "4h", "3d" into seconds.
 */
int parse_duration(const char *s, int64_t *seconds);

/* Parses a size such as "512", "64k", "10M", "1G" into octets. */
int parse_size(const char *s, int64_t *octets);

/* Seconds since the epoch, and a monotonic clock in milliseconds. */
int64_t now_s(void);
int64_t mono_ms(void);

#endif
