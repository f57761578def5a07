/*
 * test_subject.c: the subject prefix, on decoded subjects.
 */
#include "subject.h"
#include "unit.h"

static const struct {
	const char *in, *prefix, *out;
} table[] = {
	{ "Hello", "[dev] ", "[dev] Hello" },
	{ "[dev] Hello", "[dev] ", "[dev] Hello" },
	{ "[DEV] Hello", "[dev] ", "[dev] Hello" },
	{ "Re: Hello", "[dev] ", "[dev] Re: Hello" },
	{ "Re: [dev] Hello", "[dev] ", "[dev] Re: Hello" },
	{ "[dev] Re: Hello", "[dev] ", "[dev] Re: Hello" },
	{ "Re: [dev] Re: [dev] Hello", "[dev] ", "[dev] Re: Hello" },
	{ "RE: RE: Hello", "[dev] ", "[dev] RE: Hello" },
	{ "AW: [dev] Grüße aus Köln", "[dev] ", "[dev] AW: Grüße aus Köln" },
	{ "Re: [dev] Grüße aus Köln", "[dev] ", "[dev] Re: Grüße aus Köln" },
	{ "Fwd: [dev] x", "[dev] ", "[dev] Fwd: x" },
	{ "Re[2]: x", "[dev] ", "[dev] Re[2]: x" },
	{ "Re : x", "[dev] ", "[dev] Re : x" },
	{ "回复: [dev] 测试", "[dev] ", "[dev] 回复: 测试" },
	{ "SV: x", "[dev] ", "[dev] SV: x" },
	/* Case 003: another list's tag is kept, in place. */
	{ "Re: [users] Build broken on ARM", "[dev] ",
	  "[dev] Re: [users] Build broken on ARM" },
	{ "Re: [users] Build broken on ARM", "[users] ",
	  "[users] Re: Build broken on ARM" },
	{ "[PATCH v2 1/3] parser: keep it", "[dev] ",
	  "[dev] [PATCH v2 1/3] parser: keep it" },
	/* Words that merely start like a marker are text. */
	{ "Regarding: the plan", "[dev] ", "[dev] Regarding: the plan" },
	{ "Research notes", "[dev] ", "[dev] Research notes" },
	{ "", "[dev] ", "[dev]" },
	{ NULL, "[dev] ", "[dev]" },
	{ "   spaced   ", "[dev] ", "[dev] spaced" },
	{ "Hello", "", "Hello" },
	{ "Re: Hello", "", "Re: Hello" },
	{ "dev: Hello", "dev:", "dev: Hello" },
	{ "Hello", "dev:", "dev: Hello" },
};

START_TEST(prefix)
{
	char *out = subject_apply_prefix(table[_i].in, table[_i].prefix);

	ck_assert_msg(strcmp(out, table[_i].out) == 0,
	    "'%s' with '%s' gave '%s', expected '%s'",
	    table[_i].in ? table[_i].in : "(none)", table[_i].prefix, out,
	    table[_i].out);
	free(out);
}
END_TEST

/* Applying the prefix to a result changes nothing: replies converge. */
START_TEST(idempotent)
{
	char *once = subject_apply_prefix(table[_i].in, table[_i].prefix);
	char *twice = subject_apply_prefix(once, table[_i].prefix);

	ck_assert_str_eq(once, twice);
	free(once);
	free(twice);
}
END_TEST

START_TEST(long_and_hostile)
{
	char big[70000];
	char *out;

	memset(big, '[', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	out = subject_apply_prefix(big, "[dev] ");
	ck_assert_ptr_nonnull(out);
	free(out);
	memset(big, 'x', sizeof(big) - 1);
	out = subject_apply_prefix(big, "[dev] ");
	ck_assert_ptr_nonnull(out);
	free(out);
	out = subject_apply_prefix("Re:Re:Re:Re:", "[dev] ");
	ck_assert_str_eq(out, "[dev] Re:");
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("subject");
	TCase *tc = tcase_create("subject");
	int n = sizeof(table) / sizeof(table[0]);

	tcase_add_loop_test(tc, prefix, 0, n);
	tcase_add_loop_test(tc, idempotent, 0, n);
	tcase_add_test(tc, long_and_hostile);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
