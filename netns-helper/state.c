// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the state directory: its files, blobs and listings, tokens
 * (see state.h). The records in it are records.c's, its locks locks.c's.
 *
 * Every path is opened relative to one directory fd on STATE_DIR, taken
 * with O_NOFOLLOW|O_DIRECTORY after checking that the directory is root's
 * and 0700: nothing a user can write is ever on the way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* The state directory: its path, and the fd of it while open. */
static const char *dir_path = STATE_DIR;
static int dir_fd = -1;

const char *state_dir(void)
{
	return dir_path;
}

void state_set_dir(const char *dir)
{
	dir_path = dir;
}

static int check_dir(int fd, const char *what, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_uid != 0 || (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: must be a directory owned by root "
			 "with mode 0700", what);
		return -EPERM;
	}
	return 0;
}

static int open_state_dir(char *err, size_t errlen)
{
	int fd;

	if (mkdir(dir_path, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", dir_path,
			 strerror(errno));
		return -errno;
	}
	fd = open(dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;

		snprintf(err, errlen, "%s: cannot open: %s%s", dir_path,
			 strerror(errno),
			 errno == ELOOP || errno == ENOTDIR ?
				 " (a symlink or not a directory)" : "");
		return r;
	}
	return fd;
}

int state_open(char *err, size_t errlen)
{
	static const char *const sub[] = { "ns", "sessions", "members",
					   "leases", "ino", "locks", "tunnels" };
	_cleanup_close_ int fd = -1;
	int r;

	if (dir_fd >= 0)
		return 0;
	fd = open_state_dir(err, errlen);
	if (fd < 0)
		return fd;
	r = check_dir(fd, dir_path, err, errlen);
	if (r)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++)
		if (mkdirat(fd, sub[i], 0700) && errno != EEXIST)
			return -errno;
	dir_fd = steal_fd(&fd);
	return 0;
}

void state_close(void)
{
	if (dir_fd >= 0)
		(void)close(dir_fd);
	dir_fd = -1;
}

int state_fd(void)
{
	return dir_fd;
}

/* "PATH.PID.tmp": writers of one file (hostns, a lease bitmap) never
 * share a temporary. */
static int tmp_name(const char *path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.%d.tmp", path, (int)getpid());

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int open_subdir(const char *dir, DIR **ret)
{
	int fd = openat(dir_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret = fdopendir(fd);
	if (!*ret) {
		(void)close(fd);
		return -errno;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the names in @dir, skipping dot files and temporaries. */
static int collect(const char *dir, char ***ret, size_t *ret_n)
{
	DIR *d = NULL;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;
	int r = open_subdir(dir, &d);

	*ret = NULL;
	*ret_n = 0;
	if (r)
		return r == -ENOENT ? 0 : r;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (de->d_name[0] == '.' ||
		    (l > 4 && !strcmp(de->d_name + l - 4, ".tmp")))
			continue;
		nv = realloc(v, sizeof(*v) * (n + 1));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			free(nv ? nv : v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*ret = v;
	*ret_n = n;
	return 0;
}

int state_list(const char *dir, int (*cb)(const char *name, void *data),
	     void *data)
{
	char **v;
	size_t n;
	int r = collect(dir, &v, &n);

	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = cb(v[i], data);
		free(v[i]);
	}
	free(v);
	return r;
}

int state_count(const char *dir)
{
	DIR *d = NULL;
	struct dirent *de;
	int n = 0, r = open_subdir(dir, &d);

	if (r)
		return r == -ENOENT ? 0 : r;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

int state_read_blob(const char *path, void *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (dir_fd < 0)
		return -EBADF;
	fd = openat(dir_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	return n < 0 ? -errno : (int)n;
}

int state_write_blob(const char *path, const void *buf, size_t len)
{
	char tmp[540];
	_cleanup_close_ int fd = -1;

	if (dir_fd < 0)
		return -EBADF;
	if (tmp_name(path, tmp, sizeof(tmp)))
		return -ENAMETOOLONG;
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len ||
	    renameat(dir_fd, tmp, dir_fd, path)) {
		int r = errno ? -errno : -EIO;

		(void)unlinkat(dir_fd, tmp, 0);
		return r;
	}
	return 0;
}

static int sweep_dir(const char *dir)
{
	DIR *d = NULL;
	struct dirent *de;
	char path[512];
	int r = open_subdir(dir, &d);

	if (r)
		return r == -ENOENT ? 0 : r;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".tmp"))
			(void)unlinkat(dir_fd, path, 0);
		else if (de->d_type == DT_DIR)
			(void)sweep_dir(path);
	}
	closedir(d);
	return 0;
}

int state_sweep_tmp(void)
{
	return sweep_dir(".");
}

/* unlinkat() under STATE_DIR: 0 when @path is gone already. */
static int remove_at(const char *path, int flags)
{
	if (dir_fd < 0)
		return -EBADF;
	if (unlinkat(dir_fd, path, flags) && errno != ENOENT)
		return -errno;
	return 0;
}

int state_remove(const char *path)
{
	return remove_at(path, 0);
}

int state_mkdir(const char *dir)
{
	if (dir_fd < 0)
		return -EBADF;
	if (mkdirat(dir_fd, dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int state_rmdir(const char *dir)
{
	return remove_at(dir, AT_REMOVEDIR);
}

int state_token(char buf[PN_TOKEN_LEN + 1])
{
	unsigned char rnd[PN_TOKEN_RANDOM];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	pn_token_format(buf, rnd);
	return 0;
}

int proc_starttime(pid_t pid, unsigned long long *ret)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* comm may hold spaces and ')': fields resume after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EBADMSG;
	/* After ") " come fields 3..; starttime is field 22. */
	for (int field = 3; field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EBADMSG;
	}
	*ret = strtoull(p + 1, NULL, 10);
	return 0;
}

bool proc_alive(pid_t pid, unsigned long long start)
{
	unsigned long long now;

	return pid > 0 && !proc_starttime(pid, &now) && now == start;
}
