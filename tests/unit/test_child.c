// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_child.c - the set-up every child of the helper gets (child.c): only
 * the fds it keeps, stdio on /dev/null, signals at their defaults, exit
 * codes as a shell shows them, and a wait that kills at its limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"

static bool is_dev_null(int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat("/dev/null", &b) &&
	       S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

/* In the child: one bit per thing that is not as it should be. */
static int check_set_up(int kept, int other)
{
	struct sigaction sa;
	sigset_t mask;
	int bad = 0;

	if (fcntl(kept, F_GETFD) < 0)
		bad |= 1;
	if (fcntl(other, F_GETFD) >= 0)
		bad |= 2;
	for (int fd = 0; fd < 3; fd++)
		if (!is_dev_null(fd))
			bad |= 4;
	if (sigaction(SIGUSR1, NULL, &sa) || sa.sa_handler != SIG_DFL)
		bad |= 8;
	if (sigprocmask(SIG_SETMASK, NULL, &mask) ||
	    sigismember(&mask, SIGUSR2))
		bad |= 16;
	return bad;
}

static void set_up(void)
{
	int a[2], b[2], st = -1;
	sigset_t block;
	pid_t pid;

	if (pipe(a) || pipe(b)) {
		ok(0, "pipes");
		return;
	}
	(void)signal(SIGUSR1, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);
	pid = child_start(&(struct child_opts){ .keep = &b[1], .n_keep = 1 });
	if (pid == 0)
		_exit(check_set_up(b[1], a[1]));
	(void)signal(SIGUSR1, SIG_DFL);
	(void)sigprocmask(SIG_UNBLOCK, &block, NULL);
	if (pid <= 0 || child_wait(pid, -1, &st))
		st = -1;
	ok(st == 0, "a child keeps the fd it names and no other, has "
	   "/dev/null for stdio, default signals and none blocked (status "
	   "%d)", st < 0 ? st : child_exit_code(st));
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void exec_codes(void)
{
	char *const sh[] = { "/bin/sh", "-c", "exit 3", NULL };
	char *const none[] = { "/nonexistent/x", NULL };
	int st = -1;
	pid_t pid = child_start(&(struct child_opts){ 0 });

	if (pid == 0)
		child_exec(NULL, 0, sh[0], sh, NULL);
	ok(!child_wait(pid, -1, &st) && child_exit_code(st) == 3,
	   "the exec'd program's status comes back");
	pid = child_start(&(struct child_opts){ 0 });
	if (pid == 0)
		child_exec(NULL, 0, none[0], none, NULL);
	ok(!child_wait(pid, -1, &st) && child_exit_code(st) == 127,
	   "a failed exec exits 127");
	pid = child_start(&(struct child_opts){ 0 });
	if (pid == 0)
		(void)raise(SIGTERM);
	ok(!child_wait(pid, -1, &st) && child_exit_code(st) == 128 + SIGTERM,
	   "a signal shows as 128 + its number");
}

static void time_limit(void)
{
	int st = -1, r;
	pid_t pid = child_start(&(struct child_opts){ 0 });

	if (pid == 0) {
		pause();
		_exit(0);
	}
	r = child_wait(pid, 100, &st);
	ok(r == -ETIMEDOUT, "a child still running at the limit: -ETIMEDOUT");
	ok(waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD,
	   "and it is killed and reaped");
	pid = child_start(&(struct child_opts){ 0 });
	if (pid == 0)
		_exit(5);
	ok(!child_wait(pid, 5000, &st) && child_exit_code(st) == 5,
	   "one that exits in time gives its status");
}

int main(void)
{
	set_up();
	exec_codes();
	time_limit();
	return done_testing();
}
