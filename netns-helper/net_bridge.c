// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_bridge.c - the "bridge" kind (policy keys: bridge, subnet, nat, dns,
 * allow, deny, conn_limit): every namespace of the network gets a
 * veth whose inside end (eth0) is born in the namespace and whose host end
 * (pnbID) is a port of one host bridge, so the members share an L2
 * segment. The bridge holds the subnet's first host address and is the
 * members' gateway; with `nat = true` their addresses are masqueraded
 * like a nat session's, without it the host routes the subnet as it is.
 *
 * The bridge is made by the first namespace of the network and removed by
 * the last one: a namespace records the bridge's name before it makes it,
 * and its teardown removes the bridge when no other record of the network
 * is left. A bridge of that name that no record of the network explains is
 * not ours and is refused, never adopted or removed.
 *
 * nftables (nft.h): the network's part names the bridge, not each port,
 * in @ifs, because routed traffic from the members enters the host through
 * the bridge: host protection and the network's allow/deny filter (@nets4,
 * by the subnet) apply to the segment as a whole, while members talk to
 * each other at L2 (@l2 lets that through when br_netfilter hands bridged
 * traffic to the forward hook). With nat, the subnet is in @masq4. All of
 * it is written once per network, never per member. The addresses are
 * leases of pool.c: slot N is host N + 2 of the subnet.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "conf_parse.h"
#include "locks.h"
#include "log.h"
#include "nft.h"
#include "lifecycle.h"
#include "pool.h"
#include "state.h"
#include "util.h"

static const struct cidr default4 = { .family = AF_INET };
static const struct cidr default6 = { .family = AF_INET6 };

/* Hosts of the subnet other than the bridge's address. */
static uint32_t member_slots(const struct cidr *subnet)
{
	uint64_t n = (1ull << (32 - subnet->prefix)) - 3;

	return n > POOL_MAX_SLOTS ? POOL_MAX_SLOTS : (uint32_t)n;
}

static int gateway_of(const struct network *n, struct cidr *ret)
{
	return cidr_nth(&n->subnet, 1, n->subnet.prefix, ret);
}

static int make_bridge(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	struct cidr gw;
	int r, idx;

	r = pool_check_routes(ctx->host, n, ctx->err, ctx->errlen) ?:
	    gateway_of(n, &gw) ?:
	    REC_SET(ctx->rec->bridge, "%s", n->bridge) ?: ns_save(ctx);
	if (r)
		return r;
	idx = nl_bridge_add(ctx->host, n->bridge);
	if (idx < 0)
		return idx;
	return nl_addr_add(ctx->host, idx, &gw) ?: nl_link_up(ctx->host, idx);
}

/* The bridge of the network: made here when this is the first member. */
static int bridge_index(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	int idx = nl_link_index(ctx->host, n->bridge), r;

	if (idx == -ENODEV) {
		r = make_bridge(ctx);
		return r ? r : nl_link_index(ctx->host, n->bridge);
	}
	if (idx > 0 && !attach_network_busy(n->name, ctx->name)) {
		snprintf(ctx->err, ctx->errlen, "network '%s': bridge '%s' "
			 "already exists on the host and was not made by "
			 "pam_netns", n->name, n->bridge);
		return -EEXIST;
	}
	if (idx > 0) {
		r = REC_SET(ctx->rec->bridge, "%s", n->bridge) ?:
		    ns_save(ctx);
		return r ? r : idx;
	}
	return idx;
}

static int lease(struct ns_ctx *ctx, struct cidr *addr, char *ifname,
		 size_t len)
{
	const struct network *n = ctx->net;
	char buf[CIDR_STRLEN], gwbuf[CIDR_STRLEN];
	struct cidr gw;
	uint32_t slot;
	int r = pool_take(ctx->locks, n->name, member_slots(&n->subnet),
			  &slot);

	if (r == -ENOSPC)
		snprintf(ctx->err, ctx->errlen, "network '%s': subnet %s is "
			 "full (%u members)", n->name,
			 cidr_format(&n->subnet, true, buf, sizeof(buf)),
			 member_slots(&n->subnet));
	if (r)
		return r;
	r = cidr_nth(&n->subnet, slot + 2ull, n->subnet.prefix, addr) ?:
	    gateway_of(n, &gw) ?:
	    name_ifname('b', ctx->rec->id, ifname, len);
	if (!r) {
		ctx->rec->slot = slot;
		r = REC_SET(ctx->rec->ifname, "%s", ifname) ?:
		    REC_SET(ctx->rec->addr4, "%s",
			    cidr_format(addr, false, buf, sizeof(buf))) ?:
		    REC_SET(ctx->rec->attach, "bridge %s %s", n->bridge,
			    cidr_format(&gw, true, gwbuf, sizeof(gwbuf)));
	}
	if (r) {
		(void)pool_free(ctx->locks, n->name, slot);
		return r;
	}
	return ns_save(ctx);
}

static int port(struct ns_ctx *ctx, const char *ifname, int bridge)
{
	int idx = nl_veth_add(ctx->host, ifname, ATTACH_IF, ctx->nsfd);

	if (idx < 0)
		return idx;
	return nl_link_set_master(ctx->host, idx, bridge) ?:
	       nl_link_up(ctx->host, idx);
}

static int inside(struct ns_ctx *ctx, const struct cidr *addr)
{
	struct cidr gw;
	int idx = attach_prepare(ctx, ATTACH_IF), r;

	if (idx < 0)
		return idx;
	r = gateway_of(ctx->net, &gw);
	gw.prefix = 32;
	return r ?: nl_addr_add(ctx->inner, idx, addr) ?:
	       nl_link_up(ctx->inner, idx) ?:
	       nl_route_add(ctx->inner, &default4, &gw, idx, RTN_UNICAST) ?:
	       nl_route_add(ctx->inner, &default6, NULL, 0, RTN_UNREACHABLE);
}

/* The bridge is made, found or removed under the resource lock: the
 * last member of the network may be leaving in another helper. */
static int join_bridge(struct ns_ctx *ctx, struct cidr *addr)
{
	char ifname[IFNAMSIZ];
	int br = state_res_lock(ctx->locks);

	if (br)
		return br;
	br = bridge_index(ctx);
	if (br > 0)
		br = lease(ctx, addr, ifname, sizeof(ifname)) ?:
		     port(ctx, ifname, br);
	state_res_unlock(ctx->locks);
	return br;
}

static int bridge_up(struct ns_ctx *ctx)
{
	struct cidr addr;

	return ns_nat_prepare(ctx) ?:
	       join_bridge(ctx, &addr) ?:
	       inside(ctx, &addr);
}

/* The last member out removes the bridge. */
static void bridge_release(struct ns_ctx *ctx, const char *network,
			   const char *bridge)
{
	int idx;

	if (attach_network_busy(network, ctx->name))
		return;
	idx = nl_link_index(ctx->host, bridge);
	if (idx > 0 && nl_link_del(ctx->host, idx))
		warn("bridge '%s': cannot delete, ignoring", bridge);
}

static void bridge_down(struct ns_ctx *ctx)
{
	const char *network = ctx->rec->network;
	const char *ifname = ctx->rec->ifname;
	const char *bridge = ctx->rec->bridge;
	long long slot = ctx->rec->slot;
	int idx;

	idx = *ifname ? nl_link_index(ctx->host, ifname) : -ENODEV;
	if (idx > 0 && nl_link_del(ctx->host, idx))
		warn("link '%s': cannot delete, ignoring", ifname);
	if (slot >= 0 && *network)
		(void)pool_free(ctx->locks, network, (uint32_t)slot);
	if (*bridge && *network && !state_res_lock(ctx->locks)) {
		bridge_release(ctx, network, bridge);
		state_res_unlock(ctx->locks);
	}
}

/* ---- policy --------------------------------------------------------- */

static const char *const bridge_keys[] = {
	"type", "bridge", "subnet", "nat", "dns", "allow", "deny", "conn_limit",
	NULL
};

static const struct net_range bridge_ranges[] = {
	{ "subnet", offsetof(struct network, subnet),
	  offsetof(struct network, subnet_line) },
};

static int parse_bridge(struct parser *p, const config_setting_t *s,
			struct network *n)
{
	const config_setting_t *sub, *nat = conf_member(s, "nat");

	return conf_need_ifname(p, s, n, "bridge", n->bridge) ?:
	       conf_need(p, s, n, "subnet", &sub) ?:
	       conf_parse_range(p, sub, AF_INET, 8, 30, &n->subnet) ?:
	       (nat ? conf_get_bool(p, nat, &n->nat) : 0) ?:
	       conf_opt_addrs(p, s, "dns", ADDR_HOST, &n->dns) ?:
	       conf_opt_allow(p, s, n) ?:
	       conf_opt_addrs(p, s, "deny", ADDR_NET, &n->deny) ?:
	       conf_opt_conn_limit(p, s, n);
}

/* ---- check and gc --------------------------------------------------- */

static void bridge_print(const struct network *n)
{
	char a[CIDR_STRLEN];

	printf(" bridge %s subnet %s%s", n->bridge,
	       cidr_format(&n->subnet, true, a, sizeof(a)),
	       n->nat ? " nat" : "");
}

/* The routes of the bridge are the namespaces', not the host's. */
static bool bridge_owns_link(const struct network *n, const char *ifname)
{
	return !strcmp(n->bridge, ifname);
}

/* The bridge of a network lives while it has members. */
static const char *bridge_gc_link(const struct ns_rec *rec)
{
	return rec->bridge;
}

const struct net_kind net_bridge = {
	.type = NET_BRIDGE, .name = "bridge",
	.keys = bridge_keys, .parse = parse_bridge,
	.ranges = bridge_ranges, .n_ranges = ARRAY_SIZE(bridge_ranges),
	.owns_link = bridge_owns_link, .print = bridge_print,
	.up = bridge_up, .down = bridge_down,
	.uses_nat = true, .host_dns = true,
	.gc_link = bridge_gc_link,
};
