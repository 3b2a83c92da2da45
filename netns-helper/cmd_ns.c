// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_ns.c - up and down: pre-build a shared namespace (e.g. at boot from
 * netns-helper@NETWORK.service) and tear one down.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "hostns.h"
#include "log.h"
#include "netns_file.h"
#include "lifecycle.h"
#include "locks.h"
#include "records.h"

/* The state, the lock of namespace @name, and netlink on the host. */
static int with_state(struct locks *l, struct nl *host, const char *name)
{
	int r = hostns_begin(l, false, host, "not in the host's network "
			     "namespace: networks are built from the host "
			     "only");

	if (r)
		return r;
	r = locks_ns(l, name);
	if (r) {
		err("namespace '%s': cannot take its lock: %s", name,
		    strerror(-r));
		nl_close(host);
		locks_end(l);
	}
	return r;
}

/* Bring namespace @name of @net up, or repair it when it is up already
 * (a vpn whose tunnel went away gets it back; the sessions inside keep
 * running). A record without a complete namespace is torn down first. */
static int up_or_repair(const struct ns_env *env, const char *name,
			const struct network *net)
{
	char e[CONF_ERR_MAX];
	int r;

	if (!ns_ready(name)) {
		if (ns_rec_exists(name))
			(void)ns_destroy(env, name);
		r = ns_create(env, name, net, SCOPE_SHARED, NULL, 0, e,
			      sizeof(e));
		if (r)
			err("up %s: %s", name, e);
		return r;
	}
	r = ns_repair(env, name, net, e, sizeof(e));
	if (r < 0)
		err("up %s: %s", name, e);
	else if (r > 0)
		info("namespace '%s': made again what had gone", name);
	else
		info("namespace '%s' is up already", name);
	return r < 0 ? r : 0;
}

int cmd_up(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ 0 }
	};
	struct locks l = LOCKS_INIT;
	const char *name = NULL;
	const struct network *net;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	char nb[NAME_ERR_MAX];
	enum name_err ne;
	struct conf *c;
	int o, r;

	while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (o != 'n')
			return EXIT_USAGE;
		name = optarg;
	}
	if (optind != argc - 1) {
		err("usage: up NETWORK [--name NAME]");
		return EXIT_USAGE;
	}
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	net = conf_network(c, argv[optind]);
	if (!net) {
		err("up: network '%s' is not defined in %s%s", argv[optind],
		    c->path, c->n_files > 1 ? " or its drop-ins" : "");
		return EXIT_USAGE;
	}
	name = name ?: net->name;
	ne = name_check_netns(name);
	if (ne) {
		err("up: namespace name '%s' %s", name,
		    name_err_str(ne, NETNS_NAME_MAX, nb));
		return EXIT_USAGE;
	}
	if (with_state(&l, &host, name))
		return EXIT_FAIL;
	r = up_or_repair(&env, name, net);
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	return r ? EXIT_FAIL : EXIT_OK;
}

int cmd_down(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ 0 }
	};
	struct locks l = LOCKS_INIT;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	bool force = false;
	const char *name;
	int o, n, r;

	while ((o = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (o != 'f')
			return EXIT_USAGE;
		force = true;
	}
	if (optind != argc - 1 || name_check_netns(argv[optind])) {
		err("usage: down [--force] NAME");
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (with_state(&l, &host, name))
		return EXIT_FAIL;
	r = 0;
	n = member_count(name);
	if (!ns_rec_exists(name)) {
		if (netns_exists(name)) {
			err("down: namespace '%s' was not made by pam_netns; "
			    "leaving it alone", name);
			r = -EPERM;
		} else {
			info("namespace '%s' is down already", name);
		}
	} else if (n > 0 && !force) {
		err("down: namespace '%s' has %d open session%s; log them "
		    "out or use --force", name, n, n == 1 ? "" : "s");
		r = -EBUSY;
	} else {
		r = ns_destroy(&env, name);
	}
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	return r ? EXIT_FAIL : EXIT_OK;
}
