/*
 * owner.h: mail to NAME-owner@ goes to each owner of the list, one
 * envelope per owner, so that the writer never learns who they are.
 */
#ifndef HERALD_OWNER_H
#define HERALD_OWNER_H

#include "inbound.h"

int owner_handle(struct inbound *in, struct err *e);

#endif
