/*
 * msg_impl.h: what the two halves of the GMime adapter share.  Only
 * msg.c (header fields, parsing, writing) and msgmime.c (the MIME
 * structure: footers, content rules, excerpts) include this.
 */
#ifndef HERALD_MSG_IMPL_H
#define HERALD_MSG_IMPL_H

#include <gmime/gmime.h>

#include "msg.h"

struct msg {
	GMimeMessage *gm;
};

#endif
