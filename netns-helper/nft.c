// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - the table "inet pam_netns" (see nft.h for the ruleset): its
 * sets, base chains and static rules, and inbound port forwards. Every
 * public call that changes something is one batch, one atomic transaction.
 * A network's own part of the table is in nft_network.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nft.h"
#include "nft_lib.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* the table                                                           */

static const struct nft_set_def table_sets[] = {
	{ "ifs", TYPE_IFNAME, IFNAMSIZ, NFT_SET_INTERVAL, 0, 0 },
	{ "nets4", TYPE_IPV4, 4, NFT_SET_MAP | NFT_SET_INTERVAL,
	  NFT_DATA_VERDICT, 0 },
	{ "nets6", TYPE_IPV6, 16, NFT_SET_MAP | NFT_SET_INTERVAL,
	  NFT_DATA_VERDICT, 0 },
	{ "caps4", TYPE_IPV4, 4, NFT_SET_MAP | NFT_SET_INTERVAL,
	  NFT_DATA_VERDICT, 0 },
	{ "caps6", TYPE_IPV6, 16, NFT_SET_MAP | NFT_SET_INTERVAL,
	  NFT_DATA_VERDICT, 0 },
	{ "masq4", TYPE_IPV4, 4, NFT_SET_INTERVAL, 0, 0 },
	{ "masq6", TYPE_IPV6, 16, NFT_SET_INTERVAL, 0, 0 },
	{ "dns4", TYPE_IPV4, 4, 0, 0, 0 },
	{ "dns6", TYPE_IPV6, 16, 0, 0, 0 },
	{ "fwd4", CONCAT(TYPE_PROTO, TYPE_SERVICE), 8, NFT_SET_MAP,
	  CONCAT(TYPE_IPV4, TYPE_SERVICE), 8 },
	{ "fwd6", CONCAT(TYPE_PROTO, TYPE_SERVICE), 8, NFT_SET_MAP,
	  CONCAT(TYPE_IPV6, TYPE_SERVICE), 20 },
	{ "l2", CONCAT(TYPE_IFNAME, TYPE_IFNAME), 2 * IFNAMSIZ, NFT_SET_MAP,
	  NFT_DATA_VERDICT, 0 },
};

/* ct state established,related accept */
static int rule_replies(struct nft_batch *bt, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();

	ex_ct_bits(r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
				 NF_CT_STATE_BIT(IP_CT_RELATED));
	ex_verdict(r, NF_ACCEPT, NULL);
	return nft_put_rule(bt, r, chain);
}

/* ICMPv6 neighbour discovery (types 133-137) accept: without it the
 * link does not work at all */
static int rule_nd(struct nft_batch *bt, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();
	static const uint8_t nd_from = 133, nd_to = 137;
	struct nftnl_expr *e;

	ex_nfproto(r, NFPROTO_IPV6);
	ex_l4proto(r, IPPROTO_ICMPV6);
	ex_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	e = nftnl_expr_alloc("range");
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, &nd_from, 1);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, &nd_to, 1);
	ex_add(r, e);
	ex_verdict(r, NF_ACCEPT, NULL);
	return nft_put_rule(bt, r, chain);
}

/* fib saddr . iif oif missing drop: a source is trusted to name its
 * network (and its count) only when it routes back through its own link */
static int rule_no_spoof(struct nft_batch *bt, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();
	static const uint32_t no_oif;
	struct nftnl_expr *e = nftnl_expr_alloc("fib");

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_SADDR |
						    NFTA_FIB_F_IIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	ex_add(r, e);
	ex_cmp(r, NFT_CMP_EQ, &no_oif, 4);
	ex_verdict(r, NF_DROP, NULL);
	return nft_put_rule(bt, r, chain);
}

static int rule_drop(struct nft_batch *bt, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();

	ex_verdict(r, NF_DROP, NULL);
	return nft_put_rule(bt, r, chain);
}

/* [io]ifname @ifs VERDICT [TARGET], in @chain: a session link's traffic */
static int rule_ifs(struct nft_batch *bt, uint32_t key, int verdict,
		    const char *target, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();

	ex_ifname_in(r, key, "ifs", false);
	ex_verdict(r, verdict, target);
	return nft_put_rule(bt, r, chain);
}

/* chain input: iifname @ifs jump from_sess_in */
static int rules_input(struct nft_batch *bt)
{
	struct nftnl_rule *r;
	int ret = rule_ifs(bt, NFT_META_IIFNAME, NFT_JUMP, "from_sess_in",
			   "input");

	/* replies to what the host started */
	ret = ret ?: rule_replies(bt, "from_sess_in");
	ret = ret ?: rule_nd(bt, "from_sess_in");
	ret = ret ?: rule_no_spoof(bt, "from_sess_in");

	/* the DNS servers the session was given, over UDP and TCP, within
	 * the count of the session's network (cap_NETWORK drops or accepts);
	 * a source of no network gets nothing */
	for (int fam = 0; fam < 2; fam++)
		for (int p = 0; p < 2; p++) {
			r = nft_rule_new();
			ex_addr_load(r, fam ? AF_INET6 : AF_INET, true);
			ex_lookup(r, fam ? "dns6" : "dns4", false, NO_DREG);
			ex_l4proto(r, p ? IPPROTO_TCP : IPPROTO_UDP);
			ex_th_dport(r, 53);
			ex_addr_load(r, fam ? AF_INET6 : AF_INET, false);
			ex_lookup(r, fam ? "caps6" : "caps4", false,
				  NFT_REG_VERDICT);
			ret = ret ?: nft_put_rule(bt, r, "from_sess_in");
		}

	/* anything else to any of the host's own addresses */
	return ret ?: rule_drop(bt, "from_sess_in");
}

/* chain output: oifname @ifs jump to_sess_out. A process of the host -
 * of any user, root too - opens nothing into a session or a bridge
 * network: only replies and neighbour discovery go that way. */
static int rules_output(struct nft_batch *bt)
{
	int ret = rule_ifs(bt, NFT_META_OIFNAME, NFT_JUMP, "to_sess_out",
			   "output");

	ret = ret ?: rule_replies(bt, "to_sess_out");
	ret = ret ?: rule_nd(bt, "to_sess_out");
	return ret ?: rule_drop(bt, "to_sess_out");
}

static int rules_forward(struct nft_batch *bt)
{
	struct nftnl_rule *r = nft_rule_new();
	int ret;

	/* iifname . oifname vmap @l2: with br_netfilter on, traffic
	 * between the members of a bridge network passes this hook with the
	 * bridge as both devices; it is theirs to exchange, within the
	 * count of their network (cap_NETWORK accepts). */
	ex_meta(r, NFT_META_IIFNAME, NFT_REG_1);
	ex_meta(r, NFT_META_OIFNAME, NFT_REG_2);
	ex_lookup(r, "l2", false, NFT_REG_VERDICT);
	ret = nft_put_rule(bt, r, "forward");
	ret = ret ?: rule_ifs(bt, NFT_META_IIFNAME, NFT_JUMP, "from_sess",
			      "forward");
	ret = ret ?: rule_ifs(bt, NFT_META_OIFNAME, NFT_JUMP, "to_sess",
			      "forward");

	/* session to session, either way */
	ret = ret ?: rule_ifs(bt, NFT_META_OIFNAME, NF_DROP, NULL,
			      "from_sess");
	/* what was let out once goes on: the filter below judges new flows */
	ret = ret ?: rule_replies(bt, "from_sess");
	ret = ret ?: rule_no_spoof(bt, "from_sess");
	/* ip saddr vmap @nets4, ip6 saddr vmap @nets6: the network's own
	 * egress filter (metadata endpoints included); a source of no
	 * network gets nothing */
	for (int f = 0; f < 2; f++) {
		r = nft_rule_new();
		ex_addr_load(r, f ? AF_INET6 : AF_INET, false);
		ex_lookup(r, f ? "nets6" : "nets4", false, NFT_REG_VERDICT);
		ret = ret ?: nft_put_rule(bt, r, "from_sess");
	}
	ret = ret ?: rule_drop(bt, "from_sess");

	/* into a session: only replies and forwarded ports */
	ret = ret ?: rule_replies(bt, "to_sess");
	r = nft_rule_new();
	ex_ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT);
	ex_verdict(r, NF_ACCEPT, NULL);
	ret = ret ?: nft_put_rule(bt, r, "to_sess");
	return ret ?: rule_drop(bt, "to_sess");
}

/* dnat to (meta l4proto . th dport) map @fwd4/@fwd6, from outside only */
static int rule_dnat(struct nft_batch *bt, int family)
{
	struct nftnl_rule *r = nft_rule_new();
	struct nftnl_expr *e;
	uint32_t local = RTN_LOCAL;

	ex_ifname_in(r, NFT_META_IIFNAME, "ifs", true);
	e = nftnl_expr_alloc("fib");
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	ex_add(r, e);
	ex_cmp(r, NFT_CMP_EQ, &local, 4);
	ex_nfproto(r, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	/* the key: two 32-bit registers, each field padded to 4 bytes */
	ex_meta(r, NFT_META_L4PROTO, NFT_REG32_00);
	ex_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	ex_lookup(r, family == AF_INET ? "fwd4" : "fwd6", false, NFT_REG32_04);
	e = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family == AF_INET ?
			   NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG32_04);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, family == AF_INET ?
			   NFT_REG32_05 : NFT_REG32_08);
	ex_add(r, e);
	return nft_put_rule(bt, r, "prerouting");
}

/* ip saddr @masq4 oifname != @ifs masquerade (and ip6) */
static int rule_masq(struct nft_batch *bt, int family)
{
	struct nftnl_rule *r = nft_rule_new();

	ex_addr_load(r, family, false);
	ex_lookup(r, family == AF_INET ? "masq4" : "masq6", false, NO_DREG);
	ex_ifname_in(r, NFT_META_OIFNAME, "ifs", true);
	ex_add(r, nftnl_expr_alloc("masq"));
	return nft_put_rule(bt, r, "postrouting");
}

/*
 * 1 when the table is there in this layout, 0 when it is not. Its chain
 * sess_cap is made last: a table without it is of an older layout (no
 * caps, no output chain) or was left half made, and is taken down first,
 * so nft_table_ensure() makes it anew: the networks' parts then come back
 * at their next login or `gc`.
 */
static int table_current(struct nft *nft)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nft_request_hdr(buf, NFT_MSG_GETCHAIN, 0);
	struct nftnl_chain *c = nftnl_chain_alloc();
	int r;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "sess_cap");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	r = nft_request(nft, nlh, NULL, NULL);
	if (r == -ENOENT)
		return nft_table_delete(nft);	/* 0 when there is none */
	return r ? r : 1;
}

int nft_conn_share(unsigned percent, uint32_t *ret_n)
{
	char buf[32];
	_cleanup_close_ int fd = open("/proc/sys/net/netfilter/nf_conntrack_max",
				      O_RDONLY | O_CLOEXEC);
	unsigned long long max;
	ssize_t n;
	char *end;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n ? -errno : -EIO;
	buf[n] = '\0';
	errno = 0;
	max = strtoull(buf, &end, 10);
	if (errno || end == buf || max > UINT32_MAX)
		return -EINVAL;
	if (!max)
		max = NFT_CONN_MAX_UNSET;
	*ret_n = (uint32_t)(max * percent / 100) ?: 1;
	return 0;
}

/* ifs gets "pnh*" once: every nat session link, by its name */
static int session_links(struct nft_batch *bt)
{
	struct nftnl_set *s = nft_set_new("ifs");
	struct nft_span sp;

	if (!s)
		return -ENOMEM;
	nft_span_ifname(NFT_SESSION_IF_PREFIX, true, &sp);
	if (nft_span_put(s, &sp, IFNAMSIZ, NULL)) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	return nft_put_elems(bt, s, NFT_MSG_NEWSETELEM);
}

/* Everything but sess_cap, in one batch. */
static int table_batch(struct nft *nft)
{
	static const struct {
		const char *name, *type;
		int hook, prio;
	} chains[] = {
		{ "input", "filter", NF_INET_LOCAL_IN, 0 },
		{ "output", "filter", NF_INET_LOCAL_OUT, 0 },
		{ "forward", "filter", NF_INET_FORWARD, 0 },
		{ "prerouting", "nat", NF_INET_PRE_ROUTING, -100 },
		{ "postrouting", "nat", NF_INET_POST_ROUTING, 100 },
		{ "from_sess_in", NULL, 0, 0 },
		{ "to_sess_out", NULL, 0, 0 },
		{ "from_sess", NULL, 0, 0 },
		{ "to_sess", NULL, 0, 0 },
	};
	struct nftnl_table *t;
	struct nft_batch bt;
	int r = nft_batch_start(&bt, nft);

	if (r)
		return r;
	t = nftnl_table_alloc();
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(nft_batch_msg(&bt, NFT_MSG_NEWTABLE,
						  NLM_F_CREATE), t);
	nftnl_table_free(t);
	r = nft_batch_next(&bt);
	for (size_t i = 0; !r && i < ARRAY_SIZE(table_sets); i++)
		r = nft_put_set(&bt, &table_sets[i]);
	for (size_t i = 0; !r && i < ARRAY_SIZE(chains); i++)
		r = nft_put_chain(&bt, chains[i].name, chains[i].type,
			      chains[i].hook, chains[i].prio);
	r = r ?: session_links(&bt);
	r = r ?: rules_input(&bt);
	r = r ?: rules_output(&bt);
	r = r ?: rules_forward(&bt);
	for (int f = 0; !r && f < 2; f++)
		r = rule_dnat(&bt, f ? AF_INET6 : AF_INET) ?:
		    rule_masq(&bt, f ? AF_INET6 : AF_INET);
	return nft_batch_finish(&bt, r);
}

/*
 * chain sess_cap: ct state new ct count over TOTAL drop; accept. One
 * rule, so one count for all sessions together. A batch of its own after
 * the rest: the ct rules of that one load connection tracking, and with
 * it nf_conntrack_max, which TOTAL is a share of.
 */
static int cap_batch(struct nft *nft)
{
	struct nftnl_rule *rl;
	struct nft_batch bt;
	uint32_t total;
	int r = nft_conn_share(NFT_CONN_TOTAL_PERCENT, &total);

	r = r ?: nft_batch_start(&bt, nft);
	if (r)
		return r;
	r = nft_put_chain(&bt, "sess_cap", NULL, 0, 0);
	if (!r) {
		rl = nft_rule_new();
		ex_ct_bits(rl, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_NEW));
		ex_ct_count_over(rl, total);
		ex_verdict(rl, NF_DROP, NULL);
		r = nft_put_rule(&bt, rl, "sess_cap");
	}
	if (!r) {
		rl = nft_rule_new();
		ex_verdict(rl, NF_ACCEPT, NULL);
		r = nft_put_rule(&bt, rl, "sess_cap");
	}
	return nft_batch_finish(&bt, r);
}

int nft_table_ensure(struct nft *nft)
{
	int r = table_current(nft);

	if (r)
		return r < 0 ? r : 0;
	r = table_batch(nft);
	r = r ?: cap_batch(nft);
	return r ?: 1;
}

int nft_table_delete(struct nft *nft)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nft_batch bt;
	int r = nft_batch_start(&bt, nft);

	if (r) {
		nftnl_table_free(t);
		return r;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(nft_batch_msg(&bt, NFT_MSG_DELTABLE, 0),
					t);
	nftnl_table_free(t);
	r = nft_batch_finish(&bt, nft_batch_next(&bt));
	return r == -ENOENT ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* port forwards                                                       */

/* proto . port, each field padded to a 32-bit register */
static void fwd_key(const struct port_forward *f, uint8_t key[8])
{
	uint16_t port = htons(f->port);

	memset(key, 0, 8);
	key[0] = f->proto;
	memcpy(key + 4, &port, 2);
}

/* @key -> @data (NULL when deleting) in map @set */
static int put_fwd(struct nft_batch *bt, uint16_t type, const char *set,
		   const uint8_t key[8], const void *data, uint32_t dlen)
{
	struct nftnl_set *s = nft_set_new(set);
	struct nftnl_set_elem *e = s ? nft_elem(s, key, 8) : NULL;

	if (!e) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	if (data)
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, data, dlen);
	return nft_put_elems(bt, s, type);
}

int nft_forward_add(struct nft *nft, const struct port_forward *f,
		    const struct cidr *to4, const struct cidr *to6)
{
	uint8_t key[8], data[20];
	uint16_t to = htons(f->to);
	struct nft_batch bt;
	int r = nft_batch_start(&bt, nft);

	fwd_key(f, key);
	if (!r && to4) {
		memset(data, 0, sizeof(data));
		memcpy(data, to4->addr, 4);
		memcpy(data + 4, &to, 2);
		r = put_fwd(&bt, NFT_MSG_NEWSETELEM, "fwd4", key, data, 8);
	}
	if (!r && to6) {
		memset(data, 0, sizeof(data));
		memcpy(data, to6->addr, 16);
		memcpy(data + 16, &to, 2);
		r = put_fwd(&bt, NFT_MSG_NEWSETELEM, "fwd6", key, data, 20);
	}
	return nft_batch_finish(&bt, r);
}

/* Each map alone: a missing element aborts its own batch only. */
int nft_forward_del(struct nft *nft, const struct port_forward *f)
{
	uint8_t key[8];
	int r = 0;

	fwd_key(f, key);
	for (int i = 0; i < 2; i++) {
		struct nft_batch bt;
		int e = nft_batch_start(&bt, nft);

		if (!e)
			e = nft_batch_finish(&bt, put_fwd(&bt,
					NFT_MSG_DELSETELEM, i ? "fwd6" : "fwd4",
					key, NULL, 0));
		if (e && e != -ENOENT)
			r = e;
	}
	return r;
}
