// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve_link.c - the host's link events, for the service: a device that
 * appears on the host may be an adopted VPN device its client has just
 * made again (OpenVPN reopening its tun), which goes back into its
 * namespace at once (cmd_adopt.c). The loop only notices; a worker does
 * the rest, one at a time (job_adopt()).
 *
 * The links this project makes on the host (names.h, pnXID) are not
 * looked at: every nat or bridge login makes some, and none is ever
 * adopted. A lost event (the socket's buffer overran) counts as one.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/epoll.h>

#include "log.h"
#include "names.h"
#include "serve.h"

/* links_watch() - join the host's link group (the service runs in the
 * host's network namespace). Return: 0, or -errno (logged). */
int links_watch(struct serve *s)
{
	s->links = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!s->links || mnl_socket_bind(s->links, RTMGRP_LINK,
					 MNL_SOCKET_AUTOPID)) {
		int r = -errno;

		err("serve: the host's link events: %m");
		links_free(s);
		return r;
	}
	s->link_src = (struct src){ SRC_LINK, NULL };
	return serve_ep_add(s, mnl_socket_get_fd(s->links), EPOLLIN,
			    &s->link_src);
}

static int name_attr(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* A new (or changed) link not of ours: sets *@data. */
static int link_event(const struct nlmsghdr *nlh, void *data)
{
	const char *name = NULL;
	bool *wanted = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	(void)mnl_attr_parse(nlh, sizeof(struct ifinfomsg), name_attr, &name);
	if (name && !name_ifname_ours(name))
		*wanted = true;
	return MNL_CB_OK;
}

/* links_readable() - read the events waiting; queue an adopt when a
 * link of someone else's appeared or changed. */
void links_readable(struct serve *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool wanted = false;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->links, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			wanted = true;	/* events were lost */
			continue;
		}
		if (n <= 0)
			break;
		(void)mnl_cb_run(buf, (size_t)n, 0, 0, link_event, &wanted);
	}
	if (wanted && !s->stopping)
		job_adopt(s);
}

void links_free(struct serve *s)
{
	if (!s->links)
		return;
	(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, mnl_socket_get_fd(s->links),
			NULL);
	mnl_socket_close(s->links);
	s->links = NULL;
}
