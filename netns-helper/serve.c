// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve.c - `netns-helper serve`, the resident service (protocol.h): the
 * session-open and session-close of pam_netns.so over a unix socket,
 * instead of a fork and exec of the helper per login.
 *
 * Its socket comes from systemd (socket activation, fd 3 as
 * sd_listen_fds() hands it) or, on a host without systemd, is made here:
 * PN_SOCKET_DIR root's and 0700 (so only root can connect), the socket
 * 0600, removed at exit. The service never daemonizes and logs to stderr.
 *
 * One single-threaded epoll loop: it accepts, checks the peer is root,
 * reads one request, and runs it in a forked worker (serve_worker.c) that
 * calls the very verb the exec path runs, so both paths answer alike and
 * take the same locks; the loop never waits for a namespace. It closes a
 * session when its owner exits (serve_owner.c), so no gc run is needed,
 * and takes an adopted VPN device back into its namespace as soon as its
 * client makes it again on the host (serve_link.c, cmd_adopt.c).
 * SIGTERM or SIGINT: stop accepting, let the requests taken finish, exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "serve.h"
#include "state.h"
#include "util.h"

#define SD_LISTEN_FDS_START	3

long serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int serve_ep_add(struct serve *s, int fd, unsigned events, struct src *src)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	return epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/*
 * serve_ep_close() - take @fd out of the epoll set, then close it. A
 * close alone would not do: epoll drops an fd only when the last
 * reference to its file goes, and a worker forked a moment earlier holds
 * one until it closes its inherited fds; the loop would then be woken
 * for an object already freed.
 */
void serve_ep_close(struct serve *s, int *fd)
{
	if (*fd < 0)
		return;
	(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, *fd, NULL);
	(void)close(*fd);
	*fd = -1;
}

/*
 * systemd's socket activation (sd_listen_fds(3)): LISTEN_PID is ours and
 * LISTEN_FDS is 1; the variables are unset so no child takes them.
 */
int serve_listen_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	bool mine = pid && fds && atol(pid) == (long)getpid();
	bool one = mine && !strcmp(fds, "1");

	if (mine && !one)
		err("serve: socket activation hands %s sockets, expected 1",
		    fds);
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return one ? SD_LISTEN_FDS_START : -1;
}

/* PN_SOCKET_DIR: root's, 0700, a real directory; made when missing. */
static int socket_dir(void)
{
	char e[256];
	struct stat st;

	if (state_open(e, sizeof(e))) {
		err("serve: %s", e);
		return -EPERM;
	}
	state_close();
	if (mkdir(PN_SOCKET_DIR, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(PN_SOCKET_DIR, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 07777) != 0700) {
		err("serve: %s is not a directory of root's with mode 0700",
		    PN_SOCKET_DIR);
		return -EPERM;
	}
	return 0;
}

/* Foreground mode: bind and listen at PN_SOCKET_PATH (0600). */
static int own_socket(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	mode_t old;
	int r = socket_dir();

	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* a socket left by a killed instance: nobody listens on it */
	if (unlink(PN_SOCKET_PATH) && errno != ENOENT)
		return -errno;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", PN_SOCKET_PATH);
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r || listen(fd, SOMAXCONN))
		return -errno;
	return steal_fd(&fd);
}

/* The socket systemd hands over must be what the module connects to. */
static int activated_socket(int fd)
{
	int type = 0, fl = fcntl(fd, F_GETFL);
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_SEQPACKET) {
		err("serve: the socket of socket activation is not a "
		    "SOCK_SEQPACKET one (ListenSequentialPacket=)");
		return -EINVAL;
	}
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC))
		return -errno;
	return 0;
}

/* Return: 0, or -errno (logged). */
static int listen_socket(struct serve *s)
{
	int fd = s->ctx->listen_fd, r;

	s->ctx->listen_fd = -1;
	if (fd >= 0) {
		s->listen_fd = fd;
		r = activated_socket(fd);
	} else {
		r = fd = own_socket();
		s->own_socket = fd >= 0;
		s->listen_fd = fd;
	}
	if (r < 0 && r != -EPERM && r != -EINVAL)
		err("serve: %s: %s", PN_SOCKET_PATH, strerror(-r));
	return r < 0 ? r : 0;
}

/* SIGCHLD (workers), SIGTERM and SIGINT (stop) through a signalfd; the
 * 60 s timer of the takeover scan (and of prebuild and adopt). */
static int event_fds(struct serve *s)
{
	struct itimerspec every = { { SERVE_SCAN_S, 0 }, { SERVE_SCAN_S, 0 } };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	/* a peer gone is an error of send(), never a signal */
	(void)signal(SIGPIPE, SIG_IGN);
	s->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				     TFD_CLOEXEC | TFD_NONBLOCK);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->sig_fd < 0 || s->timer_fd < 0 || s->ep < 0 ||
	    timerfd_settime(s->timer_fd, 0, &every, NULL))
		return -errno;
	s->sig_src = (struct src){ SRC_SIGNAL, NULL };
	s->timer_src = (struct src){ SRC_TIMER, NULL };
	s->listen_src = (struct src){ SRC_LISTEN, NULL };
	return serve_ep_add(s, s->sig_fd, EPOLLIN, &s->sig_src) ?:
	       serve_ep_add(s, s->timer_fd, EPOLLIN, &s->timer_src) ?:
	       serve_ep_add(s, s->listen_fd, EPOLLIN, &s->listen_src);
}

/*
 * Stop taking connections; those taken (their request read or on its
 * way) run to their end. Under socket activation, connections not yet
 * accepted wait in systemd's socket for the next instance.
 */
static void stop(struct serve *s)
{
	if (s->stopping)
		return;
	info("serve: stopping after %d running requests", s->workers);
	s->stopping = true;
	serve_ep_close(s, &s->listen_fd);
	if (s->own_socket)
		(void)unlink(PN_SOCKET_PATH);
}

static void signalled(struct serve *s)
{
	struct signalfd_siginfo si;

	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			workers_reap(s);
		else
			stop(s);
	}
}

/* Requests whose peer did not send in time are dropped. */
static int read_timeouts(struct serve *s)
{
	long now = serve_now_ms(), next = -1;
	struct job *j, *n;

	for (j = s->jobs; j; j = n) {
		n = j->next;
		if (j->state != JOB_READ)
			continue;
		if (j->deadline <= now) {
			info("serve: peer %d sent no request in time",
			     (int)j->peer);
			job_free(s, j);
		} else if (next < 0 || j->deadline - now < next) {
			next = j->deadline - now;
		}
	}
	return (int)next;
}

/* A connection: its request, or its peer hanging up (which stays so:
 * level-triggered, it would wake the loop until the job ends). */
static void conn_event(struct serve *s, struct job *j, unsigned events)
{
	if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR))
		j->gone = true;
	if (j->state == JOB_READ)
		conn_readable(s, j);
	else if (j->gone)
		(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, j->fd, NULL);
}

static void dispatch(struct serve *s, struct src *src, unsigned events)
{
	uint64_t ticks;

	switch (src->kind) {
	case SRC_LISTEN:
		conn_accept(s);
		break;
	case SRC_SIGNAL:
		signalled(s);
		break;
	case SRC_TIMER:
		if (read(s->timer_fd, &ticks, sizeof(ticks)) > 0 &&
		    !s->stopping) {
			owners_take_over(s);
			job_prebuild(s);
			job_adopt(s);
		}
		break;
	case SRC_LINK:
		links_readable(s);
		break;
	case SRC_CONN:
		conn_event(s, src->obj, events);
		break;
	case SRC_OUT:
		worker_readable(s, src->obj);
		break;
	case SRC_OWNER:
		owner_exited(s, src->obj);
		break;
	}
}

static int loop(struct serve *s)
{
	/* one event a wake-up: handling one may free what the next names */
	struct epoll_event ev;

	while (!s->stopping || s->jobs || s->workers) {
		int n;

		jobs_pump(s);
		n = epoll_wait(s->ep, &ev, 1, read_timeouts(s));

		if (n < 0 && errno != EINTR) {
			err("serve: epoll_wait: %m");
			return EXIT_FAIL;
		}
		if (n == 1)
			dispatch(s, ev.data.ptr, ev.events);
	}
	return EXIT_OK;
}

static void serve_free(struct serve *s)
{
	while (s->jobs)
		job_free(s, s->jobs);
	owners_free(s);
	links_free(s);
	if (s->own_socket) {
		(void)unlink(PN_SOCKET_PATH);
		(void)rmdir(PN_SOCKET_DIR);
	}
	closep(&s->listen_fd);
	closep(&s->ep);
	closep(&s->sig_fd);
	closep(&s->timer_fd);
}

/*
 * The loop keeps what its workers drop to (caps_drop(): CAP_NET_ADMIN,
 * CAP_SYS_ADMIN, and the DHCP client's two, permitted) and what they
 * need before they drop: CAP_SYS_PTRACE, for entering a peer's network
 * namespace is a ptrace-mode access to it, refused to a process with
 * fewer capabilities than its target; CAP_SETPCAP, to cut the bounding
 * set as the exec'd helper does. Nothing else of root's.
 */
static int loop_caps(void)
{
	static const cap_value_t caps[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN,
		CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SYS_PTRACE, CAP_SETPCAP };

	if (caps_only(caps, (int)ARRAY_SIZE(caps))) {
		err("serve: cannot drop capabilities: %m");
		return -EPERM;
	}
	return 0;
}

/* A pidfd per open session: the soft fd limit goes up to the hard one
 * (workers go back to SERVE_WORKER_FDS, serve_worker.c). */
static void fd_room(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int cmd_serve(struct ctx *ctx, int argc, char **argv)
{
	struct serve s = { .ctx = ctx, .ep = -1, .listen_fd = -1,
			   .sig_fd = -1, .timer_fd = -1 };
	int r;

	(void)argv;
	if (argc != 1) {
		err("usage: serve");
		return EXIT_USAGE;
	}
	fd_room();
	r = loop_caps() ?: listen_socket(&s);
	if (!r && (r = event_fds(&s)))
		err("serve: %s", strerror(-r));
	if (r) {
		serve_free(&s);
		return EXIT_FAIL;
	}
	info("serve: listening on %s%s", PN_SOCKET_PATH,
	     s.own_socket ? "" : " (socket activation)");
	/* without link events, adopted devices come back every minute */
	(void)links_watch(&s);
	owners_take_over(&s);
	job_prebuild(&s);
	job_adopt(&s);
	r = loop(&s);
	serve_free(&s);
	return r;
}
