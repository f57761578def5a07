/*
 * ctx.h: what every subcommand works with: the configuration, the database
 * (schema brought up to date on open) and, when needed, the site secret.
 */
#ifndef HERALD_CTX_H
#define HERALD_CTX_H

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "err.h"

struct ctx {
	struct conf *conf;	/* owned */
	struct db *db;		/* owned */
	unsigned char secret[CRYPTO_SECRET_LEN];
	int have_secret;
};

/* Reads the configuration (conf_load) and opens the database. */
int ctx_open(const char *conf_path, struct ctx **out, struct err *e);
void ctx_close(struct ctx *c);

/* Loads (or creates) the site secret on first call. */
int ctx_secret(struct ctx *c, struct err *e);

#endif
