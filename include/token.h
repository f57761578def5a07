/*
 * token.h: the opaque, authenticated tokens Herald puts in addresses.
 *
 * A member token names one member (and through it one list) without the
 * member's address: forwarded copies and auto-replies that quote the
 * envelope sender must not reveal who the copy was for.  It is the member's
 * id, masked, with a MAC under the site secret; lower-case base32, so it
 * survives MTAs that fold the case of local parts.
 *
 * Construction (purpose p, 40-bit id, F a PRF keyed from the secret:
 * AES-128 of one block, crypto_prf):
 *   tag  = F_token(p | id)[0..6)
 *   mask = F_mask(p | tag)[0..5)
 *   token = base32(tag | id XOR mask)        18 characters
 * Decoding recomputes the mask from the tag, unmasks the id and checks the
 * tag in constant time.  A forged token passes with odds of 2^-48.  The
 * delivery engine makes one per copy, hence AES rather than HMAC.
 *
 * A revocable token (unsubscribe) also puts an epoch, stored with what the
 * id names, into the tag: tag = F_token-epoch(p | id | epoch)[0..6).
 * Raising the epoch voids every token made before, while the id stays
 * what it was.
 *
 * Confirmation tokens are different: 128 random bits that name nothing,
 * kept by Herald only as a SHA-256 digest, so that a copy of the database
 * cannot confirm anything.
 */
#ifndef HERALD_TOKEN_H
#define HERALD_TOKEN_H

#include <stdint.h>

#include "crypto.h"
#include "err.h"

#define TOKEN_LEN 18
#define TOKEN_RANDOM_LEN 26		/* 128 bits in base32 */
#define TOKEN_DIGEST_LEN (2 * CRYPTO_MAC_LEN)	/* hex */
#define TOKEN_ID_MAX ((INT64_C(1) << 40) - 1)

/* What a token is for; a token made for one purpose fails for another. */
enum token_purpose {
	TOKEN_BOUNCE = 1,	/* NAME-bounces+TOKEN@ */
	TOKEN_UNSUB = 2,	/* NAME-leave+TOKEN@ and the one-click URL */
	TOKEN_REENABLE = 3	/* NAME-bounces+TOKEN@ in the Reply-To of a
				 * "delivery disabled" notice */
};

/* Writes the token of id into out[TOKEN_LEN + 1]; id <= TOKEN_ID_MAX. */
void token_make(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, int64_t id, char *out);

/* The id a token names, or -1 if it is malformed or forged. */
int token_check(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t *id);

/* As token_make and token_check, for a revocable token of an epoch. */
void token_make_epoch(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, int64_t id, int64_t epoch, char *out);
int token_check_epoch(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t epoch, int64_t *id);

/*
 * The id a token claims, not yet authenticated (-1 if malformed): what
 * to look the epoch up by before token_check_epoch.
 */
int token_peek(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t *id);

/* A new random token, into out[TOKEN_RANDOM_LEN + 1]. */
int token_random(char *out, struct err *e);

/*
 * The digest under which a random token is stored, into
 * out[TOKEN_DIGEST_LEN + 1]; letter case is ignored.  -1 if token cannot
 * be a random token at all.
 */
int token_digest(const char *token, char *out);

#endif
