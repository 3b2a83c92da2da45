// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_nat.c - the "nat" kind: a veth pair whose inside end (eth0) is born in
 * the namespace, a /31 and a /64 from the network's pools, default routes
 * through the host end. nftables knows the session by its link's name
 * ("pnh...") and its addresses by the network's pool (nft.h): nothing
 * there is per session.
 *
 * Order, each step recorded before it is made (see lifecycle.h):
 *   forwarding and the network's nftables part (once per network) ->
 *   lease a slot -> veth (host end pnhID, inside eth0) -> accept_ra=0
 *   inside -> addresses and routes -> DNAT forwards.
 * Without pool6 the namespace gets an unreachable IPv6 default route, so
 * IPv6 fails at once instead of leaking anywhere.
 *
 * Policy keys: uplink, pool, pool6 (the ranges no other network may
 * overlap), dns, allow, deny, forward (DNAT: one namespace per port),
 * conn_limit.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"
#include "locks.h"
#include "log.h"
#include "netns_file.h"
#include "nft.h"
#include "lifecycle.h"
#include "pool.h"
#include "util.h"

#define INNER_IF "eth0"

static const struct cidr default4 = { .family = AF_INET };
static const struct cidr default6 = { .family = AF_INET6 };

static int lease(struct ns_ctx *ctx, struct pool_addrs *a, char *ifname,
		 size_t len)
{
	char buf4[CIDR_STRLEN], buf6[CIDR_STRLEN];
	uint32_t slot;
	int r;

	r = pool_alloc(ctx->locks, ctx->host, ctx->net, &slot, ctx->err,
		       ctx->errlen);
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
		(void)pool_free(ctx->locks, ctx->net->name, slot);
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
	r = forwards_record(ctx) ?: state_res_lock(ctx->locks);
	if (r)
		return r;
	for (size_t i = 0; !r && i < n->n_forward; i++)
		r = nft_forward_add(ctx->nft, &n->forward[i], &a->ns4,
				    a->ns6.family ? &a->ns6 : NULL);
	state_res_unlock(ctx->locks);
	return r;
}

static int nat_up(struct ns_ctx *ctx)
{
	struct pool_addrs a;
	char ifname[IFNAMSIZ];
	int r;

	r = ns_nat_prepare(ctx);
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
	if (!*list || state_res_lock(ctx->locks))
		return;
	for (char *t = strtok_r(list, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		if (sscanf(t, "%3[a-z]:%u", proto, &port) != 2 || port > 65535)
			continue;
		f.proto = strcmp(proto, "tcp") ? IPPROTO_UDP : IPPROTO_TCP;
		f.port = (uint16_t)port;
		(void)nft_forward_del(ctx->nft, &f);
	}
	state_res_unlock(ctx->locks);
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
		(void)pool_free(ctx->locks, network, (uint32_t)slot);
}

/* ---- policy --------------------------------------------------------- */

static const char *proto_str(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* A (proto, port) may be forwarded to one namespace only. */
static int check_forward_dup(struct parser *p, const config_setting_t *s,
			     const struct network *n,
			     const struct port_forward *f)
{
	const struct conf *c = p->c;
	char buf[CONF_PLACE_MAX];

	for (size_t i = 0; i <= c->n_nets; i++) {
		const struct network *o = i < c->n_nets ? &c->nets[i] : n;

		for (size_t k = 0; k < o->n_forward; k++) {
			const struct port_forward *x = &o->forward[k];

			if (x->proto != f->proto || x->port != f->port)
				continue;
			return conf_fail(p, s, "%s port %u is already "
					 "forwarded by network '%s' (%s)",
					 proto_str(f->proto), f->port, o->name,
					 conf_place(p, o->file, x->line, buf));
		}
	}
	return 0;
}

static int parse_proto(struct parser *p, const config_setting_t *s,
		       uint8_t *ret)
{
	const char *v;
	int r = conf_get_string(p, s, &v);

	if (r)
		return r;
	if (!strcmp(v, "tcp") || !strcmp(v, "udp")) {
		*ret = v[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	}
	return conf_fail(p, s, "unknown proto '%s' (expected tcp or udp)", v);
}

static int parse_forward(struct parser *p, const config_setting_t *s,
			 struct network *n)
{
	static const char *const keys[] = { "proto", "port", "to", NULL };
	struct port_forward *f = &n->forward[n->n_forward];
	const config_setting_t *proto, *port, *to;
	int v, r;

	if (!config_setting_is_group(s))
		return conf_fail(p, s, "must be a group");
	r = conf_check_keys(p, s, keys, NULL);
	proto = conf_member(s, "proto");
	port = conf_member(s, "port");
	to = conf_member(s, "to");
	if (!r && !proto)
		r = conf_fail(p, s, "missing 'proto'");
	if (!r && !port)
		r = conf_fail(p, s, "missing 'port'");
	r = r ?: parse_proto(p, proto, &f->proto);
	r = r ?: conf_get_int(p, port, 1, 65535, &v);
	if (r)
		return r;
	f->port = (uint16_t)v;
	f->to = f->port;
	if (to && conf_get_int(p, to, 1, 65535, &v))
		return -EINVAL;
	if (to)
		f->to = (uint16_t)v;
	f->line = conf_line_of(s);
	r = check_forward_dup(p, s, n, f);
	if (!r)
		n->n_forward++;
	return r;
}

static int opt_forwards(struct parser *p, const config_setting_t *net,
			struct network *n)
{
	const config_setting_t *s = conf_member(net, "forward");
	int len, r = 0;

	if (!s)
		return 0;
	/* A single group stands for a list of one, as a string does. */
	if (!config_setting_is_list(s) && !config_setting_is_group(s) &&
	    !config_setting_is_array(s))
		return conf_fail(p, s, "'forward' must be a list of groups");
	len = config_setting_is_group(s) ? 1 : config_setting_length(s);
	if (len > CONF_MAX_LIST)
		return conf_fail(p, s, "'forward' has more than %d entries",
				 CONF_MAX_LIST);
	snprintf(p->what, sizeof(p->what), "network '%s': forward: ", n->name);
	for (int i = 0; !r && i < len; i++) {
		const config_setting_t *f = config_setting_is_group(s) ? s :
					    conf_elem(s, i);

		r = parse_forward(p, f, n);
	}
	snprintf(p->what, sizeof(p->what), "network '%s': ", n->name);
	return r;
}

static int opt_pool6(struct parser *p, const config_setting_t *s,
		     struct network *n)
{
	const config_setting_t *v6 = conf_member(s, "pool6");

	return v6 ? conf_parse_range(p, v6, AF_INET6, 16, 64, &n->pool6) : 0;
}

static int parse_nat(struct parser *p, const config_setting_t *s,
		     struct network *n)
{
	const config_setting_t *pool;

	return conf_opt_ifname(p, s, "uplink", n->uplink) ?:
	       conf_need(p, s, n, "pool", &pool) ?:
	       conf_parse_range(p, pool, AF_INET, 8, 30, &n->pool) ?:
	       opt_pool6(p, s, n) ?:
	       conf_opt_addrs(p, s, "dns", ADDR_HOST, &n->dns) ?:
	       conf_opt_allow(p, s, n) ?:
	       conf_opt_addrs(p, s, "deny", ADDR_NET, &n->deny) ?:
	       opt_forwards(p, s, n) ?:
	       conf_opt_conn_limit(p, s, n) ?:
	       conf_opt_prebuilt(p, s, n);
}

static const char *const nat_keys[] = {
	"type", "uplink", "pool", "pool6", "dns", "allow", "deny", "forward",
	"conn_limit", "prebuilt", NULL
};

static const struct net_range nat_ranges[] = {
	{ "pool", offsetof(struct network, pool),
	  offsetof(struct network, pool_line) },
	{ "pool6", offsetof(struct network, pool6),
	  offsetof(struct network, pool6_line) },
};

/* ---- check ---------------------------------------------------------- */

static void nat_print(const struct network *n)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN];

	printf(" pool %s", cidr_format(&n->pool, true, a, sizeof(a)));
	if (n->pool6.family)
		printf(" pool6 %s", cidr_format(&n->pool6, true, b, sizeof(b)));
	if (*n->uplink)
		printf(" uplink %s", n->uplink);
	net_kind_print_list("allow", &n->allow);
	net_kind_print_list("deny", &n->deny);
	if (n->prebuilt)
		printf(" prebuilt %d", n->prebuilt);
	if (n->n_forward)
		printf(" forwards %zu", n->n_forward);
}

const struct net_kind net_nat = {
	.type = NET_NAT, .name = "nat",
	.keys = nat_keys, .parse = parse_nat,
	.ranges = nat_ranges, .n_ranges = ARRAY_SIZE(nat_ranges),
	.print = nat_print,
	.up = nat_up, .down = nat_down,
	.uses_nat = true, .host_dns = true,
};
