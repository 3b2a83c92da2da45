/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wg.h - WireGuard devices, two ways:
 *
 *  kernel     rtnetlink link kind "wireguard", configured over the
 *             "wireguard" generic netlink family (wg_kernel.c);
 *  userspace  a tun device run by wireguard-go, configured over its UAPI
 *             socket WG_UAPI_DIR/IFNAME.sock (wg_uapi.c), for kernels
 *             without the WireGuard module.
 *
 * Either way the device is made in the host namespace, so its UDP socket
 * lives there, and may then be moved into another namespace: the tunnel's
 * packets leave from the host, the namespace sees only the tunnel.
 */
#ifndef PN_WG_H
#define PN_WG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nl.h"
#include "wgconf.h"

#ifndef WIREGUARD_GO
#define WIREGUARD_GO "/usr/bin/wireguard-go"
#endif
#ifndef WG_UAPI_DIR
#define WG_UAPI_DIR "/run/wireguard"
#endif

#define WG_STATUS_PEERS 32	/* peers a status report details */

struct wg_peer_status {
	uint8_t public_key[WG_KEY_LEN];
	char endpoint[64];		/* "A:PORT", "[A6]:PORT"; "" = none */
	long long handshake;		/* unix time of the last one; 0 = never */
	uint64_t rx_bytes, tx_bytes;
};

struct wg_status {
	unsigned listen_port;
	size_t n_peers;			/* all of them ... */
	struct wg_peer_status peers[WG_STATUS_PEERS];	/* ... the first here */
};

/*
 * wg_kernel_create() - a WireGuard link @ifname in @nl's namespace.
 * Return: its ifindex (> 0); -EOPNOTSUPP when the kernel has no WireGuard
 * (no module: "Unknown device type"); or another -errno
 */
int wg_kernel_create(struct nl *nl, const char *ifname);

/*
 * wg_kernel_set() - WG_CMD_SET_DEVICE: key, port, fwmark and the peers of
 * @c, replacing whatever @ifindex (in the caller's namespace) had.
 * @ret_errmsg:	the kernel's extended-ack text of a failure, or ""
 * Return: 0 or -errno
 */
int wg_kernel_set(int ifindex, const struct wg_conf *c,
		  char ret_errmsg[NL_ERRMSG_MAX]);

/*
 * wg_kernel_get() - WG_CMD_GET_DEVICE for @ifname in the namespace behind
 * @netns_fd (-1: the caller's).
 * Return: 0 or -errno
 */
int wg_kernel_get(int netns_fd, const char *ifname, struct wg_status *ret);

/*
 * wg_uapi_spawn() - fork the child that runs WIREGUARD_GO in the
 * foreground for @ifname, in its own session with stdio on /dev/null and
 * no other fds, once wg_uapi_start() lets it: the caller records its pid
 * in between, so no daemon runs that no record names (a helper killed
 * before that leaves a child that exits by itself).
 * Return: 0, the pid in @ret_pid and the gate in @ret_gate, or -errno
 */
int wg_uapi_spawn(const char *ifname, pid_t *ret_pid, int *ret_gate);

/* wg_uapi_start() - let the child behind @gate exec the daemon (@go), or
 * exit (!@go); closes @gate. Return: 0 or -errno */
int wg_uapi_start(int gate, bool go);

/*
 * wg_uapi_wait() - wait until @pid answers on its UAPI socket (its tun
 * device exists by then), at most @timeout_ms.
 * Return: 0; -ECHILD when it exited (status in @ret_status); -ETIMEDOUT
 */
int wg_uapi_wait(const char *ifname, pid_t pid, int timeout_ms,
		 int *ret_status);

/*
 * wg_uapi_running() - wireguard-go @pid, started at @start, still runs (a
 * zombie does not: its tun device is gone already).
 */
bool wg_uapi_running(pid_t pid, unsigned long long start);

/* wg_uapi_set() - "set=1" with all of @c, replacing the peers. */
int wg_uapi_set(const char *ifname, const struct wg_conf *c);

/* wg_uapi_get() - "get=1": the port and the peers' state. */
int wg_uapi_get(const char *ifname, struct wg_status *ret);

/*
 * wg_uapi_stop() - end wireguard-go @pid if it still is the process that
 * started at @start (SIGTERM, then SIGKILL), and remove its socket.
 * Idempotent; the tun device goes with the daemon.
 */
void wg_uapi_stop(const char *ifname, pid_t pid, unsigned long long start);

#endif
