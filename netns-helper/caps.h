/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.h - the helper's privilege rules: run only as real root, never
 * setuid/setgid or with file capabilities, keep only the capabilities it
 * needs, no_new_privs, a clean environment and no inherited fds.
 */
#ifndef PN_CAPS_H
#define PN_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>

/*
 * caps_sanitize() - called first thing in main(): refuse AT_SECURE
 * (setuid, setgid, file capabilities), clear the environment, close every
 * fd above 2 but @keep_fd (-1: none; the socket systemd hands `serve`),
 * reset signal dispositions, set umask 022.
 * Return: 0, or -EPERM with @err set
 */
int caps_sanitize(int keep_fd, char *err, size_t errlen);

/* caps_require_root() - -EPERM unless the real and effective uid are 0. */
int caps_require_root(char *err, size_t errlen);

/*
 * caps_drop() - keep CAP_NET_ADMIN and CAP_SYS_ADMIN (netlink, nftables,
 * setns, mount) in the permitted, effective and bounding sets, drop the
 * rest, and set PR_SET_NO_NEW_PRIVS so nothing this process execs can gain
 * more.
 */
int caps_drop(char *err, size_t errlen);

/*
 * caps_only() - in a child about to exec a daemon: permitted and effective
 * become the @n capabilities of @only (those this process has), nothing
 * else. With no_new_privs set, the exec'd program, though root, gets no
 * more than that. Return: 0 or -1.
 */
int caps_only(const cap_value_t *only, int n);

#endif
