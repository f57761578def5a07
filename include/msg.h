/*
 * msg.h: the GMime adapter.  Every RFC 5322, MIME and RFC 2047 parse and
 * write in Herald goes through here; this is the only module that includes
 * gmime.h.
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
