/*
 * dns.c: the DNS adapter (libresolv and libpsl).
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <libpsl.h>
#include <resolv.h>
#include <netdb.h>
#include <string.h>

#include "conf.h"
#include "dns.h"
#include "util.h"

/*
 * A resolver state for this lookup.  glibc uses the name servers of
 * nsaddr_list when the caller changes them after res_ninit.  Timeouts
 * are short: a post waits on this lookup.
 */
static int
open_resolver(struct __res_state *rs, const char *resolver, struct err *e)
{
	char host[64];
	uint16_t port;

	memset(rs, 0, sizeof(*rs));
	if (res_ninit(rs) < 0)
		return err_set(e, ERR_TEMP, "cannot set up the DNS resolver");
	rs->retrans = 2;
	rs->retry = 2;
	if (resolver[0] == '\0')
		return 0;
	if (conf_parse_resolver(resolver, host, sizeof(host), &port) < 0) {
		res_nclose(rs);
		return err_set(e, ERR_CONFIG, "dns_resolver: bad address "
		    "'%s'", resolver);
	}
	/* XXX Only IPv4: glibc keeps IPv6 name servers outside the public
	 * res_state fields, so an IPv6 dns_resolver cannot be set here. */
	rs->nscount = 1;
	rs->nsaddr_list[0].sin_family = AF_INET;
	rs->nsaddr_list[0].sin_port = htons(port);
	inet_pton(AF_INET, host, &rs->nsaddr_list[0].sin_addr);
	return 0;
}

/* A TXT record's character-strings (RFC 1035 section 3.3.14), joined. */
static int
join_strings(const unsigned char *p, size_t len, char *out, size_t size)
{
	size_t at = 0, n;

	while (len > 0) {
		n = *p++;
		len--;
		if (n > len || at + n >= size)
			return -1;
		memcpy(out + at, p, n);
		at += n;
		p += n;
		len -= n;
	}
	out[at] = '\0';
	return 0;
}

static int
each_txt(const unsigned char *answer, int len,
    void (*fn)(const char *txt, uint32_t ttl, void *arg), void *arg,
    struct err *e)
{
	char txt[DNS_TXT_MAX];
	ns_msg msg;
	ns_rr rr;
	int i, n, found = 0;

	if (ns_initparse(answer, len, &msg) < 0)
		return err_set(e, ERR_TEMP, "a malformed DNS answer");
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			return err_set(e, ERR_TEMP, "a malformed DNS answer");
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in ||
		    join_strings(ns_rr_rdata(rr), ns_rr_rdlen(rr), txt,
		    sizeof(txt)) < 0)
			continue;
		fn(txt, ns_rr_ttl(rr), arg);
		found = 1;
	}
	return found;
}

int
dns_txt(const char *resolver, const char *name,
    void (*fn)(const char *txt, uint32_t ttl, void *arg), void *arg,
    struct err *e)
{
	unsigned char answer[NS_MAXMSG > 65536 ? 65536 : NS_MAXMSG];
	struct __res_state rs;
	int len, rc;

	if (open_resolver(&rs, resolver, e) < 0)
		return -1;
	len = res_nquery(&rs, name, ns_c_in, ns_t_txt, answer,
	    sizeof(answer));
	if (len < 0) {
		/* NXDOMAIN and "no TXT" are answers; the rest is not. */
		rc = rs.res_h_errno == HOST_NOT_FOUND ||
		    rs.res_h_errno == NO_DATA ? 0 : err_set(e, ERR_TEMP,
		    "no DNS answer for %s", name);
	} else
		rc = each_txt(answer, len, fn, arg, e);
	res_nclose(&rs);
	return rc;
}

int
dns_org_domain(const char *domain, char *out, size_t size)
{
	static psl_ctx_t *psl;
	const char *reg;
	char lower[256];

	if (str_copy(lower, sizeof(lower), domain) < 0)
		return -1;
	str_lower(lower);
	/* The system's list (Debian's publicsuffix), else libpsl's own. */
	if (psl == NULL && (psl = psl_latest(NULL)) == NULL)
		psl = (psl_ctx_t *)psl_builtin();
	if (psl == NULL || (reg = psl_registrable_domain(psl, lower)) == NULL)
		return -1;
	return str_copy(out, size, reg);
}
