/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.h - NETNS_ETC_DIR/NAME/resolv.conf, which pam_netns.so (and
 * `ip netns exec`) bind-mount over /etc/resolv.conf inside the namespace.
 */
#ifndef PN_DNS_H
#define PN_DNS_H

#include <stddef.h>

#include "conf.h"

/*
 * dns_write() - write the namespace's resolv.conf: the network's "dns"
 * servers, else (for kinds with a way out) the host's upstream servers from
 * /etc/resolv.conf or systemd-resolved's list. Loopback servers are never
 * copied: a 127.x stub of the host is not reachable from inside.
 */
int dns_write(const char *netns, const struct network *net, char *err,
	      size_t errlen);

/* dns_path() - NETNS_ETC_DIR/NAME/resolv.conf into @buf. */
const char *dns_path(const char *netns, char *buf, size_t len);

#endif
