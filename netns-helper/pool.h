/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pool.h - address leases of nat networks. A network's pool is cut into
 * slots; slot N is the IPv4 /31 at pool + 2N (host end even, namespace end
 * odd) and, with pool6, the IPv6 /64 number N of pool6 (host ::1,
 * namespace ::2). Leases live in a bitmap under STATE_DIR/leases/NETWORK;
 * each function below changes it under the resource lock (locks.h).
 */
#ifndef PN_POOL_H
#define PN_POOL_H

#include <stdint.h>

#include "conf.h"
#include "nl.h"

struct locks;			/* locks.h */

#define POOL_MAX_SLOTS (1u << 20)	/* bitmap of 128 KiB at most */

struct pool_addrs {
	struct cidr host4, ns4;		/* /31 each */
	struct cidr host6, ns6;		/* /64 each; family 0 without pool6 */
};

/* pool_slots() - how many sessions the pools of @net can hold. */
uint32_t pool_slots(const struct network *net);

/* pool_addrs() - the addresses of @slot (pure arithmetic). */
int pool_addrs(const struct network *net, uint32_t slot,
	       struct pool_addrs *ret);

/* A range of a network that overlaps a route of the host. */
struct pool_clash {
	const char *key;		/* "pool", "pool6" or "subnet" */
	const struct cidr *range;	/* the network's */
	int line;			/* of @key in the policy file */
	struct nl_route route;		/* the host's */
};

/*
 * pool_route_clash() - the first range @net hands out (a nat network's
 * pool and pool6, a bridge's subnet) that overlaps a route in the host's
 * main table, default routes aside: such a range would capture traffic
 * meant for somewhere else.
 * @skip:	ifindexes whose routes do not count, ending with 0; or NULL
 * Return: 1 and *@ret set, 0 when no range overlaps, or -errno
 */
int pool_route_clash(struct nl *nl, const struct network *net,
		     const int *skip, struct pool_clash *ret);

/*
 * pool_check_routes() - pool_route_clash() as the error of a login:
 * @err:	"network 'lab': pool 10.213.0.0/16 overlaps a route of the host"
 * Return: 0, -EADDRINUSE, or -errno
 */
int pool_check_routes(struct nl *nl, const struct network *net, char *err,
		      size_t errlen);

/*
 * The changes below take the resource lock of @l, the caller's (locks.h).
 *
 * pool_alloc() - lease a free slot. When the network holds no lease yet,
 * its pools are first checked against the host's routes: a pool that
 * overlaps a route would capture real traffic.
 * @err:	"address pool 10.213.0.0/29 exhausted (4 sessions)" etc.
 */
int pool_alloc(struct locks *l, struct nl *nl, const struct network *net,
	       uint32_t *ret_slot, char *err, size_t errlen);

/*
 * pool_take() - lease a free slot among the first @slots of @network's
 * bitmap, for kinds that number their addresses themselves (a bridge's
 * subnet). No route check: the caller does it.
 * Return: 0, -ENOSPC when every slot is taken, or -errno
 */
int pool_take(struct locks *l, const char *network, uint32_t slots,
	      uint32_t *ret_slot);

/* pool_free() - release @slot of @network; freeing a free slot is a no-op. */
int pool_free(struct locks *l, const char *network, uint32_t slot);

/* pool_set() - replace the leases of @network by @slots (gc rebuilds the
 * bitmap from the namespace records this way). */
int pool_set(struct locks *l, const char *network, const uint32_t *slots,
	     size_t n);

#endif
