// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_isolated.c - the "isolated" kind: loopback only. lifecycle.c
 * already brings lo up in every namespace, so there is nothing more to
 * build or undo, and its networks have no key but "type" and "prebuilt"
 * (prebuilt.h) and no way to the host's resolvers. The smallest
 * descriptor (net_kind.h).
 */
#include <stdio.h>

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

static const char *const isolated_keys[] = { "type", "prebuilt", NULL };

static void isolated_print(const struct network *n)
{
	if (n->prebuilt)
		printf(" prebuilt %d", n->prebuilt);
}

static int parse_isolated(struct parser *p, const config_setting_t *s,
			  struct network *n)
{
	return conf_opt_prebuilt(p, s, n);
}

const struct net_kind net_isolated = {
	.type = NET_ISOLATED, .name = "isolated",
	.keys = isolated_keys, .parse = parse_isolated,
	.print = isolated_print,
	.up = isolated_up, .down = isolated_down,
};
