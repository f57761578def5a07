/*
 * ctx.c: configuration, database and secret, opened together.
 */
#include <stdlib.h>
#include <string.h>

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

int
ctx_open(const char *conf_path, struct ctx **out, struct err *e)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	if (conf_load(conf_path, &c->conf, e) < 0)
		goto fail;
	log_setup(c->conf->log_target, c->conf->log_level);
	if (make_parent(c->conf->database, e) < 0 ||
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
