// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mnt_template.c - the mount namespace logins are copied from (see
 * mnt_template.h), pinned by a bind mount of its nsfs file on
 * MNT_TEMPLATE, as `ip netns add` pins a network namespace, in
 * MNT_TEMPLATE_DIR, a private mount: a mount namespace file cannot be
 * bound where the mount would propagate (EINVAL).
 *
 * A child makes it: unshare(CLONE_NEWNS), / made a recursive slave,
 * NETNS_RUN_DIR detached, and sends the parent an fd of it (SCM_RIGHTS:
 * /proc/PID/ns of another process is not ours to open without
 * CAP_SYS_PTRACE); the parent bind-mounts that on MNT_TEMPLATE while the
 * child is still in it, then lets it go. The kernel allows pinning a
 * mount namespace only in one with a smaller namespace id (a loop check)
 * and on recent kernels ids do not always follow creation order (they seem
 * to come from per-CPU ranges), so a template that drew a smaller id than
 * ours is dropped for another, made on the next CPU.
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
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "locks.h"
#include "log.h"
#include "mnt_template.h"
#include "nsfs.h"
#include "paths.h"
#include "state.h"
#include "util.h"

/* Linux 6.8 <linux/nsfs.h>; Debian 12's headers predate it */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, unsigned long long)
#endif

static bool in_place(void)
{
	_cleanup_close_ int fd = open(MNT_TEMPLATE, O_RDONLY | O_NOFOLLOW |
					      O_CLOEXEC);

	return fd >= 0 && nsfs_is(fd, CLONE_NEWNS);
}

/*
 * NETNS_RUN_DIR in a login: detached, so no namespace mount is kept alive
 * or propagated in, and covered with an empty read-only tmpfs, since on a
 * host where it is a plain directory on /run the directory underneath
 * still lists every namespace's name (who is on which network).
 */
static int netns_dir_hide(void)
{
	if (umount2(NETNS_RUN_DIR, MNT_DETACH) && errno != EINVAL) {
		if (errno == ENOENT)
			return 0;
		return -1;
	}
	return mount("pam_netns", NETNS_RUN_DIR, "tmpfs", MS_RDONLY |
		     MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=4k");
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
	    mount("none", "/", "none", MS_SLAVE | MS_REC, NULL) ||
	    netns_dir_hide())
		_exit(1);
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(1);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		_exit(1);
	/* Stay until the parent has pinned it (EOF): a mount namespace that
	 * no task is in any more cannot be bind-mounted (EINVAL). */
	while (read(sock, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
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

/* MNT_TEMPLATE_DIR bound on itself and made private. */
static int private_dir(void)
{
	if (mkdir(MNT_TEMPLATE_DIR, 0700) && errno != EEXIST)
		return -errno;
	if (mount(MNT_TEMPLATE_DIR, MNT_TEMPLATE_DIR, "none", MS_BIND, NULL) ||
	    mount("none", MNT_TEMPLATE_DIR, "none", MS_PRIVATE, NULL)) {
		int r = -errno;

		mnt_template_remove();
		return r;
	}
	return 0;
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

/* The id of mount namespace @fd (Linux 6.8+), 0 when unknown. */
static unsigned long long mntns_id(int fd)
{
	unsigned long long id = 0;

	/* an older kernel: 0, and the pin tells */
	return ioctl(fd, NS_GET_MNTNS_ID, &id) ? 0 : id;
}

/*
 * Namespace ids seem to come from per-CPU ranges (what NS_GET_MNTNS_ID
 * shows here), so an id larger than ours may only be had on another CPU:
 * attempt N runs on CPU N mod the CPUs we may use.
 */
static void on_cpu(int attempt)
{
	cpu_set_t allowed, one;
	int n, k = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	n = CPU_COUNT(&allowed);
	if (n < 2)
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || k++ != attempt % n)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		(void)sched_setaffinity(0, sizeof(one), &one);
		return;
	}
}

/*
 * One attempt: a new template, pinned. -EAGAIN when the kernel would take
 * the pin for a loop: it allows pinning a mount namespace only in one
 * with a smaller id, and ids are not handed out in order.
 */
static int make_and_pin(unsigned long long mine, int attempt)
{
	int sv[2], r, status, nsfd;
	unsigned long long id;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = child_start(&(struct child_opts){ .keep = &sv[1], .n_keep = 1 });
	if (pid == 0) {
		on_cpu(attempt);
		make(sv[1]);
	}
	(void)close(sv[1]);
	nsfd = pid < 0 ? (int)pid : receive(sv[0]);
	if (nsfd < 0)
		r = nsfd;
	else if (mine && (id = mntns_id(nsfd)) && id <= mine)
		r = -EAGAIN;
	else
		r = pin(nsfd);
	(void)close(sv[0]);		/* EOF: the child may go */
	if (nsfd >= 0)
		(void)close(nsfd);
	if (pid > 0)
		(void)child_wait(pid, -1, &status);
	return r;
}

static int ensure(void)
{
	_cleanup_close_ int self = -1;
	unsigned long long mine;
	int r;

	if (in_place())
		return 0;
	mnt_template_remove();		/* whatever else is there */
	r = private_dir();
	if (r) {
		warn("login mount template %s: %s", MNT_TEMPLATE_DIR,
		     strerror(-r));
		return r;
	}
	self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	mine = self < 0 ? 0 : mntns_id(self);
	/* EINVAL: the kernel's loop check, by an order the ids do not
	 * always show; another template may do */
	for (int i = 0; i < 16; i++) {
		r = make_and_pin(mine, i);
		if (r != -EAGAIN && r != -EINVAL)
			break;
	}
	if (r) {
		warn("login mount template %s: %s (logins copy the host's "
		     "mount namespace instead)", MNT_TEMPLATE, strerror(-r));
		mnt_template_remove();
	}
	return r;
}

/* Made under the resource lock: ns_template_cleanup() removes it under
 * that lock when the last namespace goes. */
int mnt_template_ensure(struct locks *l)
{
	int r;

	if (in_place())
		return 0;
	r = state_res_lock(l);
	if (r)
		return r;
	r = ensure();
	state_res_unlock(l);
	return r;
}

void mnt_template_remove(void)
{
	(void)umount2(MNT_TEMPLATE, MNT_DETACH | UMOUNT_NOFOLLOW);
	(void)unlink(MNT_TEMPLATE);
	(void)umount2(MNT_TEMPLATE_DIR, MNT_DETACH | UMOUNT_NOFOLLOW);
	(void)rmdir(MNT_TEMPLATE_DIR);
}
