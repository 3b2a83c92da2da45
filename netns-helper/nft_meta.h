/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_meta.h - the cloud metadata endpoints that the sessions of a nat or
 * bridge network never reach (instance credentials live there), and the
 * allow entries that open one of them for one network. Pure: no kernel.
 */
#ifndef PN_NFT_META_H
#define PN_NFT_META_H

#include <stddef.h>

#include "cidr.h"
#include "conf.h"
#include "nft_lib.h"

struct nft_meta_endpoint {
	const char *range;	/* "A/P" */
	const char *what;	/* whose it is, for check and the man page */
};

extern const struct nft_meta_endpoint nft_meta_endpoints[];
extern const size_t nft_meta_n;

/*
 * nft_meta_opened() - the endpoint that @allow (an allow entry) lies
 * inside, or NULL. An entry that only covers an endpoint (0.0.0.0/0)
 * opens nothing: it has to name the endpoint or a part of it.
 */
const struct nft_meta_endpoint *nft_meta_opened(const struct cidr *allow);

/*
 * nft_meta_spans() - what network @net blocks of the @family endpoints:
 * each endpoint less the allow entries that lie inside it, as sorted,
 * disjoint spans.
 * Return: the number of spans written to @out (at most @max)
 */
size_t nft_meta_spans(const struct network *net, int family,
		      struct nft_span *out, size_t max);

#endif
