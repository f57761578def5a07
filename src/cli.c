/*
 * cli.c: what the subcommands share.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "util.h"

int
cli_open(struct cli *cli, int service, struct ctx **c, struct err *e)
{
	enum log_level lv;

	if (ctx_open(cli->conf_path, c, e) < 0) {
		/* ctx_open may have set up the configured target; an
		 * administrator's command still reports on stderr. */
		if (!service)
			log_setup(LOG_TO_STDERR, LOG_LVL_INFO);
		return -1;
	}
	lv = cli->verbose ? LOG_LVL_DEBUG : (*c)->conf->log_level;
	log_setup(service ? (*c)->conf->log_target : LOG_TO_STDERR, lv);
	return 0;
}

int
cli_open_list(struct cli *cli, const char *spec, struct ctx **c,
    struct list *l, struct err *e)
{
	if (cli_open(cli, 0, c, e) < 0)
		return -1;
	if (list_get((*c)->db, spec, l, e) < 0) {
		ctx_close(*c);
		*c = NULL;
		return -1;
	}
	return 0;
}

int
cli_json_only(int argc, char **argv, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*json = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'j')
			return -1;
		*json = 1;
	}
	return 0;
}

int
cli_exit_code(enum err_class cls)
{
	switch (cls) {
	case ERR_NONE:
		return 0;
	case ERR_TEMP:
		return EXIT_TEMPFAIL;
	case ERR_PERM:
	case ERR_EXISTS:
		return EXIT_DATAERR;
	case ERR_USAGE:
		return EXIT_USAGE;
	case ERR_NOTFOUND:
		return EXIT_NOUSER;
	case ERR_CONFIG:
		return EXIT_CONFIG;
	case ERR_INTERNAL:
		return EXIT_SOFTWARE;
	}
	return EXIT_SOFTWARE;
}

int
cli_fail(struct cli *cli, const struct err *e)
{
	(void)cli;
	log_error("%s", e->msg);
	return cli_exit_code(e->cls);
}

int
cli_usage(struct cli *cli)
{
	const char *s = cli->synopsis != NULL ? cli->synopsis : "";

	fprintf(stderr, "usage: %s%s%s\n", cli->prog, *s != '\0' ? " " : "",
	    s);
	return EXIT_USAGE;
}

static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

static int
help(struct cli *cli, const struct cli_cmd *cmd)
{
	printf("usage: %s%s%s\n\n%s.\n", cli->prog, *cmd->synopsis != '\0' ?
	    " " : "", cmd->synopsis, cmd->summary);
	if (cmd->help != NULL)
		printf("\n%s", cmd->help);
	return 0;
}

static void
print_table(FILE *f, const char *prog, const struct cli_cmd *cmds)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [ARGS]\n\ncommands:\n", prog);
	for (i = 0; cmds[i].name != NULL; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'%s COMMAND --help' tells more.\n", prog);
}

int
cli_dispatch(struct cli *cli, const char *group, const struct cli_cmd *cmds,
    int argc, char **argv)
{
	char prog[128];
	const char *outer = cli->prog;
	size_t i;
	int rc;

	if (argc < 1 || strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		print_table(argc < 1 ? stderr : stdout, cli->prog, cmds);
		return argc < 1 ? EXIT_USAGE : 0;
	}
	for (i = 0; cmds[i].name != NULL; i++) {
		if (strcmp(cmds[i].name, argv[0]) != 0)
			continue;
		str_fmt(prog, sizeof(prog), "%s %s", outer, cmds[i].name);
		cli->prog = prog;
		cli->synopsis = cmds[i].synopsis;
		if (cmds[i].synopsis != NULL && wants_help(argc, argv))
			rc = help(cli, &cmds[i]);
		else {
			optind = 0;	/* getopt starts afresh */
			rc = cmds[i].run(cli, argc, argv);
		}
		cli->prog = outer;
		return rc;
	}
	fprintf(stderr, "%s: no command '%s' in %s; try '%s --help'\n",
	    outer, argv[0], group, outer);
	return EXIT_USAGE;
}

void
cli_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	putc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

int
cli_confirm(const char *question)
{
	char answer[16];

	if (!isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, "%s [y/N] ", question);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}
