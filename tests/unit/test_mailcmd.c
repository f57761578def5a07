/*
 * test_mailcmd.c: finding the commands in mail to NAME-request@.
 */
#include "mailcmd.h"
#include "unit.h"

/* Expected commands as "verb arg;verb arg;" ("" for none). */
static const struct {
	const char *subject;
	const char *body;
	const char *want;
} table[] = {
	/* The simple forms, in any letter case. */
	{ "subscribe", NULL, "subscribe;" },
	{ "SUBSCRIBE", "", "subscribe;" },
	{ NULL, "Unsubscribe\n", "unsubscribe;" },
	{ NULL, "join\n", "subscribe;" },
	{ NULL, "LEAVE\n", "unsubscribe;" },
	{ NULL, "help", "help;" },
	{ "Help", "help\n", "help;" },			/* twice is once */
	{ NULL, "  confirm  AbCdEf234567abcdef234567ab \n",
	  "confirm AbCdEf234567abcdef234567ab;" },
	{ NULL, "subscribe address=victim@example.com\n",
	  "subscribe victim@example.com;" },
	{ NULL, "subscribe ADDRESS=<v@example.com>\n",
	  "subscribe v@example.com;" },
	/* Reply markers in the subject go; other text there is ignored. */
	{ "Re: subscribe", NULL, "subscribe;" },
	{ "AW: Fwd: RE: unsubscribe", NULL, "unsubscribe;" },
	{ "Re: Please confirm: join the dev list", "subscribe\n",
	  "subscribe;" },
	{ "Re: confirm abc", NULL, "confirm abc;" },
	/* Quoted text is skipped, CRs and blank lines too. */
	{ NULL, "\n\n> subscribe\n>help\nunsubscribe\r\n",
	  "unsubscribe;" },
	{ NULL, "subscribe\n\n> On Monday Anna wrote:\n> unsubscribe\n",
	  "subscribe;" },
	/* A signature ends the commands. */
	{ NULL, "help\n-- \nunsubscribe\n", "help;" },
	{ NULL, "help\n--\nunsubscribe\n", "help;" },
	/* So does the first line that is no command, and "end". */
	{ NULL, "Hello, please add me.\nsubscribe\n", "" },
	{ NULL, "subscribe\nThanks!\nunsubscribe\n", "subscribe;" },
	{ NULL, "help\nend\nsubscribe\n", "help;" },
	{ NULL, "subscribe me please\n", "" },
	{ NULL, "help me\n", "" },
	{ NULL, "confirm\n", "" },
	{ NULL, "confirm a b\n", "" },
	{ NULL, "subscribe address=\n", "" },
	{ NULL, "subscribe to=x@example.com\n", "" },
	{ NULL, "subscribes\n", "" },
	/* At most a few commands. */
	{ NULL, "help\nsubscribe\nunsubscribe\nconfirm a\nconfirm b\n"
	  "confirm c\nconfirm d\n",
	  "help;subscribe;unsubscribe;confirm a;confirm b;" },
	{ NULL, NULL, "" },
	{ "", "\n\n\n", "" },
	{ "Out of office", "I am away until Monday.\n", "" },
};

START_TEST(commands)
{
	struct mailcmd cmds[MAILCMD_MAX];
	char got[1024] = "", one[400];
	int i, n;

	n = mailcmd_parse(table[_i].subject, table[_i].body, cmds,
	    MAILCMD_MAX);
	for (i = 0; i < n; i++) {
		str_fmt(one, sizeof(one), "%s%s%s;",
		    mailcmd_name(cmds[i].verb), cmds[i].arg[0] ? " " : "",
		    cmds[i].arg);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	ck_assert_msg(strcmp(got, table[_i].want) == 0,
	    "subject %s, body %s: got '%s', want '%s'",
	    table[_i].subject ? table[_i].subject : "(none)",
	    table[_i].body ? table[_i].body : "(none)", got, table[_i].want);
}
END_TEST

START_TEST(long_and_hostile_lines)
{
	struct mailcmd cmds[MAILCMD_MAX];
	char *body = xcalloc(1, 100000);

	/* A line longer than any command is none. */
	memset(body, 'x', 400);
	memcpy(body, "confirm ", 8);
	ck_assert_int_eq(mailcmd_parse(NULL, body, cmds, MAILCMD_MAX), 0);
	memset(body, ' ', 99990);
	memcpy(body, "help", 4);
	memcpy(body + 99990, "x\n", 2);
	ck_assert_int_eq(mailcmd_parse(NULL, body, cmds, MAILCMD_MAX), 0);
	ck_assert_int_eq(mailcmd_parse("help", NULL, cmds, 0), 0);
	ck_assert_int_eq(mailcmd_line("\x01help", 5, cmds), -1);
	free(body);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mailcmd");
	TCase *tc = tcase_create("mailcmd");

	tcase_add_loop_test(tc, commands, 0, sizeof(table) / sizeof(table[0]));
	tcase_add_test(tc, long_and_hostile_lines);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
