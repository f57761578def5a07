/*
 * test_policy.c: the small decisions of issue 6, table-driven: who may
 * post, DMARC records, moderators' replies, content type patterns, the
 * resolver setting; and the rules and the hold/decide cycle on a real
 * database.
 */
#include "conf.h"
#include "dmarc.h"
#include "moderate.h"
#include "msg.h"
#include "policy.h"
#include "unit.h"

static const struct {
	const char *posting, *action;
	struct policy_sender s;
	enum policy_verdict want;
} decisions[] = {
	/* known, list_address, member, accepted, denied */
	{ "members", "hold", { 1, 0, 1, 0, 0 }, POLICY_ACCEPT },
	{ "members", "hold", { 1, 0, 0, 1, 0 }, POLICY_ACCEPT },
	{ "members", "hold", { 1, 0, 0, 0, 0 }, POLICY_HOLD },
	{ "members", "reject", { 1, 0, 0, 0, 0 }, POLICY_REJECT },
	{ "members", "discard", { 1, 0, 0, 0, 0 }, POLICY_DISCARD },
	{ "members", "hold", { 1, 1, 0, 0, 0 }, POLICY_HOLD },
	{ "members", "hold", { 0, 0, 0, 0, 0 }, POLICY_HOLD },
	{ "members", "hold", { 1, 0, 1, 0, 1 }, POLICY_DISCARD },
	{ "members", "hold", { 1, 0, 1, 1, 1 }, POLICY_DISCARD },
	{ "open", "hold", { 1, 0, 0, 0, 0 }, POLICY_ACCEPT },
	{ "open", "hold", { 1, 0, 0, 0, 1 }, POLICY_DISCARD },
	{ "moderated", "hold", { 1, 0, 1, 1, 0 }, POLICY_HOLD },
	{ "announce", "hold", { 1, 0, 1, 0, 0 }, POLICY_REJECT },
	{ "announce", "hold", { 1, 0, 0, 1, 0 }, POLICY_ACCEPT },
	{ "announce", "hold", { 1, 1, 0, 1, 0 }, POLICY_REJECT },
};

START_TEST(decide)
{
	const char *why = NULL;

	ck_assert_int_eq(policy_decide(decisions[_i].posting,
	    decisions[_i].action, &decisions[_i].s, &why), decisions[_i].want);
	ck_assert_ptr_nonnull(why);
}
END_TEST

static const struct {
	const char *txt;
	int sub;
	int rc;
	enum dmarc_policy want;
} records[] = {
	{ "v=DMARC1; p=reject; adkim=r; aspf=r", 0, 0, DMARC_REJECT },
	{ "v=DMARC1; p=none", 0, 0, DMARC_NONE },
	{ "v=DMARC1;p=quarantine;pct=50", 0, 0, DMARC_QUARANTINE },
	{ "v=DMARC1; p=none; sp=reject", 1, 0, DMARC_REJECT },
	{ "v=DMARC1; p=reject; sp=none", 1, 0, DMARC_NONE },
	{ "v=DMARC1; p=reject; sp=none", 0, 0, DMARC_REJECT },
	{ "v=DMARC1; pct=100", 0, 0, DMARC_NONE },
	{ "v=DMARC1; p=bogus", 0, 0, DMARC_NONE },
	{ "v=spf1 -all", 0, -1, DMARC_NONE },
	{ "v=DMARC10; p=reject", 0, -1, DMARC_NONE },
	{ "", 0, -1, DMARC_NONE },
};

START_TEST(dmarc_records)
{
	enum dmarc_policy p = DMARC_NONE;

	ck_assert_int_eq(dmarc_parse(records[_i].txt, records[_i].sub, &p),
	    records[_i].rc);
	if (records[_i].rc == 0)
		ck_assert_int_eq(p, records[_i].want);
}
END_TEST

static const struct {
	const char *line;
	int rc;
	enum moderate_decision d;
	const char *rest;
} replies[] = {
	{ "approve", 0, MOD_APPROVE, "" },
	{ "  Approve.", 0, MOD_APPROVE, "" },
	{ "ALWAYS", 0, MOD_ALWAYS, "" },
	{ "reject: Off topic, sorry.", 0, MOD_REJECT, "Off topic, sorry." },
	{ "reject off topic", 0, MOD_REJECT, "off topic" },
	{ "discard", 0, MOD_DISCARD, "" },
	{ "approved", -1, MOD_APPROVE, "" },
	{ "please approve", -1, MOD_APPROVE, "" },
	{ "", -1, MOD_APPROVE, "" },
};

START_TEST(moderator_replies)
{
	enum moderate_decision d = MOD_DISCARD;
	const char *rest = NULL;

	ck_assert_int_eq(moderate_parse(replies[_i].line, &d, &rest),
	    replies[_i].rc);
	if (replies[_i].rc == 0) {
		ck_assert_int_eq(d, replies[_i].d);
		ck_assert_str_eq(rest, replies[_i].rest);
	}
}
END_TEST

START_TEST(type_patterns)
{
	ck_assert(msg_type_matches("text/html", "text/html"));
	ck_assert(msg_type_matches("text/html", "image/png, TEXT/*"));
	ck_assert(msg_type_matches("video/mp4", "video/*"));
	ck_assert(!msg_type_matches("text/html", "text/plain"));
	ck_assert(!msg_type_matches("text/html", "text/htm"));
	ck_assert(!msg_type_matches("textual/x", "text/*"));
	ck_assert(!msg_type_matches("text/html", ""));
}
END_TEST

START_TEST(resolver_setting)
{
	char host[64];
	uint16_t port = 0;

	ck_assert_int_eq(conf_parse_resolver("127.0.0.1", host, sizeof(host),
	    &port), 0);
	ck_assert_uint_eq(port, 53);
	ck_assert_int_eq(conf_parse_resolver("127.0.0.1:5353", host,
	    sizeof(host), &port), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_uint_eq(port, 5353);
	ck_assert_int_eq(conf_parse_resolver("::1", host, sizeof(host),
	    &port), -1);
	ck_assert_int_eq(conf_parse_resolver("127.0.0.1:0", host,
	    sizeof(host), &port), -1);
	ck_assert_int_eq(conf_parse_resolver("127.0.0.1:99999", host,
	    sizeof(host), &port), -1);
	ck_assert_int_eq(conf_parse_resolver("dns.example", host,
	    sizeof(host), &port), -1);
}
END_TEST

START_TEST(rules)
{
	struct db *db = unit_db();
	struct err e;
	char norm[POLICY_PATTERN_MAX];
	int yes;

	ck_assert_int_eq(db_exec(db, "INSERT INTO list (id, name, domain, "
	    "created) VALUES (1, 'dev', 'lists.example.org', 0)", &e), 0);
	ck_assert_int_eq(policy_rule_add(db, 1, RULE_ACCEPT, "Anna@Example.COM",
	    &e), 0);
	ck_assert_int_eq(policy_rule_add(db, 1, RULE_ACCEPT, "anna@example.com",
	    &e), -1);
	ck_assert_int_eq(e.cls, ERR_EXISTS);
	ck_assert_int_eq(policy_rule_add(db, 1, RULE_DENY, "@Spam.Example",
	    &e), 0);
	ck_assert_int_eq(policy_rule_match(db, 1, RULE_ACCEPT,
	    "ANNA@example.com", &yes, &e), 0);
	ck_assert(yes);
	ck_assert_int_eq(policy_rule_match(db, 1, RULE_DENY,
	    "x@spam.example", &yes, &e), 0);
	ck_assert(yes);
	ck_assert_int_eq(policy_rule_match(db, 1, RULE_DENY,
	    "x@sub.spam.example", &yes, &e), 0);
	ck_assert(!yes);
	ck_assert_int_eq(policy_pattern("not an address", norm, &e), -1);
	ck_assert_int_eq(policy_pattern("@", norm, &e), -1);
	ck_assert_int_eq(policy_rule_remove(db, 1, "@spam.example", &e), 0);
	ck_assert_int_eq(policy_rule_remove(db, 1, "@spam.example", &e), -1);
	ck_assert_int_eq(e.cls, ERR_NOTFOUND);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	msg_init();
	tcase_add_loop_test(tc, decide, 0,
	    sizeof(decisions) / sizeof(decisions[0]));
	tcase_add_loop_test(tc, dmarc_records, 0,
	    sizeof(records) / sizeof(records[0]));
	tcase_add_loop_test(tc, moderator_replies, 0,
	    sizeof(replies) / sizeof(replies[0]));
	tcase_add_test(tc, type_patterns);
	tcase_add_test(tc, resolver_setting);
	tcase_add_test(tc, rules);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
