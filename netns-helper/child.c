// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * child.c - the set-up of every child of the helper (see child.h).
 *
 * The order matters: the parent-death signal first (a helper killed
 * meanwhile leaves no orphan), the namespace while its fd is still open,
 * then the fds closed (close_range(): also those without O_CLOEXEC, for
 * the children that never exec), stdio on /dev/null, and the capabilities
 * last, at the exec, since some children still need CAP_SYS_ADMIN for a
 * set-up of their own (dhcp.c's private mount).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "child.h"
#include "sigdfl.h"

/* Close every fd from 3 up but those @o keeps. */
static void close_fds(const struct child_opts *o)
{
	unsigned lo = 3;

	for (;;) {
		unsigned next = ~0U;

		for (size_t i = 0; i < o->n_keep; i++)
			if ((unsigned)o->keep[i] >= lo &&
			    (unsigned)o->keep[i] < next)
				next = (unsigned)o->keep[i];
		if (next == ~0U)
			break;
		if (next > lo)
			(void)close_range(lo, next - 1, 0);
		lo = next + 1;
	}
	(void)close_range(lo, ~0U, 0);
}

static bool kept(const struct child_opts *o, int fd)
{
	for (size_t i = 0; i < o->n_keep; i++)
		if (o->keep[i] == fd)
			return true;
	return false;
}

/*
 * /dev/null on 0-2, but on a kept fd there: a helper started with its
 * stdio closed may have got one of those numbers for a pipe. No
 * O_CLOEXEC: it may land on 0-2 itself.
 */
static int null_stdio(const struct child_opts *o)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (fd != null && !kept(o, fd) && dup2(null, fd) < 0)
			return -1;
	if (null > 2)
		(void)close(null);
	return 0;
}

static int set_up(const struct child_opts *o, pid_t parent)
{
	sigset_t none;

	if (o->die_with_parent &&
	    (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		return -1;
	if (o->in_netns && setns(o->netns_fd, CLONE_NEWNET))
		return -1;
	sig_default_all();
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL))
		return -1;
	close_fds(o);
	if (!o->inherit_stdio && null_stdio(o))
		return -1;
	if (o->new_session && setsid() < 0)
		return -1;
	return 0;
}

pid_t child_start(const struct child_opts *o)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0 && set_up(o, parent))
		_exit(126);
	return pid;
}

void child_exec(const cap_value_t *caps, int n, const char *file,
		char *const argv[], char *const envp[])
{
	if (caps && caps_only(caps, n))
		_exit(126);
	if (envp)
		(void)execve(file, argv, envp);
	else
		(void)execvp(file, argv);
	_exit(127);
}

int child_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

/* 1 when @pid was reaped, 0 when it still runs (WNOHANG), or -errno. */
static int reap(pid_t pid, int flags, int *ret_status)
{
	pid_t w;

	while ((w = waitpid(pid, ret_status, flags)) < 0 && errno == EINTR)
		;
	return w < 0 ? -errno : w == pid;
}

static long now_ms(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int child_wait(pid_t pid, long timeout_ms, int *ret_status)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	long end = now_ms() + timeout_ms;
	int r;

	if (timeout_ms < 0)
		return (r = reap(pid, 0, ret_status)) < 0 ? r : 0;
	while (now_ms() < end) {
		r = reap(pid, WNOHANG, ret_status);
		if (r)
			return r < 0 ? r : 0;
		(void)nanosleep(&tick, NULL);
	}
	(void)kill(pid, SIGKILL);
	(void)reap(pid, 0, ret_status);
	return -ETIMEDOUT;
}
