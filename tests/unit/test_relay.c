/*
 * test_relay.c: which relay takes the next copy, and how trouble changes
 * that.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "relay.h"
#include "transport_impl.h"
#include "unit.h"

/* Asserts that path exists and that nobody but its owner may read it. */
static void
assert_private(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 077) == 0, "%s: mode %o", path,
	    (unsigned)st.st_mode & 0777);
}

/*
 * The maildir: outbox holds every member's copy with its envelope: only
 * Herald's user may read it, not every local user.
 */
START_TEST(outbox_is_private)
{
	char dir[] = "/tmp/herald-outbox-XXXXXX", url[64], path[PATH_MAX];
	struct relay_conf rc = { .url = url };
	const struct transport_ops *ops;
	struct tx_job job = { .from = "", .rcpt = "anna@example.com",
	    .head = "Subject: x\r\n\r\nx\r\n", .tag = 7 };
	struct tx_result res;
	struct dirent *de;
	struct err e;
	void *o;
	DIR *d;
	int files = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(url, sizeof(url), "maildir:%s/out", dir);
	job.head_len = strlen(job.head);
	ck_assert_int_eq(outbox_open(NULL, &rc, &o, &ops, &e), 0);
	ck_assert_int_eq(ops->submit(o, &job, &e), 0);
	ck_assert_int_eq(ops->collect(o, &res, 1, 0, &e), 1);
	ck_assert_int_eq(res.status, TX_OK);
	ops->close(o);
	snprintf(path, sizeof(path), "%s/out/new", dir);
	assert_private(path);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/out/new/%s", dir, de->d_name);
		assert_private(path);
		unlink(path);
		files++;
	}
	closedir(d);
	ck_assert_int_eq(files, 1);
	for (const char *sub = "new\0cur\0tmp\0"; *sub; sub += 4) {
		snprintf(path, sizeof(path), "%s/out/%s", dir, sub);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/out", dir);
	rmdir(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(weights_interleave)
{
	struct relay_state rs[2];
	int i, n[2] = { 0, 0 }, r;

	relay_init(&rs[0], 3, 100, 0, 0);
	relay_init(&rs[1], 1, 100, 0, 0);
	for (i = 0; i < 400; i++) {
		r = relay_pick(rs, 2, 0);
		ck_assert_int_ge(r, 0);
		n[r]++;
		relay_done(&rs[r], RELAY_OK, 0);
	}
	ck_assert_int_eq(n[0], 300);
	ck_assert_int_eq(n[1], 100);
}
END_TEST

START_TEST(connections_are_a_limit)
{
	struct relay_state r;
	int i;

	relay_init(&r, 1, 3, 0, 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(relay_pick(&r, 1, 0), 0);
	ck_assert_int_eq(relay_pick(&r, 1, 0), -1);
	relay_done(&r, RELAY_OK, 0);
	ck_assert_int_eq(relay_pick(&r, 1, 0), 0);
}
END_TEST

START_TEST(failover)
{
	struct relay_state rs[2];
	int i;

	relay_init(&rs[0], 5, 10, 0, 0);
	relay_init(&rs[1], 1, 10, 0, 0);
	ck_assert_int_eq(relay_pick(rs, 2, 0), 0);
	relay_done(&rs[0], RELAY_UNREACHABLE, 0);
	ck_assert(relay_down(&rs[0], 1));
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(relay_pick(rs, 2, 1000), 1);
		relay_done(&rs[1], RELAY_OK, 1000);
	}
	/* Back after the down period; twice as long the second time. */
	ck_assert(!relay_down(&rs[0], RELAY_DOWN_MIN_MS));
	relay_done(&rs[0], RELAY_UNREACHABLE, RELAY_DOWN_MIN_MS);
	ck_assert(relay_down(&rs[0], 3 * RELAY_DOWN_MIN_MS - 1));
	ck_assert_int_eq(relay_wait_ms(rs, 2, RELAY_DOWN_MIN_MS),
	    2 * RELAY_DOWN_MIN_MS);
}
END_TEST

START_TEST(throttling_and_recovery)
{
	struct relay_state r;
	int64_t t = 0;
	int i;

	relay_init(&r, 1, 8, 0, t);
	relay_pick(&r, 1, t);
	relay_done(&r, RELAY_THROTTLED, t);
	ck_assert_int_eq(r.conns, 4);
	/* A run of 4xx counts as trouble too; fewer do not. */
	for (i = 0; i < RELAY_TEMP_RUN - 1; i++) {
		relay_pick(&r, 1, t);
		relay_done(&r, RELAY_MEMBER_TEMP, t);
	}
	ck_assert_int_eq(r.conns, 4);
	relay_pick(&r, 1, t);
	relay_done(&r, RELAY_MEMBER_TEMP, t);
	ck_assert_int_eq(r.conns, 2);
	/* Each calm minute gives one connection back, up to the maximum. */
	for (i = 1; i <= 10; i++) {
		t += RELAY_CALM_MS;
		relay_ready(&r, t);
	}
	ck_assert_int_eq(r.conns, 8);
}
END_TEST

START_TEST(rate_limit)
{
	struct relay_state r;
	int64_t t;
	int started = 0;

	relay_init(&r, 1, 100, 10, 0);
	/* Over ten simulated seconds at 10 a second: about 100, never a
	 * burst of more than a second's worth. */
	for (t = 0; t < 10000; t += 10) {
		while (relay_pick(&r, 1, t) >= 0) {
			started++;
			relay_done(&r, RELAY_OK, t);
		}
	}
	ck_assert_int_ge(started, 99);
	ck_assert_int_le(started, 101);
	ck_assert_int_gt(relay_wait_ms(&r, 1, t), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("relay");
	TCase *tc = tcase_create("relay");

	tcase_add_test(tc, weights_interleave);
	tcase_add_test(tc, connections_are_a_limit);
	tcase_add_test(tc, failover);
	tcase_add_test(tc, throttling_and_recovery);
	tcase_add_test(tc, rate_limit);
	tcase_add_test(tc, outbox_is_private);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
