/*
 * bounce_reason.h: how and why a delivery failed, from its status code
 * (RFC 3463 enhanced code or SMTP reply code) and, where the code says
 * little, from the wording of the diagnostic.
 */
#ifndef HERALD_BOUNCE_REASON_H
#define HERALD_BOUNCE_REASON_H

#include <stddef.h>

#include "bounce.h"

/*
 * The kind of a failure: 5.x.x and 5xx are hard, 4.x.x and 4xx soft,
 * 2.x.x none.  Without a code, the diagnostic's wording decides (a
 * failure said to be temporary is soft), else it is hard: a report that
 * says a message was not delivered and gives no reason was final.
 */
enum bounce_kind bounce_reason_kind(const char *status, const char *diag,
    size_t len);

/* The reason of a failure, from its status and diagnostic text. */
enum bounce_reason bounce_reason_of(const char *status, const char *diag,
    size_t len);

/* Nonzero if text[0..len) says a failure is temporary. */
int bounce_reason_temporary(const char *text, size_t len);

#endif
