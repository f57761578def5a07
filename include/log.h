/*
 * log.h: the log, to syslog (facility mail) or to stderr.
 *
 * When run by the MTA or a service manager Herald logs to syslog; on a
 * terminal it writes to stderr.  Levels mean something: error is for what
 * an operator must act on, warning for what went wrong but was handled,
 * info for one line per event worth keeping, debug for developers (off by
 * default).  Text that came from outside (addresses, header values) must go
 * through log_esc() before it reaches a log call.
 */
#ifndef HERALD_LOG_H
#define HERALD_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

enum log_target { LOG_TO_AUTO, LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };

/* Sets where log lines go and which levels are written. */
void log_setup(enum log_target target, enum log_level level);

/*
 * The file for LOG_TO_FILE (appended to, one line per event, with the
 * time); used when a later log_setup chooses LOG_TO_FILE.
 */
void log_set_file(const char *path);

/* Parses "error", "warning", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name, enum log_level *level);

/* Parses "auto", "stderr", "syslog", "file:PATH"; -1 if unknown. */
int log_target_parse(const char *name, enum log_target *target);

/* Nonzero when log lines go to a terminal (stderr). */
int log_is_terminal(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Untrusted text made safe to log: bytes outside printable ASCII and the
 * backslash become \xNN, and the result is cut at size - 1 bytes with "..."
 * marking the cut.  Returns buf.  src may be NULL ("(null)").
 */
#define LOG_ESC_MAX 256
char *log_esc(char *buf, size_t size, const char *src);

#endif
