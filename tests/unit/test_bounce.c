/*
 * test_bounce.c: reading delivery reports.
 *
 * The reports in tests/unit/data/bounce-*.eml are written for these
 * tests, one or more per format family: RFC 3464 (several recipients,
 * policy, delay, success), ARF, qmail, Exim, Postfix and sendmail text,
 * Exchange, a provider's own format, Gmail's, HTML, and the look-alikes that
 * are no failures.  In every one the poster is poster@example.org, and
 * it must never come out as a failed recipient.
 */
#include <time.h>

#include "bounce.h"
#include "bounce_scan.h"
#include "msg.h"
#include "unit.h"

#define POSTER "poster@example.org"

struct expect {
	const char *file;
	enum bounce_class cls;
	enum bounce_kind kind;
	const char *failed;	/* comma-separated, in report order */
	enum bounce_reason reason;	/* of the first failed recipient */
};

static const struct expect reports[] = {
	{ "bounce-dsn-two.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "gone.away@example.net,crowded@example.net",
	  BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-dsn-policy.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "reader@example.com", BOUNCE_REASON_POLICY },
	{ "bounce-dsn-delay.eml", BOUNCE_CLASS_DELAY, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	{ "bounce-dsn-success.eml", BOUNCE_CLASS_SUCCESS, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	{ "bounce-arf.eml", BOUNCE_CLASS_COMPLAINT, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	{ "bounce-qmail.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "nobody.here@example.com,second.one@example.com",
	  BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-exim-expired.eml", BOUNCE_CLASS_FAILURE, BOUNCE_SOFT,
	  "late@example.net", BOUNCE_REASON_EXPIRED },
	{ "bounce-postfix-text.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "nosuchdomain@no-such-domain.example",
	  BOUNCE_REASON_HOST_UNKNOWN },
	{ "bounce-sendmail.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "left.company@example.com", BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-exchange.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "j.doe@corp.example.com", BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-provider.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "overfull@example.net", BOUNCE_REASON_MAILBOX_FULL },
	{ "bounce-gmail.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "typo@example.com", BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-html.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "html.reader@example.com", BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-vacation.eml", BOUNCE_CLASS_AUTOREPLY, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	{ "bounce-challenge.eml", BOUNCE_CLASS_CHALLENGE, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	{ "bounce-delay-text.eml", BOUNCE_CLASS_DELAY, BOUNCE_NONE, "",
	  BOUNCE_REASON_NONE },
	/* The poster is named as the sender and refused (5.7.1): the
	 * failure is the list's, and the member is the one listed. */
	{ "bounce-poster-trap.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "member@example.com", BOUNCE_REASON_POLICY },
	{ "bounce-forwarded.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "inside@example.com", BOUNCE_REASON_USER_UNKNOWN },
	{ "bounce-bad-boundary.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "renamed@example.net", BOUNCE_REASON_USER_UNKNOWN },
	/* An 8-bit address is no usable recipient, nor is its ASCII tail. */
	{ "bounce-charset.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "plain.ascii@example.net", BOUNCE_REASON_USER_UNKNOWN },
	/* Cut off inside the Status field: the recipient is still named. */
	{ "bounce-truncated.eml", BOUNCE_CLASS_FAILURE, BOUNCE_HARD,
	  "cut.short@example.net", BOUNCE_REASON_OTHER },
};

#define NREPORTS ((int)(sizeof(reports) / sizeof(reports[0])))

static const char *const hostile[] = {
	"hostile-bad-utf8.eml", "hostile-bare-cr.eml",
	"hostile-deep-nesting.eml", "hostile-header-only.eml",
	"hostile-long-word.eml", "hostile-many-dups.eml",
	"hostile-mixed-endings.eml", "hostile-no-boundary.eml",
	"hostile-nul.eml",
};

#define NHOSTILE ((int)(sizeof(hostile) / sizeof(hostile[0])))

static void
parse_file(const char *name, struct bounce_report *r)
{
	char *rel = xasprintf("tests/unit/data/%s", name);
	char *path = unit_src(rel);
	struct buf raw = unit_read(path);
	struct err e;

	ck_assert_msg(bounce_parse(raw.data, raw.len, r, &e) == 0, "%s: %s",
	    name, e.msg);
	buf_free(&raw);
	free(path);
	free(rel);
}

/* The failed recipients of r, comma-separated, into out[size]. */
static void
failed_list(const struct bounce_report *r, char *out, size_t size)
{
	struct buf b;
	size_t i;

	buf_init(&b, size - 1);
	for (i = 0; i < r->n; i++)
		if (r->rcpt[i].kind != BOUNCE_NONE)
			buf_printf(&b, "%s%s", b.len > 0 ? "," : "",
			    r->rcpt[i].addr);
	str_copy(out, size, b.data != NULL ? b.data : "");
	buf_free(&b);
}

/* What holds for any report: bounded, and never the poster. */
static void
check_sane(const char *name, const struct bounce_report *r)
{
	size_t i;

	ck_assert_msg(r->n <= BOUNCE_RCPT_MAX, "%s: %zu recipients", name,
	    r->n);
	for (i = 0; i < r->n; i++) {
		struct err e;

		ck_assert_msg(strcmp(r->rcpt[i].addr, POSTER) != 0,
		    "%s: the poster is a recipient", name);
		ck_assert_msg(addr_check(r->rcpt[i].addr, &e) == 0,
		    "%s: bad address %s", name, r->rcpt[i].addr);
		ck_assert_msg(strlen(r->rcpt[i].diag) < BOUNCE_DIAG_MAX &&
		    !str_has_ctl(r->rcpt[i].diag), "%s: diag", name);
	}
	if (r->cls != BOUNCE_CLASS_FAILURE)
		ck_assert_msg(r->kind == BOUNCE_NONE, "%s: a %s with kind %s",
		    name, bounce_class_name(r->cls), bounce_kind_name(r->kind));
}

START_TEST(report)
{
	const struct expect *x = &reports[_i];
	struct bounce_report r;
	char got[1024];

	parse_file(x->file, &r);
	check_sane(x->file, &r);
	failed_list(&r, got, sizeof(got));
	ck_assert_msg(r.cls == x->cls, "%s: class %s", x->file,
	    bounce_class_name(r.cls));
	ck_assert_msg(r.kind == x->kind, "%s: kind %s", x->file,
	    bounce_kind_name(r.kind));
	ck_assert_msg(strcmp(got, x->failed) == 0, "%s: failed \"%s\"",
	    x->file, got);
	if (x->failed[0] != '\0')
		ck_assert_msg(r.rcpt[0].reason == x->reason, "%s: reason %s",
		    x->file, bounce_reason_name(r.rcpt[0].reason));
}
END_TEST

/* One report, two recipients: a hard and a soft failure, each its own. */
START_TEST(per_recipient)
{
	struct bounce_report r;

	parse_file("bounce-dsn-two.eml", &r);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.rcpt[0].kind, BOUNCE_HARD);
	ck_assert_str_eq(r.rcpt[0].status, "5.1.1");
	ck_assert_ptr_nonnull(strstr(r.rcpt[0].diag, "User unknown"));
	ck_assert_int_eq(r.rcpt[1].kind, BOUNCE_SOFT);
	ck_assert_str_eq(r.rcpt[1].status, "4.2.2");
	ck_assert_int_eq(r.rcpt[1].reason, BOUNCE_REASON_MAILBOX_FULL);
}
END_TEST

START_TEST(complainant)
{
	struct bounce_report r;

	parse_file("bounce-arf.eml", &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.rcpt[0].addr, "annoyed@isp.example.net");
	ck_assert_int_eq(r.rcpt[0].kind, BOUNCE_NONE);
}
END_TEST

START_TEST(hostile_file)
{
	struct bounce_report r;

	parse_file(hostile[_i], &r);
	check_sane(hostile[_i], &r);
}
END_TEST

/* Every prefix of a report is a truncated report: none may crash. */
START_TEST(truncations)
{
	char *path = unit_src("tests/unit/data/bounce-dsn-two.eml");
	struct buf raw = unit_read(path);
	struct bounce_report r;
	struct err e;
	size_t n;

	/* A prefix too short to have a header is refused, as no message. */
	for (n = 1; n <= raw.len; n += 3) {
		if (bounce_parse(raw.data, n, &r, &e) < 0)
			ck_assert_int_eq(e.cls, ERR_PERM);
		else
			check_sane("prefix", &r);
	}
	buf_free(&raw);
	free(path);
}
END_TEST

START_TEST(empty_is_refused)
{
	struct bounce_report r;
	struct err e;

	ck_assert_int_eq(bounce_parse("", 0, &r, &e), -1);
	ck_assert_int_eq(e.cls, ERR_PERM);
}
END_TEST

static void
parse_mem(const char *what, const char *data, size_t len,
    struct bounce_report *r)
{
	struct err e;

	ck_assert_msg(bounce_parse(data, len, r, &e) == 0, "%s: %s", what,
	    e.msg);
	check_sane(what, r);
}

START_TEST(odd_inputs)
{
	static const char nul[] = "From: MAILER-DAEMON@mx.example.net\n\n"
	    "<a@example.net>:\0 550 5.1.1 unknown\n\0\0";
	static const char cr[] = "From: MAILER-DAEMON@mx.example.net\r"
	    "Subject: Undelivered\r\r<cr@example.net>: 550 5.1.1 unknown\r";
	static const char bare[] = "<body.only@example.net>: 550 no such "
	    "user\n";
	struct bounce_report r;
	struct err e;
	char zeros[4096];

	memset(zeros, 0, sizeof(zeros));
	if (bounce_parse(zeros, sizeof(zeros), &r, &e) < 0)
		ck_assert_int_eq(e.cls, ERR_PERM);
	else
		check_sane("zeros", &r);
	parse_mem("nul", nul, sizeof(nul) - 1, &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.rcpt[0].addr, "a@example.net");
	parse_mem("bare cr", cr, sizeof(cr) - 1, &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.rcpt[0].addr, "cr@example.net");
	parse_mem("no header", bare, sizeof(bare) - 1, &r);
}
END_TEST

/* A report too big to read whole: capped, and quick. */
START_TEST(huge_report)
{
	struct buf b;
	struct bounce_report r;
	int64_t t0 = mono_ms();
	int i;

	buf_init(&b, 16 * 1024 * 1024);
	buf_adds(&b, "From: MAILER-DAEMON@mx.example.net\nSubject: failure "
	    "notice\n\n");
	for (i = 0; i < 200000; i++)
		buf_printf(&b, "<user%d@example.net>: 550 5.1.1 unknown %s\n",
		    i, i % 7 == 0 ? "x@y.example.net z@w.example.net" : "");
	parse_mem("huge", b.data, b.len, &r);
	ck_assert_uint_eq(r.n, BOUNCE_RCPT_MAX);
	ck_assert_msg(mono_ms() - t0 < 20000, "took %lld ms",
	    (long long)(mono_ms() - t0));
	buf_free(&b);
}
END_TEST

/* Many lines, each with many addresses: the work per line is capped. */
START_TEST(long_lines)
{
	struct buf b;
	struct bounce_report r;
	int64_t t0 = mono_ms();
	int i;

	buf_init(&b, 4 * 1024 * 1024);
	buf_adds(&b, "From: MAILER-DAEMON@mx.example.net\n\n");
	for (i = 0; i < 60000; i++)
		buf_printf(&b, "x u%d@example.net ", i);
	buf_adds(&b, "\n");
	parse_mem("long line", b.data, b.len, &r);
	ck_assert_msg(mono_ms() - t0 < 20000, "took %lld ms",
	    (long long)(mono_ms() - t0));
	buf_free(&b);
}
END_TEST

/* Nesting far deeper than any report: the walk stops, nothing breaks. */
START_TEST(deep_nesting)
{
	struct buf b;
	struct bounce_report r;
	int i;

	buf_init(&b, 4 * 1024 * 1024);
	buf_adds(&b, "From: MAILER-DAEMON@mx.example.net\n");
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\""
		    "\n\n--b%d\n", i, i);
	buf_adds(&b, "Content-Type: message/rfc822\n\nFrom: " POSTER "\n\n"
	    "<" POSTER ">: 550 5.1.1 unknown\n");
	parse_mem("deep", b.data, b.len, &r);
	buf_free(&b);
}
END_TEST

START_TEST(many_dsn_groups)
{
	struct buf b;
	struct bounce_report r;
	int i;

	buf_init(&b, 4 * 1024 * 1024);
	buf_adds(&b, "From: MAILER-DAEMON@mx.example.net\nContent-Type: "
	    "multipart/report; report-type=delivery-status; boundary=q\n\n"
	    "--q\nContent-Type: message/delivery-status\n\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "Final-Recipient: rfc822; u%d@example.net\n"
		    "Action: failed\nStatus: 5.1.1\n\n", i);
	parse_mem("groups", b.data, b.len, &r);
	ck_assert_int_eq(r.cls, BOUNCE_CLASS_FAILURE);
	ck_assert_uint_eq(r.n, BOUNCE_RCPT_MAX);
	buf_free(&b);
}
END_TEST

struct scan_case {
	const char *text;
	const char *addr;	/* the first address found, or NULL */
};

START_TEST(scan_addr)
{
	static const struct scan_case cases[] = {
		{ "<Some.One@Example.COM>: 550", "some.one@example.com" },
		{ "rfc822;x@example.org", "x@example.org" },
		{ "dda:SMTP=user@example.com;", "user@example.com" },
		{ "user@example.edu=20", "user@example.edu" },
		{ "'quoted@example.net'", "quoted@example.net" },
		{ "host@192.0.2.1", NULL },
		{ "no at sign here", NULL },
		{ "a@b", NULL },
		{ "@example.com", NULL },
		{ "x@-bad-.example.com", NULL },
		{ "caf\xc3\xa9@example.com", NULL },
		{ "first@@second.example.com", NULL },
	};
	char out[ADDR_MAX + 1];
	const char *at;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *end = bounce_scan_addr(cases[i].text,
		    strlen(cases[i].text), &at, out);

		if (cases[i].addr == NULL)
			ck_assert_msg(end == NULL, "%s: found %s",
			    cases[i].text, out);
		else
			ck_assert_msg(end != NULL &&
			    strcmp(out, cases[i].addr) == 0, "%s: %s",
			    cases[i].text, end != NULL ? out : "(none)");
	}
}
END_TEST

START_TEST(scan_status)
{
	static const struct scan_case cases[] = {
		{ "said: 550 5.1.1 <a@b.example>", "5.1.1" },
		{ "451 4.7.650 rate limited", "4.7.650" },
		{ "Remote host said: 554 delivery error", "554" },
		{ "host [192.0.2.153]: Connection refused", NULL },
		{ "Exim 4.72 at 5.10 o'clock", NULL },
		{ "after 400 seconds", NULL },
		{ "250 2.0.0 Ok", NULL },
		{ "#550 5.1.1 RESOLVER.ADR.RecipNotFound", "5.1.1" },
	};
	char out[BOUNCE_STATUS_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int found = bounce_scan_status(cases[i].text,
		    strlen(cases[i].text), out, sizeof(out));

		if (cases[i].addr == NULL)
			ck_assert_msg(!found, "%s: found %s", cases[i].text,
			    out);
		else
			ck_assert_msg(found && strcmp(out, cases[i].addr) == 0,
			    "%s: %s", cases[i].text, found ? out : "(none)");
	}
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(bounce_kind_name(BOUNCE_HARD), "hard");
	ck_assert_str_eq(bounce_kind_name(BOUNCE_SOFT), "soft");
	ck_assert_str_eq(bounce_kind_name(BOUNCE_NONE), "none");
	ck_assert_str_eq(bounce_reason_name(BOUNCE_REASON_POLICY), "policy");
	ck_assert_str_eq(bounce_reason_name((enum bounce_reason)99), "other");
	ck_assert_str_eq(bounce_class_name(BOUNCE_CLASS_COMPLAINT),
	    "complaint");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bounce");
	TCase *tc = tcase_create("bounce");

	msg_init();
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, report, 0, NREPORTS);
	tcase_add_test(tc, per_recipient);
	tcase_add_test(tc, complainant);
	tcase_add_loop_test(tc, hostile_file, 0, NHOSTILE);
	tcase_add_test(tc, truncations);
	tcase_add_test(tc, empty_is_refused);
	tcase_add_test(tc, odd_inputs);
	tcase_add_test(tc, huge_report);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, many_dsn_groups);
	tcase_add_test(tc, scan_addr);
	tcase_add_test(tc, scan_status);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
