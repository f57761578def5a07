/*
 * listmail.c: turning a post into list mail, once per post.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "listmail.h"
#include "subject.h"
#include "util.h"

#define LISTMAIL_MAX (256 * 1024 * 1024)

/*
 * Fields that must go: Return-Path belongs to final delivery (RFC 5321
 * section 4.4); Bcc would tell members who else was sent the post; receipt
 * requests and Errors-To would make each member's client or MTA report to
 * the author, disclosing the member's address; the list fields are ours
 * to write.
 */
static const char *const removed[] = {
	"Return-Path", "Bcc", "Resent-Bcc",
	"Disposition-Notification-To", "Disposition-Notification-Options",
	"Return-Receipt-To", "Read-Receipt-To", "X-Confirm-Reading-To",
	"Generate-Delivery-Report", "Errors-To",
	"List-Id", "List-Help", "List-Post", "List-Subscribe",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Owner",
	"List-Archive", "Precedence",
};

/* RFC 5322 section 3.6: fields that occur at most once. */
static const char *const merged[] = { "To", "Cc", "Reply-To" };
static const char *const first_only[] = {
	"Date", "From", "Sender", "Message-ID", "In-Reply-To", "References",
	"Subject", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct loop_check {
	const struct list *l;
	char post[ADDR_MAX + 1];
	char list_id[ADDR_MAX + 3];
};

/* Does a field value name our posting address? */
static int
names_us(const char *value, void *arg)
{
	struct loop_check *lc = arg;
	const char *v = value;
	size_t n = strlen(lc->post);

	while (*v == ' ' || *v == '\t' || *v == '<')
		v++;
	return str_ncasecmp(v, lc->post, n) == 0 &&
	    (v[n] == '\0' || v[n] == '>' || v[n] == ' ');
}

static int
has_our_id(const char *value, void *arg)
{
	struct loop_check *lc = arg;
	const char *lt = strrchr(value, '<');

	return lt != NULL && str_ncasecmp(lt, lc->list_id,
	    strlen(lc->list_id)) == 0;
}

const char *
listmail_loop_reason(struct msg *m, const struct list *l)
{
	struct loop_check lc = { .l = l };

	list_address(l, ROLE_POST, "", NULL, lc.post, sizeof(lc.post));
	str_fmt(lc.list_id, sizeof(lc.list_id), "<%s.%s>", l->name,
	    l->domain);
	if (msg_each(m, "X-Loop", names_us, &lc))
		return "it carries this list's X-Loop marker";
	if (msg_each(m, "X-BeenThere", names_us, &lc))
		return "it carries this list's X-BeenThere marker";
	if (msg_each(m, "List-Id", has_our_id, &lc))
		return "it carries this list's List-Id";
	return NULL;
}

static void
clean_header(struct msg *m)
{
	size_t i;

	for (i = 0; i < NELEM(removed); i++)
		msg_remove(m, removed[i]);
	for (i = 0; i < NELEM(merged); i++)
		msg_merge_addresses(m, merged[i]);
	for (i = 0; i < NELEM(first_only); i++)
		msg_keep_first(m, first_only[i]);
}

/*
 * RFC 5322 requires Date and recommends Message-ID; large receivers refuse
 * mail without them.  Added once here, they are the same in every copy.
 */
static void
add_missing_ids(const struct listmail_in *in, struct msg *m)
{
	char date[64], id[ADDR_MAX + 64];
	struct tm tm;
	time_t t = (time_t)in->received;

	if (msg_count(m, "Date") == 0) {
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
		    &tm);
		msg_append(m, "Date", date);
	}
	if (msg_count(m, "Message-ID") == 0) {
		str_fmt(id, sizeof(id), "<%s@%s>", in->id_seed,
		    in->list->domain);
		msg_append(m, "Message-ID", id);
	}
}

static void
apply_prefix(const struct listmail_in *in, struct msg *m, char **subject)
{
	char *old = msg_get(m, "Subject"), *new;

	if (in->prefix[0] == '\0' || in->untouched) {
		*subject = old;
		return;
	}
	new = subject_apply_prefix(old, in->prefix);
	if (old == NULL || strcmp(old, new) != 0)
		msg_set_subject(m, new);
	free(old);
	*subject = new;
}

/*
 * Reply-To per the list's policy.  Returns 1 if the list wrote it, so
 * that the DMARC step knows whose field it is adding the author to.
 */
static int
apply_reply_to(const struct listmail_in *in, struct msg *m)
{
	char a[ADDR_MAX + 1];
	const char *target = a;

	if (in->reply_to == REPLY_TO_AS_SENT)
		return 0;
	if (in->reply_to == REPLY_TO_ADDRESS) {
		if (in->reply_to_address == NULL ||
		    in->reply_to_address[0] == '\0')
			return 0;
		target = in->reply_to_address;
	} else
		list_address(in->list, ROLE_POST, in->delims, NULL, a,
		    sizeof(a));
	if (in->reply_to_keep_poster && msg_count(m, "Reply-To") > 0)
		return 0;
	msg_set_mailbox(m, "Reply-To", NULL, target);
	return 1;
}

/*
 * From becomes "Author via LIST" <list address>, so that the list's
 * domain answers for the mail it changed.  The author stays reachable:
 * in Reply-To (unless the poster chose a Reply-To, which stays theirs)
 * or in Cc, always in the one field there is (RFC 5322 section 3.6).
 */
static void
rewrite_from(const struct listmail_in *in, struct msg *m, int list_reply_to)
{
	char a[ADDR_MAX + 1], *addr, *name, *via;

	if (msg_first_mailbox(m, "From", &addr, &name) < 0)
		return;
	list_address(in->list, ROLE_POST, in->delims, NULL, a, sizeof(a));
	if (name != NULL)
		via = xasprintf("%s via %s", name, in->list->name);
	else {
		/* An address in a display name looks like phishing. */
		char *at = strrchr(addr, '@');

		via = at == NULL ? xasprintf("%s via %s", addr,
		    in->list->name) : xasprintf("%.*s at %s via %s",
		    (int)(at - addr), addr, at + 1, in->list->name);
	}
	/* XXX The list adds no DKIM signature or ARC seal of its own; the
	 * rewritten mail passes DMARC by the list domain's SPF alone. */
	msg_set_mailbox(m, "From", via, a);
	if (in->author_in_cc)
		msg_add_mailbox(m, "Cc", name, addr);
	else if (msg_count(m, "Reply-To") == 0 || list_reply_to)
		msg_add_mailbox(m, "Reply-To", name, addr);
	free(via);
	free(addr);
	free(name);
}

static const char *
nonnull(const char *s)
{
	return s != NULL ? s : "";
}

/* The list's changes to what the post says: all skipped if untouched. */
static void
apply_settings(const struct listmail_in *in, struct msg *m, char **subject)
{
	int ours;

	if (!in->untouched)
		msg_filter_parts(m, nonnull(in->mime_allow),
		    nonnull(in->mime_forbid), in->drop_html);
	apply_prefix(in, m, subject);
	ours = apply_reply_to(in, m);
	if (in->dmarc_from)
		rewrite_from(in, m, ours);
	if (!in->untouched && in->footer != NULL)
		msg_add_footer(m, in->footer);
}

static void
add_list_fields(const struct listmail_in *in, struct msg *m)
{
	const struct list *l = in->list;
	char a[ADDR_MAX + 1], v[2 * ADDR_MAX + 64];

	if (in->description[0] != '\0') {
		char *phrase = msg_encode_phrase(in->description);

		str_fmt(v, sizeof(v), "%s <%s.%s>", phrase, l->name,
		    l->domain);
		free(phrase);
	} else
		str_fmt(v, sizeof(v), "<%s.%s>", l->name, l->domain);
	msg_append(m, "List-Id", v);
	list_address(l, ROLE_POST, in->delims, NULL, a, sizeof(a));
	str_fmt(v, sizeof(v), "<mailto:%s>", a);
	msg_append(m, "List-Post", v);
	list_address(l, ROLE_REQUEST, in->delims, NULL, a, sizeof(a));
	str_fmt(v, sizeof(v), "<mailto:%s?subject=help>", a);
	msg_append(m, "List-Help", v);
	list_address(l, ROLE_JOIN, in->delims, NULL, a, sizeof(a));
	str_fmt(v, sizeof(v), "<mailto:%s>", a);
	msg_append(m, "List-Subscribe", v);
	list_address(l, ROLE_OWNER, in->delims, NULL, a, sizeof(a));
	str_fmt(v, sizeof(v), "<mailto:%s>", a);
	msg_append(m, "List-Owner", v);
	msg_append(m, "Precedence", "list");
	list_address(l, ROLE_POST, in->delims, NULL, a, sizeof(a));
	msg_append(m, "X-Loop", a);
}

/* The offset just past the last header line's CRLF. */
static int
find_split(struct listmail *out, struct err *e)
{
	const char *blank = memmem(out->text.data, out->text.len,
	    "\r\n\r\n", 4);

	if (blank == NULL) {
		if (buf_adds(&out->text, "\r\n") < 0)
			return err_set(e, ERR_PERM, "message too large");
		blank = memmem(out->text.data, out->text.len, "\r\n\r\n", 4);
		if (blank == NULL)
			return err_set(e, ERR_INTERNAL, "no end of header");
	}
	out->split = (size_t)(blank - out->text.data) + 2;
	return 0;
}

int
listmail_render(const struct listmail_in *in, struct msg *m,
    struct listmail *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	buf_init(&out->text, LISTMAIL_MAX);
	clean_header(m);
	add_missing_ids(in, m);
	apply_settings(in, m, &out->subject);
	msg_encode_8bit_headers(m);
	msg_make_smtp_safe(m);
	add_list_fields(in, m);
	out->message_id = msg_get(m, "Message-ID");
	if (msg_write(m, &out->text, e) < 0 || find_split(out, e) < 0) {
		listmail_free(out);
		return -1;
	}
	return 0;
}

void
listmail_free(struct listmail *lm)
{
	buf_free(&lm->text);
	free(lm->message_id);
	free(lm->subject);
	lm->message_id = lm->subject = NULL;
}

int
listmail_member_fields(const struct unsub_links *k, struct buf *out,
    struct err *e)
{
	int rc;

	if (k->url[0] == '\0')
		rc = buf_printf(out, "List-Unsubscribe: <mailto:%s>\r\n",
		    k->address);
	else
		rc = buf_printf(out, "List-Unsubscribe: <mailto:%s>,\r\n "
		    "<%s>\r\nList-Unsubscribe-Post: "
		    "List-Unsubscribe=One-Click\r\n", k->address, k->url);
	return rc < 0 ? err_set(e, ERR_INTERNAL, "member fields too long") :
	    0;
}
