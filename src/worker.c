/*
 * worker.c: who delivers, and how they are woken.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "post.h"
#include "util.h"
#include "worker.h"

int
worker_lock(const struct conf *c, int wait, int *fd, struct err *e)
{
	char path[PATH_MAX];
	int lfd;

	if (post_spool_init(c, e) < 0)
		return -1;
	str_fmt(path, sizeof(path), "%s/deliver.lock", c->spool);
	if ((lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", path);
	while (flock(lfd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		close(lfd);
		if (errno == EWOULDBLOCK)
			return 0;
		return err_sys(e, ERR_TEMP, errno, "lock %s", path);
	}
	*fd = lfd;
	return 1;
}

void
worker_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void
trigger_path(const struct conf *c, char *path, size_t size)
{
	str_fmt(path, size, "%s/trigger", c->spool);
}

int
worker_listen(const struct conf *c, int *fd, struct err *e)
{
	char path[PATH_MAX];

	trigger_path(c, path, sizeof(path));
	if (mkfifo(path, 0660) < 0 && errno != EEXIST)
		return err_sys(e, err_errno_class(errno), errno, "mkfifo %s",
		    path);
	/* Read-write, so that the FIFO never reports end of file. */
	if ((*fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", path);
	return 0;
}

int
worker_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char junk[256];
	int n = poll(&p, 1, timeout_ms);

	if (n <= 0)
		return 0;
	while (read(fd, junk, sizeof(junk)) > 0)
		continue;
	return 1;
}

/* A grandchild in its own session, with no tie to the MTA's pipes. */
static void
spawn(const struct conf *c)
{
	char *argv[6];
	int i = 0, fd;
	pid_t pid = fork();

	if (pid < 0) {
		log_warning("cannot start delivery: fork: %s", strerror(errno));
		return;
	}
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	argv[i++] = (char *)"herald";
	if (c->path != NULL) {
		argv[i++] = (char *)"-c";
		argv[i++] = c->path;
	}
	argv[i++] = (char *)"deliver";
	argv[i++] = (char *)"--quiet";
	argv[i] = NULL;
	execv("/proc/self/exe", argv);
	_exit(127);
}

void
worker_kick(const struct conf *c)
{
	char path[PATH_MAX];
	int fd;

	trigger_path(c, path, sizeof(path));
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		/* A full FIFO means a wake-up is pending anyway. */
		if (write(fd, "!", 1) < 0 && errno != EAGAIN)
			log_debug("trigger: %s", strerror(errno));
		close(fd);
		return;
	}
	if (errno != ENXIO && errno != ENOENT)
		log_warning("trigger %s: %s", path, strerror(errno));
	spawn(c);
}
