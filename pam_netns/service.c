// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * service.c - ask the resident service (`netns-helper serve`, protocol.h)
 * instead of exec'ing the helper: one request over a SOCK_SEQPACKET unix
 * socket at PN_SOCKET_PATH, one answer back, the same lines and exit code
 * the exec path gets, read by the same code (helper_exec.c).
 *
 * The socket is trusted only where root alone could have made it:
 * PN_SOCKET_DIR a real directory of root's that no one else may enter,
 * the socket root's, and the server at its other end running as root
 * (SO_PEERCRED). No service at all (no socket, or nobody listening on
 * it) is the one case the caller falls back to exec'ing the helper. Any
 * other trouble fails the login closed, and once a request is sent
 * nothing but its whole answer in time lets it in: the service may have
 * started the work, and a second helper must not run it again.
 *
 * A pathname socket reaches the service from any network namespace, so
 * a close works from inside the session's; nsenter.c hides NETNS_RUN_DIR
 * and resolver sockets only, not STATE_DIR. No signal is changed
 * (MSG_NOSIGNAL instead of ignoring SIGPIPE), no thread started.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <security/pam_ext.h>

#include "module.h"

/* No service: nothing there, or nobody listening. */
static bool absent(int err)
{
	return err == ENOENT || err == ECONNREFUSED;
}

/* Return: 0 trusted, 1 absent, -1 refused (logged). */
static int path_trusted(pam_handle_t *pamh)
{
	struct stat d, s;

	if (lstat(PN_SOCKET_DIR, &d) || lstat(PN_SOCKET_PATH, &s)) {
		if (absent(errno))
			return 1;
		pam_syslog(pamh, LOG_ERR, "%s: %m", PN_SOCKET_PATH);
		return -1;
	}
	if (!S_ISDIR(d.st_mode) || d.st_uid != 0 || (d.st_mode & 077)) {
		pam_syslog(pamh, LOG_ERR, "%s: not a directory of root's "
			   "closed to others, refusing it", PN_SOCKET_DIR);
		return -1;
	}
	if (!S_ISSOCK(s.st_mode) || s.st_uid != 0) {
		pam_syslog(pamh, LOG_ERR, "%s: not a socket of root's, "
			   "refusing it", PN_SOCKET_PATH);
		return -1;
	}
	return 0;
}

/*
 * Connect, within @timeout s (SO_SNDTIMEO bounds a connect to a service
 * that does not accept, and the send); the server must be root's.
 * Return: the fd, -2 absent, -1 refused (logged).
 */
static int service_connect(pam_handle_t *pamh, int timeout)
{
	unsigned uid = 0;
	int fd, r = path_trusted(pamh);

	if (r)
		return r > 0 ? -2 : -1;
	fd = pn_service_connect(timeout, &uid);
	if (fd >= 0)
		return fd;
	if (absent(-fd))
		return -2;
	if (fd == -EPERM && uid)
		pam_syslog(pamh, LOG_ERR, "%s: the server runs as uid %u, not "
			   "root, refusing it", PN_SOCKET_PATH, uid);
	else
		pam_syslog(pamh, LOG_ERR, "%s: connect: %s", PN_SOCKET_PATH,
			   strerror(-fd));
	return -1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* The one answer message, within @timeout s. Return: 0, or -1 (logged) */
static int receive(pam_handle_t *pamh, int fd, int timeout, char *out,
		   size_t outlen)
{
	long deadline = now_ms() + timeout * 1000L;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do {
		long left = deadline - now_ms();

		r = left > 0 ? poll(&p, 1, (int)left) : 0;
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		pam_syslog(pamh, LOG_ERR, "the service at %s did not answer in "
			   "%d s", PN_SOCKET_PATH, timeout);
		return -1;
	}
	do
		n = recv(fd, out, outlen - 1, MSG_TRUNC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || (size_t)n >= outlen) {
		pam_syslog(pamh, LOG_ERR, "the service at %s: %s", PN_SOCKET_PATH,
			   n < 0 ? strerror(errno) : n ? "an oversized answer" :
			   "closed without an answer");
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/**
 * pn_service_call() - send request @req (pn_request_add()) to the service
 * and read its answer into @out (@outlen bytes), within @args->timeout.
 * Return: 0 with the answer's exit code in *@ret_code, 1 when there is
 * no service (the caller execs the helper), or -1 (logged): fail closed.
 */
int pn_service_call(pam_handle_t *pamh, const struct pn_args *args,
		    const char *req, char *out, size_t outlen, int *ret_code)
{
	size_t len = strlen(req);
	int fd = service_connect(pamh, args->timeout), code = -1;

	if (fd < 0)
		return fd == -2 ? 1 : -1;
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		pam_syslog(pamh, LOG_ERR, "the service at %s: send: %m",
			   PN_SOCKET_PATH);
	else if (!receive(pamh, fd, args->timeout, out, outlen) &&
		 (code = pn_answer_exit(out)) < 0)
		pam_syslog(pamh, LOG_ERR, "the service at %s: malformed "
			   "answer", PN_SOCKET_PATH);
	close(fd);
	if (code < 0)
		return -1;
	*ret_code = code;
	return 0;
}

/* "deadline-ms": the time the helper has, as on the exec path. */
static int add_deadline(const struct pn_args *args, char *req, size_t len)
{
	char ms[16];

	snprintf(ms, sizeof(ms), "%d", args->timeout * 1000);
	return pn_request_add(req, len, PN_OPT_DEADLINE_MS, ms);
}

/* Add @key unless @value is unset or empty (the exec path's add_opt). */
static int add_opt(char *req, size_t len, const char *key, const char *value)
{
	return value && *value ? pn_request_add(req, len, key, value) : 0;
}

/**
 * pn_service_request() - the request of @verb: "verb=", the policy the
 * module names, and "deadline-ms"; the caller adds the verb's options.
 * Return: 0, or -1 when it does not fit (logged).
 */
int pn_service_request(pam_handle_t *pamh, const struct pn_args *args,
		       const char *verb, const char *const *opts, char *req,
		       size_t len)
{
	int r = pn_request_add(req, len, PN_KEY_VERB, verb) ?:
		add_opt(req, len, PN_OPT_CONFIG, args->conf) ?:
		add_deadline(args, req, len);

	for (size_t i = 0; !r && opts[i]; i += 2)
		r = add_opt(req, len, opts[i], opts[i + 1]);
	if (r)
		pam_syslog(pamh, LOG_ERR, "%s: the request does not fit "
			   "(%d bytes at most, or a value has a newline)",
			   verb, PN_REQUEST_MAX);
	return r ? -1 : 0;
}
