// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl.c - rtnetlink over libmnl (see nl.h): one function per kernel
 * operation, each building one message the way libmnl's rtnl examples do.
 *
 * Every request asks for an ACK, and the ACK's error is turned into
 * -errno here (as mnl_cb_error does) by the NLMSG_ERROR callback of the
 * one reply loop, nl_replies() over mnl_cb_run2(), which rtnetlink,
 * generic netlink (wg_kernel.c) and nf_tables batches (nft_lib.c) share;
 * with NETLINK_EXT_ACK on, the kernel's reason text is kept in the
 * socket's own struct for nl_errmsg(), so a failure says *why* ("File
 * exists", and which attribute) rather than leaving a stale errno.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netns_file.h"
#include "nl.h"
#include "util.h"

#define NL_BUF 32768

const char *nl_errmsg(const struct nl *nl)
{
	return nl->errmsg;
}

static int open_here(struct nl *nl, int family)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open2(family, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		nl_close(nl);
		return r;
	}
	/* Both are best effort: older kernels lack them, and the only loss
	 * is a less precise message. */
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

struct open_args {
	struct nl *nl;
	int family;
};

static int open_cb(void *data)
{
	struct open_args *a = data;

	return open_here(a->nl, a->family);
}

int nl_open_family(struct nl *nl, int family, int netns_fd)
{
	struct open_args a = { nl, family };

	if (netns_fd < 0)
		return open_here(nl, family);
	/* a socket keeps the namespace it was born in */
	return netns_do_in(netns_fd, open_cb, &a);
}

int nl_open(struct nl *nl)
{
	return nl_open_family(nl, NETLINK_ROUTE, -1);
}

int nl_open_in(struct nl *nl, int netns_fd)
{
	return nl_open_family(nl, NETLINK_ROUTE, netns_fd);
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* The error of NLMSG_ERROR @h (0 for an ACK); the kernel's extended-ack
 * text, if any, into @nl's errmsg. */
static int ack_error(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
	size_t off = sizeof(*e);

	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) < h->nlmsg_len)
			(void)mnl_attr_parse_payload((const char *)e + off,
						     h->nlmsg_len -
						     mnl_nlmsg_size(off),
						     ext_ack_attr, nl);
	}
	return e->error;
}

/* Is @h an answer to what nl_replies() waits for? Others are left over
 * from an earlier request (a dump its caller stopped reading). */
static bool ours(const struct nl_wait *w, const struct nlmsghdr *h)
{
	return h->nlmsg_seq - w->first_seq <= w->last_seq - w->first_seq;
}

static int data_cb(const struct nlmsghdr *h, void *data)
{
	struct nl_wait *w = data;
	int r;

	if (!ours(w, h) || !w->cb)
		return MNL_CB_OK;
	r = w->cb(h, w->data);
	if (r == MNL_CB_ERROR)
		w->err = errno ? -errno : -EIO;
	return r;
}

static int error_cb(const struct nlmsghdr *h, void *data)
{
	struct nl_wait *w = data;
	int e;

	if (!ours(w, h))
		return MNL_CB_OK;
	e = ack_error(w->nl, h);
	if (e) {
		w->err = e;
		w->err_seq = h->nlmsg_seq;
		/* after an error a batch is aborted: the rest may not ack */
		return MNL_CB_STOP;
	}
	return --w->acks > 0 ? MNL_CB_OK : MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *h, void *data)
{
	return ours(data, h) ? MNL_CB_STOP : MNL_CB_OK;
}

/*
 * An interrupted dump (the table changed while it was read) is taken as
 * it comes, as ip(8) does: the callers read it once to decide, and
 * reading it again would call their callbacks twice. libmnl stops at the
 * flag, so it is cleared first.
 */
static void take_interrupted(char *buf, int len)
{
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
	     h = mnl_nlmsg_next(h, &len))
		h->nlmsg_flags &= (uint16_t)~NLM_F_DUMP_INTR;
}

int nl_replies(struct nl *nl, struct nl_wait *w)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	_cleanup_free_ char *buf = malloc(NL_BUF);
	int r;

	if (!buf)
		return -ENOMEM;
	w->nl = nl;
	w->err = 0;
	do {
		ssize_t got = mnl_socket_recvfrom(nl->sk, buf, NL_BUF);

		if (got < 0)
			return -errno;
		take_interrupted(buf, (int)got);
		/* seq 0: ours() picks the answers, skipping leftovers */
		r = mnl_cb_run2(buf, (size_t)got, 0, nl->portid, data_cb, w,
				ctl, NLMSG_MIN_TYPE);
	} while (r > MNL_CB_STOP);
	if (w->err)
		return w->err;
	return r < 0 ? -errno : 0;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	/* NLM_F_DUMP is two bits, and NLM_F_EXCL shares one of them */
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct nl_wait w = { .cb = cb, .data = data, .acks = 1 };

	nl->errmsg[0] = '\0';
	nlh->nlmsg_seq = ++nl->seq;
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	w.first_seq = w.last_seq = nl->seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return nl_replies(nl, &w);
}

/*
 * Start a request in @buf (MNL_SOCKET_BUFFER_SIZE bytes). The buffer is
 * zeroed first: libmnl leaves the alignment padding after attributes
 * as it finds it, and stack bytes must not go to the kernel.
 */
static struct nlmsghdr *msg(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static struct ifinfomsg *link_hdr(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

static int index_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

int nl_link_index(struct nl *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETLINK, 0);
	int idx = 0, r;

	link_hdr(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = nl_request(nl, nlh, index_cb, &idx);
	if (r == -ENODEV || (!r && idx <= 0))
		return -ENODEV;
	return r ? r : idx;
}

static int link_updown(struct nl *nl, int ifindex, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = link_hdr(nlh, ifindex);

	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_link_up(struct nl *nl, int ifindex)
{
	return link_updown(nl, ifindex, true);
}

int nl_link_down(struct nl *nl, int ifindex)
{
	return link_updown(nl, ifindex, false);
}

int nl_link_no_ipv6_ll(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_SETLINK, 0);
	struct nlattr *spec, *inet6;
	int r;

	link_hdr(nlh, ifindex);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	r = nl_request(nl, nlh, NULL, NULL);
	/* a kernel without IPv6 makes no link-local address either */
	return r == -EAFNOSUPPORT ? 0 : r;
}

int nl_link_del(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_DELLINK, 0);

	link_hdr(nlh, ifindex);
	return nl_request(nl, nlh, NULL, NULL);
}

/* RTM_NEWLINK creating @name of @kind; the caller adds more before send. */
static struct nlmsghdr *new_link(char *buf, const char *name)
{
	struct nlmsghdr *nlh = msg(buf, RTM_NEWLINK,
				   NLM_F_CREATE | NLM_F_EXCL);

	link_hdr(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int created_index(struct nl *nl, struct nlmsghdr *nlh,
			 const char *name)
{
	int r = nl_request(nl, nlh, NULL, NULL);

	return r ? r : nl_link_index(nl, name);
}

int nl_veth_add(struct nl *nl, const char *host_name, const char *peer_name,
		int peer_netns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_link(buf, host_name);
	struct nlattr *info, *data, *peer;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer is a link message of its own, nested (ip/link_veth.c). */
	link_hdr(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return created_index(nl, nlh, host_name);
}

int nl_macvlan_add(struct nl *nl, const char *name, int parent_ifindex,
		   uint32_t mode, int netns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_link(buf, name);
	struct nlattr *info, *data;

	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_ifindex);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, mode);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	/* born in another namespace: its index here means nothing */
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_bridge_add(struct nl *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_link(buf, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return created_index(nl, nlh, name);
}

/* RTM_NEWLINK on an existing link with one u32 attribute. */
static int link_set_u32(struct nl *nl, int ifindex, uint16_t type,
			uint32_t v, const char *new_name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWLINK, 0);

	link_hdr(nlh, ifindex);
	mnl_attr_put_u32(nlh, type, v);
	if (new_name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_link_set_master(struct nl *nl, int ifindex, int master)
{
	return link_set_u32(nl, ifindex, IFLA_MASTER, (uint32_t)master, NULL);
}

int nl_link_move(struct nl *nl, int ifindex, int netns_fd,
		 const char *new_name)
{
	return link_set_u32(nl, ifindex, IFLA_NET_NS_FD, (uint32_t)netns_fd,
			    new_name);
}

int nl_link_set_mtu(struct nl *nl, int ifindex, unsigned mtu)
{
	return link_set_u32(nl, ifindex, IFLA_MTU, mtu, NULL);
}

static size_t addr_len(const struct cidr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

int nl_addr_add(struct nl *nl, int ifindex, const struct cidr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_index = (uint32_t)ifindex;
	if (a->family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, 4, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a), a->addr);
	/* usable at once: the link has no one else to collide with */
	if (a->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_route_add_metric(struct nl *nl, const struct cidr *dst,
			const struct cidr *gw, int ifindex, uint8_t type,
			uint32_t metric)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = dst->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = type;
	rtm->rtm_scope = (type == RTN_UNICAST && !gw) ? RT_SCOPE_LINK :
							RT_SCOPE_UNIVERSE;
	if (dst->prefix)
		mnl_attr_put(nlh, RTA_DST, addr_len(dst), dst->addr);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(gw), gw->addr);
	if (ifindex > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_route_add(struct nl *nl, const struct cidr *dst, const struct cidr *gw,
		 int ifindex, uint8_t type)
{
	return nl_route_add_metric(nl, dst, gw, ifindex, type, 0);
}

struct route {
	struct cidr dst;
	int oif;
	uint8_t type;
	uint32_t table;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct route *rt = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		if (mnl_attr_get_payload_len(a) == addr_len(&rt->dst))
			memcpy(rt->dst.addr, mnl_attr_get_payload(a),
			       addr_len(&rt->dst));
		break;
	case RTA_OIF:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			rt->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_TABLE:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			rt->table = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static void parse_route(const struct nlmsghdr *h, struct route *rt)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);

	memset(rt, 0, sizeof(*rt));
	rt->dst.family = rtm->rtm_family;
	rt->dst.prefix = rtm->rtm_dst_len;
	rt->type = rtm->rtm_type;
	rt->table = rtm->rtm_table;
	(void)mnl_attr_parse(h, sizeof(*rtm), route_attr, rt);
}

static int oif_cb(const struct nlmsghdr *h, void *data)
{
	struct route rt;

	parse_route(h, &rt);
	*(int *)data = rt.type == RTN_UNICAST ? rt.oif : -ENETUNREACH;
	return MNL_CB_OK;
}

int nl_route_oif(struct nl *nl, const struct cidr *dst)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int oif = -ENETUNREACH, r;

	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = (uint8_t)(addr_len(dst) * 8);
	mnl_attr_put(nlh, RTA_DST, addr_len(dst), dst->addr);
	r = nl_request(nl, nlh, oif_cb, &oif);
	if (r == -ENETUNREACH || r == -EHOSTUNREACH)
		return -ENETUNREACH;
	return r ? r : (oif > 0 ? oif : -ENETUNREACH);
}

static int netconf_cb(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a;

	if (h->nlmsg_type != RTM_NEWNETCONF)
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(struct netconfmsg))
		if (mnl_attr_get_type(a) == NETCONFA_FORWARDING &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(int *)data = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int nl_forwarding(struct nl *nl, int family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETNETCONF, 0);
	struct netconfmsg *ncm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ncm));
	int fwd = -ENODATA, r;

	ncm->ncm_family = (uint8_t)family;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, (uint32_t)NETCONFA_IFINDEX_ALL);
	r = nl_request(nl, nlh, netconf_cb, &fwd);
	return r ? r : fwd;
}

struct overlap {
	const struct cidr *net;
	const int *skip;
	struct nl_route *ret;
	int found;
};

static bool skipped(const int *skip, int oif)
{
	for (; skip && *skip; skip++)
		if (*skip == oif)
			return true;
	return false;
}

static int overlap_cb(const struct nlmsghdr *h, void *data)
{
	struct overlap *o = data;
	struct route rt;

	parse_route(h, &rt);
	if (o->found || rt.table != RT_TABLE_MAIN || !rt.dst.prefix ||
	    rt.dst.family != o->net->family || skipped(o->skip, rt.oif) ||
	    !cidr_overlap(&rt.dst, o->net))
		return MNL_CB_OK;
	o->found = 1;
	if (o->ret) {
		o->ret->dst = rt.dst;
		o->ret->oif = rt.oif;
	}
	return MNL_CB_OK;
}

int nl_route_overlaps(struct nl *nl, const struct cidr *net, const int *skip,
		      struct nl_route *ret)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct overlap o = { .net = net, .skip = skip, .ret = ret };
	int r;

	rtm->rtm_family = (uint8_t)net->family;
	r = nl_request(nl, nlh, overlap_cb, &o);
	return r ? r : o.found;
}

static int linkinfo_attr(const struct nlattr *a, void *data)
{
	struct nl_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    !mnl_attr_validate(a, MNL_TYPE_STRING))
		snprintf(l->kind, sizeof(l->kind), "%.*s",
			 (int)strnlen(mnl_attr_get_str(a),
				      mnl_attr_get_payload_len(a)),
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct nl_link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(l->name, sizeof(l->name), "%s",
				 mnl_attr_get_str(a));
		break;
	case IFLA_MASTER:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			l->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		(void)mnl_attr_parse_nested(a, linkinfo_attr, l);
		break;
	}
	return MNL_CB_OK;
}

struct link_walk {
	int (*cb)(const struct nl_link *, void *);
	void *data;
	int ret;
};

static int link_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	struct link_walk *w = data;
	struct nl_link l = { .ifindex = ifi->ifi_index,
			     .up = ifi->ifi_flags & IFF_UP };

	if (w->ret)
		return MNL_CB_OK;	/* drain the dump after a stop */
	(void)mnl_attr_parse(h, sizeof(*ifi), link_attr, &l);
	w->ret = w->cb(&l, w->data);
	return MNL_CB_OK;
}

int nl_link_list(struct nl *nl, int (*cb)(const struct nl_link *, void *),
		 void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETLINK, NLM_F_DUMP);
	struct link_walk w = { cb, data, 0 };
	int r;

	link_hdr(nlh, 0);
	r = nl_request(nl, nlh, link_cb, &w);
	return r ? r : w.ret;
}

struct addr_walk {
	int ifindex;
	int (*cb)(int ifindex, const struct cidr *, void *);
	void *data;
	int ret;
	struct cidr a;
	bool have_local;
};

static int addr_attr(const struct nlattr *a, void *data)
{
	struct addr_walk *w = data;
	uint16_t t = mnl_attr_get_type(a);

	/* IPv4 keeps the address in IFA_LOCAL (IFA_ADDRESS is the peer). */
	if ((t == IFA_LOCAL || (t == IFA_ADDRESS && !w->have_local)) &&
	    mnl_attr_get_payload_len(a) == addr_len(&w->a)) {
		memcpy(w->a.addr, mnl_attr_get_payload(a), addr_len(&w->a));
		w->have_local |= t == IFA_LOCAL;
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	struct addr_walk *w = data;

	if (w->ret || (w->ifindex && (int)ifa->ifa_index != w->ifindex))
		return MNL_CB_OK;
	memset(&w->a, 0, sizeof(w->a));
	w->a.family = ifa->ifa_family;
	w->a.prefix = ifa->ifa_prefixlen;
	w->have_local = false;
	(void)mnl_attr_parse(h, sizeof(*ifa), addr_attr, w);
	w->ret = w->cb((int)ifa->ifa_index, &w->a, w->data);
	return MNL_CB_OK;
}

int nl_addr_list(struct nl *nl, int family, int ifindex,
		 int (*cb)(int ifindex, const struct cidr *, void *),
		 void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_walk w = { .ifindex = ifindex, .cb = cb, .data = data };
	int r;

	ifa->ifa_family = (uint8_t)family;
	r = nl_request(nl, nlh, addr_cb, &w);
	return r ? r : w.ret;
}
