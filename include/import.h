/*
 * import.h: bulk import of members, one address per line or CSV.
 *
 * Lines: "addr" or "Display Name <addr>"; blank lines and lines starting
 * with # are skipped.  CSV (RFC 4180, read with libcsv): "address,display
 * name" per record, or a header row naming the columns in any order:
 * address (or email, e-mail), name (or display name, full name), mode,
 * and any other column is a member attribute (attr.h), such as
 * organisation or department.  A header that names a column twice is an
 * error.
 *
 * The whole import is one transaction.  By default a single bad record
 * rejects the whole file (nothing is imported, every bad record is
 * reported); with skip_bad the good records go in and the bad ones are
 * reported.  Addresses already on the list are counted, not changed,
 * unless update is set: then their name, mode and attributes are set from
 * the record (empty cells leave a field as it is).
 */
#ifndef HERALD_IMPORT_H
#define HERALD_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "err.h"
#include "member.h"

enum import_format { IMPORT_LINES, IMPORT_CSV };

struct import_opts {
	enum import_format format;
	int skip_bad;
	int update;
	enum member_mode mode;
	/* Called every few thousand records; may be NULL. */
	void (*progress)(int64_t records, void *arg);
	/* Called for each rejected record, with its first line number. */
	void (*rejected)(int64_t line, const char *why, void *arg);
	void *arg;
};

struct import_result {
	int64_t added;
	int64_t present;	/* already a member, or twice in the input */
	int64_t updated;	/* of those, changed (update) */
	int64_t rejected;
	int64_t records;
	int committed;		/* 0 if bad records stopped the import */
};

int member_import(struct db *db, int64_t list_id, FILE *in,
    const struct import_opts *o, struct import_result *r, struct err *e);

#endif
