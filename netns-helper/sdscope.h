/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdscope.h - a daemon the helper starts (wireguard-go, udhcpc) moved
 * into a transient scope unit of its own, pam_netns-KIND-NAME.scope, so
 * that it lives as long as its namespace and not as long as whoever
 * started the helper: a login's session scope (which logind kills when
 * that one session ends, while other sessions of a user-scope namespace
 * still use the tunnel), or netns-helper.service (which a restart would
 * empty).
 *
 * The daemon still stops with its namespace: down kills it by its
 * recorded pid and start time, as before, and the empty scope is then
 * collected by systemd (CollectMode=inactive-or-failed).
 */
#ifndef PN_SDSCOPE_H
#define PN_SDSCOPE_H

#include <sys/types.h>

struct deadline;		/* deadline.h */

#ifndef BUSCTL
#define BUSCTL "/usr/bin/busctl"
#endif

/* the unit name's form, for status and the tests */
#define SDSCOPE_PREFIX	"pam_netns-"
#define SDSCOPE_MAX	256

/*
 * sdscope_move() - move @pid, a daemon of @kind ("wg", "dhcp") serving
 * namespace @netns, into the transient scope SDSCOPE_PREFIX@kind-@netns
 * .scope, and wait until it is there, within @dl (deadline.h).
 *
 * Best effort: when systemd is not PID 1 nothing is done (without
 * systemd the daemons are re-adopted by pid from the namespace records
 * anyway, whoever started them); when the helper runs in a
 * netns-helper@NAME.service, the daemon stays in that unit's cgroup,
 * which is its home (the unit stops it); a failure is logged as a warning
 * and the daemon keeps running where it is.
 */
void sdscope_move(const char *kind, const char *netns, pid_t pid,
		  const struct deadline *dl);

/*
 * sdscope_name() - the scope's unit name: @kind and @netns with every
 * byte a unit name cannot hold escaped as \xNN, as systemd-escape does.
 * Return: 0, or -ENAMETOOLONG
 */
int sdscope_name(const char *kind, const char *netns,
		 char buf[SDSCOPE_MAX]);

#endif
