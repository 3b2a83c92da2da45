/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - the project's nftables state, one private table "inet pam_netns",
 * written with libnftnl batches (each call is one atomic transaction).
 *
 * Nothing here is per session. The rules, sets and elements are written
 * once per table and once per network (at the first login of the network,
 * and again only when its policy changes): a session open commits no
 * nftables transaction at all. Session links are known by their name
 * (every nat host end is "pnh..."), session traffic by its source
 * address (the network's pool), so neither the per-packet cost nor the
 * cost of an open grows with the number of sessions. The only elements
 * per session are the kernel's own: one in a network's dynamic set
 * NAME_ct4/6 for each source address with connections counted, gone with
 * its last connection.
 *
 *   table inet pam_netns {
 *     set ifs    { type ifname; flags interval; }   "pnh*", and the bridge
 *                                                   of each bridge network
 *     map nets4  { type ipv4_addr : verdict; flags interval; }
 *     map nets6  { type ipv6_addr : verdict; flags interval; }
 *                  pool or subnet -> goto net_NETWORK
 *     map caps4  { type ipv4_addr : verdict; flags interval; }
 *     map caps6  { type ipv6_addr : verdict; flags interval; }
 *                  pool or subnet -> goto cap_NETWORK
 *     set masq4  { type ipv4_addr; flags interval; } pools to masquerade
 *     set masq6  { type ipv6_addr; flags interval; }
 *     set dns4   { type ipv4_addr; }       host addresses sessions may ask DNS
 *     set dns6   { type ipv6_addr; }
 *     map fwd4   { type inet_proto . inet_service : ipv4_addr . inet_service; }
 *     map fwd6   { type inet_proto . inet_service : ipv6_addr . inet_service; }
 *     map l2     { type ifname . ifname : verdict; }
 *                  bridge . bridge -> goto cap_NETWORK (bridge networks)
 *
 *     chain input   { hook input, filter, 0: iifname @ifs jump from_sess_in }
 *     chain from_sess_in { ct state established,related accept;
 *                  ICMPv6 neighbour discovery accept;
 *                  fib saddr . iif oif missing drop;
 *                  DNS to @dns4/@dns6: ip saddr vmap @caps4 (ip6: @caps6);
 *                  drop }      the host's own addresses, any of them
 *     chain output  { hook output, filter, 0: oifname @ifs jump to_sess_out }
 *     chain to_sess_out { ct state established,related accept;
 *                  ICMPv6 neighbour discovery accept; drop }
 *                  nothing of the host's own opens a connection inwards
 *     chain forward { hook forward, filter, 0:
 *                  iifname . oifname vmap @l2;          (br_netfilter)
 *                  iifname @ifs jump from_sess; oifname @ifs jump to_sess }
 *     chain from_sess { oifname @ifs drop;               other sessions
 *                  ct state established,related accept;
 *                  fib saddr . iif oif missing drop;    no spoofed sources
 *                  ip saddr vmap @nets4; ip6 saddr vmap @nets6;
 *                  drop }                               no network: nothing
 *     chain to_sess { ct state established,related accept; ct status dnat
 *                  accept; drop }
 *     chain prerouting  { hook prerouting, nat, dstnat: iifname != @ifs
 *                  fib daddr type local dnat to (l4proto . dport) map @fwd4/6 }
 *     chain postrouting { hook postrouting, nat, srcnat:
 *                  ip saddr @masq4 oifname != @ifs masquerade; same for ip6 }
 *     chain sess_cap { ct state new ct count over TOTAL drop; accept }
 *                  all sessions together (one count)
 *     chain net_NETWORK { [oifname != UPLINK drop;] ip daddr @NETWORK_deny4
 *                  drop; ... allow ...; ip daddr @NETWORK_meta4 drop;
 *                  ip6 daddr @NETWORK_meta6 drop;
 *                  goto cap_NETWORK comment "pam_netns ..." }
 *     chain cap_NETWORK { ct state new add @NETWORK_ct4 { ip saddr ct count
 *                  over N } drop; the same for ip6; goto sess_cap }
 *                  NETWORK_ct4/6: flags dynamic, one element per source
 *                  address (per namespace), each with its own count
 *   }
 *
 * Every new connection of a session - routed out, to the host's DNS, or
 * bridged to another member of its network - passes cap_NETWORK and then
 * sess_cap, after the filter that could drop it: a connection counts
 * once against its namespace (N, the network's conn_limit or
 * NFT_CONN_SESSION_PERCENT of nf_conntrack_max) and once against all
 * sessions (TOTAL, NFT_CONN_TOTAL_PERCENT of it); the rest of the table
 * stays for the host. The price is the kernel's: a count walks its list
 * of connections to drop the ended ones (nf_conncount.c; recent kernels
 * not at every new connection), so a session's new connection costs some
 * ns more for each connection of all sessions being counted (about 2 on
 * Linux 6.18); established traffic and the host's own cost nothing more.
 *
 * The comment of net_NETWORK's last rule records what the network put in
 * the shared sets and a digest of its filter, so an unchanged network costs
 * one read, and a changed or removed one takes exactly its own elements.
 */
#ifndef PN_NFT_H
#define PN_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "conf.h"
#include "nl.h"

#define NFT_TABLE "pam_netns"

/*
 * The nfnetlink socket of one request: its verb owns it (zeroed, NFT_INIT),
 * hands it to every call below, which open it at the first use, and lets
 * go of it with nft_release() once done, so a run has one socket at most.
 */
struct nft {
	struct nl nl;
	bool committed;		/* a batch went out: the release may wait */
};

#define NFT_INIT { 0 }

/*
 * nft_release() - close @nft's socket. After a commit the kernel's wait
 * for it (4-15 ms, see nft_lib.c) is left to a child holding nothing
 * else, so call it after the request's locks are released.
 */
void nft_release(struct nft *nft);

/*
 * nft_table_ensure() - create the table, its sets, maps and chains if the
 * table does not exist yet in this layout (one that does not is removed
 * first). Cheap when it does: one read.
 * Return: 0 when it was there, 1 when it was made, or -errno
 */
int nft_table_ensure(struct nft *nft);

/* nft_table_delete() - remove the whole table; 0 when it is absent. */
int nft_table_delete(struct nft *nft);

/*
 * Connection tracking shares: a namespace of a network without conn_limit
 * may have this percentage of nf_conntrack_max, all sessions together
 * NFT_CONN_TOTAL_PERCENT. nf_conntrack_max is read when the rules are
 * written: the total when the table is made, a network's default when
 * its part is written. 0 (no limit) counts as NFT_CONN_MAX_UNSET.
 */
#define NFT_CONN_SESSION_PERCENT	5
#define NFT_CONN_TOTAL_PERCENT		50
#define NFT_CONN_MAX_UNSET		262144

/*
 * nft_conn_share() - @percent of nf_conntrack_max, at least 1.
 * Return: 0 and *@ret_n, or -errno (-ENOENT: no connection tracking yet)
 */
int nft_conn_share(unsigned percent, uint32_t *ret_n);

/* Host ends of nat session links: "pnh" and a hex id (names.c). */
#define NFT_SESSION_IF_PREFIX "pnh"

/*
 * nft_network_apply() - make the table if it is missing, then bring
 * network @net's part of it up to date: chain net_NAME, the sets
 * NAME_allow4/6 and NAME_deny4/6, and its elements of nets4/6, masq4/6,
 * ifs, l2 and dns4/6. One read when nothing changed; otherwise one batch,
 * one transaction, so no packet ever sees a half-made filter.
 */
int nft_network_apply(struct nft *nft, const struct network *net);

/* nft_network_remove() - take network @netname's part out of the table
 * (0 when it has none). */
int nft_network_remove(struct nft *nft, const char *netname);

/* nft_network_list() - call @cb with the name of every network that has a
 * part in the table; -ENOENT without the table. */
int nft_network_list(struct nft *nft,
		     int (*cb)(const char *netname, void *data), void *data);

/*
 * nft_forward_add() / nft_forward_del() - inbound DNAT: @f's host port to
 * @to4 / @to6 (either may be NULL) at port f->to.
 */
int nft_forward_add(struct nft *nft, const struct port_forward *f,
		    const struct cidr *to4, const struct cidr *to6);
int nft_forward_del(struct nft *nft, const struct port_forward *f);

/* nft_errmsg() - the kernel's extended-ack text for the last error on
 * @nft, or "". */
const char *nft_errmsg(const struct nft *nft);

#endif
