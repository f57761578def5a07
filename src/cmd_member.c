/*
 * cmd_member.c: herald member add|remove|set|ls|import|export.
 */
#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "bounce_state.h"
#include "cmd.h"
#include "import.h"
#include "list.h"
#include "member.h"
#include "msg.h"
#include "subscribe.h"
#include "token.h"
#include "unsub.h"
#include "util.h"
#include "worker.h"

#define MAX_REPORTED 50		/* bad lines shown one by one */

static int
parse_mode(const char *s, enum member_mode *mode, struct err *e)
{
	if (member_mode_parse(s, mode) < 0)
		return err_set(e, ERR_USAGE, "mode: normal or nomail, not '%s'",
		    s);
	return 0;
}

/* "Name <addr>" or "addr" [NAME] into an address and a name (owned). */
static int
parse_who(const char *text, const char *name_arg, char **addr, char **name,
    struct err *e)
{
	if (msg_parse_mailbox(text, addr, name, e) < 0)
		return err_set(e, ERR_PERM, "'%s' is not a mail address",
		    text);
	if (name_arg != NULL) {
		free(*name);
		*name = xstrdup(name_arg);
	}
	return 0;
}

/* Sends addr a confirmation request instead of adding it. */
static int
invite(struct ctx *c, const struct list *l, const char *addr,
    const char *name, struct err *e)
{
	struct subscribe_req q = {
		.list = l, .action = PENDING_SUBSCRIBE,
		.origin = PENDING_BY_INVITE, .address = addr, .name = name,
	};
	enum subscribe_outcome out;
	struct member m;

	if (member_check_foreign(c->db, addr, e) < 0)
		return -1;
	if (member_get(c->db, l->id, addr, &m, e) == 0)
		return err_set(e, ERR_EXISTS, "already a member");
	if (e->cls != ERR_NOTFOUND || db_begin(c->db, e) < 0)
		return -1;
	if (subscribe_ask(c, &q, &out, e) < 0 || db_commit(c->db, e) < 0) {
		db_rollback(c->db);
		return -1;
	}
	if (out == SUB_LIMITED)
		return err_set(e, ERR_TEMP, "this mailbox was sent a "
		    "confirmation request less than a day ago; try later");
	worker_kick(c->conf);
	return 0;
}

static int
add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "invite", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	enum member_mode mode = MODE_NORMAL;
	char *addr = NULL, *name = NULL;
	struct ctx *c = NULL;
	struct list l;
	struct err e;
	int ch, rc = 0, inv = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'i')
			inv = 1;
		else if (ch != 'm')
			return cli_usage(cli);
		else if (parse_mode(optarg, &mode, &e) < 0)
			return cli_fail(cli, &e);
	}
	if (argc - optind < 2 || argc - optind > 3)
		return cli_usage(cli);
	if (parse_who(argv[optind + 1], argc - optind == 3 ?
	    argv[optind + 2] : NULL, &addr, &name, &e) < 0 ||
	    cli_open_list(cli, argv[optind], &c, &l, &e) < 0)
		goto fail;
	if ((inv ? invite(c, &l, addr, name, &e) :
	    member_add(c->db, l.id, addr, name, mode, NULL, &e)) < 0) {
		err_prefix(&e, "%s@%s: %s", l.name, l.domain, addr);
		goto fail;
	}
	if (inv)
		printf("invited %s to %s@%s: a confirmation request is on "
		    "its way\n", addr, l.name, l.domain);
	else
		printf("added %s to %s@%s\n", addr, l.name, l.domain);
	goto out;
fail:
	rc = cli_fail(cli, &e);
out:
	free(addr);
	free(name);
	ctx_close(c);
	return rc;
}

/* New unsubscribe tokens: the links in mail already sent stop working. */
static int
revoke_cmd(struct cli *cli, int argc, char **argv)
{
	struct member m;
	struct ctx *c;
	struct list l;
	struct err e;
	int i, rc = 0;

	if (argc < 3)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[1], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	for (i = 2; i < argc; i++) {
		if (member_get(c->db, l.id, argv[i], &m, &e) < 0 ||
		    unsub_revoke(c->db, m.id, &e) < 0) {
			err_prefix(&e, "%s@%s: %s", l.name, l.domain, argv[i]);
			rc = cli_fail(cli, &e);
			continue;
		}
		printf("revoked the unsubscribe links of %s in %s@%s\n",
		    m.address, l.name, l.domain);
	}
	ctx_close(c);
	return rc;
}

static int
remove_cmd(struct cli *cli, int argc, char **argv)
{
	struct ctx *c;
	struct list l;
	struct err e;
	int i, rc = 0;

	if (argc < 3)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[1], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	for (i = 2; i < argc; i++) {
		if (member_remove(c->db, l.id, argv[i], &e) < 0) {
			err_prefix(&e, "%s@%s: %s", l.name, l.domain, argv[i]);
			rc = cli_fail(cli, &e);
			continue;
		}
		printf("removed %s from %s@%s\n", argv[i], l.name, l.domain);
	}
	ctx_close(c);
	return rc;
}

/* ATTRIBUTE=VALUE; an empty value removes the attribute. */
static int
set_attr(struct db *db, const struct list *l, const char *addr,
    const char *kv, struct err *e)
{
	char name[ATTR_NAME_MAX + 1];
	const char *eq = strchr(kv, '=');
	struct member m;

	if (eq == NULL || (size_t)(eq - kv) > ATTR_NAME_MAX)
		return err_set(e, ERR_USAGE, "'%s': expected KEY=VALUE", kv);
	memcpy(name, kv, (size_t)(eq - kv));
	name[eq - kv] = '\0';
	if (member_get(db, l->id, addr, &m, e) < 0)
		return -1;
	return attr_set(db, m.id, name, eq + 1, e);
}

static int
set_one(struct db *db, const struct list *l, const char *addr,
    const char *kv, struct err *e)
{
	enum member_mode mode;
	struct member m;
	struct db_stmt *st;

	if (strncmp(kv, "mode=", 5) == 0)
		return parse_mode(kv + 5, &mode, e) < 0 ? -1 :
		    member_set_mode(db, l->id, addr, mode, e);
	if (strncmp(kv, "skip_if_addressed=", 18) == 0) {
		if (strcmp(kv + 18, "yes") != 0 && strcmp(kv + 18, "no") != 0)
			return err_set(e, ERR_USAGE, "skip_if_addressed: yes "
			    "or no");
		return member_set_skip(db, l->id, addr,
		    strcmp(kv + 18, "yes") == 0, e);
	}
	if (strncmp(kv, "name=", 5) != 0)
		return set_attr(db, l, addr, kv, e);
	if (member_get(db, l->id, addr, &m, e) < 0 ||
	    member_check(m.address, kv + 5, e) < 0)
		return -1;
	st = db_prepare(db, "UPDATE member SET name = ? WHERE id = ?", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, kv[5] != '\0' ? kv + 5 : NULL);
	db_bind_int(st, 2, m.id);
	return db_run(st, e);
}

static int
set(struct cli *cli, int argc, char **argv)
{
	struct ctx *c;
	struct list l;
	struct err e;
	int i;

	if (argc < 4)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[1], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	if (db_begin(c->db, &e) < 0)
		goto fail;
	for (i = 3; i < argc; i++)
		if (set_one(c->db, &l, argv[2], argv[i], &e) < 0)
			goto fail;
	if (db_commit(c->db, &e) < 0)
		goto fail;
	ctx_close(c);
	return 0;
fail:
	db_rollback(c->db);
	ctx_close(c);
	err_prefix(&e, "%s", argv[2]);
	return cli_fail(cli, &e);
}

/* A member's own addresses: for bounces, to leave, the one-click link. */
struct member_addrs {
	char bounce[ADDR_MAX + 1];
	struct unsub_links out;
};

static int
member_addrs(struct ctx *c, const struct list *l, const struct member *m,
    struct member_addrs *a, struct err *e)
{
	char token[TOKEN_LEN + 1];

	if (ctx_secret(c, e) < 0)
		return -1;
	token_make(c->secret, TOKEN_BOUNCE, m->id, token);
	list_address(l, ROLE_BOUNCES, c->conf->delimiter, token, a->bounce,
	    sizeof(a->bounce));
	return unsub_links(c, l, m->id, &a->out, e);
}

static void
show_json(const struct member *m, const struct member_addrs *a)
{
	printf("{\"address\": ");
	cli_json_str(stdout, m->address);
	printf(", \"name\": ");
	cli_json_str(stdout, m->name);
	printf(", \"mode\": \"%s\", \"delivery\": \"%s\", "
	    "\"skip_if_addressed\": %s, \"since\": %lld, \"bounce_address\": ",
	    member_mode_name(m->mode), member_delivery_name(m->delivery),
	    m->skip_if_addressed ? "true" : "false", (long long)m->created);
	cli_json_str(stdout, a->bounce);
	printf(", \"unsubscribe_address\": ");
	cli_json_str(stdout, a->out.address);
	printf(", \"unsubscribe_url\": ");
	cli_json_str(stdout, a->out.url);
	printf(", \"attributes\": {");
}

static void
show_text(const struct member *m, const struct member_addrs *a)
{
	printf("%-18s %s\n%-18s %s\n%-18s %s\n", "address", m->address,
	    "name", m->name, "mode", member_mode_name(m->mode));
	printf("%-18s %s%s\n", "delivery", m->delivery == DELIVERY_ENABLED ?
	    "" : "disabled: ", member_delivery_name(m->delivery));
	printf("%-18s %s\n", "skip_if_addressed", m->skip_if_addressed ?
	    "yes" : "no");
	printf("%-18s %s\n%-18s %s\n%-18s %s\n", "bounces", a->bounce,
	    "leave", a->out.address, "link", a->out.url[0] != '\0' ?
	    a->out.url : "(no web_url configured)");
}

static int
show_attr(const char *name, const char *value, void *arg)
{
	(void)arg;
	printf("%-18s %s\n", name, value);
	return 0;
}

static int
show_attr_json(const char *name, const char *value, void *arg)
{
	int *n = arg;

	printf("%s", (*n)++ > 0 ? ", " : "");
	cli_json_str(stdout, name);
	printf(": ");
	cli_json_str(stdout, value);
	return 0;
}

static int
show(struct cli *cli, int argc, char **argv)
{
	struct member_addrs a;
	struct member m;
	struct ctx *c;
	struct list l;
	struct err e;
	int json, n, rc;

	if (cli_json_only(argc, argv, &json) < 0 || optind != argc - 2)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[optind], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	if (member_get(c->db, l.id, argv[optind + 1], &m, &e) < 0 ||
	    member_addrs(c, &l, &m, &a, &e) < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	if (json)
		show_json(&m, &a);
	else
		show_text(&m, &a);
	n = 0;
	rc = attr_foreach(c->db, m.id, json ? show_attr_json : show_attr,
	    &n, &e);
	if (json)
		printf("}}\n");
	ctx_close(c);
	return rc < 0 ? cli_fail(cli, &e) : 0;
}

/* herald member enable|disable LIST ADDRESS: delivery on or off. */
static int
delivery(struct cli *cli, int argc, char **argv, int on)
{
	struct member m;
	struct ctx *c;
	struct list l;
	struct err e;
	int rc;

	if (argc != 3)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[1], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	rc = db_begin(c->db, &e);
	if (rc == 0)
		rc = member_get(c->db, l.id, argv[2], &m, &e);
	if (rc == 0)
		rc = on ? bounce_state_enable(c, m.id, &e) :
		    bounce_state_disable(c, m.id, &e);
	if (rc == 0)
		rc = db_commit(c->db, &e);
	if (rc < 0) {
		db_rollback(c->db);
		ctx_close(c);
		err_prefix(&e, "%s@%s: %s", l.name, l.domain, argv[2]);
		return cli_fail(cli, &e);
	}
	printf("delivery to %s %s on %s@%s\n", m.address,
	    on ? "enabled" : "disabled", l.name, l.domain);
	ctx_close(c);
	return 0;
}

static int
enable(struct cli *cli, int argc, char **argv)
{
	return delivery(cli, argc, argv, 1);
}

static int
disable(struct cli *cli, int argc, char **argv)
{
	return delivery(cli, argc, argv, 0);
}

struct ls_state {
	int json;
	int width;
	int64_t n;
};

static int
ls_one(const struct member *m, void *arg)
{
	struct ls_state *s = arg;

	if (s->json) {
		printf("%s{\"address\": ", s->n > 0 ? ",\n " : "");
		cli_json_str(stdout, m->address);
		printf(", \"name\": ");
		cli_json_str(stdout, m->name);
		printf(", \"mode\": \"%s\", \"delivery\": \"%s\", "
		    "\"since\": %lld}", member_mode_name(m->mode),
		    member_delivery_name(m->delivery), (long long)m->created);
	} else
		printf("%-*s  %-6s  %s\n", s->width, m->address,
		    member_mode_name(m->mode), m->name);
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
	if (member_widest(c->db, l.id, &s.width, &e) < 0)
		goto fail;
	if (s.json)
		printf("[");
	else if (s.width > 0)
		printf("%-*s  %-6s  %s\n", s.width, "ADDRESS", "MODE", "NAME");
	if (member_foreach(c->db, l.id, ls_one, &s, &e) < 0)
		goto fail;
	if (s.json)
		printf("]\n");
	goto out;
fail:
	rc = cli_fail(cli, &e);
out:
	ctx_close(c);
	return rc;
}

struct import_ui {
	struct cli *cli;
	int tty;
	int64_t shown;
};

static void
on_progress(int64_t records, void *arg)
{
	struct import_ui *ui = arg;

	if (ui->tty)
		fprintf(stderr, "\r%s: %lld records read", ui->cli->prog,
		    (long long)records);
}

static void
on_rejected(int64_t line, const char *why, void *arg)
{
	struct import_ui *ui = arg;

	if (ui->shown++ < MAX_REPORTED)
		fprintf(stderr, "%sline %lld: %s\n", ui->tty ? "\r" : "",
		    (long long)line, why);
	else if (ui->shown == MAX_REPORTED + 1)
		fprintf(stderr, "(more bad lines are not shown)\n");
}

static int
import_report(struct cli *cli, const struct list *l,
    const struct import_result *r)
{
	char updated[48] = "";

	if (r->updated > 0)
		str_fmt(updated, sizeof(updated), " (%lld updated)",
		    (long long)r->updated);
	if (r->committed)
		printf("%s@%s: %lld added, %lld already present%s, %lld "
		    "rejected\n", l->name, l->domain, (long long)r->added,
		    (long long)r->present, updated, (long long)r->rejected);
	else
		fprintf(stderr, "%s: %lld of %lld records rejected; nothing "
		    "imported (fix them, or use --skip-bad)\n", cli->prog,
		    (long long)r->rejected, (long long)r->records);
	return r->committed && r->rejected == 0 ? 0 : EXIT_DATAERR;
}

static int
import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "update", no_argument, NULL, 'u' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_ui ui = { .cli = cli, .tty = isatty(STDERR_FILENO) };
	struct import_opts o = { .progress = on_progress,
	    .rejected = on_rejected, .arg = &ui };
	struct import_result r;
	struct ctx *c;
	struct list l;
	struct err e;
	FILE *in = stdin;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'c')
			o.format = IMPORT_CSV;
		else if (ch == 's')
			o.skip_bad = 1;
		else if (ch == 'u')
			o.update = 1;
		else if (ch != 'm' || parse_mode(optarg, &o.mode, &e) < 0)
			return cli_usage(cli);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage(cli);
	if (argc - optind == 2 && strcmp(argv[optind + 1], "-") != 0 &&
	    (in = fopen(argv[optind + 1], "r")) == NULL) {
		err_sys(&e, ERR_USAGE, errno, "%s", argv[optind + 1]);
		return cli_fail(cli, &e);
	}
	rc = cli_open_list(cli, argv[optind], &c, &l, &e);
	if (rc == 0)
		rc = member_import(c->db, l.id, in, &o, &r, &e);
	if (ui.tty && rc == 0)
		fprintf(stderr, "\r");
	if (in != stdin)
		fclose(in);
	if (rc < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	rc = import_report(cli, &l, &r);
	ctx_close(c);
	return rc;
}

#define EXPORT_ATTRS 64

struct export_state {
	int csv;
	struct db *db;
	int nattr;
	char names[EXPORT_ATTRS][ATTR_NAME_MAX + 1];
	char *values[EXPORT_ATTRS];	/* of the member being written */
	struct err *e;
};

static int
note_name(const char *name, void *arg)
{
	struct export_state *s = arg;

	if (s->nattr == EXPORT_ATTRS)
		return err_set(s->e, ERR_PERM, "more than %d attributes",
		    EXPORT_ATTRS);
	str_copy(s->names[s->nattr++], ATTR_NAME_MAX + 1, name);
	return 0;
}

static int
note_value(const char *name, const char *value, void *arg)
{
	struct export_state *s = arg;
	int i;

	for (i = 0; i < s->nattr; i++)
		if (strcmp(s->names[i], name) == 0)
			s->values[i] = xstrdup(value);
	return 0;
}

static int
export_csv(struct export_state *s, const struct member *m)
{
	int i;

	csv_fwrite(stdout, m->address, strlen(m->address));
	putchar(',');
	csv_fwrite(stdout, m->name, strlen(m->name));
	printf(",%s", member_mode_name(m->mode));
	memset(s->values, 0, sizeof(s->values));
	if (s->nattr > 0 && attr_foreach(s->db, m->id, note_value, s,
	    s->e) < 0)
		return -1;
	for (i = 0; i < s->nattr; i++) {
		putchar(',');
		if (s->values[i] != NULL)
			csv_fwrite(stdout, s->values[i], strlen(s->values[i]));
		free(s->values[i]);
	}
	putchar('\n');
	return 0;
}

static int
export_one(const struct member *m, void *arg)
{
	struct export_state *s = arg;
	char *box;

	if (s->csv)
		return export_csv(s, m);
	if (m->name[0] == '\0') {
		printf("%s\n", m->address);
		return 0;
	}
	box = msg_format_mailbox(m->name, m->address);
	printf("%s\n", box);
	free(box);
	return 0;
}

static int
export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct export_state s = { 0 };
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, rc = 0, i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'c')
			return cli_usage(cli);
		s.csv = 1;
	}
	if (optind != argc - 1)
		return cli_usage(cli);
	if (cli_open_list(cli, argv[optind], &c, &l, &e) < 0)
		return cli_fail(cli, &e);
	s.db = c->db;
	s.e = &e;
	if (s.csv && attr_names(c->db, l.id, note_name, &s, &e) < 0) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	if (s.csv) {
		printf("address,name,mode");
		for (i = 0; i < s.nattr; i++)
			printf(",%s", s.names[i]);
		printf("\n");
	}
	if (member_foreach(c->db, l.id, export_one, &s, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

int
cmd_member(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "add", add, "add a member, or invite one",
		  "LIST ADDRESS [NAME] [--mode normal|nomail] [--invite]",
		  "ADDRESS may also be written \"Name <address>\".  With "
		  "--invite the address\nis sent a confirmation request "
		  "instead, and becomes a member only when\nit confirms "
		  "(at most one request per mailbox a day).\n" },
		{ "remove", remove_cmd, "remove members",
		  "LIST ADDRESS...", NULL },
		{ "set", set, "change a member",
		  "LIST ADDRESS KEY=VALUE...",
		  "KEY is mode (normal or nomail), name, skip_if_addressed "
		  "(yes: no list copy\nof a post that names the member in To "
		  "or Cc), or an attribute such as\norganisation; an empty "
		  "value removes an attribute.\n" },
		{ "enable", enable, "turn delivery to a member back on",
		  "LIST ADDRESS",
		  "For a member whose delivery was disabled because of "
		  "bounces, a complaint\nor 'member disable'.  The bounce "
		  "score starts again from 0.\n" },
		{ "disable", disable, "stop delivery to a member",
		  "LIST ADDRESS",
		  "The member stays subscribed and gets nothing until "
		  "'member enable'.\nNo notice is sent; a member disabled "
		  "because of bounces is not removed.\n" },
		{ "show", show, "show one member",
		  "LIST ADDRESS [--json]",
		  "Shows the member's envelope sender address (the list's "
		  "bounce address\nwith the member's token), which copies "
		  "to this member carry, and the\nmember's own unsubscribe "
		  "address and one-click link.\n" },
		{ "revoke", revoke_cmd, "make members' unsubscribe links void",
		  "LIST ADDRESS...",
		  "Gives the members new unsubscribe tokens: the "
		  "NAME-leave+TOKEN@ addresses\nand one-click links in mail "
		  "they already have stop working.\n" },
		{ "ls", ls, "list the members", "LIST [--json]", NULL },
		{ "import", import, "add many members at once",
		  "LIST [FILE|-] [--csv] [--skip-bad] [--update] [--mode MODE]",
		  "One address per line (\"addr\" or \"Name <addr>\"), or "
		  "with --csv records\n\"address,name\" or a header row "
		  "naming the columns: address, name, mode\nand attributes "
		  "(any other column, e.g. organisation).  One transaction:\n"
		  "unless --skip-bad, one bad record imports nothing.  "
		  "--update sets the fields\nof members already there.\n" },
		{ "export", export, "write the members out",
		  "LIST [--csv]",
		  "The plain form can be imported again as it is; --csv "
		  "writes\naddress,name,mode and the attributes, with a header "
		  "row.\n" },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "member", cmds, argc - 1, argv + 1);
}
