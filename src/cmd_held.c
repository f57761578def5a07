/*
 * cmd_held.c: herald held ls|show|approve|reject|discard, the moderation
 * queue; herald sender accept|deny|remove|ls, who may post.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "fsutil.h"
#include "list.h"
#include "moderate.h"
#include "policy.h"
#include "post.h"
#include "util.h"
#include "worker.h"

static int
parse_id(const char *s, int64_t *id)
{
	return parse_int64(s, 1, INT64_MAX, id);
}

struct ls_state {
	int json;
	int n;
};

static void
when(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

static int
ls_one(const struct held *h, void *arg)
{
	struct ls_state *s = arg;
	char held[32], until[32];

	when(h->held_at, held, sizeof(held));
	when(h->expires, until, sizeof(until));
	if (s->json) {
		printf("%s{\"post\": %lld, \"list\": ", s->n > 0 ? ",\n " : "",
		    (long long)h->post_id);
		cli_json_str(stdout, h->list);
		printf(", \"sender\": ");
		cli_json_str(stdout, h->poster);
		printf(", \"subject\": ");
		cli_json_str(stdout, h->subject);
		printf(", \"reason\": ");
		cli_json_str(stdout, h->reason);
		printf(", \"size\": %lld, \"held\": %lld, \"expires\": %lld}",
		    (long long)h->size, (long long)h->held_at,
		    (long long)h->expires);
	} else {
		if (s->n == 0)
			printf("%6s  %-24s %-30s %s\n", "POST", "LIST",
			    "SENDER", "SUBJECT");
		printf("%6lld  %-24s %-30s %.60s\n        held %s until %s: "
		    "%s\n", (long long)h->post_id, h->list, h->poster,
		    h->subject, held, until, h->reason);
	}
	s->n++;
	return 0;
}

static int
ls(struct cli *cli, int argc, char **argv)
{
	struct ls_state s = { 0 };
	struct ctx *c;
	struct list l = { 0 };
	struct err e;
	int rc = 0;

	if (cli_json_only(argc, argv, &s.json) < 0 || optind < argc - 1)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if ((optind == argc - 1 && list_get(c->db, argv[optind], &l,
	    &e) < 0) || moderate_expire(c, &e) < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	if (s.json)
		printf("[");
	if (moderate_foreach(c, l.id, ls_one, &s, &e) < 0)
		rc = cli_fail(cli, &e);
	if (s.json)
		printf("]\n");
	else if (s.n == 0 && rc == 0)
		printf("no post is held\n");
	ctx_close(c);
	return rc;
}

static int
show_post(struct ctx *c, int64_t id, struct err *e)
{
	char path[PATH_MAX];
	struct post p;
	struct held h;
	struct buf raw;
	int rc;

	if (moderate_get(c, id, &h, e) < 0 || post_get(c, id, &p, e) < 0)
		return -1;
	printf("post      %lld\nlist      %s\nsender    %s\nsubject   %s\n"
	    "reason    %s\nstate     %s\nsize      %lld octets\n\n",
	    (long long)id, h.list, h.poster, h.subject, h.reason, h.state,
	    (long long)h.size);
	post_spool_path(c->conf, "in", p.spool, path, sizeof(path));
	buf_init(&raw, (size_t)c->conf->max_message_size);
	if ((rc = fs_read_file(path, &raw, e)) == 0)
		fwrite(raw.data, 1, raw.len, stdout);
	buf_free(&raw);
	return rc;
}

static int
show(struct cli *cli, int argc, char **argv)
{
	struct ctx *c;
	struct err e;
	int64_t id;
	int rc = 0;

	if (argc != 2 || parse_id(argv[1], &id) < 0)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (show_post(c, id, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

/* One decision, in its own transaction; an approved post goes out now. */
static int
decide_one(struct ctx *c, int64_t id, enum moderate_decision d,
    const char *reason, struct err *e)
{
	struct err pe;

	if (db_begin(c->db, e) < 0)
		return -1;
	if (moderate_decide(c, id, d, reason, "the command line", e) < 0 ||
	    db_commit(c->db, e) < 0) {
		db_rollback(c->db);
		return -1;
	}
	printf("post %lld %s\n", (long long)id, moderate_decision_name(d));
	if (d <= MOD_ALWAYS && post_process(c, id, &pe) < 0)
		fprintf(stderr, "post %lld: %s; delivery will process it\n",
		    (long long)id, pe.msg);
	return 0;
}

static int
decide(struct cli *cli, int argc, char **argv, enum moderate_decision d)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "accept", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reason = NULL;
	struct ctx *c;
	struct err e;
	int64_t id;
	int ch, i, rc = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r' && d == MOD_REJECT)
			reason = optarg;
		else if (ch == 'a' && d == MOD_APPROVE)
			d = MOD_ALWAYS;
		else
			return cli_usage(cli);
	}
	if (optind >= argc)
		return cli_usage(cli);
	for (i = optind; i < argc; i++)
		if (parse_id(argv[i], &id) < 0)
			return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	for (i = optind; i < argc; i++) {
		parse_id(argv[i], &id);
		if (decide_one(c, id, d, reason, &e) < 0)
			rc = cli_fail(cli, &e);
	}
	if (c->conf->deliver_on_receive)
		worker_kick(c->conf);
	ctx_close(c);
	return rc;
}

static int
approve(struct cli *cli, int argc, char **argv)
{
	return decide(cli, argc, argv, MOD_APPROVE);
}

static int
reject(struct cli *cli, int argc, char **argv)
{
	return decide(cli, argc, argv, MOD_REJECT);
}

static int
discard(struct cli *cli, int argc, char **argv)
{
	return decide(cli, argc, argv, MOD_DISCARD);
}

int
cmd_held(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "ls", ls, "the posts waiting for a moderator",
		  "[LIST] [--json]",
		  "Held posts whose time (held_expiry) is up are discarded "
		  "first.\n" },
		{ "show", show, "a held post, whole", "POST", NULL },
		{ "approve", approve, "send held posts to the list",
		  "POST... [--accept]",
		  "--accept also lets each post's sender post without "
		  "moderation from now on.\n" },
		{ "reject", reject, "refuse held posts, telling the sender",
		  "POST... [--reason TEXT]", NULL },
		{ "discard", discard, "drop held posts, telling nobody",
		  "POST...", NULL },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "held", cmds, argc - 1, argv + 1);
}

static int
rule_change(struct cli *cli, int argc, char **argv, int kind)
{
	struct ctx *c;
	struct list l;
	struct err e;
	int i, rc = 0;

	if (argc < 3)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[1], &l, &e) < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	for (i = 2; i < argc; i++) {
		int r = kind < 0 ?
		    policy_rule_remove(c->db, l.id, argv[i], &e) :
		    policy_rule_add(c->db, l.id, (enum policy_rule)kind,
		    argv[i], &e);

		if (r < 0) {
			rc = cli_fail(cli, &e);
			continue;
		}
		printf("%s: %s\n", argv[i], kind < 0 ? "rule removed" :
		    kind == RULE_ACCEPT ? "accepted" : "denied");
	}
	ctx_close(c);
	return rc;
}

static int
accept_cmd(struct cli *cli, int argc, char **argv)
{
	return rule_change(cli, argc, argv, RULE_ACCEPT);
}

static int
deny_cmd(struct cli *cli, int argc, char **argv)
{
	return rule_change(cli, argc, argv, RULE_DENY);
}

static int
remove_cmd(struct cli *cli, int argc, char **argv)
{
	return rule_change(cli, argc, argv, -1);
}

static int
print_rule(enum policy_rule kind, const char *pattern, void *arg)
{
	(void)arg;
	printf("%-7s %s\n", policy_rule_name(kind), pattern);
	return 0;
}

static int
rule_ls(struct cli *cli, int argc, char **argv)
{
	struct ctx *c;
	struct list l;
	struct err e;
	int rc = 0;

	if (argc != 2)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[1], &l, &e) < 0 ||
	    policy_rule_foreach(c->db, l.id, print_rule, NULL, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

int
cmd_sender(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "accept", accept_cmd, "let senders post without moderation",
		  "LIST ADDRESS|@DOMAIN...",
		  "On an announce list, the accepted senders are the ones who "
		  "may post.\n" },
		{ "deny", deny_cmd, "discard senders' posts",
		  "LIST ADDRESS|@DOMAIN...",
		  "A denied sender's posts are dropped without a word, even if "
		  "the sender\nis a member or also accepted.\n" },
		{ "remove", remove_cmd, "forget rules",
		  "LIST ADDRESS|@DOMAIN...", NULL },
		{ "ls", rule_ls, "show the rules", "LIST", NULL },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "sender", cmds, argc - 1, argv + 1);
}
