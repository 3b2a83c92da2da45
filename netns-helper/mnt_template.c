// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mnt_template.c - the mount namespace logins are copied from (see
 * mnt_template.h), pinned by a bind mount of its nsfs file on
 * MNT_TEMPLATE, as `ip netns add` pins a network namespace.
 *
 * A child makes it: unshare(CLONE_NEWNS), / made a recursive slave,
 * NETNS_RUN_DIR detached, and sends the parent an fd of it (SCM_RIGHTS:
 * /proc/PID/ns of another process is not ours to open without
 * CAP_SYS_PTRACE); the parent bind-mounts that on MNT_TEMPLATE. The kernel
 * allows pinning a mount namespace only in an older one, which the host's
 * is; it also never propagates the pin into the template itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mnt_template.h"
#include "paths.h"
#include "util.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static bool in_place(void)
{
	_cleanup_close_ int fd = open(MNT_TEMPLATE, O_RDONLY | O_NOFOLLOW |
					      O_CLOEXEC);
	struct statfs sfs;

	return fd >= 0 && !fstatfs(fd, &sfs) && sfs.f_type == NSFS_MAGIC &&
	       ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNS;
}

/* In the child: make the template and hand its nsfs fd to the parent. */
static void make(int sock)
{
	char c = 0;
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u = { 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	int fd;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) ||
	    (umount2(NETNS_RUN_DIR, MNT_DETACH) && errno != EINVAL &&
	     errno != ENOENT))
		_exit(1);
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(1);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	_exit(sendmsg(sock, &m, 0) == 1 ? 0 : 1);
}

/* The fd the child sent, or -errno. */
static int receive(int sock)
{
	char c;
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *h;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -ECHILD;
	h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS ||
	    h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

/* Bind the namespace @nsfd on MNT_TEMPLATE. */
static int pin(int nsfd)
{
	char src[64];
	int fd = open(MNT_TEMPLATE, O_RDONLY | O_CREAT | O_NOFOLLOW |
			      O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	(void)close(fd);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", nsfd);
	if (mount(src, MNT_TEMPLATE, "none", MS_BIND, NULL)) {
		int r = -errno;

		(void)unlink(MNT_TEMPLATE);
		return r;
	}
	return 0;
}

int mnt_template_ensure(void)
{
	int sv[2], r, status, nsfd;
	pid_t pid;

	if (in_place())
		return 0;
	mnt_template_remove();		/* whatever else is there */
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid == 0) {
		(void)close(sv[0]);
		make(sv[1]);
	}
	(void)close(sv[1]);
	nsfd = pid < 0 ? -errno : receive(sv[0]);
	(void)close(sv[0]);
	r = nsfd < 0 ? nsfd : pin(nsfd);
	if (nsfd >= 0)
		(void)close(nsfd);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (r)
		warn("login mount template %s: %s", MNT_TEMPLATE, strerror(-r));
	return r;
}

void mnt_template_remove(void)
{
	(void)umount2(MNT_TEMPLATE, MNT_DETACH | UMOUNT_NOFOLLOW);
	(void)unlink(MNT_TEMPLATE);
}
