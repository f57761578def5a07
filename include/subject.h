/*
 * subject.h: the list's subject prefix.
 *
 * Works on the decoded subject (UTF-8 text, as msg_get gives it), so a tag
 * hidden inside an RFC 2047 encoded word is found like any other.  The
 * rule: exactly one prefix, at the very front; then one reply or forward
 * marker if the subject had any (the first one, as it was written: "Re:",
 * "AW:", "Fwd:" ...); then other lists' tags in their order; then the rest.
 * Running the result through again gives the same result, so a reply to a
 * reply keeps one prefix and one marker.
 */
#ifndef HERALD_SUBJECT_H
#define HERALD_SUBJECT_H

/*
 * The subject with prefix applied (owned).  An empty prefix returns the
 * subject unchanged.  subject may be NULL (no Subject field).
 */
char *subject_apply_prefix(const char *subject, const char *prefix);

#endif
