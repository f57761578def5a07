/*
 * err.c: errors as values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
err_set(struct err *e, enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Appends s to the message, cut to fit: a long message loses its tail. */
static void
append(struct err *e, const char *s)
{
	size_t len = strlen(e->msg), n = strlen(s);

	if (n > sizeof(e->msg) - 1 - len)
		n = sizeof(e->msg) - 1 - len;
	memcpy(e->msg + len, s, n);
	e->msg[len + n] = '\0';
}

int
err_sys(struct err *e, enum err_class cls, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	append(e, ": ");
	append(e, strerror(errnum));
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[ERR_MSG_MAX];
	va_list ap;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	append(e, ": ");
	append(e, old);
	return -1;
}

void
err_clear(struct err *e)
{
	e->cls = ERR_NONE;
	e->msg[0] = '\0';
}

enum err_class
err_errno_class(int errnum)
{
	switch (errnum) {
	case EAGAIN:
	case EINTR:
	case ENOSPC:
	case EDQUOT:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case EIO:
	case EBUSY:
	case ETIMEDOUT:
	case ECONNREFUSED:
	case ECONNRESET:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return ERR_TEMP;
	case ENOENT:
		return ERR_NOTFOUND;
	case EACCES:
	case EPERM:
	case EROFS:
	case ENOTDIR:		/* a file where a folder is configured */
	case EISDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return ERR_CONFIG;
	default:
		return ERR_INTERNAL;
	}
}

const char *
err_class_name(enum err_class cls)
{
	static const char *const names[] = {
		[ERR_NONE] = "no error",
		[ERR_TEMP] = "temporary failure",
		[ERR_PERM] = "permanent failure",
		[ERR_USAGE] = "usage error",
		[ERR_NOTFOUND] = "not found",
		[ERR_EXISTS] = "already exists",
		[ERR_CONFIG] = "configuration error",
		[ERR_INTERNAL] = "internal error",
	};

	if ((size_t)cls >= sizeof(names) / sizeof(names[0]))
		return "unknown error";
	return names[cls];
}
