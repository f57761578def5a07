/*
 * test_token.c: opaque, authenticated tokens.
 */
#include "token.h"
#include "unit.h"

static unsigned char secret[CRYPTO_SECRET_LEN] =
    "0123456789abcdef0123456789abcde";

START_TEST(round_trip)
{
	static const int64_t ids[] = { 0, 1, 2, 255, 256, 4711, 1 << 30,
	    TOKEN_ID_MAX };
	char tok[TOKEN_LEN + 1];
	int64_t id;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		token_make(secret, TOKEN_BOUNCE, ids[i], tok);
		ck_assert_uint_eq(strlen(tok), TOKEN_LEN);
		ck_assert_int_eq(token_check(secret, TOKEN_BOUNCE, tok, &id),
		    0);
		ck_assert_int_eq(id, ids[i]);
	}
}
END_TEST

START_TEST(opaque_and_distinct)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], c[TOKEN_LEN + 1];

	token_make(secret, TOKEN_BOUNCE, 1, a);
	token_make(secret, TOKEN_BOUNCE, 2, b);
	token_make(secret, TOKEN_UNSUB, 1, c);
	/* Neighbouring ids share no visible structure. */
	ck_assert_str_ne(a, b);
	ck_assert_int_ne(memcmp(a + 8, b + 8, 10), 0);
	ck_assert_str_ne(a, c);
}
END_TEST

START_TEST(forged_and_mangled_tokens_fail)
{
	char tok[TOKEN_LEN + 1], bad[TOKEN_LEN + 2];
	unsigned char other[CRYPTO_SECRET_LEN] = "another secret, another site";
	int64_t id;
	size_t i;

	token_make(secret, TOKEN_BOUNCE, 4711, tok);
	ck_assert_int_eq(token_check(other, TOKEN_BOUNCE, tok, &id), -1);
	ck_assert_int_eq(token_check(secret, TOKEN_UNSUB, tok, &id), -1);
	for (i = 0; i < TOKEN_LEN; i++) {
		memcpy(bad, tok, sizeof(tok));
		bad[i] = bad[i] == 'a' ? 'b' : 'a';
		ck_assert_msg(token_check(secret, TOKEN_BOUNCE, bad, &id) < 0,
		    "one changed character at %zu passed", i);
	}
	ck_assert_int_eq(token_check(secret, TOKEN_BOUNCE, "", &id), -1);
	ck_assert_int_eq(token_check(secret, TOKEN_BOUNCE, "01", &id), -1);
	memcpy(bad, tok, sizeof(tok));
	bad[TOKEN_LEN] = 'a';
	bad[TOKEN_LEN + 1] = '\0';
	ck_assert_int_eq(token_check(secret, TOKEN_BOUNCE, bad, &id), -1);
}
END_TEST

START_TEST(case_folding_survives)
{
	char tok[TOKEN_LEN + 1];
	int64_t id;
	size_t i;

	token_make(secret, TOKEN_BOUNCE, 99, tok);
	for (i = 0; tok[i] != '\0'; i++)
		if (tok[i] >= 'a' && tok[i] <= 'z')
			tok[i] = (char)(tok[i] - 'a' + 'A');
	ck_assert_int_eq(token_check(secret, TOKEN_BOUNCE, tok, &id), 0);
	ck_assert_int_eq(id, 99);
}
END_TEST

START_TEST(epoch_revokes)
{
	char t0[TOKEN_LEN + 1], t1[TOKEN_LEN + 1], bounce[TOKEN_LEN + 1];
	int64_t id;

	token_make_epoch(secret, TOKEN_UNSUB, 4711, 0, t0);
	token_make_epoch(secret, TOKEN_UNSUB, 4711, 1, t1);
	ck_assert_str_ne(t0, t1);
	ck_assert_int_eq(token_check_epoch(secret, TOKEN_UNSUB, t0, 0, &id),
	    0);
	ck_assert_int_eq(id, 4711);
	/* The new epoch voids the old token, and the old epoch the new. */
	ck_assert_int_eq(token_check_epoch(secret, TOKEN_UNSUB, t0, 1, &id),
	    -1);
	ck_assert_int_eq(token_check_epoch(secret, TOKEN_UNSUB, t1, 0, &id),
	    -1);
	/* Peeking tells the id, not whether the token is genuine. */
	ck_assert_int_eq(token_peek(secret, TOKEN_UNSUB, t1, &id), 0);
	ck_assert_int_eq(id, 4711);
	/* A token with an epoch is no token without, and vice versa. */
	ck_assert_int_eq(token_check(secret, TOKEN_UNSUB, t0, &id), -1);
	token_make(secret, TOKEN_BOUNCE, 4711, bounce);
	ck_assert_int_eq(token_check_epoch(secret, TOKEN_BOUNCE, bounce, 0,
	    &id), -1);
	ck_assert_int_eq(token_check_epoch(secret, TOKEN_BOUNCE, t0, 0, &id),
	    -1);
}
END_TEST

START_TEST(random_tokens)
{
	char a[TOKEN_RANDOM_LEN + 1], b[TOKEN_RANDOM_LEN + 1];
	char da[TOKEN_DIGEST_LEN + 1], db[TOKEN_DIGEST_LEN + 1];
	struct err e;
	size_t i;

	ck_assert_int_eq(token_random(a, &e), 0);
	ck_assert_int_eq(token_random(b, &e), 0);
	ck_assert_uint_eq(strlen(a), TOKEN_RANDOM_LEN);
	ck_assert_str_ne(a, b);
	for (i = 0; a[i] != '\0'; i++)
		ck_assert_ptr_nonnull(strchr("abcdefghijklmnopqrstuvwxyz234567",
		    a[i]));
	/* The digest is all that is stored: not the token, and one per
	 * token whatever its letter case. */
	ck_assert_int_eq(token_digest(a, da), 0);
	ck_assert_uint_eq(strlen(da), TOKEN_DIGEST_LEN);
	ck_assert_ptr_null(strstr(da, a));
	for (i = 0; a[i] != '\0'; i++)
		if (a[i] >= 'a' && a[i] <= 'z')
			b[i] = (char)(a[i] - 'a' + 'A');
		else
			b[i] = a[i];
	b[i] = '\0';
	ck_assert_int_eq(token_digest(b, db), 0);
	ck_assert_str_eq(da, db);
	/* What cannot be a random token has no digest. */
	ck_assert_int_eq(token_digest("", da), -1);
	ck_assert_int_eq(token_digest("abc", da), -1);
	ck_assert_int_eq(token_digest("aaaaaaaaaaaaaaaaaaaaaaaaa1", da), -1);
	ck_assert_int_eq(token_digest("aaaaaaaaaaaaaaaaaaaaaaaaaaa", da), -1);
	/* 130 bits for 128: the last character's spare bits are zero. */
	ck_assert_int_eq(token_digest("aaaaaaaaaaaaaaaaaaaaaaaaab", da), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, opaque_and_distinct);
	tcase_add_test(tc, forged_and_mangled_tokens_fail);
	tcase_add_test(tc, case_folding_survives);
	tcase_add_test(tc, epoch_revokes);
	tcase_add_test(tc, random_tokens);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
