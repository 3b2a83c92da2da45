// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf_file.c - the files root trusts (conf_file.h): the checks that keep
 * a file any non-root user could have written from being read, the read
 * itself with a size cap, and the policy's drop-in directory. The policy
 * (conf.c) and the wg-quick files (wgconf.c) are read through here, and
 * both parsers word their errors with conf_verr_at().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "util.h"

/* ---- errors --------------------------------------------------------- */

int conf_verr_at(char *err, size_t errlen, const char *name, int line,
		 const char *what, const char *fmt, va_list ap)
{
	int n;

	if (!errlen)
		return -EINVAL;
	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: %s", name, line, what);
	else
		n = snprintf(err, errlen, "%s: %s", name, what);
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -EINVAL;
}

int conf_errf(int r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* ---- one file ------------------------------------------------------- */

static int check_dir(const char *path, const char *dir, char *err,
		     size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st))
		return conf_errf(-errno, err, errlen, "%s: parent directory "
				 "%s: %s", path, dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return conf_errf(-ELOOP, err, errlen, "%s: parent directory %s "
				 "is a symbolic link", path, dir);
	if (!S_ISDIR(st.st_mode))
		return conf_errf(-ENOTDIR, err, errlen, "%s: parent "
				 "directory %s is not a directory", path, dir);
	if (st.st_uid != 0)
		return conf_errf(-EPERM, err, errlen, "%s: parent directory %s "
				 "is not owned by root", path, dir);
	/* Sticky does not help: the owner of a planted file may replace it. */
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return conf_errf(-EPERM, err, errlen, "%s: parent directory %s "
				 "is writable by group or others", path, dir);
	return 0;
}

/*
 * Every directory the kernel walked to reach @path, from "/" down: a
 * non-root user who can write to any of them could have swapped the file.
 * Checked top-down so that a symlinked component is reported before the
 * directories found through it.
 */
static int check_parents(const char *path, char *err, size_t errlen)
{
	char abs[PATH_MAX], cwd[PATH_MAX];
	int n, r;

	if (path[0] == '/')
		n = snprintf(abs, sizeof(abs), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(abs, sizeof(abs), "%s/%s",
			     strcmp(cwd, "/") ? cwd : "", path);
	else
		return conf_errf(-errno, err, errlen, "%s: cannot find "
				 "the current directory: %s", path,
				 strerror(errno));
	if (n < 0 || (size_t)n >= sizeof(abs))
		return conf_errf(-ENAMETOOLONG, err, errlen, "%s: %s", path,
				 strerror(ENAMETOOLONG));
	r = check_dir(path, "/", err, errlen);
	for (char *s = strchr(abs + 1, '/'); !r && s; s = strchr(s + 1, '/')) {
		if (s[-1] == '/')
			continue;	/* "//" adds no directory */
		*s = '\0';
		r = check_dir(path, abs, err, errlen);
		*s = '/';
	}
	return r;
}

/* Root's, and writable by root only: a policy file and the drop-in
 * directory alike. */
static int check_owner(const char *path, const struct stat *st, char *err,
		       size_t errlen)
{
	if (st->st_uid != 0)
		return conf_errf(-EPERM, err, errlen, "%s: is not owned by "
				 "root", path);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return conf_errf(-EPERM, err, errlen, "%s: is writable by "
				 "group or others", path);
	return 0;
}

static int check_fd(const char *path, int fd, size_t max, char *err,
		    size_t errlen)
{
	struct stat st;
	int r;

	if (fstat(fd, &st))
		return conf_errf(-errno, err, errlen, "%s: cannot open: %s",
				 path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return conf_errf(-EINVAL, err, errlen, "%s: is not a regular "
				 "file", path);
	r = check_owner(path, &st, err, errlen);
	if (r)
		return r;
	if ((unsigned long long)st.st_size > max)
		return conf_errf(-EFBIG, err, errlen, "%s: is larger than %zu "
				 "bytes", path, max);
	return 0;
}

/**
 * conf_check_file() - refuse a file that a non-root user could have written
 * @path:	the file (relative paths are checked from the current directory)
 * @max_size:	size cap in bytes
 * @ret_fd:	on success, an O_RDONLY fd to the checked file, or NULL
 * @err:	"PATH: REASON" on failure
 * @errlen:	size of @err
 *
 * The file is opened first, without following a symlink and without
 * blocking on a FIFO, and the checks are made on what was opened.
 *
 * Return: 0, or -errno
 */
int conf_check_file(const char *path, size_t max_size, int *ret_fd,
		    char *err, size_t errlen)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return conf_errf(-ELOOP, err, errlen, "%s: is a symbolic link",
				 path);
	if (fd < 0)
		return conf_errf(-errno, err, errlen, "%s: cannot open: %s",
				 path, strerror(errno));
	r = check_fd(path, fd, max_size, err, errlen) ?:
	    check_parents(path, err, errlen);
	if (r)
		return r;
	if (ret_fd)
		*ret_fd = steal_fd(&fd);
	return 0;
}

int conf_read_all(int fd, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = malloc(max + 1);
	size_t len = 0;

	if (!buf)
		return -ENOMEM;
	while (len <= max) {
		ssize_t n = read(fd, buf + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return -EFBIG;
	*ret = steal_pointer(&buf);
	*ret_len = len;
	return 0;
}

/**
 * conf_dropin_dir() - the drop-in directory of a policy file
 * @path:	the policy file
 * @ret:	@path without ".conf", plus ".d"
 * @len:	size of @ret
 *
 * Return: 0, or -ENAMETOOLONG
 */
int conf_dropin_dir(const char *path, char *ret, size_t len)
{
	size_t n = strlen(path);
	int w;

	if (n > 5 && !strcmp(path + n - 5, ".conf") && path[n - 6] != '/')
		n -= 5;
	w = snprintf(ret, len, "%.*s.d", (int)n, path);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

/**
 * conf_read_file() - one policy file, after conf_check_file()
 * @path:	the file
 * @ret:	its path and text (free the text)
 * @err:	"PATH: REASON" on failure
 * @errlen:	size of @err
 *
 * Return: 0, or -errno (-ENOENT when it does not exist)
 */
int conf_read_file(const char *path, struct conf_file *ret, char *err,
		   size_t errlen)
{
	_cleanup_close_ int fd = -1;
	int r;

	ret->text = NULL;
	ret->len = 0;
	if (strlcpy_checked(ret->path, path, sizeof(ret->path)))
		return conf_errf(-ENAMETOOLONG, err, errlen, "%s: %s", path,
				 strerror(ENAMETOOLONG));
	r = conf_check_file(path, CONF_MAX_SIZE, &fd, err, errlen);
	if (r)
		return r;
	r = conf_read_all(fd, CONF_MAX_SIZE, &ret->text, &ret->len);
	if (r == -EFBIG)
		return conf_errf(r, err, errlen, "%s: is larger than %d bytes",
				 path, CONF_MAX_SIZE);
	if (r)
		return conf_errf(r, err, errlen, "%s: cannot read: %s", path,
				 strerror(-r));
	return 0;
}

void conf_files_free(struct conf_file *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++)
		free(f[i].text);
	free(f);
}

/* The directory itself, as conf_check_file() checks a file's parents. */
static int check_dropin_dir(const char *dir, int fd, char *err,
			    size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return conf_errf(-errno, err, errlen, "%s: %s", dir,
				 strerror(errno));
	return check_owner(dir, &st, err, errlen);
}

/* Open the drop-in directory: -ENOENT when there is none. */
static int open_dropin_dir(const char *dir, int *ret_fd, char *err,
			   size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return conf_errf(-errno, err, errlen, "%s: is %s", dir,
				 !lstat(dir, &st) && S_ISLNK(st.st_mode) ?
				 "a symbolic link" : "not a directory");
	if (fd < 0)
		return conf_errf(-errno, err, errlen, "%s: cannot open: %s",
				 dir, strerror(errno));
	*ret_fd = fd;
	return 0;
}

/**
 * conf_dropin_name() - whether a file of the drop-in directory is read
 * @name:	its name
 *
 * Editor backups, dpkg's leftovers and hidden files (an editor's lock or
 * swap file) are not.
 *
 * Return: true for "NAME.conf" where NAME is not empty and does not start
 * with '.'
 */
bool conf_dropin_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char **v;
	size_t n;
};

static void names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* The names of the drop-ins in the directory @fd, sorted. */
static int list_dropins(const char *dir, int fd, struct names *ret,
			char *err, size_t errlen)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		(void)close(fd);
		return conf_errf(r, err, errlen, "%s: cannot read: %s", dir,
				 strerror(-r));
	}
	ret->v = calloc(CONF_MAX_DROPINS, sizeof(*ret->v));
	while (!r && ret->v && (errno = 0, de = readdir(d))) {
		if (!conf_dropin_name(de->d_name))
			continue;
		if (ret->n == CONF_MAX_DROPINS)
			r = conf_errf(-E2BIG, err, errlen, "%s: more than %d "
				      "drop-ins", dir, CONF_MAX_DROPINS);
		else if (!(ret->v[ret->n++] = strdup(de->d_name)))
			r = -ENOMEM;
	}
	if (!r && (!ret->v || errno))
		r = ret->v ? -errno : -ENOMEM;
	(void)closedir(d);
	if (r && r != -E2BIG)
		return conf_errf(r, err, errlen, "%s: cannot read: %s", dir,
				 strerror(-r));
	if (!r)
		qsort(ret->v, ret->n, sizeof(*ret->v), by_name);
	return r;
}

/**
 * conf_read_dropins() - the drop-ins of a policy file, checked and read
 * @path:	the main policy file
 * @ret:	the files, in the order they are read
 * @ret_n:	how many
 * @err:	"PATH: REASON" on failure
 * @errlen:	size of @err
 *
 * Return: 0 (also when there is no drop-in directory), or -errno
 */
int conf_read_dropins(const char *path, struct conf_file **ret,
		      size_t *ret_n, char *err, size_t errlen)
{
	__attribute__((cleanup(names_free))) struct names nm = { 0 };
	struct conf_file *f = NULL;
	char dir[PATH_MAX], file[PATH_MAX];
	int fd = -1, r;

	*ret = NULL;
	*ret_n = 0;
	if (conf_dropin_dir(path, dir, sizeof(dir)))
		return conf_errf(-ENAMETOOLONG, err, errlen, "%s: %s", path,
				 strerror(ENAMETOOLONG));
	r = open_dropin_dir(dir, &fd, err, errlen);
	if (r == -ENOENT)
		return 0;
	r = r ?: check_dropin_dir(dir, fd, err, errlen);
	if (!r)
		r = check_parents(dir, err, errlen);
	if (r) {
		(void)close(fd);
		return r;
	}
	r = list_dropins(dir, fd, &nm, err, errlen);	/* closes fd */
	if (!r && nm.n && !(f = calloc(nm.n, sizeof(*f))))
		r = -ENOMEM;
	for (size_t i = 0; !r && i < nm.n; i++) {
		if (snprintf(file, sizeof(file), "%s/%s", dir, nm.v[i]) >=
		    (int)sizeof(file))
			r = conf_errf(-ENAMETOOLONG, err, errlen, "%s/%s: %s",
				      dir, nm.v[i], strerror(ENAMETOOLONG));
		else
			r = conf_read_file(file, &f[i], err, errlen);
	}
	if (r == -ENOMEM)
		conf_errf(r, err, errlen, "%s: out of memory", dir);
	if (r) {
		conf_files_free(f, nm.n);
		return r;
	}
	*ret = f;
	*ret_n = nm.n;
	return 0;
}
