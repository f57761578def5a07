/*
 * err.h: errors as values.
 *
 * A function that can fail returns 0 or -1 and, on -1, fills a struct err
 * supplied by its caller.  The class says what the caller may do about it;
 * the message is for the one log line the subcommand layer writes.  Nothing
 * below the subcommand layer logs an error it returns, and nothing calls
 * exit().
 */
#ifndef HERALD_ERR_H
#define HERALD_ERR_H

#include <stddef.h>

enum err_class {
	ERR_NONE = 0,
	ERR_TEMP,	/* may work later: database busy, disk full, no relay */
	ERR_PERM,	/* will never work with this input */
	ERR_USAGE,	/* the command line is wrong */
	ERR_NOTFOUND,	/* no such list, member or address */
	ERR_EXISTS,	/* it is already there */
	ERR_CONFIG,	/* the site configuration is wrong */
	ERR_INTERNAL	/* a bug or an impossible state */
};

#define ERR_MSG_MAX 512

struct err {
	enum err_class cls;
	char msg[ERR_MSG_MAX];
};

/* Sets cls and a formatted message (truncated to fit); returns -1. */
int err_set(struct err *e, enum err_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As err_set, with ": " and strerror(errnum) appended. */
int err_sys(struct err *e, enum err_class cls, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Puts "prefix: " in front of the message already in e; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties e. */
void err_clear(struct err *e);

/* The class of an errno value: ENOSPC, EAGAIN and the like are temporary. */
enum err_class err_errno_class(int errnum);

/* A short English name for a class ("temporary failure", ...). */
const char *err_class_name(enum err_class cls);

#endif
