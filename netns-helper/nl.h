/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h - rtnetlink over libmnl: one thin wrapper per kernel operation.
 *
 * A netlink socket stays in the namespace it was opened in, so the helper
 * keeps one socket on the host and opens one per target namespace (see
 * nl_open_in()) instead of switching back and forth.
 *
 * Every call returns 0 (or a positive value where stated) or -errno. When
 * the kernel attached an extended-ack message to its error, nl_errmsg()
 * returns it until the next call on the same socket: the text lives in the
 * socket's struct, so a failure on one socket is never told with another's.
 */
#ifndef PN_NL_H
#define PN_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "cidr.h"

struct mnl_socket;
struct nlmsghdr;

#define NL_ERRMSG_MAX 256

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	char errmsg[NL_ERRMSG_MAX];	/* the kernel's text of the last error */
};

/*
 * nl_open_family() - a netlink socket of @family (NETLINK_ROUTE,
 * NETLINK_GENERIC, NETLINK_NETFILTER), ext-ack on, born in the namespace
 * behind @netns_fd, or in the caller's with -1; the caller's own
 * namespace is kept (netns_do_in()).
 */
int nl_open_family(struct nl *nl, int family, int netns_fd);

/* nl_open() - NETLINK_ROUTE socket in the caller's namespace. */
int nl_open(struct nl *nl);

/* nl_open_in() - the same, born in the namespace behind @netns_fd. */
int nl_open_in(struct nl *nl, int netns_fd);

void nl_close(struct nl *nl);

/* nl_errmsg() - the kernel's extended-ack text for the last error on
 * @nl, or "". */
const char *nl_errmsg(const struct nl *nl);

/*
 * What nl_replies() waits for: the answers to the messages numbered
 * @first_seq to @last_seq, @acks ACKs of them (or NLMSG_DONE of a dump),
 * each data message passed to @cb (may be NULL). The first error ends
 * the wait; its message's number lands in @err_seq.
 */
struct nl_wait {
	uint32_t first_seq, last_seq;
	int acks;
	int (*cb)(const struct nlmsghdr *, void *);
	void *data;
	uint32_t err_seq;
	/* for the loop itself */
	struct nl *nl;
	int err;
};

/*
 * nl_replies() - the one reply loop (mnl_cb_run2() with an NLMSG_ERROR
 * callback), for whatever was sent on @nl: a request or a batch.
 * Return: 0, or -errno (the first error's; see nl_errmsg())
 */
int nl_replies(struct nl *nl, struct nl_wait *w);

/*
 * nl_request() - send @nlh (any netlink family the socket speaks) and
 * read until its ACK, or NLMSG_DONE for a dump, passing each data message
 * to @cb (may be NULL). Not reentrant: @cb must not use @nl, whose
 * receive queue still holds the rest of this answer.
 * Return: 0 or -errno (the ACK's error; see nl_errmsg())
 */
int nl_request(struct nl *nl, struct nlmsghdr *nlh,
	       int (*cb)(const struct nlmsghdr *, void *), void *data);

/* nl_link_index() - ifindex (> 0) of @name, or -ENODEV. */
int nl_link_index(struct nl *nl, const char *name);

/* nl_link_up() - set IFF_UP; nl_link_down() clears it (the kernel drops
 * the routes through the link). */
int nl_link_up(struct nl *nl, int ifindex);
int nl_link_down(struct nl *nl, int ifindex);

/* nl_link_del() - delete a link; -ENODEV if it is gone already. */
int nl_link_del(struct nl *nl, int ifindex);

/*
 * nl_veth_add() - a veth pair: @host_name here, @peer_name born directly in
 * the namespace behind @peer_netns_fd (VETH_INFO_PEER + IFLA_NET_NS_FD).
 * Return: ifindex (> 0) of the host end, or -errno
 */
int nl_veth_add(struct nl *nl, const char *host_name, const char *peer_name,
		int peer_netns_fd);

/*
 * nl_macvlan_add() - a macvlan child @name of @parent_ifindex with @mode
 * (MACVLAN_MODE_*), born in the namespace behind @netns_fd.
 */
int nl_macvlan_add(struct nl *nl, const char *name, int parent_ifindex,
		   uint32_t mode, int netns_fd);

/* nl_bridge_add() - a bridge device @name; ifindex (> 0) or -errno. */
int nl_bridge_add(struct nl *nl, const char *name);

/* nl_link_set_master() - enslave @ifindex to @master (0 to release). */
int nl_link_set_master(struct nl *nl, int ifindex, int master);

/*
 * nl_link_move() - move @ifindex into the namespace behind @netns_fd,
 * renaming it to @new_name there when not NULL.
 */
int nl_link_move(struct nl *nl, int ifindex, int netns_fd,
		 const char *new_name);

/* nl_link_set_mtu() */
int nl_link_set_mtu(struct nl *nl, int ifindex, unsigned mtu);

/* nl_addr_add() - add @a (address with its prefix) to @ifindex; IPv6
 * addresses are added with IFA_F_NODAD so they are usable at once. */
int nl_addr_add(struct nl *nl, int ifindex, const struct cidr *a);

/*
 * nl_route_add() - a route to @dst in the main table.
 * @gw:		next hop (same family) or NULL for an on-link route
 * @ifindex:	output device, or 0 with @type RTN_UNREACHABLE
 * @type:	RTN_UNICAST or RTN_UNREACHABLE (a "no way out" default)
 */
int nl_route_add(struct nl *nl, const struct cidr *dst, const struct cidr *gw,
		 int ifindex, uint8_t type);

/* nl_route_add_metric() - the same with a metric (RTA_PRIORITY); a high
 * metric makes a fallback route, e.g. an unreachable default that only
 * applies once the real default route went away with its device. */
int nl_route_add_metric(struct nl *nl, const struct cidr *dst,
			const struct cidr *gw, int ifindex, uint8_t type,
			uint32_t metric);

/*
 * nl_forwarding() - the namespace-wide forwarding switch of @family
 * (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding): 0, 1, or -errno.
 * A netlink question, where the sysctl's path costs a lookup per
 * namespace that ever looked it up (see sysctl_dir() in netns_file.c).
 */
int nl_forwarding(struct nl *nl, int family);

/*
 * nl_link_no_ipv6_ll() - no IPv6 link-local address on @ifindex when it
 * comes up (addrgenmode none). Call it before nl_link_up().
 */
int nl_link_no_ipv6_ll(struct nl *nl, int ifindex);

/* nl_route_oif() - ifindex (> 0) of the device the kernel would use to
 * reach @dst (RTM_GETROUTE), or -errno (-ENETUNREACH when there is none). */
int nl_route_oif(struct nl *nl, const struct cidr *dst);

/* A route as nl_route_overlaps() reports it. */
struct nl_route {
	struct cidr dst;
	int oif;		/* 0 for a route without a device (blackhole) */
};

/*
 * nl_route_overlaps() - true (1) when a route in the main table other than
 * a default route overlaps @net, 0 when none does, or -errno.
 * @skip:	ifindexes whose routes do not count, ending with 0; or NULL
 * @ret:	the first route that overlaps, or NULL
 */
int nl_route_overlaps(struct nl *nl, const struct cidr *net, const int *skip,
		      struct nl_route *ret);

/* A link as nl_link_list() reports it. */
struct nl_link {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[16];		/* "veth", "macvlan", "bridge", "" ... */
	int master;
	bool up;
};

/* nl_link_list() - call @cb for every link; stops early on a non-zero
 * return from @cb, which is passed back. */
int nl_link_list(struct nl *nl, int (*cb)(const struct nl_link *, void *),
		 void *data);

/* nl_addr_list() - call @cb for every address of @family (0 = both) on
 * @ifindex (0 = every link). */
int nl_addr_list(struct nl *nl, int family, int ifindex,
		 int (*cb)(int ifindex, const struct cidr *, void *),
		 void *data);

#endif
