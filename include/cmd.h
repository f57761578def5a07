/*
 * cmd.h: the subcommands.  Each parses its options, calls the domain
 * modules and turns the outcome into an exit code (cli.h); nothing else.
 */
#ifndef HERALD_CMD_H
#define HERALD_CMD_H

#include "cli.h"

#define CMD_RECEIVE_SYNOPSIS \
	"[--sender ADDR] [--recipient ADDR | ADDRESS]"
#define CMD_RECEIVE_HELP \
	"Run by the MTA with one message on stdin.  The envelope recipient " \
	"comes from\n--recipient or ADDRESS, else from $ORIGINAL_RECIPIENT, " \
	"$RECIPIENT or\n$LOCAL_PART@$DOMAIN; the sender from --sender, else " \
	"$SENDER (one of them is\nneeded: --sender \"\" is the null " \
	"sender).\n\nExit codes: 0 the message is stored (or was service " \
	"mail, logged);\n67 no list has this address; 65 the message is " \
	"larger than\nmax_message_size; 75 try again later (anything else, " \
	"including a wrong\ncommand line or configuration, so that no mail " \
	"is lost while it is fixed).\n"
#define CMD_DELIVER_SYNOPSIS "[--daemon] [--wait] [--quiet]"
#define CMD_DELIVER_HELP \
	"Sends every copy that is due, then exits; another engine already " \
	"running\nmeans there is nothing to do (--wait waits for it " \
	"instead).  --daemon keeps\nrunning, woken by receive and by retry " \
	"times: run it as a service, or run\nplain 'herald deliver' from " \
	"cron every few minutes so that retries happen.\nExits 75 when no " \
	"relay could take some copies: they wait for the next run.\n"
#define CMD_SERVE_SYNOPSIS ""
#define CMD_SERVE_HELP \
	"Answers HTTP on serve_address:serve_port (herald.conf) for "\
	"one-click\nunsubscribe (RFC 8058): a POST of "\
	"List-Unsubscribe=One-Click to\n/unsubscribe/TOKEN unsubscribes "\
	"that member at once; a GET shows a page\nwith a button that "\
	"does the POST, and never changes anything.  Runs\nuntil "\
	"SIGTERM; put a web server that terminates TLS for web_url in "\
	"front.\n"
#define CMD_QUEUE_SYNOPSIS "[--all] [--json]"
#define CMD_QUEUE_HELP \
	"Posts not yet fully delivered: copies sent, failed, waiting and " \
	"retrying.\n--all shows finished and discarded posts too.\n"

#define CMD_BOUNCE_PARSE_SYNOPSIS "FILE..."
#define CMD_BOUNCE_PARSE_HELP \
	"Reads each FILE (a message; - for stdin) as a delivery report and " \
	"prints one\nline for it: the file, the failed recipients " \
	"(comma-separated, lower-case,\nempty if none), the kind (hard, " \
	"soft or none) and why: the reason of the\nfirst failed recipient " \
	"(user_unknown, mailbox_full, disabled, host_unknown,\nexpired, " \
	"network, too_big, policy, other) or, for a message that is no\n" \
	"failure, what it is (delay, success, autoreply, challenge, " \
	"complaint, other).\nA policy failure is the sending side's: the " \
	"list's, not the member's.\nNeeds no database and no " \
	"configuration.\n"

#define CMD_BOUNCES_SYNOPSIS "LIST [--json] [--events[=N]]"
#define CMD_BOUNCES_HELP \
	"The members with a failed delivery on record or with delivery " \
	"disabled: the\nbounce score as it stands now, the last failure " \
	"(kind, reason, status and\nthe server's words) and the state: " \
	"enabled, or disabled because of bounces\n(with the notices sent " \
	"and when the next is due), a complaint, or by\n'herald member " \
	"disable'.  --events shows the record instead: the last N\nevents " \
	"(50), each with its source (smtp, token, match, reply, admin,\n" \
	"timer) and evidence.  The thresholds are list settings " \
	"(bounce_*; see\n'herald list show').\n"

int cmd_bounce(struct cli *cli, int argc, char **argv);
int cmd_bounces(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_owner(struct cli *cli, int argc, char **argv);
int cmd_moderator(struct cli *cli, int argc, char **argv);
int cmd_member(struct cli *cli, int argc, char **argv);
int cmd_receive(struct cli *cli, int argc, char **argv);
int cmd_post(struct cli *cli, int argc, char **argv);
int cmd_deliver(struct cli *cli, int argc, char **argv);
int cmd_queue(struct cli *cli, int argc, char **argv);
int cmd_held(struct cli *cli, int argc, char **argv);
int cmd_sender(struct cli *cli, int argc, char **argv);
int cmd_pending(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);

#endif
