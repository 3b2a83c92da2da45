// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * svc-bench.c - what the resident service (netns-helper serve) costs over
 * time, spoken to in its own protocol (common/protocol.h), without PAM:
 *
 *   svc-bench cycles N SERVICE USER PID CONFIG
 *	N session-open + session-close in a row; prints "svc_rss_100 KB"
 *	and "svc_rss_N KB", the resident size of the service (process PID)
 *	after 100 and after N cycles.
 *   svc-bench kill N SERVICE USER CONFIG
 *	N times: a child opens a session (it is the owner: the peer of the
 *	connection) and is killed with SIGKILL; prints "kill_gone USEC",
 *	the time from the kill until the session's record and its
 *	namespace are gone, checked every 0.2 ms (no close is ever sent:
 *	the service must notice the owner's death itself).
 *
 * CONFIG is the policy the requests name (the module's conf=).
 * Exits 1 when a request fails or a session is still there after 10 s.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "protocol.h"

#define GONE_LIMIT_US	10e6	/* a session still there after 10 s */

/* What every request of a run names. */
struct run {
	const char *service, *user, *config;
};

/* Send @req, read the answer into @ans; 0 when it ends "exit=0". */
static int ask(const char *req, char *ans, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ssize_t n = -1;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", PN_SOCKET_PATH);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    send(fd, req, strlen(req), 0) == (ssize_t)strlen(req))
		n = recv(fd, ans, len - 1, 0);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	ans[n] = '\0';
	return pn_answer_exit(ans) == 0 ? 0 : -1;
}

static int open_session(const struct run *run, struct pn_answer *a)
{
	char req[PN_REQUEST_MAX + 1] = "", ans[PN_MESSAGE_MAX + 1];

	if (pn_request_add(req, sizeof(req), PN_KEY_VERB, PN_VERB_OPEN) ||
	    pn_request_add(req, sizeof(req), PN_OPT_CONFIG, run->config) ||
	    pn_request_add(req, sizeof(req), PN_OPT_USER, run->user) ||
	    pn_request_add(req, sizeof(req), PN_OPT_SERVICE, run->service) ||
	    ask(req, ans, sizeof(ans)) || pn_answer_parse(ans, a) ||
	    a->action != PN_JOIN)
		return -1;
	return 0;
}

static int close_session(const char *token)
{
	char req[PN_REQUEST_MAX + 1] = "", ans[PN_MESSAGE_MAX + 1];

	if (pn_request_add(req, sizeof(req), PN_KEY_VERB, PN_VERB_CLOSE) ||
	    pn_request_add(req, sizeof(req), PN_OPT_SESSION, token))
		return -1;
	return ask(req, ans, sizeof(ans));
}

static long rss_kb(const char *pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int cycles(unsigned n, const struct run *run, const char *pid)
{
	struct pn_answer a;

	for (unsigned i = 1; i <= n; i++) {
		if (open_session(run, &a) ||
		    close_session(a.session)) {
			fprintf(stderr, "svc-bench: cycle %u failed\n", i);
			return 1;
		}
		if (i == 100 || i == n)
			printf("svc_rss_%u %ld\n", i == 100 ? 100 : n,
			       rss_kb(pid));
	}
	return 0;
}

/* The session @token and namespace @netns are both gone. */
static int gone(const char *token, const char *netns)
{
	char rec[512], ns[512];

	snprintf(rec, sizeof(rec), "%s/sessions/%s", STATE_DIR, token);
	snprintf(ns, sizeof(ns), "%s/%s", NETNS_RUN_DIR, netns);
	return access(rec, F_OK) && errno == ENOENT &&
	       access(ns, F_OK) && errno == ENOENT;
}

/* One owner: opens, tells the parent what it got, waits to be killed. */
static _Noreturn void owner(int fd, const struct run *run)
{
	struct pn_answer a;

	if (open_session(run, &a))
		_exit(1);
	if (write(fd, &a, sizeof(a)) != sizeof(a))
		_exit(1);
	for (;;)
		pause();
}

static int kill_one(const struct run *run)
{
	struct timespec tick = { 0, 200000 };
	struct pn_answer a;
	int p[2], st;
	pid_t pid;
	double t0;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		owner(p[1], run);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &a, sizeof(a)) != sizeof(a)) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	t0 = now_us();
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	while (!gone(a.session, a.netns)) {
		if (now_us() - t0 > GONE_LIMIT_US)
			return -1;
		nanosleep(&tick, NULL);
	}
	printf("kill_gone %.1f\n", now_us() - t0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
	struct run run = { argc > 3 ? argv[3] : "", argc > 4 ? argv[4] : "",
			   argv[argc - 1] };

	if (argc == 7 && !strcmp(argv[1], "cycles"))
		return cycles(n, &run, argv[5]);
	if (argc == 6 && !strcmp(argv[1], "kill")) {
		for (unsigned i = 0; i < n; i++)
			if (kill_one(&run)) {
				fprintf(stderr, "svc-bench: kill %u: the "
					"session stayed\n", i);
				return 1;
			}
		return 0;
	}
	fprintf(stderr, "usage: svc-bench cycles N SERVICE USER PID CONFIG | "
		"kill N SERVICE USER CONFIG\n");
	return 2;
}
