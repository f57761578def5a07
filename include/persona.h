/*
 * persona.h: personalised copies of an announcement.
 *
 * Placeholders such as {{name}} or {{organisation|your organisation}}
 * (placeholder.h) in the Subject and in the text parts of a post are
 * filled per member.  The post is prepared once: its list mail is cut into
 * segments, literal bytes shared by every copy, the Subject, and each text
 * part that holds a placeholder, kept as decoded UTF-8 text with what is
 * needed to encode it again.  Each copy is then written into a buffer the
 * caller has emptied, from the segments and that member's values alone:
 * no state of one copy can reach the next.
 *
 * A text part is filled in its own charset and transfer encoding; a value
 * its charset cannot carry turns that copy's part into UTF-8, and a 7-bit
 * part that a value makes 8-bit (or a line that grows past 998 octets)
 * becomes quoted-printable.  HTML parts get HTML-escaped values.  Parts
 * that are attachments, inside a signed or encrypted entity, or whose
 * bytes do not match their declared charset are left as they are.  This
 * module belongs to the GMime adapter layer.
 */
#ifndef HERALD_PERSONA_H
#define HERALD_PERSONA_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "placeholder.h"

struct persona;

/*
 * Prepares list mail text[0..len) (CRLF, as listmail renders it; the
 * per-member fields go at the end of its header).  *out is NULL when the
 * post holds no placeholder where one would be filled.
 */
int persona_prepare(const char *text, size_t len, struct persona **out,
    struct err *e);
void persona_free(struct persona *p);

/*
 * Calls fn with the name of every placeholder that would be filled and
 * whether it has a default in the text.
 */
void persona_names(const struct persona *p,
    void (*fn)(const char *name, int has_default, void *arg), void *arg);

/*
 * Calls fn with each text whose placeholders would be filled: the Subject
 * (html 0) and each text part, decoded to UTF-8 with LF line ends.
 */
void persona_texts(const struct persona *p,
    void (*fn)(const char *text, int html, void *arg), void *arg);

/*
 * Appends to out the parts of mail text[0..len) that a client shows, as
 * one HTML page, the way a client that shows them one after the other
 * reads them (Thunderbird does): HTML parts as they are, plain ones
 * escaped in <pre>, attached messages' too, attachments left out.
 * Returns 1 if some of it is not in out (an encrypted part hides it, or
 * out cannot hold it all), else 0.
 */
int persona_document(const char *text, size_t len, struct buf *out,
    struct err *e);

/*
 * Writes one member's copy into out (which the caller has emptied): the
 * segments with placeholders filled by lookup (NULL: the placeholder's
 * default, else dflt), and member_fields (CRLF-terminated header fields)
 * at the end of the header.
 */
int persona_render(const struct persona *p, placeholder_lookup lookup,
    void *arg, const char *dflt, const char *member_fields,
    size_t member_len, struct buf *out, struct err *e);

#endif
