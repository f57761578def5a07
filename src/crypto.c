/*
 * crypto.c: the libcrypto adapter and the site secret.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "fsutil.h"
#include "util.h"

int
crypto_random(void *buf, size_t n, struct err *e)
{
	if (n > INT_MAX || RAND_bytes(buf, (int)n) != 1)
		return err_set(e, ERR_TEMP, "no random bytes available");
	return 0;
}

/*
 * A MAC context keyed once and copied for each use: fetching the algorithm
 * and keying it cost more than the MAC of a short token itself, and the
 * delivery engine makes one per copy.
 */
static EVP_MAC_CTX *keyed;
static unsigned char keyed_key[CRYPTO_SECRET_LEN];
static size_t keyed_len;

static EVP_MAC_CTX *
keyed_ctx(const unsigned char *key, size_t keylen)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *mac;

	if (keyed != NULL && keylen == keyed_len &&
	    CRYPTO_memcmp(key, keyed_key, keylen) == 0)
		return keyed;
	EVP_MAC_CTX_free(keyed);
	keyed = NULL;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (keyed = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(keyed, key, keylen, params))
		abort();
	EVP_MAC_free(mac);
	/* Only the site secret is cached; other keys are keyed each time. */
	if (keylen <= sizeof(keyed_key)) {
		memcpy(keyed_key, key, keylen);
		keyed_len = keylen;
	} else
		keyed_len = 0;
	return keyed;
}

void
crypto_hmac(const unsigned char *key, size_t keylen,
    const void *const *parts, const size_t *lens, size_t nparts,
    unsigned char out[CRYPTO_MAC_LEN])
{
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(keyed_ctx(key, keylen));
	size_t outlen = 0, i;

	if (ctx == NULL)
		abort();
	for (i = 0; i < nparts; i++)
		EVP_MAC_update(ctx, parts[i], lens[i]);
	EVP_MAC_final(ctx, out, &outlen, CRYPTO_MAC_LEN);
	EVP_MAC_CTX_free(ctx);
}

/* Keyed AES contexts for crypto_prf, one per label, kept for the process. */
#define PRF_KEYS 8

static struct prf_key {
	char label[32];
	unsigned char secret[CRYPTO_SECRET_LEN];
	EVP_CIPHER_CTX *ctx;
} prf_keys[PRF_KEYS];

static EVP_CIPHER_CTX *
prf_ctx(const unsigned char *secret, const char *label)
{
	unsigned char key[CRYPTO_MAC_LEN];
	const void *parts[] = { "herald-prf-key", label };
	size_t lens[] = { 15, strlen(label) + 1 }, i;
	struct prf_key *k;

	for (i = 0; i < PRF_KEYS && prf_keys[i].ctx != NULL; i++)
		if (strcmp(prf_keys[i].label, label) == 0 &&
		    CRYPTO_memcmp(prf_keys[i].secret, secret,
		    CRYPTO_SECRET_LEN) == 0)
			return prf_keys[i].ctx;
	if (i == PRF_KEYS || strlen(label) >= sizeof(k->label))
		abort();	/* a handful of fixed labels exist */
	k = &prf_keys[i];
	/* Each label gets its own AES key, derived with HMAC. */
	crypto_hmac(secret, CRYPTO_SECRET_LEN, parts, lens, 2, key);
	if ((k->ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_EncryptInit_ex(k->ctx, EVP_aes_128_ecb(), NULL, key, NULL))
		abort();
	EVP_CIPHER_CTX_set_padding(k->ctx, 0);
	OPENSSL_cleanse(key, sizeof(key));
	memcpy(k->label, label, strlen(label) + 1);
	memcpy(k->secret, secret, CRYPTO_SECRET_LEN);
	return k->ctx;
}

void
crypto_prf(const unsigned char secret[CRYPTO_SECRET_LEN], const char *label,
    const void *in, size_t in_len, unsigned char *out, size_t n)
{
	unsigned char block[16] = { 0 }, enc[16];
	EVP_CIPHER_CTX *ctx = prf_ctx(secret, label);
	int len = 0;

	if (in_len > sizeof(block) || n > sizeof(enc))
		abort();
	memcpy(block, in, in_len);
	if (!EVP_EncryptUpdate(ctx, enc, &len, block, sizeof(block)) ||
	    len != (int)sizeof(enc))
		abort();
	memcpy(out, enc, n);
}

void
crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_MAC_LEN])
{
	unsigned int n = 0;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int
read_secret(const char *path, unsigned char *out, struct err *e)
{
	struct buf b;
	size_t len;

	buf_init(&b, 4096);
	if (fs_read_file(path, &b, e) < 0) {
		buf_free(&b);
		return -1;
	}
	len = strcspn(b.data, "\r\n");
	if (len != 2 * CRYPTO_SECRET_LEN ||
	    hex_decode(b.data, out, CRYPTO_SECRET_LEN) < 0) {
		buf_free(&b);
		return err_set(e, ERR_CONFIG, "%s: not a Herald secret "
		    "(expected %d hex digits)", path, 2 * CRYPTO_SECRET_LEN);
	}
	buf_free(&b);
	return 0;
}

/*
 * The new secret goes to a temporary file that is then linked to path:
 * link() fails if another process got there first, and then both use the
 * file that won.
 */
static int
create_secret(const char *path, struct err *e)
{
	unsigned char raw[CRYPTO_SECRET_LEN];
	char hex[2 * CRYPTO_SECRET_LEN + 2], tmp[PATH_MAX];
	size_t i;
	int fd, rc = 0;

	if (crypto_random(raw, sizeof(raw), e) < 0)
		return -1;
	for (i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[2 * CRYPTO_SECRET_LEN] = '\n';
	hex[2 * CRYPTO_SECRET_LEN + 1] = '\0';
	if (str_fmt(tmp, sizeof(tmp), "%s.XXXXXX", path) < 0)
		return err_set(e, ERR_CONFIG, "secret path too long");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return err_sys(e, ERR_CONFIG, errno, "creating %s", path);
	if (fchmod(fd, 0600) < 0 || write(fd, hex, strlen(hex)) < 0 ||
	    fsync(fd) < 0)
		rc = err_sys(e, ERR_TEMP, errno, "writing %s", tmp);
	close(fd);
	if (rc == 0 && link(tmp, path) < 0 && errno != EEXIST)
		rc = err_sys(e, ERR_CONFIG, errno, "creating %s", path);
	unlink(tmp);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(hex, sizeof(hex));
	if (rc == 0)
		rc = fs_sync_parent(path, e);
	return rc;
}

int
crypto_load_secret(const char *path, unsigned char out[CRYPTO_SECRET_LEN],
    struct err *e)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return err_sys(e, ERR_CONFIG, errno, "%s", path);
		if (create_secret(path, e) < 0)
			return -1;
	} else if ((st.st_mode & 077) != 0) {
		return err_set(e, ERR_CONFIG, "%s: the secret must not be "
		    "readable by others (chmod 600)", path);
	}
	return read_secret(path, out, e);
}
