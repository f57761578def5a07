/*
 * addr.h: mail addresses as Herald stores and sends them.
 *
 * An address here is a bare addr-spec (local@domain) that is safe to put in
 * an SMTP command: 7-bit, no spaces or control characters, a local part of
 * at most 64 octets (RFC 5321 section 4.5.3.1.1), a domain of host-name
 * labels or an address literal.  Parsing of "Name <addr>" forms is GMime's
 * job (msg.h); this module only judges and normalises the result.
 *
 * The normalised key decides when two spellings are one subscriber: the
 * domain is lower-cased (domains are case-insensitive), and so is the local
 * part.  RFC 5321 lets a server treat local parts as case-sensitive, but no
 * provider of note does, and treating Anna@ and anna@ as two subscribers
 * would send a person two copies and let a forged variant slip past a
 * check.  The subaddress (after the recipient delimiter) is kept in the
 * key: anna+lists@ is a subscription of its own.
 */
#ifndef HERALD_ADDR_H
#define HERALD_ADDR_H

#include <stddef.h>

#include "err.h"

#define ADDR_LOCAL_MAX 64
#define ADDR_DOMAIN_MAX 253
#define ADDR_MAX (ADDR_LOCAL_MAX + 1 + ADDR_DOMAIN_MAX)

/* 0 if addr is an address Herald can send to; else ERR_PERM with why. */
int addr_check(const char *addr, struct err *e);

/* 0 if s is a valid domain name (host-name labels, at least one). */
int addr_check_domain(const char *s, struct err *e);

/* Writes the normalised key of a valid addr into key[ADDR_MAX + 1]. */
void addr_key(const char *addr, char *key);

/*
 * Writes the mailbox key: the normalised key without a subaddress, so that
 * Victim+a@ and victim+b@ count as one mailbox.  delims lists the
 * recipient delimiter characters.
 */
void addr_mailbox_key(const char *addr, const char *delims, char *key);

/* Points *domain at the domain part (borrowed, inside addr). */
const char *addr_domain(const char *addr);

#endif
