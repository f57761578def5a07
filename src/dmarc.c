/*
 * dmarc.c: authors' DMARC policies.
 */
#include <string.h>

#include "dmarc.h"
#include "dns.h"
#include "log.h"
#include "util.h"

#define TTL_MIN 60
#define TTL_MAX 86400
#define NEGATIVE_TTL 3600

static const char *const names[] = {
	"none", "quarantine", "reject", "unknown"
};

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	return names[p];
}

/* The value of tag in a tag list (RFC 7489 section 6.4), or NULL. */
static const char *
tag_value(const char *txt, const char *tag, size_t *len)
{
	const char *p = txt;
	size_t n = strlen(tag);

	while (*p != '\0') {
		p += strspn(p, " \t");
		if (str_ncasecmp(p, tag, n) == 0) {
			const char *v = p + n;

			v += strspn(v, " \t");
			if (*v == '=') {
				v++;
				v += strspn(v, " \t");
				*len = strcspn(v, "; \t");
				return v;
			}
		}
		p += strcspn(p, ";");
		if (*p == ';')
			p++;
	}
	return NULL;
}

static int
policy_word(const char *v, size_t len, enum dmarc_policy *out)
{
	size_t i;

	for (i = DMARC_NONE; i <= DMARC_REJECT; i++)
		if (len == strlen(names[i]) &&
		    str_ncasecmp(v, names[i], len) == 0) {
			*out = (enum dmarc_policy)i;
			return 0;
		}
	return -1;
}

int
dmarc_parse(const char *txt, int subdomain, enum dmarc_policy *out)
{
	const char *v;
	size_t len;

	txt += strspn(txt, " \t");
	if (str_ncasecmp(txt, "v=DMARC1", 8) != 0 ||
	    (txt[8] != '\0' && txt[8] != ';' && txt[8] != ' '))
		return -1;
	if (subdomain && (v = tag_value(txt, "sp", &len)) != NULL &&
	    policy_word(v, len, out) == 0)
		return 0;
	if ((v = tag_value(txt, "p", &len)) != NULL &&
	    policy_word(v, len, out) == 0)
		return 0;
	/* Section 6.6.3: a record without a valid p= counts as p=none. */
	*out = DMARC_NONE;
	return 0;
}

struct found {
	int subdomain;
	int records;
	enum dmarc_policy p;
	uint32_t ttl;
};

static void
one_record(const char *txt, uint32_t ttl, void *arg)
{
	struct found *f = arg;
	enum dmarc_policy p;

	if (dmarc_parse(txt, f->subdomain, &p) < 0)
		return;
	f->records++;
	f->p = p;
	f->ttl = ttl;
}

/* 1 and f filled if name has exactly one DMARC record, 0 if not. */
static int
lookup(struct ctx *c, const char *domain, int subdomain, struct found *f,
    struct err *e)
{
	char name[300];

	memset(f, 0, sizeof(*f));
	f->subdomain = subdomain;
	if (str_fmt(name, sizeof(name), "_dmarc.%s", domain) < 0)
		return 0;
	if (dns_txt(c->conf->dns_resolver, name, one_record, f, e) < 0)
		return -1;
	/* Section 6.6.3: several records are as good as none. */
	return f->records == 1;
}

static int
from_dns(struct ctx *c, const char *domain, enum dmarc_policy *out,
    int64_t *ttl, struct err *e)
{
	char org[256];
	struct found f;
	int rc;

	*out = DMARC_NONE;
	*ttl = NEGATIVE_TTL;
	if ((rc = lookup(c, domain, 0, &f, e)) < 0)
		return -1;
	if (rc == 0 && dns_org_domain(domain, org, sizeof(org)) == 0 &&
	    str_casecmp(org, domain) != 0 &&
	    (rc = lookup(c, org, 1, &f, e)) < 0)
		return -1;
	if (rc == 1) {
		*out = f.p;
		*ttl = f.ttl < TTL_MIN ? TTL_MIN : f.ttl > TTL_MAX ? TTL_MAX :
		    f.ttl;
	}
	return 0;
}

static int
cached(struct ctx *c, const char *domain, enum dmarc_policy *out,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT policy FROM "
	    "dmarc_cache WHERE domain = ? AND expires > ?", e);
	size_t len;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, domain);
	db_bind_int(st, 2, now_s());
	if ((rc = db_step(st, e)) != 1)
		return rc;
	len = strlen(db_col_text(st, 0));
	rc = policy_word(db_col_text(st, 0), len, out) == 0;
	db_done(st);
	return rc;
}

static int
remember(struct ctx *c, const char *domain, enum dmarc_policy p,
    int64_t ttl, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "INSERT INTO dmarc_cache "
	    "(domain, policy, expires) VALUES (?, ?, ?) ON CONFLICT (domain) "
	    "DO UPDATE SET policy = excluded.policy, "
	    "expires = excluded.expires", e);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, domain);
	db_bind_text(st, 2, names[p]);
	db_bind_int(st, 3, now_s() + ttl);
	return db_run(st, e);
}

int
dmarc_policy(struct ctx *c, const char *domain, enum dmarc_policy *out,
    struct err *e)
{
	char lower[256], esc[LOG_ESC_MAX];
	struct err de;
	int64_t ttl;
	int rc;

	if (str_copy(lower, sizeof(lower), domain) < 0 || lower[0] == '\0') {
		*out = DMARC_NONE;
		return 0;
	}
	str_lower(lower);
	if ((rc = cached(c, lower, out, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (from_dns(c, lower, out, &ttl, &de) < 0) {
		if (de.cls != ERR_TEMP) {
			*e = de;
			return -1;
		}
		log_warning("DMARC policy of %s: %s; treating it as strict",
		    log_esc(esc, sizeof(esc), lower), de.msg);
		*out = DMARC_UNKNOWN;
		return 0;
	}
	return remember(c, lower, *out, ttl, e);
}
