/*
 * main.c: herald's subcommands.  Each lives in its own cmd_*.c; this file
 * holds only the table and the global options.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "msg.h"

#define HERALD_VERSION "0.1.0"

static const struct cli_cmd commands[] = {
	{ "list", cmd_list, "create, delete, show, change and list lists",
	  NULL, NULL },
	{ "member", cmd_member, "add, remove, list, import, export members",
	  NULL, NULL },
	{ "owner", cmd_owner, "who gets mail to NAME-owner@ and notices",
	  NULL, NULL },
	{ "moderator", cmd_moderator, "who decides about held posts",
	  NULL, NULL },
	{ "post", cmd_post, "preview what a member would receive",
	  NULL, NULL },
	{ "held", cmd_held, "the moderation queue: approve, reject, discard",
	  NULL, NULL },
	{ "sender", cmd_sender, "accept and deny rules: who may post",
	  NULL, NULL },
	{ "pending", cmd_pending, "open confirmation requests: ls, cancel",
	  NULL, NULL },
	{ "receive", cmd_receive, "take one message from the MTA (stdin)",
	  CMD_RECEIVE_SYNOPSIS, CMD_RECEIVE_HELP },
	{ "deliver", cmd_deliver, "send what is due; --daemon to keep on",
	  CMD_DELIVER_SYNOPSIS, CMD_DELIVER_HELP },
	{ "queue", cmd_queue, "show posts being delivered",
	  CMD_QUEUE_SYNOPSIS, CMD_QUEUE_HELP },
	{ "bounce", cmd_bounce, "read delivery reports (parse)",
	  NULL, NULL },
	{ "serve", cmd_serve, "answer one-click unsubscribe over HTTP",
	  CMD_SERVE_SYNOPSIS, CMD_SERVE_HELP },
	{ "bounces", cmd_bounces, "members whose mail fails, and why",
	  CMD_BOUNCES_SYNOPSIS, CMD_BOUNCES_HELP },
	{ NULL, NULL, NULL, NULL, NULL }
};

static int
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: herald [-c FILE] [-v] COMMAND [ARGS]\n\n"
	    "  -c FILE   configuration file (default: $HERALD_CONFIG, "
	    "./herald.conf,\n"
	    "            /etc/herald/herald.conf)\n"
	    "  -v        log debug messages\n\ncommands:\n");
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f, "\n'herald COMMAND --help' tells more.\n");
	return f == stderr ? EXIT_USAGE : 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { .prog = "herald" };
	int ch;

	/* Administrative commands report on stderr; receive and deliver
	 * choose their own target. */
	log_setup(LOG_TO_STDERR, LOG_LVL_INFO);
	/* "+": stop at the first non-option, the subcommand. */
	while ((ch = getopt_long(argc, argv, "+c:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.conf_path = optarg;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'h':
			return usage(stdout);
		case 'V':
			printf("herald %s\n", HERALD_VERSION);
			return 0;
		default:
			return usage(stderr);
		}
	}
	if (optind >= argc)
		return usage(stderr);
	msg_init();
	argc -= optind;
	argv += optind;
	optind = 0;	/* subcommands run getopt again, from scratch */
	return cli_dispatch(&cli, "herald", commands, argc, argv);
}
