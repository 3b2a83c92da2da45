/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net_kind.h - a network kind (isolated, nat, vpn, macvlan, physical,
 * bridge): everything the helper does differently for one kind, in one
 * descriptor that its net_KIND.c defines. The policy parser, check,
 * explain, status, gc and the namespace code ask the descriptor instead of
 * testing the type; net_kind.c lists the descriptors.
 *
 * Adding a kind is one new file and one line in net_kind.c's table
 * (CONTRIBUTING.md, "Adding a network kind").
 */
#ifndef PN_NET_KIND_H
#define PN_NET_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

struct config_setting_t;	/* libconfig's */
struct parser;			/* conf_parse.h */
struct ns_ctx;			/* lifecycle.h */
struct ns_rec;			/* records.h */

/* An address range a network hands out: no two networks' may overlap. */
struct net_range {
	const char *key;	/* its policy key: "pool" */
	size_t off;		/* offsetof(struct network, the struct cidr) */
	size_t line_off;	/* offsetof(struct network, where it is written) */
};

/* net_range_at() - the range @g of network @n. */
static inline const struct cidr *net_range_at(const struct network *n,
					      const struct net_range *g)
{
	return (const struct cidr *)((const char *)n + g->off);
}

struct net_kind {
	enum net_type type;
	/* the policy's word for it, and the "type" of its records */
	const char *name;

	/* ---- the policy (conf.c) ---- */
	/* every key its networks may have, "type" among them; NULL ends it */
	const char *const *keys;
	/* Fill @n from the group @s (its "type" is read, its keys checked);
	 * errors through @p (conf_parse.h). */
	int (*parse)(struct parser *p, const struct config_setting_t *s,
		     struct network *n);
	/* the ranges it hands out, for the overlap check; may be NULL */
	const struct net_range *ranges;
	size_t n_ranges;
	/* Optional: refuse a rule @r (its scope) that names a network of this
	 * kind; @at is where to point the error. */
	int (*check_rule)(struct parser *p, const struct config_setting_t *at,
			  const struct rule *r);

	/* ---- check and explain (check.c, cmd_policy.c) ---- */
	/* Optional: `check`'s warnings about rule @r, which names a network
	 * of this kind (a scope that works but not as one would expect). */
	void (*warn_rule)(const struct rule *r);
	/* Optional: `check`'s look at the host for @n (warnings logged);
	 * 1 when @n cannot work (an error), else 0. */
	int (*check)(const struct network *n);
	/* Optional: whether the host link @ifname is @n's own (its routes are
	 * not the host's). */
	bool (*owns_link)(const struct network *n, const char *ifname);
	/* Optional: `check`'s summary of @n after its type, " key value..." */
	void (*print)(const struct network *n);

	/* ---- the namespace (lifecycle.c) ---- */
	/* Build the kind's wiring. Before making an object, put what names
	 * it into ctx->rec and call ns_save(). */
	int (*up)(struct ns_ctx *ctx);
	/* Undo everything the record names; idempotent. */
	void (*down)(struct ns_ctx *ctx);
	/* Optional: make again what went away (a tunnel) in a namespace that
	 * is up, leaving its sessions alone. 0 when nothing was missing, 1
	 * when something was made again, or -errno with ctx->err set. */
	int (*repair)(struct ns_ctx *ctx);
	/* Does a live namespace of this kind need the nat machinery
	 * (nftables table and its part there, forwarding)? */
	bool uses_nat;
	/* up() writes the namespace's resolv.conf itself (vpn: the servers
	 * may come from a wg-quick file rather than the policy). */
	bool own_dns;
	/* Without "dns", its namespaces get the host's resolvers (they have
	 * a way to them). */
	bool host_dns;

	/* ---- gc and status (cmd_gc.c, cmd_status.c) ---- */
	/* Optional: a host link, besides the session link "ifname", that
	 * the namespace of record @rec keeps alive (a bridge), or NULL. */
	const char *(*gc_link)(const struct ns_rec *rec);
	/* Optional: `status`'s part for namespace @name of record @rec;
	 * -errno when there is nothing to say (JSON then has "vpn": null). */
	int (*status)(const char *name, const struct ns_rec *rec, bool json);
};

extern const struct net_kind net_isolated;
extern const struct net_kind net_nat;
extern const struct net_kind net_vpn;
extern const struct net_kind net_macvlan;
extern const struct net_kind net_physical;
extern const struct net_kind net_bridge;

/* net_kind_of() - the kind of type @type, or NULL when not built in. */
const struct net_kind *net_kind_of(enum net_type type);

/* net_kind_by_name() - the kind called @name ("nat"; NULL is allowed),
 * or NULL. */
const struct net_kind *net_kind_by_name(const char *name);

/* net_kind_at() - the @i-th kind in the table, or NULL past its end:
 * for walking every kind. */
const struct net_kind *net_kind_at(size_t i);

/* net_kind_print_list() - print " KEY a,b" for the kinds' print(); nothing
 * for an empty list. */
void net_kind_print_list(const char *key, const struct cidr_list *l);

/* net_type_str() - the policy file's word for @t ("nat"), or "?". */
const char *net_type_str(enum net_type t);

#endif
