/*
 * transport.h: handing copies to the relay, one envelope per copy.
 *
 * A transport has a number of slots (parallel SMTP sessions, or one for
 * the maildir outbox).  The caller submits a job to a free slot and later
 * collects its result; a slot is not reused until its result has been
 * collected, which is what bounds the copies a crash can duplicate to one
 * per slot.
 *
 * The job's envelope and member fields are copied into the slot, which is
 * wholly rewritten for every job: nothing of one recipient can survive into
 * the next.  Every envelope is checked to hold exactly one recipient before
 * it is sent.
 */
#ifndef HERALD_TRANSPORT_H
#define HERALD_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "err.h"

#define TX_MEMBER_MAX 2048	/* per-member header fields */
#define TX_TEXT_MAX 256

struct tx_job {
	const char *from;	/* MAIL FROM, borrowed */
	const char *rcpt;	/* the one RCPT TO, borrowed */
	const char *head;	/* list mail up to the split; borrowed */
	size_t head_len;	/* ...and must live until the result */
	const char *member;	/* member fields; borrowed */
	size_t member_len;
	const char *tail;	/* the rest of the list mail; borrowed */
	size_t tail_len;	/* ...and must live until the result */
	int64_t tag;		/* the caller's, given back in the result */
};

enum tx_status {
	TX_OK,		/* accepted (2xx after the data) */
	TX_TEMP,	/* this recipient: try again later (4xx) */
	TX_PERM,	/* this recipient: failed for good (5xx) */
	TX_RELAY	/* the relay, not the recipient: connection, 421... */
};

struct tx_result {
	int64_t tag;
	enum tx_status status;
	int code;			/* SMTP reply code; 0 if none */
	char text[TX_TEXT_MAX];		/* the reply or what went wrong */
};

struct transport;

/* The transport for the configured relays. */
int transport_open(const struct conf *c, struct transport **out,
    struct err *e);
void transport_close(struct transport *t);

/*
 * Copies that could start now (0: wait for a result, a relay or a rate
 * token), or -1 when no relay can take any within this run (all down).
 */
int transport_free(struct transport *t);

/* Jobs submitted whose results have not been collected. */
int transport_busy(struct transport *t);

/* The most jobs that can be in flight at once. */
int transport_slots(struct transport *t);

/* Starts a job in a free slot. */
int transport_submit(struct transport *t, const struct tx_job *job,
    struct err *e);

/*
 * Waits up to timeout_ms for jobs to finish and returns how many results
 * were written to res[0..max), or -1 on a failure of the transport itself.
 */
int transport_collect(struct transport *t, struct tx_result *res, int max,
    int timeout_ms, struct err *e);

/* The number of recipients in a job's envelope: always 1. */
int transport_check_envelope(const struct tx_job *job, struct err *e);

#endif
