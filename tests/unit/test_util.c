/*
 * test_util.c: the helpers that know nothing about mail.
 */
#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

START_TEST(copy_is_bounded)
{
	char small[4];

	ck_assert_int_eq(str_copy(small, sizeof(small), "abc"), 0);
	ck_assert_str_eq(small, "abc");
	/* A truncated copy is an error, never a shorter value. */
	ck_assert_int_eq(str_copy(small, sizeof(small), "abcd"), -1);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(str_fmt(small, sizeof(small), "%d", 12345), -1);
	ck_assert_str_eq(small, "");
}
END_TEST

/* -1 in the table: the text must be refused. */
static const struct {
	const char *in;
	int64_t duration, size;
} numbers_table[] = {
	{ "0", 0, 0 },
	{ "90", 90, 90 },
	{ "90s", 90, -1 },
	{ "15m", 900, 15 * 1048576 },
	{ "4h", 14400, -1 },
	{ "3d", 259200, -1 },
	{ "2w", 1209600, -1 },
	{ "64k", -1, 65536 },
	{ "64K", -1, 65536 },
	{ "1G", -1, 1073741824 },
	{ "", -1, -1 },
	{ "-5", -1, -1 },
	{ "5x", -1, -1 },
	{ "m", -1, -1 },
	{ " 5", -1, -1 },
	{ "5 ", -1, -1 },
	{ "99999999999999999999", -1, -1 },
	{ "9999999999999999d", -1, -1 },
};

START_TEST(numbers)
{
	const char *in = numbers_table[_i].in;
	int64_t v = -2;
	int rc;

	rc = parse_duration(in, &v);
	if (numbers_table[_i].duration < 0)
		ck_assert_msg(rc < 0, "duration '%s' accepted", in);
	else
		ck_assert_msg(rc == 0 && v == numbers_table[_i].duration,
		    "duration '%s' gave %lld", in, (long long)v);
	rc = parse_size(in, &v);
	if (numbers_table[_i].size < 0)
		ck_assert_msg(rc < 0, "size '%s' accepted", in);
	else
		ck_assert_msg(rc == 0 && v == numbers_table[_i].size,
		    "size '%s' gave %lld", in, (long long)v);
}
END_TEST

START_TEST(integers_have_bounds)
{
	int64_t v;

	ck_assert_int_eq(parse_int64("12", 0, 10, &v), -1);
	ck_assert_int_eq(parse_int64("10", 0, 10, &v), 0);
	ck_assert_int_eq(parse_int64("1e3", 0, 10000, &v), -1);
}
END_TEST

START_TEST(buffer_has_a_ceiling)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_adds(&b, "12345678"), 0);
	ck_assert_int_eq(buf_addc(&b, '9'), -1);
	ck_assert_int_eq(buf_printf(&b, "%d", 1), -1);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_str_eq(b.data, "12345678");
	buf_free(&b);
}
END_TEST

START_TEST(html_is_escaped)
{
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_add_html(&b, "<a href=\"x\" title='&'>\xc3\xbc"),
	    0);
	ck_assert_str_eq(b.data, "&lt;a href=&quot;x&quot; title=&#39;&amp;"
	    "&#39;&gt;\xc3\xbc");
	buf_reset(&b);
	b.max = 4;
	ck_assert_int_eq(buf_add_html(&b, "a<b"), -1);
	buf_free(&b);
}
END_TEST

START_TEST(untrusted_text_is_escaped_for_the_log)
{
	char out[LOG_ESC_MAX], tiny[12];
	char big[1000];

	ck_assert_str_eq(log_esc(out, sizeof(out), "a\r\nb\\c\x7f\xc3"),
	    "a\\x0d\\x0ab\\x5cc\\x7f\\xc3");
	ck_assert_str_eq(log_esc(out, sizeof(out), NULL), "(null)");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_esc(out, sizeof(out), big);
	ck_assert_uint_lt(strlen(out), sizeof(out));
	ck_assert(str_has_suffix(out, "..."));
	log_esc(tiny, sizeof(tiny), "\n\n\n\n\n");
	ck_assert_uint_lt(strlen(tiny), sizeof(tiny));
}
END_TEST

/* Whatever reaches a log call, one call is one line. */
START_TEST(a_log_call_is_one_line)
{
	char path[] = "/tmp/herald-log-XXXXXX", text[4096];
	FILE *f;
	size_t n;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	log_set_file(path);
	log_setup(LOG_TO_FILE, LOG_LVL_INFO);
	log_info("held: attachment %s", "evil.exe\n2026-12-04 forged line");
	log_setup(LOG_TO_STDERR, LOG_LVL_INFO);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(text, "evil.exe\\x0a2026-12-04 forged"));
	ck_assert_ptr_eq(strchr(text, '\n'), text + n - 1);
}
END_TEST

START_TEST(ascii_case)
{
	ck_assert_int_eq(str_casecmp("Anna@Example.COM", "anna@example.com"),
	    0);
	ck_assert_int_ne(str_casecmp("\xc3\x84", "\xc3\xa4"), 0);
	ck_assert(str_has_ctl("a\rb"));
	ck_assert(!str_has_ctl("a\tb"));
}
END_TEST

/* What a failed system call means for the one who must act on it. */
START_TEST(errno_classes)
{
	ck_assert_int_eq(err_errno_class(ENOSPC), ERR_TEMP);
	ck_assert_int_eq(err_errno_class(ENOENT), ERR_NOTFOUND);
	ck_assert_int_eq(err_errno_class(EACCES), ERR_CONFIG);
	/* A file where the configuration names a folder. */
	ck_assert_int_eq(err_errno_class(ENOTDIR), ERR_CONFIG);
	ck_assert_int_eq(err_errno_class(EISDIR), ERR_CONFIG);
	ck_assert_int_eq(err_errno_class(EINVAL), ERR_INTERNAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, copy_is_bounded);
	tcase_add_loop_test(tc, numbers, 0,
	    sizeof(numbers_table) / sizeof(numbers_table[0]));
	tcase_add_test(tc, integers_have_bounds);
	tcase_add_test(tc, buffer_has_a_ceiling);
	tcase_add_test(tc, html_is_escaped);
	tcase_add_test(tc, untrusted_text_is_escaped_for_the_log);
	tcase_add_test(tc, a_log_call_is_one_line);
	tcase_add_test(tc, ascii_case);
	tcase_add_test(tc, errno_classes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
