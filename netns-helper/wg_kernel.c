// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wg_kernel.c - the kernel's WireGuard (see wg.h): the link is made over
 * rtnetlink, the device configured over the "wireguard" generic netlink
 * family, as wireguard-tools' ipc-linux.h does, with libmnl.
 *
 * A generic netlink request finds its device in the namespace of the
 * socket, so the socket (nl_open_family()) is born where the device is:
 * on the host to configure it before it is moved, inside the namespace to
 * report on it.
 *
 * One SET_DEVICE message carries the device's own settings and replaces
 * the peer list; each peer then follows in a message of its own, so that
 * no message outgrows its buffer however many allowed IPs a peer has.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/time_types.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "wg.h"

/* 1024 allowed IPs of 40 bytes each, with room for the rest */
#define WG_MSG_BUF (64 * 1024)

int wg_kernel_create(struct nl *nl, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;
	int r;

	/* zeroed: libmnl leaves attribute padding as it finds it */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "wireguard");
	mnl_attr_nest_end(nlh, info);
	r = nl_request(nl, nlh, NULL, NULL);
	/* No module: rtnetlink answers "Unknown device type". */
	if (r == -EOPNOTSUPP || r == -ENODEV || r == -EAFNOSUPPORT)
		return -EOPNOTSUPP;
	return r ? r : nl_link_index(nl, ifname);
}

/* ---- generic netlink ------------------------------------------------ */

struct genl {
	struct nl nl;
	uint16_t family;
};

static void genl_close(struct genl *g)
{
	nl_close(&g->nl);
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    !mnl_attr_validate(a, MNL_TYPE_U16))
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *h, void *data)
{
	return mnl_attr_parse(h, sizeof(struct genlmsghdr), family_attr,
			      data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* A request in @buf of @size bytes, zeroed first (see wg_kernel_create). */
static struct nlmsghdr *genl_msg(char *buf, size_t size, uint16_t family,
				 uint8_t cmd, uint16_t flags, uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* A generic netlink socket born in the namespace behind @netns_fd (-1:
 * the caller's), its family resolved. */
static int genl_open(struct genl *g, int netns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int r = nl_open_family(&g->nl, NETLINK_GENERIC, netns_fd);

	if (r)
		return r;
	g->family = 0;
	nlh = genl_msg(buf, sizeof(buf), GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	r = nl_request(&g->nl, nlh, family_cb, &g->family);
	if (!r && !g->family)
		r = -ENOENT;
	if (r)
		genl_close(g);
	/* no family: the module is not loaded */
	return r == -ENOENT ? -EOPNOTSUPP : r;
}

/* ---- SET_DEVICE ----------------------------------------------------- */

static void put_allowed(struct nlmsghdr *nlh, const struct cidr *a)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, (uint16_t)a->family);
	mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, a->family == AF_INET ? 4 : 16,
		     a->addr);
	mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, a->prefix);
	mnl_attr_nest_end(nlh, n);
}

static void put_peer(struct nlmsghdr *nlh, const struct wg_peer *p)
{
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);
	struct nlattr *ips;

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, p->public_key);
	if (p->has_psk)
		mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN,
			     p->preshared_key);
	if (p->endpoint.salen)
		mnl_attr_put(nlh, WGPEER_A_ENDPOINT, p->endpoint.salen,
			     &p->endpoint.sa);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
			 p->keepalive);
	mnl_attr_put_u32(nlh, WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS);
	ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	for (size_t i = 0; i < p->n_allowed; i++)
		put_allowed(nlh, &p->allowed[i]);
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
}

static int set_device(struct genl *g, char *buf, int ifindex,
		      const struct wg_conf *c)
{
	struct nlmsghdr *nlh = genl_msg(buf, WG_MSG_BUF, g->family,
					WG_CMD_SET_DEVICE, 0, WG_GENL_VERSION);

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, (uint32_t)ifindex);
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, c->private_key);
	if (c->has_listen_port)
		mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, c->listen_port);
	mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, c->fwmark);
	mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
	return nl_request(&g->nl, nlh, NULL, NULL);
}

int wg_kernel_set(int ifindex, const struct wg_conf *c,
		  char ret_errmsg[NL_ERRMSG_MAX])
{
	_cleanup_free_ char *buf = malloc(WG_MSG_BUF);
	struct genl g = { 0 };
	int r;

	if (!buf)
		return -ENOMEM;
	*ret_errmsg = '\0';
	r = genl_open(&g, -1);
	if (r)
		return r;
	r = set_device(&g, buf, ifindex, c);
	for (size_t i = 0; !r && i < c->n_peers; i++) {
		struct nlmsghdr *nlh = genl_msg(buf, WG_MSG_BUF, g.family,
						WG_CMD_SET_DEVICE, 0,
						WG_GENL_VERSION);

		mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, (uint32_t)ifindex);
		put_peer(nlh, &c->peers[i]);
		r = nl_request(&g.nl, nlh, NULL, NULL);
	}
	/* the private key was in this buffer */
	explicit_bzero(buf, WG_MSG_BUF);
	memcpy(ret_errmsg, nl_errmsg(&g.nl), NL_ERRMSG_MAX);
	genl_close(&g);
	return r;
}

/* ---- GET_DEVICE ----------------------------------------------------- */

static int peer_attr(const struct nlattr *a, void *data)
{
	struct wg_peer_status *p = data;
	const struct __kernel_timespec *ts;

	switch (mnl_attr_get_type(a)) {
	case WGPEER_A_PUBLIC_KEY:
		if (mnl_attr_get_payload_len(a) == WG_KEY_LEN)
			memcpy(p->public_key, mnl_attr_get_payload(a),
			       WG_KEY_LEN);
		break;
	case WGPEER_A_ENDPOINT:
		if (mnl_attr_get_payload_len(a) >= sizeof(struct sockaddr_in))
			(void)wgconf_sockaddr_str(mnl_attr_get_payload(a),
						  p->endpoint,
						  sizeof(p->endpoint));
		break;
	case WGPEER_A_LAST_HANDSHAKE_TIME:
		ts = mnl_attr_get_payload(a);
		if (mnl_attr_get_payload_len(a) == sizeof(*ts))
			p->handshake = (long long)ts->tv_sec;
		break;
	case WGPEER_A_RX_BYTES:
		if (!mnl_attr_validate(a, MNL_TYPE_U64))
			p->rx_bytes = mnl_attr_get_u64(a);
		break;
	case WGPEER_A_TX_BYTES:
		if (!mnl_attr_validate(a, MNL_TYPE_U64))
			p->tx_bytes = mnl_attr_get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

/* One peer of a dump; a peer split over two messages comes twice. */
static int peer_cb(const struct nlattr *a, void *data)
{
	struct wg_status *st = data;
	struct wg_peer_status p = { 0 };
	struct wg_peer_status *last;

	(void)mnl_attr_parse_nested(a, peer_attr, &p);
	last = st->n_peers && st->n_peers <= WG_STATUS_PEERS ?
	       &st->peers[st->n_peers - 1] : NULL;
	if (last && !memcmp(last->public_key, p.public_key, WG_KEY_LEN))
		return MNL_CB_OK;
	if (st->n_peers < WG_STATUS_PEERS)
		st->peers[st->n_peers] = p;
	st->n_peers++;
	return MNL_CB_OK;
}

static int device_attr(const struct nlattr *a, void *data)
{
	struct wg_status *st = data;

	if (mnl_attr_get_type(a) == WGDEVICE_A_LISTEN_PORT &&
	    !mnl_attr_validate(a, MNL_TYPE_U16))
		st->listen_port = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) == WGDEVICE_A_PEERS)
		(void)mnl_attr_parse_nested(a, peer_cb, st);
	return MNL_CB_OK;
}

static int device_cb(const struct nlmsghdr *h, void *data)
{
	return mnl_attr_parse(h, sizeof(struct genlmsghdr), device_attr,
			      data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

int wg_kernel_get(int netns_fd, const char *ifname, struct wg_status *ret)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genl g = { 0 };
	struct nlmsghdr *nlh;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = genl_open(&g, netns_fd);
	if (r)
		return r;
	nlh = genl_msg(buf, sizeof(buf), g.family, WG_CMD_GET_DEVICE,
		       NLM_F_DUMP, WG_GENL_VERSION);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	r = nl_request(&g.nl, nlh, device_cb, ret);
	genl_close(&g);
	return r;
}
