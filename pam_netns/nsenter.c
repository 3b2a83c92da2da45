// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsenter.c - move the calling process (sshd's session process, su, ...)
 * into the namespace the helper made, the way `ip netns exec` does
 * (iproute2 lib/namespace.c netns_switch), with the checks of THREATS.md
 * item 1 and the DNS masking of item 7:
 *
 *   1. open NETNS_RUN_DIR/NAME without following symlinks and without
 *      blocking on a planted FIFO; it must be nsfs and the very namespace
 *      (inode) the helper reported;
 *   2. setns(CLONE_NEWNET);
 *   3. a private mount namespace with / as a slave, so host mounts still
 *      propagate in and nothing propagates out, and NETNS_RUN_DIR
 *      detached in it and covered by an empty tmpfs: a copy of the
 *      helper's template (MNT_TEMPLATE, made that way once), or else of
 *      the host's, made so here;
 *   4. tmpfs over the host resolvers' socket dirs (systemd-resolved,
 *      nscd): their resolvers live in the host namespace and would answer
 *      for a confined login;
 *   5. NETNS_ETC_DIR/NAME/<file> mounted over /etc/<file> itself, also
 *      where that is a symlink (resolv.conf of systemd-resolved,
 *      resolvconf, NetworkManager): the link is covered, not followed;
 *   6. a fresh /sys, so /sys/class/net shows this namespace's links,
 *      with every filesystem the host has below /sys put back on it
 *      (cgroup2 at /sys/fs/cgroup: the systemd user manager, podman
 *      and systemd-cgls read it).
 *
 * Any error returns -1 with a message logged; the caller moves back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "module.h"
#include "nsfs.h"

/* Directories whose sockets reach the host's resolvers. */
static const char *const resolver_dirs[] = {
	"/run/systemd/resolve",
	"/run/nscd",
};

/**
 * pn_single_threaded() - setns(CLONE_NEWNET) moves only the calling
 * thread, so a threaded caller would leave its other threads outside.
 * Return: 1 single-threaded, 0 not, -1 unknown.
 */
int pn_single_threaded(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n == 1;
}

/**
 * pn_netns_is() - whether this process is in the network namespace
 * whose nsfs inode is @ino (a su from within the very namespace).
 */
bool pn_netns_is(unsigned long long ino)
{
	struct stat st;

	return !stat("/proc/self/ns/net", &st) &&
	       (unsigned long long)st.st_ino == ino;
}

/* openat() of a single name beneath @dfd: no symlinks, no blocking. */
static int open_beneath(int dfd, const char *name, int flags)
{
	/* O_PATH takes no O_NONBLOCK (openat2 refuses it); it never blocks */
	flags |= O_CLOEXEC | O_NOFOLLOW | (flags & O_PATH ? 0 : O_NONBLOCK);
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (unsigned)flags,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dfd, name, &how, sizeof(how));

	if (fd >= 0 || errno != ENOSYS)
		return fd;
#endif
	return openat(dfd, name, flags);
}

static int open_netns(pam_handle_t *pamh, const struct pn_answer *a)
{
	struct stat st;
	int dfd, fd;

	dfd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				  O_NOFOLLOW);
	if (dfd < 0) {
		pam_syslog(pamh, LOG_ERR, "%s: %m", NETNS_RUN_DIR);
		return -1;
	}
	fd = open_beneath(dfd, a->netns, O_RDONLY);
	close(dfd);
	if (fd < 0) {
		pam_syslog(pamh, LOG_ERR, "%s/%s: %m", NETNS_RUN_DIR, a->netns);
		return -1;
	}
	if (!nsfs_is(fd, CLONE_NEWNET) || fstat(fd, &st) ||
	    (unsigned long long)st.st_ino != a->netns_ino) {
		pam_syslog(pamh, LOG_ERR, "%s/%s: not the network namespace "
			   "the helper made", NETNS_RUN_DIR, a->netns);
		close(fd);
		return -1;
	}
	return fd;
}

static int mask_resolvers(pam_handle_t *pamh)
{
	for (size_t i = 0; i < sizeof(resolver_dirs) / sizeof(*resolver_dirs);
	     i++) {
		struct stat st;

		if (lstat(resolver_dirs[i], &st) || !S_ISDIR(st.st_mode))
			continue;
		if (mount("pam_netns", resolver_dirs[i], "tmpfs",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k")) {
			pam_syslog(pamh, LOG_ERR, "masking %s: %m",
				   resolver_dirs[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Mount the file open as @src_fd over /etc/@name itself, not over what
 * it points to: /etc/resolv.conf is often a symlink (systemd-resolved's
 * ../run/systemd/resolve/stub-resolv.conf, resolvconf's, NetworkManager's)
 * whose target may be masked, missing or shared with the host. The new
 * mount API mounts on the link; an old kernel gets a bind through it.
 * Return: 0, -1 with errno (ENOENT: no /etc/@name).
 */
static int mount_over(int src_fd, const char *dst)
{
	int tree, at, r;

	tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				     AT_EMPTY_PATH);
	if (tree < 0 && errno == ENOSYS) {
		char src[64];

		snprintf(src, sizeof(src), "/proc/self/fd/%d", src_fd);
		return mount(src, dst, "none", MS_BIND, NULL);
	}
	if (tree < 0)
		return -1;
	at = open(dst, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	r = at < 0 ? -1 : move_mount(tree, "", at, "", MOVE_MOUNT_F_EMPTY_PATH |
							MOVE_MOUNT_T_EMPTY_PATH);
	if (at >= 0)
		close(at);
	close(tree);
	return r;
}

/* Mount @dfd/@name over /etc/@name; a missing /etc/@name is skipped. */
static int bind_one(pam_handle_t *pamh, int dfd, const char *netns,
		    const char *name)
{
	char dst[PATH_MAX];
	struct stat st;
	int fd, r;

	fd = open_beneath(dfd, name, O_PATH);
	if (fd < 0 || fstat(fd, &st) || st.st_uid != 0 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		pam_syslog(pamh, LOG_ERR, "%s/%s/%s: not a root-owned file",
			   NETNS_ETC_DIR, netns, name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(dst, sizeof(dst), "/etc/%s", name);
	r = mount_over(fd, dst);
	close(fd);
	if (r && errno == ENOENT)
		return 0;	/* as ip netns exec: no /etc/NAME, nothing to cover */
	if (r)
		pam_syslog(pamh, LOG_ERR, "mount %s/%s/%s over %s: %m",
			   NETNS_ETC_DIR, netns, name, dst);
	return r ? -1 : 0;
}

static int bind_etc(pam_handle_t *pamh, const char *netns)
{
	int etc, dfd, r = 0;
	struct dirent *e;
	DIR *d;

	etc = open(NETNS_ETC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				  O_NOFOLLOW);
	if (etc < 0 && errno == ENOENT)
		return 0;
	dfd = etc < 0 ? -1 : open_beneath(etc, netns, O_RDONLY | O_DIRECTORY);
	if (etc >= 0)
		close(etc);
	if (dfd < 0 && errno == ENOENT)
		return 0;
	if (dfd < 0) {
		pam_syslog(pamh, LOG_ERR, "%s/%s: %m", NETNS_ETC_DIR, netns);
		return -1;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	while (!r && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = bind_one(pamh, dirfd(d), netns, e->d_name);
	closedir(d);
	return r;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *p)
{
	char *o = p;

	for (; *p; p++, o++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' &&
		    p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 |
				    (p[3] - '0'));
			p += 3;
		} else {
			*o = *p;
		}
	}
	*o = '\0';
}

#define SUBMOUNTS_MAX 64

/* The mounts directly below /sys, each cloned with what is below it. */
struct submounts {
	int n;
	int fd[SUBMOUNTS_MAX];
	char path[SUBMOUNTS_MAX][128];
};

static void submounts_close(struct submounts *sm)
{
	for (int i = 0; i < sm->n; i++)
		close(sm->fd[i]);
	sm->n = 0;
}

/* Clone @path and everything below it into @sm. */
static int clone_one(pam_handle_t *pamh, struct submounts *sm,
		     const char *path)
{
	int fd;

	if (sm->n == SUBMOUNTS_MAX || strlen(path) >= sizeof(sm->path[0])) {
		pam_syslog(pamh, LOG_ERR, "%s: too many or too long mount "
			   "points below /sys", path);
		return -1;
	}
	fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | AT_RECURSIVE |
				       OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT |
				       AT_SYMLINK_NOFOLLOW);
	if (fd < 0) {
		pam_syslog(pamh, LOG_ERR, "cloning %s: %m", path);
		return -1;
	}
	sm->fd[sm->n] = fd;
	snprintf(sm->path[sm->n++], sizeof(sm->path[0]), "%s", path);
	return 0;
}

/*
 * Clone every mount whose parent is the /sys mount, recursively (so
 * cgroup v1's hierarchies below the tmpfs at /sys/fs/cgroup come along),
 * except sysfs itself.
 * Clones of this namespace's mounts, slaves of the host's: the host's
 * later changes still propagate to them, as to the rest of the login's
 * tree. Return: 0, 1 when the kernel has no open_tree (before 5.2), -1.
 */
static int clone_submounts(pam_handle_t *pamh, struct submounts *sm)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], mp[512];
	int id, parent, sys_id = -1, r = 0;

	if (!f) {
		pam_syslog(pamh, LOG_ERR, "/proc/self/mountinfo: %m");
		return -1;
	}
	/* later lines are mounted later: the last /sys is the visible one */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %d %*s %*s %511s", &id, &parent, mp) == 3 &&
		    !strcmp(mp, "/sys"))
			sys_id = id;
	rewind(f);
	while (!r && sys_id >= 0 && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		/* pieces of a sysfs (a container's /sys/class, ...) show
		 * the old namespace: the fresh sysfs has them already */
		if (sscanf(line, "%d %d %*s %*s %511s", &id, &parent, mp) != 3 ||
		    parent != sys_id || !sep || !strncmp(sep, " - sysfs ", 9))
			continue;
		unescape(mp);
		r = clone_one(pamh, sm, mp);
		if (r && errno == ENOSYS && sm->n == 0)
			r = 1;
	}
	fclose(f);
	if (r)
		submounts_close(sm);
	return r;
}

/* Attach the clones on the fresh sysfs, at the same paths. */
static int attach_submounts(pam_handle_t *pamh, struct submounts *sm)
{
	for (int i = 0; i < sm->n; i++)
		if (move_mount(sm->fd[i], "", AT_FDCWD, sm->path[i],
			       MOVE_MOUNT_F_EMPTY_PATH)) {
			pam_syslog(pamh, LOG_ERR, "mount %s on the new /sys: "
				   "%m", sm->path[i]);
			return -1;
		}
	return 0;
}

static int fresh_sys(pam_handle_t *pamh, const char *netns)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct submounts sm = { 0 };
	struct statvfs sv;
	int r;

	if (!statvfs("/sys", &sv) && (sv.f_flag & ST_RDONLY))
		flags |= MS_RDONLY;
	r = clone_submounts(pamh, &sm);
	if (r < 0)
		return -1;
	if (r > 0)
		pam_syslog(pamh, LOG_WARNING, "no open_tree() in this kernel: "
			   "the login's /sys has no submounts (no cgroups)");
	r = -1;
	if (umount2("/sys", MNT_DETACH) && errno != EINVAL)
		pam_syslog(pamh, LOG_ERR, "umount /sys: %m");
	else if (mount(netns, "/sys", "sysfs", flags, NULL))
		pam_syslog(pamh, LOG_ERR, "mount /sys: %m");
	else
		r = attach_submounts(pamh, &sm);
	submounts_close(&sm);
	return r;
}

/*
 * Copy the template: setns into it, then unshare. Its mounts are slaves
 * of the host's already, and the copies of slaves are slaves of the same
 * masters. setns moves the working directory to the template's root: the
 * caller's (su keeps it) is taken along by name.
 * Return: 1 done, 0 no usable template (nothing changed), -1 error.
 */
static int copy_template(pam_handle_t *pamh)
{
	int fd = open(MNT_TEMPLATE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char cwd[PATH_MAX];
	bool have_cwd;

	if (fd < 0)
		return 0;
	if (!nsfs_is(fd, CLONE_NEWNS)) {
		close(fd);
		return 0;
	}
	have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
	if (setns(fd, CLONE_NEWNS) || unshare(CLONE_NEWNS)) {
		pam_syslog(pamh, LOG_ERR, "mount namespace from %s: %m",
			   MNT_TEMPLATE);
		close(fd);
		return -1;
	}
	close(fd);
	/* the same path in the copy; "/" when it is not there */
	if ((!have_cwd || chdir(cwd)) && chdir("/"))
		pam_syslog(pamh, LOG_WARNING, "chdir /: %m");
	return 1;
}

/* A copy of the host's mount namespace, made as the template is. */
static int copy_host(pam_handle_t *pamh)
{
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL)) {
		pam_syslog(pamh, LOG_ERR, "private mount namespace: %m");
		return -1;
	}
	/*
	 * The login needs no namespace files. Detached here, the copies of
	 * every other session's namespace mount go, and the namespaces made
	 * later are not propagated into this login: without it, each new
	 * namespace is mounted once more per open login (O(logins) per open).
	 * An empty tmpfs covers the directory underneath, which on a host
	 * with /run/netns a plain directory lists every namespace's name.
	 */
	if (umount2(NETNS_RUN_DIR, MNT_DETACH) && errno != EINVAL) {
		if (errno == ENOENT)
			return 0;
		pam_syslog(pamh, LOG_ERR, "detach %s: %m", NETNS_RUN_DIR);
		return -1;
	}
	if (mount("pam_netns", NETNS_RUN_DIR, "tmpfs", MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, "mode=0755,size=4k")) {
		pam_syslog(pamh, LOG_ERR, "cover %s: %m", NETNS_RUN_DIR);
		return -1;
	}
	return 0;
}

/**
 * pn_enter() - steps 1-6 above for the namespace in @a.
 * Return: 0, or -1 (logged) with the process possibly part-way: the
 * caller then calls pn_return_to().
 */
int pn_enter(pam_handle_t *pamh, const struct pn_answer *a)
{
	int fd = open_netns(pamh, a), r;

	if (fd < 0)
		return -1;
	r = setns(fd, CLONE_NEWNET);
	close(fd);
	if (r) {
		pam_syslog(pamh, LOG_ERR, "setns %s: %m", a->netns);
		return -1;
	}
	r = copy_template(pamh);
	if (r < 0 || (r == 0 && copy_host(pamh)))
		return -1;
	if (mask_resolvers(pamh) || bind_etc(pamh, a->netns) ||
	    fresh_sys(pamh, a->netns))
		return -1;
	return 0;
}

/**
 * pn_return_to() - back to the mount and network namespaces saved at
 * the start (mount first: it needs the rights we have in either).
 * Return: 0 or -1.
 */
int pn_return_to(int net_fd, int mnt_fd)
{
	int r = 0;

	if (setns(mnt_fd, CLONE_NEWNS))
		r = -1;
	if (setns(net_fd, CLONE_NEWNET))
		r = -1;
	return r;
}
