/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vpn.h - what `netns-helper status` learns about the tunnel of a "vpn"
 * namespace (net_vpn.c); report.c prints it.
 */
#ifndef PN_VPN_H
#define PN_VPN_H

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "records.h"
#include "wg.h"

struct vpn_status {
	char backend[16];		/* "kernel", "userspace", "adopted" */
	char inner[IFNAMSIZ];		/* the tunnel's name inside */
	char host_ifname[IFNAMSIZ];	/* its name when made on the host */
	pid_t pid;			/* wireguard-go; 0 = none */
	bool up;			/* the tunnel is inside (and its daemon runs) */
	bool have_wg;			/* @wg is filled */
	struct wg_status wg;
};

/*
 * vpn_status() - the tunnel of the vpn namespace of record @rec.
 * Return: 0, or -errno when @rec is not that of a vpn namespace
 */
int vpn_status(const struct ns_rec *rec, struct vpn_status *ret);

#endif
