/*
 * settings.c: per-list settings, as a table of known keys.
 */
#include <string.h>

#include "addr.h"
#include "settings.h"
#include "util.h"

static const struct setting_def defs[] = {
	{ "description", SET_TEXT, "", NULL,
	  "one line saying what the list is for (shown in List-Id)" },
	{ "subject_prefix", SET_TEXT, "", NULL,
	  "put in front of every subject, e.g. \"[dev] \"; empty for none" },
	{ "personalize", SET_BOOL, "no", NULL,
	  "fill {{placeholders}} (name, address, attributes) for each member; "
	  "on lists with posting=announce only" },
	{ "personalize_default", SET_TEXT, "", NULL,
	  "what a placeholder becomes when a member lacks the attribute and "
	  "the placeholder names no default" },
	{ "personalize_moderate", SET_BOOL, "yes", NULL,
	  "hold every personalised post until a moderator approves it (From "
	  "can be forged; a forged post could carry members' values away)" },

	/* Who may post (policy.h). */
	{ "posting", SET_CHOICE, "members", "open members moderated announce",
	  "open: anyone; members: members and accepted senders, others get "
	  "nonmember_action;\n      moderated: every post is held; "
	  "announce: only accepted senders, others refused" },
	{ "nonmember_action", SET_CHOICE, "hold", "hold reject discard",
	  "what happens to a post from a non-member on a members list" },
	{ "automatic_posts", SET_CHOICE, "discard", "hold discard",
	  "posts from machines (auto-replies, bulk, bounces, loops)" },
	{ "max_post_size", SET_SIZE, "0", NULL,
	  "posts larger than this (as received) are held; 0: no limit" },
	{ "max_recipients", SET_INT, "0", NULL,
	  "posts with more To and Cc addresses are held; 0: no limit" },
	{ "held_expiry", SET_DURATION, "14d", NULL,
	  "held posts nobody decided about are discarded after this" },

	/* What the list does to a post's content (listmail.h). */
	{ "hold_executables", SET_BOOL, "yes", NULL,
	  "hold posts with executable attachments (.exe, .js, ...)" },
	{ "mime_forbid", SET_TEXT, "", NULL,
	  "content types removed from posts, e.g. \"video/* "
	  "application/zip\"" },
	{ "mime_allow", SET_TEXT, "", NULL,
	  "if not empty, only these content types are kept" },
	{ "drop_html_alternative", SET_BOOL, "no", NULL,
	  "drop the HTML part of multipart/alternative when a plain one "
	  "exists" },
	{ "footer", SET_BOOL, "no", NULL,
	  "append the footer template (herald list template LIST footer)" },
	{ "reply_to", SET_CHOICE, "as-sent", "as-sent list address",
	  "Reply-To: as the poster sent it, the list, or reply_to_address" },
	{ "reply_to_address", SET_ADDRESS, "", NULL,
	  "the address for reply_to=address" },
	{ "reply_to_keep_poster", SET_BOOL, "yes", NULL,
	  "with reply_to=list or address, keep a Reply-To the poster set" },
	{ "dmarc_mitigation", SET_CHOICE, "from", "from no-modify off",
	  "for authors whose domain has DMARC p=reject or quarantine: "
	  "from: rewrite From\n      to the list; no-modify: no prefix, "
	  "footer or other change; off: nothing" },
	{ "dmarc_force", SET_BOOL, "no", NULL,
	  "treat every author as DMARC-protected (no DNS lookup)" },
	{ "dmarc_domains", SET_DOMAINS, "", NULL,
	  "more author domains to treat as DMARC-protected, "
	  "space-separated" },
	{ "dmarc_author_in", SET_CHOICE, "reply-to", "reply-to cc",
	  "where the author's address goes when From is rewritten" },
	{ "confirm_lifetime", SET_DURATION, "72h", NULL,
	  "how long a confirmation request (join, leave, invite) is valid" },
	{ "send_welcome", SET_BOOL, "yes", NULL,
	  "send a welcome message to whoever has joined" },
	{ "send_goodbye", SET_BOOL, "yes", NULL,
	  "send a farewell message to whoever has left" },
	{ "notify_owners", SET_BOOL, "no", NULL,
	  "tell the owners by mail when someone joins or leaves" },

	/* Bounce processing (bounce_state.h). */
	{ "bounce_processing", SET_BOOL, "yes", NULL,
	  "act on failed deliveries: disable, then remove, dead addresses" },
	{ "bounce_score_threshold", SET_POSITIVE, "5.0", NULL,
	  "bounce score at which delivery to a member is disabled" },
	{ "bounce_hard_score", SET_NUMBER, "1.0", NULL,
	  "what a permanent failure adds (at most one increment a day)" },
	{ "bounce_soft_score", SET_NUMBER, "0.5", NULL,
	  "what a temporary failure adds (at most one increment a day)" },
	{ "bounce_score_reset", SET_DURATION, "7d", NULL,
	  "a score goes back to 0 after this long without a failure" },
	{ "bounce_notices", SET_INT, "3", NULL,
	  "notices after the first while disabled; then the member goes" },
	{ "bounce_notice_interval", SET_DURATION, "7d", NULL,
	  "time between those notices, and from the last to removal" },
	{ "bounce_notify_owner_disable", SET_BOOL, "yes", NULL,
	  "tell the owners when delivery to a member is disabled" },
	{ "bounce_notify_owner_remove", SET_BOOL, "yes", NULL,
	  "tell the owners when a member is removed for bounces" },
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

/*
 * A non-negative decimal, "5", "2.5", ".5": digits with at most one
 * point, read without strtod() so that the locale cannot change it.
 */
static int
parse_number(const char *s, double *out)
{
	double v = 0, scale = 1;
	int digits = 0, point = 0;

	for (; *s != '\0'; s++) {
		if (*s == '.' && !point) {
			point = 1;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 12)
			return -1;
		if (point)
			scale /= 10;
		v = v * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	*out = v * (point ? scale : 1);
	return 0;
}

/* Each word of value (space- or comma-separated) a mail domain. */
static int
check_domains(const char *value, struct err *e)
{
	char copy[SETTING_MAX], *w, *save = NULL;

	str_copy(copy, sizeof(copy), value);
	for (w = strtok_r(copy, " ,", &save); w != NULL;
	    w = strtok_r(NULL, " ,", &save))
		if (addr_check_domain(w, e) < 0)
			return err_set(e, ERR_USAGE, "'%s' is not a mail "
			    "domain", w);
	return 0;
}

/* A duration, and not 0: nothing Herald waits for can take no time. */
static int
check_duration(const char *value, struct err *e)
{
	int64_t v;

	if (parse_duration(value, &v) < 0)
		return err_set(e, ERR_USAGE, "a duration such as 30m, 72h "
		    "or 7d");
	if (v == 0)
		return err_set(e, ERR_USAGE, "must be more than 0");
	return 0;
}

/* A decimal; with positive, more than 0. */
static int
check_number(const char *value, int positive, struct err *e)
{
	double n;

	if (parse_number(value, &n) < 0)
		return err_set(e, ERR_USAGE, "a number such as 5 or 0.5");
	if (positive && n == 0)
		return err_set(e, ERR_USAGE, "must be more than 0");
	return 0;
}

static int
check_value(const struct setting_def *d, const char *value, struct err *e)
{
	int64_t v;

	switch (d->type) {
	case SET_TEXT:
		return 0;
	case SET_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
			return 0;
		return err_set(e, ERR_USAGE, "yes or no");
	case SET_INT:
		if (parse_int64(value, 0, INT64_MAX, &v) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "a whole number");
	case SET_SIZE:
		if (parse_size(value, &v) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "a size such as 40k or 2M");
	case SET_DURATION:
		return check_duration(value, e);
	case SET_CHOICE:
		if (check_choice(d, value) == 0)
			return 0;
		return err_set(e, ERR_USAGE, "one of: %s", d->choices);
	case SET_NUMBER:
	case SET_POSITIVE:
		return check_number(value, d->type == SET_POSITIVE, e);
	case SET_ADDRESS:
		if (*value == '\0' || addr_check(value, e) == 0)
			return 0;
		e->cls = ERR_USAGE;
		return err_prefix(e, "a mail address, or empty");
	case SET_DOMAINS:
		return check_domains(value, e);
	}
	return err_set(e, ERR_INTERNAL, "unknown type");
}

int
settings_check(const struct setting_def *d, const char *value,
    struct err *e)
{
	if (strlen(value) >= SETTING_MAX || str_has_ctl(value))
		return err_set(e, ERR_USAGE, "%s: one line of at most %d "
		    "characters", d->key, SETTING_MAX - 1);
	if (check_value(d, value, e) < 0)
		return err_prefix(e, "%s", d->key);
	return 0;
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
settings_get_number(struct db *db, int64_t list_id, const char *key,
    double *out, struct err *e)
{
	char v[SETTING_MAX];

	if (settings_get(db, list_id, key, v, e) < 0)
		return -1;
	if (parse_number(v, out) == 0)
		return 0;
	return err_set(e, ERR_INTERNAL, "%s: stored value '%s' is not a "
	    "number", key, v);
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
