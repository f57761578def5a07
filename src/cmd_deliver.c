/*
 * cmd_deliver.c: herald deliver, the delivery engine's front.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "deliver.h"
#include "log.h"
#include "post.h"
#include "util.h"
#include "worker.h"

#define IDLE_WAKE_S 300		/* a daemon looks around this often */
#define SWEEP_AGE_S 86400	/* spool files nobody claimed for a day */

struct opts {
	int daemon;
	int wait;
	int quiet;
	int bar;	/* a progress bar on the terminal */
	int relay_down;	/* some copies could not be handed to a relay */
};

/* post 12 [########          ]  41%  4100/10000  5210/s  1s left */
static void
progress(int64_t post_id, int64_t done, int64_t total, double rate,
    void *arg)
{
	const struct opts *o = arg;
	char bar[21];
	int i, fill = total > 0 ? (int)(done * 20 / total) : 20;

	if (!o->bar)
		return;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[20] = '\0';
	fprintf(stderr, "\rpost %lld [%s] %3d%%  %lld/%lld  %.0f/s",
	    (long long)post_id, bar, total > 0 ? (int)(done * 100 / total) :
	    100, (long long)done, (long long)total, rate);
	if (rate > 0 && total > done)
		fprintf(stderr, "  %.0fs left ", (double)(total - done) / rate);
}

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
report(int64_t post_id, const char *list, const struct deliver_stats *st,
    double seconds, void *arg)
{
	const struct opts *o = arg;

	if (o->bar)
		fprintf(stderr, "\r%*s\r", 72, "");
	log_info("post %lld (%s): %lld sent, %lld failed, %lld deferred%s "
	    "in %.3fs", (long long)post_id, list, (long long)st->sent,
	    (long long)st->failed, (long long)st->deferred,
	    st->relay_down ? ", relay down" : "", seconds);
	if (!o->quiet && isatty(STDOUT_FILENO) && !log_is_terminal())
		printf("post %lld: %lld sent, %lld failed, %lld deferred\n",
		    (long long)post_id, (long long)st->sent,
		    (long long)st->failed, (long long)st->deferred);
}

/* Seconds until something is due; -1 if nothing waits. */
static int64_t
due_in(struct ctx *c, struct err *e)
{
	int64_t when;

	if (deliver_next_due(c, &when, e) < 0)
		return 0;	/* look again soon rather than never */
	if (when == 0)
		return -1;
	return when > now_s() ? when - now_s() : 0;
}

static int
run_once(struct ctx *c, struct opts *o, struct err *e)
{
	struct deliver_ui ui = { report, progress, o };
	struct deliver_stats st;

	if (deliver_run(c, &st, &ui, e) < 0)
		return -1;
	o->relay_down |= st.relay_down;
	return 0;
}

static int
daemon_loop(struct ctx *c, struct opts *o, int fifo, struct err *e)
{
	int64_t last_sweep = 0, wait_s;

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stopping) {
		if (run_once(c, o, e) < 0)
			log_error("deliver: %s", e->msg);
		if (now_s() - last_sweep > 3600) {
			if (post_sweep(c, SWEEP_AGE_S, e) < 0)
				log_warning("sweep: %s", e->msg);
			last_sweep = now_s();
		}
		wait_s = due_in(c, e);
		if (wait_s < 0 || wait_s > IDLE_WAKE_S)
			wait_s = IDLE_WAKE_S;
		worker_wait(fifo, (int)(wait_s * 1000) + 100);
	}
	return 0;
}

/*
 * One pass, then go.  The lock is released before the last look for due
 * work, so a post stored while we were finishing is never stranded: either
 * we see it now, or its receive found no listener and started an engine.
 */
static int
once_loop(struct ctx *c, struct opts *o, int *lock, int fifo,
    struct err *e)
{
	int rc;

	for (;;) {
		worker_wait(fifo, 0);
		if ((rc = run_once(c, o, e)) < 0)
			return -1;
		close(fifo);
		worker_unlock(*lock);
		*lock = -1;
		if (due_in(c, e) != 0)
			return 0;
		if ((rc = worker_lock(c->conf, 0, lock, e)) <= 0)
			return rc;
		if (worker_listen(c->conf, &fifo, e) < 0)
			return -1;
	}
}

int
cmd_deliver(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "daemon", no_argument, NULL, 'd' },
		{ "wait", no_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { 0 };
	struct ctx *c;
	struct err e;
	int ch, lock = -1, fifo = -1, rc;

	log_setup(LOG_TO_AUTO, LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			o.daemon = 1;
		else if (ch == 'w')
			o.wait = 1;
		else if (ch == 'q')
			o.quiet = 1;
		else
			return cli_usage(cli);
	}
	if (optind != argc)
		return cli_usage(cli);
	o.bar = !o.quiet && !o.daemon && isatty(STDERR_FILENO);
	if (cli_open(cli, 1, &c, &e) < 0)
		return cli_fail(cli, &e);
	rc = worker_lock(c->conf, o.wait || o.daemon, &lock, &e);
	if (rc == 0 && !o.quiet)
		fprintf(stderr, "%s: another delivery is running\n",
		    cli->prog);
	if (rc > 0 && (rc = worker_listen(c->conf, &fifo, &e)) == 0)
		rc = o.daemon ? daemon_loop(c, &o, fifo, &e) :
		    once_loop(c, &o, &lock, fifo, &e);
	worker_unlock(lock);
	if (rc >= 0 && o.relay_down) {
		/* The copies wait; 75 tells cron or the caller to try later. */
		err_set(&e, ERR_TEMP, "no relay took some copies; they wait "
		    "for the next run (herald queue)");
		rc = -1;
	}
	rc = rc < 0 ? cli_fail(cli, &e) : 0;
	ctx_close(c);
	return rc;
}
