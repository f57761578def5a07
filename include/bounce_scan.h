/*
 * bounce_scan.h: the small text scanners the bounce readers share:
 * case-insensitive phrase search, mail addresses in free text, and the
 * status codes of SMTP replies and delivery reports.
 *
 * All take text as a pointer and a length (it need not be NUL-
 * terminated; a NUL octet is just another octet) and never read past it.
 * Phrases are lower-case ASCII.
 */
#ifndef HERALD_BOUNCE_SCAN_H
#define HERALD_BOUNCE_SCAN_H

#include <stddef.h>

#include "addr.h"

/* Where phrase first occurs in s[0..len), ignoring ASCII case; or NULL. */
const char *bounce_scan_find(const char *s, size_t len, const char *phrase);

/* Nonzero if s[0..len) holds one of the phrases of a NULL-ended list. */
int bounce_scan_any(const char *s, size_t len, const char *const *phrases);

/*
 * Finds the next mail address in s[0..len): an addr-spec (dot-atom local
 * part, host-name domain with an alphabetic top-level label) that passes
 * addr_check().  Writes it lower-cased to out[ADDR_MAX + 1], sets *at to
 * where it starts, and returns where it ends; NULL if there is none.
 */
const char *bounce_scan_addr(const char *s, size_t len, const char **at,
    char *out);

/*
 * Finds a failure status in s[0..len): an enhanced status code (RFC 3463,
 * "5.1.1", first digit 4 or 5) if there is one, else a 4xx or 5xx SMTP
 * reply code.  Writes it to out[size]; returns 1 if found, 0 if not.
 */
int bounce_scan_status(const char *s, size_t len, char *out, size_t size);

/*
 * Finds an enhanced status code of any class (2, 4 or 5) in s[0..len);
 * returns 1 and writes it to out[size] if found.
 */
int bounce_scan_dsn_code(const char *s, size_t len, char *out, size_t size);

#endif
