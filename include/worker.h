/*
 * worker.h: who delivers, and how they are woken.
 *
 * One delivery engine runs per spool, under an exclusive lock on
 * SPOOL/deliver.lock; a second `herald deliver` finds the lock taken and
 * leaves the work to the first.  A running engine listens on the FIFO
 * SPOOL/trigger; receive writes a byte to it after storing a post, and if
 * nobody is listening starts a detached engine instead, so that the MTA is
 * never kept waiting for delivery.
 */
#ifndef HERALD_WORKER_H
#define HERALD_WORKER_H

#include "conf.h"
#include "err.h"

/*
 * Takes the delivery lock: 1 and *fd set if taken, 0 if another engine
 * holds it (and wait is 0).
 */
int worker_lock(const struct conf *c, int wait, int *fd, struct err *e);
void worker_unlock(int fd);

/* Opens the trigger FIFO for reading, creating it if needed. */
int worker_listen(const struct conf *c, int *fd, struct err *e);

/*
 * Waits up to timeout_ms for a trigger on fd (from worker_listen) and
 * drains it.  Returns 1 if triggered, 0 on timeout.
 */
int worker_wait(int fd, int timeout_ms);

/*
 * Wakes the running engine, or starts a detached `herald deliver` (with
 * the same configuration file) if none is listening.
 */
void worker_kick(const struct conf *c);

#endif
