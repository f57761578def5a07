/*
 * msg.h: the GMime adapter.  Every RFC 5322, MIME and RFC 2047 parse and
 * write in Herald goes through here: msg.c (fields, parsing, writing) and
 * msgmime.c (the MIME structure) are the only files that include gmime.h.
 *
 * Header names are compared case-insensitively.  Values handed out are
 * decoded to UTF-8 and unfolded; values handed in by the caller are
 * encoded by GMime as the field's syntax requires.
 */
#ifndef HERALD_MSG_H
#define HERALD_MSG_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct msg;

/* Once per process, before any other call. */
void msg_init(void);

/*
 * Parses a message from data[0..len).  The data is copied; it need not
 * outlive the message.  GMime accepts nearly anything, so this fails only
 * on input that has no header at all.
 */
int msg_parse(const void *data, size_t len, struct msg **out,
    struct err *e);
void msg_free(struct msg *m);

/* The decoded value of the first field called name; owned, or NULL. */
char *msg_get(struct msg *m, const char *name);

/* The addr-spec of the first mailbox in field name; owned, or NULL. */
char *msg_get_address(struct msg *m, const char *name);

/* How many fields called name the header holds. */
size_t msg_count(struct msg *m, const char *name);

/*
 * Calls fn on the decoded value of every field called name, in order,
 * until fn returns nonzero; returns that value, or 0.
 */
int msg_each(struct msg *m, const char *name,
    int (*fn)(const char *value, void *arg), void *arg);

/*
 * The text of the message's first text/plain part that is not an
 * attachment, decoded (transfer encoding and charset) to UTF-8 with LF
 * line ends and cut at max octets; owned, or NULL if there is none.
 */
char *msg_text(struct msg *m, size_t max);

/* Removes every field called name. */
void msg_remove(struct msg *m, const char *name);

/* Keeps the first field called name and removes the others. */
void msg_keep_first(struct msg *m, const char *name);

/*
 * Joins several address fields called name (To, Cc, Reply-To) into one
 * field holding all their addresses, in order.  One field is left alone.
 */
void msg_merge_addresses(struct msg *m, const char *name);

/*
 * The first mailbox of the fields called name: its addr-spec and decoded
 * display name (both owned; *display is NULL if there is none).  -1 if
 * the fields hold no mailbox.
 */
int msg_first_mailbox(struct msg *m, const char *name, char **addr,
    char **display);

/* How many mailboxes the fields called name hold, groups included. */
size_t msg_count_mailboxes(struct msg *m, const char *name);

/*
 * Calls fn with the addr-spec of each mailbox of the fields called name,
 * in order, until fn returns nonzero; returns that value, or 0.
 */
int msg_each_mailbox(struct msg *m, const char *name,
    int (*fn)(const char *addr, void *arg), void *arg);

/*
 * Replaces the address field name (From, Reply-To, To, Cc) by one field
 * holding one mailbox; display (UTF-8) may be NULL.  GMime quotes or
 * encodes the display name as RFC 5322 and RFC 2047 require.
 */
void msg_set_mailbox(struct msg *m, const char *name, const char *display,
    const char *addr);

/*
 * Adds a mailbox to the address field name, creating the field if there
 * is none: there is never a second field.  Nothing happens if the field
 * holds addr already (compared without case).
 */
void msg_add_mailbox(struct msg *m, const char *name, const char *display,
    const char *addr);

/* Appends a field; value is UTF-8 and is encoded and folded as needed. */
void msg_append(struct msg *m, const char *name, const char *value);

/* Replaces the Subject with a UTF-8 text, RFC 2047-encoded as needed. */
void msg_set_subject(struct msg *m, const char *utf8);

/*
 * Re-encodes every header field whose raw value holds 8-bit octets (RFC
 * 2047 for text and display names), so that the header is 7-bit.
 */
void msg_encode_8bit_headers(struct msg *m);

/*
 * Makes the message fit SMTP: header fields with a line over RFC 5322's
 * 998 octets are refolded; a body part with a longer line or a NUL octet
 * is re-encoded (quoted-printable for text, base64 otherwise).  Other
 * parts are left byte for byte as they came; signed and encrypted parts
 * are never touched.  Returns how many parts were re-encoded.
 */
int msg_make_smtp_safe(struct msg *m);

/*
 * Whether the decoded text (UTF-8) of some text part, outside signed and
 * encrypted entities, holds s.
 */
int msg_text_contains(struct msg *m, const char *s);

/*
 * How a footer was added: into the text itself (text/plain, both
 * alternatives of multipart/alternative, HTML before </body>), or as a
 * part of its own (a multipart/mixed, new if need be), or not at all.
 */
enum msg_footer { MSG_FOOTER_NONE, MSG_FOOTER_INSIDE, MSG_FOOTER_PART };

/*
 * Adds the footer text (UTF-8, LF line ends) to the message.  Text is
 * appended in the part's own charset and transfer encoding; a part whose
 * charset cannot carry the footer, or whose bytes do not match its
 * declared charset, is left byte for byte and the footer goes into a
 * part of its own.  A signed or encrypted entity is never changed: it
 * becomes the first part of a new multipart/mixed.
 */
enum msg_footer msg_add_footer(struct msg *m, const char *utf8);

/*
 * Whether a content type ("text/html") matches one of the patterns, a
 * space-separated list of types and "type/any" wildcards written with an
 * asterisk after the slash (without case).
 */
int msg_type_matches(const char *type, const char *patterns);

/* The content type of the top-level part, lower case (owned). */
char *msg_top_type(struct msg *m);

/*
 * Removes the parts whose type matches forbid, or (if allow is not
 * empty) does not match allow, and, if drop_html, the text/html parts of
 * a multipart/alternative that has a text/plain one.  Multiparts are
 * containers and are judged by their parts; the top-level part and the
 * inside of signed and encrypted entities are never touched.  Returns the
 * number of parts removed.
 */
int msg_filter_parts(struct msg *m, const char *allow, const char *forbid,
    int drop_html);

/*
 * The file name (or else the type) of the first part that is a program a
 * mail client might run (.exe, .js, application/x-msdownload ...), owned;
 * NULL if there is none.  Signed and encrypted entities are looked into.
 */
char *msg_find_executable(struct msg *m);

/*
 * The first lines (at most lines of them, at most max octets) of the
 * message's main text, decoded to UTF-8, owned; NULL if it has none.
 */
char *msg_excerpt(struct msg *m, int lines, size_t max);

/*
 * Appends the body (all that follows the header, as GMime writes it) to
 * out: what makes two posts the same content.
 */
int msg_write_body(struct msg *m, struct buf *out, struct err *e);

/* Serialises the message with CRLF line endings into out. */
int msg_write(struct msg *m, struct buf *out, struct err *e);

/*
 * Parses one mailbox ("Name <addr>" or "addr") into its addr-spec and
 * decoded display name (both owned; *name may be NULL).  Fails unless the
 * text holds exactly one mailbox.
 */
int msg_parse_mailbox(const char *text, char **addr, char **name,
    struct err *e);

/*
 * Formats a mailbox as it would appear in a header, display name encoded
 * per RFC 2047 if it needs to be; owned.
 */
char *msg_format_mailbox(const char *name, const char *addr);

/* A message Herald writes itself: plain text, one recipient. */
struct msg_compose {
	const char *from_name;		/* display name (UTF-8) or NULL */
	const char *from;		/* addr-spec */
	const char *to;			/* addr-spec */
	const char *reply_to;		/* addr-spec or NULL */
	const char *subject;		/* UTF-8 */
	const char *body;		/* UTF-8 text, LF line ends */
	const char *message_id;		/* "<...>" */
	const char *in_reply_to;	/* "<...>" or NULL */
	const char *auto_submitted;	/* RFC 3834 value, or NULL */
	const char *loop;		/* X-Loop value, or NULL */
	long long date;			/* epoch seconds */
	const void *attach;		/* a message to enclose, or NULL */
	size_t attach_len;
};

/*
 * Writes the message (CRLF line ends, 7-bit: the text is encoded as it
 * needs) into out.  An enclosed message becomes a message/rfc822 part
 * after the text.
 */
int msg_compose(const struct msg_compose *in, struct buf *out,
    struct err *e);

/*
 * A phrase (RFC 5322 section 3.2.5) holding text: as it is, quoted, or
 * RFC 2047-encoded, whichever the text needs; owned.
 */
char *msg_encode_phrase(const char *utf8);

#endif
