/*
 * journal.c: the delivery engine's record of accepted copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "journal.h"
#include "util.h"

#define READ_BATCH 512

struct journal {
	int fd;
	char path[PATH_MAX];
};

int
journal_open(const struct conf *c, struct journal **out, struct err *e)
{
	struct journal *j = xcalloc(1, sizeof(*j));

	if (str_fmt(j->path, sizeof(j->path), "%s/journal", c->spool) < 0) {
		free(j);
		return err_set(e, ERR_CONFIG, "spool path too long");
	}
	j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (j->fd < 0) {
		err_sys(e, err_errno_class(errno), errno, "%s", j->path);
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j);
}

int
journal_add(struct journal *j, const struct journal_rec *r, size_t n,
    struct err *e)
{
	size_t len = n * sizeof(*r);
	ssize_t w;

	do
		w = write(j->fd, r, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return err_sys(e, ERR_TEMP, errno, "%s", j->path);
	if ((size_t)w != len)
		return err_set(e, ERR_TEMP, "%s: short write", j->path);
	return 0;
}

int
journal_read(struct journal *j,
    int (*fn)(const struct journal_rec *r, size_t n, void *arg), void *arg,
    struct err *e)
{
	struct journal_rec recs[READ_BATCH];
	off_t at = 0;
	ssize_t got;

	for (;;) {
		got = pread(j->fd, recs, sizeof(recs), at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return err_sys(e, ERR_TEMP, errno, "%s", j->path);
		if ((size_t)got < sizeof(recs[0]))
			return 0;
		got -= got % (ssize_t)sizeof(recs[0]);
		if (fn(recs, (size_t)got / sizeof(recs[0]), arg) < 0)
			return -1;
		at += got;
	}
}

int
journal_clear(struct journal *j, struct err *e)
{
	if (ftruncate(j->fd, 0) < 0)
		return err_sys(e, ERR_TEMP, errno, "%s", j->path);
	return 0;
}
