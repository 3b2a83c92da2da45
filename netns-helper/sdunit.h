/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdunit.h - confine a user's systemd --user manager: for a rule with
 * systemd_user = true, a drop-in
 *
 *   SYSTEMD_RUNTIME_DIR/user@UID.service.d/pam_netns.conf
 *     [Service]
 *     NetworkNamespacePath=NETNS_RUN_DIR/NAME
 *
 * so that systemd starts user@UID.service, and with it every user service,
 * in the namespace; removed again when that namespace is torn down.
 *
 * SYSTEMD_RUNTIME_DIR (default /run/systemd/system) is a build-time path;
 * when it does not exist, systemd is not running and nothing is written
 * (the helper never creates it: its existence is how programs tell that
 * systemd is PID 1).
 */
#ifndef PN_SDUNIT_H
#define PN_SDUNIT_H

#include <sys/types.h>

struct locks;			/* locks.h */

#ifndef SYSTEMD_RUNTIME_DIR
#define SYSTEMD_RUNTIME_DIR "/run/systemd/system"
#endif

/*
 * sdunit_write() - point user@@uid.service at namespace @netns. The file is
 * written to a temporary name and renamed into place (root-owned, 0644),
 * through directory fds opened with O_NOFOLLOW, in directories that must be
 * root-owned and not group/world writable. An identical file is left as is.
 * Under the resource lock of @l (locks.h), as sdunit_remove().
 * @err:	the reason on failure
 *
 * Return: 0 (also when systemd is not running), or -errno
 */
int sdunit_write(struct locks *l, uid_t uid, const char *netns, char *err,
		 size_t errlen);

/*
 * sdunit_remove() - remove every drop-in of this project that names
 * @netns, and its user@UID.service.d directory when that is then empty.
 * Best effort: what cannot be removed is logged.
 */
void sdunit_remove(struct locks *l, const char *netns);

/*
 * sdunit_sweep() - gc: remove the drop-ins of this project whose namespace
 * has no record any more. Return: how many were removed.
 */
int sdunit_sweep(void);

#endif
