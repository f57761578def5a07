/*
 * settings.c: per-list settings, as a table of known keys.
 */
#include <string.h>

#include "settings.h"
#include "util.h"

static const struct setting_def defs[] = {
	{ "description", SET_TEXT, "", NULL,
	  "one line saying what the list is for (shown in List-Id)" },
	{ "subject_prefix", SET_TEXT, "", NULL,
	  "put in front of every subject, e.g. \"[dev] \"; empty for none" },
	{ "confirm_lifetime", SET_DURATION, "72h", NULL,
	  "how long a confirmation request (join, leave, invite) is valid" },
	{ "send_welcome", SET_BOOL, "yes", NULL,
	  "send a welcome message to whoever has joined" },
	{ "send_goodbye", SET_BOOL, "yes", NULL,
	  "send a farewell message to whoever has left" },
	{ "notify_owners", SET_BOOL, "no", NULL,
	  "tell the owners by mail when someone joins or leaves" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

const struct setting_def *
settings_find(const char *key)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	return NULL;
}

const struct setting_def *
settings_all(size_t *n)
{
	*n = NDEFS;
	return defs;
}

static int
check_choice(const struct setting_def *d, const char *value)
{
	size_t len = strlen(value);
	const char *p = d->choices;

	while ((p = strstr(p, value)) != NULL) {
		if ((p == d->choices || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' '))
			return 0;
		p += len;
	}
	return -1;
}

int
settings_check(const struct setting_def *d, const char *value,
    struct err *e)
{
	int64_t v;

	if (strlen(value) >= SETTING_MAX || str_has_ctl(value))
		return err_set(e, ERR_USAGE, "%s: one line of at most %d "
		    "characters", d->key, SETTING_MAX - 1);
	switch (d->type) {
	case SET_TEXT:
		return 0;
	case SET_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
			return 0;
		return err_set(e, ERR_USAGE, "%s: yes or no", d->key);
	case SET_INT:
		if (parse_int64(value, 0, INT64_MAX, &v) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "%s: a whole number", d->key);
	case SET_SIZE:
		if (parse_size(value, &v) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "%s: a size such as 40k or 2M",
		    d->key);
	case SET_DURATION:
		if (parse_duration(value, &v) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "%s: a duration such as 30m, "
		    "72h or 7d", d->key);
	case SET_CHOICE:
		if (check_choice(d, value) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "%s: one of: %s", d->key,
		    d->choices);
	}
	return err_set(e, ERR_INTERNAL, "%s: unknown type", d->key);
}

static const struct setting_def *
need(const char *key, struct err *e)
{
	const struct setting_def *d = settings_find(key);

	if (d == NULL)
		err_set(e, ERR_USAGE, "no setting called '%s' (see "
		    "herald list show)", key);
	return d;
}

/* The stored value into out; 1 if stored, 0 if not, -1 on error. */
static int
lookup(struct db *db, int64_t list_id, const char *key, char *out,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT value FROM list_setting "
	    "WHERE list_id = ? AND key = ?", e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	if ((rc = db_step(st, e)) != 1)
		return rc;
	if (out != NULL)
		str_copy(out, SETTING_MAX, db_col_text(st, 0));
	db_done(st);
	return 1;
}

int
settings_get(struct db *db, int64_t list_id, const char *key, char *out,
    struct err *e)
{
	const struct setting_def *d = need(key, e);
	int rc;

	if (d == NULL || (rc = lookup(db, list_id, key, out, e)) < 0)
		return -1;
	if (rc == 0)
		str_copy(out, SETTING_MAX, d->dflt);
	return 0;
}

int
settings_get_int(struct db *db, int64_t list_id, const char *key,
    int64_t *out, struct err *e)
{
	const struct setting_def *d = need(key, e);
	char v[SETTING_MAX];

	if (d == NULL || settings_get(db, list_id, key, v, e) < 0)
		return -1;
	if ((d->type == SET_SIZE && parse_size(v, out) == 0) ||
	    (d->type == SET_DURATION && parse_duration(v, out) == 0) ||
	    (d->type == SET_INT && parse_int64(v, 0, INT64_MAX, out) == 0))
		return 0;
	return err_set(e, ERR_INTERNAL, "%s: stored value '%s' is not a "
	    "number", key, v);
}

int
settings_get_bool(struct db *db, int64_t list_id, const char *key, int *out,
    struct err *e)
{
	char v[SETTING_MAX];

	if (settings_get(db, list_id, key, v, e) < 0)
		return -1;
	*out = strcmp(v, "yes") == 0;
	return 0;
}

int
settings_set(struct db *db, int64_t list_id, const char *key,
    const char *value, struct err *e)
{
	const struct setting_def *d = need(key, e);
	struct db_stmt *st;

	if (d == NULL || settings_check(d, value, e) < 0)
		return -1;
	st = db_prepare(db, "INSERT INTO list_setting (list_id, key, value) "
	    "VALUES (?, ?, ?) ON CONFLICT (list_id, key) DO UPDATE SET "
	    "value = excluded.value", e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, value);
	return db_run(st, e);
}

int
settings_is_set(struct db *db, int64_t list_id, const char *key, int *out,
    struct err *e)
{
	int rc = lookup(db, list_id, key, NULL, e);

	if (rc < 0)
		return -1;
	*out = rc;
	return 0;
}
