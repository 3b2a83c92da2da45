// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve_owner.c - the owners of open sessions. A session belongs to the
 * process that opened it (sshd's session process, su, ...): the service
 * holds a pidfd of each owner in its epoll set, and when one becomes
 * readable (the owner exited, even by SIGKILL) closes its session at once,
 * where the exec path leaves it to the next gc run.
 *
 * Sessions the service did not open (by the exec path, or by a previous
 * instance of the service) are taken over at start and every
 * SERVE_SCAN_S: an owner still alive is watched from then on, a session
 * whose owner is gone is closed. The scan reads the records only (a stat
 * and a read per session), so it stays cheap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "records.h"
#include "serve.h"
#include "util.h"

/*
 * owner_pidfd() - a pidfd of process @pid that started at @start: its
 * start time is checked once the pidfd is held, so a pid reused in
 * between is not taken for the owner.
 * Return: the pidfd, or -errno (-ESRCH: the owner is gone)
 */
int owner_pidfd(pid_t pid, unsigned long long start)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return -errno;
	if (!proc_alive(pid, start)) {
		(void)close(fd);
		return -ESRCH;
	}
	return fd;
}

static struct watch *find(struct serve *s, const char *token)
{
	struct watch *w;

	for (w = s->watches; w && strcmp(w->token, token); w = w->next)
		;
	return w;
}

/* owner_watch() - close @token when @pidfd (taken over) is readable. */
void owner_watch(struct serve *s, const char *token, int pidfd)
{
	struct watch *w;

	if (find(s, token) || !(w = calloc(1, sizeof(*w)))) {
		(void)close(pidfd);
		return;
	}
	w->pidfd = pidfd;
	snprintf(w->token, sizeof(w->token), "%s", token);
	w->src = (struct src){ SRC_OWNER, w };
	if (serve_ep_add(s, pidfd, EPOLLIN, &w->src)) {
		err("serve: watching the owner of session %s: %m; gc closes "
		    "it", token);
		(void)close(pidfd);
		free(w);
		return;
	}
	w->next = s->watches;
	s->watches = w;
}

static void watch_free(struct serve *s, struct watch *w)
{
	struct watch **p = &s->watches;

	while (*p && *p != w)
		p = &(*p)->next;
	if (*p)
		*p = w->next;
	serve_ep_close(s, &w->pidfd);
	free(w);
}

/* owner_unwatch() - a session-close for @token came: stop watching. */
void owner_unwatch(struct serve *s, const char *token)
{
	struct watch *w = find(s, token);

	if (w)
		watch_free(s, w);
}

/* owner_exited() - @w's owner is gone: close its session. A stopping
 * service leaves it to the next instance's takeover. */
void owner_exited(struct serve *s, struct watch *w)
{
	if (!s->stopping) {
		info("serve: the owner of session %s exited, closing it",
		     w->token);
		job_close(s, w->token);
	}
	watch_free(s, w);
}

void owners_free(struct serve *s)
{
	while (s->watches)
		watch_free(s, s->watches);
}

static int take_over(const char *token, void *data)
{
	struct serve *s = data;
	struct sess_rec r;
	int fd;

	if (find(s, token) || sess_rec_read(token, &r))
		return 0;
	fd = owner_pidfd(r.pid, r.start);
	if (fd >= 0) {
		debug("serve: watching the owner %d of session %s",
		      (int)r.pid, token);
		owner_watch(s, token, fd);
	} else if (fd == -ESRCH) {
		info("serve: the owner of session %s is gone, closing it",
		     token);
		job_close(s, token);
	}
	return 0;
}

/*
 * owners_take_over() - watch the owners of the sessions nobody watches,
 * and close those whose owner is gone. The state directory is open only
 * for the scan: a worker forked later must not find it open in memory
 * with its fd closed (state.c keeps one).
 */
void owners_take_over(struct serve *s)
{
	char e[256];

	if (state_open(e, sizeof(e))) {
		err("serve: %s", e);
		return;
	}
	(void)sess_rec_names(take_over, s);
	state_close();
}
