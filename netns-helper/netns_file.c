// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns_file.c - named network namespaces (see netns_file.h), made as
 * iproute2's `ip netns add` makes them (ip/ipnetns.c netns_add) so both
 * tools see the same files, and opened with the checks THREATS.md asks for.
 *
 * Creation does not move the helper for good: netns_do_in(), the one
 * save-switch-restore round trip of the helper, unshares a new namespace,
 * bind-mounts /proc/self/ns/net onto the name and comes back. That is two
 * syscalls cheaper than a child process and keeps the helper
 * single-threaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "netns_file.h"
#include "nsfs.h"
#include "util.h"

static int ns_path(const char *name, char *buf, size_t len)
{
	if (name_check_netns(name))
		return -EINVAL;
	return snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name) >= (int)len ?
		       -ENAMETOOLONG : 0;
}

/*
 * The run dir must be a shared mount of itself, so that a namespace bound
 * into it is seen from every mount namespace (Debian bug #949235): once
 * done, MS_SHARED succeeds at once. Only the first time is recursive:
 * the binds of the namespaces are mounts below it, and a recursive
 * MS_SHARED visits each of them (O(namespaces) per open). Propagation
 * of a new bind, and of its unmount, follows the run dir's own mount.
 */
static int run_dir_shared(void)
{
	_cleanup_close_ int fd = dir_make_open(AT_FDCWD, NETNS_RUN_DIR, 0755);
	int r = 0;

	if (fd < 0)
		return fd;
	if (flock(fd, LOCK_EX))
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED, NULL)) {
		if (errno != EINVAL ||
		    mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL) ||
		    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
			r = -errno;
	}
	(void)flock(fd, LOCK_UN);
	return r;
}

/* In a fresh namespace of its own: pin it on @path (netns_do_in() brings
 * the helper back). */
static int unshare_and_pin(void *path)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) ?
		       -errno : 0;
}

int netns_create(const char *name, int *ret_fd)
{
	char path[PATH_MAX];
	int fd, r = ns_path(name, path, sizeof(path));

	if (r)
		return r;
	r = run_dir_shared();
	if (r)
		return r;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0);
	if (fd < 0)
		return -errno;
	(void)close(fd);
	r = netns_do_in(-1, unshare_and_pin, path);
	if (!r && ret_fd) {
		*ret_fd = open(path, O_RDONLY | O_CLOEXEC);
		r = *ret_fd < 0 ? -errno : 0;
		if (r)
			(void)umount2(path, MNT_DETACH);
	}
	if (r)
		(void)unlink(path);
	return r;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd, r = ns_path(name, path, sizeof(path));

	if (r)
		return r;
	/* O_NONBLOCK: a FIFO planted here must not block the open. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (!nsfs_is(fd, CLONE_NEWNET)) {
		(void)close(fd);
		return -EINVAL;
	}
	return fd;
}

unsigned long long netns_inode(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long long)st.st_ino;
}

bool netns_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !ns_path(name, path, sizeof(path)) && !lstat(path, &st);
}

/*
 * Remove the directory NETNS_ETC_DIR/NAME and the files in it, following
 * no symlink; anything there that is not a directory is left alone.
 */
static int delete_etc(const char *name)
{
	_cleanup_close_ int etc = open(NETNS_ETC_DIR, O_RDONLY | O_DIRECTORY |
				       O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int fd;

	if (etc < 0)
		return errno == ENOENT ? 0 : -errno;
	fd = openat(etc, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0) {
		/*
		 * ENOTDIR/ELOOP: a symlink or file someone else put there.
		 * The helper never makes one, so it is not ours to remove
		 * (THREATS.md 1: planted files change nothing); leaving it
		 * makes the next dns_write() fail closed.
		 */
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0;
		return -errno;
	}
	d = fdopendir(fd);
	if (!d) {
		(void)close(fd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return unlinkat(etc, name, AT_REMOVEDIR) && errno != ENOENT ? -errno :
								      0;
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	int r = ns_path(name, path, sizeof(path));

	if (r)
		return r;
	/* NOFOLLOW: a symlink planted here must not unmount its target */
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) && errno != EINVAL &&
	    errno != ENOENT)
		r = -errno;
	if (unlink(path) && errno != ENOENT && !r)
		r = -errno;
	return delete_etc(name) ?: r;
}

int netns_do_in(int netns_fd, int (*fn)(void *), void *arg)
{
	_cleanup_close_ int saved = open("/proc/self/ns/net",
					 O_RDONLY | O_CLOEXEC);
	int r;

	if (saved < 0)
		return -errno;
	if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET))
		return -errno;
	r = fn(arg);
	if (setns(saved, CLONE_NEWNET))
		abort();	/* never go on in the wrong namespace */
	return r;
}

/*
 * /proc/sys of a procfs instance of the helper's own, mounted nowhere.
 * In the shared /proc, a lookup under /proc/sys/net compares the name
 * with the cached entry of every network namespace that looked the same
 * name up (proc_sys_compare), and every session namespace looks up its
 * eth0's accept_ra: each lookup, the host's forwarding reads included,
 * cost O(open sessions). A private instance starts with an empty cache
 * and goes with the helper. Where fsopen() is refused, /proc/sys.
 * The fd is kept for the helper's life, its one mutable static here: a
 * new instance costs some 50 us, a few times per login. It is a cache
 * that holds nothing of a request (the same procfs instance serves every
 * request of the process), so requests served at once may share it; only
 * its first opening would then need to happen once.
 */
static int sysctl_dir(void)
{
	static int dir = -1;
	_cleanup_close_ int fs = -1, mnt = -1;

	if (dir >= 0)
		return dir;
	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs >= 0 && !fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID |
			      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt >= 0)
		dir = openat(mnt, "sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		dir = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dir < 0 ? -errno : dir;
}

struct sysctl_at {
	int dir;
	const char *path;
};

static int sysctl_openat(void *data)
{
	const struct sysctl_at *at = data;
	int fd = openat(at->dir, at->path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int sysctl_open(int netns_fd, const char *path)
{
	struct sysctl_at at = { sysctl_dir(), path };

	if (path[0] == '/' || strstr(path, ".."))
		return -EINVAL;
	if (at.dir < 0)
		return at.dir;
	/* /proc/sys/net belongs to the namespace of whoever opens it */
	if (netns_fd < 0)
		return sysctl_openat(&at);
	return netns_do_in(netns_fd, sysctl_openat, &at);
}

int netns_sysctl_write(int netns_fd, const char *path, const char *value,
		       char *ret_old, size_t oldlen)
{
	_cleanup_close_ int fd = sysctl_open(netns_fd, path);
	size_t len = strlen(value);

	if (fd < 0)
		return fd;
	if (ret_old && oldlen) {
		ssize_t n = read(fd, ret_old, oldlen - 1);

		if (n < 0)
			return -errno;
		ret_old[n] = '\0';
		if (lseek(fd, 0, SEEK_SET))
			return -errno;
	}
	return write(fd, value, len) == (ssize_t)len ? 0 : -errno;
}
