/*
 * httpd.h: the libmicrohttpd adapter, a small HTTP/1.1 server.
 *
 * This is the only module that includes microhttpd.h.  It runs in the
 * caller's thread (httpd_run), so a handler may use the caller's database
 * connection; it hands each complete request to the handler and sends
 * what the handler answers, with headers that keep a browser from
 * caching, framing or sniffing the page and from sending the URL on as a
 * Referer (the URL holds a token).
 *
 * Requests are untrusted: the body is read up to HTTPD_BODY_MAX octets
 * (more is answered 413 without calling the handler), form fields up to
 * HTTPD_FIELDS of HTTPD_FIELD_MAX octets; connections are limited in
 * number, per client address and in time.
 */
#ifndef HERALD_HTTPD_H
#define HERALD_HTTPD_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define HTTPD_BODY_MAX 4096
#define HTTPD_FIELDS 8
#define HTTPD_FIELD_MAX 256
#define HTTPD_PAGE_MAX (64 * 1024)

struct httpd_field {
	char key[HTTPD_FIELD_MAX + 1];
	char value[HTTPD_FIELD_MAX + 1];
};

/* One request; everything borrowed for the handler's call. */
struct httpd_request {
	const char *method;		/* "GET", "POST" ... */
	const char *path;		/* without the query */
	const char *content_type;	/* or NULL */
	const char *body;		/* raw, NUL-terminated */
	size_t body_len;
	const struct httpd_field *fields;	/* form fields of a POST */
	size_t nfields;
	const char *peer;		/* the client's address, for the log */
};

/* The answer; body is set up (empty, HTTPD_PAGE_MAX) by the adapter. */
struct httpd_response {
	int status;
	const char *content_type;	/* static; default text/html */
	const char *allow;		/* Allow for a 405, or NULL */
	struct buf body;
};

typedef void (*httpd_handler)(const struct httpd_request *rq,
    struct httpd_response *rs, void *arg);

struct httpd;

/* Listens on a numeric address and port; the handler gets arg. */
int httpd_start(const char *address, int port, httpd_handler fn, void *arg,
    struct httpd **out, struct err *e);

/* Serves for up to timeout_ms (less when something happens). */
int httpd_run(struct httpd *h, int timeout_ms, struct err *e);

void httpd_stop(struct httpd *h);

/* The value of form field key, or NULL. */
const char *httpd_field(const struct httpd_request *rq, const char *key);

#endif
