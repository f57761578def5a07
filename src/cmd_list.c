/*
 * cmd_list.c: herald list create|delete|show|set|ls.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "fsutil.h"
#include "list.h"
#include "member.h"
#include "settings.h"
#include "staff.h"
#include "template.h"
#include "util.h"

static int
create(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "description", required_argument, NULL, 'd' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "no-prefix", no_argument, NULL, 'n' },
		{ "owner", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *descr = NULL, *prefix = NULL, *owners[16];
	char dflt[LIST_NAME_MAX + 4];
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, nowners = 0, i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			descr = optarg;
		else if (ch == 'p')
			prefix = optarg;
		else if (ch == 'n')
			prefix = "";
		else if (ch == 'o' && nowners < 16)
			owners[nowners++] = optarg;
		else
			return cli_usage(cli);
	}
	if (optind != argc - 1)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (db_begin(c->db, &e) < 0 || list_create(c->db, argv[optind], &l,
	    &e) < 0)
		goto fail;
	/* Mailman's habit, which list members expect: "[name] ". */
	str_fmt(dflt, sizeof(dflt), "[%s] ", l.name);
	if (settings_set(c->db, l.id, "subject_prefix", prefix != NULL ?
	    prefix : dflt, &e) < 0 || (descr != NULL &&
	    settings_set(c->db, l.id, "description", descr, &e) < 0))
		goto fail;
	for (i = 0; i < nowners; i++)
		if (staff_add(c->db, l.id, STAFF_OWNER, owners[i], &e) < 0) {
			err_prefix(&e, "owner %s", owners[i]);
			goto fail;
		}
	if (db_commit(c->db, &e) < 0)
		goto fail;
	printf("created list %s@%s\n", l.name, l.domain);
	if (nowners == 0)
		fprintf(stderr, "note: %s@%s has no owner yet; until it has "
		    "one (herald owner add),\nmail to %s-owner@ and notices "
		    "about held posts reach nobody\n", l.name, l.domain,
		    l.name);
	ctx_close(c);
	return 0;
fail:
	db_rollback(c->db);
	ctx_close(c);
	return cli_fail(cli, &e);
}

static int
delete(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	char question[400];
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, yes = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		if (ch != 'y')
			return cli_usage(cli);
		yes = 1;
	}
	if (optind != argc - 1)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[optind], &l, &e) < 0) {
		rc = cli_fail(cli, &e);
		goto out;
	}
	str_fmt(question, sizeof(question), "Delete %s@%s with all its "
	    "members and posts?", l.name, l.domain);
	if (!yes && !cli_confirm(question)) {
		fprintf(stderr, "%s: not deleted (use --yes to confirm)\n",
		    cli->prog);
		rc = EXIT_USAGE;
	} else if (list_delete(c->db, &l, &e) < 0)
		rc = cli_fail(cli, &e);
	else
		printf("deleted list %s@%s\n", l.name, l.domain);
out:
	ctx_close(c);
	return rc;
}

static void
show_text(const struct list *l, int64_t all, int64_t normal, struct db *db)
{
	size_t i, n;
	const struct setting_def *defs = settings_all(&n);
	char v[SETTING_MAX];
	struct err e;
	int set;

	printf("list       %s@%s\n", l->name, l->domain);
	printf("members    %lld (%lld get mail)\n", (long long)all,
	    (long long)normal);
	printf("addresses  %s@ posts; %s-request@ %s-owner@ %s-join@ "
	    "%s-leave@\n           %s-bounces@ %s-confirm@\n", l->name,
	    l->name, l->name, l->name, l->name, l->name, l->name);
	printf("\nsettings (herald list set %s@%s KEY=VALUE):\n", l->name,
	    l->domain);
	for (i = 0; i < n; i++) {
		if (settings_get(db, l->id, defs[i].key, v, &e) < 0 ||
		    settings_is_set(db, l->id, defs[i].key, &set, &e) < 0)
			continue;
		printf("  %-20s \"%s\"%s\n      %s\n", defs[i].key, v,
		    set ? "" : " (default)", defs[i].help);
	}
}

static void
show_json(const struct list *l, int64_t all, int64_t normal, struct db *db)
{
	size_t i, n;
	const struct setting_def *defs = settings_all(&n);
	char v[SETTING_MAX], addr[ADDR_MAX + 1];
	struct err e;

	str_fmt(addr, sizeof(addr), "%s@%s", l->name, l->domain);
	printf("{\"list\": ");
	cli_json_str(stdout, addr);
	printf(", \"members\": %lld, \"receiving\": %lld, \"settings\": {",
	    (long long)all, (long long)normal);
	for (i = 0; i < n; i++) {
		if (settings_get(db, l->id, defs[i].key, v, &e) < 0)
			continue;
		printf("%s", i > 0 ? ", " : "");
		cli_json_str(stdout, defs[i].key);
		printf(": ");
		cli_json_str(stdout, v);
	}
	printf("}}\n");
}

static int
show(struct cli *cli, int argc, char **argv)
{
	int64_t all, normal;
	struct ctx *c;
	struct list l;
	struct err e;
	int json;

	if (cli_json_only(argc, argv, &json) < 0 || optind != argc - 1)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[optind], &l, &e) < 0 ||
	    member_count(c->db, l.id, &all, &normal, &e) < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	if (json)
		show_json(&l, all, normal, c->db);
	else
		show_text(&l, all, normal, c->db);
	ctx_close(c);
	return 0;
}

/* KEY=VALUE pairs, all or none. */
static int
set_all(struct ctx *c, const struct list *l, int argc, char **argv,
    struct err *e)
{
	int i;

	if (db_begin(c->db, e) < 0)
		return -1;
	for (i = 0; i < argc; i++) {
		char key[64], *eq = strchr(argv[i], '=');

		if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof(key)) {
			db_rollback(c->db);
			return err_set(e, ERR_USAGE, "'%s': expected KEY=VALUE",
			    argv[i]);
		}
		memcpy(key, argv[i], (size_t)(eq - argv[i]));
		key[eq - argv[i]] = '\0';
		if (settings_set(c->db, l->id, key, eq + 1, e) < 0) {
			db_rollback(c->db);
			return -1;
		}
	}
	return db_commit(c->db, e);
}

static int
set(struct cli *cli, int argc, char **argv)
{
	struct ctx *c;
	struct list l;
	struct err e;
	int rc = 0;

	if (argc < 3)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[1], &l, &e) < 0 ||
	    set_all(c, &l, argc - 2, argv + 2, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

struct ls_state {
	struct db *db;
	int json;
	int n;
};

static int
ls_one(const struct list *l, void *arg)
{
	struct ls_state *s = arg;
	char addr[ADDR_MAX + 1], descr[SETTING_MAX];
	int64_t all = 0, normal = 0;
	struct err e;

	str_fmt(addr, sizeof(addr), "%s@%s", l->name, l->domain);
	if (member_count(s->db, l->id, &all, &normal, &e) < 0 ||
	    settings_get(s->db, l->id, "description", descr, &e) < 0)
		return -1;
	if (s->json) {
		printf("%s{\"list\": ", s->n > 0 ? ",\n " : "");
		cli_json_str(stdout, addr);
		printf(", \"members\": %lld, \"description\": ",
		    (long long)all);
		cli_json_str(stdout, descr);
		printf("}");
	} else {
		if (s->n == 0)
			printf("%-40s %8s  %s\n", "LIST", "MEMBERS",
			    "DESCRIPTION");
		printf("%-40s %8lld  %s\n", addr, (long long)all, descr);
	}
	s->n++;
	return 0;
}

static int
ls(struct cli *cli, int argc, char **argv)
{
	struct ls_state s = { 0 };
	struct ctx *c;
	struct err e;
	int rc = 0;

	if (cli_json_only(argc, argv, &s.json) < 0 || optind != argc)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	s.db = c->db;
	if (s.json)
		printf("[");
	if (list_foreach(c->db, ls_one, &s, &e) < 0)
		rc = cli_fail(cli, &e);
	if (s.json)
		printf("]\n");
	else if (s.n == 0 && rc == 0)
		printf("no lists yet; herald list create NAME@DOMAIN\n");
	ctx_close(c);
	return rc;
}

static int
template_show(struct ctx *c, const struct list *l, const char *name,
    struct err *e)
{
	char *text;
	int custom;

	if (template_get(c->db, l, name, &text, &custom, e) < 0)
		return -1;
	fputs(text, stdout);
	if (!custom)
		fprintf(stderr, "(the shipped text; --set FILE gives %s@%s its "
		    "own)\n", l->name, l->domain);
	free(text);
	return 0;
}

/* Every template's name, and whether the list has its own text of it. */
static int
template_ls(struct ctx *c, const struct list *l, struct err *e)
{
	const struct template_builtin *t;
	char *text;
	int custom;

	for (t = template_builtins; t->name != NULL; t++) {
		if (template_get(c->db, l, t->name, &text, &custom, e) < 0)
			return -1;
		free(text);
		printf("%-24s %s\n", t->name, custom ? "the list's own" :
		    "shipped");
	}
	return 0;
}

static int
template_load(const char *path, struct buf *b, struct err *e)
{
	buf_init(b, TEMPLATE_MAX);
	if (strcmp(path, "-") == 0)
		return fs_read_fd(0, b, e);
	return fs_read_file(path, b, e);
}

static int
template(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "reset", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL;
	struct ctx *c;
	struct list l;
	struct buf b;
	struct err e;
	int ch, reset = 0, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			file = optarg;
		else if (ch == 'r')
			reset = 1;
		else
			return cli_usage(cli);
	}
	if (optind != argc - 2 && !(optind == argc - 1 && file == NULL &&
	    !reset))
		return cli_usage(cli);
	if (file != NULL && reset)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	rc = list_get(c->db, argv[optind], &l, &e);
	if (rc == 0 && optind == argc - 1)
		rc = template_ls(c, &l, &e);
	else if (rc == 0 && file != NULL) {
		rc = template_load(file, &b, &e);
		if (rc == 0)
			rc = template_set(c->db, &l, argv[optind + 1], b.data,
			    &e);
		buf_free(&b);
	} else if (rc == 0 && reset)
		rc = template_reset(c->db, &l, argv[optind + 1], &e);
	else if (rc == 0)
		rc = template_show(c, &l, argv[optind + 1], &e);
	ctx_close(c);
	return rc < 0 ? cli_fail(cli, &e) : 0;
}

int
cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "create", create, "create a list",
		  "NAME@DOMAIN [--description TEXT] [--prefix TEXT | "
		  "--no-prefix] [--owner ADDRESS]...",
		  "The subject prefix is \"[NAME] \" unless --prefix or "
		  "--no-prefix says\notherwise.  The list's addresses are "
		  "NAME@ and NAME-request@, -owner@,\n-join@, -leave@, "
		  "-bounces@ and -confirm@ in DOMAIN.\n" },
		{ "delete", delete, "delete a list, its members and posts",
		  "NAME@DOMAIN [--yes]",
		  "Asks first on a terminal; elsewhere --yes is required.\n" },
		{ "show", show, "show a list and its settings",
		  "NAME@DOMAIN [--json]", NULL },
		{ "set", set, "change settings, all or none",
		  "NAME@DOMAIN KEY=VALUE...",
		  "'herald list show' lists the keys with their meaning.\n" },
		{ "ls", ls, "list the lists", "[--json]", NULL },
		{ "template", template, "show or change a list's wording",
		  "NAME@DOMAIN [TEMPLATE [--set FILE|- | --reset]]",
		  "Templates are the texts Herald writes (help, confirmation "
		  "requests,\nnotices).  A template is a \"Subject: ...\" "
		  "line, an empty line and the\nbody, with {{placeholders}} "
		  "such as {{list}} or {{request_address}}.\nWithout "
		  "TEMPLATE, lists the templates.\n" },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "list", cmds, argc - 1, argv + 1);
}
