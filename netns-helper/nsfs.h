/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsfs.h - is an open file a namespace of a given type? A planted file of
 * the same name must not pass for one. Shared by the helper and the
 * module.
 */
#ifndef PN_NSFS_H
#define PN_NSFS_H

#include <linux/nsfs.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* nsfs_is() - @fd is on nsfs and a namespace of @type (CLONE_NEW*). */
static inline bool nsfs_is(int fd, int type)
{
	struct statfs sfs;

	return !fstatfs(fd, &sfs) && sfs.f_type == NSFS_MAGIC &&
	       ioctl(fd, NS_GET_NSTYPE) == type;
}

#endif
