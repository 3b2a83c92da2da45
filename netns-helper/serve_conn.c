// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve_conn.c - one connection to the service: who the peer is, its one
 * request, and the answer back.
 *
 * Only root may ask (the socket's directory already keeps others out;
 * SO_PEERCRED checks it again). The owner of a session opened this way is
 * the peer as the kernel names it, pinned by a pidfd, never a pid the
 * request gives. A request is one message of at most PN_REQUEST_MAX
 * bytes, sent at once: a peer that sends nothing in SERVE_READ_MS, more
 * than that, or a malformed one gets nothing run, and the last an answer
 * "exit=2" (EXIT_USAGE, what the helper exits with for a bad argument).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"
#include "state.h"
#include "util.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77		/* Linux 6.5 */
#endif

/*
 * A pidfd of the peer. SO_PEERPIDFD names the very process that
 * connected. Before Linux 6.5 there is only its pid: pidfd_open() it
 * and check that its start time is the same before and after, so that
 * the pidfd is of the process that had the pid when we looked (a peer
 * that exited and had its pid reused in between is refused; one still
 * connected cannot be gone).
 */
static int peer_pidfd(int fd, pid_t pid)
{
	unsigned long long start;
	socklen_t len = sizeof(int);
	int pidfd = -1;

	if (!getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) &&
	    pidfd >= 0)
		return pidfd;
	if (proc_starttime(pid, &start))
		return -ESRCH;
	return owner_pidfd(pid, start);
}

/* The peer of @fd when it is root: its pid, and a pidfd of it. */
static int peer_check(int fd, pid_t *ret_pid, int *ret_pidfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -errno;
	if (cred.uid != 0) {
		err("serve: refused a connection of uid %u (pid %d): only "
		    "root may ask", (unsigned)cred.uid, (int)cred.pid);
		return -EPERM;
	}
	*ret_pid = cred.pid;
	*ret_pidfd = peer_pidfd(fd, cred.pid);
	if (*ret_pidfd < 0) {
		err("serve: peer %d: no pidfd of it: %s", (int)cred.pid,
		    strerror(-*ret_pidfd));
		return *ret_pidfd;
	}
	return 0;
}

static void conn_take(struct serve *s, int fd)
{
	struct job *j;
	pid_t pid = 0;
	int pidfd = -1;

	if (peer_check(fd, &pid, &pidfd)) {
		(void)close(fd);
		return;
	}
	j = job_new(s);
	if (!j) {
		err("serve: %m");
		(void)close(pidfd);
		(void)close(fd);
		return;
	}
	j->fd = fd;
	j->pidfd = pidfd;
	j->peer = pid;
	j->deadline = serve_now_ms() + SERVE_READ_MS;
	j->conn_src = (struct src){ SRC_CONN, j };
	if (serve_ep_add(s, fd, EPOLLIN | EPOLLRDHUP, &j->conn_src)) {
		err("serve: epoll: %m");
		job_free(s, j);
	}
}

void conn_accept(struct serve *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				err("serve: accept: %m");
			if (errno != ECONNABORTED && errno != EINTR)
				return;
			continue;
		}
		conn_take(s, fd);
	}
}

/* An answer of our own, for a request never run. */
static void refuse(struct serve *s, struct job *j, int code)
{
	char ans[16];
	int n = snprintf(ans, sizeof(ans), PN_KEY_EXIT "=%d\n", code);

	(void)send(j->fd, ans, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	job_free(s, j);
}

/* What the helper's main() refuses before any verb runs. */
static int request_ok(const struct pn_request *r)
{
	return !r->config || r->config[0] == '/';
}

void conn_readable(struct serve *s, struct job *j)
{
	struct epoll_event ev = { .events = EPOLLRDHUP, .data.ptr =
				  &j->conn_src };
	ssize_t n = recv(j->fd, j->msg, PN_REQUEST_MAX, MSG_TRUNC |
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		info("serve: peer %d hung up before its request",
		     (int)j->peer);
		job_free(s, j);
		return;
	}
	if (n > PN_REQUEST_MAX ||
	    pn_request_parse(j->msg, (size_t)n, &j->req) ||
	    !request_ok(&j->req)) {
		err("serve: peer %d: %s request, refused", (int)j->peer,
		    n > PN_REQUEST_MAX ? "an oversized" : "a malformed");
		refuse(s, j, EXIT_USAGE);
		return;
	}
	if (j->gone) {
		info("serve: peer %d hung up after its request, not run",
		     (int)j->peer);
		job_free(s, j);
		return;
	}
	/* from now on only its hanging up matters */
	(void)epoll_ctl(s->ep, EPOLL_CTL_MOD, j->fd, &ev);
	if (!strcmp(j->req.verb, PN_VERB_CLOSE))
		owner_unwatch(s, j->req.session);
	/* a VPN client's report: checked against the policy of the latest
	 * login, as the service's own adopt is */
	if (!strcmp(j->req.verb, PN_VERB_TUNNEL) && *s->login_conf) {
		snprintf(j->conf, sizeof(j->conf), "%s", s->login_conf);
		j->req.config = j->conf;
	}
	j->state = JOB_QUEUED;
}

/* Deliver the answer the worker wrote (checked by the caller). */
void conn_answer(struct serve *s, struct job *j)
{
	(void)s;
	if (!j->gone && send(j->fd, j->ans, j->ans_len,
			     MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)j->ans_len)
		return;
	info("serve: peer %d is gone, its answer undelivered", (int)j->peer);
	j->gone = true;
}
