// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve_worker.c - the requests of the service and the worker processes
 * that run them.
 *
 * A worker is a fork of the service (no exec) that builds the argv the
 * exec path would have and calls the same cmd_session_open() or
 * cmd_session_close(), its stdout on a pipe to the service, then prints
 * the "exit=N" line itself: the answer is byte for byte the exec path's
 * output, the locks (locks.h) serialize logins exactly as they do there,
 * and a slow namespace holds up its worker only. The service reads the
 * pipe to EOF, which the worker closes before it exits: the login never
 * waits for the worker's own end (the nfnetlink release, nft_lib.c).
 *
 * An open runs in the peer's network namespace, as the exec'd helper runs
 * in its caller's: a su from within a confined session is told apart
 * from a login on the host just the same (cmd_session.c). A close runs
 * in the service's, the host's.
 *
 * A session is never left to an opener that did not get its answer: when
 * the answer cannot be delivered, a close of ours rolls it back.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "child.h"
#include "log.h"
#include "serve.h"
#include "util.h"

struct job *job_new(struct serve *s)
{
	struct job *j = calloc(1, sizeof(*j)), **tail = &s->jobs;

	if (!j)
		return NULL;
	j->fd = j->pidfd = j->out = -1;
	j->state = JOB_READ;
	while (*tail)
		tail = &(*tail)->next;
	*tail = j;
	return j;
}

void job_free(struct serve *s, struct job *j)
{
	struct job **p = &s->jobs;

	while (*p && *p != j)
		p = &(*p)->next;
	if (*p)
		*p = j->next;
	serve_ep_close(s, &j->fd);
	closep(&j->pidfd);
	serve_ep_close(s, &j->out);
	free(j);
}

/* A close of session @token is queued or running already. */
static bool close_pending(struct serve *s, const char *token)
{
	for (struct job *j = s->jobs; j; j = j->next)
		if (j->state != JOB_READ && !strcmp(j->req.verb, PN_VERB_CLOSE)
		    && !strcmp(j->req.session, token))
			return true;
	return false;
}

/* job_close() - queue a session-close of ours for @token. */
void job_close(struct serve *s, const char *token)
{
	struct job *j;

	if (close_pending(s, token))
		return;
	j = job_new(s);
	if (!j) {
		err("serve: closing session %s: %m; gc closes it later", token);
		return;
	}
	snprintf(j->token, sizeof(j->token), "%s", token);
	j->req.verb = PN_VERB_CLOSE;
	j->req.session = j->token;
	j->state = JOB_QUEUED;
}

/* The policy a verb of the service's own reads ("" the default). */
static const char *own_conf(const struct serve *s, const char *verb)
{
	return !strcmp(verb, SERVE_VERB_PREBUILD) ? s->pool_conf :
						    s->login_conf;
}

static bool *own_again(struct serve *s, const char *verb)
{
	return !strcmp(verb, SERVE_VERB_PREBUILD) ? &s->prebuild_again :
						    &s->adopt_again;
}

static bool is_own(const char *verb)
{
	return !strcmp(verb, SERVE_VERB_PREBUILD) ||
	       !strcmp(verb, SERVE_VERB_ADOPT);
}

/*
 * own_job() - queue a verb of the service's own, one at a time each:
 * asked for while one runs, another follows it (a login may have claimed
 * a spare after it counted; a device may have come after it looked).
 */
static void own_job(struct serve *s, const char *verb)
{
	const char *conf = own_conf(s, verb);
	struct job *j;

	for (j = s->jobs; j; j = j->next)
		if (j->state != JOB_READ && !strcmp(j->req.verb, verb)) {
			*own_again(s, verb) |= j->state == JOB_RUNNING;
			return;
		}
	j = job_new(s);
	if (!j) {
		err("serve: %s: %m", verb);
		return;
	}
	j->req.verb = verb;
	if (*conf) {
		snprintf(j->conf, sizeof(j->conf), "%s", conf);
		j->req.config = j->conf;
	}
	j->state = JOB_QUEUED;
}

/* job_prebuild() - queue a prebuild of ours (prebuilt.h). */
void job_prebuild(struct serve *s)
{
	own_job(s, SERVE_VERB_PREBUILD);
}

/* job_adopt() - queue an adopt of ours (cmd_adopt.c). */
void job_adopt(struct serve *s)
{
	own_job(s, SERVE_VERB_ADOPT);
}

/* A verb of ours ended. */
static void own_done(struct serve *s, struct job *j, int code)
{
	const char *verb = j->req.verb;	/* a constant: outlives @j */
	bool *again = own_again(s, verb);

	if (code)
		err("serve: %s failed (exit %d)", verb, code);
	job_free(s, j);
	if (*again && !s->stopping) {
		*again = false;
		own_job(s, verb);
	}
}

/* A login of a network that keeps spares: it may have claimed one. */
static bool pool_login(const char *ans)
{
	static const char line[] = PN_KEY_PREBUILT "=1\n";

	return !strncmp(ans, line, strlen(line)) ||
	       strstr(ans, "\n" PN_KEY_PREBUILT "=1\n");
}

static void add_opt(char **argv, int *n, const char *opt, const char *v)
{
	if (v) {
		argv[(*n)++] = (char *)opt;
		argv[(*n)++] = (char *)v;
	}
}

/* The verb's argv as pam_netns.so builds it for the exec path. */
static int worker_argv(const struct job *j, char *pid, char **argv)
{
	const struct pn_request *r = &j->req;
	int n = 0;

	argv[n++] = (char *)r->verb;
	if (!strcmp(r->verb, PN_VERB_OPEN)) {
		add_opt(argv, &n, "--" PN_OPT_USER, r->user);
		add_opt(argv, &n, "--" PN_OPT_SERVICE, r->service);
		add_opt(argv, &n, "--" PN_OPT_RHOST, r->rhost);
		add_opt(argv, &n, "--" PN_OPT_TTY, r->tty);
		add_opt(argv, &n, "--" PN_OPT_PID, pid);
	} else if (!strcmp(r->verb, PN_VERB_TUNNEL)) {
		add_opt(argv, &n, "--" PN_OPT_DEV, r->dev);
		add_opt(argv, &n, "--" PN_OPT_ADDRESS, r->address);
		add_opt(argv, &n, "--" PN_OPT_DNS, r->dns);
	} else {
		add_opt(argv, &n, "--" PN_OPT_SESSION, r->session);
	}
	add_opt(argv, &n, "--" PN_OPT_DEADLINE_MS, r->deadline_ms);
	argv[n] = NULL;
	return n;
}

/*
 * An open enters the peer's network namespace first; then the worker
 * keeps only the capabilities the exec'd helper has (main.c, ROOT).
 */
static int worker_privs(const struct job *j)
{
	char e[256];

	if (!strcmp(j->req.verb, PN_VERB_OPEN) &&
	    setns(j->pidfd, CLONE_NEWNET)) {
		err("serve: the network namespace of peer %d: %m",
		    (int)j->peer);
		return -EPERM;
	}
	if (caps_drop(e, sizeof(e))) {
		err("serve: %s", e);
		return -EPERM;
	}
	return 0;
}

/*
 * A session-close answers as soon as the session's record is gone
 * (ctx.closed, cmd_session.c): the namespace's teardown, tens of ms of
 * the kernel's for a veth pair, goes on after the peer has its answer.
 * stdout becomes /dev/null, so the pipe's only writer is gone (EOF for
 * the service) and nothing later can write into it.
 */
static void answer_closed(struct ctx *ctx)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	printf(PN_KEY_EXIT "=%d\n", EXIT_OK);
	(void)fflush(stdout);
	if (null >= 0) {
		(void)dup2(null, STDOUT_FILENO);
		(void)close(null);
	}
	ctx->answered = true;
}

static int worker_run(struct ctx *ctx, const struct job *j)
{
	char pid[24], *argv[16];
	int argc;

	if (worker_privs(j))
		return EXIT_FAIL;
	snprintf(pid, sizeof(pid), "%d", (int)j->peer);
	argc = worker_argv(j, pid, argv);
	optind = 0;
	if (j->req.config)
		ctx->conf_path = j->req.config;
	if (!strcmp(j->req.verb, SERVE_VERB_PREBUILD))
		return cmd_prebuild(ctx, 1, argv);
	if (!strcmp(j->req.verb, SERVE_VERB_ADOPT))
		return cmd_adopt(ctx, 1, argv);
	if (!strcmp(j->req.verb, PN_VERB_TUNNEL))
		return cmd_tunnel(ctx, argc, argv);
	if (strcmp(j->req.verb, PN_VERB_OPEN)) {
		ctx->closed = answer_closed;
		return cmd_session_close(ctx, argc, argv);
	}
	return cmd_session_open(ctx, argc, argv);
}

/* In the worker: run @j, answer on @out, exit. */
static __attribute__((noreturn)) void worker_main(struct ctx *ctx,
						  const struct job *j, int out)
{
	struct rlimit rl;
	int r = EXIT_FAIL;

	/* a service gone makes the answer fail (EPIPE), and the verb roll
	 * back what it made, instead of a signal killing it half-way */
	(void)signal(SIGPIPE, SIG_IGN);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur > SERVE_WORKER_FDS) {
		rl.rlim_cur = SERVE_WORKER_FDS;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* stdout the pipe's only writer: an early answer (answer_closed())
	 * ends it for the service */
	if (dup2(out, STDOUT_FILENO) == STDOUT_FILENO) {
		(void)close(out);
		r = worker_run(ctx, j);
	}
	if (!ctx->answered)
		printf(PN_KEY_EXIT "=%d\n", r);
	(void)fflush(stdout);
	(void)close(STDOUT_FILENO);
	_exit(r);
}

static int worker_start(struct serve *s, struct job *j)
{
	int p[2], keep[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	keep[0] = p[1];
	keep[1] = j->pidfd;
	pid = child_start(&(struct child_opts){
		.inherit_stdio = true, .keep = keep,
		.n_keep = j->pidfd >= 0 ? 2 : 1, .new_session = true });
	if (pid == 0)
		worker_main(s->ctx, j, p[1]);
	(void)close(p[1]);
	if (pid < 0) {
		(void)close(p[0]);
		return pid;
	}
	j->out = p[0];
	j->out_src = (struct src){ SRC_OUT, j };
	j->state = JOB_RUNNING;
	s->workers++;
	(void)fcntl(j->out, F_SETFL, O_NONBLOCK);
	return serve_ep_add(s, j->out, EPOLLIN, &j->out_src);
}

/* jobs_pump() - start queued requests, in order, while workers are free. */
void jobs_pump(struct serve *s)
{
	struct job *j, *next;

	for (j = s->jobs; j && s->workers < SERVE_WORKERS_MAX; j = next) {
		int r;

		next = j->next;
		if (j->state != JOB_QUEUED)
			continue;
		r = worker_start(s, j);
		if (!r)
			continue;
		err("serve: starting a worker: %s", strerror(-r));
		if (j->state == JOB_RUNNING)
			continue;	/* its pipe fails it */
		j->ans_len = (size_t)snprintf(j->ans, sizeof(j->ans),
					      PN_KEY_EXIT "=%d\n", EXIT_FAIL);
		if (j->fd >= 0)
			conn_answer(s, j);
		job_free(s, j);
	}
}

/* The session an answer opened, into @token ("" when none). */
static void opened(const struct job *j, char token[PN_TOKEN_LEN + 1])
{
	struct pn_answer a;

	*token = '\0';
	if (!strcmp(j->req.verb, PN_VERB_OPEN) &&
	    !pn_answer_parse(j->ans, &a) && a.action == PN_JOIN)
		memcpy(token, a.session, PN_TOKEN_LEN + 1);
}

/* The worker is done: answer, and keep or roll back what it opened. */
static void job_done(struct serve *s, struct job *j)
{
	char token[PN_TOKEN_LEN + 1];
	int code;

	j->ans[j->ans_len] = '\0';
	code = j->too_long ? -EBADMSG : pn_answer_exit(j->ans);
	if (is_own(j->req.verb)) {
		own_done(s, j, code);
		return;
	}
	opened(j, token);
	if (code < 0) {
		err("serve: a worker for peer %d gave no valid answer",
		    (int)j->peer);
		j->ans_len = (size_t)snprintf(j->ans, sizeof(j->ans),
					      PN_KEY_EXIT "=%d\n", EXIT_FAIL);
	}
	if (j->fd >= 0)
		conn_answer(s, j);
	else if (code)
		err("serve: closing session %s failed (exit %d); gc closes "
		    "it later", j->token, code);
	if (*token && !code && pool_login(j->ans) && !s->stopping) {
		snprintf(s->pool_conf, sizeof(s->pool_conf), "%s",
			 j->req.config ? j->req.config : "");
		job_prebuild(s);
	}
	if (*token && !code)
		snprintf(s->login_conf, sizeof(s->login_conf), "%s",
			 j->req.config ? j->req.config : "");
	if (*token && !code && !j->gone) {
		owner_watch(s, token, steal_fd(&j->pidfd));
	} else if (*token) {
		info("serve: session %s: its opener did not get the answer, "
		     "closing it", token);
		job_close(s, token);
	}
	job_free(s, j);
}

/* worker_readable() - read the worker's answer; at EOF, deliver it. */
void worker_readable(struct serve *s, struct job *j)
{
	for (;;) {
		char sink[512];
		size_t room = PN_MESSAGE_MAX - j->ans_len;
		ssize_t n = room ? read(j->out, j->ans + j->ans_len, room) :
				   read(j->out, sink, sizeof(sink));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		if (room)
			j->ans_len += (size_t)n;
		else
			j->too_long = true;
	}
	job_done(s, j);
}

/* workers_reap() - reap the workers that exited (SIGCHLD). */
void workers_reap(struct serve *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		s->workers--;
		if (WIFSIGNALED(status))
			err("serve: worker %d killed by signal %d", (int)pid,
			    WTERMSIG(status));
	}
}
