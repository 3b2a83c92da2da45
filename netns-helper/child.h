/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * child.h - every process the helper starts, set up in one place: forked,
 * signals back to their defaults, no fd of the helper's but those named,
 * stdio on /dev/null (or the helper's own, for an editor), optionally in
 * another network namespace, a session of its own, tied to the helper's
 * life; then exec'd with only the capabilities it needs, and waited for
 * within a time limit.
 *
 * A child that outlives the helper (wireguard-go, udhcpc, a name lookup
 * killed late) so holds none of its locks, pipes or netlink sockets.
 */
#ifndef PN_CHILD_H
#define PN_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/types.h>

/* How to set up a child; all-zero is the usual: /dev/null stdio, no fd
 * kept, the helper's namespace and session. */
struct child_opts {
	bool in_netns;		/* setns() into @netns_fd first */
	int netns_fd;
	bool inherit_stdio;	/* keep 0-2 (an editor on the terminal) */
	const int *keep;	/* fds above 2 that stay open, as they are */
	size_t n_keep;
	bool new_session;	/* setsid(): no signal of the caller's tty */
	bool die_with_parent;	/* SIGKILL when the helper goes first */
};

/*
 * child_start() - fork, and in the child do what @o says. A child whose
 * set-up fails exits with status 126.
 * Return: in the child 0, in the parent the child's pid, or -errno
 */
pid_t child_start(const struct child_opts *o);

/*
 * child_exec() - in a child: keep only the @n capabilities of @caps
 * (caps_only(); none when @caps is NULL: the helper's own stay), then
 * exec @file (searched in PATH when it has no '/') with @argv and @envp
 * (NULL: the helper's environment). Exits 126 when the capabilities
 * cannot be set, 127 when the exec fails.
 */
__attribute__((noreturn))
void child_exec(const cap_value_t *caps, int n, const char *file,
		char *const argv[], char *const envp[]);

/*
 * child_wait() - reap @pid, waiting at most @timeout_ms (negative: as
 * long as it takes); at the limit the child is killed (SIGKILL), reaped,
 * and -ETIMEDOUT returned.
 * Return: 0 and its wait status in *@ret_status, or -errno
 */
int child_wait(pid_t pid, long timeout_ms, int *ret_status);

/* child_exit_code() - a wait status as a shell shows it: the exit
 * status, or 128 + the signal. */
int child_exit_code(int status);

#endif
