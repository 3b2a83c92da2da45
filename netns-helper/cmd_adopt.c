// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_adopt.c - adopted VPN devices (a vpn network with "interface"):
 *
 * `netns-helper adopt` takes back into its namespace every such device
 * that is on the host again. A VPN client that reopens its tun (OpenVPN
 * on SIGHUP, on a restart without persist-tun, on changed pushed options)
 * makes a new device on the host; its namespace meanwhile has no route
 * out but the unreachable fallbacks (net_vpn.c), so the kill switch holds
 * until the device is back inside, configured as at the login. The
 * resident service runs it as soon as a link appears on the host
 * (serve_link.c) and every minute; without the service the next `up` of
 * the network, or an administrator, does.
 *
 * `netns-helper tunnel --dev DEV --address A/P[,A/P] [--dns A[,A]]` is
 * what a VPN client says its server gave it for device DEV: the service
 * runs it for `netns-helper openvpn-up` (cmd_openvpn.c), OpenVPN's --up.
 * It is kept (tunnels/DEV, with the device's ifindex on the host), so
 * that the adoption of that very device checks it; a device already
 * inside is checked at once. An address that is not the policy's is
 * refused: the device stays down, the reason is logged and answered.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "hostns.h"
#include "lifecycle.h"
#include "locks.h"
#include "log.h"
#include "net_vpn.h"
#include "nft.h"
#include "records.h"

#define ADOPT_MAX	64	/* namespaces taken back in one run; the
				 * next run takes the rest */

/* The complete namespaces holding an adopted device: @dev's (NULL: any
 * device that is on the host again). */
struct holders {
	struct nl *host;
	const char *dev;
	char names[ADOPT_MAX][NETNS_NAME_MAX + 1];
	size_t n;
};

static int holder(const struct ns_rec *rec, void *data)
{
	struct holders *h = data;

	if (!rec->ready || strcmp(rec->backend, "adopted") || !*rec->ifname)
		return 0;
	if (h->dev ? strcmp(rec->ifname, h->dev) :
		     nl_link_index(h->host, rec->ifname) <= 0)
		return 0;
	if (h->n == ADOPT_MAX)
		return 1;
	snprintf(h->names[h->n++], sizeof(h->names[0]), "%s", rec->name);
	return 0;
}

/*
 * The network of namespace @name (its record's), under its lock; NULL
 * when it is gone meanwhile (@*gone: a logout tore it down, and gave its
 * device back to the host on the way) or is not the policy's any more
 * (logged).
 */
static const struct network *locked_net(const struct ns_env *env,
					struct conf *c, const char *name,
					bool *gone)
{
	const struct network *net;
	struct ns_rec rec;
	int r = locks_ns(env->locks, name);

	*gone = false;
	if (r) {
		err("namespace '%s': cannot take its lock: %s", name,
		    strerror(-r));
		return NULL;
	}
	r = ns_rec_read(name, &rec);
	*gone = r == -ENOENT || (!r && !rec.ready);
	net = r || *gone ? NULL : conf_network(c, rec.network);
	if (!r && !*gone && !net)
		err("namespace '%s': network '%s' is no longer in the policy",
		    name, rec.network);
	if (!net)
		locks_ns_release(env->locks);
	return net;
}

/* Namespace @name's device back inside, if it is on the host. 1 when
 * taken back, 0 when there was nothing to do, or -errno (logged). */
static int adopt_one(const struct ns_env *env, struct conf *c,
		     const char *name)
{
	char e[CONF_ERR_MAX];
	bool gone;
	const struct network *net = locked_net(env, c, name, &gone);
	int r;

	if (!net)
		return gone ? 0 : -ENOENT;
	r = ns_repair(env, name, net, e, sizeof(e));
	if (r < 0)
		err("adopt: %s", e);
	locks_ns_release(env->locks);
	return r;
}

/* A report whose device is no longer on the host (taken in, or gone)
 * has done its part. */
static int sweep_one(const char *dev, void *data)
{
	struct nl *host = data;
	struct tun_rec t;

	if (tun_rec_read(dev, &t) || !t.ifindex ||
	    nl_link_index(host, dev) != t.ifindex)
		(void)tun_rec_remove(dev);
	return 0;
}

/* What adopt and tunnel start with: the state, netlink on the host. */
static int begin(struct locks *l, struct nl *host, const char *verb)
{
	char refusal[64];

	snprintf(refusal, sizeof(refusal), "%s: not in the host's network "
		 "namespace", verb);
	return hostns_begin(l, false, host, refusal);
}

int cmd_adopt(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	struct holders *h = NULL;
	struct conf *c = NULL;
	int done = 0, failed = 0;

	(void)argv;
	if (argc > 1) {
		err("usage: adopt");
		return EXIT_USAGE;
	}
	if (begin(&l, &host, "adopt"))
		return EXIT_FAIL;
	h = calloc(1, sizeof(*h));
	if (h) {
		h->host = &host;
		(void)ns_rec_each(holder, h);
	}
	/* the policy is read only when a device waits for its namespace */
	if (h && h->n)
		c = ctx_conf(ctx);
	for (size_t i = 0; c && i < h->n; i++) {
		int r = adopt_one(&env, c, h->names[i]);

		done += r > 0;
		failed += r < 0;
		if (r > 0)
			printf("adopt: %s: its device is back inside\n",
			       h->names[i]);
	}
	(void)tun_rec_names(sweep_one, &host);
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	failed += !h || (h->n && !c);
	free(h);
	printf("adopt: %d devices taken back\n", done);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- tunnel --------------------------------------------------------- */

struct report {
	const char *dev, *address, *dns;
	struct cidr_list addrs, servers;
};

static int report_args(int argc, char **argv, struct report *rp)
{
	static const struct option opts[] = {
		{ PN_OPT_DEV, required_argument, NULL, 'd' },
		{ PN_OPT_ADDRESS, required_argument, NULL, 'a' },
		{ PN_OPT_DNS, required_argument, NULL, 'n' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'd')
			rp->dev = optarg;
		else if (o == 'a')
			rp->address = optarg;
		else if (o == 'n')
			rp->dns = optarg;
		else
			return -EINVAL;
	}
	if (optind != argc || !rp->dev || !rp->address ||
	    name_check_ifname(rp->dev) ||
	    vpn_addr_list(rp->address, true, &rp->addrs) ||
	    (rp->dns && vpn_addr_list(rp->dns, false, &rp->servers))) {
		err("usage: tunnel --dev DEV --address A/P[,A/P] "
		    "[--dns A[,A]] (a device name, addresses with their "
		    "prefix)");
		return -EINVAL;
	}
	return 0;
}

/* Keep the report, with the device's ifindex on the host (0: it is
 * inside already). */
static int report_keep(struct nl *host, const struct report *rp)
{
	struct tun_rec t = { .since = time(NULL) };
	int idx = nl_link_index(host, rp->dev);

	t.ifindex = idx > 0 ? idx : 0;
	return REC_SET(t.dev, "%s", rp->dev) ?:
	       REC_SET(t.address, "%s", rp->address) ?:
	       REC_SET(t.dns, "%s", rp->dns ? rp->dns : "") ?:
	       tun_rec_write(&t);
}

/* Check @rp in namespace @name, which holds (or waits for) its device:
 * a device still on the host is taken in, and the adoption checks it.
 * 0 when it agrees, else -errno (the reason printed). */
static int report_check(const struct ns_env *env, struct conf *c,
			const char *name, const struct report *rp)
{
	char e[CONF_ERR_MAX] = "";
	bool gone;
	const struct network *net = locked_net(env, c, name, &gone);
	int r;

	if (!net)
		return gone ? 0 : -ENOENT;
	if (nl_link_index(env->host, rp->dev) > 0)
		r = ns_repair(env, name, net, e, sizeof(e));
	else
		r = vpn_client_check(net, name, &rp->addrs, e, sizeof(e));
	if (r < 0) {
		printf("tunnel: %s: %s\n", name, *e ? e : strerror(-r));
		err("tunnel: %s: %s", name, *e ? e : strerror(-r));
	}
	if (rp->dns && vpn_dns_differs(net, &rp->servers))
		printf("tunnel: %s: warning: the server pushes DNS %s; the "
		       "namespace uses the policy's 'dns' of network '%s'\n",
		       name, rp->dns, net->name);
	locks_ns_release(env->locks);
	return r < 0 ? r : 0;
}

/* The networks that adopt @dev; with @check, does @rp agree with their
 * policy? 1 when one does not, 0, or -ENOENT when none adopts @dev. */
static int report_networks(const struct conf *c, const struct report *rp,
			   bool check)
{
	char e[CONF_ERR_MAX];
	int found = 0, bad = 0;

	for (size_t i = 0; i < c->n_nets; i++) {
		if (!vpn_adopts(&c->nets[i], rp->dev))
			continue;
		found++;
		if (check &&
		    vpn_addr_check(&c->nets[i], &rp->addrs, e, sizeof(e))) {
			printf("tunnel: %s\n", e);
			err("tunnel: %s", e);
			bad = 1;
		}
	}
	if (!found && !check)
		printf("tunnel: no vpn network of the policy adopts '%s'\n",
		       rp->dev);
	return found ? bad : -ENOENT;
}

int cmd_tunnel(struct ctx *ctx, int argc, char **argv)
{
	struct report rp = { 0 };
	struct locks l = LOCKS_INIT;
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	struct holders *h;
	struct conf *c;
	int r, bad = 0;

	if (report_args(argc, argv, &rp))
		return EXIT_USAGE;
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	if (report_networks(c, &rp, false))
		return EXIT_FAIL;
	if (begin(&l, &host, "tunnel"))
		return EXIT_FAIL;
	h = calloc(1, sizeof(*h));
	r = h ? report_keep(&host, &rp) : -ENOMEM;
	if (r)
		err("tunnel: %s: cannot keep the report: %s", rp.dev,
		    strerror(-r));
	if (h) {
		h->dev = rp.dev;
		(void)ns_rec_each(holder, h);
	}
	/* no namespace has the device yet: what a login will find */
	if (h && !h->n)
		bad = report_networks(c, &rp, true) != 0;
	for (size_t i = 0; h && i < h->n; i++)
		bad |= report_check(&env, c, h->names[i], &rp) != 0;
	printf("tunnel: %s: %s %s\n", rp.dev, rp.address,
	       bad ? "refused" : h && h->n ? "agrees with the policy" :
	       "kept for the device's adoption");
	free(h);
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	return r || bad ? EXIT_FAIL : EXIT_OK;
}
