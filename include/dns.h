/*
 * dns.h: the DNS adapter: TXT lookups through glibc's resolver library
 * (res_nquery, ns_initparse), and organizational domains from the Public
 * Suffix List (libpsl).  The only file that includes resolv.h or
 * libpsl.h.
 */
#ifndef HERALD_DNS_H
#define HERALD_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define DNS_TXT_MAX 4096

/*
 * Calls fn with each TXT record of name, its strings joined (RFC 7208
 * section 3.3 and RFC 7489 section 6.6.3 read them so), and its TTL.
 * resolver is "" for the system's resolvers, else "A.B.C.D[:PORT]".
 * Returns 1 if name has TXT records, 0 if it has none or does not exist,
 * -1 (ERR_TEMP) if no answer could be had.
 */
int dns_txt(const char *resolver, const char *name,
    void (*fn)(const char *txt, uint32_t ttl, void *arg), void *arg,
    struct err *e);

/*
 * The organizational domain of domain (RFC 7489 section 3.2: one label
 * below its public suffix), lower case, into out[size]; -1 if it has
 * none (domain is a public suffix) or does not fit.
 */
int dns_org_domain(const char *domain, char *out, size_t size);

#endif
