/*
 * addr.c: mail addresses as Herald stores and sends them.
 */
#include <string.h>

#include "addr.h"
#include "util.h"

/* RFC 5322 section 3.2.3 atext, without the letters and digits. */
static const char atext_specials[] = "!#$%&'*+-/=?^_`{|}~";

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
check_dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return -1;
		if (s[i] != '.' && !is_alnum(s[i]) &&
		    strchr(atext_specials, s[i]) == NULL)
			return -1;
	}
	return 0;
}

/* A quoted local part: printable ASCII, backslash escapes allowed. */
static int
check_quoted(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return -1;
	for (i = 1; i < len - 1; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return -1;
		if (s[i] == '"')
			return -1;
		if (s[i] == '\\' && ++i >= len - 1)
			return -1;
	}
	return 0;
}

static int
check_label(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return -1;
	for (i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return -1;
	return 0;
}

int
addr_check_domain(const char *s, struct err *e)
{
	const char *p = s, *dot;

	if (*s == '\0' || strlen(s) > ADDR_DOMAIN_MAX)
		return err_set(e, ERR_PERM, "domain empty or too long");
	for (;;) {
		dot = strchr(p, '.');
		if (check_label(p, dot ? (size_t)(dot - p) : strlen(p)) < 0)
			return err_set(e, ERR_PERM, "not a valid domain");
		if (dot == NULL)
			return 0;
		p = dot + 1;
	}
}

/* An address literal such as [192.0.2.1] or [IPv6:2001:db8::1]. */
static int
check_literal(const char *s)
{
	size_t len = strlen(s), i;

	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return -1;
	for (i = 1; i < len - 1; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != ':')
			return -1;
	return 0;
}

int
addr_check(const char *addr, struct err *e)
{
	const char *at = strrchr(addr, '@');
	size_t llen;

	if (!mem_is_ascii(addr, strlen(addr)))
		return err_set(e, ERR_PERM, "non-ASCII addresses need "
		    "SMTPUTF8, which Herald does not support yet");
	if (str_has_ctl(addr) || strchr(addr, ' ') || strchr(addr, '\t'))
		return err_set(e, ERR_PERM, "spaces or control characters "
		    "in address");
	if (at == NULL || at == addr || at[1] == '\0')
		return err_set(e, ERR_PERM, "not of the form local@domain");
	llen = (size_t)(at - addr);
	if (llen > ADDR_LOCAL_MAX)
		return err_set(e, ERR_PERM, "local part longer than %d octets",
		    ADDR_LOCAL_MAX);
	if (check_dot_atom(addr, llen) < 0 && check_quoted(addr, llen) < 0)
		return err_set(e, ERR_PERM, "local part is not valid");
	/*
	 * RFC 5321 allows these inside a quoted local part, but an address
	 * that holds them is one the envelope check refuses (they could
	 * smuggle a second recipient in): better refused here, at the door,
	 * than accepted and then never sendable.
	 */
	if (strpbrk(addr, ",;<>") != NULL)
		return err_set(e, ERR_PERM, "an address with , ; < or > in "
		    "it is not accepted");
	if (check_literal(at + 1) == 0)
		return 0;
	if (addr_check_domain(at + 1, e) < 0)
		return -1;
	return 0;
}

void
addr_key(const char *addr, char *key)
{
	if (str_copy(key, ADDR_MAX + 1, addr) < 0)
		key[0] = '\0';
	str_lower(key);
}

void
addr_mailbox_key(const char *addr, const char *delims, char *key)
{
	const char *at = strrchr(addr, '@');
	size_t cut;

	addr_key(addr, key);
	if (at == NULL || *delims == '\0')
		return;
	cut = strcspn(key, delims);
	if (cut < (size_t)(at - addr) && cut > 0)
		memmove(key + cut, key + (at - addr),
		    strlen(key + (at - addr)) + 1);
}

const char *
addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : "";
}
