/*
 * test_conf.c: the site configuration, and how it says what is wrong.
 */
#include <unistd.h>

#include "conf.h"
#include "unit.h"

static char *
write_conf(const char *text)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/herald.conf", dir);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(dir);
	return path;
}

START_TEST(defaults_without_a_file)
{
	struct conf *c;
	struct err e;
	char *dir = unit_tmpdir();

	/* No -c, no $HERALD_CONFIG, no ./herald.conf: built-in defaults
	 * (unless the machine has /etc/herald/herald.conf). */
	ck_assert_int_eq(chdir(dir), 0);
	unsetenv("HERALD_CONFIG");
	if (access("/etc/herald/herald.conf", F_OK) == 0)
		return;
	ck_assert_int_eq(conf_load(NULL, &c, &e), 0);
	ck_assert_ptr_null(c->path);
	ck_assert_str_eq(c->delimiter, "+");
	ck_assert_uint_eq(c->nrelays, 1);
	ck_assert_str_eq(c->relays[0].url, "smtp://127.0.0.1:25");
	ck_assert_int_eq(c->deliver_on_receive, 1);
	ck_assert_str_eq(c->web_url, "");
	ck_assert_str_eq(c->serve_address, "127.0.0.1");
	ck_assert_int_eq(c->serve_port, 8025);
	conf_free(c);
	free(dir);
}
END_TEST

START_TEST(lookup_order)
{
	char *a = write_conf("hostname = \"from-env\"\n");
	char *b = write_conf("hostname = \"from-option\"\n");
	struct conf *c;
	struct err e;

	setenv("HERALD_CONFIG", a, 1);
	ck_assert_int_eq(conf_load(NULL, &c, &e), 0);
	ck_assert_str_eq(c->hostname, "from-env");
	conf_free(c);
	ck_assert_int_eq(conf_load(b, &c, &e), 0);
	ck_assert_str_eq(c->hostname, "from-option");
	conf_free(c);
	unsetenv("HERALD_CONFIG");
	free(a);
	free(b);
}
END_TEST

START_TEST(a_full_file)
{
	char *p = write_conf(
	    "database = \"/x/h.db\"\n"
	    "spool = \"/x/spool\"\n"
	    "recipient_delimiter = \"+=\"\n"
	    "log_level = \"debug\"\n"
	    "max_message_size = \"2M\"\n"
	    "retry = { \"1m\", \"1h\" }\n"
	    "give_up_after = \"2d\"\n"
	    "relay a {\n  url = \"smtps://mx.example.net:465\"\n"
	    "  connections = 8\n  weight = 3\n  rate = 2.5\n"
	    "  tls = \"require\"\n}\n"
	    "relay b {\n  url = \"smtp://127.0.0.1:2525\"\n}\n"
	    "web_url = \"https://lists.example.org/herald/\"\n"
	    "serve_address = \"::1\"\nserve_port = 8080\n");
	struct conf *c;
	struct err e;

	ck_assert_msg(conf_load(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c->database, "/x/h.db");
	ck_assert_str_eq(c->delimiter, "+=");
	ck_assert_int_eq(c->log_level, LOG_LVL_DEBUG);
	ck_assert_int_eq(c->max_message_size, 2 * 1048576);
	ck_assert_uint_eq(c->nretry, 2);
	ck_assert_int_eq(c->retry[1], 3600);
	ck_assert_int_eq(c->give_up_after, 172800);
	ck_assert_uint_eq(c->nrelays, 2);
	ck_assert_str_eq(c->relays[0].name, "a");
	ck_assert_int_eq(c->relays[0].connections, 8);
	ck_assert_int_eq(c->relays[0].tls, RELAY_TLS_REQUIRE);
	ck_assert(c->relays[0].rate > 2.4 && c->relays[0].rate < 2.6);
	ck_assert_int_eq(c->relays[1].connections, 4);
	/* One form of the base: no trailing slash. */
	ck_assert_str_eq(c->web_url, "https://lists.example.org/herald");
	ck_assert_str_eq(c->serve_address, "::1");
	ck_assert_int_eq(c->serve_port, 8080);
	conf_free(c);
	free(p);
}
END_TEST

/* Each bad file, and the "file:line:" its error must start with. */
static const struct {
	const char *text;
	int line;
	const char *words;
} bad_table[] = {
	{ "database = \"x\"\nfrobnicate = 1\n", 2, "frobnicate" },
	{ "\n\nrelay x {\n  conections = 3\n}\n", 4, "conections" },
	{ "relay x {\n  connections = 0\n}\n", 2, "connections" },
	{ "relay x {\n  url = \"http://x\"\n}\n", 2, "url" },
	{ "retry = { \"5m\", \"soon\" }\n", 1, "duration" },
	{ "max_message_size = \"lots\"\n", 1, "max_message_size" },
	{ "log_level = \"loud\"\n", 1, "log_level" },
	{ "recipient_delimiter = \"-\"\n", 1, "recipient_delimiter" },
	{ "relay x {\n  tls = \"maybe\"\n}\n", 2, "tls" },
	{ "database = \n", 2, "" },
	{ "web_url = \"http://lists.example.org\"\n", 1, "web_url" },
	{ "web_url = \"https://\"\n", 1, "web_url" },
	{ "web_url = \"https://x.example/a b\"\n", 1, "web_url" },
	{ "web_url = \"https://x.example/u>\"\n", 1, "web_url" },
	{ "web_url = \"https://x.example/?u=1\"\n", 1, "web_url" },
	{ "serve_address = \"localhost\"\n", 1, "serve_address" },
	{ "serve_port = 0\n", 1, "serve_port" },
	{ "serve_port = 65536\n", 1, "serve_port" },
};

START_TEST(errors_name_file_and_line)
{
	char *p = write_conf(bad_table[_i].text), *want;
	struct conf *c = NULL;
	struct err e;

	ck_assert_int_eq(conf_load(p, &c, &e), -1);
	ck_assert_int_eq(e.cls, ERR_CONFIG);
	want = xasprintf("%s:%d: ", p, bad_table[_i].line);
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0,
	    "'%s' does not start with '%s'", e.msg, want);
	ck_assert_msg(strstr(e.msg, bad_table[_i].words) != NULL,
	    "'%s' does not mention '%s'", e.msg, bad_table[_i].words);
	free(want);
	free(p);
}
END_TEST

START_TEST(missing_file)
{
	struct conf *c;
	struct err e;

	ck_assert_int_eq(conf_load("/nonexistent/herald.conf", &c, &e), -1);
	ck_assert_int_eq(e.cls, ERR_CONFIG);
	ck_assert(strstr(e.msg, "/nonexistent/herald.conf") != NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, defaults_without_a_file);
	tcase_add_test(tc, lookup_order);
	tcase_add_test(tc, a_full_file);
	tcase_add_loop_test(tc, errors_name_file_and_line, 0,
	    sizeof(bad_table) / sizeof(bad_table[0]));
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
