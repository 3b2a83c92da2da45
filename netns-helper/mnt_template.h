/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mnt_template.h - the mount namespace logins are copied from.
 *
 * pam_netns.so gives every login a mount namespace of its own. Copied
 * from the host's, that copy holds one mount per open session namespace
 * (NETNS_RUN_DIR/NAME), only for the login to detach them again: an open
 * would cost O(open sessions). The template is a copy made once, with
 * NETNS_RUN_DIR detached and every mount a slave of the host's, so host
 * mounts and unmounts still reach it (and every login copied from it);
 * the module copies it instead (one setns, one unshare).
 */
#ifndef PN_MNT_TEMPLATE_H
#define PN_MNT_TEMPLATE_H

struct locks;			/* locks.h */

/* mnt_template_ensure() - make MNT_TEMPLATE unless it is in place, under
 * the resource lock of @l (locks.h). */
int mnt_template_ensure(struct locks *l);

/* mnt_template_remove() - unmount and remove it (no error when absent). */
void mnt_template_remove(void);

#endif
