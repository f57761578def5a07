/*
 * template.h: the texts Herald writes (help, confirmation requests,
 * notices), in the language of the templates.
 *
 * A template is a "Subject: ..." line, an empty line, and the body, with
 * {{placeholders}} (placeholder.h).  The texts ship in etc/templates/ and
 * are compiled into herald; a list can have its own wording of any of
 * them (herald list template).  Every template knows the list's
 * placeholders: list, list_name, description, post_address,
 * request_address, owner_address, join_address, leave_address; each use
 * adds its own (address, confirm_address, ...).
 */
#ifndef HERALD_TEMPLATE_H
#define HERALD_TEMPLATE_H

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "err.h"
#include "list.h"

#define TEMPLATE_MAX (64 * 1024)

struct template_builtin {
	const char *name;
	const char *text;
};

/* The compiled-in templates (generated from etc/templates by make). */
extern const struct template_builtin template_builtins[];

struct template_var {
	const char *name;
	const char *value;
};

/*
 * Renders template name for list l with vars (besides the list's own),
 * into subject and body (UTF-8).  delims is the recipient delimiter.
 */
int template_render(struct db *db, const struct list *l, const char *delims,
    const char *name, const struct template_var *vars, size_t nvars,
    struct buf *subject, struct buf *body, struct err *e);

/*
 * As template_render, but a placeholder it has no value for stays as
 * written, for a later pass: the footer of a personalised post is
 * filled per member (personal.h).
 */
int template_render_open(struct db *db, const struct list *l,
    const char *delims, const char *name, const struct template_var *vars,
    size_t nvars, struct buf *subject, struct buf *body, struct err *e);

/* The text in use for l (owned); *custom says if it is the list's own. */
int template_get(struct db *db, const struct list *l, const char *name,
    char **text, int *custom, struct err *e);

/* Gives l its own text for name, after checking its form. */
int template_set(struct db *db, const struct list *l, const char *name,
    const char *text, struct err *e);

/* Goes back to the shipped text. */
int template_reset(struct db *db, const struct list *l, const char *name,
    struct err *e);

/* 0 if a template called name ships with herald. */
int template_known(const char *name, struct err *e);

#endif
