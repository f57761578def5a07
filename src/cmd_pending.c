/*
 * cmd_pending.c: herald pending ls|cancel, the open confirmation requests.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "list.h"
#include "pending.h"
#include "util.h"

static void
iso_time(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

struct ls_state {
	int json;
	int n;
};

static int
ls_one(const struct pending *p, void *arg)
{
	struct ls_state *s = arg;
	char made[32], until[32];

	if (s->json) {
		printf("%s{\"address\": ", s->n > 0 ? ",\n " : "");
		cli_json_str(stdout, p->address);
		printf(", \"action\": \"%s\", \"origin\": \"%s\", "
		    "\"created\": %lld, \"expires\": %lld}",
		    pending_action_name(p->action),
		    pending_origin_name(p->origin), (long long)p->created,
		    (long long)p->expires);
	} else {
		iso_time(p->created, made, sizeof(made));
		iso_time(p->expires, until, sizeof(until));
		if (s->n == 0)
			printf("%-11s  %-6s  %-16s  %-16s  %s\n", "ACTION",
			    "ASKED", "SINCE (UTC)", "EXPIRES (UTC)",
			    "ADDRESS");
		printf("%-11s  %-6s  %-16s  %-16s  %s\n",
		    pending_action_name(p->action),
		    pending_origin_name(p->origin), made, until, p->address);
	}
	s->n++;
	return 0;
}

static int
ls(struct cli *cli, int argc, char **argv)
{
	struct ls_state s = { 0 };
	struct ctx *c;
	struct list l;
	struct err e;
	int rc = 0;

	if (cli_json_only(argc, argv, &s.json) < 0 || optind != argc - 1)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[optind], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	if (s.json)
		printf("[");
	if (pending_foreach(c->db, l.id, ls_one, &s, &e) < 0)
		rc = cli_fail(cli, &e);
	if (s.json)
		printf("]\n");
	else if (s.n == 0 && rc == 0)
		printf("no open confirmation requests for %s@%s\n", l.name,
		    l.domain);
	ctx_close(c);
	return rc;
}

static int
cancel_all(struct cli *cli, struct ctx *c, const struct list *l)
{
	struct err e;
	int64_t n;

	if (pending_cancel_all(c->db, l->id, &n, &e) < 0)
		return cli_fail(cli, &e);
	printf("cancelled %lld confirmation request%s for %s@%s\n",
	    (long long)n, n == 1 ? "" : "s", l->name, l->domain);
	return 0;
}

static int
cancel(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, all = 0, i, rc = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a')
			return cli_usage(cli);
		all = 1;
	}
	if (argc - optind < 1 || (all != (argc - optind == 1)))
		return cli_usage(cli);
	if (cli_open_list(cli, argv[optind], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	if (all)
		rc = cancel_all(cli, c, &l);
	for (i = optind + 1; !all && i < argc; i++) {
		if (pending_cancel(c->db, l.id, argv[i], &e) < 0) {
			err_prefix(&e, "%s@%s: %s", l.name, l.domain, argv[i]);
			rc = cli_fail(cli, &e);
			continue;
		}
		printf("cancelled the confirmation requests for %s in %s@%s\n",
		    argv[i], l.name, l.domain);
	}
	ctx_close(c);
	return rc;
}

int
cmd_pending(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "ls", ls, "show the open confirmation requests",
		  "LIST [--json]",
		  "Requests to join or leave (by mail, or invitations) that "
		  "wait for the\naddress to confirm; expired ones are not "
		  "shown.\n" },
		{ "cancel", cancel, "cancel confirmation requests",
		  "LIST ADDRESS... | LIST --all",
		  "The tokens sent for them stop working at once.\n" },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "pending", cmds, argc - 1, argv + 1);
}
