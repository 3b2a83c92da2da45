// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_isolated.c - the "isolated" kind: loopback only. ns.c already brings
 * lo up in every namespace, so there is nothing more to build or undo.
 */
#include "ns.h"

static int isolated_up(struct ns_ctx *ctx)
{
	return 0;
}

static void isolated_down(struct ns_ctx *ctx)
{
}

const struct net_ops net_isolated_ops = {
	.up = isolated_up,
	.down = isolated_down,
	.uses_nat = false,
};
