/*
 * httpd.c: the libmicrohttpd adapter.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "httpd.h"
#include "log.h"
#include "util.h"

#define CONNECTIONS 64
#define PER_CLIENT 8
#define TIMEOUT_S 15

struct httpd {
	struct MHD_Daemon *d;
	httpd_handler fn;
	void *arg;
};

/* A request being read, between the callbacks of one connection. */
struct pending_rq {
	struct MHD_PostProcessor *pp;
	struct buf body;
	int too_large;
	struct httpd_field fields[HTTPD_FIELDS];
	size_t nfields;
};

static void logger(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* libmicrohttpd's own complaints (a client that went away...). */
static void
logger(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("httpd: %s", line);
}

static struct httpd_field *
field_for(struct pending_rq *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nfields; i++)
		if (strcmp(p->fields[i].key, key) == 0)
			return &p->fields[i];
	if (p->nfields == HTTPD_FIELDS || strlen(key) > HTTPD_FIELD_MAX)
		return NULL;
	str_copy(p->fields[p->nfields].key, HTTPD_FIELD_MAX + 1, key);
	p->fields[p->nfields].value[0] = '\0';
	return &p->fields[p->nfields++];
}

/* A form field, perhaps in pieces; what does not fit is dropped. */
static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct pending_rq *p = cls;
	struct httpd_field *f = field_for(p, key);
	size_t have;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (f == NULL)
		return MHD_YES;
	have = strlen(f->value);
	if (off != have || have + size > HTTPD_FIELD_MAX)
		return MHD_YES;
	memcpy(f->value + have, data, size);
	f->value[have + size] = '\0';
	return MHD_YES;
}

static struct pending_rq *
new_pending(struct MHD_Connection *conn, const char *method)
{
	struct pending_rq *p = xcalloc(1, sizeof(*p));

	buf_init(&p->body, HTTPD_BODY_MAX);
	/* NULL for a type that is no form: the raw body is still there. */
	if (strcmp(method, "POST") == 0)
		p->pp = MHD_create_post_processor(conn, 1024, on_field, p);
	return p;
}

static void
on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct pending_rq *p = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (p == NULL)
		return;
	if (p->pp != NULL)
		MHD_destroy_post_processor(p->pp);
	buf_free(&p->body);
	free(p);
	*con_cls = NULL;
}

static void
add_headers(struct MHD_Response *r, const struct httpd_response *rs)
{
	MHD_add_response_header(r, "Content-Type", rs->content_type != NULL ?
	    rs->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "form-action 'self'; frame-ancestors 'none'");
	if (rs->allow != NULL)
		MHD_add_response_header(r, "Allow", rs->allow);
}

static enum MHD_Result
send_response(struct MHD_Connection *conn, struct httpd_response *rs)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(rs->body.len,
	    rs->body.data, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ok;

	if (r == NULL)
		return MHD_NO;
	add_headers(r, rs);
	ok = MHD_queue_response(conn, (unsigned int)rs->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void
peer_of(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	str_copy(out, size, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)size);
}

static enum MHD_Result
answer(struct httpd *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct pending_rq *p)
{
	struct httpd_request rq = { .method = method, .path = url };
	struct httpd_response rs = { .status = 200 };
	char peer[INET6_ADDRSTRLEN + 1];
	enum MHD_Result ok;

	buf_init(&rs.body, HTTPD_PAGE_MAX);
	if (p->too_large) {
		rs.status = MHD_HTTP_CONTENT_TOO_LARGE;
		buf_adds(&rs.body, "<!DOCTYPE html><title>Too large</title>"
		    "<p>The request is too large.</p>\n");
	} else {
		peer_of(conn, peer, sizeof(peer));
		rq.peer = peer;
		rq.content_type = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		rq.body = p->body.data;
		rq.body_len = p->body.len;
		rq.fields = p->fields;
		rq.nfields = p->nfields;
		h->fn(&rq, &rs, h->arg);
	}
	ok = send_response(conn, &rs);
	buf_free(&rs.body);
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct pending_rq *p = *con_cls;

	(void)version;
	if (p == NULL) {
		*con_cls = new_pending(conn, method);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (buf_add(&p->body, upload_data, *upload_data_size) < 0)
			p->too_large = 1;
		else if (p->pp != NULL)
			MHD_post_process(p->pp, upload_data,
			    *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(cls, conn, url, method, p);
}

static int
sock_addr(const char *address, int port, struct sockaddr_storage *ss,
    struct err *e)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return err_set(e, ERR_CONFIG, "serve_address '%s' is not a numeric "
	    "address", address);
}

int
httpd_start(const char *address, int port, httpd_handler fn, void *arg,
    struct httpd **out, struct err *e)
{
	struct httpd *h = xcalloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_ERROR_LOG;

	if (sock_addr(address, port, &ss, e) < 0) {
		free(h);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->fn = fn;
	h->arg = arg;
	h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request,
	    h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_CLIENT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)TIMEOUT_S,
	    MHD_OPTION_EXTERNAL_LOGGER, logger, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		free(h);
		return err_set(e, ERR_TEMP, "cannot listen on %s port %d "
		    "(in use, or not allowed)", address, port);
	}
	*out = h;
	return 0;
}

int
httpd_run(struct httpd *h, int timeout_ms, struct err *e)
{
	if (MHD_run_wait(h->d, timeout_ms) != MHD_YES)
		return err_set(e, ERR_INTERNAL, "the HTTP server failed");
	return 0;
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}

const char *
httpd_field(const struct httpd_request *rq, const char *key)
{
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (strcmp(rq->fields[i].key, key) == 0)
			return rq->fields[i].value;
	return NULL;
}
