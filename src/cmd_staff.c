/*
 * cmd_staff.c: herald owner|moderator add|remove|ls.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "list.h"
#include "staff.h"

/* The kind is the group's name: "herald owner add" or "herald moderator
 * add"; cli->prog ends in it. */
static enum staff_kind
kind_of(const struct cli *cli)
{
	return strstr(cli->prog, "moderator") != NULL ? STAFF_MODERATOR :
	    STAFF_OWNER;
}

static int
change(struct cli *cli, int argc, char **argv, int add)
{
	enum staff_kind k = kind_of(cli);
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
		if ((add ? staff_add : staff_remove)(c->db, l.id, k, argv[i],
		    &e) < 0) {
			err_prefix(&e, "%s@%s: %s", l.name, l.domain, argv[i]);
			rc = cli_fail(cli, &e);
			continue;
		}
		printf("%s %s %s of %s@%s\n", argv[i], add ? "is now" :
		    "is no longer", staff_kind_name(k), l.name, l.domain);
	}
	ctx_close(c);
	return rc;
}

static int
add(struct cli *cli, int argc, char **argv)
{
	return change(cli, argc, argv, 1);
}

static int
remove_cmd(struct cli *cli, int argc, char **argv)
{
	return change(cli, argc, argv, 0);
}

static int
print_one(const char *address, void *arg)
{
	(void)arg;
	printf("%s\n", address);
	return 0;
}

static int
ls(struct cli *cli, int argc, char **argv)
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
	    staff_foreach(c->db, l.id, kind_of(cli), print_one, NULL, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

static const struct cli_cmd cmds[] = {
	{ "add", add, "add people", "LIST ADDRESS...", NULL },
	{ "remove", remove_cmd, "remove people", "LIST ADDRESS...", NULL },
	{ "ls", ls, "list them", "LIST", NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

int
cmd_owner(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "owner", cmds, argc - 1, argv + 1);
}

int
cmd_moderator(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "moderator", cmds, argc - 1, argv + 1);
}
