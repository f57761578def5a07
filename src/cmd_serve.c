/*
 * cmd_serve.c: herald serve, one-click unsubscribe over HTTP.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "httpd.h"
#include "log.h"
#include "oneclick.h"
#include "pending.h"
#include "util.h"
#include "worker.h"

#define TICK_MS 1000
#define EXPIRE_EVERY_S 3600

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The path for the log: a token is a secret, and stays out of it. */
static const char *
log_path(const char *path, char *out)
{
	char *tok;

	log_esc(out, LOG_ESC_MAX, path);
	if ((tok = strstr(out, "/unsubscribe/")) != NULL && tok[13] != '\0')
		str_copy(tok + 13, 4, "...");
	return out;
}

/* One request: the answer, and one log line. */
static void
handle(const struct httpd_request *rq, struct httpd_response *rs, void *arg)
{
	struct ctx *c = arg;
	struct oneclick_outcome out;
	char path[LOG_ESC_MAX], addr[LOG_ESC_MAX];
	struct err e;

	if (oneclick_answer(c, rq, rs, &out, &e) < 0) {
		log_error("serve: %s %s from %s: %s", rq->method,
		    log_path(rq->path, path), rq->peer, e.msg);
		return;
	}
	if (out.changed) {
		log_info("serve: %s unsubscribed from %s by one-click (from "
		    "%s)", log_esc(addr, sizeof(addr), out.address), out.list,
		    rq->peer);
		/* The farewell is queued; the engine sends it. */
		worker_kick(c->conf);
		return;
	}
	log_info("serve: %s %s from %s: %d, %s", rq->method,
	    log_path(rq->path, path), rq->peer, rs->status,
	    out.what);
}

/*
 * XXX One request at a time, in this thread, on the one database
 * connection: a database busy with a delivery delays every answer, up to
 * busy_timeout.
 */
static int
loop(struct ctx *c, struct httpd *h, struct err *e)
{
	int64_t last_expire = 0;
	struct err xe;

	while (!stopping) {
		if (httpd_run(h, TICK_MS, e) < 0)
			return -1;
		if (now_s() - last_expire >= EXPIRE_EVERY_S) {
			if (pending_expire(c->db, &xe) < 0)
				log_warning("serve: %s", xe.msg);
			last_expire = now_s();
		}
	}
	return 0;
}

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	struct httpd *h = NULL;
	struct ctx *c;
	struct err e;
	int rc;

	(void)argv;
	log_setup(LOG_TO_AUTO, LOG_LVL_INFO);
	if (argc != 1)
		return cli_usage(cli);
	if (cli_open(cli, 1, &c, &e) < 0)
		return cli_fail(cli, &e);
	rc = ctx_secret(c, &e);
	if (rc == 0)
		rc = httpd_start(c->conf->serve_address, c->conf->serve_port,
		    handle, c, &h, &e);
	if (rc == 0) {
		signal(SIGTERM, on_term);
		signal(SIGINT, on_term);
		signal(SIGPIPE, SIG_IGN);
		log_info("serve: listening on %s port %d%s%s",
		    c->conf->serve_address, c->conf->serve_port,
		    c->conf->web_url[0] != '\0' ? " for " : " (no web_url set: "
		    "list mail carries no one-click links)",
		    c->conf->web_url);
		rc = loop(c, h, &e);
		log_info("serve: stopped");
	}
	httpd_stop(h);
	rc = rc < 0 ? cli_fail(cli, &e) : 0;
	ctx_close(c);
	return rc;
}
