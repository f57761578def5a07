/*
 * cli.h: what the subcommands share: global options, opening the context,
 * turning an error into one line on stderr (or in the log) and an exit
 * code, and printing for people and for scripts.
 *
 * Exit codes are sysexits(3):
 *   0  success
 *   64 EX_USAGE     the command line is wrong
 *   65 EX_DATAERR   invalid input, or it conflicts with what exists
 *   67 EX_NOUSER    no such list, member or list address
 *   70 EX_SOFTWARE  an internal error (a bug)
 *   75 EX_TEMPFAIL  try again later (busy database, full disk, relay down)
 *   78 EX_CONFIG    the configuration is wrong
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stdio.h>

#include "ctx.h"
#include "err.h"
#include "list.h"

#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_NOUSER 67
#define EXIT_SOFTWARE 70
#define EXIT_TEMPFAIL 75
#define EXIT_CONFIG 78

struct cli {
	const char *conf_path;	/* -c FILE, or NULL */
	int verbose;		/* -v: debug logging */
	const char *prog;	/* "herald list create" etc., for messages */
	const char *synopsis;	/* of the running command */
};

/*
 * A command of a table.  A leaf command has a synopsis, and its --help is
 * answered from the table before it runs; a group (synopsis NULL) passes
 * its arguments to a table of its own.
 */
struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
	const char *synopsis;	/* options and arguments; NULL for a group */
	const char *help;	/* more lines for --help; may be NULL */
};

/*
 * Opens the context.  Administrative commands report on stderr; service
 * commands (receive, deliver) log to the configured target.
 */
int cli_open(struct cli *cli, int service, struct ctx **c, struct err *e);

/*
 * Opens the context (as an administrative command) and the list named
 * by spec; on failure nothing stays open.
 */
int cli_open_list(struct cli *cli, const char *spec, struct ctx **c,
    struct list *l, struct err *e);

/*
 * Options of a command whose only option is --json (getopt_long, so
 * optind is left at the first operand); -1 on any other option.
 */
int cli_json_only(int argc, char **argv, int *json);

/* The exit code for an error class. */
int cli_exit_code(enum err_class cls);

/* Reports e once (stderr or log) and returns its exit code. */
int cli_fail(struct cli *cli, const struct err *e);

/* Prints "usage: ..." to stderr and returns EX_USAGE. */
int cli_usage(struct cli *cli);

/*
 * Runs the subcommand named argv[0] from a table, or prints the table.
 * group is the command's name ("list"), for usage lines.
 */
int cli_dispatch(struct cli *cli, const char *group,
    const struct cli_cmd *cmds, int argc, char **argv);

/* Writes s as a JSON string (quoted, escaped). */
void cli_json_str(FILE *f, const char *s);

/* Confirms a destructive step on a terminal; nonzero if yes. */
int cli_confirm(const char *question);

#endif
