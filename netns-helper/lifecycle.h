/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lifecycle.h - the life of one namespace of this project: made from a
 * network of the policy, recorded in STATE_DIR/ns/NAME, torn down from
 * that record.
 *
 * The record is written before the first kernel object and updated before
 * each further one (the name of a link, a lease), so the record always
 * names at least everything that exists. Teardown reads the record and
 * undoes each item, ignoring what is already gone: the same path rolls back
 * a failed open, serves `down`, and lets `gc` finish whatever a SIGKILL
 * interrupted.
 */
#ifndef PN_LIFECYCLE_H
#define PN_LIFECYCLE_H

#include "conf.h"
#include "deadline.h"
#include "locks.h"
#include "net_kind.h"
#include "nft.h"
#include "nl.h"
#include "records.h"

/*
 * What a request hands to the life of its namespaces: objects its verb
 * owns, none of them per process, so that requests served at once do
 * not share them.
 */
struct ns_env {
	struct locks *locks;		/* its locks (the resource lock too) */
	struct nl *host;		/* netlink in the host namespace */
	struct nft *nft;		/* nfnetlink (nft.h), opened at use */
	const struct deadline *dl;	/* NULL: no deadline */
	/* session_end(): called after the session's record went, before
	 * its namespace is released; may be NULL */
	void (*ended)(void *arg);
	void *ended_arg;
};

/* What a network kind's up/down/repair (net_kind.h) work with. */
struct ns_ctx {
	const char *name;		/* namespace name */
	const struct network *net;	/* up only; NULL in down */
	struct ns_rec *rec;		/* the namespace's record */
	int nsfd;			/* up only */
	struct locks *locks;		/* the request's (resource lock) */
	struct nl *host;		/* netlink in the host namespace */
	struct nft *nft;		/* nfnetlink, the request's */
	const struct deadline *dl;	/* the request's; NULL: none */
	struct nl *inner;		/* netlink inside (up only) */
	char *err;
	size_t errlen;
};

/* ns_save() - write ctx->rec (records.h), setting ctx->err on failure. */
int ns_save(struct ns_ctx *ctx);

/*
 * ns_create() - make namespace @name for @net (its namespace lock held,
 * locks.h).
 * @scope, @user: recorded for list and gc
 * @id:	the serial of the namespace (names its host links), drawn
 *	already by the caller; 0 to draw one here
 * On failure everything is rolled back and @err says why.
 */
int ns_create(const struct ns_env *env, const char *name,
	      const struct network *net, enum net_scope scope, const char *user,
	      uint32_t id, char *err, size_t errlen);

/* ns_destroy() - tear namespace @name down from its record; idempotent. */
int ns_destroy(const struct ns_env *env, const char *name);

/*
 * ns_repair() - `up` of namespace @name that is up already: let its kind
 * make again what went away (see net_kind.repair) for network @net.
 * Return: 0 when nothing was missing, 1 when repaired, or -errno and @err
 */
int ns_repair(const struct ns_env *env, const char *name,
	      const struct network *net, char *err, size_t errlen);

/* ns_ready() - the record says @name is complete and /run/netns/@name is
 * there. */
bool ns_ready(const char *name);

/* ns_template_cleanup() - when no namespace is left, remove the login
 * mount template (mnt_template.h); under the resource lock of @l. */
void ns_template_cleanup(struct locks *l);

/* ns_nat_cleanup() - when no namespace needs nat any more, remove the
 * nftables table (through env->nft) and restore the forwarding sysctls;
 * under the resource lock of env->locks. */
void ns_nat_cleanup(const struct ns_env *env);

/* ns_nat_prepare() - enable forwarding (saving the old values; IPv6 too
 * when ctx->net has pool6), read through ctx->host, and bring the
 * network's part of the nftables table up to date through ctx->nft
 * (nft_network_apply()); under the resource lock of ctx->locks. Sets
 * ctx->err on failure. */
int ns_nat_prepare(struct ns_ctx *ctx);

#endif
