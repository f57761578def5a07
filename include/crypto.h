/*
 * crypto.h: the libcrypto adapter, for MACs and random bytes, and the site
 * secret that keys them.  Herald implements no primitive of its own.
 */
#ifndef HERALD_CRYPTO_H
#define HERALD_CRYPTO_H

#include <stddef.h>

#include "err.h"

#define CRYPTO_SECRET_LEN 32
#define CRYPTO_MAC_LEN 32

/* Fills buf with n bytes from the system's CSPRNG. */
int crypto_random(void *buf, size_t n, struct err *e);

/* HMAC-SHA-256 of the parts, concatenated, under key. */
void crypto_hmac(const unsigned char *key, size_t keylen,
    const void *const *parts, const size_t *lens, size_t nparts,
    unsigned char out[CRYPTO_MAC_LEN]);

/*
 * A pseudorandom function for short inputs: the first n (<= 16) bytes of
 * AES-128 of the input zero-padded to one block, under a key derived from
 * the secret for the given label.  Used where a MAC is computed once per
 * copy sent: with the key schedule cached it costs a small fraction of an
 * HMAC through the EVP interface.  in_len <= 16.
 */
void crypto_prf(const unsigned char secret[CRYPTO_SECRET_LEN],
    const char *label, const void *in, size_t in_len, unsigned char *out,
    size_t n);

/* SHA-256 of data, for storing tokens hashed. */
void crypto_sha256(const void *data, size_t len,
    unsigned char out[CRYPTO_MAC_LEN]);

/* Constant-time comparison: nonzero if equal. */
int crypto_equal(const void *a, const void *b, size_t n);

/*
 * Reads the site secret from path, creating it (mode 0600, random) on
 * first use.  Two processes racing to create it agree on one secret.
 */
int crypto_load_secret(const char *path, unsigned char out[CRYPTO_SECRET_LEN],
    struct err *e);

#endif
