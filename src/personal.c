/*
 * personal.c: when a list personalises its posts, and with what values.
 */
#include <string.h>

#include "exposure.h"
#include "persona.h"
#include "personal.h"
#include "util.h"

struct name_check {
	struct db *db;
	int64_t list_id;
	char *why;
	size_t size;
	int unknown;
	struct err *e;
	int failed;
};

/* The names every member has a value for (or falls back from). */
static int
member_field(const char *name)
{
	static const char *const names[] = { "name", "address",
	    "unsubscribe_address", "unsubscribe_url" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static void
check_name(const char *name, int has_default, void *arg)
{
	struct name_check *nc = arg;
	int yes;

	(void)has_default;
	if (nc->unknown || nc->failed || member_field(name))
		return;
	if (attr_in_use(nc->db, nc->list_id, name, &yes, nc->e) < 0) {
		nc->failed = 1;
		return;
	}
	if (!yes) {
		str_fmt(nc->why, nc->size, "the placeholder {{%s}} names an "
		    "attribute no member of the list has", name);
		nc->unknown = 1;
	}
}

int
personal_enabled(struct db *db, const struct list *l, int *on,
    struct err *e)
{
	char posting[SETTING_MAX];

	if (settings_get_bool(db, l->id, "personalize", on, e) < 0 ||
	    settings_get(db, l->id, "posting", posting, e) < 0)
		return -1;
	/* Discussion lists never substitute: a reply quoting "{{name}}"
	 * must arrive as it was written. */
	*on = *on && strcmp(posting, "announce") == 0;
	return 0;
}

/*
 * The post text[0..len) prepared for filling, in *p, when list l
 * personalises and the post has a placeholder: 1; 0 when it has none or
 * the list does not personalise; -1 on error.
 */
static int
prepared(struct db *db, const struct list *l, const char *text, size_t len,
    struct persona **p, struct err *e)
{
	int on;

	*p = NULL;
	if (personal_enabled(db, l, &on, e) < 0)
		return -1;
	if (!on)
		return 0;
	if (persona_prepare(text, len, p, e) < 0)
		return -1;
	return *p != NULL;
}

struct exposed {
	char *why;
	size_t size;
	int found;
};

static void
judge_text(const char *text, int html, void *arg)
{
	struct exposed *x = arg;
	char name[PLACEHOLDER_NAME_MAX + 1];
	enum exposure k;

	if (x->found)
		return;
	if ((k = exposure_find(text, strlen(text), html, name)) ==
	    EXPOSURE_NONE)
		return;
	/* name is letters, digits, '_' and '-' (placeholder.h): safe to
	 * log and to show. */
	if (name[0] == '\0')
		str_fmt(x->why, x->size, "a part of the post cannot be judged "
		    "for where its placeholders could send members' values");
	else
		str_fmt(x->why, x->size, "the placeholder {{%s}} stands %s, "
		    "where a mail client could send a member's value to "
		    "someone else", name, exposure_where(k));
	x->found = 1;
}

/*
 * Judges the parts a client shows together: one part can leave a tag
 * open for another's placeholder to land in.
 */
static int
judge_document(const char *text, size_t len, struct exposed *x,
    struct err *e)
{
	struct buf doc;
	int rc;

	buf_init(&doc, len * 6 + 4096);	/* '"' becomes "&quot;" */
	if ((rc = persona_document(text, len, &doc, e)) == 1) {
		str_fmt(x->why, x->size, "a part of the post, encrypted or "
		    "too large, cannot be judged for where its placeholders "
		    "stand");
		x->found = 1;
	} else if (rc == 0)
		judge_text(doc.data != NULL ? doc.data : "", 1, x);
	buf_free(&doc);
	return rc < 0 ? -1 : 0;
}

int
personal_check(struct db *db, const struct list *l, const char *text,
    size_t len, int *personal, char *why, size_t size, struct err *e)
{
	struct name_check nc = { db, l->id, why, size, 0, e, 0 };
	struct exposed x = { why, size, 0 };
	struct persona *p;
	int rc, moderate = 0;

	*personal = 0;
	if ((rc = prepared(db, l, text, len, &p, e)) <= 0)
		return rc;
	persona_names(p, check_name, &nc);
	if (!nc.unknown && !nc.failed)
		persona_texts(p, judge_text, &x);
	persona_free(p);
	if (nc.failed)
		return -1;
	*personal = 1;
	if (nc.unknown || x.found)
		return 1;
	if (judge_document(text, len, &x, e) < 0)
		return -1;
	if (x.found)
		return 1;
	if (settings_get_bool(db, l->id, "personalize_moderate", &moderate,
	    e) < 0)
		return -1;
	if (moderate)
		str_fmt(why, size, "a personalised post waits for a moderator "
		    "(personalize_moderate): approve it only if its sender "
		    "really sent it");
	return moderate;
}

void
personal_clear(struct personal_values *v)
{
	memset(v, 0, sizeof(*v));
}

int
personal_load(struct db *db, int64_t member_id,
    const struct unsub_links *links, struct personal_values *v,
    struct err *e)
{
	struct db_stmt *st;
	struct member m;
	int rc;

	personal_clear(v);
	if (member_get_id(db, member_id, &m, e) < 0)
		return -1;
	str_copy(v->address, sizeof(v->address), m.address);
	str_copy(v->name, sizeof(v->name), m.name);
	v->links = *links;
	st = db_prepare(db, "SELECT name, value FROM member_attr WHERE "
	    "member_id = ? ORDER BY name", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	while ((rc = db_step(st, e)) == 1) {
		if (v->n == PERSONAL_ATTRS)
			continue;
		str_copy(v->names[v->n], sizeof(v->names[0]),
		    db_col_text(st, 0));
		str_copy(v->values[v->n], sizeof(v->values[0]),
		    db_col_text(st, 1));
		v->n++;
	}
	return rc;
}

const char *
personal_lookup(const char *name, void *values)
{
	const struct personal_values *v = values;
	int i;

	if (strcmp(name, "address") == 0)
		return v->address;
	if (strcmp(name, "name") == 0)
		return v->name[0] != '\0' ? v->name : NULL;
	if (strcmp(name, "unsubscribe_address") == 0)
		return v->links.address;
	if (strcmp(name, "unsubscribe_url") == 0)
		return v->links.url[0] != '\0' ? v->links.url : NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->names[i], name) == 0)
			return v->values[i];
	return NULL;
}
