/*
 * test_addr.c: which addresses Herald will send to, and when two
 * spellings are one subscriber.
 */
#include "addr.h"
#include "unit.h"

static const struct {
	const char *addr;
	int ok;
} check_table[] = {
	{ "anna@example.com", 1 },
	{ "a.b-c+tag@sub.example.co.uk", 1 },
	{ "o'brien@example.ie", 1 },
	{ "x@localhost", 1 },
	{ "\"john doe\"@example.com", 0 },	/* a space */
	{ "\"john.doe\"@example.com", 1 },
	/* Legal when quoted, but no envelope of Herald's may carry them. */
	{ "\"a,b\"@example.com", 0 },
	{ "\"a;b\"@example.com", 0 },
	{ "\"a<b>\"@example.com", 0 },
	{ "user@[192.0.2.1]", 1 },
	{ "", 0 },
	{ "anna", 0 },
	{ "@example.com", 0 },
	{ "anna@", 0 },
	{ "anna@@example.com", 0 },
	{ ".anna@example.com", 0 },
	{ "anna.@example.com", 0 },
	{ "an..na@example.com", 0 },
	{ "anna@-example.com", 0 },
	{ "anna@example..com", 0 },
	{ "anna@exa_mple.com", 0 },
	{ "anna@example.com\r\nRCPT TO:<x@y>", 0 },
	{ "anna\n@example.com", 0 },
	{ "anna@exam ple.com", 0 },
	{ "an<na@example.com", 0 },
	{ "anna,bernd@example.com", 0 },
	{ "j\xc3\xbcrgen@example.de", 0 },	/* SMTPUTF8 */
	/* 64 octets of local part is the limit (RFC 5321 4.5.3.1.1). */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "@example.com", 1 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "@example.com", 0 },
};

START_TEST(check)
{
	struct err e;
	int rc = addr_check(check_table[_i].addr, &e);

	if (check_table[_i].ok)
		ck_assert_msg(rc == 0, "'%s' refused: %s",
		    check_table[_i].addr, e.msg);
	else
		ck_assert_msg(rc < 0, "'%s' accepted", check_table[_i].addr);
}
END_TEST

START_TEST(keys)
{
	char k1[ADDR_MAX + 1], k2[ADDR_MAX + 1];

	addr_key("Anna@Example.COM", k1);
	addr_key("anna@example.com", k2);
	ck_assert_str_eq(k1, k2);
	addr_key("anna+lists@example.com", k1);
	ck_assert_str_ne(k1, k2);	/* a subaddress is its own member */
	addr_mailbox_key("Victim+a1@Example.com", "+", k1);
	ck_assert_str_eq(k1, "victim@example.com");
	addr_mailbox_key("VICTIM@EXAMPLE.COM", "+", k2);
	ck_assert_str_eq(k1, k2);
	addr_mailbox_key("+tag@example.com", "+", k1);
	ck_assert_str_eq(k1, "+tag@example.com");
	ck_assert_str_eq(addr_domain("a@b.example"), "b.example");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");

	tcase_add_loop_test(tc, check, 0,
	    sizeof(check_table) / sizeof(check_table[0]));
	tcase_add_test(tc, keys);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
