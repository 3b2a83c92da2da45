// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_macvlan.c - the "macvlan" kind: a macvlan child of the host's
 * `parent`, born inside the namespace as eth0 (IFLA_NET_NS_FD), so the
 * namespace is one more host on the parent's LAN, with a MAC address of
 * its own. Nothing is made on the host side.
 *
 * Order, each step recorded before it is made (see lifecycle.h):
 *   parent and mode -> macvlan eth0 inside -> accept_ra=0 -> static
 *   addresses and routes, or the DHCP client (dhcp.c).
 * Teardown stops the DHCP client; the macvlan goes with its namespace.
 * As with every macvlan, the namespace cannot talk to the parent's own
 * addresses on the host: the LAN is its way out, the host is not.
 *
 * Policy keys: parent, mode (private by default), address (or "dhcp"),
 * gateway, dns; a static address allows scope "shared" alone.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "conf_parse.h"
#include "dhcp.h"
#include "lifecycle.h"
#include "util.h"

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

/* "mode": the policy's words, as list and status show them too */
static const char *const modes[] = {
	[MVL_BRIDGE] = "bridge", [MVL_PRIVATE] = "private", [MVL_VEPA] = "vepa",
};

static const char *mode_str(enum mvl_mode m)
{
	return (size_t)m < ARRAY_SIZE(modes) ? modes[m] : "bridge";
}

/* "macvlan of lan0 (bridge) 203.0.113.150/25" for list and status */
static int describe(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	char addrs[REC_STR_MAX / 2] = "", buf[CIDR_STRLEN];
	size_t len = 0;

	for (size_t i = 0; i < n->address.n && len < sizeof(addrs); i++)
		len += (size_t)snprintf(addrs + len, sizeof(addrs) - len,
					"%s%s", i ? " " : "",
					cidr_format(&n->address.v[i], true,
						    buf, sizeof(buf)));
	return REC_SET(ctx->rec->parent, "%s", n->parent) ?:
	       REC_SET(ctx->rec->mode, "%s", mode_str(n->mode)) ?:
	       REC_SET(ctx->rec->attach, "macvlan of %s (%s) %s", n->parent,
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

/* ---- policy --------------------------------------------------------- */

static const char *const macvlan_keys[] = {
	"type", "parent", "mode", "address", "gateway", "dns", NULL
};

static int parse_mode(struct parser *p, const config_setting_t *s,
		      struct network *n)
{
	int i, r;

	/* private by default: the namespaces of different users on one
	 * parent would otherwise talk directly, past the LAN's switch */
	n->mode = MVL_PRIVATE;
	if (!s)
		return 0;
	r = conf_get_word(p, s, "mode", modes, ARRAY_SIZE(modes), &i);
	if (!r)
		n->mode = (enum mvl_mode)i;
	return r;
}

static int parse_macvlan(struct parser *p, const config_setting_t *s,
			 struct network *n)
{
	const config_setting_t *a;
	int r = conf_need_ifname(p, s, n, "parent", n->parent) ?:
		parse_mode(p, conf_member(s, "mode"), n) ?:
		conf_need(p, s, n, "address", &a);

	if (r)
		return r;
	if (config_setting_type(a) == CONFIG_TYPE_STRING &&
	    !strcmp(config_setting_get_string(a), "dhcp"))
		n->dhcp = true;
	else
		r = conf_opt_addrs(p, s, "address", ADDR_IFADDR, &n->address);
	if (!r && !n->dhcp && !n->address.n)
		r = conf_fail(p, s, "type 'macvlan' needs 'address'");
	return r ?: conf_opt_gateway(p, s, n) ?:
	       conf_opt_addrs(p, s, "dns", ADDR_HOST, &n->dns);
}

/* A static LAN address fits one namespace: two would clash on the wire. */
static int macvlan_check_rule(struct parser *p, const config_setting_t *at,
			      const struct rule *r)
{
	if (r->net->dhcp || r->scope == SCOPE_SHARED)
		return 0;
	return conf_fail(p, at, "network '%s' is a macvlan with a static "
			 "address: only scope 'shared' is possible (or "
			 "address = \"dhcp\")", r->network);
}

/* ---- check ---------------------------------------------------------- */

static void macvlan_print(const struct network *n)
{
	printf(" parent %s%s", n->parent, n->dhcp ? " dhcp" : "");
	net_kind_print_list("address", &n->address);
}

const struct net_kind net_macvlan = {
	.type = NET_MACVLAN, .name = "macvlan",
	.keys = macvlan_keys, .parse = parse_macvlan,
	.check_rule = macvlan_check_rule,
	.print = macvlan_print,
	.up = mvl_up, .down = mvl_down, .host_dns = true,
};
