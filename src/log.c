/*
 * log.c: the log, to syslog (facility mail) or to stderr.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level max_level = LOG_LVL_INFO;
static enum log_target where = LOG_TO_STDERR;
static int syslog_open;
static char log_path[512];

void
log_setup(enum log_target target, enum log_level level)
{
	max_level = level;
	if (target == LOG_TO_AUTO)
		target = isatty(STDERR_FILENO) ? LOG_TO_STDERR : LOG_TO_SYSLOG;
	if (target == LOG_TO_FILE && log_path[0] == '\0')
		target = LOG_TO_SYSLOG;
	where = target;
	if (where == LOG_TO_SYSLOG && !syslog_open) {
		openlog("herald", LOG_PID | LOG_NDELAY, LOG_MAIL);
		syslog_open = 1;
	}
}

int
log_level_parse(const char *name, enum log_level *level)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_file(const char *path)
{
	if (path == NULL || strlen(path) >= sizeof(log_path))
		log_path[0] = '\0';
	else
		memcpy(log_path, path, strlen(path) + 1);
}

int
log_target_parse(const char *name, enum log_target *target)
{
	if (strncmp(name, "file:", 5) == 0 && name[5] == '/')
		*target = LOG_TO_FILE;
	else if (strcmp(name, "auto") == 0)
		*target = LOG_TO_AUTO;
	else if (strcmp(name, "stderr") == 0)
		*target = LOG_TO_STDERR;
	else if (strcmp(name, "syslog") == 0)
		*target = LOG_TO_SYSLOG;
	else
		return -1;
	return 0;
}

int
log_is_terminal(void)
{
	return where == LOG_TO_STDERR && isatty(STDERR_FILENO);
}

/* One line appended; O_APPEND keeps lines of several processes whole. */
static void
log_to_file(const char *tag, const char *line)
{
	char stamp[32], out[1200];
	time_t t = time(NULL);
	struct tm tm;
	ssize_t wrote;
	int fd, n;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	n = snprintf(out, sizeof(out), "%s herald[%ld]: %s%s\n", stamp,
	    (long)getpid(), tag, line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out))
		n = sizeof(out) - 1;
	if ((fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) < 0)
		return;
	/* A failed write has nowhere left to be reported. */
	wrote = write(fd, out, (size_t)n);
	(void)wrote;
	close(fd);
}

/* c as \xNN at out (four bytes, no terminator); returns 4. */
static size_t
hex_escape(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

/*
 * The last guard, for text that reached a log call without log_esc():
 * control characters become \xNN, so that nothing from outside (a file
 * name in a hold reason, say) can end a line and forge the next one.
 * Printable text, escaped or not, is left as it is.
 */
static void
defuse(const char *in, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0;

	for (; *s != '\0' && n + 5 < size; s++) {
		if (*s >= 0x20 && *s != 0x7f)
			out[n++] = (char)*s;
		else
			n += hex_escape(out + n, *s);
	}
	out[n] = '\0';
}

static void
log_write(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = {
		LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG
	};
	static const char *const tag[] = {
		"error: ", "warning: ", "", "debug: "
	};
	char raw[1024], line[1024];

	if (level > max_level)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	defuse(raw, line, sizeof(line));
	if (where == LOG_TO_SYSLOG)
		syslog(prio[level], "%s", line);
	else if (where == LOG_TO_FILE)
		log_to_file(tag[level], line);
	else
		fprintf(stderr, "herald: %s%s\n", tag[level], line);
}

#define LOG_FN(fn, level)				\
	void						\
	fn(const char *fmt, ...)			\
	{						\
		va_list ap;				\
							\
		va_start(ap, fmt);			\
		log_write(level, fmt, ap);		\
		va_end(ap);				\
	}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warning, LOG_LVL_WARNING)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

char *
log_esc(char *buf, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "(null)");
	size_t n = 0;

	if (size < 8) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	for (; *s != '\0'; s++) {
		int plain = *s >= 0x20 && *s < 0x7f && *s != '\\';

		if (n + (plain ? 1 : 4) > size - 4) {
			memcpy(buf + n, "...", 4);
			return buf;
		}
		if (plain) {
			buf[n++] = (char)*s;
			continue;
		}
		n += hex_escape(buf + n, *s);
	}
	buf[n] = '\0';
	return buf;
}
