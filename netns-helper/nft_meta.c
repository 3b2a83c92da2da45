// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_meta.c - the metadata endpoints (nft_meta.h). A session of a nat or
 * bridge network reaches the wider network through the host, and so, on a
 * cloud VM, the host's metadata service: its credentials would be every
 * confined user's. The chain of each such network drops these ranges
 * (its sets NAME_meta4 and NAME_meta6), less what its allow list names
 * explicitly. IPv6 link-local (fe80::/10) needs no entry: the kernel
 * never forwards to a link-local destination off its link.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nft_meta.h"
#include "util.h"

/* Keep pam_netns.conf(5), METADATA ENDPOINTS, in step. */
const struct nft_meta_endpoint nft_meta_endpoints[] = {
	{ "169.254.0.0/16", "link-local: the instance metadata of AWS, GCP, "
	  "Azure, OpenStack, Oracle Cloud, DigitalOcean and others at "
	  "169.254.169.254, AWS ECS task credentials at 169.254.170.2" },
	{ "168.63.129.16/32", "the Azure WireServer" },
	{ "100.100.100.200/32", "the Alibaba Cloud metadata service" },
	{ "fd00:ec2::254/128", "the AWS instance metadata service over IPv6" },
	{ "fd00:ec2::23/128", "the AWS EKS Pod Identity Agent over IPv6" },
	{ "fd20:ce::254/128", "the GCP metadata server over IPv6" },
};
const size_t nft_meta_n = ARRAY_SIZE(nft_meta_endpoints);

static struct cidr endpoint(size_t i)
{
	struct cidr c = { 0 };

	(void)cidr_parse(nft_meta_endpoints[i].range, true, &c);
	return c;
}

const struct nft_meta_endpoint *nft_meta_opened(const struct cidr *allow)
{
	for (size_t i = 0; i < nft_meta_n; i++) {
		struct cidr e = endpoint(i);

		if (e.family == allow->family && cidr_contains(&e, allow))
			return &nft_meta_endpoints[i];
	}
	return NULL;
}

static int span_cmp(const void *a, const void *b)
{
	return memcmp(((const struct nft_span *)a)->lo,
		      ((const struct nft_span *)b)->lo, 16);
}

/* @e less the allow entries of @net inside it, appended to @out. */
static size_t subtract(const struct network *net, const struct cidr *e,
		       struct nft_span *out, size_t n, size_t max)
{
	struct nft_span whole, holes[CONF_MAX_LIST];
	uint8_t cur[16];
	size_t k = 0;

	for (size_t i = 0; i < net->allow.n; i++)
		if (net->allow.v[i].family == e->family &&
		    cidr_contains(e, &net->allow.v[i]))
			nft_span_prefix(&net->allow.v[i], &holes[k++]);
	qsort(holes, k, sizeof(*holes), span_cmp);
	nft_span_prefix(e, &whole);
	memcpy(cur, whole.lo, 16);
	/* a hole inside @e never ends the address space: it is not open */
	for (size_t i = 0; i < k && n < max; i++) {
		if (memcmp(holes[i].lo, cur, 16) > 0) {
			memcpy(out[n].lo, cur, 16);
			memcpy(out[n].hi, holes[i].lo, 16);
			out[n++].open = false;
		}
		if (memcmp(holes[i].hi, cur, 16) > 0)
			memcpy(cur, holes[i].hi, 16);
	}
	if (n < max && (whole.open || memcmp(cur, whole.hi, 16) < 0)) {
		out[n] = whole;
		memcpy(out[n++].lo, cur, 16);
	}
	return n;
}

size_t nft_meta_spans(const struct network *net, int family,
		      struct nft_span *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < nft_meta_n; i++) {
		struct cidr e = endpoint(i);

		if (e.family == family)
			n = subtract(net, &e, out, n, max);
	}
	qsort(out, n, sizeof(*out), span_cmp);
	return n;
}
