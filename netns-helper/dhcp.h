/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp.h - a DHCP client for an attachment with address = "dhcp": busybox
 * udhcpc, run inside the namespace, that stays there to renew the lease.
 */
#ifndef PN_DHCP_H
#define PN_DHCP_H

#include "lifecycle.h"

/*
 * dhcp_start() - run udhcpc on @ifname inside ctx's namespace and wait
 * until it holds a lease (it then goes to the background by itself), or
 * until the deadline (deadline.h), when it is killed: -ETIMEDOUT. Its
 * pid file (STATE_DIR/dhcp/NAME.pid) is recorded before it starts, its pid
 * and start time once it has a lease.
 * Return: 0, or -errno with ctx->err set
 */
int dhcp_start(struct ns_ctx *ctx, const char *ifname);

/*
 * dhcp_stop() - stop the client the record names (it releases its lease)
 * and remove its pid file; idempotent.
 */
void dhcp_stop(struct ns_ctx *ctx);

#endif
