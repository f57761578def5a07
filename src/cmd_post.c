/*
 * cmd_post.c: herald post preview, what one member would receive.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "listmail.h"
#include "member.h"
#include "persona.h"
#include "personal.h"
#include "post.h"
#include "token.h"
#include "transport.h"
#include "util.h"

#define PREVIEW_SEED "herald.preview"

/* The copy as the member's mail client would show it: LF line ends. */
static void
print_copy(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			putchar(s[i]);
}

/* The copy of a post that is not personalised: shared text, own fields. */
static int
plain_copy(const struct listmail *lm, const struct buf *fields,
    struct buf *out, struct err *e)
{
	if (buf_add(out, lm->text.data, lm->split) < 0 ||
	    buf_add(out, fields->data, fields->len) < 0 ||
	    buf_add(out, lm->text.data + lm->split, lm->text.len -
	    lm->split) < 0)
		return err_set(e, ERR_PERM, "message too large");
	return 0;
}

static int
personal_copy(struct ctx *c, const struct list *l, const struct member *m,
    const struct unsub_links *links, const struct listmail *lm,
    const struct buf *fields, struct buf *out, struct err *e)
{
	char why[ERR_MSG_MAX], dflt[SETTING_MAX];
	struct personal_values v;
	struct persona *p = NULL;
	int personal, rc;

	rc = personal_check(c->db, l, lm->text.data, lm->text.len, &personal,
	    why, sizeof(why), e);
	if (rc < 0)
		return -1;
	if (rc == 1)
		fprintf(stderr, "herald post preview: this post would be held: "
		    "%s\n", why);
	if (personal && (settings_get(c->db, l->id, "personalize_default",
	    dflt, e) < 0 || persona_prepare(lm->text.data, lm->text.len, &p,
	    e) < 0))
		return -1;
	if (p == NULL)
		return plain_copy(lm, fields, out, e);
	rc = personal_load(c->db, m->id, links, &v, e);
	if (rc == 0)
		rc = persona_render(p, personal_lookup, &v, dflt, fields->data,
		    fields->len, out, e);
	personal_clear(&v);
	persona_free(p);
	return rc;
}

static int
preview(struct ctx *c, const struct list *l, const char *file,
    const char *addr, struct err *e)
{
	char token[TOKEN_LEN + 1], from[ADDR_MAX + 1];
	struct buf raw, fields, out;
	struct unsub_links links;
	struct listmail lm;
	struct member m;
	struct msg *msg;
	int rc = -1;

	buf_init(&raw, (size_t)c->conf->max_message_size);
	buf_init(&fields, TX_MEMBER_MAX);
	buf_init(&out, (size_t)c->conf->max_message_size * 2 + 65536);
	if (member_get(c->db, l->id, addr, &m, e) < 0 ||
	    ctx_secret(c, e) < 0 || fs_read_file(file, &raw, e) < 0 ||
	    msg_parse(raw.data, raw.len, &msg, e) < 0)
		goto out;
	rc = post_render(c, l, msg, now_s(), PREVIEW_SEED, &lm, e);
	msg_free(msg);
	if (rc < 0)
		goto out;
	rc = unsub_links(c, l, m.id, &links, e);
	if (rc == 0)
		rc = listmail_member_fields(&links, &fields, e);
	if (rc == 0)
		rc = personal_copy(c, l, &m, &links, &lm, &fields, &out, e);
	if (rc == 0) {
		token_make(c->secret, TOKEN_BOUNCE, m.id, token);
		list_address(l, ROLE_BOUNCES, c->conf->delimiter, token, from,
		    sizeof(from));
		fprintf(stderr, "envelope: MAIL FROM:<%s> RCPT TO:<%s>\n",
		    from, m.address);
		print_copy(out.data, out.len);
	}
	listmail_free(&lm);
out:
	buf_free(&raw);
	buf_free(&fields);
	buf_free(&out);
	return rc;
}

static int
preview_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "member", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *addr = NULL;
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'm')
			return cli_usage(cli);
		addr = optarg;
	}
	if (optind != argc - 2 || addr == NULL)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if (list_get(c->db, argv[optind], &l, &e) < 0 ||
	    preview(c, &l, argv[optind + 1], addr, &e) < 0)
		rc = cli_fail(cli, &e);
	ctx_close(c);
	return rc;
}

int
cmd_post(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "preview", preview_cmd, "show what one member would receive",
		  "LIST FILE --member ADDRESS",
		  "Renders FILE as the list would distribute it, for that "
		  "member: subject\nprefix, list fields, the member's own "
		  "fields and, on a list that\npersonalises, the member's "
		  "values in the placeholders.  The envelope is\nprinted on "
		  "stderr.  Nothing is stored or sent.\n" },
		{ NULL, NULL, NULL, NULL, NULL }
	};

	return cli_dispatch(cli, "post", cmds, argc - 1, argv + 1);
}
