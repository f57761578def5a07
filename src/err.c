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

int
err_sys(struct err *e, enum err_class cls, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(errnum));
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char head[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* A message cut to fit is fine here; looking at the result says so
	 * to the compiler, which otherwise warns of the truncation. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", head, old) < 0)
		e->msg[0] = '\0';
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
