// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lifecycle.c - create and destroy the namespaces of this project (see
 * lifecycle.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "locks.h"
#include "log.h"
#include "mnt_template.h"
#include "netns_file.h"
#include "nft.h"
#include "lifecycle.h"
#include "sdunit.h"
#include "session.h"
#include "util.h"

int ns_save(struct ns_ctx *ctx)
{
	int r = ns_rec_write(ctx->rec);

	if (r)
		snprintf(ctx->err, ctx->errlen, "cannot write the record of "
			 "namespace '%s': %s", ctx->name, strerror(-r));
	return r;
}

bool ns_ready(const char *name)
{
	struct ns_rec rec;

	return !ns_rec_read(name, &rec) && rec.ready && netns_exists(name);
}

static int first_record(struct ns_ctx *ctx, enum net_scope scope,
			const char *user, uint32_t id)
{
	struct ns_rec *rec = ctx->rec;
	int r = id ? 0 : serial_next(ctx->locks, &id);

	r = r ?: ns_rec_init(rec, ctx->name) ?:
	    REC_SET(rec->network, "%s", ctx->net->name) ?:
	    REC_SET(rec->type, "%s", net_type_str(ctx->net->type)) ?:
	    REC_SET(rec->scope, "%s", net_scope_str(scope)) ?:
	    REC_SET(rec->user, "%s", user ? user : "");
	if (r)
		return r;
	rec->id = id;
	rec->created = (long long)time(NULL);
	return ns_save(ctx);
}

/* The namespace itself, its loopback, the kind's wiring and its DNS. */
static int build(struct ns_ctx *ctx, const struct net_kind *ops)
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

/* The context of namespace @name's kind, for the request of @env. */
static struct ns_ctx ctx_of(const struct ns_env *env, const char *name,
			    struct ns_rec *rec, char *err, size_t errlen)
{
	return (struct ns_ctx){ .name = name, .rec = rec, .nsfd = -1,
				.locks = env->locks, .host = env->host,
				.nft = env->nft,
				.dl = env->dl, .err = err, .errlen = errlen };
}

int ns_create(const struct ns_env *env, const char *name,
	      const struct network *net, enum net_scope scope, const char *user,
	      uint32_t id, char *err, size_t errlen)
{
	const struct net_kind *ops = net_kind_of(net->type);
	struct ns_rec rec;
	struct ns_ctx ctx = ctx_of(env, name, &rec, err, errlen);
	int r;

	ctx.net = net;
	*err = '\0';
	if (!ops) {
		snprintf(err, errlen, "network '%s': type '%s' is not "
			 "supported by this build", net->name,
			 net_type_str(net->type));
		return -EOPNOTSUPP;
	}
	r = first_record(&ctx, scope, user, id);
	if (!r)
		r = build(&ctx, ops);
	if (r == -EEXIST && !ctx.inner && ctx.nsfd < 0) {
		/* The name belongs to a namespace someone else made: drop
		 * our record and leave theirs alone. */
		(void)ns_rec_remove(name);
		return r;
	}
	if (!r) {
		rec.ino = netns_inode(ctx.nsfd);
		rec.ready = true;
		r = ns_index(&rec) ?: ns_save(&ctx);
	}
	if (ctx.nsfd >= 0)
		(void)close(ctx.nsfd);
	if (r) {
		if (!*err)
			snprintf(err, errlen, "cannot build namespace '%s': %s%s%s",
				 name, strerror(-r),
				 *nl_errmsg(env->host) ? ": " : "",
				 nl_errmsg(env->host));
		(void)ns_destroy(env, name);
	}
	return r;
}

int ns_destroy(const struct ns_env *env, const char *name)
{
	char err[256] = "";
	struct ns_rec rec;
	struct ns_ctx ctx = ctx_of(env, name, &rec, err, sizeof(err));
	const struct net_kind *ops;
	int r = ns_rec_read(name, &rec);

	if (r && r != -ENOENT)
		return r;
	/* No user manager may be (re)started towards a namespace going away. */
	sdunit_remove(env->locks, name);
	ops = r ? NULL : net_kind_by_name(rec.type);
	if (ops)
		ops->down(&ctx);
	/* The index entry first: once the namespace is gone, its inode
	 * number may be another new namespace's. */
	if (!r)
		ns_unindex(&rec);
	r = netns_delete(name);
	if (r)
		warn("namespace '%s': cannot delete: %s", name, strerror(-r));
	session_drop_netns(name);
	(void)ns_rec_remove(name);
	ns_template_cleanup(env->locks);
	if (ops && ops->uses_nat)
		ns_nat_cleanup(env);
	return r;
}

static int repair(struct ns_ctx *ctx, const struct net_kind *ops)
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

int ns_repair(const struct ns_env *env, const char *name,
	      const struct network *net, char *err, size_t errlen)
{
	struct ns_rec rec;
	struct ns_ctx ctx = ctx_of(env, name, &rec, err, errlen);
	const struct net_kind *ops;
	int r = ns_rec_read(name, &rec);

	ctx.net = net;
	*err = '\0';
	ops = r ? NULL : net_kind_by_name(rec.type);
	if (!ops || !ops->repair)
		return r;
	/* the record, not the policy, says what this namespace is */
	if (ops != net_kind_of(net->type) ||
	    strcmp(rec.network, net->name)) {
		snprintf(err, errlen, "namespace '%s' was made for network "
			 "'%s' (%s); take it down first", name,
			 *rec.network ? rec.network : "?",
			 *rec.type ? rec.type : "?");
		return -EINVAL;
	}
	r = repair(&ctx, ops);
	if (r < 0 && !*err)
		snprintf(err, errlen, "cannot repair namespace '%s': %s", name,
			 strerror(-r));
	return r;
}

static int any_nat_record(const struct ns_rec *rec, void *data)
{
	const struct net_kind *ops = net_kind_by_name(rec->type);

	(void)data;
	return ops && ops->uses_nat;
}

/* family and sysctl of struct fwd_rec's [0] and [1] */
static const struct {
	int family;
	const char *path;
} fwd_sysctl[] = {
	{ AF_INET, "net/ipv4/ip_forward" },
	{ AF_INET6, "net/ipv6/conf/all/forwarding" },
};

/* Remember the first value of forwarding sysctl @i in @saved. */
static int forwarding_save(struct nl *host, struct fwd_rec *saved, size_t i,
			   bool *dirty)
{
	int old;

	if (saved->saved[i])
		return 0;
	old = nl_forwarding(host, fwd_sysctl[i].family);
	if (old < 0)
		return old;
	*dirty = true;
	saved->saved[i] = true;
	saved->old[i] = old;
	return 0;
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
static int nat_prepare(struct nl *host, struct nft *nft,
		       const struct network *net)
{
	bool ipv6 = net->pool6.family != 0;
	struct fwd_rec saved;
	bool dirty = false;
	int r = fwd_rec_read(&saved);

	if (r == -ENOENT)
		r = 0;
	for (size_t i = 0; !r && i < ARRAY_SIZE(fwd_sysctl); i++)
		if (i == 0 || ipv6)
			r = forwarding_save(host, &saved, i, &dirty);
	if (!r && dirty)
		r = fwd_rec_write(&saved);
	for (size_t i = 0; !r && i < ARRAY_SIZE(fwd_sysctl); i++)
		if (i == 0 || ipv6)
			r = forwarding_on(host, i);
	return r ?: nft_network_apply(nft, net);
}

/* Under the resource lock: ns_nat_cleanup() may run in another helper. */
int ns_nat_prepare(struct ns_ctx *ctx)
{
	int r = state_res_lock(ctx->locks);

	if (!r) {
		r = nat_prepare(ctx->host, ctx->nft, ctx->net);
		state_res_unlock(ctx->locks);
	}
	if (r)
		snprintf(ctx->err, ctx->errlen, "network '%s': cannot prepare "
			 "forwarding and nftables: %s%s%s", ctx->net->name,
			 strerror(-r), *nft_errmsg(ctx->nft) ? ": " : "",
			 nft_errmsg(ctx->nft));
	return r;
}

static int any_record(const char *name, void *data)
{
	(void)name;
	(void)data;
	return 1;
}

void ns_template_cleanup(struct locks *l)
{
	if (state_res_lock(l))
		return;
	if (ns_rec_names(any_record, NULL) == 0)
		mnt_template_remove();
	state_res_unlock(l);
}

/* A namespace being built has its record already: none is missed. */
static void nat_cleanup(struct nft *nft)
{
	struct fwd_rec saved;
	char old[16];

	if (ns_rec_each(any_nat_record, NULL) > 0)
		return;
	(void)nft_table_delete(nft);
	if (fwd_rec_read(&saved))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fwd_sysctl); i++) {
		snprintf(old, sizeof(old), "%d", saved.old[i]);
		if (saved.saved[i] &&
		    netns_sysctl_write(-1, fwd_sysctl[i].path, old, NULL, 0))
			warn("cannot restore %s, ignoring", fwd_sysctl[i].path);
	}
	(void)fwd_rec_remove();
}

void ns_nat_cleanup(const struct ns_env *env)
{
	if (state_res_lock(env->locks))
		return;
	nat_cleanup(env->nft);
	state_res_unlock(env->locks);
}
