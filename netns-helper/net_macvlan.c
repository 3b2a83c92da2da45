// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_macvlan.c - the "macvlan" kind: a macvlan child of the host's
 * `parent`, born inside the namespace as eth0 (IFLA_NET_NS_FD), so the
 * namespace is one more host on the parent's LAN, with a MAC address of
 * its own. Nothing is made on the host side.
 *
 * Order, each step recorded before it is made (see ns.h):
 *   parent and mode -> macvlan eth0 inside -> accept_ra=0 -> static
 *   addresses and routes, or the DHCP client (dhcp.c).
 * Teardown stops the DHCP client; the macvlan goes with its namespace.
 * As with every macvlan, the namespace cannot talk to the parent's own
 * addresses on the host: the LAN is its way out, the host is not.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "dhcp.h"
#include "ns.h"

static uint32_t kernel_mode(enum mvl_mode m)
{
	switch (m) {
	case MVL_PRIVATE:
		return MACVLAN_MODE_PRIVATE;
	case MVL_VEPA:
		return MACVLAN_MODE_VEPA;
	default:
		return MACVLAN_MODE_BRIDGE;
	}
}

static const char *mode_str(enum mvl_mode m)
{
	return m == MVL_PRIVATE ? "private" : m == MVL_VEPA ? "vepa" : "bridge";
}

/* "macvlan of lan0 (bridge) 203.0.113.150/25" for list and status */
static int describe(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	char addrs[REC_VAL_MAX / 2] = "", buf[CIDR_STRLEN];
	size_t len = 0;

	for (size_t i = 0; i < n->address.n && len < sizeof(addrs); i++)
		len += (size_t)snprintf(addrs + len, sizeof(addrs) - len,
					"%s%s", i ? " " : "",
					cidr_format(&n->address.v[i], true,
						    buf, sizeof(buf)));
	return rec_set(ctx->rec, "parent", "%s", n->parent) ?:
	       rec_set(ctx->rec, "mode", "%s", mode_str(n->mode)) ?:
	       rec_set(ctx->rec, "attach", "macvlan of %s (%s) %s", n->parent,
		       mode_str(n->mode), n->dhcp ? "dhcp" : addrs) ?:
	       ns_save(ctx);
}

static int mvl_up(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	int parent = nl_link_index(ctx->host, n->parent);
	int r, idx;

	if (parent == -ENODEV) {
		snprintf(ctx->err, ctx->errlen, "network '%s': parent '%s' "
			 "does not exist on the host", n->name, n->parent);
		return parent;
	}
	r = parent < 0 ? parent : describe(ctx);
	if (!r)
		r = nl_macvlan_add(ctx->host, ATTACH_IF, parent,
				   kernel_mode(n->mode), ctx->nsfd);
	if (r) {
		if (!*ctx->err)
			snprintf(ctx->err, ctx->errlen, "network '%s': cannot "
				 "make a macvlan of '%s': %s%s%s", n->name,
				 n->parent, strerror(-r),
				 *nl_errmsg(ctx->host) ? ": " : "",
				 nl_errmsg(ctx->host));
		return r;
	}
	idx = attach_prepare(ctx, ATTACH_IF);
	if (idx < 0)
		return idx;
	if (!n->dhcp)
		return attach_static(ctx, idx);
	r = nl_link_up(ctx->inner, idx) ?:
	    nl_route_add(ctx->inner, &(struct cidr){ .family = AF_INET6 },
			 NULL, 0, RTN_UNREACHABLE);
	return r ?: dhcp_start(ctx, ATTACH_IF);
}

static void mvl_down(struct ns_ctx *ctx)
{
	dhcp_stop(ctx);
}

const struct net_ops net_macvlan_ops = {
	.up = mvl_up,
	.down = mvl_down,
	.uses_nat = false,
};
