// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_nat.c - the "nat" kind: a veth pair whose inside end (eth0) is born in
 * the namespace, a /31 and a /64 from the network's pools, default routes
 * through the host end. nftables knows the session by its link's name
 * ("pnh...") and its addresses by the network's pool (nft.h): nothing
 * there is per session.
 *
 * Order, each step recorded before it is made (see ns.h):
 *   forwarding and the network's nftables part (once per network) ->
 *   lease a slot -> veth (host end pnhID, inside eth0) -> accept_ra=0
 *   inside -> addresses and routes -> DNAT forwards.
 * Without pool6 the namespace gets an unreachable IPv6 default route, so
 * IPv6 fails at once instead of leaking anywhere.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locks.h"
#include "log.h"
#include "netns.h"
#include "nft.h"
#include "ns.h"
#include "pool.h"

#define INNER_IF "eth0"

static const struct cidr default4 = { .family = AF_INET };
static const struct cidr default6 = { .family = AF_INET6 };

static int lease(struct ns_ctx *ctx, struct pool_addrs *a, char *ifname,
		 size_t len)
{
	char buf4[CIDR_STRLEN], buf6[CIDR_STRLEN];
	uint32_t slot;
	int r;

	r = pool_alloc(ctx->host, ctx->net, &slot, ctx->err, ctx->errlen);
	if (r)
		return r;
	r = pool_addrs(ctx->net, slot, a) ?:
	    name_ifname('h', ctx->rec->id, ifname, len);
	if (!r) {
		ctx->rec->slot = slot;
		r = REC_SET(ctx->rec->ifname, "%s", ifname) ?:
		    REC_SET(ctx->rec->addr4, "%s",
			    cidr_format(&a->ns4, false, buf4, sizeof(buf4))) ?:
		    REC_SET(ctx->rec->addr6, "%s", a->ns6.family ?
			    cidr_format(&a->ns6, false, buf6, sizeof(buf6)) :
			    "");
	}
	if (r) {
		(void)pool_free(ctx->net->name, slot);
		return r;
	}
	return ns_save(ctx);
}

/*
 * Without pool6 the host end has no use for IPv6: no link-local address,
 * so it adds one route (ff00::/8) to the host's IPv6 table instead of
 * three, which every link event of the host walks.
 */
static int host_side(struct ns_ctx *ctx, const char *ifname,
		     const struct pool_addrs *a)
{
	int idx = nl_veth_add(ctx->host, ifname, INNER_IF, ctx->nsfd);
	int r;

	if (idx < 0)
		return idx;
	r = nl_addr_add(ctx->host, idx, &a->host4);
	if (!r)
		r = a->host6.family ? nl_addr_add(ctx->host, idx, &a->host6) :
				      nl_link_no_ipv6_ll(ctx->host, idx);
	return r ? r : nl_link_up(ctx->host, idx);
}

static int inner_side(struct ns_ctx *ctx, const struct pool_addrs *a)
{
	struct cidr gw4 = a->host4, gw6 = a->host6;
	int idx, r;

	/* The host end never sends router advertisements, but nothing else
	 * may either: routes inside come from us alone. */
	r = netns_sysctl_write(ctx->nsfd, "net/ipv6/conf/" INNER_IF
			       "/accept_ra", "0", NULL, 0);
	idx = r ? r : nl_link_index(ctx->inner, INNER_IF);
	if (idx < 0)
		return idx;
	gw4.prefix = 32;
	gw6.prefix = 128;
	r = nl_addr_add(ctx->inner, idx, &a->ns4) ?:
	    nl_link_up(ctx->inner, idx) ?:
	    nl_route_add(ctx->inner, &default4, &gw4, idx, RTN_UNICAST);
	if (r)
		return r;
	if (!a->ns6.family)
		return nl_route_add(ctx->inner, &default6, NULL, 0,
				    RTN_UNREACHABLE);
	return nl_addr_add(ctx->inner, idx, &a->ns6) ?:
	       nl_route_add(ctx->inner, &default6, &gw6, idx, RTN_UNICAST);
}

/* "tcp:10105 udp:53": the forwards a shared namespace installed. */
static int forwards_record(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	char buf[REC_STR_MAX] = "";
	size_t len = 0;

	for (size_t i = 0; i < n->n_forward && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%u",
					i ? " " : "",
					n->forward[i].proto == IPPROTO_TCP ?
						"tcp" : "udp",
					n->forward[i].port);
	if (len >= sizeof(buf))
		return -E2BIG;
	return REC_SET(ctx->rec->forwards, "%s", buf) ?: ns_save(ctx);
}

static int forwards_up(struct ns_ctx *ctx, const struct pool_addrs *a)
{
	const struct network *n = ctx->net;
	int r;

	if (strcmp(ctx->rec->scope, "shared") || !n->n_forward)
		return 0;
	/* Record first: a DNAT entry must never outlive its namespace. */
	r = forwards_record(ctx) ?: state_res_lock();
	if (r)
		return r;
	for (size_t i = 0; !r && i < n->n_forward; i++)
		r = nft_forward_add(&n->forward[i], &a->ns4,
				    a->ns6.family ? &a->ns6 : NULL);
	state_res_unlock();
	return r;
}

static int nat_up(struct ns_ctx *ctx)
{
	struct pool_addrs a;
	char ifname[IFNAMSIZ];
	int r;

	r = ns_nat_prepare(ctx->host, ctx->net, ctx->err, ctx->errlen);
	if (!r)
		r = lease(ctx, &a, ifname, sizeof(ifname));
	if (!r)
		r = host_side(ctx, ifname, &a);
	if (!r)
		r = inner_side(ctx, &a);
	return r ? r : forwards_up(ctx, &a);
}

static void forwards_down(struct ns_ctx *ctx)
{
	char list[REC_STR_MAX], *save = NULL;
	struct port_forward f = { 0 };
	unsigned port;
	char proto[4];

	snprintf(list, sizeof(list), "%s", ctx->rec->forwards);
	if (!*list || state_res_lock())
		return;
	for (char *t = strtok_r(list, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		if (sscanf(t, "%3[a-z]:%u", proto, &port) != 2 || port > 65535)
			continue;
		f.proto = strcmp(proto, "tcp") ? IPPROTO_UDP : IPPROTO_TCP;
		f.port = (uint16_t)port;
		(void)nft_forward_del(&f);
	}
	state_res_unlock();
}

static void nat_down(struct ns_ctx *ctx)
{
	const char *ifname = ctx->rec->ifname;
	const char *network = ctx->rec->network;
	long long slot = ctx->rec->slot;
	int idx;

	forwards_down(ctx);
	idx = *ifname ? nl_link_index(ctx->host, ifname) : -ENODEV;
	if (idx > 0 && nl_link_del(ctx->host, idx))
		warn("link '%s': cannot delete, ignoring", ifname);
	if (slot >= 0 && *network)
		(void)pool_free(network, (uint32_t)slot);
}

const struct net_ops net_nat_ops = {
	.up = nat_up,
	.down = nat_down,
	.uses_nat = true,
};
