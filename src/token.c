/*
 * token.c: opaque, authenticated tokens.
 */
#include <string.h>

#include "token.h"
#include "util.h"

#define TAG_LEN 6
#define ID_LEN 5
#define RAW_LEN (TAG_LEN + ID_LEN)
#define TAG_LABEL(epoch) ((epoch) != NULL ? "herald-token-epoch" : \
	"herald-token")
#define MAC_LEN 16			/* the PRF's block */

/* RFC 4648 base32, lower case: a token must survive case folding. */
static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static void
base32(const unsigned char *in, size_t n, char *out)
{
	unsigned int acc = 0, bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

static int
unbase32(const char *in, unsigned char *out, size_t n)
{
	unsigned int acc = 0, bits = 0;
	size_t o = 0;
	const char *p;

	for (; *in != '\0'; in++) {
		p = strchr(alphabet, ascii_lower(*in));
		if (p == NULL)
			return -1;
		acc = (acc << 5) | (unsigned int)(p - alphabet);
		bits += 5;
		if (bits >= 8) {
			if (o == n)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* Leftover bits must be zero: one token per id, no variants. */
	if (o != n || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return 0;
}

static void
id_bytes(int64_t id, unsigned char *b)
{
	int i;

	for (i = ID_LEN - 1; i >= 0; i--, id >>= 8)
		b[i] = (unsigned char)(id & 0xff);
}

/*
 * PRF(secret, label, purpose | data [| epoch]), from the AES-based PRF:
 * the delivery engine makes a token per copy.  Tokens with an epoch use
 * a label of their own, so that zero padding cannot make one equal to a
 * token without; tokens without stay what they always were.
 */
static void
mac(const unsigned char *secret, const char *label, enum token_purpose p,
    const unsigned char *data, size_t len, const int64_t *epoch,
    unsigned char *out)
{
	unsigned char in[16];
	size_t n = 0;
	int i;

	in[n++] = (unsigned char)p;
	memcpy(in + n, data, len);
	n += len;
	for (i = 0; epoch != NULL && i < 8; i++)
		in[n++] = (unsigned char)((uint64_t)*epoch >> (56 - 8 * i));
	crypto_prf(secret, label, in, n, out, MAC_LEN);
}

static void
make(const unsigned char *secret, enum token_purpose p, int64_t id,
    const int64_t *epoch, char *out)
{
	unsigned char idb[ID_LEN], raw[RAW_LEN], h[MAC_LEN];
	int i;

	id_bytes(id, idb);
	mac(secret, TAG_LABEL(epoch), p, idb, ID_LEN, epoch, h);
	memcpy(raw, h, TAG_LEN);
	mac(secret, "herald-mask", p, raw, TAG_LEN, NULL, h);
	for (i = 0; i < ID_LEN; i++)
		raw[TAG_LEN + i] = idb[i] ^ h[i];
	base32(raw, RAW_LEN, out);
}

/* Unmasks the id; raw receives the decoded token.  -1 if malformed. */
static int
unmask(const unsigned char *secret, enum token_purpose p, const char *token,
    unsigned char *raw, unsigned char *idb, int64_t *id)
{
	unsigned char h[MAC_LEN];
	int64_t v = 0;
	int i;

	if (strlen(token) != TOKEN_LEN || unbase32(token, raw, RAW_LEN) < 0)
		return -1;
	mac(secret, "herald-mask", p, raw, TAG_LEN, NULL, h);
	for (i = 0; i < ID_LEN; i++) {
		idb[i] = raw[TAG_LEN + i] ^ h[i];
		v = (v << 8) | idb[i];
	}
	*id = v;
	return 0;
}

static int
check(const unsigned char *secret, enum token_purpose p, const char *token,
    const int64_t *epoch, int64_t *id)
{
	unsigned char raw[RAW_LEN], idb[ID_LEN], h[MAC_LEN];
	int64_t v;

	if (unmask(secret, p, token, raw, idb, &v) < 0)
		return -1;
	mac(secret, TAG_LABEL(epoch), p, idb, ID_LEN, epoch, h);
	if (!crypto_equal(h, raw, TAG_LEN))
		return -1;
	*id = v;
	return 0;
}

void
token_make(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, int64_t id, char *out)
{
	make(secret, p, id, NULL, out);
}

int
token_check(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t *id)
{
	return check(secret, p, token, NULL, id);
}

void
token_make_epoch(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, int64_t id, int64_t epoch, char *out)
{
	make(secret, p, id, &epoch, out);
}

int
token_check_epoch(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t epoch, int64_t *id)
{
	return check(secret, p, token, &epoch, id);
}

int
token_peek(const unsigned char secret[CRYPTO_SECRET_LEN],
    enum token_purpose p, const char *token, int64_t *id)
{
	unsigned char raw[RAW_LEN], idb[ID_LEN];

	return unmask(secret, p, token, raw, idb, id);
}

int
token_random(char *out, struct err *e)
{
	unsigned char r[16];

	if (crypto_random(r, sizeof(r), e) < 0)
		return -1;
	base32(r, sizeof(r), out);
	return 0;
}

int
token_digest(const char *token, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16], h[CRYPTO_MAC_LEN];
	char low[TOKEN_RANDOM_LEN + 1];
	size_t i;

	if (str_copy(low, sizeof(low), token) < 0 ||
	    strlen(low) != TOKEN_RANDOM_LEN || unbase32(low, raw,
	    sizeof(raw)) < 0)
		return -1;
	str_lower(low);
	crypto_sha256(low, TOKEN_RANDOM_LEN, h);
	for (i = 0; i < sizeof(h); i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[TOKEN_DIGEST_LEN] = '\0';
	return 0;
}
