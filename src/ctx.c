/*
 * ctx.c: configuration, database and secret, opened together.
 */
#include <sys/stat.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "fsutil.h"
#include "schema.h"
#include "util.h"

/* The directory part of path, created if missing. */
static int
make_parent(const char *path, struct err *e)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rc = fs_mkdirs(dir, 0750, e);
	}
	free(dir);
	return rc;
}

/*
 * Root must not work on a database that belongs to another user (the
 * one the MTA runs herald as): the files root creates there, the
 * database's journal above all, would lock that user out, and receive
 * would answer every message with "try again later".  Looked at on the
 * database, or on its folder while it does not exist yet.
 */
static int
not_as_root(const char *database, struct err *e)
{
	char *dir = xstrdup(database), *slash = strrchr(dir, '/');
	const char *seen = database;
	struct passwd *pw;
	struct stat st;
	int rc = 0;

	if (slash != NULL)
		*slash = '\0';
	if (geteuid() == 0 && stat(seen, &st) < 0)
		seen = slash != NULL && *dir != '\0' ? dir : ".";
	if (geteuid() == 0 && stat(seen, &st) == 0 && st.st_uid != 0) {
		pw = getpwuid(st.st_uid);
		rc = err_set(e, ERR_CONFIG, "%s belongs to %s: run herald as "
		    "that user (sudo -u %s herald ...), not as root", seen,
		    pw != NULL ? pw->pw_name : "another user",
		    pw != NULL ? pw->pw_name : "it");
	}
	free(dir);
	return rc;
}

int
ctx_open(const char *conf_path, struct ctx **out, struct err *e)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	if (conf_load(conf_path, &c->conf, e) < 0)
		goto fail;
	log_setup(c->conf->log_target, c->conf->log_level);
	if (not_as_root(c->conf->database, e) < 0 ||
	    make_parent(c->conf->database, e) < 0 ||
	    db_open(c->conf->database, c->conf->busy_timeout_ms, &c->db,
	    e) < 0 || schema_migrate(c->db, e) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	ctx_close(c);
	return -1;
}

void
ctx_close(struct ctx *c)
{
	if (c == NULL)
		return;
	db_close(c->db);
	conf_free(c->conf);
	memset(c->secret, 0, sizeof(c->secret));
	free(c);
}

int
ctx_secret(struct ctx *c, struct err *e)
{
	if (c->have_secret)
		return 0;
	if (make_parent(c->conf->secret_file, e) < 0 ||
	    crypto_load_secret(c->conf->secret_file, c->secret, e) < 0)
		return -1;
	c->have_secret = 1;
	return 0;
}
