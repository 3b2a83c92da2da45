// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_gc.c - `netns-helper gc`: reclaim what dead owners and interrupted
 * helpers left behind, so the system converges back to what the records
 * say is running:
 *   1. sessions whose owner process is gone (pid + start time) are closed;
 *   2. member entries without a session record are dropped;
 *   3. namespaces that are incomplete, whose /run/netns file vanished, or
 *      (user/session scope) that nobody holds, are torn down;
 *   4. host links named like ours (pnXHEX) that no record claims are deleted;
 *   5. the nftables part of every network that no record uses is removed,
 *      and that of every network in use is rewritten if it is missing or
 *      stale (`nft flush ruleset` by a firewall reload, an upgrade);
 *   6. every lease bitmap and the inode index (ino/) are rebuilt from the
 *      records, and the lock files of namespaces gone are removed.
 * It holds the state lock exclusively (locks.h): no other verb runs
 * meanwhile, so nothing it finds unfinished is being built. It waits for
 * the verbs running when it starts, a login waiting for its tunnel too.
 *
 * What it reports is what is gone: the sessions, namespaces, links named
 * like ours and networks' nftables parts there at the start and not at the
 * end, each named on a line of its own, then counted. A namespace torn down
 * because its last session was reaped counts, and so do its host link and
 * its network's part; a teardown that failed does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostns.h"
#include "cmds.h"
#include "log.h"
#include "netns_file.h"
#include "nft.h"
#include "prebuilt.h"
#include "lifecycle.h"
#include "pool.h"
#include "sdunit.h"
#include "session.h"
#include "locks.h"
#include "records.h"
#include "state.h"
#include "util.h"

#define GC_MAX_NS 65536

/* The names in a records directory at the start. */
struct snapshot {
	char (*v)[NETNS_NAME_MAX + 1];
	size_t n, max;
};

/* What was there at the start. */
struct before {
	struct snapshot sessions, namespaces, links, parts;
};

struct gc {
	const struct ns_env *env;	/* host: netlink; nft: nfnetlink */
	struct ctx *ctx;		/* the policy, for the spares */
	/* what the surviving records claim */
	char (*ifnames)[IFNAMSIZ];
	size_t n_ifnames;
	int *leaked;		/* ifindex of our links no record claims */
	size_t n_leaked;
	/* leases: network and slot of every record that holds one */
	struct lease {
		char network[NET_NAME_MAX + 1];
		uint32_t slot;
	} *leases;
	size_t n_leases;
};

/* A spare stays while its network asks for spares, or while the policy
 * cannot be read to say it does not (prebuilt.h). */
static bool spare_kept(struct gc *gc, const struct ns_rec *rec)
{
	const struct conf *c = ctx_conf(gc->ctx);

	return !c || prebuilt_wanted(c, rec);
}

static bool ns_stale(struct gc *gc, const struct ns_rec *rec)
{
	if (!rec->ready || !netns_exists(rec->name))
		return true;
	if (rec->spare)
		return !spare_kept(gc, rec);
	return !ns_rec_shared(rec) && member_count(rec->name) == 0;
}

static int sweep_ns(const struct ns_rec *rec, void *data)
{
	struct gc *gc = data;

	if (ns_stale(gc, rec)) {
		debug("gc: namespace '%s' is stale, tearing down", rec->name);
		(void)ns_destroy(gc->env, rec->name);
	}
	return 0;
}

static int claim(const struct ns_rec *rec, void *data)
{
	struct gc *gc = data;
	const struct net_kind *kind;
	const char *v;

	if (gc->n_ifnames >= GC_MAX_NS || gc->n_leases >= GC_MAX_NS)
		return 0;
	if (rec->slot >= 0) {
		struct lease *l = &gc->leases[gc->n_leases++];

		snprintf(l->network, sizeof(l->network), "%s", rec->network);
		l->slot = (uint32_t)rec->slot;
	}
	/* the index entry of a namespace made before the index existed */
	if (rec->ino && !ns_by_inode(rec->ino, NULL, 0))
		(void)ns_index(rec);
	if (*rec->ifname)
		snprintf(gc->ifnames[gc->n_ifnames++], IFNAMSIZ, "%s",
			 rec->ifname);
	/* a link its kind keeps alive besides (a bridge network's bridge) */
	kind = net_kind_by_name(rec->type);
	v = kind && kind->gc_link ? kind->gc_link(rec) : NULL;
	if (v && *v && gc->n_ifnames < GC_MAX_NS)
		snprintf(gc->ifnames[gc->n_ifnames++], IFNAMSIZ, "%s", v);
	return 0;
}

/* @name is one of the @n strings of @size bytes each at @names. */
static bool name_in(const void *names, size_t n, size_t size,
		    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp((const char *)names + i * size, name))
			return true;
	return false;
}

static bool claimed(const struct gc *gc, const char *ifname)
{
	return name_in(gc->ifnames, gc->n_ifnames, IFNAMSIZ, ifname);
}

/* Collects the leaked links: the dump must end before @gc->env->host is used
 * again (nl.c: a callback must not talk on the socket it is called from). */
static int find_leaked_link(const struct nl_link *l, void *data)
{
	struct gc *gc = data;

	if (!name_ifname_ours(l->name) || claimed(gc, l->name) ||
	    gc->n_leaked >= GC_MAX_NS)
		return 0;
	debug("gc: deleting leaked link '%s'", l->name);
	gc->leaked[gc->n_leaked++] = l->ifindex;
	return 0;
}

static int sweep_links(struct gc *gc)
{
	int r = nl_link_list(gc->env->host, find_leaked_link, gc);

	for (size_t i = 0; !r && i < gc->n_leaked; i++)
		(void)nl_link_del(gc->env->host, gc->leaked[i]);
	return r;
}

static int sweep_network(const char *network, void *data)
{
	struct nft *nft = data;
	int r;

	if (ns_network_used(network, NULL))
		return 0;
	debug("gc: removing the nftables part of unused network '%s'",
	      network);
	r = nft_network_remove(nft, network);
	if (r)
		warn("gc: network '%s': cannot remove its nftables part: %s%s%s",
		     network, strerror(-r), *nft_errmsg(nft) ? ": " : "",
		     nft_errmsg(nft));
	return 0;
}

/* Rebuild the lease bitmap of @network from the claimed leases. */
static int rebuild_leases(const char *network, void *data)
{
	struct gc *gc = data;
	uint32_t *slots = calloc(gc->n_leases + 1, sizeof(*slots));
	size_t n = 0;
	int r;

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < gc->n_leases; i++)
		if (!strcmp(gc->leases[i].network, network))
			slots[n++] = gc->leases[i].slot;
	r = pool_set(gc->env->locks, network, slots, n);
	free(slots);
	return r;
}

static int sweep_kernel(struct gc *gc)
{
	int r;

	gc->ifnames = calloc(GC_MAX_NS, sizeof(*gc->ifnames));
	gc->leases = calloc(GC_MAX_NS, sizeof(*gc->leases));
	gc->leaked = calloc(GC_MAX_NS, sizeof(*gc->leaked));
	if (!gc->ifnames || !gc->leases || !gc->leaked)
		return -ENOMEM;
	r = ns_rec_each(claim, gc);
	if (!r)
		r = sweep_links(gc);
	/* No table means no parts: -ENOENT is fine. */
	if (!r)
		(void)nft_network_list(gc->env->nft, sweep_network,
				       gc->env->nft);
	if (!r)
		r = state_list("leases", rebuild_leases, gc);
	if (!r)
		r = ns_index_sweep();
	return r;
}

struct restore {
	const struct conf *conf;
	struct nft *nft;
	char done[64][NET_NAME_MAX + 1];
	size_t n;
};

/* The part of @name's network, as the policy has it now (one read when
 * it is in place already). */
static int restore_part(const struct ns_rec *rec, void *data)
{
	struct restore *rs = data;
	const struct network *net;
	const char *n = rec->network;

	if (!*n || !(net = conf_network(rs->conf, n)) ||
	    !net_kind_of(net->type)->uses_nat)
		return 0;
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->done[i], n))
			return 0;
	if (rs->n < ARRAY_SIZE(rs->done))
		snprintf(rs->done[rs->n++], sizeof(rs->done[0]), "%s", n);
	if (nft_network_apply(rs->nft, net))
		warn("gc: network '%s': cannot restore its nftables part: %s",
		     n, nft_errmsg(rs->nft));
	return 0;
}

/* The part of each namespace's network, when the policy can be read. */
static void restore_parts(struct ctx *ctx, struct nft *nft)
{
	struct restore rs = { .conf = ctx_conf(ctx), .nft = nft };

	if (rs.conf)
		(void)ns_rec_each(restore_part, &rs);
}

static int snap_one(const char *name, void *data)
{
	struct snapshot *sn = data;

	if (sn->n == sn->max) {
		size_t max = sn->max ? 2 * sn->max : 64;
		void *v = max <= GC_MAX_NS ? realloc(sn->v, max * sizeof(*sn->v)) :
					     NULL;

		if (!v)
			return -ENOMEM;
		sn->v = v;
		sn->max = max;
	}
	snprintf(sn->v[sn->n++], sizeof(sn->v[0]), "%s", name);
	return 0;
}

static bool in_snapshot(const struct snapshot *sn, const char *name)
{
	return name_in(sn->v, sn->n, sizeof(sn->v[0]), name);
}

static int snap_link(const struct nl_link *l, void *data)
{
	return name_ifname_ours(l->name) ? snap_one(l->name, data) : 0;
}

/* Our links and the networks' nftables parts, as they are now. */
static int snap_kernel(const struct ns_env *env, struct snapshot *links,
		       struct snapshot *parts)
{
	int r = nl_link_list(env->host, snap_link, links);

	if (!r)
		r = nft_network_list(env->nft, snap_one, parts);
	return r == -ENOENT ? 0 : r;	/* no table: no parts */
}

static int snap_all(const struct ns_env *env, struct before *b)
{
	return sess_rec_names(snap_one, &b->sessions) ?:
	       ns_rec_names(snap_one, &b->namespaces) ?:
	       snap_kernel(env, &b->links, &b->parts);
}

/* Print and count what of @sn is not in @now, or (@now NULL) is no
 * longer a record (@exists). */
static int report_gone(const struct snapshot *sn, const struct snapshot *now,
		       bool (*exists)(const char *name), const char *what)
{
	int n = 0;

	for (size_t i = 0; i < sn->n; i++) {
		if (now ? in_snapshot(now, sn->v[i]) :
			  exists && exists(sn->v[i]))
			continue;
		printf("gc: %s %s\n", what, sn->v[i]);
		n++;
	}
	return n;
}

static void snapshot_free(struct snapshot *sn)
{
	free(sn->v);
}

/* The report, from what was there before and what is there now. */
static int report(const struct ns_env *env, const struct before *b)
{
	struct snapshot links = { 0 }, parts = { 0 };
	int r = snap_kernel(env, &links, &parts);
	int sessions, namespaces, n_links, n_parts;

	if (r) {
		snapshot_free(&links);
		snapshot_free(&parts);
		return r;
	}
	sessions = report_gone(&b->sessions, NULL, sess_rec_exists,
			       "closed session");
	namespaces = report_gone(&b->namespaces, NULL, ns_rec_exists,
				 "removed namespace");
	n_links = report_gone(&b->links, &links, NULL, "deleted link");
	n_parts = report_gone(&b->parts, &parts, NULL,
			      "removed the nftables part of network");
	printf("gc: %d sessions closed, %d namespaces removed, %d links "
	       "deleted, %d network nftables parts removed\n", sessions,
	       namespaces, n_links, n_parts);
	snapshot_free(&links);
	snapshot_free(&parts);
	return 0;
}

int cmd_gc(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	struct before b = { 0 };
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft };
	struct gc gc = { .env = &env, .ctx = ctx };
	int r;

	if (argc > 1) {
		err("usage: gc");
		return EXIT_USAGE;
	}
	if (hostns_begin(&l, true, &host, "gc: not in the host's network "
			 "namespace: gc runs from the host only"))
		return EXIT_FAIL;
	r = snap_all(&env, &b);
	if (!r) {
		(void)state_sweep_tmp();
		(void)session_reap(&env, NULL);
		session_sweep_members();
		(void)ns_rec_each(sweep_ns, &gc);
		(void)sdunit_sweep();
		r = sweep_kernel(&gc);
		if (!r)
			restore_parts(ctx, &nft);
		ns_nat_cleanup(&env);
		ns_template_cleanup(&l);
		(void)locks_sweep();
		r = r ?: report(&env, &b);
	}
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	free(gc.ifnames);
	free(gc.leaked);
	free(gc.leases);
	snapshot_free(&b.sessions);
	snapshot_free(&b.namespaces);
	snapshot_free(&b.links);
	snapshot_free(&b.parts);
	if (r) {
		err("gc: %s", strerror(-r));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
