/*
 * test_template.c: placeholders, templates and the notices built from
 * them.
 */
#include "list.h"
#include "msg.h"
#include "placeholder.h"
#include "template.h"
#include "unit.h"

static const char *
lookup(const char *name, void *arg)
{
	(void)arg;
	if (strcmp(name, "name") == 0)
		return "Tanaka";
	if (strcmp(name, "empty") == 0)
		return "";
	return NULL;
}

static const struct {
	const char *in, *out;
	int missing;
} ph_table[] = {
	{ "Dear {{name}},", "Dear Tanaka,", 0 },
	{ "Dear {{ name }},", "Dear Tanaka,", 0 },
	{ "Dear {{title|Sir or Madam}},", "Dear Sir or Madam,", 0 },
	{ "Dear {{name|nobody}},", "Dear Tanaka,", 0 },
	{ "[{{empty|x}}]", "[]", 0 },
	{ "{{org}} and {{dept}}", " and ", 2 },
	{ "{{name", "{{name", 0 },
	{ "{{}} {{ }} {{na me}}", "{{}} {{ }} {{na me}}", 0 },
	{ "{{{name}}}", "{Tanaka}", 0 },
	{ "{{a|multi\nline}}", "{{a|multi\nline}}", 0 },
	{ "no placeholders", "no placeholders", 0 },
	{ "", "", 0 },
	{ "{{name}}{{name}}", "TanakaTanaka", 0 },
};

START_TEST(placeholders)
{
	struct buf out;
	int missing;

	buf_init(&out, 1024);
	missing = placeholder_expand(ph_table[_i].in, strlen(ph_table[_i].in),
	    lookup, NULL, &out);
	ck_assert_msg(strcmp(out.data ? out.data : "", ph_table[_i].out) == 0,
	    "'%s' gave '%s'", ph_table[_i].in, out.data);
	ck_assert_int_eq(missing, ph_table[_i].missing);
	buf_free(&out);
}
END_TEST

/* Kept for a later pass: what has no value stays as written. */
static const struct {
	const char *in, *out;
} keep_table[] = {
	{ "Dear {{name}},", "Dear Tanaka," },
	{ "Dear {{title|Sir or Madam}},", "Dear {{title|Sir or Madam}}," },
	{ "{{org}} and {{ dept }}", "{{org}} and {{ dept }}" },
	{ "[{{empty|x}}] {{url}}", "[] {{url}}" },
	{ "{{name", "{{name" },
};

START_TEST(placeholders_kept)
{
	struct buf out;
	int missing;

	buf_init(&out, 1024);
	missing = placeholder_expand_keep(keep_table[_i].in,
	    strlen(keep_table[_i].in), lookup, NULL, &out);
	ck_assert_msg(strcmp(out.data ? out.data : "", keep_table[_i].out) ==
	    0, "'%s' gave '%s'", keep_table[_i].in, out.data);
	ck_assert_int_eq(missing, 0);
	buf_free(&out);
}
END_TEST

START_TEST(expansion_is_bounded)
{
	struct buf out;
	char text[4000];
	size_t i;

	for (i = 0; i + 8 < sizeof(text); i += 8)
		memcpy(text + i, "{{name}}", 8);
	buf_init(&out, 100);
	ck_assert_int_eq(placeholder_expand(text, i, lookup, NULL, &out), -1);
	buf_free(&out);
}
END_TEST

START_TEST(list_templates)
{
	static const struct template_var vars[] = {
		{ "address", "anna@example.com" },
	};
	struct db *db = unit_db();
	struct buf subj, body;
	struct list l;
	struct err e;

	list_create(db, "dev@lists.example.org", &l, &e);
	buf_init(&subj, 1024);
	buf_init(&body, 65536);
	ck_assert_int_eq(template_render(db, &l, "+", "help", vars, 1, &subj,
	    &body, &e), 0);
	ck_assert_str_eq(subj.data,
	    "Help for the dev@lists.example.org mailing list");
	ck_assert_ptr_nonnull(strstr(body.data, "dev-join@lists.example.org"));
	ck_assert_ptr_null(strstr(body.data, "{{"));
	/* A list's own wording replaces the shipped one, and can go. */
	ck_assert_int_eq(template_set(db, &l, "help", "no subject line\n", &e),
	    -1);
	ck_assert_int_eq(template_set(db, &l, "nonesuch", "Subject: x\n\ny\n",
	    &e), -1);
	ck_assert_int_eq(template_set(db, &l, "help",
	    "Subject: Hilfe für {{list_name}}\n\nSchreib an {{owner_address}}."
	    "\n", &e), 0);
	buf_reset(&subj);
	buf_reset(&body);
	ck_assert_int_eq(template_render(db, &l, "+", "help", NULL, 0, &subj,
	    &body, &e), 0);
	ck_assert_str_eq(subj.data, "Hilfe für dev");
	ck_assert_str_eq(body.data,
	    "Schreib an dev-owner@lists.example.org.\n");
	ck_assert_int_eq(template_reset(db, &l, "help", &e), 0);
	buf_free(&subj);
	buf_free(&body);
	db_close(db);
}
END_TEST

START_TEST(composed_notice)
{
	struct msg_compose mc = {
		.from_name = "dev mailing list",
		.from = "dev-request@lists.example.org",
		.to = "anna@example.com",
		.reply_to = "dev-confirm+abc@lists.example.org",
		.subject = "Bestätigen Sie Ihr Abonnement",
		.body = "Grüße aus Köln.\nZweite Zeile.\n",
		.message_id = "<herald.1@lists.example.org>",
		.in_reply_to = "<q@example.com>",
		.auto_submitted = "auto-replied",
		.loop = "dev@lists.example.org", .date = 1796300000,
		.attach = "From: x@example.com\nSubject: held\n\nbody\n",
		.attach_len = 39,
	};
	struct buf out;
	struct msg *m;
	struct err e;
	char *v;

	buf_init(&out, 1 << 20);
	ck_assert_int_eq(msg_compose(&mc, &out, &e), 0);
	ck_assert(mem_is_ascii(out.data, out.len));
	ck_assert_ptr_null(strstr(out.data, "List-Unsubscribe"));
	ck_assert_int_eq(msg_parse(out.data, out.len, &m, &e), 0);
	v = msg_get(m, "Subject");
	ck_assert_str_eq(v, "Bestätigen Sie Ihr Abonnement");
	free(v);
	v = msg_get(m, "Auto-Submitted");
	ck_assert_str_eq(v, "auto-replied");
	free(v);
	v = msg_get_address(m, "Reply-To");
	ck_assert_str_eq(v, "dev-confirm+abc@lists.example.org");
	free(v);
	ck_assert_int_eq((int)msg_count(m, "To"), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "message/rfc822"));
	msg_free(m);
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	msg_init();
	tcase_add_loop_test(tc, placeholders, 0,
	    sizeof(ph_table) / sizeof(ph_table[0]));
	tcase_add_loop_test(tc, placeholders_kept, 0,
	    sizeof(keep_table) / sizeof(keep_table[0]));
	tcase_add_test(tc, expansion_is_bounded);
	tcase_add_test(tc, list_templates);
	tcase_add_test(tc, composed_notice);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
