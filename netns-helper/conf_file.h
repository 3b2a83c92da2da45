/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf_file.h - reading a file that root trusts: the policy, its drop-ins
 * and the wg-quick files it names. A file any non-root user could have
 * written is refused before a byte of it is read (conf_check_file()).
 * Also the "FILE:LINE: MESSAGE" form that the errors of both parsers
 * (conf.c, wgconf.c) take.
 */
#ifndef PN_CONF_FILE_H
#define PN_CONF_FILE_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * conf_verr_at() - store "NAME:LINE: WHAT" and then @fmt in @err, or
 * "NAME: WHAT..." when @line is 0; nothing when @errlen is 0.
 * Return: -EINVAL
 */
int conf_verr_at(char *err, size_t errlen, const char *name, int line,
		 const char *what, const char *fmt, va_list ap);

/* conf_errf() - store @fmt in @err (unless @errlen is 0); return @r. */
__attribute__((format(printf, 4, 5)))
int conf_errf(int r, char *err, size_t errlen, const char *fmt, ...);

/*
 * conf_check_file() - refuse a policy (or key) file that a non-root user
 * could have written: not a regular file, a symlink, not owned by root,
 * group/world writable, a parent directory writable by others or not owned
 * by root, or larger than @max_size bytes.
 * @path:	the file; a relative path is checked from the current directory
 * @max_size:	size cap
 * @ret_fd:	an O_RDONLY|O_NOFOLLOW fd to the checked file, or NULL
 * @err:	"PATH: REASON" on failure
 *
 * Return: 0, or -errno
 */
int conf_check_file(const char *path, size_t max_size, int *ret_fd,
		    char *err, size_t errlen);

/**
 * conf_read_all() - read all of @fd into a new buffer *@ret (not
 * NUL-terminated) of *@ret_len bytes, refusing more than @max (a file
 * may grow after its size was checked).
 * Return: 0, -EFBIG, or -errno
 */
int conf_read_all(int fd, size_t max, char **ret, size_t *ret_len);

/* One file of the policy, as read. */
struct conf_file {
	char path[PATH_MAX];
	char *text;		/* not NUL-terminated; NULL reads as empty */
	size_t len;
};

/*
 * conf_dropin_dir() - the drop-in directory of the policy file @path:
 * "/etc/security/pam_netns.conf" -> "/etc/security/pam_netns.d", and a
 * name without ".conf" gets ".d" appended.
 * Return: 0, or -ENAMETOOLONG
 */
int conf_dropin_dir(const char *path, char *ret, size_t len);

/* conf_dropin_name() - whether a drop-in called @name is read: it ends in
 * ".conf" and does not start with '.'. */
bool conf_dropin_name(const char *name);

/*
 * conf_read_file() - conf_check_file() then read @path into @ret.
 * Return: 0, or -errno and @err set ("PATH: REASON")
 */
int conf_read_file(const char *path, struct conf_file *ret, char *err,
		   size_t errlen);

/*
 * conf_read_dropins() - read the drop-ins of the policy file @path, in
 * order: none when the directory does not exist; the directory must be
 * root's, not a symlink, not group/world writable.
 * @ret:	an array of *@ret_n files (free with conf_files_free())
 * Return: 0, or -errno and @err set
 */
int conf_read_dropins(const char *path, struct conf_file **ret,
		      size_t *ret_n, char *err, size_t errlen);

void conf_files_free(struct conf_file *f, size_t n);

#endif
