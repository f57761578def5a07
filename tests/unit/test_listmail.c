/*
 * test_listmail.c: turning a post into list mail.
 *
 * Golden files: each input (a shared case, or a hostile input of ours) is
 * rendered for list dev@lists.example.org with prefix "[dev] " and must
 * equal tests/golden/NAME.out byte for byte.  UPDATE_GOLDEN=1 rewrites the
 * expected files instead; review the diff before committing it.
 *
 * Properties checked on every output, golden or not: CRLF line endings
 * only, no line over 998 octets, no NUL, a 7-bit header, each field that
 * may occur once present at most once, the list's fields present once,
 * nothing the post must not carry (Bcc, receipt requests, Errors-To).
 */
#include "listmail.h"
#include "msg.h"
#include "unit.h"

static const char *const inputs[] = {
	"shared:cases/001-subject-prefix-hidden-in-encoded-word-1.eml",
	"shared:cases/001-subject-prefix-hidden-in-encoded-word-2.eml",
	"shared:cases/003-crosspost-foreign-list-tag.eml",
	"shared:cases/004-footer-vs-pgp-mime-signed.eml",
	"shared:cases/007-8bit-patch-reencoded.eml",
	"shared:cases/010-duplicate-single-instance-headers-1.eml",
	"shared:cases/010-duplicate-single-instance-headers-2.eml",
	"shared:cases/017-missing-message-id.eml",
	"shared:cases/018-long-header-and-body-lines.eml",
	"shared:cases/020-raw-utf8-headers.eml",
	"src:contrib/demo/post.eml",
	"src:tests/unit/data/hostile-nul.eml",
	"src:tests/unit/data/hostile-bare-cr.eml",
	"src:tests/unit/data/hostile-mixed-endings.eml",
	"src:tests/unit/data/hostile-header-only.eml",
	"src:tests/unit/data/hostile-long-word.eml",
	"src:tests/unit/data/hostile-bad-utf8.eml",
	"src:tests/unit/data/hostile-deep-nesting.eml",
	"src:tests/unit/data/hostile-no-boundary.eml",
	"src:tests/unit/data/hostile-many-dups.eml",
};

#define NINPUTS ((int)(sizeof(inputs) / sizeof(inputs[0])))

static const char *const once[] = {
	"Date", "From", "Sender", "Reply-To", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "Subject", "List-Id", "List-Post",
	"List-Help", "List-Subscribe", "List-Owner", "Precedence", "X-Loop",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding",
};
static const char *const never[] = {
	"Bcc", "Disposition-Notification-To", "Return-Receipt-To",
	"Errors-To", "Return-Path",
};

static char *
input_path(const char *spec)
{
	if (strncmp(spec, "shared:", 7) == 0)
		return unit_shared(spec + 7);
	return unit_src(spec + 4);
}

static char *
golden_path(const char *spec)
{
	const char *base = strrchr(spec, '/') + 1;
	char *name = xstrdup(base), *path;

	*strrchr(name, '.') = '\0';
	path = unit_src("tests/golden/");
	free(path);
	path = xasprintf("%s/tests/golden/%s.out",
	    getenv("HERALD_SRCDIR") ? getenv("HERALD_SRCDIR") : ".", name);
	free(name);
	return path;
}

static void
render(const char *spec, struct listmail *lm)
{
	static const struct list dev = { 1, "dev", "lists.example.org" };
	struct listmail_in in = {
		.list = &dev, .delims = "+", .prefix = "[dev] ",
		.description = "", .received = 1796300000,
		.id_seed = "herald.golden",
	};
	char *path = input_path(spec);
	struct buf raw = unit_read(path);
	struct msg *m;
	struct err e;

	ck_assert_msg(msg_parse(raw.data, raw.len, &m, &e) == 0, "%s: %s",
	    spec, e.msg);
	ck_assert_msg(listmail_render(&in, m, lm, &e) == 0, "%s: %s", spec,
	    e.msg);
	msg_free(m);
	buf_free(&raw);
	free(path);
}

/* How many header fields called name are in the header text. */
static int
field_count(const char *head, size_t len, const char *name)
{
	size_t n = strlen(name), i = 0;
	int count = 0;

	while (i < len) {
		if ((i == 0 || head[i - 1] == '\n') &&
		    str_ncasecmp(head + i, name, n) == 0 && head[i + n] == ':')
			count++;
		i++;
	}
	return count;
}

static void
check_properties(const char *spec, const struct listmail *lm)
{
	const char *t = lm->text.data;
	size_t i, run = 0, head_len = lm->split;

	for (i = 0; i < lm->text.len; i++) {
		ck_assert_msg(t[i] != '\0', "%s: NUL at %zu", spec, i);
		if (t[i] == '\r')
			ck_assert_msg(i + 1 < lm->text.len && t[i + 1] == '\n',
			    "%s: bare CR at %zu", spec, i);
		if (t[i] == '\n') {
			ck_assert_msg(i > 0 && t[i - 1] == '\r',
			    "%s: bare LF at %zu", spec, i);
			run = 0;
		} else if (t[i] != '\r' && ++run > 998)
			ck_abort_msg("%s: line over 998 octets at %zu", spec,
			    i);
	}
	ck_assert_msg(mem_is_ascii(t, head_len), "%s: 8-bit header", spec);
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		ck_assert_msg(field_count(t, head_len, once[i]) <= 1,
		    "%s: %s more than once", spec, once[i]);
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(field_count(t, head_len, never[i]) == 0,
		    "%s: %s kept", spec, never[i]);
	ck_assert_int_eq(field_count(t, head_len, "List-Id"), 1);
	ck_assert_int_eq(field_count(t, head_len, "Message-ID"), 1);
	ck_assert_int_eq(field_count(t, head_len, "Date"), 1);
	ck_assert_msg(memcmp(t + head_len, "\r\n", 2) == 0,
	    "%s: split is not at the end of the header", spec);
}

START_TEST(golden)
{
	char *gpath = golden_path(inputs[_i]);
	struct listmail lm;
	struct buf want;
	struct err e;

	render(inputs[_i], &lm);
	check_properties(inputs[_i], &lm);
	if (getenv("UPDATE_GOLDEN") != NULL) {
		ck_assert_int_eq(fs_write_atomic(gpath, "/tmp", lm.text.data,
		    lm.text.len, 0644, &e), 0);
	} else {
		want = unit_read(gpath);
		ck_assert_msg(want.len == lm.text.len &&
		    memcmp(want.data, lm.text.data, want.len) == 0,
		    "%s differs from %s", inputs[_i], gpath);
		buf_free(&want);
	}
	listmail_free(&lm);
	free(gpath);
}
END_TEST

/* Rendering is a function of the post: twice gives the same bytes. */
START_TEST(deterministic)
{
	struct listmail a, b;

	render(inputs[_i], &a);
	render(inputs[_i], &b);
	ck_assert_uint_eq(a.text.len, b.text.len);
	ck_assert_int_eq(memcmp(a.text.data, b.text.data, a.text.len), 0);
	listmail_free(&a);
	listmail_free(&b);
}
END_TEST

/*
 * The list's settings at work: each row is an input, the settings that
 * differ from the plain rendering, and its golden file.  FOOTER_A and
 * FOOTER_U are the footers of ../shared/cases/CASES.md.
 */
#define FOOTER_A "-- \ndev mailing list -- dev@lists.example.org\n" \
	"To unsubscribe send an email to dev-leave@lists.example.org\n"
#define FOOTER_U "-- \ndev \u2013 Liste f\u00fcr Entwicklerinnen und " \
	"Entwickler\nAbmelden: dev-leave@lists.example.org\n"

static const struct variant {
	const char *input;
	const char *golden;
	struct listmail_in in;
} variants[] = {
	{ "shared:cases/007-8bit-patch-reencoded.eml", "007-footer-a",
	  { .footer = FOOTER_A } },
	{ "shared:cases/005-footer-utf8-and-multipart-alternative-1.eml",
	  "005-1-footer-u", { .footer = FOOTER_U } },
	{ "shared:cases/005-footer-utf8-and-multipart-alternative-2.eml",
	  "005-2-footer-u", { .footer = FOOTER_U } },
	{ "shared:cases/006-footer-mislabeled-or-legacy-charset-1.eml",
	  "006-1-footer-u", { .footer = FOOTER_U } },
	{ "shared:cases/006-footer-mislabeled-or-legacy-charset-2.eml",
	  "006-2-footer-u", { .footer = FOOTER_U } },
	{ "shared:cases/004-footer-vs-pgp-mime-signed.eml", "004-footer-a",
	  { .footer = FOOTER_A } },
	{ "shared:cases/010-duplicate-single-instance-headers-1.eml",
	  "010-1-footer-u", { .footer = FOOTER_U } },
	{ "shared:cases/028-oversize-post-encoded-size-2.eml",
	  "028-2-footer-a", { .footer = FOOTER_A } },
	{ "src:tests/unit/data/html-only.eml", "html-only-footer-u",
	  { .footer = FOOTER_U } },
	{ "shared:cases/010-duplicate-single-instance-headers-1.eml",
	  "010-1-reply-to-list", { .reply_to = REPLY_TO_LIST } },
	{ "shared:cases/010-duplicate-single-instance-headers-1.eml",
	  "010-1-reply-to-keep", { .reply_to = REPLY_TO_LIST,
	  .reply_to_keep_poster = 1 } },
	{ "shared:cases/010-duplicate-single-instance-headers-2.eml",
	  "010-2-reply-to-address", { .reply_to = REPLY_TO_ADDRESS,
	  .reply_to_address = "replies@example.org" } },
	{ "shared:cases/008-dmarc-reject-domain-post-1.eml", "008-1-dmarc",
	  { .dmarc_from = 1, .footer = FOOTER_A } },
	{ "shared:cases/008-dmarc-reject-domain-post-1.eml",
	  "008-1-untouched", { .untouched = 1, .footer = FOOTER_A } },
	{ "shared:cases/009-dmarc-from-rewrite-encoding-1.eml", "009-1-dmarc",
	  { .dmarc_from = 1 } },
	{ "shared:cases/009-dmarc-from-rewrite-encoding-1.eml",
	  "009-1-dmarc-cc-list", { .dmarc_from = 1, .author_in_cc = 1,
	  .reply_to = REPLY_TO_LIST } },
	{ "shared:cases/009-dmarc-from-rewrite-encoding-2.eml", "009-2-dmarc",
	  { .dmarc_from = 1 } },
	{ "shared:cases/017-missing-message-id.eml", "017-dmarc-bare",
	  { .dmarc_from = 1, .reply_to = REPLY_TO_LIST } },
	{ "shared:cases/005-footer-utf8-and-multipart-alternative-2.eml",
	  "005-2-drop-html", { .drop_html = 1 } },
	{ "shared:cases/028-oversize-post-encoded-size-2.eml",
	  "028-2-forbid", { .mime_forbid = "application/*" } },
	{ "shared:cases/028-oversize-post-encoded-size-2.eml",
	  "028-2-allow", { .mime_allow = "text/plain" } },
};

#define NVARIANTS ((int)(sizeof(variants) / sizeof(variants[0])))

static void
render_variant(const struct variant *v, struct listmail *lm)
{
	static const struct list dev = { 1, "dev", "lists.example.org" };
	struct listmail_in in = v->in;
	char *path = input_path(v->input);
	struct buf raw = unit_read(path);
	struct msg *m;
	struct err e;

	in.list = &dev;
	in.delims = "+";
	in.prefix = "[dev] ";
	in.description = "";
	in.received = 1796300000;
	in.id_seed = "herald.golden";
	ck_assert_msg(msg_parse(raw.data, raw.len, &m, &e) == 0, "%s: %s",
	    v->input, e.msg);
	ck_assert_msg(listmail_render(&in, m, lm, &e) == 0, "%s: %s",
	    v->input, e.msg);
	msg_free(m);
	buf_free(&raw);
	free(path);
}

static void
compare_golden(const char *name, const struct listmail *lm)
{
	char *gpath = xasprintf("%s/tests/golden/%s.out",
	    getenv("HERALD_SRCDIR") ? getenv("HERALD_SRCDIR") : ".", name);
	struct buf want;
	struct err e;

	if (getenv("UPDATE_GOLDEN") != NULL) {
		ck_assert_int_eq(fs_write_atomic(gpath, "/tmp", lm->text.data,
		    lm->text.len, 0644, &e), 0);
	} else {
		want = unit_read(gpath);
		ck_assert_msg(want.len == lm->text.len &&
		    memcmp(want.data, lm->text.data, want.len) == 0,
		    "%s differs from %s", name, gpath);
		buf_free(&want);
	}
	free(gpath);
}

START_TEST(golden_settings)
{
	struct listmail lm;

	render_variant(&variants[_i], &lm);
	check_properties(variants[_i].golden, &lm);
	compare_golden(variants[_i].golden, &lm);
	listmail_free(&lm);
}
END_TEST

START_TEST(signed_entity_untouched)
{
	char *path = unit_shared("cases/004-footer-vs-pgp-mime-signed.eml");
	struct buf raw = unit_read(path);
	const char *start = strstr(raw.data, "Content-Type: multipart/signed");
	const char *end = strstr(raw.data, "--sig-7Qm2vX9pL4kT--");
	struct listmail lm;

	ck_assert_ptr_nonnull(start);
	ck_assert_ptr_nonnull(end);
	render("shared:cases/004-footer-vs-pgp-mime-signed.eml", &lm);
	ck_assert_ptr_nonnull(memmem(lm.text.data, lm.text.len, start,
	    (size_t)(end - start)));
	listmail_free(&lm);
	buf_free(&raw);
	free(path);
}
END_TEST

START_TEST(empty_input_is_refused)
{
	struct msg *m;
	struct err e;

	ck_assert_int_eq(msg_parse("", 0, &m, &e), -1);
	ck_assert_int_eq(e.cls, ERR_PERM);
}
END_TEST

START_TEST(loop_markers)
{
	static const struct list dev = { 1, "dev", "lists.example.org" };
	static const char *const loops[] = {
		"X-Loop: dev@lists.example.org\n\nx\n",
		"X-Loop: <DEV@lists.example.org>\n\nx\n",
		"X-BeenThere: dev@lists.example.org\n\nx\n",
		"List-Id: Dev list <dev.lists.example.org>\n\nx\n",
	};
	static const char *const fine[] = {
		"X-Loop: users@lists.example.org\n\nx\n",
		"X-Loop: dev@lists.example.org.evil\n\nx\n",
		"List-Id: <dev.lists.example.org.evil>\n\nx\n",
		"Subject: dev@lists.example.org\n\nx\n",
	};
	struct msg *m;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
		msg_parse(loops[i], strlen(loops[i]), &m, &e);
		ck_assert_msg(listmail_loop_reason(m, &dev) != NULL, "%s",
		    loops[i]);
		msg_free(m);
	}
	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		msg_parse(fine[i], strlen(fine[i]), &m, &e);
		ck_assert_msg(listmail_loop_reason(m, &dev) == NULL, "%s",
		    fine[i]);
		msg_free(m);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("listmail");
	TCase *tc = tcase_create("listmail");

	msg_init();
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, golden, 0, NINPUTS);
	tcase_add_loop_test(tc, deterministic, 0, NINPUTS);
	tcase_add_loop_test(tc, golden_settings, 0, NVARIANTS);
	tcase_add_test(tc, signed_entity_untouched);
	tcase_add_test(tc, empty_input_is_refused);
	tcase_add_test(tc, loop_markers);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
