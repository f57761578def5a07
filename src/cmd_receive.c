/*
 * cmd_receive.c: herald receive, what the MTA runs for each message.
 *
 * The promise to the MTA: exit 0 only once the message is stored durably;
 * 67 or 65 when it should bounce; 75 for everything else, so that the MTA
 * keeps the message and tries again.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "fsutil.h"
#include "inbound.h"
#include "list.h"
#include "log.h"
#include "post.h"
#include "util.h"
#include "worker.h"

struct envelope {
	const char *sender;	/* "" for the null sender */
	char rcpt[ADDR_MAX + 1];
};

/* From the command line, else from what Postfix, Exim or local(8) set. */
static int
envelope(int argc, char **argv, struct envelope *env, struct err *e)
{
	static const struct option opts[] = {
		{ "sender", required_argument, NULL, 's' },
		{ "recipient", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rcpt = NULL, *lp, *dom;
	int ch;

	env->sender = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			env->sender = optarg;
		else if (ch == 'r')
			rcpt = optarg;
		else
			return err_set(e, ERR_USAGE, "bad option");
	}
	if (optind < argc)
		rcpt = argv[optind++];
	if (optind < argc)
		return err_set(e, ERR_USAGE, "one recipient only");
	if (rcpt == NULL && (rcpt = getenv("ORIGINAL_RECIPIENT")) == NULL)
		rcpt = getenv("RECIPIENT");
	/* No sender at all is a setup mistake, not the null sender (which
	 * is --sender "" or an empty $SENDER): taken for <>, a post would
	 * count as a machine's and be dropped. */
	if (env->sender == NULL && (env->sender = getenv("SENDER")) == NULL)
		return err_set(e, ERR_USAGE, "no envelope sender: give "
		    "--sender (empty for the null sender; see herald "
		    "receive --help)");
	if (rcpt != NULL)
		return str_copy(env->rcpt, sizeof(env->rcpt), rcpt) < 0 ?
		    err_set(e, ERR_NOTFOUND, "recipient too long") : 0;
	lp = getenv("LOCAL_PART");
	dom = getenv("DOMAIN");
	if (lp == NULL || dom == NULL)
		return err_set(e, ERR_USAGE, "no envelope recipient: give "
		    "--recipient (see herald receive --help)");
	if (str_fmt(env->rcpt, sizeof(env->rcpt), "%s@%s", lp, dom) < 0)
		return err_set(e, ERR_NOTFOUND, "recipient too long");
	return 0;
}

/*
 * The exit code receive gives for an error: only "no such address" and
 * "too large" bounce; anything else may be fixed, so the MTA keeps it.
 */
static int
receive_exit(const struct err *e)
{
	if (e->cls == ERR_NOTFOUND)
		return EXIT_NOUSER;
	if (e->cls == ERR_PERM)
		return EXIT_DATAERR;
	return EXIT_TEMPFAIL;
}

static int
fail(const struct err *e)
{
	int code = receive_exit(e);

	log_error("receive: %s (exit %d)", e->msg, code);
	/* The MTA puts this line in the bounce or the defer reason; on a
	 * terminal, whoever tries receive by hand sees it too. */
	if (code != EXIT_TEMPFAIL || isatty(STDERR_FILENO))
		fprintf(stderr, "herald: %s\n", e->msg);
	return code;
}

static int
take_post(struct ctx *c, const struct list *l, const struct envelope *env,
    const struct buf *msg, struct err *e)
{
	char esc[LOG_ESC_MAX];
	int64_t id;
	struct err pe;

	if (post_store(c, l, env->sender, msg->data, msg->len, &id, e) < 0)
		return -1;
	log_info("post %lld for %s@%s from <%s> stored, %zu octets",
	    (long long)id, l->name, l->domain,
	    log_esc(esc, sizeof(esc), env->sender), msg->len);
	/* Stored is what the MTA needs; the rest can happen later. */
	if (post_process(c, id, &pe) < 0)
		log_warning("post %lld: %s; delivery will process it",
		    (long long)id, pe.msg);
	if (c->conf->deliver_on_receive)
		worker_kick(c->conf);
	return 0;
}

/* Mail to a service address: stored, then handled (inbound.h). */
static int
take_service(struct ctx *c, const struct list *l, enum list_role role,
    const char *arg, const struct envelope *env, const struct buf *msg,
    struct err *e)
{
	int64_t id;
	struct err pe;

	if (inbound_store(c, l, role, arg, env->sender, msg->data, msg->len,
	    &id, e) < 0)
		return -1;
	if (inbound_process(c, id, &pe) < 0)
		log_warning("%s mail %lld: %s; delivery will process it",
		    list_role_name(role), (long long)id, pe.msg);
	if (c->conf->deliver_on_receive)
		worker_kick(c->conf);
	return 0;
}

int
cmd_receive(struct cli *cli, int argc, char **argv)
{
	char arg[LIST_ARG_MAX + 1];
	struct envelope env;
	enum list_role role;
	struct ctx *c = NULL;
	struct list l;
	struct buf msg;
	struct err e;
	int rc = 0;

	/* Until the configuration says otherwise: syslog under the MTA. */
	log_setup(LOG_TO_AUTO, LOG_LVL_INFO);
	if (envelope(argc, argv, &env, &e) < 0)
		return fail(&e);
	if (cli_open(cli, 1, &c, &e) < 0)
		return fail(&e);
	buf_init(&msg, (size_t)c->conf->max_message_size);
	if (list_resolve(c->db, env.rcpt, c->conf->delimiter, &l, &role, arg,
	    &e) < 0) {
		if (e.cls == ERR_NOTFOUND)
			err_set(&e, ERR_NOTFOUND, "%s: no list has this "
			    "address", env.rcpt);
		rc = fail(&e);
		goto out;
	}
	if (fs_read_fd(STDIN_FILENO, &msg, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	if (role != ROLE_POST)
		rc = take_service(c, &l, role, arg, &env, &msg, &e);
	else
		rc = take_post(c, &l, &env, &msg, &e);
	if (rc < 0)
		rc = fail(&e);
out:
	buf_free(&msg);
	ctx_close(c);
	return rc;
}
