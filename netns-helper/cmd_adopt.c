// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_adopt.c - `netns-helper adopt`: take back into its namespace every
 * adopted VPN device (a vpn network with "interface") that is on the host
 * again. A VPN client that reopens its tun (OpenVPN on SIGHUP, on a
 * restart without persist-tun, on a changed pushed address) makes a new
 * device on the host; its namespace meanwhile has no route out but the
 * unreachable fallbacks (net_vpn.c), so the kill switch holds until the
 * device is back inside, configured as at the login.
 *
 * The resident service runs it as soon as a link appears on the host
 * (serve_link.c) and every minute; without the service the next `up` of
 * the network, or an administrator, does. Prints what it took back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hostns.h"
#include "lifecycle.h"
#include "locks.h"
#include "log.h"
#include "nft.h"
#include "records.h"

#define ADOPT_MAX	64	/* namespaces taken back in one run; the
				 * next run takes the rest */

struct wanted {
	struct nl *host;
	char names[ADOPT_MAX][NETNS_NAME_MAX + 1];
	size_t n;
};

/* A complete namespace whose adopted device is on the host. */
static int want(const struct ns_rec *rec, void *data)
{
	struct wanted *w = data;

	if (!rec->ready || strcmp(rec->backend, "adopted") || !*rec->ifname ||
	    nl_link_index(w->host, rec->ifname) <= 0)
		return 0;
	if (w->n == ADOPT_MAX)
		return 1;
	snprintf(w->names[w->n++], sizeof(w->names[0]), "%s", rec->name);
	return 0;
}

/* Namespace @name, under its lock: its device back inside. 1 when taken
 * back, 0 when there was nothing to do, or -errno (logged). */
static int adopt_one(const struct ns_env *env, struct conf *c,
		     const char *name)
{
	char e[CONF_ERR_MAX];
	const struct network *net;
	struct ns_rec rec;
	int r = locks_ns(env->locks, name);

	if (r) {
		err("adopt: namespace '%s': cannot take its lock: %s", name,
		    strerror(-r));
		return r;
	}
	r = ns_rec_read(name, &rec);
	net = r ? NULL : conf_network(c, rec.network);
	if (!r && !net) {
		err("adopt: namespace '%s': network '%s' is no longer in the "
		    "policy; its device stays on the host", name, rec.network);
		r = -ENOENT;
	} else if (!r) {
		r = ns_repair(env, name, net, e, sizeof(e));
		if (r < 0)
			err("adopt: %s", e);
	}
	locks_ns_release(env->locks);
	return r;
}

int cmd_adopt(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	struct wanted *w = NULL;
	struct conf *c = NULL;
	int done = 0, failed = 0;

	(void)argv;
	if (argc > 1) {
		err("usage: adopt");
		return EXIT_USAGE;
	}
	if (hostns_begin(&l, false, &host, "adopt: not in the host's "
			 "network namespace"))
		return EXIT_FAIL;
	w = calloc(1, sizeof(*w));
	if (w) {
		w->host = &host;
		(void)ns_rec_each(want, w);
	}
	/* the policy is read only when a device waits for its namespace */
	if (w && w->n)
		c = ctx_conf(ctx);
	for (size_t i = 0; c && i < w->n; i++) {
		int r = adopt_one(&env, c, w->names[i]);

		done += r > 0;
		failed += r < 0;
		if (r > 0)
			printf("adopt: %s: its device is back inside\n",
			       w->names[i]);
	}
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	if (!w || (w->n && !c)) {
		free(w);
		return !w ? EXIT_FAIL : EXIT_CONFIG;
	}
	free(w);
	printf("adopt: %d devices taken back\n", done);
	return failed ? EXIT_FAIL : EXIT_OK;
}
