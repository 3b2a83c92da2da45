/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - the project's nftables state, one private table "inet pam_netns",
 * written with libnftnl batches (each call is one atomic transaction).
 *
 * The rules are static: they are written once per table and once per
 * network, and never per session. A session only adds and removes set and
 * map elements, so the per-packet cost does not grow with the number of
 * sessions and every change is atomic.
 *
 *   table inet pam_netns {
 *     set ifs    { type ifname; }          host ends of every session link
 *     set addrs4 { type ipv4_addr; }       inside addresses to masquerade
 *     set addrs6 { type ipv6_addr; }
 *     set dns4   { type ipv4_addr; }       host addresses sessions may ask DNS
 *     set dns6   { type ipv6_addr; }
 *     map nets   { type ifname : verdict; } host end -> jump net_NETWORK
 *     map fwd4   { type inet_proto . inet_service : ipv4_addr . inet_service; }
 *     map fwd6   { type inet_proto . inet_service : ipv6_addr . inet_service; }
 *     set l2     { type ifname . ifname; }  bridge . bridge of bridge networks
 *
 *     chain input   { hook input, filter, 0: iifname @ifs jump from_sess_in }
 *     chain from_sess_in { ct state established,related accept;
 *                  ICMPv6 neighbour discovery accept; DNS to @dns4/@dns6
 *                  accept; drop }      the host's own addresses, any of them
 *     chain forward { hook forward, filter, 0:
 *                  iifname . oifname @l2 accept;       (br_netfilter)
 *                  iifname @ifs jump from_sess; oifname @ifs jump to_sess }
 *     chain from_sess { oifname @ifs drop;               other sessions
 *                  ip daddr 169.254.0.0/16 drop; ip6 daddr fe80::/10 drop;
 *                  iifname vmap @nets; }                  network's filter
 *     chain to_sess { ct state established,related accept; ct status dnat
 *                  accept; drop }
 *     chain prerouting  { hook prerouting, nat, dstnat: iifname != @ifs
 *                  fib daddr type local dnat to (l4proto . dport) map @fwd4/6 }
 *     chain postrouting { hook postrouting, nat, srcnat:
 *                  ip saddr @addrs4 oifname != @ifs masquerade; same for ip6 }
 *     chain net_NETWORK { ip daddr @NETWORK_deny4 drop; ... allow ... }
 *   }
 */
#ifndef PN_NFT_H
#define PN_NFT_H

#include <stddef.h>

#include "cidr.h"
#include "conf.h"

#define NFT_TABLE "pam_netns"

/*
 * nft_table_ensure() - create the table, its sets, maps and base chains if
 * the table does not exist yet (one batch). Idempotent and cheap when it
 * does.
 */
int nft_table_ensure(void);

/* nft_table_delete() - remove the whole table; 0 when it is absent. */
int nft_table_delete(void);

/*
 * nft_network_apply() - (re)write chain net_NAME and the sets NAME_allow4,
 * NAME_allow6, NAME_deny4, NAME_deny6 from @net's allow/deny lists, and add
 * @net's dns addresses to dns4/dns6, in one batch: the chain is flushed and
 * refilled in the same transaction, so no packet sees a half-made filter.
 */
int nft_network_apply(const struct network *net);

/* nft_network_remove() - delete chain net_NAME and its sets (ENOENT ok). */
int nft_network_remove(const char *netname);

/* The set elements that stand for one session link. */
struct nft_session {
	const char *network;		/* jump target: chain net_NETWORK */
	const char *host_ifname;	/* host end of the session's link */
	const struct cidr *addr4;	/* inside addresses, NULL = none */
	const struct cidr *addr6;
	const char *bridge;		/* bridge network: its members' L2 */
};

/* nft_session_add() / nft_session_del() - one batch each; del ignores
 * elements that are already gone. */
int nft_session_add(const struct nft_session *s);
int nft_session_del(const struct nft_session *s);

/*
 * nft_forward_add() / nft_forward_del() - inbound DNAT: @f's host port to
 * @to4 / @to6 (either may be NULL) at port f->to.
 */
int nft_forward_add(const struct port_forward *f, const struct cidr *to4,
		    const struct cidr *to6);
int nft_forward_del(const struct port_forward *f);

/*
 * nft_set_list() - call @cb with each element key of set @set as text
 * ("pnh1a", "10.213.0.1", ...), for gc to find orphans.
 */
int nft_set_list(const char *set, int (*cb)(const char *key, void *data),
		 void *data);

/* nft_errmsg() - the kernel's extended-ack text for the last error, or "". */
const char *nft_errmsg(void);

#endif
