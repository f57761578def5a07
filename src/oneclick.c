/*
 * oneclick.c: what herald serve answers (RFC 8058 one-click unsubscribe).
 */
#include <string.h>

#include "oneclick.h"
#include "subscribe.h"
#include "unsub.h"
#include "util.h"

#define SEGMENT "/unsubscribe/"

/*
 * The page around a title and a paragraph; form adds the button.
 * XXX The pages are in English only; the mail Herald writes comes from
 * templates in any language, these do not.
 */
static void
page(struct httpd_response *rs, int status, const char *title,
    const char *text, const char *list, int form)
{
	struct buf *b = &rs->body;

	rs->status = status;
	buf_reset(b);
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width\">\n<meta name=\"robots\" "
	    "content=\"noindex\">\n<title>");
	buf_add_html(b, title);
	buf_adds(b, "</title>\n<style>body{font-family:sans-serif;"
	    "max-width:32em;margin:3em auto;padding:0 1em}button{font-size:"
	    "1.1em;padding:.4em 1.2em}</style></head>\n<body>\n<h1>");
	buf_add_html(b, title);
	buf_adds(b, "</h1>\n<p>");
	buf_add_html(b, text);
	if (list != NULL) {
		buf_adds(b, " <strong>");
		buf_add_html(b, list);
		buf_adds(b, "</strong>.");
	}
	buf_adds(b, "</p>\n");
	/* The button POSTs what a mail program's one-click would. */
	if (form)
		buf_adds(b, "<form method=\"post\">\n<input type=\"hidden\" "
		    "name=\"List-Unsubscribe\" value=\"One-Click\">\n"
		    "<button type=\"submit\" id=\"unsubscribe\">Unsubscribe"
		    "</button>\n</form>\n");
	buf_adds(b, "</body></html>\n");
}

/* The token of a path ending in /unsubscribe/TOKEN, or NULL. */
static const char *
path_token(const char *path)
{
	const char *seg = strstr(path, SEGMENT), *next;

	if (seg == NULL)
		return NULL;
	while ((next = strstr(seg + 1, SEGMENT)) != NULL)
		seg = next;
	seg += strlen(SEGMENT);
	return strlen(seg) == TOKEN_LEN ? seg : NULL;
}

/* RFC 8058 section 3.1: the POST must carry List-Unsubscribe=One-Click. */
static int
one_click_body(const struct httpd_request *rq)
{
	const char *v = httpd_field(rq, "List-Unsubscribe");
	size_t n = rq->body_len;

	if (v != NULL)
		return strcmp(v, "One-Click") == 0;
	/* A body of another content type: the plain text itself. */
	while (n > 0 && (rq->body[n - 1] == '\n' || rq->body[n - 1] == '\r'))
		n--;
	return n == 26 && memcmp(rq->body, "List-Unsubscribe=One-Click",
	    26) == 0;
}

static int
unsubscribe(struct ctx *c, const struct list *l, const struct member *m,
    struct err *e)
{
	if (db_begin(c->db, e) < 0)
		return -1;
	if (subscribe_remove(c, l, m, "one-click unsubscribe", 1, 0, e) < 0 ||
	    db_commit(c->db, e) < 0) {
		db_rollback(c->db);
		return -1;
	}
	return 0;
}

static void
refuse(struct httpd_response *rs, struct oneclick_outcome *out,
    const char *what)
{
	out->what = what;
	page(rs, 404, "Link not valid", "This unsubscribe link is not valid: "
	    "it may have been used already, replaced by a newer one, or "
	    "mistyped.  To leave a list, use the link in a recent message "
	    "from it, or write to the address in its List-Unsubscribe "
	    "header.", NULL, 0);
}

static int
failed(struct httpd_response *rs, struct err *e)
{
	page(rs, e->cls == ERR_TEMP ? 503 : 500, "Try again later",
	    "Something went wrong; nothing was changed.  Please try again "
	    "in a few minutes.", NULL, 0);
	return -1;
}

/* The member and list of a valid token: 1, 0 if refused, -1 on error. */
static int
find(struct ctx *c, const char *token, struct member *m, struct list *l,
    struct oneclick_outcome *out, struct err *e)
{
	if (unsub_check(c, token, m, e) < 0 ||
	    list_get_id(c->db, m->list_id, l, e) < 0)
		return e->cls == ERR_NOTFOUND ? 0 : -1;
	str_fmt(out->list, sizeof(out->list), "%s@%s", l->name, l->domain);
	str_copy(out->address, sizeof(out->address), m->address);
	return 1;
}

static int
post(struct ctx *c, const struct httpd_request *rq,
    struct httpd_response *rs, const char *token,
    struct oneclick_outcome *out, struct err *e)
{
	struct member m;
	struct list l;
	int rc;

	if (!one_click_body(rq)) {
		out->what = "refused: not a List-Unsubscribe=One-Click body";
		page(rs, 400, "Not unsubscribed", "This address unsubscribes "
		    "only with the one-click request (List-Unsubscribe="
		    "One-Click); nothing was changed.", NULL, 0);
		return 0;
	}
	if ((rc = find(c, token, &m, &l, out, e)) <= 0) {
		if (rc < 0)
			return failed(rs, e);
		refuse(rs, out, "refused: unknown or revoked token");
		return 0;
	}
	if (unsubscribe(c, &l, &m, e) < 0)
		return failed(rs, e);
	out->what = "unsubscribed";
	out->changed = 1;
	page(rs, 200, "Unsubscribed", "You have been unsubscribed from the "
	    "mailing list", out->list, 0);
	return 0;
}

static int
get(struct ctx *c, struct httpd_response *rs, const char *token,
    struct oneclick_outcome *out, struct err *e)
{
	struct member m;
	struct list l;
	int rc;

	if ((rc = find(c, token, &m, &l, out, e)) <= 0) {
		if (rc < 0)
			return failed(rs, e);
		refuse(rs, out, "refused: unknown or revoked token");
		return 0;
	}
	/* Only a page: GETs come from link scanners too (RFC 8058
	 * section 3.2). */
	out->what = "page shown";
	page(rs, 200, "Unsubscribe", "Press the button to stop getting "
	    "mail from the mailing list", out->list, 1);
	return 0;
}

int
oneclick_answer(struct ctx *c, const struct httpd_request *rq,
    struct httpd_response *rs, struct oneclick_outcome *out, struct err *e)
{
	const char *token = path_token(rq->path);

	memset(out, 0, sizeof(*out));
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0 &&
	    strcmp(rq->method, "POST") != 0) {
		out->what = "refused: method not allowed";
		rs->allow = "GET, HEAD, POST";
		page(rs, 405, "Not allowed", "Only GET and POST are answered "
		    "here.", NULL, 0);
		return 0;
	}
	if (token == NULL) {
		out->what = "refused: no such page";
		page(rs, 404, "Not found", "There is nothing here.", NULL, 0);
		return 0;
	}
	if (strcmp(rq->method, "POST") == 0)
		return post(c, rq, rs, token, out, e);
	return get(c, rs, token, out, e);
}
