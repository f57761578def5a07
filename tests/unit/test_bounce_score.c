/*
 * test_bounce_score.c: the arithmetic of bounce scores: hard against
 * soft, one increment a day, the reset after a quiet period, the
 * threshold; and the number type of the settings that hold them.
 */
#include "bounce_score.h"
#include "list.h"
#include "settings.h"
#include "unit.h"

/* Noon (UTC) of day d after an arbitrary day in 2026. */
#define DAY0 20500
#define AT(d, h) ((int64_t)(DAY0 + (d)) * BOUNCE_DAY + (h) * 3600)

/* One failure after another: what each adds, and the score after. */
struct step {
	int day;
	int hour;
	enum bounce_kind kind;
	double added;
	double score;
};

static const struct {
	const char *what;
	struct step steps[8];
	int n;
} runs[] = {
	{ "hard counts 1, soft 0.5", {
	    { 0, 10, BOUNCE_HARD, 1.0, 1.0 },
	    { 1, 10, BOUNCE_SOFT, 0.5, 1.5 },
	    { 2, 10, BOUNCE_HARD, 1.0, 2.5 } }, 3 },
	{ "one increment a day", {
	    { 0, 1, BOUNCE_HARD, 1.0, 1.0 },
	    { 0, 9, BOUNCE_HARD, 0.0, 1.0 },
	    { 0, 23, BOUNCE_HARD, 0.0, 1.0 },
	    { 1, 0, BOUNCE_HARD, 1.0, 2.0 } }, 4 },
	{ "a hard failure lifts the day's soft increment", {
	    { 0, 8, BOUNCE_SOFT, 0.5, 0.5 },
	    { 0, 9, BOUNCE_SOFT, 0.0, 0.5 },
	    { 0, 10, BOUNCE_HARD, 0.5, 1.0 },
	    { 0, 11, BOUNCE_SOFT, 0.0, 1.0 } }, 4 },
	{ "no failure: nothing counts", {
	    { 0, 8, BOUNCE_NONE, 0.0, 0.0 },
	    { 1, 8, BOUNCE_HARD, 1.0, 1.0 },
	    { 2, 8, BOUNCE_NONE, 0.0, 1.0 } }, 3 },
	{ "seven quiet days reset the score", {
	    { 0, 10, BOUNCE_HARD, 1.0, 1.0 },
	    { 1, 10, BOUNCE_HARD, 1.0, 2.0 },
	    { 8, 9, BOUNCE_HARD, 1.0, 3.0 },
	    { 15, 9, BOUNCE_HARD, 1.0, 1.0 } }, 4 },
	{ "a late report counts as part of the last day", {
	    { 3, 10, BOUNCE_SOFT, 0.5, 0.5 },
	    { 2, 10, BOUNCE_HARD, 0.5, 1.0 },
	    { 2, 11, BOUNCE_HARD, 0.0, 1.0 } }, 3 },
};

START_TEST(score_runs)
{
	struct bounce_policy p;
	struct bounce_standing s = { 0 };
	int i;

	bounce_score_defaults(&p);
	for (i = 0; i < runs[_i].n; i++) {
		const struct step *st = &runs[_i].steps[i];
		double added = bounce_score_add(&p, &s, st->kind,
		    AT(st->day, st->hour));

		ck_assert_msg(added == st->added && s.score == st->score,
		    "%s, step %d: added %.2f, score %.2f", runs[_i].what, i,
		    added, s.score);
	}
}
END_TEST

START_TEST(threshold)
{
	struct bounce_policy p;
	struct bounce_standing s = { 0 };
	int d;

	bounce_score_defaults(&p);
	/* Five hard failures on five days reach the default threshold;
	 * four do not, however many come each day. */
	for (d = 0; d < 4; d++) {
		bounce_score_add(&p, &s, BOUNCE_HARD, AT(d, 6));
		bounce_score_add(&p, &s, BOUNCE_HARD, AT(d, 18));
		ck_assert(!bounce_score_over(&p, s.score));
	}
	bounce_score_add(&p, &s, BOUNCE_HARD, AT(4, 6));
	ck_assert(bounce_score_over(&p, s.score));

	/* Ten soft days make 5.0 too: soft counts half. */
	memset(&s, 0, sizeof(s));
	for (d = 0; d < 9; d++)
		bounce_score_add(&p, &s, BOUNCE_SOFT, AT(d, 6));
	ck_assert(!bounce_score_over(&p, s.score));
	bounce_score_add(&p, &s, BOUNCE_SOFT, AT(9, 6));
	ck_assert(bounce_score_over(&p, s.score));

	/* Decimals a list may set add up without rounding surprises. */
	p.threshold = 0.3;
	p.soft = 0.1;
	memset(&s, 0, sizeof(s));
	for (d = 0; d < 3; d++)
		bounce_score_add(&p, &s, BOUNCE_SOFT, AT(d, 6));
	ck_assert(bounce_score_over(&p, s.score));
}
END_TEST

START_TEST(score_as_it_stands)
{
	struct bounce_policy p;
	struct bounce_standing s = { 0 };

	bounce_score_defaults(&p);
	ck_assert(bounce_score_at(&p, &s, AT(0, 0)) == 0);
	bounce_score_add(&p, &s, BOUNCE_HARD, AT(0, 12));
	bounce_score_add(&p, &s, BOUNCE_HARD, AT(1, 12));
	ck_assert(bounce_score_at(&p, &s, AT(7, 11)) == 2.0);
	ck_assert(bounce_score_at(&p, &s, AT(8, 12)) == 0);
	/* A list with a shorter quiet period forgets sooner. */
	p.reset_after = 2 * BOUNCE_DAY;
	ck_assert(bounce_score_at(&p, &s, AT(3, 12)) == 0);
}
END_TEST

/* A list that scores soft failures as nothing ignores them. */
START_TEST(zero_weight)
{
	struct bounce_policy p;
	struct bounce_standing s = { 0 };

	bounce_score_defaults(&p);
	p.soft = 0;
	ck_assert(bounce_score_add(&p, &s, BOUNCE_SOFT, AT(0, 1)) == 0);
	ck_assert(s.score == 0 && s.last_at == 0);
}
END_TEST

static const struct {
	const char *value;
	int ok;
} numbers[] = {
	{ "5", 1 }, { "5.0", 1 }, { "0.5", 1 }, { ".5", 1 }, { "5.", 1 },
	{ "0", 1 }, { "12.25", 1 }, { "", 0 }, { ".", 0 }, { "-1", 0 },
	{ "+1", 0 }, { "1e3", 0 }, { "1.2.3", 0 }, { "5,0", 0 },
	{ " 5", 0 }, { "5 ", 0 }, { "abc", 0 }, { "1234567890123", 0 },
};

START_TEST(number_settings)
{
	const struct setting_def *d = settings_find("bounce_hard_score");
	struct err e;

	ck_assert_ptr_nonnull(d);
	ck_assert_msg((settings_check(d, numbers[_i].value, &e) == 0) ==
	    numbers[_i].ok, "'%s'", numbers[_i].value);
}
END_TEST

START_TEST(number_stored)
{
	struct db *db = unit_db();
	struct list l;
	struct err e;
	double v;

	ck_assert_int_eq(list_create(db, "dev@lists.example.org", &l, &e), 0);
	ck_assert_int_eq(settings_get_number(db, l.id, "bounce_soft_score",
	    &v, &e), 0);
	ck_assert(v == 0.5);
	ck_assert_int_eq(settings_set(db, l.id, "bounce_soft_score", "0.25",
	    &e), 0);
	ck_assert_int_eq(settings_get_number(db, l.id, "bounce_soft_score",
	    &v, &e), 0);
	ck_assert(v == 0.25);
	ck_assert_int_eq(settings_set(db, l.id, "bounce_soft_score", "-1",
	    &e), -1);
	ck_assert_int_eq(e.cls, ERR_USAGE);
	db_close(db);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bounce_score");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, score_runs, 0,
	    (int)(sizeof(runs) / sizeof(runs[0])));
	tcase_add_test(tc, threshold);
	tcase_add_test(tc, score_as_it_stands);
	tcase_add_test(tc, zero_weight);
	tcase_add_loop_test(tc, number_settings, 0,
	    (int)(sizeof(numbers) / sizeof(numbers[0])));
	tcase_add_test(tc, number_stored);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(suite());
}
