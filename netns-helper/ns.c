// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - create and destroy the namespaces of this project (see ns.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "mnt_template.h"
#include "netns.h"
#include "nft.h"
#include "ns.h"
#include "sdunit.h"
#include "util.h"

static const struct {
	enum net_type type;
	const struct net_ops *ops;
} kinds[] = {
	{ NET_ISOLATED, &net_isolated_ops },
	{ NET_NAT, &net_nat_ops },
	{ NET_VPN, &net_vpn_ops },
	{ NET_MACVLAN, &net_macvlan_ops },
	{ NET_PHYSICAL, &net_physical_ops },
	{ NET_BRIDGE, &net_bridge_ops },
};

const struct net_ops *ns_ops(enum net_type type)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].type == type)
			return kinds[i].ops;
	return NULL;
}

const struct net_ops *ns_ops_by_name(const char *type)
{
	for (size_t i = 0; type && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(net_type_str(kinds[i].type), type))
			return kinds[i].ops;
	return NULL;
}

int ns_save(struct ns_ctx *ctx)
{
	int r = rec_write("ns", ctx->name, ctx->rec);

	if (r)
		snprintf(ctx->err, ctx->errlen, "cannot write the record of "
			 "namespace '%s': %s", ctx->name, strerror(-r));
	return r;
}

bool ns_ready(const char *name)
{
	struct record rec;
	const char *st;

	if (rec_read("ns", name, &rec))
		return false;
	st = rec_get(&rec, "state");
	return st && !strcmp(st, "ready") && netns_exists(name);
}

static int first_record(struct ns_ctx *ctx, enum net_scope scope,
			const char *user)
{
	uint32_t id;
	int r = state_next_serial(&id);

	if (r)
		return r;
	ctx->rec->n = 0;
	r = rec_set(ctx->rec, "network", "%s", ctx->net->name) ?:
	    rec_set(ctx->rec, "type", "%s", net_type_str(ctx->net->type)) ?:
	    rec_set(ctx->rec, "scope", "%s", net_scope_str(scope)) ?:
	    rec_set(ctx->rec, "user", "%s", user ? user : "") ?:
	    rec_set(ctx->rec, "id", "%u", (unsigned)id) ?:
	    rec_set(ctx->rec, "created", "%lld", (long long)time(NULL)) ?:
	    rec_set(ctx->rec, "state", "creating");
	return r ? r : ns_save(ctx);
}

/* The namespace itself, its loopback, the kind's wiring and its DNS. */
static int build(struct ns_ctx *ctx, const struct net_ops *ops)
{
	struct nl inner = { 0 };
	int r, lo;

	r = netns_create(ctx->name, &ctx->nsfd);
	if (r == -EEXIST) {
		snprintf(ctx->err, ctx->errlen, "namespace '%s' already exists "
			 "in %s but was not made by pam_netns", ctx->name,
			 NETNS_RUN_DIR);
		return r;
	}
	if (r) {
		snprintf(ctx->err, ctx->errlen, "cannot create namespace '%s': "
			 "%s", ctx->name, strerror(-r));
		return r;
	}
	r = nl_open_in(&inner, ctx->nsfd);
	if (r)
		return r;
	ctx->inner = &inner;
	lo = nl_link_index(&inner, "lo");
	r = lo < 0 ? lo : nl_link_up(&inner, lo);
	if (!r)
		r = ops->up(ctx);
	if (!r && !ops->own_dns)
		r = dns_write(ctx->name, ctx->net, ctx->err, ctx->errlen);
	/* the kernel's text dies with the socket: tell it now */
	if (r && !*ctx->err && *nl_errmsg(&inner))
		snprintf(ctx->err, ctx->errlen, "cannot build namespace '%s': "
			 "%s: %s", ctx->name, strerror(-r), nl_errmsg(&inner));
	nl_close(&inner);
	ctx->inner = NULL;
	return r;
}

int ns_index(const char *name, const struct record *ns)
{
	const char *ino = rec_get(ns, "ino");
	struct record idx = { 0 };

	if (!ino || !*ino)
		return 0;
	return rec_set(&idx, "name", "%s", name) ?: rec_write("ino", ino, &idx);
}

int ns_by_inode(unsigned long long ino, char *name, size_t len)
{
	struct record idx, ns;
	char key[32];
	const char *n;

	snprintf(key, sizeof(key), "%llu", ino);
	if (rec_read("ino", key, &idx) || !(n = rec_get(&idx, "name")) ||
	    rec_read("ns", n, &ns) ||
	    (unsigned long long)rec_get_num(&ns, "ino", 0) != ino)
		return 0;
	return !name ? 1 : strlcpy_checked(name, n, len) ?: 1;
}

int ns_create(struct nl *host, const char *name, const struct network *net,
	      enum net_scope scope, const char *user, char *err,
	      size_t errlen)
{
	const struct net_ops *ops = ns_ops(net->type);
	struct record rec;
	struct ns_ctx ctx = { .name = name, .net = net, .rec = &rec,
			      .nsfd = -1, .host = host, .err = err,
			      .errlen = errlen };
	int r;

	*err = '\0';
	if (!ops) {
		snprintf(err, errlen, "network '%s': type '%s' is not "
			 "supported by this build", net->name,
			 net_type_str(net->type));
		return -EOPNOTSUPP;
	}
	r = first_record(&ctx, scope, user);
	if (!r)
		r = build(&ctx, ops);
	if (r == -EEXIST && !ctx.inner && ctx.nsfd < 0) {
		/* The name belongs to a namespace someone else made: drop
		 * our record and leave theirs alone. */
		(void)rec_remove("ns", name);
		return r;
	}
	if (!r)
		r = rec_set(&rec, "ino", "%llu", netns_inode(ctx.nsfd)) ?:
		    ns_index(name, &rec) ?:
		    rec_set(&rec, "state", "ready") ?: ns_save(&ctx);
	if (ctx.nsfd >= 0)
		(void)close(ctx.nsfd);
	if (r) {
		if (!*err)
			snprintf(err, errlen, "cannot build namespace '%s': %s%s%s",
				 name, strerror(-r), *nl_errmsg(host) ? ": " : "",
				 nl_errmsg(host));
		(void)ns_destroy(host, name);
	}
	return r;
}

/* A session of a namespace being destroyed ends with it. */
static int drop_member(const char *token, void *data)
{
	(void)rec_remove(data, token);
	(void)rec_remove("sessions", token);
	return 0;
}

int ns_destroy(struct nl *host, const char *name)
{
	char err[256] = "";
	struct record rec;
	struct ns_ctx ctx = { .name = name, .rec = &rec, .nsfd = -1,
			      .host = host, .err = err, .errlen = sizeof(err) };
	const struct net_ops *ops;
	char members[NETNS_NAME_MAX + 16];
	int r = rec_read("ns", name, &rec);

	if (r && r != -ENOENT)
		return r;
	/* No user manager may be (re)started towards a namespace going away. */
	sdunit_remove(name);
	ops = r ? NULL : ns_ops_by_name(rec_get(&rec, "type"));
	if (ops)
		ops->down(&ctx);
	/* The index entry first: once the namespace is gone, its inode
	 * number may be another new namespace's. */
	if (rec_get(&rec, "ino"))
		(void)rec_remove("ino", rec_get(&rec, "ino"));
	r = netns_delete(name);
	if (r)
		warn("namespace '%s': cannot delete: %s", name, strerror(-r));
	snprintf(members, sizeof(members), "members/%s", name);
	(void)rec_list(members, drop_member, members);
	(void)state_rmdir(members);
	(void)rec_remove("ns", name);
	ns_template_cleanup();
	if (ops && ops->uses_nat)
		ns_nat_cleanup();
	return r;
}

static int repair(struct ns_ctx *ctx, const struct net_ops *ops)
{
	struct nl inner = { 0 };
	int r;

	ctx->nsfd = netns_open(ctx->name);
	if (ctx->nsfd < 0)
		return ctx->nsfd;
	r = nl_open_in(&inner, ctx->nsfd);
	if (!r) {
		ctx->inner = &inner;
		r = ops->repair(ctx);
		nl_close(&inner);
	}
	(void)close(ctx->nsfd);
	return r;
}

int ns_repair(struct nl *host, const char *name, const struct network *net,
	      char *err, size_t errlen)
{
	struct record rec;
	struct ns_ctx ctx = { .name = name, .net = net, .rec = &rec,
			      .nsfd = -1, .host = host, .err = err,
			      .errlen = errlen };
	const struct net_ops *ops;
	int r = rec_read("ns", name, &rec);

	*err = '\0';
	ops = r ? NULL : ns_ops_by_name(rec_get(&rec, "type"));
	if (!ops || !ops->repair)
		return r;
	/* the record, not the policy, says what this namespace is */
	if (ops != ns_ops(net->type) ||
	    strcmp(rec_get(&rec, "network") ?: "", net->name)) {
		snprintf(err, errlen, "namespace '%s' was made for network "
			 "'%s' (%s); take it down first", name,
			 rec_get(&rec, "network") ?: "?",
			 rec_get(&rec, "type") ?: "?");
		return -EINVAL;
	}
	r = repair(&ctx, ops);
	if (r < 0 && !*err)
		snprintf(err, errlen, "cannot repair namespace '%s': %s", name,
			 strerror(-r));
	return r;
}

static int any_nat_record(const char *name, void *data)
{
	struct record rec;
	const struct net_ops *ops;

	if (rec_read("ns", name, &rec))
		return 0;
	ops = ns_ops_by_name(rec_get(&rec, "type"));
	return ops && ops->uses_nat;
}

/* record key (short: record keys are bounded) -> family, sysctl */
static const struct {
	const char *key;
	int family;
	const char *path;
} fwd_sysctl[] = {
	{ "ipv4", AF_INET, "net/ipv4/ip_forward" },
	{ "ipv6", AF_INET6, "net/ipv6/conf/all/forwarding" },
};

/* Remember the first value of forwarding sysctl @i in @saved. */
static int forwarding_save(struct nl *host, struct record *saved, size_t i,
			   bool *dirty)
{
	int old;

	if (rec_get(saved, fwd_sysctl[i].key))
		return 0;
	old = nl_forwarding(host, fwd_sysctl[i].family);
	if (old < 0)
		return old;
	*dirty = true;
	return rec_set(saved, fwd_sysctl[i].key, "%d", old);
}

/*
 * Written only when off: a write of net.ipv6.conf.all.forwarding walks
 * every device of the host even when the value stays the same, which
 * made each open cost more per open session.
 */
static int forwarding_on(struct nl *host, size_t i)
{
	int now = nl_forwarding(host, fwd_sysctl[i].family);

	if (now > 0)
		return 0;
	return netns_sysctl_write(-1, fwd_sysctl[i].path, "1", NULL, 0);
}

/*
 * The old values are on disk before the first sysctl changes: a helper
 * killed in between must leave gc what it needs to restore them.
 */
static int nat_prepare(struct nl *host, const struct network *net)
{
	bool ipv6 = net->pool6.family != 0;
	struct record saved = { 0 };
	bool dirty = false;
	int r = rec_read(".", "forwarding", &saved);

	if (r == -ENOENT)
		r = 0;
	for (size_t i = 0; !r && i < ARRAY_SIZE(fwd_sysctl); i++)
		if (i == 0 || ipv6)
			r = forwarding_save(host, &saved, i, &dirty);
	if (!r && dirty)
		r = rec_write(".", "forwarding", &saved);
	for (size_t i = 0; !r && i < ARRAY_SIZE(fwd_sysctl); i++)
		if (i == 0 || ipv6)
			r = forwarding_on(host, i);
	return r ?: nft_network_apply(net);
}

/* Under the resource lock: ns_nat_cleanup() may run in another helper. */
int ns_nat_prepare(struct nl *host, const struct network *net, char *err,
		   size_t errlen)
{
	int r = state_res_lock();

	if (!r) {
		r = nat_prepare(host, net);
		state_res_unlock();
	}
	if (r)
		snprintf(err, errlen, "network '%s': cannot prepare forwarding "
			 "and nftables: %s%s%s", net->name, strerror(-r),
			 *nft_errmsg() ? ": " : "", nft_errmsg());
	return r;
}

static int any_record(const char *name, void *data)
{
	(void)name;
	(void)data;
	return 1;
}

void ns_template_cleanup(void)
{
	if (state_res_lock())
		return;
	if (rec_list("ns", any_record, NULL) == 0)
		mnt_template_remove();
	state_res_unlock();
}

/* A namespace being built has its record already: none is missed. */
static void nat_cleanup(void)
{
	struct record saved;

	if (rec_list("ns", any_nat_record, NULL) > 0)
		return;
	(void)nft_table_delete();
	if (rec_read(".", "forwarding", &saved))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fwd_sysctl); i++) {
		const char *old = rec_get(&saved, fwd_sysctl[i].key);

		if (old && netns_sysctl_write(-1, fwd_sysctl[i].path, old,
					      NULL, 0))
			warn("cannot restore %s, ignoring", fwd_sysctl[i].path);
	}
	(void)rec_remove(".", "forwarding");
}

void ns_nat_cleanup(void)
{
	if (state_res_lock())
		return;
	nat_cleanup();
	state_res_unlock();
}
