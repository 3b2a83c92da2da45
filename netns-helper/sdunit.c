// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdunit.c - the systemd drop-ins that confine user@UID.service (see
 * sdunit.h).
 *
 * SYSTEMD_RUNTIME_DIR is root's, but the helper still never follows a
 * symlink or trusts a directory someone else could write: every step goes
 * through an O_NOFOLLOW directory fd whose owner and mode were checked,
 * and a file found there is read only when it is a regular file. A drop-in
 * counts as ours only when its text is exactly what sdunit_write() would
 * write for the namespace it names, so an administrator's own drop-ins in
 * the same directory are never touched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locks.h"
#include "log.h"
#include "names.h"
#include "netns_file.h"
#include "records.h"
#include "sdunit.h"
#include "state.h"
#include "util.h"

#define DROPIN		"pam_netns.conf"
#define DROPIN_TMP	".pam_netns.conf.tmp"
#define DROPIN_MAX	1024
#define PATH_KEY	"\nNetworkNamespacePath=" NETNS_RUN_DIR "/"

static int render(const char *netns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "# written by netns-helper: the user "
			 "manager runs in namespace '%s';\n# removed when "
			 "that namespace is torn down\n[Service]\n"
			 "NetworkNamespacePath=%s/%s\n", netns, NETNS_RUN_DIR,
			 netns);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : n;
}

/* A directory that only root can change. */
static int safe_dir(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

static int open_dir(int at, const char *path)
{
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = safe_dir(fd);
	if (r) {
		(void)close(fd);
		return r;
	}
	return fd;
}

/* @name in @dir as a string, when it is a small regular file. */
static int read_small(int dir, const char *name, char *buf, size_t len)
{
	/* O_NONBLOCK: a FIFO planted there must not hang the helper. */
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW |
					O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size >= len)
		return -EINVAL;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write @text to a temporary name, then rename it over DROPIN. */
static int write_atomic(int dir, const char *text, size_t n)
{
	_cleanup_close_ int fd = -1;
	int r;

	(void)unlinkat(dir, DROPIN_TMP, 0);	/* a killed writer's */
	fd = openat(dir, DROPIN_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, n);
	if (!r && (fchmod(fd, 0644) || fsync(fd)))
		r = -errno;
	if (!r && renameat(dir, DROPIN_TMP, dir, DROPIN))
		r = -errno;
	if (r)
		(void)unlinkat(dir, DROPIN_TMP, 0);
	return r;
}

static int open_top(void)
{
	return open_dir(AT_FDCWD, SYSTEMD_RUNTIME_DIR);
}

static int write_dropin(uid_t uid, const char *netns, char *err,
			size_t errlen)
{
	_cleanup_close_ int top = -1, dir = -1;
	char sub[48], text[DROPIN_MAX], old[DROPIN_MAX];
	int n = render(netns, text, sizeof(text)), r;

	snprintf(sub, sizeof(sub), "user@%u.service.d", (unsigned)uid);
	top = open_top();
	if (top == -ENOENT) {
		debug("%s is missing (systemd is not running): no drop-in "
		      "for %s", SYSTEMD_RUNTIME_DIR, sub);
		return 0;
	}
	r = n < 0 ? n : top < 0 ? top : 0;
	if (!r && mkdirat(top, sub, 0755) && errno != EEXIST)
		r = -errno;
	if (!r && (dir = open_dir(top, sub)) < 0)
		r = dir;
	if (!r && read_small(dir, DROPIN, old, sizeof(old)) == n &&
	    !strcmp(old, text))
		return 0;
	if (!r)
		r = write_atomic(dir, text, (size_t)n);
	if (r)
		snprintf(err, errlen, "%s/%s/%s: cannot write: %s",
			 SYSTEMD_RUNTIME_DIR, sub, DROPIN, r == -EPERM ?
			 "a directory on the way is not root's alone" :
			 strerror(-r));
	else
		debug("%s/%s/%s: user manager -> namespace '%s'",
		      SYSTEMD_RUNTIME_DIR, sub, DROPIN, netns);
	return r;
}

/* One writer at a time: logins of one user in two namespaces would share
 * the temporary file. */
int sdunit_write(struct locks *l, uid_t uid, const char *netns, char *err,
		 size_t errlen)
{
	int r = state_res_lock(l);

	if (r)
		return r;
	r = write_dropin(uid, netns, err, errlen);
	state_res_unlock(l);
	return r;
}

/* "user@" DIGITS ".service.d" */
static bool user_dropin_dir(const char *s)
{
	size_t d;

	if (strncmp(s, "user@", 5))
		return false;
	d = strspn(s + 5, "0123456789");
	return d > 0 && d <= 10 && !strcmp(s + 5 + d, ".service.d");
}

/* The namespace a drop-in of ours names; false when it is not ours. */
static bool ours(const char *text, char name[NETNS_NAME_MAX + 1])
{
	char again[DROPIN_MAX];
	const char *p = strstr(text, PATH_KEY);
	size_t n;

	if (!p)
		return false;
	p += strlen(PATH_KEY);
	n = strcspn(p, "\n");
	if (n == 0 || n > NETNS_NAME_MAX)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return name_check_netns(name) == NAME_OK &&
	       render(name, again, sizeof(again)) > 0 && !strcmp(text, again);
}

static bool remove_one(int top, const char *sub, int dir)
{
	if (unlinkat(dir, DROPIN, 0) && errno != ENOENT) {
		warn("%s/%s/%s: cannot remove: %m, ignoring",
		     SYSTEMD_RUNTIME_DIR, sub, DROPIN);
		return false;
	}
	/* The directory goes only when nothing else is in it. */
	(void)unlinkat(top, sub, AT_REMOVEDIR);
	debug("%s/%s/%s: removed", SYSTEMD_RUNTIME_DIR, sub, DROPIN);
	return true;
}

/*
 * Remove each drop-in of ours for which @gone(NAME) is true.
 * Return: how many were removed
 */
static int remove_if(bool (*gone)(const char *name, const void *data),
		     const void *data)
{
	_cleanup_close_ int top = open_top();
	char text[DROPIN_MAX], name[NETNS_NAME_MAX + 1];
	struct dirent *de;
	int n = 0, fd;
	DIR *d;

	if (top < 0)
		return 0;	/* no systemd, or not a directory we trust */
	fd = dup(top);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0)
		(void)close(fd);
	while (d && (de = readdir(d)) != NULL) {
		_cleanup_close_ int dir = -1;

		if (!user_dropin_dir(de->d_name))
			continue;
		dir = open_dir(top, de->d_name);
		if (dir >= 0 && read_small(dir, DROPIN, text, sizeof(text)) > 0 &&
		    ours(text, name) && gone(name, data) &&
		    remove_one(top, de->d_name, dir))
			n++;
	}
	if (d)
		(void)closedir(d);
	return n;
}

static bool same_name(const char *name, const void *data)
{
	return !strcmp(name, data);
}

void sdunit_remove(struct locks *l, const char *netns)
{
	if (state_res_lock(l))
		return;
	(void)remove_if(same_name, netns);
	state_res_unlock(l);
}

static bool no_record(const char *name, const void *data)
{
	(void)data;
	return !ns_rec_exists(name);
}

int sdunit_sweep(void)
{
	return remove_if(no_record, NULL);
}
