/*
 * template.c: the texts Herald writes.
 */
#include <stdlib.h>
#include <string.h>

#include "placeholder.h"
#include "settings.h"
#include "template.h"
#include "util.h"

static const char *
builtin(const char *name)
{
	size_t i;

	for (i = 0; template_builtins[i].name != NULL; i++)
		if (strcmp(template_builtins[i].name, name) == 0)
			return template_builtins[i].text;
	return NULL;
}

int
template_known(const char *name, struct err *e)
{
	if (builtin(name) == NULL)
		return err_set(e, ERR_USAGE, "no template called '%s'", name);
	return 0;
}

int
template_get(struct db *db, const struct list *l, const char *name,
    char **text, int *custom, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (template_known(name, e) < 0)
		return -1;
	st = db_prepare(db, "SELECT text FROM list_template WHERE "
	    "list_id = ? AND name = ?", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->id);
	db_bind_text(st, 2, name);
	if ((rc = db_step(st, e)) < 0)
		return -1;
	*custom = rc == 1;
	*text = xstrdup(rc == 1 ? db_col_text(st, 0) : builtin(name));
	if (rc == 1)
		db_done(st);
	return 0;
}

/* "Subject: ..." then an empty line: where the body starts, or NULL. */
static const char *
split(const char *text, const char **subj, size_t *subj_len)
{
	const char *nl;

	if (strncmp(text, "Subject:", 8) != 0 ||
	    (nl = strchr(text, '\n')) == NULL || nl[1] != '\n')
		return NULL;
	*subj = text + 8;
	while (**subj == ' ')
		(*subj)++;
	*subj_len = (size_t)(nl - *subj);
	return nl + 2;
}

int
template_set(struct db *db, const struct list *l, const char *name,
    const char *text, struct err *e)
{
	const char *subj;
	size_t subj_len;
	struct db_stmt *st;

	if (template_known(name, e) < 0)
		return -1;
	if (strlen(text) > TEMPLATE_MAX || memchr(text, '\r', strlen(text)))
		return err_set(e, ERR_PERM, "a template is at most %d octets "
		    "of text with LF line ends", TEMPLATE_MAX);
	if (split(text, &subj, &subj_len) == NULL || subj_len == 0)
		return err_set(e, ERR_PERM, "a template starts with a "
		    "\"Subject: ...\" line and an empty line");
	st = db_prepare(db, "INSERT INTO list_template (list_id, name, text) "
	    "VALUES (?, ?, ?) ON CONFLICT (list_id, name) DO UPDATE SET "
	    "text = excluded.text", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, text);
	return db_run(st, e);
}

int
template_reset(struct db *db, const struct list *l, const char *name,
    struct err *e)
{
	struct db_stmt *st;

	if (template_known(name, e) < 0)
		return -1;
	st = db_prepare(db, "DELETE FROM list_template WHERE list_id = ? AND "
	    "name = ?", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->id);
	db_bind_text(st, 2, name);
	return db_run(st, e);
}

struct vars {
	const struct template_var *v;
	size_t n;
};

static const char *
lookup(const char *name, void *arg)
{
	const struct vars *vs = arg;
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return vs->v[i].value;
	return NULL;
}

/* The list's own placeholders, then the caller's. */
static size_t
list_vars(const struct list *l, const char *delims, const char *descr,
    char addrs[][ADDR_MAX + 1], struct template_var *out)
{
	static const struct {
		const char *name;
		enum list_role role;
	} roles[] = {
		{ "list", ROLE_POST }, { "post_address", ROLE_POST },
		{ "request_address", ROLE_REQUEST },
		{ "owner_address", ROLE_OWNER },
		{ "join_address", ROLE_JOIN },
		{ "leave_address", ROLE_LEAVE },
	};
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		list_address(l, roles[i].role, delims, NULL, addrs[i],
		    ADDR_MAX + 1);
		out[i].name = roles[i].name;
		out[i].value = addrs[i];
	}
	out[i].name = "list_name";
	out[i++].value = l->name;
	out[i].name = "description";
	out[i++].value = descr;
	return i;
}

static int
render(struct db *db, const struct list *l, const char *delims,
    const char *name, const struct template_var *vars, size_t nvars,
    int open, struct buf *subject, struct buf *body, struct err *e)
{
	int (*fill)(const char *, size_t, placeholder_lookup, void *,
	    struct buf *) = open ? placeholder_expand_keep :
	    placeholder_expand;
	char addrs[6][ADDR_MAX + 1], descr[SETTING_MAX], *text;
	struct template_var all[16 + 32];
	struct vars vs = { all, 0 };
	const char *subj, *rest;
	size_t subj_len;
	int custom, rc = 0;

	if (nvars > 32)
		return err_set(e, ERR_INTERNAL, "too many template variables");
	if (settings_get(db, l->id, "description", descr, e) < 0 ||
	    template_get(db, l, name, &text, &custom, e) < 0)
		return -1;
	vs.n = list_vars(l, delims, descr, addrs, all);
	if (nvars > 0)		/* memcpy from NULL is undefined, even of 0 */
		memcpy(all + vs.n, vars, nvars * sizeof(*vars));
	vs.n += nvars;
	if ((rest = split(text, &subj, &subj_len)) == NULL)
		rc = err_set(e, ERR_INTERNAL, "template %s has no Subject",
		    name);
	else if (fill(subj, subj_len, lookup, &vs, subject) < 0 ||
	    fill(rest, strlen(rest), lookup, &vs, body) < 0)
		rc = err_set(e, ERR_PERM, "template %s: text too long", name);
	free(text);
	return rc;
}

int
template_render(struct db *db, const struct list *l, const char *delims,
    const char *name, const struct template_var *vars, size_t nvars,
    struct buf *subject, struct buf *body, struct err *e)
{
	return render(db, l, delims, name, vars, nvars, 0, subject, body, e);
}

int
template_render_open(struct db *db, const struct list *l,
    const char *delims, const char *name, const struct template_var *vars,
    size_t nvars, struct buf *subject, struct buf *body, struct err *e)
{
	return render(db, l, delims, name, vars, nvars, 1, subject, body, e);
}
