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
 */
#ifndef HERALD_TOKEN_H
#define HERALD_TOKEN_H

#include <stdint.h>

#include "crypto.h"
#include "err.h"

#define TOKEN_LEN 18
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

/*
 * A random token: 128 bits from the CSPRNG, in the same lower-case
 * base32, into out[TOKEN_RANDOM_LEN + 1].  For one-time decisions (a held
 * post) whose record keeps only its hash.
 */
#define TOKEN_RANDOM_LEN 26
int token_random(char *out, struct err *e);

/* The id a token names, or -1 if it is malformed or forged. */
int token_check(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t *id);

#endif
