/*
 * fsutil.h: files written so that a crash leaves either the old state or
 * the new one, never half of it.
 */
#ifndef HERALD_FSUTIL_H
#define HERALD_FSUTIL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Writes data[0..len) to path: a temporary file in tmpdir (which must be
 * on the same file system), fsync(), rename() into place, fsync() of the
 * directory.  mode is the new file's permission bits.
 */
int fs_write_atomic(const char *path, const char *tmpdir, const void *data,
    size_t len, int mode, struct err *e);

/*
 * Reads all of fd into b.  Fails with ERR_PERM if the input exceeds the
 * buffer's maximum (the remaining input is not read).
 */
int fs_read_fd(int fd, struct buf *b, struct err *e);

/* Reads all of path into b, as fs_read_fd. */
int fs_read_file(const char *path, struct buf *b, struct err *e);

/* mkdir -p, with mode for the directories it creates. */
int fs_mkdirs(const char *path, int mode, struct err *e);

/*
 * Creates path empty with mode, unless it exists: so that a file that will
 * hold private data is never, even for a moment, readable by all.
 */
int fs_create(const char *path, int mode, struct err *e);

/* fsync() of the directory that holds path. */
int fs_sync_parent(const char *path, struct err *e);

#endif
