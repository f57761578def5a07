/*
 * bounce_dsn.c: RFC 3464 delivery-status fields.
 */
#include <string.h>

#include "bounce_dsn.h"
#include "bounce_reason.h"
#include "bounce_scan.h"
#include "util.h"

/* An unfolded field value longer than this is cut; none needs more. */
#define FIELD_MAX 1024

struct field {
	char name[32];
	char value[FIELD_MAX];
	size_t vlen;
};

struct group {
	char final[ADDR_MAX + 1];
	char orig[ADDR_MAX + 1];
	char action[16];
	char status[BOUNCE_STATUS_MAX];
	char diag[FIELD_MAX];
	size_t dlen;
	int nfinal, norig;	/* recipient fields seen, usable or not */
};

/* The length of the line at s[pos], without its line ending. */
static size_t
line_len(const char *s, size_t len, size_t pos, size_t *next)
{
	const char *nl = memchr(s + pos, '\n', len - pos);
	size_t end = nl != NULL ? (size_t)(nl - s) : len;

	*next = nl != NULL ? end + 1 : len;
	if (end > pos && s[end - 1] == '\r')
		end--;
	return end - pos;
}

/* Appends s[0..n) to the field's value, one space for a fold. */
static void
value_add(struct field *f, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (f->vlen > 0 && f->vlen < sizeof(f->value) - 1)
		f->value[f->vlen++] = ' ';
	if (n > sizeof(f->value) - 1 - f->vlen)
		n = sizeof(f->value) - 1 - f->vlen;
	memcpy(f->value + f->vlen, s, n);
	f->vlen += n;
	f->value[f->vlen] = '\0';
}

/* Starts a field from a "Name: value" line; 0 if the line is not one. */
static int
field_start(struct field *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < sizeof(f->name) - 1; i++) {
		char c = s[i];

		if (c == ':')
			break;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	if (i == 0 || i >= n || s[i] != ':')
		return 0;
	memcpy(f->name, s, i);
	f->name[i] = '\0';
	f->vlen = 0;
	f->value[0] = '\0';
	value_add(f, s + i + 1, n - i - 1);
	return 1;
}

/*
 * Reads the next field at *pos, folded lines joined.  Returns 1 with a
 * field, 0 at a blank line or a line that is no field (either ends a
 * group), -1 at the end of the text.
 */
static int
next_field(const char *s, size_t len, size_t *pos, struct field *f)
{
	size_t n, next;

	if (*pos >= len)
		return -1;
	n = line_len(s, len, *pos, &next);
	if (!field_start(f, s + *pos, n)) {
		*pos = next;
		return 0;
	}
	*pos = next;
	while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t')) {
		n = line_len(s, len, *pos, &next);
		value_add(f, s + *pos, n);
		*pos = next;
	}
	return 1;
}

/*
 * The address of a recipient field, "rfc822; addr": only the rfc822
 * address type names a mail address (RFC 3464 section 2.3.2); a value
 * without a type is accepted, as some MTAs write it so.
 */
static void
recipient_value(const struct field *f, char *out)
{
	const char *v = f->value, *semi = strchr(v, ';'), *at;

	out[0] = '\0';
	if (semi != NULL) {
		while (*v == ' ')
			v++;
		if (str_ncasecmp(v, "rfc822", 6) != 0)
			return;
		v = semi + 1;
	}
	if (bounce_scan_addr(v, strlen(v), &at, out) == NULL)
		out[0] = '\0';
}

/* The first word of the Action field, lower-cased. */
static void
action_value(const struct field *f, char *out, size_t size)
{
	size_t i = 0;
	const char *v = f->value;

	while (*v == ' ')
		v++;
	while (v[i] != '\0' && v[i] != ' ' && v[i] != '(' && i < size - 1) {
		out[i] = ascii_lower(v[i]);
		i++;
	}
	out[i] = '\0';
}

static void
group_field(struct group *g, const struct field *f)
{
	if (str_casecmp(f->name, "Final-Recipient") == 0) {
		recipient_value(f, g->final);
		g->nfinal++;
	} else if (str_casecmp(f->name, "Original-Recipient") == 0) {
		recipient_value(f, g->orig);
		g->norig++;
	} else if (str_casecmp(f->name, "Action") == 0)
		action_value(f, g->action, sizeof(g->action));
	else if (str_casecmp(f->name, "Status") == 0) {
		if (!bounce_scan_dsn_code(f->value, f->vlen, g->status,
		    sizeof(g->status)))
			g->status[0] = '\0';
	} else if (str_casecmp(f->name, "Diagnostic-Code") == 0) {
		memcpy(g->diag, f->value, f->vlen + 1);
		g->dlen = f->vlen;
	}
}

/*
 * A field that starts a new group: a recipient field the current group
 * has already.  Groups are meant to be separated by blank lines, but some
 * MTAs run them together; and MTAs write Original-Recipient and
 * Final-Recipient in either order.
 */
static int
starts_group(const struct group *g, const struct field *f)
{
	if (str_casecmp(f->name, "Final-Recipient") == 0)
		return g->nfinal > 0;
	if (str_casecmp(f->name, "Original-Recipient") == 0)
		return g->norig > 0;
	return 0;
}

static enum bounce_kind
group_kind(const struct group *g, struct bounce_dsn_tally *t)
{
	if (strcmp(g->action, "delayed") == 0) {
		t->delayed++;
		return BOUNCE_NONE;
	}
	if (strcmp(g->action, "delivered") == 0 ||
	    strcmp(g->action, "relayed") == 0 ||
	    strcmp(g->action, "expanded") == 0) {
		t->delivered++;
		return BOUNCE_NONE;
	}
	/* "deliverable" (address verification) and the like. */
	if (g->status[0] == '2') {
		t->delivered++;
		return BOUNCE_NONE;
	}
	t->failed++;
	if (g->status[0] == '4' || g->status[0] == '5')
		return g->status[0] == '5' ? BOUNCE_HARD : BOUNCE_SOFT;
	return bounce_reason_kind(NULL, g->diag, g->dlen);
}

/*
 * Prefers the status code of the diagnostic when the Status field's is
 * generic (X.0.0) and the diagnostic's says more, within the same class.
 */
static void
group_status(const struct group *g, char *out, size_t size)
{
	char d[BOUNCE_STATUS_MAX];

	str_copy(out, size, g->status);
	if (!bounce_scan_status(g->diag, g->dlen, d, sizeof(d)))
		return;
	if (out[0] == '\0' || (strcmp(out + 1, ".0.0") == 0 &&
	    d[0] == out[0] && strchr(d, '.') != NULL))
		str_copy(out, size, d);
}

static size_t
group_end(struct group *g, struct bounce_report *out,
    struct bounce_dsn_tally *t)
{
	struct bounce_rcpt r;
	const char *addr = g->final[0] != '\0' ? g->final : g->orig;
	size_t added = 0;

	if (addr[0] != '\0') {
		memset(&r, 0, sizeof(r));
		str_copy(r.addr, sizeof(r.addr), addr);
		r.kind = group_kind(g, t);
		group_status(g, r.status, sizeof(r.status));
		r.reason = r.kind == BOUNCE_NONE ? BOUNCE_REASON_NONE :
		    bounce_reason_of(r.status, g->diag, g->dlen);
		bounce_dsn_set_diag(r.diag, g->diag, g->dlen);
		added = (size_t)bounce_dsn_add(out, &r);
	}
	memset(g, 0, sizeof(*g));
	return added;
}

size_t
bounce_dsn_read(const char *text, size_t len, struct bounce_report *out,
    struct bounce_dsn_tally *t)
{
	struct field f;
	struct group g;
	size_t pos = 0, added = 0;
	int rc;

	memset(&g, 0, sizeof(g));
	while ((rc = next_field(text, len, &pos, &f)) >= 0) {
		if (rc == 0) {
			added += group_end(&g, out, t);
			continue;
		}
		if (starts_group(&g, &f))
			added += group_end(&g, out, t);
		group_field(&g, &f);
	}
	added += group_end(&g, out, t);
	return added;
}

int
bounce_dsn_add(struct bounce_report *out, const struct bounce_rcpt *r)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		if (strcmp(out->rcpt[i].addr, r->addr) != 0)
			continue;
		if (r->kind > out->rcpt[i].kind)
			out->rcpt[i] = *r;
		return 0;
	}
	if (out->n >= BOUNCE_RCPT_MAX)
		return 0;
	out->rcpt[out->n++] = *r;
	return 1;
}

/* The length of a valid UTF-8 sequence at s[0..len), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void
bounce_dsn_set_diag(char *diag, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0, n;

	while (i < len && o < BOUNCE_DIAG_MAX - 1) {
		if (s[i] < 0x80) {
			int space = s[i] <= ' ' || s[i] == 0x7f;

			if (!space || (o > 0 && diag[o - 1] != ' '))
				diag[o++] = space ? ' ' : (char)s[i];
			i++;
			continue;
		}
		n = utf8_seq(s + i, len - i);
		if (n == 0 || o + n > BOUNCE_DIAG_MAX - 1) {
			i += n == 0 ? 1 : n;
			if (n != 0)
				break;
			continue;
		}
		memcpy(diag + o, s + i, n);
		o += n;
		i += n;
	}
	while (o > 0 && diag[o - 1] == ' ')
		o--;
	diag[o] = '\0';
}
