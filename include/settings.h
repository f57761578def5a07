/*
 * settings.h: per-list settings, as a table of known keys.
 *
 * Each key has a type, a default and a line of help; values are checked
 * against the type before they are stored, and a list that never set a key
 * gets the default.  New features add rows to the table in settings.c, not
 * columns to the schema.
 */
#ifndef HERALD_SETTINGS_H
#define HERALD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"

#define SETTING_MAX 1024

enum setting_type {
	SET_TEXT,	/* one line of UTF-8 */
	SET_BOOL,	/* yes/no */
	SET_INT,	/* non-negative integer */
	SET_SIZE,	/* octets, with k/M/G */
	SET_DURATION,	/* seconds, with s/m/h/d/w; more than 0 */
	SET_CHOICE,	/* one of the words in choices */
	SET_NUMBER,	/* non-negative decimal: "5", "0.5" */
	SET_POSITIVE,	/* the same, more than 0 */
	SET_ADDRESS,	/* a mail address, or empty for none */
	SET_DOMAINS	/* mail domains, space- or comma-separated */
};

struct setting_def {
	const char *key;
	enum setting_type type;
	const char *dflt;
	const char *choices;	/* SET_CHOICE: space-separated words */
	const char *help;
};

/* The definition of key, or NULL if there is no such setting. */
const struct setting_def *settings_find(const char *key);

/* All definitions, in the order they are shown; *n receives the count. */
const struct setting_def *settings_all(size_t *n);

/* Checks value against the key's type; ERR_USAGE with why if wrong. */
int settings_check(const struct setting_def *d, const char *value,
    struct err *e);

/* The value for a list (the default if never set), into out[SETTING_MAX]. */
int settings_get(struct db *db, int64_t list_id, const char *key, char *out,
    struct err *e);

/* Typed reads of the same; the value was checked when it was stored. */
int settings_get_int(struct db *db, int64_t list_id, const char *key,
    int64_t *out, struct err *e);
int settings_get_bool(struct db *db, int64_t list_id, const char *key,
    int *out, struct err *e);
int settings_get_number(struct db *db, int64_t list_id, const char *key,
    double *out, struct err *e);

/* Stores a checked value. */
int settings_set(struct db *db, int64_t list_id, const char *key,
    const char *value, struct err *e);

/* Whether the list set key itself (1) or uses the default (0). */
int settings_is_set(struct db *db, int64_t list_id, const char *key,
    int *out, struct err *e);

#endif
