/*
 * bounce_scan.c: text scanners for the bounce readers.
 */
#include <string.h>

#include "bounce_scan.h"
#include "util.h"

/* Characters of an RFC 5322 dot-atom local part (section 3.2.3). */
static const char local_specials[] = "!#$%&'*+/=?^_`{|}~.-";

/*
 * Leading characters that are legal in a local part but in running text
 * are nearly always punctuation around the address ('user@x', =user@x).
 */
static const char local_lead_junk[] = "'`=/|.{}~";

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_local_char(char c)
{
	return c != '\0' && (is_alnum(c) || strchr(local_specials, c) != NULL);
}

static int
is_domain_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

const char *
bounce_scan_find(const char *s, size_t len, const char *phrase)
{
	size_t n = strlen(phrase), i;

	if (n == 0 || n > len)
		return n == 0 ? s : NULL;
	for (i = 0; i + n <= len; i++) {
		if (ascii_lower(s[i]) != phrase[0])
			continue;
		if (str_ncasecmp(s + i + 1, phrase + 1, n - 1) == 0 &&
		    memchr(s + i, '\0', n) == NULL)
			return s + i;
	}
	return NULL;
}

int
bounce_scan_any(const char *s, size_t len, const char *const *phrases)
{
	for (; *phrases != NULL; phrases++)
		if (bounce_scan_find(s, len, *phrases) != NULL)
			return 1;
	return 0;
}

/* The top-level label of a domain must be alphabetic: no IP addresses. */
static int
tld_ok(const char *d, size_t len)
{
	size_t i = len;

	while (i > 0 && d[i - 1] != '.')
		i--;
	if (i == 0 || len - i < 2)
		return 0;
	for (; i < len; i++)
		if (!is_alpha(d[i]))
			return 0;
	return 1;
}

/*
 * Tries the address around the '@' at s[at]: extends left over the local
 * part and right over the domain.  Returns the end, or NULL.
 */
static const char *
addr_around(const char *s, size_t len, size_t at, const char **start,
    char *out)
{
	size_t l = at, r = at + 1;
	struct err e;

	while (l > 0 && is_local_char(s[l - 1]))
		l--;
	while (l < at && strchr(local_lead_junk, s[l]) != NULL)
		l++;
	/* X.400 notation of Exchange: "dda:SMTP=user@host". */
	if (at - l > 5 && str_ncasecmp(s + l, "smtp=", 5) == 0)
		l += 5;
	while (r < len && is_domain_char(s[r]))
		r++;
	while (r > at + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
		r--;
	if (l == at || at - l > ADDR_LOCAL_MAX || r - at - 1 > ADDR_DOMAIN_MAX)
		return NULL;
	/* Part of a word with 8-bit letters: not an address we can use,
	 * and its ASCII tail is no address at all. */
	if ((l > 0 && (s[l - 1] & 0x80)) || (r < len && (s[r] & 0x80)))
		return NULL;
	if (!tld_ok(s + at + 1, r - at - 1))
		return NULL;
	memcpy(out, s + l, r - l);
	out[r - l] = '\0';
	if (addr_check(out, &e) < 0)
		return NULL;
	str_lower(out);
	*start = s + l;
	return s + r;
}

const char *
bounce_scan_addr(const char *s, size_t len, const char **at, char *out)
{
	const char *p = s, *end = s + len, *q, *r;

	while (p < end && (q = memchr(p, '@', (size_t)(end - p))) != NULL) {
		r = addr_around(s, len, (size_t)(q - s), at, out);
		if (r != NULL)
			return r;
		p = q + 1;
	}
	return NULL;
}

/* Digits at s[i..), at most max of them; returns how many. */
static size_t
digits(const char *s, size_t len, size_t i, size_t max)
{
	size_t n = 0;

	while (i + n < len && n <= max && is_digit(s[i + n]))
		n++;
	return n;
}

/*
 * An enhanced status code at s[i]: class.subject.detail, subject and
 * detail of one to three digits, not part of a longer dotted number (an
 * IP address, a version).  Returns its length, or 0.
 */
static size_t
dsn_code_at(const char *s, size_t len, size_t i)
{
	size_t a, b;

	if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '.'))
		return 0;
	if (i + 4 >= len || s[i + 1] != '.')
		return 0;
	if ((a = digits(s, len, i + 2, 3)) == 0 || a > 3)
		return 0;
	if (i + 2 + a >= len || s[i + 2 + a] != '.')
		return 0;
	if ((b = digits(s, len, i + 3 + a, 3)) == 0 || b > 3)
		return 0;
	if (i + 3 + a + b < len && (is_alnum(s[i + 3 + a + b]) ||
	    (s[i + 3 + a + b] == '.' && i + 4 + a + b < len &&
	    is_digit(s[i + 4 + a + b]))))
		return 0;
	return 3 + a + b;
}

static int
find_dsn(const char *s, size_t len, const char *classes, char *out,
    size_t size)
{
	size_t i, n;

	for (i = 0; i < len; i++) {
		if (strchr(classes, s[i]) == NULL || s[i] == '\0')
			continue;
		if ((n = dsn_code_at(s, len, i)) == 0 || n >= size)
			continue;
		memcpy(out, s + i, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

int
bounce_scan_dsn_code(const char *s, size_t len, char *out, size_t size)
{
	return find_dsn(s, len, "245", out, size);
}

/* Nonzero if s[0..len) starts with one of the phrases. */
static int
starts_with_any(const char *s, size_t len, const char *const *phrases)
{
	for (; *phrases != NULL; phrases++) {
		size_t n = strlen(*phrases);

		if (n <= len && str_ncasecmp(s, *phrases, n) == 0 &&
		    memchr(s, '\0', n) == NULL)
			return 1;
	}
	return 0;
}

/* Words after a number that make it a count, not a reply code. */
static const char *const count_units[] = {
	"day", "hour", "minute", "second", "attempt", "time", "byte",
	"kb", "mb", "octet", "%", "recipient", "message", NULL
};

/*
 * A 4xx or 5xx reply code at s[i]: three digits standing alone, as they
 * start a reply line or are quoted in one ("said: 550 ...", "#550").
 */
static int
smtp_code_at(const char *s, size_t len, size_t i)
{
	static const char before[] = " \t(:<>\"#[=;";
	size_t after;

	if (s[i] != '4' && s[i] != '5')
		return 0;
	if (i > 0 && (s[i - 1] == '\0' || strchr(before, s[i - 1]) == NULL))
		return 0;
	if (digits(s, len, i, 3) != 3)
		return 0;
	after = i + 3;
	if (after < len && s[after] != ' ' && s[after] != '-' &&
	    s[after] != '\t' && s[after] != '\r' && s[after] != '\n')
		return 0;
	while (after < len && s[after] == ' ')
		after++;
	return !starts_with_any(s + after, len - after, count_units);
}

int
bounce_scan_status(const char *s, size_t len, char *out, size_t size)
{
	size_t i;

	if (find_dsn(s, len, "45", out, size))
		return 1;
	for (i = 0; i + 3 <= len; i++) {
		if (!smtp_code_at(s, len, i) || size < 4)
			continue;
		memcpy(out, s + i, 3);
		out[3] = '\0';
		return 1;
	}
	return 0;
}
