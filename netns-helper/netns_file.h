/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netns_file.h - named network namespaces at NETNS_RUN_DIR/NAME, the same
 * files `ip netns` makes and uses, so administrators can inspect any
 * namespace of this project with `ip netns exec NAME ...`.
 */
#ifndef PN_NETNS_FILE_H
#define PN_NETNS_FILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "paths.h"

/*
 * netns_create() - create NETNS_RUN_DIR/@name as iproute2's netns_add does:
 * make the run dir a shared mount of itself (once), create the file with
 * O_EXCL, unshare a new network namespace in a child thread of execution
 * that does not disturb the caller, and bind-mount it onto the file. On any
 * failure nothing is left behind.
 * @ret_fd:	an fd to the new namespace (O_RDONLY|O_CLOEXEC), or NULL
 *
 * Return: 0, -EEXIST when the name is taken, or -errno
 */
int netns_create(const char *name, int *ret_fd);

/*
 * netns_open() - open NETNS_RUN_DIR/@name for setns(): O_NOFOLLOW, and the
 * result must be on nsfs (fstatfs) and be a network namespace, so a symlink,
 * FIFO or plain file planted there is refused with -ELOOP / -EINVAL.
 * Return: fd, or -errno (-ENOENT when there is no such namespace)
 */
int netns_open(const char *name);

/* netns_inode() - the nsfs inode number of @fd (its identity), or 0. */
unsigned long long netns_inode(int fd);

/*
 * netns_delete() - umount2(MNT_DETACH) and unlink NETNS_RUN_DIR/@name, and
 * remove NETNS_ETC_DIR/@name with the files this project writes there.
 * Idempotent: 0 when it is already gone.
 */
int netns_delete(const char *name);

/* netns_exists() */
bool netns_exists(const char *name);

/*
 * netns_do_in() - call @fn(@arg) in the network namespace behind
 * @netns_fd (-1: the caller's own, for an @fn that unshares), and switch
 * the calling thread back to where it was before returning; a helper that
 * cannot get back aborts rather than go on in the wrong namespace. For the
 * few things netlink cannot do from outside: opening a socket born inside,
 * sysctls under /proc/sys/net.
 * Return: what @fn returned, or -errno when the switch failed
 */
int netns_do_in(int netns_fd, int (*fn)(void *), void *arg);

/*
 * netns_sysctl_write() - write @value to /proc/sys/@path (e.g.
 * "net/ipv6/conf/eth0/accept_ra") inside the namespace behind @netns_fd
 * (-1 for the caller's own); the previous value into @ret_old if not NULL.
 */
int netns_sysctl_write(int netns_fd, const char *path, const char *value,
		       char *ret_old, size_t oldlen);

#endif
