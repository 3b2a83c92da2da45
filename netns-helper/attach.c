// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach.c - helpers of the LAN attachment kinds (see attach.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "netns_file.h"
#include "util.h"

static const struct cidr default4 = { .family = AF_INET };
static const struct cidr default6 = { .family = AF_INET6 };

int attach_prepare(struct ns_ctx *ctx, const char *ifname)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "net/ipv6/conf/%s/accept_ra", ifname);
	r = netns_sysctl_write(ctx->nsfd, path, "0", NULL, 0);
	return r ? r : nl_link_index(ctx->inner, ifname);
}

int attach_static(struct ns_ctx *ctx, int ifindex)
{
	const struct network *n = ctx->net;
	int r = 0;

	for (size_t i = 0; !r && i < n->address.n; i++)
		r = nl_addr_add(ctx->inner, ifindex, &n->address.v[i]);
	r = r ?: nl_link_up(ctx->inner, ifindex);
	if (!r && n->gateway.family)
		r = nl_route_add(ctx->inner, &default4, &n->gateway, ifindex,
				 RTN_UNICAST);
	if (r)
		return r;
	if (n->gateway6.family)
		return nl_route_add(ctx->inner, &default6, &n->gateway6,
				    ifindex, RTN_UNICAST);
	return nl_route_add(ctx->inner, &default6, NULL, 0, RTN_UNREACHABLE);
}

int attach_ns_open(struct ns_ctx *ctx)
{
	unsigned long long ino = ctx->rec->ino;
	int fd = netns_open(ctx->name);

	if (fd >= 0) {
		/* A namespace of the same name made later is not ours. */
		if (!ino || netns_inode(fd) == ino)
			return fd;
		(void)close(fd);
	}
	return -ENOENT;
}

bool attach_network_busy(const char *network, const char *self)
{
	return ns_network_used(network, self);
}

struct owner {
	const char *device;
	char *buf;
	size_t len;
};

static int holds_device(const struct ns_rec *rec, void *data)
{
	const struct owner *o = data;

	if (strcmp(rec->type, "physical") || strcmp(rec->device, o->device))
		return 0;
	snprintf(o->buf, o->len, "%s", rec->name);
	return 1;
}

bool attach_device_owner(const char *device, char *buf, size_t len)
{
	struct owner o = { device, buf, len };

	return ns_rec_each(holds_device, &o) > 0;
}
