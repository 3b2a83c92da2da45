/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.h - where named namespaces and their /etc files live, as
 * iproute2's include/namespace.h has them. The Makefile passes the real
 * values (-D); these are the defaults for a build without it. Shared by
 * the helper and the module.
 */
#ifndef PN_PATHS_H
#define PN_PATHS_H

#ifndef NETNS_RUN_DIR
#define NETNS_RUN_DIR "/run/netns"
#endif
#ifndef NETNS_ETC_DIR
#define NETNS_ETC_DIR "/etc/netns"
#endif
#ifndef STATE_DIR
#define STATE_DIR "/run/pam_netns"
#endif

/*
 * The mount namespace every login's own is copied from (mnt_template.c):
 * the host's mounts, slaves of the host's, without NETNS_RUN_DIR. Pinned
 * in a directory that is a private mount of its own: the kernel refuses
 * to propagate a mount namespace file, so it cannot be pinned where
 * mounts propagate (all of /run, under systemd).
 */
#define MNT_TEMPLATE_DIR STATE_DIR "/mntns"
#define MNT_TEMPLATE MNT_TEMPLATE_DIR "/login"

#endif
