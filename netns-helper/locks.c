// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * locks.c - the state lock, the namespace locks and the resource lock
 * (see locks.h for their order).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "deadline.h"
#include "locks.h"
#include "records.h"
#include "state.h"
#include "util.h"

#define LOCKS_DIR	"locks"
#define RES_LOCK	"resources.lock"

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * flock(@fd, @op) that gives up at the deadline. A timer interrupts the
 * wait (no SA_RESTART); it repeats, so a signal that comes before flock
 * blocks does not leave it blocked for good.
 */
static int lock_until_deadline(int fd, int op, const struct deadline *dl)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_interval = { 0, 20000 } }, off = { 0 };
	long left;
	int r = 0;

	if (!flock(fd, op | LOCK_NB))
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	left = deadline_left_ms(dl);
	if (left == 0)
		return -ETIMEDOUT;
	sigemptyset(&sa.sa_mask);
	if (left > 0) {
		(void)sigaction(SIGALRM, &sa, &old);
		it.it_value.tv_sec = left / 1000;
		it.it_value.tv_usec = left % 1000 * 1000 + 1;
		(void)setitimer(ITIMER_REAL, &it, NULL);
	}
	while (flock(fd, op)) {
		if (errno != EINTR) {
			r = -errno;
			break;
		}
		if (deadline_left_ms(dl) == 0) {
			r = -ETIMEDOUT;
			break;
		}
	}
	if (left > 0) {
		(void)setitimer(ITIMER_REAL, &off, NULL);
		(void)sigaction(SIGALRM, &old, NULL);
	}
	return r;
}

/* @path under STATE_DIR locked with @op by @l->dl; the fd, or -errno. */
static int open_locked(const struct locks *l, const char *path, int op)
{
	int fd = openat(state_fd(), path, O_RDWR | O_CREAT | O_NOFOLLOW |
			O_CLOEXEC, 0600), r;

	if (fd < 0)
		return -errno;
	r = lock_until_deadline(fd, op, l->dl);
	if (r) {
		(void)close(fd);
		return r;
	}
	return fd;
}

int locks_begin(struct locks *l, bool exclusive, char *err, size_t errlen)
{
	int fd, r;

	if (l->state_fd >= 0)
		return 0;
	r = state_open(err, errlen);
	if (r)
		return r;
	/* Kept until locks_end() or the end of the process. */
	fd = open_locked(l, "lock", exclusive ? LOCK_EX : LOCK_SH);
	if (fd < 0) {
		snprintf(err, errlen, "%s/lock: %s", state_dir(),
			 fd == -ETIMEDOUT ? "still held by gc at the "
			 "login's time limit" : strerror(-fd));
		state_close();
		return fd;
	}
	l->state_fd = fd;
	return 0;
}

static void lock_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, LOCKS_DIR "/%s", name);
}

/* Under the lock: whoever waits for it sees the file gone and makes
 * another one. */
void locks_ns_release(struct locks *l)
{
	char path[sizeof(l->ns) + 8];

	if (l->ns_fd < 0)
		return;
	if (!ns_rec_exists(l->ns)) {
		lock_path(l->ns, path, sizeof(path));
		(void)unlinkat(state_fd(), path, 0);
	}
	(void)close(l->ns_fd);
	l->ns_fd = -1;
}

void locks_end(struct locks *l)
{
	locks_ns_release(l);
	if (l->res_fd >= 0)
		(void)close(l->res_fd);
	l->res_fd = -1;
	l->res_depth = 0;
	if (l->state_fd >= 0)
		(void)close(l->state_fd);
	l->state_fd = -1;
	state_close();
}

/* The file of the lock at @fd is still @path: not unlinked meanwhile by
 * a holder that was done with it. */
static bool still_linked(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) &&
	       !fstatat(state_fd(), path, &b, AT_SYMLINK_NOFOLLOW) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int locks_ns(struct locks *l, const char *name)
{
	char path[sizeof(l->ns) + 8];
	int fd;

	if (l->state_fd < 0)
		return -EBADF;
	if (l->ns_fd >= 0)
		return strcmp(l->ns, name) ? -EDEADLK : 0;
	if (l->res_depth)
		return -EDEADLK;
	if (!*name || strchr(name, '/') || *name == '.' ||
	    strlcpy_checked(l->ns, name, sizeof(l->ns)))
		return -EINVAL;
	lock_path(name, path, sizeof(path));
	for (;;) {
		fd = open_locked(l, path, LOCK_EX);
		if (fd < 0 || still_linked(fd, path))
			break;
		(void)close(fd);
	}
	if (fd < 0)
		return fd;
	l->ns_fd = fd;
	return 0;
}

/*
 * Held only for instants by anyone (locks.h), so waited for without a
 * deadline: a rollback after the deadline still gets it.
 */
int state_res_lock(struct locks *l)
{
	int r = 0;

	if (state_fd() < 0)
		return -EBADF;
	if (l->res_depth++)
		return 0;
	if (l->res_fd < 0)
		l->res_fd = openat(state_fd(), RES_LOCK, O_RDWR | O_CREAT |
				   O_NOFOLLOW | O_CLOEXEC, 0600);
	if (l->res_fd < 0)
		r = -errno;
	while (!r && flock(l->res_fd, LOCK_EX))
		if (errno != EINTR)
			r = -errno;
	if (r)
		l->res_depth = 0;
	return r;
}

void state_res_unlock(struct locks *l)
{
	if (l->res_depth > 0 && !--l->res_depth)
		(void)flock(l->res_fd, LOCK_UN);
}

static int sweep_lock(const char *name, void *data)
{
	char path[512];

	(void)data;
	if (!ns_rec_exists(name)) {
		lock_path(name, path, sizeof(path));
		(void)unlinkat(state_fd(), path, 0);
	}
	return 0;
}

int locks_sweep(void)
{
	return state_list(LOCKS_DIR, sweep_lock, NULL);
}
