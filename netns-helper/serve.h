/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve.h - the parts of `netns-helper serve` (the resident service,
 * protocol.h): serve.c has the loop and the listening socket, serve_conn.c
 * a connection (its peer, its request, its answer), serve_worker.c the
 * worker process that runs a request, serve_owner.c the owners of open
 * sessions. Everything the service keeps is in struct serve, owned by
 * cmd_serve().
 *
 * One epoll loop, single-threaded: every fd it waits on carries a struct
 * src naming what it is, so the loop dispatches on src->kind alone.
 */
#ifndef PN_SERVE_H
#define PN_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cmds.h"
#include "protocol.h"

/*
 * At most this many workers at once; further requests wait in order.
 * Each worker holds a few dozen fds and its own netlink sockets, and on
 * two cores more of them only contend for the same locks (all of one
 * namespace's logins serialize on its lock anyway): the limit keeps a
 * burst of logins (or of owners exiting) from exhausting fds or pids,
 * while logins of other namespaces still run side by side.
 */
#define SERVE_WORKERS_MAX	64
#define SERVE_READ_MS		5000	/* a peer has to send its request */
#define SERVE_SCAN_S		60	/* sessions nobody watches: taken over */
/* the verbs of the service's own, which no peer can ask for
 * (pn_request_parse() knows only the session verbs) */
#define SERVE_VERB_PREBUILD	"prebuild"
#define SERVE_VERB_ADOPT	"adopt"
#define SERVE_WORKER_FDS	1024	/* a worker's soft fd limit, as
					 * pam_netns.so gives an exec'd helper */

enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_TIMER, SRC_CONN, SRC_OUT,
		SRC_OWNER, SRC_LINK };

struct src {
	enum src_kind kind;
	void *obj;
};

enum job_state { JOB_READ, JOB_QUEUED, JOB_RUNNING };

/* One request: a peer's, or a session-close of the service's own. */
struct mnl_socket;

struct job {
	struct job *next;
	struct src conn_src, out_src;
	enum job_state state;
	int fd;			/* the connection; -1 for our own close */
	int pidfd;		/* the peer's, -1 */
	pid_t peer;
	long deadline;		/* JOB_READ: ms (now_ms()) to send by */
	bool gone;		/* the peer hung up while it ran */
	char msg[PN_REQUEST_MAX + 1];
	struct pn_request req;
	char token[PN_TOKEN_LEN + 1];	/* the session of our own close */
	char conf[PN_REQUEST_MAX + 1];	/* the policy of our own prebuild */
	int out;		/* the worker's stdout, -1 */
	char ans[PN_MESSAGE_MAX + 1];
	size_t ans_len;
	bool too_long;
};

/* A session opened through the service, closed when @pidfd (its owner)
 * becomes readable: the owner exited. */
struct watch {
	struct watch *next;
	struct src src;
	int pidfd;
	char token[PN_TOKEN_LEN + 1];
};

struct serve {
	struct ctx *ctx;
	int ep, listen_fd, sig_fd, timer_fd;
	bool own_socket;	/* made here (not socket activation): removed
				 * at exit */
	bool stopping;
	bool prebuild_again;	/* a prebuild is asked for while one runs */
	bool adopt_again;	/* an adopt is asked for while one runs */
	/* the policy of the latest login of a network with spares ("" the
	 * default): the one whose spares prebuild keeps (the module's
	 * conf=) */
	char pool_conf[PN_REQUEST_MAX + 1];
	/* the policy of the latest login ("" the default): the one adopt
	 * reads */
	char login_conf[PN_REQUEST_MAX + 1];
	struct mnl_socket *links;	/* the host's link events, or NULL */
	int workers;		/* running */
	struct job *jobs;
	struct watch *watches;
	struct src listen_src, sig_src, timer_src, link_src;
};

/* serve.c */
long serve_now_ms(void);
int serve_ep_add(struct serve *s, int fd, unsigned events, struct src *src);
void serve_ep_close(struct serve *s, int *fd);

/* serve_conn.c */
void conn_accept(struct serve *s);
void conn_readable(struct serve *s, struct job *j);
void conn_answer(struct serve *s, struct job *j);

/* serve_worker.c */
struct job *job_new(struct serve *s);
void job_free(struct serve *s, struct job *j);
void job_close(struct serve *s, const char *token);
void job_prebuild(struct serve *s);
void job_adopt(struct serve *s);
void jobs_pump(struct serve *s);
void worker_readable(struct serve *s, struct job *j);
void workers_reap(struct serve *s);

/* serve_link.c */
int links_watch(struct serve *s);
void links_readable(struct serve *s);
void links_free(struct serve *s);

/* serve_owner.c */
void owner_watch(struct serve *s, const char *token, int pidfd);
void owner_unwatch(struct serve *s, const char *token);
void owner_exited(struct serve *s, struct watch *w);
void owners_take_over(struct serve *s);
void owners_free(struct serve *s);
int owner_pidfd(pid_t pid, unsigned long long start);

#endif
