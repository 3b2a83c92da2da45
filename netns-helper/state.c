// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - records, the locks, serials and tokens (see state.h).
 *
 * Every path is opened relative to one directory fd on STATE_DIR, taken
 * with O_NOFOLLOW|O_DIRECTORY after checking that the directory is root's
 * and 0700: nothing a user can write is ever on the way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "deadline.h"
#include "state.h"
#include "util.h"

#define LOCKS_DIR	"locks"
#define RES_LOCK	"resources.lock"

static const char *dir_path = STATE_DIR;
static int dir_fd = -1;
static int state_lock_fd = -1;
static int res_lock_fd = -1, res_depth;
static int ns_lock_fd = -1;
static char ns_lock_name[256];

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

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * flock(@fd, @op) that gives up at the deadline. A timer interrupts the
 * wait (no SA_RESTART); it repeats, so a signal that comes before flock
 * blocks does not leave it blocked for good.
 */
static int lock_until_deadline(int fd, int op)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_interval = { 0, 20000 } }, off = { 0 };
	long left;
	int r = 0;

	if (!flock(fd, op | LOCK_NB))
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	left = deadline_left_ms();
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
		if (deadline_left_ms() == 0) {
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

/* @path under @at locked with @op; the fd, or -errno. */
static int open_locked(int at, const char *path, int op)
{
	int fd = openat(at, path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			0600), r;

	if (fd < 0)
		return -errno;
	r = lock_until_deadline(fd, op);
	if (r) {
		(void)close(fd);
		return r;
	}
	return fd;
}

int state_open(bool exclusive, char *err, size_t errlen)
{
	static const char *const sub[] = { "ns", "sessions", "members",
					   "leases", "ino", LOCKS_DIR };
	_cleanup_close_ int fd = -1;
	int lock, r;

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
	/* Kept until state_close() or the end of the process. */
	lock = open_locked(fd, "lock", exclusive ? LOCK_EX : LOCK_SH);
	if (lock < 0) {
		snprintf(err, errlen, "%s/lock: %s", dir_path,
			 lock == -ETIMEDOUT ? "still held by gc at the "
			 "login's time limit" : strerror(-lock));
		return lock;
	}
	state_lock_fd = lock;
	dir_fd = steal_fd(&fd);
	return 0;
}

void state_close(void)
{
	state_ns_unlock();
	if (res_lock_fd >= 0)
		(void)close(res_lock_fd);
	res_lock_fd = -1;
	res_depth = 0;
	if (state_lock_fd >= 0)
		(void)close(state_lock_fd);
	state_lock_fd = -1;
	if (dir_fd >= 0)
		(void)close(dir_fd);
	dir_fd = -1;
}

/* The file of the lock at @fd is still @path: not unlinked meanwhile by
 * a holder that was done with it. */
static bool still_linked(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) &&
	       !fstatat(dir_fd, path, &b, AT_SYMLINK_NOFOLLOW) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int state_ns_lock(const char *name)
{
	char path[sizeof(ns_lock_name) + 8];
	int fd;

	if (dir_fd < 0)
		return -EBADF;
	if (ns_lock_fd >= 0)
		return strcmp(ns_lock_name, name) ? -EDEADLK : 0;
	if (res_depth)
		return -EDEADLK;
	if (!*name || strchr(name, '/') || *name == '.' ||
	    strlcpy_checked(ns_lock_name, name, sizeof(ns_lock_name)))
		return -EINVAL;
	snprintf(path, sizeof(path), LOCKS_DIR "/%s", name);
	for (;;) {
		fd = open_locked(dir_fd, path, LOCK_EX);
		if (fd < 0 || still_linked(fd, path))
			break;
		(void)close(fd);
	}
	if (fd < 0)
		return fd;
	ns_lock_fd = fd;
	return 0;
}

void state_ns_unlock(void)
{
	char path[sizeof(ns_lock_name) + 8];

	if (ns_lock_fd < 0)
		return;
	/* Under the lock: whoever waits for it sees the file gone and
	 * makes another one. */
	if (!rec_exists("ns", ns_lock_name)) {
		snprintf(path, sizeof(path), LOCKS_DIR "/%s", ns_lock_name);
		(void)unlinkat(dir_fd, path, 0);
	}
	(void)close(ns_lock_fd);
	ns_lock_fd = -1;
}

/*
 * Held only for instants by anyone (state.h), so waited for without a
 * deadline: a rollback after the deadline still gets it.
 */
int state_res_lock(void)
{
	int r = 0;

	if (dir_fd < 0)
		return -EBADF;
	if (res_depth++)
		return 0;
	if (res_lock_fd < 0)
		res_lock_fd = openat(dir_fd, RES_LOCK, O_RDWR | O_CREAT |
				     O_NOFOLLOW | O_CLOEXEC, 0600);
	if (res_lock_fd < 0)
		r = -errno;
	while (!r && flock(res_lock_fd, LOCK_EX))
		if (errno != EINTR)
			r = -errno;
	if (r)
		res_depth = 0;
	return r;
}

void state_res_unlock(void)
{
	if (res_depth > 0 && !--res_depth)
		(void)flock(res_lock_fd, LOCK_UN);
}

static int sweep_lock(const char *name, void *data)
{
	char path[512];

	(void)data;
	if (!rec_exists("ns", name)) {
		snprintf(path, sizeof(path), LOCKS_DIR "/%s", name);
		(void)unlinkat(dir_fd, path, 0);
	}
	return 0;
}

int state_sweep_locks(void)
{
	return rec_list(LOCKS_DIR, sweep_lock, NULL);
}

static int rec_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (dir_fd < 0)
		return -EBADF;
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* "PATH.PID.tmp": writers of one file (hostns, a lease bitmap) never
 * share a temporary. */
static int tmp_name(const char *path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.%d.tmp", path, (int)getpid());

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int parse_line(struct record *r, char *line)
{
	char *eq = strchr(line, '=');

	if (!eq || r->n >= REC_MAX_KV)
		return -EINVAL;
	*eq = '\0';
	if (strlcpy_checked(r->kv[r->n].key, line, REC_KEY_MAX) ||
	    strlcpy_checked(r->kv[r->n].val, eq + 1, REC_VAL_MAX))
		return -EINVAL;
	r->n++;
	return 0;
}

int rec_read(const char *dir, const char *name, struct record *r)
{
	char path[512], buf[REC_MAX_KV * (REC_KEY_MAX + REC_VAL_MAX + 2)];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int e = rec_path(dir, name, path, sizeof(path));

	r->n = 0;
	if (e)
		return e;
	fd = openat(dir_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (parse_line(r, l))
			return -EBADMSG;
	return 0;
}

int rec_write(const char *dir, const char *name, const struct record *r)
{
	char path[512], tmp[540];
	_cleanup_fclose_ FILE *f = NULL;
	int fd, e = rec_path(dir, name, path, sizeof(path));

	if (e)
		return e;
	(void)tmp_name(path, tmp, sizeof(tmp));
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		(void)close(fd);
		return -errno;
	}
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%s=%s\n", r->kv[i].key, r->kv[i].val);
	if (fflush(f) || ferror(f)) {
		e = errno ? -errno : -EIO;
		(void)unlinkat(dir_fd, tmp, 0);
		return e;
	}
	if (renameat(dir_fd, tmp, dir_fd, path)) {
		e = -errno;
		(void)unlinkat(dir_fd, tmp, 0);
		return e;
	}
	return 0;
}

int rec_remove(const char *dir, const char *name)
{
	char path[512];
	int e = rec_path(dir, name, path, sizeof(path));

	if (e)
		return e;
	if (unlinkat(dir_fd, path, 0) && errno != ENOENT)
		return -errno;
	return 0;
}

bool rec_exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	return !rec_path(dir, name, path, sizeof(path)) &&
	       !fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW);
}

const char *rec_get(const struct record *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return NULL;
}

long long rec_get_num(const struct record *r, const char *key, long long def)
{
	const char *v = rec_get(r, key);
	char *end;
	long long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	return (errno || *end) ? def : n;
}

int rec_set(struct record *r, const char *key, const char *fmt, ...)
{
	char val[REC_VAL_MAX];
	va_list ap;
	size_t i;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val) || strchr(val, '\n'))
		return -EINVAL;
	for (i = 0; i < r->n && strcmp(r->kv[i].key, key); i++)
		;
	if (i == r->n) {
		if (r->n >= REC_MAX_KV)
			return -E2BIG;
		if (strlcpy_checked(r->kv[i].key, key, REC_KEY_MAX))
			return -EINVAL;
		r->n++;
	}
	memcpy(r->kv[i].val, val, (size_t)n + 1);
	return 0;
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

int rec_list(const char *dir, int (*cb)(const char *name, void *data),
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

int rec_count(const char *dir)
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
	if (dir_fd < 0)
		return -EBADF;
	if (unlinkat(dir_fd, dir, AT_REMOVEDIR) && errno != ENOENT)
		return -errno;
	return 0;
}

int state_next_serial(uint32_t *ret)
{
	struct record r;
	long long last;
	int e = state_res_lock();

	if (e)
		return e;
	e = rec_read(".", "seq", &r);
	if (!e || e == -ENOENT) {
		last = e ? 0 : rec_get_num(&r, "last", 0);
		*ret = (uint32_t)(last + 1) ? (uint32_t)(last + 1) : 1;
		r.n = 0;
		e = rec_set(&r, "last", "%u", (unsigned)*ret) ?:
		    rec_write(".", "seq", &r);
	}
	state_res_unlock();
	return e;
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
