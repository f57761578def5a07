/*
 * transport_impl.h: what a transport back end provides.  Only transport.c
 * and the back ends (smtp.c, outbox.c) include this.
 */
#ifndef HERALD_TRANSPORT_IMPL_H
#define HERALD_TRANSPORT_IMPL_H

#include "transport.h"

struct transport_ops {
	/* Copies that could start now; -1 if no relay can take any. */
	int (*free_slots)(void *impl);
	int (*busy)(void *impl);
	int (*slots)(void *impl);
	int (*submit)(void *impl, const struct tx_job *job, struct err *e);
	int (*collect)(void *impl, struct tx_result *res, int max,
	    int timeout_ms, struct err *e);
	void (*close)(void *impl);
};

/* The back ends: every relay of the configuration, or one maildir. */
int smtp_open(const struct conf *c, void **impl,
    const struct transport_ops **ops, struct err *e);
int outbox_open(const struct conf *c, const struct relay_conf *r,
    void **impl, const struct transport_ops **ops, struct err *e);

#endif
