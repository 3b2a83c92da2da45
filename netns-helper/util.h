/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers shared by netns-helper and its tests: cleanup
 * attributes for memory and fds, and steal_pointer/steal_fd to hand
 * ownership out of a scope.
 */
#ifndef PN_UTIL_H
#define PN_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * dir_make_open() - make directory @path under @at (AT_FDCWD: as given)
 * with @mode unless it exists, and open it without following a symlink
 * planted in its place.
 * Return: an O_RDONLY|O_DIRECTORY fd, or -errno
 */
static inline int dir_make_open(int at, const char *path, mode_t mode)
{
	int fd;

	if (mkdirat(at, path, mode) && errno != EEXIST)
		return -errno;
	fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		(void)close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

static inline void *steal_pointer_(void *pp)
{
	void **p = pp;
	void *v = *p;

	*p = NULL;
	return v;
}
#define steal_pointer(pp) steal_pointer_(pp)

static inline int steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

/* Bounded copy that always terminates; returns -ENAMETOOLONG on truncation. */
static inline int strlcpy_checked(char *dst, const char *src, size_t size)
{
	int n = snprintf(dst, size, "%s", src);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/* env_get() - the value of @key in @env, an environment as execve()
 * handed it over (the helper clears its own, caps.c), or NULL. */
static inline const char *env_get(char **env, const char *key)
{
	size_t n = strlen(key);

	for (; env && *env; env++)
		if (!strncmp(*env, key, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

#endif
