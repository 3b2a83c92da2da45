// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_network.c - one network's part of the table "inet pam_netns" (nft.h):
 *
 *   - chain net_NAME, its egress filter, with the sets NAME_deny4/6,
 *     NAME_allow4/6 and NAME_meta4/6 (the metadata endpoints it blocks,
 *     nft_meta.h), ending in "goto cap_NAME comment "pam_netns ..."";
 *   - chain cap_NAME, the count of each of its namespaces, with the
 *     dynamic sets NAME_ct4/6;
 *   - its elements of the shared sets: pool (or subnet) -> goto net_NAME
 *     in nets4/nets6 and -> goto cap_NAME in caps4/caps6, the same
 *     prefixes in masq4/masq6 when masqueraded, a bridge network's bridge
 *     in ifs and (-> goto cap_NAME) in l2; its DNS servers in dns4/6.
 *
 * The comment of the last rule is the part's record: the prefixes and the
 * bridge it added, and a digest of the rest. A login reads it (one dump of
 * one chain) and writes nothing when it matches the policy; a changed
 * network replaces exactly the elements that changed, and a removed one
 * takes out exactly its own, in one transaction either way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "net_kind.h"
#include "nft.h"
#include "nft_lib.h"
#include "nft_meta.h"
#include "util.h"

#define MARK_PREFIX "pam_netns "

/* ------------------------------------------------------------------ */
/* the filter                                                          */

static int span_cmp(const void *a, const void *b)
{
	return memcmp(((const struct nft_span *)a)->lo,
		      ((const struct nft_span *)b)->lo, 16);
}

/* Sorted, merged spans of the @family entries of @l: the kernel's
 * interval sets refuse overlapping elements. */
static size_t spans_of(const struct cidr_list *l, int family,
		       struct nft_span *out)
{
	size_t n = 0, m = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			nft_span_prefix(&l->v[i], &out[n++]);
	qsort(out, n, sizeof(*out), span_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && (out[m - 1].open ||
			  memcmp(out[i].lo, out[m - 1].hi, 16) <= 0)) {
			if (out[i].open || (!out[m - 1].open &&
			    memcmp(out[i].hi, out[m - 1].hi, 16) > 0)) {
				memcpy(out[m - 1].hi, out[i].hi, 16);
				out[m - 1].open = out[i].open;
			}
			continue;
		}
		out[m++] = out[i];
	}
	return m;
}

static void set_name(char *buf, size_t len, const char *net, const char *what)
{
	snprintf(buf, len, "%s_%s", net, what);
}

static void chain_name(char *buf, size_t len, const char *net)
{
	snprintf(buf, len, "net_%s", net);
}

static void cap_name(char *buf, size_t len, const char *net)
{
	snprintf(buf, len, "cap_%s", net);
}

/* The metadata endpoints @net blocks: at most one span more than there
 * are endpoints for each hole an allow entry makes. */
#define META_MAX (16 + CONF_MAX_LIST)

static int put_spans_set(struct nft_batch *bt, const char *name, int family,
			 const struct nft_span *spans, size_t n)
{
	struct nft_set_def d = { name, family == AF_INET ? TYPE_IPV4 : TYPE_IPV6,
			     family == AF_INET ? 4 : 16, NFT_SET_INTERVAL,
			     0, 0 };
	struct nftnl_set *s;
	int r = nft_put_set(bt, &d);

	/* flush, then refill: one transaction, so never seen half-done */
	if (!r && (s = nft_set_new(name)))
		r = nft_put_elems(bt, s, NFT_MSG_DELSETELEM);
	if (r || !n)
		return r;
	s = nft_set_new(name);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; !r && i < n; i++)
		r = nft_span_put(s, &spans[i], d.key_len, NULL);
	if (r) {
		nftnl_set_free(s);
		return r;
	}
	return nft_put_elems(bt, s, NFT_MSG_NEWSETELEM);
}

static int put_interval_set(struct nft_batch *bt, const char *name, int family,
			    const struct cidr_list *l)
{
	struct nft_span spans[CONF_MAX_LIST];

	return put_spans_set(bt, name, family, spans, spans_of(l, family,
								 spans));
}

static int put_meta_set(struct nft_batch *bt, const char *name, int family,
			const struct network *net)
{
	struct nft_span spans[META_MAX];

	return put_spans_set(bt, name, family, spans,
			     nft_meta_spans(net, family, spans, META_MAX));
}

/* A set of source addresses that each carry a count: flags dynamic,
 * emptied, so a changed limit holds for every namespace from now on. */
static int put_ct_set(struct nft_batch *bt, const char *name, int family)
{
	struct nft_set_def d = { name, family == AF_INET ? TYPE_IPV4 : TYPE_IPV6,
			     family == AF_INET ? 4 : 16, NFT_SET_EVAL, 0, 0 };
	struct nftnl_set *s;
	int r = nft_put_set(bt, &d);

	if (!r && !(s = nft_set_new(name)))
		r = -ENOMEM;
	return r ?: nft_put_elems(bt, s, NFT_MSG_DELSETELEM);
}

static bool has_family(const struct cidr_list *l, int family)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			return true;
	return false;
}

/* uplink = "eth0": the network's traffic leaves by that device or not at
 * all (a missing device means nothing leaves: fail closed) */
static int uplink_rule(struct nft_batch *bt, const struct network *net,
		       const char *chain)
{
	struct nftnl_rule *rl;
	char key[IFNAMSIZ];

	if (!*net->uplink)
		return 0;
	if (nft_ifname_key(net->uplink, key))
		return -ENAMETOOLONG;
	rl = nft_rule_new();
	ex_meta(rl, NFT_META_OIFNAME, NFT_REG_1);
	ex_cmp(rl, NFT_CMP_NEQ, key, IFNAMSIZ);
	ex_verdict(rl, NF_DROP, NULL);
	return nft_put_rule(bt, rl, chain);
}

/* chain net_NAME: deny lists drop; a non-empty allow list drops the rest */
static int net_rules(struct nft_batch *bt, const struct network *net,
		     const char *chain)
{
	char set[64];
	int r = uplink_rule(bt, net, chain);

	for (int f = 0; !r && f < 2; f++) {
		int fam = f ? AF_INET6 : AF_INET;
		struct nftnl_rule *rl = nft_rule_new();

		set_name(set, sizeof(set), net->name, f ? "deny6" : "deny4");
		ex_addr_load(rl, fam, true);
		ex_lookup(rl, set, false, NO_DREG);
		ex_verdict(rl, NF_DROP, NULL);
		r = nft_put_rule(bt, rl, chain);
		if (r || !net->allow.n)
			continue;
		/* allow = [ "0.0.0.0/0" ] alone denies IPv6: allow lists
		 * are per family, so an unlisted family has nothing */
		rl = nft_rule_new();
		if (has_family(&net->allow, fam)) {
			set_name(set, sizeof(set), net->name,
				 f ? "allow6" : "allow4");
			ex_addr_load(rl, fam, true);
			ex_lookup(rl, set, true, NO_DREG);
		} else {
			ex_nfproto(rl, f ? NFPROTO_IPV6 : NFPROTO_IPV4);
		}
		ex_verdict(rl, NF_DROP, NULL);
		r = nft_put_rule(bt, rl, chain);
	}
	/* the metadata endpoints: ip daddr @NAME_meta4 drop (and ip6) */
	for (int f = 0; !r && f < 2; f++) {
		struct nftnl_rule *rl = nft_rule_new();

		set_name(set, sizeof(set), net->name, f ? "meta6" : "meta4");
		ex_addr_load(rl, f ? AF_INET6 : AF_INET, true);
		ex_lookup(rl, set, false, NO_DREG);
		ex_verdict(rl, NF_DROP, NULL);
		r = nft_put_rule(bt, rl, chain);
	}
	return r;
}

/*
 * chain cap_NAME: ct state new add @NAME_ct4 { ip saddr ct count over N }
 * drop; the same for ip6; goto sess_cap. Each source address, so each
 * namespace, has its own count; a plain "ct count" would count them all
 * together.
 */
static int cap_rules(struct nft_batch *bt, const struct network *net,
		     const char *chain)
{
	uint32_t n = (uint32_t)net->conn_limit;
	struct nftnl_rule *rl;
	char set[64];
	int r = n ? 0 : nft_conn_share(NFT_CONN_SESSION_PERCENT, &n);

	for (int f = 0; !r && f < 2; f++) {
		rl = nft_rule_new();
		set_name(set, sizeof(set), net->name, f ? "ct6" : "ct4");
		ex_ct_bits(rl, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_NEW));
		ex_addr_load(rl, f ? AF_INET6 : AF_INET, false);
		ex_set_ct_count_over(rl, set, n);
		ex_verdict(rl, NF_DROP, NULL);
		r = nft_put_rule(bt, rl, chain);
	}
	if (r)
		return r;
	rl = nft_rule_new();
	ex_verdict(rl, NFT_GOTO, "sess_cap");
	return nft_put_rule(bt, rl, chain);
}

static int put_dns(struct nft_batch *bt, const struct cidr_list *dns)
{
	struct nftnl_set *s4 = nft_set_new("dns4"), *s6 = nft_set_new("dns6");
	size_t n4 = 0, n6 = 0;
	int r;

	if (!s4 || !s6) {
		nftnl_set_free(s4);
		nftnl_set_free(s6);
		return -ENOMEM;
	}
	for (size_t i = 0; i < dns->n; i++) {
		bool v4 = dns->v[i].family == AF_INET;

		nft_elem(v4 ? s4 : s6, dns->v[i].addr, v4 ? 4 : 16);
		v4 ? n4++ : n6++;
	}
	r = n4 ? nft_put_elems(bt, s4, NFT_MSG_NEWSETELEM) :
		 (nftnl_set_free(s4), 0);
	if (n6)
		r = r ?: nft_put_elems(bt, s6, NFT_MSG_NEWSETELEM);
	else
		nftnl_set_free(s6);
	return r;
}

static int flush_chain(struct nft_batch *bt, const char *chain)
{
	struct nftnl_rule *r = nft_rule_new();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nlh = nft_batch_msg(bt, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nft_batch_next(bt);
}

/* ------------------------------------------------------------------ */
/* the part's record                                                   */

/* What a network put in the shared sets, and a digest of its filter. */
struct part {
	struct cidr v4, v6;		/* nets4/nets6 (family 0: none) */
	bool masq;			/* and masq4/masq6 */
	char bridge[IFNAMSIZ];		/* ifs and l2 ("" : none) */
	unsigned long long digest;	/* uplink, allow, deny, dns, metadata,
					 * conn_limit */
};

static unsigned long long fnv(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static unsigned long long fnv_list(unsigned long long h,
				   const struct cidr_list *l)
{
	h = fnv(h, &l->n, sizeof(l->n));
	for (size_t i = 0; i < l->n; i++) {
		const struct cidr *c = &l->v[i];

		h = fnv(h, &c->family, sizeof(c->family));
		h = fnv(h, c->addr, sizeof(c->addr));
		h = fnv(h, &c->prefix, sizeof(c->prefix));
	}
	return h;
}

static void part_of(const struct network *net, struct part *p)
{
	const struct net_kind *k = net_kind_of(net->type);
	unsigned long long h = 0xcbf29ce484222325ull;

	memset(p, 0, sizeof(*p));
	/* the ranges its kind hands out (a nat's pools, a bridge's subnet) */
	for (size_t i = 0; k && i < k->n_ranges; i++) {
		const struct cidr *r = net_range_at(net, &k->ranges[i]);

		if (r->family == AF_INET)
			p->v4 = *r;
		else if (r->family == AF_INET6)
			p->v6 = *r;
	}
	/* only a bridge network has a bridge, and it masquerades only when
	 * it says so ("nat"); a nat network always does */
	p->masq = !*net->bridge || net->nat;
	snprintf(p->bridge, sizeof(p->bridge), "%s", net->bridge);
	h = fnv(h, net->uplink, strnlen(net->uplink, IFNAMSIZ));
	h = fnv_list(fnv_list(fnv_list(h, &net->allow), &net->deny),
		     &net->dns);
	h = fnv(h, &net->conn_limit, sizeof(net->conn_limit));
	for (int f = 0; f < 2; f++) {
		struct nft_span m[META_MAX];
		size_t n = nft_meta_spans(net, f ? AF_INET6 : AF_INET, m,
					  META_MAX);

		for (size_t i = 0; i < n; i++)
			h = fnv(fnv(fnv(h, m[i].lo, 16), m[i].hi, 16),
				&m[i].open, sizeof(m[i].open));
	}
	p->digest = h;
}

static void cidr_text(const struct cidr *c, char *buf, size_t len)
{
	if (c->family)
		(void)cidr_format(c, true, buf, len);
	else
		snprintf(buf, len, "-");
}

/* "pam_netns digest D v4 P v6 P masq 0|1 bridge NAME|-" */
static void part_format(const struct part *p, char *buf, size_t len)
{
	char v4[CIDR_STRLEN], v6[CIDR_STRLEN];

	cidr_text(&p->v4, v4, sizeof(v4));
	cidr_text(&p->v6, v6, sizeof(v6));
	snprintf(buf, len, MARK_PREFIX "digest %016llx v4 %s v6 %s masq %d "
		 "bridge %s", p->digest, v4, v6, p->masq,
		 *p->bridge ? p->bridge : "-");
}

static int part_parse(const char *text, struct part *p)
{
	char v4[CIDR_STRLEN], v6[CIDR_STRLEN], br[IFNAMSIZ];
	int masq;

	memset(p, 0, sizeof(*p));
	if (sscanf(text, MARK_PREFIX "digest %llx v4 %49s v6 %49s masq %d "
		   "bridge %15s", &p->digest, v4, v6, &masq, br) != 5)
		return -EINVAL;
	if ((strcmp(v4, "-") && cidr_parse(v4, true, &p->v4)) ||
	    (strcmp(v6, "-") && cidr_parse(v6, true, &p->v6)))
		return -EINVAL;
	p->masq = masq != 0;
	if (strcmp(br, "-"))
		snprintf(p->bridge, sizeof(p->bridge), "%s", br);
	return 0;
}

/* goto cap_NAME comment "pam_netns ...": the chain's last rule */
static int mark_rule(struct nft_batch *bt, const struct part *p,
		     const char *chain, const char *cap)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	struct nftnl_rule *r = nft_rule_new();
	char text[200];

	if (!ud || !r) {
		nftnl_udata_buf_free(ud);
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	part_format(p, text, sizeof(text));
	if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, text)) {
		nftnl_udata_buf_free(ud);
		nftnl_rule_free(r);
		return -ENOSPC;
	}
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	ex_verdict(r, NFT_GOTO, cap);
	return nft_put_rule(bt, r, chain);
}

struct mark_read {
	struct part *p;
	bool found;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **text = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT &&
	    nftnl_udata_len(attr) > 0 &&
	    ((const char *)nftnl_udata_get(attr))[nftnl_udata_len(attr) - 1] ==
	    '\0')
		*text = nftnl_udata_get(attr);
	return 0;
}

static int mark_cb(const struct nlmsghdr *h, void *data)
{
	struct mark_read *m = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *text = NULL;
	const void *ud;
	uint32_t len = 0;

	if (r && nftnl_rule_nlmsg_parse(h, r) == 0 &&
	    (ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len)) &&
	    nftnl_udata_parse(ud, len, comment_cb, &text) >= 0 && text &&
	    !part_parse(text, m->p))
		m->found = true;
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* The record of network @name's part: 0, or -ENOENT when it has none. */
static int part_read(struct nft *nft, const char *name, struct part *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], chain[64];
	struct nlmsghdr *nlh = nft_request_hdr(buf, NFT_MSG_GETRULE,
					       NLM_F_DUMP);
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct mark_read m = { p, false };
	int ret;

	if (!r)
		return -ENOMEM;
	chain_name(chain, sizeof(chain), name);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = nft_request(nft, nlh, mark_cb, &m);
	if (ret)
		return ret;
	return m.found ? 0 : -ENOENT;
}

/* ------------------------------------------------------------------ */
/* the part's elements of the shared sets                              */

static bool cidr_same(const struct cidr *a, const struct cidr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* One element group: a prefix in nets4/6 or masq4/6, or a bridge. */
enum group { G_NETS4, G_MASQ4, G_NETS6, G_MASQ6, G_BRIDGE, G_N };

static bool has_group(const struct part *p, enum group g)
{
	switch (g) {
	case G_NETS4:	return p->v4.family;
	case G_MASQ4:	return p->v4.family && p->masq;
	case G_NETS6:	return p->v6.family;
	case G_MASQ6:	return p->v6.family && p->masq;
	default:	return *p->bridge;
	}
}

static bool same_group(const struct part *a, const struct part *b,
		       enum group g)
{
	if (has_group(a, g) != has_group(b, g))
		return false;
	if (g == G_BRIDGE)
		return !strcmp(a->bridge, b->bridge);
	return cidr_same(g < G_NETS6 ? &a->v4 : &a->v6,
			 g < G_NETS6 ? &b->v4 : &b->v6);
}

static bool part_same(const struct part *a, const struct part *b)
{
	for (int g = 0; g < G_N; g++)
		if (!same_group(a, b, (enum group)g))
			return false;
	return a->digest == b->digest;
}

/* The l2 element of a bridge: bridge . bridge -> goto cap_NAME */
static int put_l2(struct nft_batch *bt, const char *bridge, const char *cap,
		  uint16_t type)
{
	struct nftnl_set *s = nft_set_new("l2");
	struct nftnl_set_elem *e;
	char key[2 * IFNAMSIZ];

	if (!s || nft_ifname_key(bridge, key) ||
	    nft_ifname_key(bridge, key + IFNAMSIZ) ||
	    !(e = nft_elem(s, key, sizeof(key)))) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	if (type == NFT_MSG_NEWSETELEM) {
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, NFT_GOTO);
		nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, cap);
	}
	return nft_put_elems(bt, s, type);
}

/* @sp into (or out of) set @set; a map's element goes to @chain */
static int put_span(struct nft_batch *bt, const char *set,
		    const struct nft_span *sp, uint32_t len, const char *chain,
		    uint16_t type)
{
	struct nftnl_set *s = nft_set_new(set);
	int r = s ? nft_span_put(s, sp, len, type == NFT_MSG_NEWSETELEM ?
				 chain : NULL) : -ENOMEM;

	if (r) {
		nftnl_set_free(s);
		return r;
	}
	return nft_put_elems(bt, s, type);
}

/*
 * Add (NEWSETELEM) or delete (DELSETELEM) element @e of group @g of @p:
 * a pool is in nets (the network's filter, e 0) and in caps (its count,
 * e 1); a bridge in ifs (e 0) and in l2 (e 1). Return: 1 when the group
 * has no element @e.
 */
static int put_elem(struct nft_batch *bt, const char *name,
		    const struct part *p, enum group g, int e, uint16_t type)
{
	static const char *const sets[][2] = {
		[G_NETS4] = { "nets4", "caps4" }, [G_MASQ4] = { "masq4" },
		[G_NETS6] = { "nets6", "caps6" }, [G_MASQ6] = { "masq6" },
		[G_BRIDGE] = { "ifs", "l2" },
	};
	char chain[64], cap[64];
	struct nft_span sp;
	uint32_t len = g == G_BRIDGE ? IFNAMSIZ : (g < G_NETS6 ? 4 : 16);

	if (!sets[g][e])
		return 1;
	chain_name(chain, sizeof(chain), name);
	cap_name(cap, sizeof(cap), name);
	if (g == G_BRIDGE && e)
		return put_l2(bt, p->bridge, cap, type);
	if (g == G_BRIDGE)
		nft_span_ifname(p->bridge, false, &sp);
	else
		nft_span_prefix(g < G_NETS6 ? &p->v4 : &p->v6, &sp);
	return put_span(bt, sets[g][e], &sp, len,
			g == G_BRIDGE || g == G_MASQ4 || g == G_MASQ6 ? NULL :
			(e ? cap : chain), type);
}

/* Add (NEWSETELEM) or delete (DELSETELEM) group @g of @p. */
static int put_group(struct nft_batch *bt, const char *name,
		     const struct part *p, enum group g, uint16_t type)
{
	int r = 0;

	for (int e = 0; r <= 0 && e < 2; e++)
		r = put_elem(bt, name, p, g, e, type);
	return r > 0 ? 0 : r;
}

/* The groups of @from that @other lacks, added or deleted. */
static int put_groups(struct nft_batch *bt, const char *name,
		      const struct part *from, const struct part *other,
		      uint16_t type)
{
	int r = 0;

	for (int g = 0; !r && g < G_N; g++)
		if (has_group(from, (enum group)g) &&
		    (!other || !same_group(from, other, (enum group)g)))
			r = put_group(bt, name, from, (enum group)g, type);
	return r;
}

/* ------------------------------------------------------------------ */
/* apply, remove, list                                                 */

/* the network's own sets: NAME_deny4, ...; IPv4 first, then IPv6 */
static const char *const filter_sets[] = { "deny4", "deny6", "allow4",
					   "allow6", "meta4", "meta6", "ct4",
					   "ct6" };

static int put_sets(struct nft_batch *bt, const struct network *net)
{
	char set[64];
	int r = 0;

	for (size_t i = 0; !r && i < ARRAY_SIZE(filter_sets); i++) {
		int fam = i % 2 ? AF_INET6 : AF_INET;

		set_name(set, sizeof(set), net->name, filter_sets[i]);
		if (i < 4)
			r = put_interval_set(bt, set, fam, i < 2 ? &net->deny :
							 &net->allow);
		else if (i < 6)
			r = put_meta_set(bt, set, fam, net);
		else
			r = put_ct_set(bt, set, fam);
	}
	return r;
}

/* One transaction: @old's stale elements out, the filter and the count
 * rewritten, the record and @want's new elements in. */
static int write_part(struct nft *nft, const struct network *net,
		      const struct part *want, const struct part *old)
{
	char chain[64], cap[64];
	struct nft_batch bt;
	int r = nft_batch_start(&bt, nft);

	if (r)
		return r;
	chain_name(chain, sizeof(chain), net->name);
	cap_name(cap, sizeof(cap), net->name);
	if (old)
		r = put_groups(&bt, net->name, old, want, NFT_MSG_DELSETELEM);
	r = r ?: put_sets(&bt, net);
	r = r ?: nft_put_chain(&bt, cap, NULL, 0, 0);
	r = r ?: nft_put_chain(&bt, chain, NULL, 0, 0);
	r = r ?: flush_chain(&bt, cap);
	r = r ?: flush_chain(&bt, chain);
	r = r ?: cap_rules(&bt, net, cap);
	r = r ?: net_rules(&bt, net, chain);
	r = r ?: mark_rule(&bt, want, chain, cap);
	/* all of them, not only the changed ones: adding an element that is
	 * there is a no-op, and one removed by hand comes back */
	r = r ?: put_groups(&bt, net->name, want, NULL, NFT_MSG_NEWSETELEM);
	r = r ?: put_dns(&bt, &net->dns);
	return nft_batch_finish(&bt, r);
}

/* Each element of @p alone: whatever of it is still there goes. */
static void del_groups_each(struct nft *nft, const char *name,
			    const struct part *p)
{
	for (int g = 0; g < G_N; g++)
		for (int e = 0; e < 2; e++) {
			struct nft_batch bt;
			int r;

			if (!has_group(p, (enum group)g) ||
			    nft_batch_start(&bt, nft))
				continue;
			r = put_elem(&bt, name, p, (enum group)g, e,
				     NFT_MSG_DELSETELEM);
			(void)nft_batch_finish(&bt, r > 0 ? -ENODATA : r);
		}
}

int nft_network_apply(struct nft *nft, const struct network *net)
{
	struct part want, have;
	int r, e;

	part_of(net, &want);
	r = part_read(nft, net->name, &have);
	if (!r && part_same(&want, &have))
		return 0;
	if (r && r != -ENOENT)
		return r;
	e = nft_table_ensure(nft);
	if (e < 0)
		return e;
	/* no record yet, or one of a table of an older layout, made anew */
	if (r == -ENOENT || e > 0)
		return write_part(nft, net, &want, NULL);
	r = write_part(nft, net, &want, &have);
	if (r != -ENOENT)
		return r;
	/* an element of the record is gone (removed by hand): one missing
	 * element aborts the batch, so take the rest out one by one */
	del_groups_each(nft, net->name, &have);
	return write_part(nft, net, &want, NULL);
}

static int del_chain(struct nft_batch *bt, const char *chain)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nftnl_chain_nlmsg_build_payload(nft_batch_msg(bt, NFT_MSG_DELCHAIN, 0),
					c);
	nftnl_chain_free(c);
	return nft_batch_next(bt);
}

/* The elements, then net_NAME (which goes to cap_NAME), cap_NAME (which
 * holds the ct sets) and the sets. */
static int remove_batch(struct nft *nft, const char *name,
			const struct part *p)
{
	char chain[64], set[64];
	struct nft_batch bt;
	int r = nft_batch_start(&bt, nft);

	if (r)
		return r;
	r = p ? put_groups(&bt, name, p, NULL, NFT_MSG_DELSETELEM) : 0;
	chain_name(chain, sizeof(chain), name);
	r = r ?: del_chain(&bt, chain);
	cap_name(chain, sizeof(chain), name);
	r = r ?: del_chain(&bt, chain);
	for (size_t i = 0; !r && i < ARRAY_SIZE(filter_sets); i++) {
		struct nftnl_set *s;

		set_name(set, sizeof(set), name, filter_sets[i]);
		s = nft_set_new(set);
		if (!s) {
			r = -ENOMEM;
			break;
		}
		nftnl_set_nlmsg_build_payload(nft_batch_msg(&bt, NFT_MSG_DELSET,
							    0), s);
		nftnl_set_free(s);
		r = nft_batch_next(&bt);
	}
	return nft_batch_finish(&bt, r);
}

int nft_network_remove(struct nft *nft, const char *netname)
{
	struct part p;
	int r = part_read(nft, netname, &p);

	if (r && r != -ENOENT)
		return r;
	r = remove_batch(nft, netname, r ? NULL : &p);
	if (r == -ENOENT && !part_read(nft, netname, &p)) {
		del_groups_each(nft, netname, &p);
		r = remove_batch(nft, netname, NULL);
	}
	return r == -ENOENT ? 0 : r;
}

/* The names are collected first and @cb runs after the dump: @cb may
 * talk to nf_tables itself, on the same socket. */
struct chain_list {
	char (*names)[NET_NAME_MAX + 1];
	size_t n, max;
};

static int chain_cb(const struct nlmsghdr *h, void *data)
{
	struct chain_list *cl = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *name;

	if (c && nftnl_chain_nlmsg_parse(h, c) == 0 &&
	    (name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME)) &&
	    !strncmp(name, "net_", 4) && strlen(name + 4) <= NET_NAME_MAX &&
	    !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE) ?: "", NFT_TABLE)) {
		if (cl->n == cl->max) {
			size_t max = cl->max ? 2 * cl->max : 16;
			void *p = realloc(cl->names, max * sizeof(*cl->names));

			if (!p) {
				nftnl_chain_free(c);
				return MNL_CB_ERROR;
			}
			cl->names = p;
			cl->max = max;
		}
		snprintf(cl->names[cl->n++], sizeof(*cl->names), "%s", name + 4);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

int nft_network_list(struct nft *nft,
		     int (*cb)(const char *netname, void *data), void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nft_request_hdr(buf, NFT_MSG_GETCHAIN,
					       NLM_F_DUMP);
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct chain_list cl = { 0 };
	int r;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	r = nft_request(nft, nlh, chain_cb, &cl);
	for (size_t i = 0; !r && i < cl.n; i++)
		r = cb(cl.names[i], data);
	free(cl.names);
	return r;
}
