// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_isolated.c - the "isolated" kind: loopback only. lifecycle.c
 * already brings lo up in every namespace, so there is nothing more to
 * build or undo, and its networks have no key but "type" and no way to
 * the host's resolvers. The smallest descriptor (net_kind.h).
 */
#include "conf_parse.h"
#include "lifecycle.h"

static int isolated_up(struct ns_ctx *ctx)
{
	return 0;
}

static void isolated_down(struct ns_ctx *ctx)
{
}

/* ---- policy --------------------------------------------------------- */

static const char *const isolated_keys[] = { "type", NULL };

const struct net_kind net_isolated = {
	.type = NET_ISOLATED, .name = "isolated", .keys = isolated_keys,
	.up = isolated_up, .down = isolated_down,
};
