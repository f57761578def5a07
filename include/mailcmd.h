/*
 * mailcmd.h: the commands in mail to NAME-request@.
 *
 * A command is one line: "subscribe" (or "join"), "unsubscribe" (or
 * "leave"), "help", "confirm TOKEN", or "end", which stops reading; the
 * words in any letter case.  "subscribe address=X" and "unsubscribe
 * address=X" name another address than the sender's.
 *
 * The Subject counts as a line of its own, with reply and forward markers
 * ("Re:", "AW:", "Fwd:" ...) taken off; if it is no command it is
 * ignored.  In the body, empty lines and quoted lines ("> ...") are
 * skipped; reading stops at a signature separator ("-- "), at "end", at
 * the first other line that is no command, and after MAILCMD_MAX
 * commands.  So a reply that quotes a whole message, or a message with a
 * long signature, is read no further than its own first lines, and a
 * stranger's text is never taken for a list of orders.
 *
 * Parsing only: what a command does is subscribe.h's business.
 */
#ifndef HERALD_MAILCMD_H
#define HERALD_MAILCMD_H

#include <stddef.h>

#include "addr.h"

#define MAILCMD_MAX 5		/* commands taken from one message */
#define MAILCMD_LINE_MAX 300	/* a longer line is no command */
#define MAILCMD_ARG_MAX ADDR_MAX

enum mailcmd_verb {
	MAILCMD_SUBSCRIBE,
	MAILCMD_UNSUBSCRIBE,
	MAILCMD_HELP,
	MAILCMD_CONFIRM
};

struct mailcmd {
	enum mailcmd_verb verb;
	/* (un)subscribe: the address= value or ""; confirm: the token. */
	char arg[MAILCMD_ARG_MAX + 1];
};

/*
 * Parses one line (without its line end): 0 with *out filled if it is a
 * command, 1 if it is "end", -1 if it is no command.
 */
int mailcmd_line(const char *line, size_t len, struct mailcmd *out);

/*
 * The commands of a message, from its decoded Subject and body text
 * (either may be NULL), into out[0..max); returns how many.  A command
 * given twice counts once.
 */
int mailcmd_parse(const char *subject, const char *body,
    struct mailcmd *out, int max);

/* The name of a verb ("subscribe" ...), for the record. */
const char *mailcmd_name(enum mailcmd_verb v);

#endif
