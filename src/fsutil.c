/*
 * fsutil.c: files written so that a crash leaves either the old state or
 * the new one, never half of it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fs_sync_parent(const char *path, struct err *e)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc;

	if (str_copy(dir, sizeof(dir), path) < 0)
		return err_set(e, ERR_INTERNAL, "path too long: %s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		str_copy(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", dir);
	rc = fsync(fd);
	close(fd);
	if (rc < 0)
		return err_sys(e, ERR_TEMP, errno, "fsync %s", dir);
	return 0;
}

int
fs_write_atomic(const char *path, const char *tmpdir, const void *data,
    size_t len, int mode, struct err *e)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if (str_fmt(tmp, sizeof(tmp), "%s/.tmp.%ld.XXXXXX", tmpdir,
	    (long)getpid()) < 0)
		return err_set(e, ERR_INTERNAL, "path too long: %s", tmpdir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", tmp);
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	return fs_sync_parent(path, e);

fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err_sys(e, err_errno_class(saved), saved, "writing %s", path);
}

int
fs_read_fd(int fd, struct buf *b, struct err *e)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, err_errno_class(errno), errno,
			    "read");
		}
		if (n == 0)
			return 0;
		if (buf_add(b, chunk, (size_t)n) < 0)
			return err_set(e, ERR_PERM,
			    "input larger than %zu octets", b->max);
	}
}

int
fs_read_file(const char *path, struct buf *b, struct err *e)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", path);
	rc = fs_read_fd(fd, b, e);
	close(fd);
	if (rc < 0)
		return err_prefix(e, "%s", path);
	return 0;
}

int
fs_create(const char *path, int mode, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    (mode_t)mode);

	if (fd < 0 && errno != EEXIST)
		return err_sys(e, err_errno_class(errno), errno, "create %s",
		    path);
	if (fd >= 0)
		close(fd);
	return 0;
}

int
fs_mkdirs(const char *path, int mode, struct err *e)
{
	char dir[PATH_MAX];
	char *p;

	if (str_copy(dir, sizeof(dir), path) < 0)
		return err_set(e, ERR_INTERNAL, "path too long: %s", path);
	for (p = dir + 1; ; p++) {
		int end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(dir, (mode_t)mode) < 0 && errno != EEXIST)
			return err_sys(e, err_errno_class(errno), errno,
			    "mkdir %s", dir);
		if (end)
			return 0;
		*p = '/';
	}
}
