// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_physical.c - the "physical" kind: a whole host device moved into the
 * namespace, keeping its name, with the policy's static addresses.
 *
 * Policy keys: device, address, gateway, dns. A device can live in one
 * namespace only, so a rule may name this kind in scope "shared" alone
 * (physical_check_rule()). The record names the device (and its ifindex)
 * before the move. Teardown moves it back to the host under its original
 * name *before* the namespace is deleted: the kernel returns a real NIC to
 * the init namespace by itself when a namespace dies, but a virtual
 * stand-in (veth, dummy) would be destroyed instead, and a namespace that
 * lost its /run/netns file can still be alive through a process inside,
 * holding the device. attach_ns_open() finds such a namespace again.
 * Addresses given to the device on the host are not restored: a moved
 * device leaves the host's configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "conf_parse.h"
#include "log.h"
#include "lifecycle.h"
#include "util.h"

static int device_missing(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	char owner[NETNS_NAME_MAX + 1];

	if (attach_device_owner(n->device, owner, sizeof(owner)))
		snprintf(ctx->err, ctx->errlen, "network '%s': device '%s' is "
			 "already in namespace '%s'", n->name, n->device,
			 owner);
	else
		snprintf(ctx->err, ctx->errlen, "network '%s': device '%s' "
			 "does not exist on the host (or is in another "
			 "namespace)", n->name, n->device);
	return -ENODEV;
}

static int phys_up(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	int idx = nl_link_index(ctx->host, n->device);
	int r;

	if (idx == -ENODEV)
		return device_missing(ctx);
	if (idx < 0)
		return idx;
	ctx->rec->dev_index = idx;
	r = REC_SET(ctx->rec->device, "%s", n->device) ?:
	    REC_SET(ctx->rec->attach, "physical %s (host name %s)",
		    n->device, n->device) ?:
	    ns_save(ctx);
	if (r)
		return r;
	r = nl_link_move(ctx->host, idx, ctx->nsfd, NULL);
	if (r) {
		snprintf(ctx->err, ctx->errlen, "network '%s': cannot move "
			 "device '%s' into the namespace: %s%s%s", n->name,
			 n->device, strerror(-r), *nl_errmsg(ctx->host) ? ": " : "",
			 nl_errmsg(ctx->host));
		return r;
	}
	idx = attach_prepare(ctx, n->device);
	return idx < 0 ? idx : attach_static(ctx, idx);
}

struct by_index {
	int want;
	char name[IFNAMSIZ];
};

static int match_index(const struct nl_link *l, void *data)
{
	struct by_index *b = data;

	if (l->ifindex != b->want)
		return 0;
	snprintf(b->name, sizeof(b->name), "%s", l->name);
	return 1;
}

/* The device inside: by its name, or by its index if it was renamed. */
static int inner_index(struct nl *inner, const char *device, int recorded)
{
	struct by_index b = { .want = recorded };
	int idx = nl_link_index(inner, device);

	if (idx != -ENODEV || recorded <= 0)
		return idx;
	return nl_link_list(inner, match_index, &b) > 0 ? recorded : -ENODEV;
}

/* Move @idx from @inner to the host as @device, or as it is named
 * inside when the host took that name meanwhile: never lose it. */
static int move_home(struct nl *inner, int idx, const char *device)
{
	_cleanup_close_ int host = open("/proc/self/ns/net",
					O_RDONLY | O_CLOEXEC);
	int r;

	if (host < 0)
		return -errno;
	r = nl_link_move(inner, idx, host, device);
	if (r == -EEXIST) {
		warn("device '%s': the host has a link of that name now, "
		     "returning it under its name inside", device);
		r = nl_link_move(inner, idx, host, NULL);
	}
	return r;
}

static void phys_down(struct ns_ctx *ctx)
{
	const char *device = ctx->rec->device;
	struct nl inner = { 0 };
	_cleanup_close_ int fd = -1;
	int idx, r;

	if (!*device)
		return;
	/* never moved (a failed open), or back already */
	if (nl_link_index(ctx->host, device) == ctx->rec->dev_index)
		return;
	fd = attach_ns_open(ctx);
	if (fd < 0 || nl_open_in(&inner, fd)) {
		/* gone with its namespace: a NIC is back on the host */
		if (nl_link_index(ctx->host, device) < 0)
			warn("device '%s': not on the host and its namespace "
			     "'%s' is gone", device, ctx->name);
		return;
	}
	idx = inner_index(&inner, device,
			  ctx->rec->dev_index < 0 ? 0 : ctx->rec->dev_index);
	r = idx < 0 ? idx : move_home(&inner, idx, device);
	if (r && nl_link_index(ctx->host, device) < 0)
		warn("device '%s': cannot move it back to the host: %s",
		     device, strerror(-r));
	nl_close(&inner);
}

/* ---- policy --------------------------------------------------------- */

static const char *const physical_keys[] = {
	"type", "device", "address", "gateway", "dns", NULL
};

static int parse_physical(struct parser *p, const config_setting_t *s,
			  struct network *n)
{
	return conf_need_ifname(p, s, n, "device", n->device) ?:
	       conf_opt_addrs(p, s, "address", ADDR_IFADDR, &n->address) ?:
	       conf_opt_gateway(p, s, n) ?:
	       conf_opt_addrs(p, s, "dns", ADDR_HOST, &n->dns);
}

/* A device can be moved into one namespace only. */
static int physical_check_rule(struct parser *p, const config_setting_t *at,
			       const struct rule *r)
{
	if (r->scope == SCOPE_SHARED)
		return 0;
	return conf_fail(p, at, "network '%s' is physical: only scope "
			 "'shared' is possible", r->network);
}

/* ---- check ---------------------------------------------------------- */

static void physical_print(const struct network *n)
{
	printf(" device %s", n->device);
	net_kind_print_list("address", &n->address);
}

const struct net_kind net_physical = {
	.type = NET_PHYSICAL, .name = "physical",
	.keys = physical_keys, .parse = parse_physical,
	.check_rule = physical_check_rule, .print = physical_print,
	.up = phys_up, .down = phys_down,
	.host_dns = true,
};
