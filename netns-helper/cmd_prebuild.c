// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_prebuild.c - `netns-helper prebuild`: build the spares the policy
 * asks for ("prebuilt = N", prebuilt.h) and are missing. The resident
 * service runs it after logins and every minute; an administrator may run
 * it too. Prints how many it made.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "hostns.h"
#include "lifecycle.h"
#include "locks.h"
#include "log.h"
#include "nft.h"
#include "prebuilt.h"

int cmd_prebuild(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	struct conf *c;
	char e[CONF_ERR_MAX] = "";
	int made = 0, r;

	if (argc > 1) {
		err("usage: prebuild");
		return EXIT_USAGE;
	}
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	if (hostns_begin(&l, false, &host, "prebuild: not in the host's "
			 "network namespace"))
		return EXIT_FAIL;
	r = prebuilt_fill(&env, c, &made, e, sizeof(e));
	if (r)
		err("prebuild: %s", *e ? e : strerror(-r));
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	printf("prebuild: %d namespaces made\n", made);
	return r ? EXIT_FAIL : EXIT_OK;
}
