// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * limit.c - the kernel's limit for a nat session: the least a program can
 * do over rtnetlink to give a login its own network, and nothing else.
 *
 *   limit N
 *
 * Per session: a named namespace made as `ip netns add` makes it (an empty
 * file in NETNS_RUN_DIR, unshare, bind mount of /proc/self/ns/net), a veth
 * pair whose peer is born inside (IFLA_NET_NS_FD under VETH_INFO_PEER),
 * an IPv4 /31 and an IPv6 /64 on both ends, lo and both ends up, default
 * routes inside. All N are made, then all N torn down (link, mount, file),
 * as the other benchmarks open N sessions and then close them.
 *
 * Prints "limit_open USEC" and "limit_close USEC", one line per session.
 * Runs only inside the bench sandbox (bench/run.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define RUN_DIR "/run/netns"

static unsigned seq;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Send @nlh and wait for its ACK: every step is a round trip, as in
 * the helper, so the kernel's errors surface where they happen. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
			       NULL, NULL);
	} while (r == MNL_CB_OK);
	return r < 0 ? -errno : 0;
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags,
				 int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

static int index_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

static int link_index(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, NLM_F_REQUEST, 0);
	int idx = -1;
	ssize_t n;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
				index_cb, &idx) < 0)
		return -1;
	return idx;
}

static int veth_add(struct mnl_socket *nl, const char *host, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK,
					NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pi;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pi));
	pi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(nl, nlh);
}

static int link_up(struct mnl_socket *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return talk(nl, nlh);
}

static int link_del(struct mnl_socket *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return talk(nl, link_msg(buf, RTM_DELLINK, 0, ifindex));
}

static int addr_add(struct mnl_socket *nl, int ifindex, int family,
		    const void *addr, int prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = family == AF_INET ? 4 : 16;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_index = (uint32_t)ifindex;
	if (family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return talk(nl, nlh);
}

static int default_route(struct mnl_socket *nl, int family, const void *gw,
			 int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return talk(nl, nlh);
}

/* Session @i's addresses: 10.201.0.0/16 in /31s, fd6e:7501:0:i::/64. */
struct addrs {
	struct in_addr h4, n4;
	struct in6_addr h6, n6;
};

static void addrs_of(unsigned i, struct addrs *a)
{
	a->h4.s_addr = htonl(0x0ac90000u + 2 * i);
	a->n4.s_addr = htonl(0x0ac90000u + 2 * i + 1);
	inet_pton(AF_INET6, "fd6e:7501::1", &a->h6);
	a->h6.s6_addr[6] = (uint8_t)(i >> 8);
	a->h6.s6_addr[7] = (uint8_t)i;
	a->n6 = a->h6;
	a->n6.s6_addr[15] = 2;
}

/* The namespace: ip/ipnetns.c netns_add; returns its socket inside. */
static struct mnl_socket *netns_add(const char *path, int *ret_nsfd)
{
	int saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;
	struct mnl_socket *in;

	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (saved < 0 || fd < 0)
		die(path);
	close(fd);
	if (unshare(CLONE_NEWNET) ||
	    mount("/proc/self/ns/net", path, "none", MS_BIND, NULL))
		die("unshare/mount");
	/* A netlink socket stays in the namespace it was born in. */
	in = mnl_socket_open(NETLINK_ROUTE);
	if (!in || mnl_socket_bind(in, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink inside");
	*ret_nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*ret_nsfd < 0 || setns(saved, CLONE_NEWNET))
		die("setns back");
	close(saved);
	return in;
}

static void session_up(struct mnl_socket *host, unsigned i)
{
	char path[64], ifname[IFNAMSIZ];
	struct mnl_socket *in;
	struct addrs a;
	int nsfd, hidx, nidx;

	snprintf(path, sizeof(path), RUN_DIR "/blim%u", i);
	snprintf(ifname, sizeof(ifname), "blim%u", i);
	addrs_of(i, &a);
	in = netns_add(path, &nsfd);
	if (veth_add(host, ifname, nsfd))
		die("veth");
	hidx = link_index(host, ifname);
	nidx = link_index(in, "eth0");
	if (hidx <= 0 || nidx <= 0 ||
	    addr_add(host, hidx, AF_INET, &a.h4, 31) ||
	    addr_add(host, hidx, AF_INET6, &a.h6, 64) ||
	    link_up(host, hidx) || link_up(in, 1) ||
	    addr_add(in, nidx, AF_INET, &a.n4, 31) ||
	    addr_add(in, nidx, AF_INET6, &a.n6, 64) || link_up(in, nidx) ||
	    default_route(in, AF_INET, &a.h4, nidx) ||
	    default_route(in, AF_INET6, &a.h6, nidx))
		die("links, addresses, routes");
	mnl_socket_close(in);
	close(nsfd);
}

static void session_down(struct mnl_socket *host, unsigned i)
{
	char path[64], ifname[IFNAMSIZ];
	int idx;

	snprintf(path, sizeof(path), RUN_DIR "/blim%u", i);
	snprintf(ifname, sizeof(ifname), "blim%u", i);
	idx = link_index(host, ifname);
	if (idx <= 0 || link_del(host, idx))
		die("link delete");
	if (umount2(path, MNT_DETACH) || unlink(path))
		die(path);
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
	struct mnl_socket *host;
	double t;

	if (n < 1 || n > 30000) {
		fprintf(stderr, "usage: limit N (1..30000)\n");
		return 2;
	}
	host = mnl_socket_open(NETLINK_ROUTE);
	if (!host || mnl_socket_bind(host, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	/* once, as `ip netns add` finds it done after its first run */
	mkdir(RUN_DIR, 0755);
	if (mount("", RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		die("make " RUN_DIR " shared");
	for (unsigned i = 0; i < n; i++) {
		t = now_us();
		session_up(host, i);
		printf("limit_open %.1f\n", now_us() - t);
	}
	for (unsigned i = 0; i < n; i++) {
		t = now_us();
		session_down(host, i);
		printf("limit_close %.1f\n", now_us() - t);
	}
	mnl_socket_close(host);
	return 0;
}
