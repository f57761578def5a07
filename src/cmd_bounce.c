/*
 * cmd_bounce.c: herald bounce parse, the bounce detector on files.
 *
 * It needs no database and no configuration: it only reads reports, so
 * that the detector can be tried on collected reports anywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bounce.h"
#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "util.h"

/*
 * Reads the first BOUNCE_INPUT_MAX octets of path ("-": stdin) into b;
 * the detector looks at no more than that, so the rest is not read.
 */
static int
read_head(const char *path, struct buf *b, struct err *e)
{
	char chunk[65536];
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	if (fd < 0)
		return err_sys(e, err_errno_class(errno), errno, "%s", path);
	while (b->len < BOUNCE_INPUT_MAX) {
		size_t want = BOUNCE_INPUT_MAX - b->len;

		if (want > sizeof(chunk))
			want = sizeof(chunk);
		n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(b, chunk, (size_t)n);
	}
	if (n < 0)
		err_sys(e, err_errno_class(errno), errno, "%s", path);
	if (fd != STDIN_FILENO)
		close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * The recipients that failed, comma-separated; the 4th column says why
 * (the reason of the first failed recipient), or what the message is
 * when it is no failure.
 */
static void
print_report(const char *path, const struct bounce_report *r)
{
	const char *why = bounce_class_name(r->cls);
	size_t i, shown = 0;

	printf("%s\t", path);
	for (i = 0; i < r->n; i++) {
		if (r->rcpt[i].kind == BOUNCE_NONE)
			continue;
		printf("%s%s", shown++ > 0 ? "," : "", r->rcpt[i].addr);
		if (shown == 1)
			why = bounce_reason_name(r->rcpt[i].reason);
	}
	printf("\t%s\t%s\n", bounce_kind_name(r->kind), why);
}

static int
parse_one(struct cli *cli, const char *path)
{
	struct bounce_report r;
	struct buf b;
	struct err e;
	int rc = 0;

	buf_init(&b, BOUNCE_INPUT_MAX);
	if (read_head(path, &b, &e) < 0 ||
	    bounce_parse(b.data, b.len, &r, &e) < 0) {
		memset(&r, 0, sizeof(r));
		rc = cli_fail(cli, &e);
	}
	print_report(path, &r);
	buf_free(&b);
	return rc;
}

static int
parse(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	int i, rc = 0, one;

	/* No options yet; getopt still handles "--" and rejects "-x". */
	if (getopt_long(argc, argv, "", opts, NULL) != -1 || optind >= argc)
		return cli_usage(cli);
	for (i = optind; i < argc; i++)
		if ((one = parse_one(cli, argv[i])) != 0 && rc == 0)
			rc = one;
	return rc;
}

static const struct cli_cmd bounce_cmds[] = {
	{ "parse", parse, "say which recipients a delivery report names",
	  CMD_BOUNCE_PARSE_SYNOPSIS, CMD_BOUNCE_PARSE_HELP },
	{ NULL, NULL, NULL, NULL, NULL }
};

int
cmd_bounce(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "bounce", bounce_cmds, argc - 1, argv + 1);
}
