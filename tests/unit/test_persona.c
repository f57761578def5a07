/*
 * test_persona.c: personalised copies.
 *
 * Golden files: each input is rendered as list mail for list invite and
 * then for two members, A (plain ASCII values) and B (values with umlauts,
 * CJK and HTML specials), and must equal tests/golden/NAME-A.out and
 * NAME-B.out byte for byte (UPDATE_GOLDEN=1 rewrites them; review the
 * diff).  Properties checked on every copy: CRLF only, no line over 998
 * octets, a 7-bit header, the member's own values in it and none of the
 * other member's, no placeholder left in a personalised part, and copies
 * rendered one after the other into one buffer independent of the order.
 */
#include "listmail.h"
#include "msg.h"
#include "persona.h"
#include "unit.h"

static const char *const inputs[] = {
	"persona-plain", "persona-alternative", "persona-latin1",
	"persona-signed",
};
#define NINPUTS ((int)(sizeof(inputs) / sizeof(inputs[0])))

struct who {
	const char *tag;
	const char *name, *organisation, *department;
};

static const struct who A = { "A", "Ms. Tanaka", "Example Corp.", NULL };
static const struct who B = { "B", "Jürgen <Müller>", "田中 & Söhne",
	"Vertrieb" };

static const char *
lookup(const char *name, void *arg)
{
	const struct who *w = arg;

	if (strcmp(name, "name") == 0)
		return w->name;
	if (strcmp(name, "organisation") == 0)
		return w->organisation;
	if (strcmp(name, "department") == 0)
		return w->department;
	return NULL;
}

static void
list_mail(const char *input, struct listmail *lm)
{
	static const struct list l = { 1, "invite", "lists.example.org" };
	struct listmail_in in = {
		.list = &l, .delims = "+", .prefix = "", .description = "",
		.received = 1796300000, .id_seed = "herald.golden",
	};
	char *rel = xasprintf("tests/unit/data/%s.eml", input);
	char *path = unit_src(rel);
	struct buf raw = unit_read(path);
	struct msg *m;
	struct err e;

	ck_assert_int_eq(msg_parse(raw.data, raw.len, &m, &e), 0);
	ck_assert_int_eq(listmail_render(&in, m, lm, &e), 0);
	msg_free(m);
	buf_free(&raw);
	free(path);
	free(rel);
}

static void
render(struct persona *p, const struct who *w, struct buf *out)
{
	static const char fields[] =
	    "List-Unsubscribe: <mailto:invite-leave@lists.example.org>\r\n";
	struct err e;

	buf_reset(out);
	ck_assert_msg(persona_render(p, lookup, (void *)w, "colleague", fields,
	    strlen(fields), out, &e) == 0, "%s", e.msg);
}

/* Whether the decoded text parts of copy hold s (as UTF-8). */
static int
decoded_has(const struct buf *copy, const char *s)
{
	struct msg *m;
	struct err e;
	char *subject;
	int hit;

	ck_assert_int_eq(msg_parse(copy->data, copy->len, &m, &e), 0);
	subject = msg_get(m, "Subject");
	hit = (subject != NULL && strstr(subject, s) != NULL) ||
	    msg_text_contains(m, s);
	free(subject);
	msg_free(m);
	return hit;
}

static void
check_copy(const char *input, const struct buf *c, const struct who *own,
    const struct who *other)
{
	const char *t = c->data;
	size_t i, run = 0, head = (size_t)(strstr(t, "\r\n\r\n") - t);

	for (i = 0; i < c->len; i++) {
		if (t[i] == '\n')
			ck_assert_msg(i > 0 && t[i - 1] == '\r', "%s: bare LF",
			    input);
		run = t[i] == '\n' ? 0 : run + 1;
		ck_assert_msg(run <= 999, "%s: long line", input);
	}
	ck_assert_msg(mem_is_ascii(t, head), "%s: 8-bit header", input);
	if (strcmp(input, "persona-signed") == 0)
		return;
	ck_assert_msg(decoded_has(c, own->name), "%s: own name missing",
	    input);
	ck_assert_msg(!decoded_has(c, other->name) &&
	    !decoded_has(c, other->organisation), "%s: %s's copy holds %s's "
	    "values", input, own->tag, other->tag);
}

static void
golden(const char *input, const struct who *w, const struct buf *copy)
{
	char *rel = xasprintf("tests/golden/%s-%s.out", input, w->tag);
	char *path = unit_src(rel);
	struct buf want;
	struct err e;

	if (getenv("UPDATE_GOLDEN") != NULL) {
		ck_assert_int_eq(fs_write_atomic(path, "/tmp", copy->data,
		    copy->len, 0644, &e), 0);
	} else {
		want = unit_read(path);
		ck_assert_msg(want.len == copy->len && memcmp(want.data,
		    copy->data, want.len) == 0, "%s differs from %s", input,
		    rel);
		buf_free(&want);
	}
	free(path);
	free(rel);
}

START_TEST(copies)
{
	struct listmail lm;
	struct persona *p;
	struct buf a1, b1, a2;
	struct err e;

	list_mail(inputs[_i], &lm);
	ck_assert_int_eq(persona_prepare(lm.text.data, lm.text.len, &p, &e),
	    0);
	ck_assert_ptr_nonnull(p);
	buf_init(&a1, 1 << 20);
	buf_init(&b1, 1 << 20);
	buf_init(&a2, 1 << 20);
	render(p, &A, &a1);
	render(p, &B, &b1);
	render(p, &A, &a2);
	check_copy(inputs[_i], &a1, &A, &B);
	check_copy(inputs[_i], &b1, &B, &A);
	/* A's copy is the same before and after B's. */
	ck_assert_uint_eq(a1.len, a2.len);
	ck_assert_int_eq(memcmp(a1.data, a2.data, a1.len), 0);
	golden(inputs[_i], &A, &a1);
	golden(inputs[_i], &B, &b1);
	buf_free(&a1);
	buf_free(&b1);
	buf_free(&a2);
	persona_free(p);
	listmail_free(&lm);
}
END_TEST

START_TEST(signed_entity_untouched)
{
	struct listmail lm;
	struct persona *p;
	struct buf c;
	struct err e;
	const char *from, *to;

	list_mail("persona-signed", &lm);
	from = strstr(lm.text.data, "--s1\r\n");
	to = strstr(lm.text.data, "--s1--");
	ck_assert_int_eq(persona_prepare(lm.text.data, lm.text.len, &p, &e),
	    0);
	buf_init(&c, 1 << 20);
	render(p, &A, &c);
	ck_assert_ptr_nonnull(memmem(c.data, c.len, from,
	    (size_t)(to - from)));
	ck_assert_ptr_nonnull(strstr(c.data, "Signed note for Example Corp."));
	buf_free(&c);
	persona_free(p);
	listmail_free(&lm);
}
END_TEST

START_TEST(defaults_and_attachments)
{
	struct listmail lm;
	struct persona *p;
	struct buf c;
	struct err e;

	list_mail("persona-plain", &lm);
	persona_prepare(lm.text.data, lm.text.len, &p, &e);
	buf_init(&c, 1 << 20);
	/* A has no department: the placeholder's own default. */
	render(p, &A, &c);
	ck_assert_ptr_nonnull(strstr(c.data, "(your team)"));
	persona_free(p);
	listmail_free(&lm);
	/* The attachment keeps its placeholder. */
	list_mail("persona-latin1", &lm);
	persona_prepare(lm.text.data, lm.text.len, &p, &e);
	render(p, &B, &c);
	ck_assert_ptr_nonnull(strstr(c.data, "Name: {{name}} (left as "
	    "written)"));
	buf_free(&c);
	persona_free(p);
	listmail_free(&lm);
}
END_TEST

START_TEST(nothing_to_fill)
{
	struct listmail lm;
	struct persona *p;
	struct err e;

	list_mail("../../../contrib/demo/post", &lm);
	ck_assert_int_eq(persona_prepare(lm.text.data, lm.text.len, &p, &e),
	    0);
	ck_assert_ptr_null(p);
	listmail_free(&lm);
}
END_TEST

/* The parts a client shows, as one page: plain text escaped in <pre>. */
static const char together[] =
    "From: a@example.org\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain; charset=utf-8\n\n"
    "<a href='x'> & \"{{name}}\"\n"
    "--b\nContent-Type: text/html; charset=utf-8\n\n"
    "<p>{{name}}</p>\n"
    "--b\nContent-Type: application/octet-stream\n"
    "Content-Disposition: attachment\n\n"
    "<img src=x>\n"
    "--b--\n";

START_TEST(document_together)
{
	struct buf out;
	struct err e;

	buf_init(&out, 1 << 16);
	ck_assert_int_eq(persona_document(together, strlen(together), &out,
	    &e), 0);
	ck_assert_str_eq(out.data, "<pre>&lt;a href=&#39;x&#39;&gt; &amp; "
	    "&quot;{{name}}&quot;</pre><p>{{name}}</p>");
	buf_free(&out);
}
END_TEST

/* What cannot all be shown in out is not judged as if it were. */
START_TEST(document_unjudged)
{
	static const char sealed[] =
	    "From: a@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/encrypted; boundary=b; "
	    "protocol=\"application/pgp-encrypted\"\n\n"
	    "--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	    "--b\nContent-Type: application/octet-stream\n\n"
	    "-----BEGIN PGP MESSAGE-----\n"
	    "--b--\n";
	struct buf out;
	struct err e;

	buf_init(&out, 1 << 16);
	ck_assert_int_eq(persona_document(sealed, strlen(sealed), &out, &e),
	    1);
	buf_free(&out);
	buf_init(&out, 20);
	ck_assert_int_eq(persona_document(together, strlen(together), &out,
	    &e), 1);
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("persona");
	TCase *tc = tcase_create("persona");

	msg_init();
	tcase_add_loop_test(tc, copies, 0, NINPUTS);
	tcase_add_test(tc, signed_entity_untouched);
	tcase_add_test(tc, defaults_and_attachments);
	tcase_add_test(tc, nothing_to_fill);
	tcase_add_test(tc, document_together);
	tcase_add_test(tc, document_unjudged);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
