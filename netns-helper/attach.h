/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach.h - what the LAN attachment kinds (macvlan, physical, bridge)
 * share: static addressing inside the namespace, finding the namespace of
 * a record again at teardown, and asking whether other namespaces of a
 * network are still there.
 */
#ifndef PN_ATTACH_H
#define PN_ATTACH_H

#include <stdbool.h>

#include "lifecycle.h"

/* The name every attachment gets inside, as nat's veth does. */
#define ATTACH_IF "eth0"

/*
 * attach_prepare() - accept_ra=0 on @ifname inside (routes come from the
 * policy or DHCP alone, never from a router on the LAN) and its ifindex.
 * Return: ifindex (> 0), or -errno
 */
int attach_prepare(struct ns_ctx *ctx, const char *ifname);

/*
 * attach_static() - the network's static addresses on @ifindex inside,
 * the link up, a default route through each gateway, and without an IPv6
 * gateway an unreachable IPv6 default, so IPv6 fails at once instead of
 * finding a way out of its own.
 */
int attach_static(struct ns_ctx *ctx, int ifindex);

/*
 * attach_ns_open() - an fd to the namespace of the record being torn
 * down: NETNS_RUN_DIR/NAME, if it is still the namespace the record made
 * (nsfs inode "ino"). A namespace whose file is gone cannot be found
 * again: /proc/PID/ns/net of the processes keeping it alive needs
 * CAP_SYS_PTRACE, which the helper does not hold.
 * Return: fd, or -ENOENT when the namespace is gone
 */
int attach_ns_open(struct ns_ctx *ctx);

/*
 * attach_network_busy() - another namespace record than @self names
 * network @network (the last one out removes shared host objects).
 */
bool attach_network_busy(const char *network, const char *self);

/*
 * attach_device_owner() - the namespace of this project holding physical
 * device @device, into @buf; false when none does.
 */
bool attach_device_owner(const char *device, char *buf, size_t len);

#endif
