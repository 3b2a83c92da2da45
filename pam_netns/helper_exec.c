// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper_exec.c - ask netns-helper: through its resident service when one
 * listens (service.c), else (no socket, nobody on it) by running it the
 * way pam_mkhomedir runs its helper: an absolute path checked to be
 * root's, an empty environment, fds 0-2 set up by us and every other fd
 * closed, default signal handling and sane resource limits, so nothing of
 * the caller's state (a user who runs su with LD_PRELOAD, a low `ulimit
 * -n`, SIGCHLD ignored) reaches it.
 *
 * The helper's stdout and stderr share one pipe: key=value lines are its
 * answer (protocol.h, read by pn_answer_parse()), anything else is a
 * message, logged through pam_syslog. The service's answer is the same
 * lines and the exit code; both are read by the same code below
 * (verb_result(), pn_helper_open()), so a login gets the same logs and
 * the same PAM result either way.
 *
 * The child is made with vfork(): it borrows the caller's memory until it
 * execs, instead of copying page tables that grow with the caller (sshd,
 * the systemd user manager). bench/NOTES.md has the figures. Between the
 * two it makes system calls only, as posix_spawn's child does, with every
 * signal blocked until the handlers are back to their defaults.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <security/pam_ext.h>

#include "module.h"
#include "sigdfl.h"

/* the answer, and room for the helper's messages around it */
#define OUT_MAX		(PN_ANSWER_MAX + 4096)

/* Namespaces the child returns to before exec (session-close), or -1. */
struct exec_ns {
	int net_fd, mnt_fd;
};

/* The helper must be root's and writable by root alone. */
static int helper_trusted(pam_handle_t *pamh, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		pam_syslog(pamh, LOG_ERR, "helper %s: %m", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || !(st.st_mode & S_IXUSR)) {
		pam_syslog(pamh, LOG_ERR, "helper %s: not a root-owned "
			   "executable writable by root only", path);
		return -1;
	}
	return 0;
}

/*
 * Set @res's soft limit to @want, raising the hard limit too when needed;
 * without CAP_SYS_RESOURCE settle for the hard limit the caller left.
 */
static void limit_to(int res, rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(res, &rl))
		return;
	if (rl.rlim_max != RLIM_INFINITY &&
	    (want == RLIM_INFINITY || rl.rlim_max < want)) {
		struct rlimit up = { want, want };

		if (!setrlimit(res, &up))
			return;
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	(void)setrlimit(res, &rl);
}

/* A user who runs su can set any limit low: the helper gets sane ones. */
static void reset_limits(void)
{
	static const int unlimited[] = { RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA,
					 RLIMIT_AS, RLIMIT_NPROC };

	for (size_t i = 0; i < sizeof(unlimited) / sizeof(*unlimited); i++)
		limit_to(unlimited[i], RLIM_INFINITY);
	limit_to(RLIMIT_STACK, 8 << 20);
	limit_to(RLIMIT_NOFILE, 1024);
}

/* The handlers first: the caller's must never run in the child. */
static void reset_signals(void)
{
	sigset_t none;

	sig_default_all();
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * stdin on /dev/null, stdout and stderr (set by the caller) kept, every
 * other fd closed. libpam up to 1.5.2 closes fds one close() at a time up
 * to the hard RLIMIT_NOFILE (capped at 65535): with systemd's default
 * hard limit that is 65535 syscalls, milliseconds per helper run (see
 * bench/NOTES.md). close_range() (Linux 5.9) does it in one; the same
 * loop as libpam's is the fallback for older kernels (libpam's own may
 * log, which a vfork child must not).
 */
static int sanitize_fds(void)
{
	int null = open("/dev/null", O_RDONLY);
	struct rlimit rl;

	/* null is 0 when the caller had closed stdin; else closed below
	 * with the rest */
	if (null < 0 || (null != STDIN_FILENO &&
			 dup2(null, STDIN_FILENO) != STDIN_FILENO))
		return -1;
	if (close_range(STDERR_FILENO + 1, ~0U, 0) == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_max > 65536)
		rl.rlim_max = 65536;
	for (int fd = STDERR_FILENO + 1; fd < (int)rl.rlim_max; fd++)
		(void)close(fd);
	return 0;
}

/*
 * Real, effective and saved ids all 0 and no supplementary groups. Under
 * setuid su or sudo run by an ordinary user the real uid is the caller's:
 * exec'd like that, the helper would start with AT_SECURE set and refuse
 * to run (it cannot tell it from a setuid install). The raw system calls
 * change this process alone: glibc's wrappers would signal every thread
 * of the vfork parent, whose memory this child shares.
 */
static int become_root(void)
{
	if (syscall(SYS_setgroups, 0, NULL) ||
	    syscall(SYS_setresgid, 0, 0, 0) ||
	    syscall(SYS_setresuid, 0, 0, 0))
		return -1;
	return 0;
}

/* In the vfork child: system calls only, never returns. */
static __attribute__((noreturn)) void
exec_child(int out, const struct exec_ns *ns, char *const argv[])
{
	static char *const envp[] = { NULL };

	if (ns && (setns(ns->net_fd, CLONE_NEWNET) ||
		   setns(ns->mnt_fd, CLONE_NEWNS)))
		_exit(PN_EXIT_NO_EXEC);
	if (become_root())
		_exit(PN_EXIT_NOT_ROOT);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(PN_EXIT_NO_EXEC);
	if (sanitize_fds())
		_exit(PN_EXIT_NO_EXEC);
	reset_signals();
	reset_limits();
	umask(022);
	if (chdir("/"))
		_exit(PN_EXIT_NO_EXEC);
	execve(argv[0], argv, envp);
	_exit(PN_EXIT_NOT_FOUND);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Read @fd to EOF into @buf (NUL-terminated, truncated at @len - 1),
 * until @deadline (now_ms()) at most. */
static int read_all(int fd, char *buf, size_t len, long deadline)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		char sink[512];
		ssize_t got;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
		if (n + 1 < len)
			got = read(fd, buf + n, len - 1 - n);
		else
			got = read(fd, sink, sizeof(sink));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (n + 1 < len)
			n += (size_t)got;
	}
	buf[n] = '\0';
	return 0;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* vfork and exec @argv in the child, all signals blocked around. */
static pid_t spawn(int out, const struct exec_ns *ns, char *const argv[])
{
	sigset_t all, old;
	pid_t pid;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		exec_child(out, ns, argv);
	err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return pid;
}

/*
 * Run @argv, its output into @out, killing it after @timeout seconds.
 * Return: the wait status, or -1 when it could not be run or timed out
 * (logged).
 */
static int run(pam_handle_t *pamh, char *const argv[], int timeout,
	       const struct exec_ns *ns, char *out, size_t outlen)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	long deadline = now_ms() + timeout * 1000L;
	int fds[2], status = -1, r;
	pid_t pid;

	if (helper_trusted(pamh, argv[0]))
		return -1;
	if (pipe2(fds, O_CLOEXEC)) {
		pam_syslog(pamh, LOG_ERR, "pipe: %m");
		return -1;
	}
	/* The caller may ignore SIGCHLD; waitpid needs the default. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	pid = spawn(fds[1], ns, argv);
	close(fds[1]);
	if (pid < 0) {
		pam_syslog(pamh, LOG_ERR, "vfork: %m");
	} else {
		r = read_all(fds[0], out, outlen, deadline);
		if (r == -ETIMEDOUT) {
			pam_syslog(pamh, LOG_ERR, "%s did not answer in %d s, "
				   "killed", argv[0], timeout);
			kill(pid, SIGKILL);
		}
		status = wait_child(pid);
		if (r)
			status = -1;
	}
	close(fds[0]);
	sigaction(SIGCHLD, &old, NULL);
	return status;
}

/* Log the helper's messages (lines that are not key=value). */
static void log_messages(pam_handle_t *pamh, const char *out, int prio)
{
	for (const char *l = out; *l; ) {
		size_t n = strcspn(l, "\n");

		if (n && !pn_answer_key_len(l, n))
			pam_syslog(pamh, prio, "%.*s", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

/* Log how the helper ended; returns its exit code or -1. */
static int exit_code(pam_handle_t *pamh, const char *path, int status)
{
	if (status == -1)
		return -1;
	if (WIFSIGNALED(status)) {
		pam_syslog(pamh, LOG_ERR, "%s killed by signal %d", path,
			   WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) == PN_EXIT_NOT_ROOT)
		pam_syslog(pamh, LOG_ERR, "%s could not be run as root: the "
			   "caller's effective uid is not 0", path);
	else if (WEXITSTATUS(status) == PN_EXIT_NO_EXEC ||
		 WEXITSTATUS(status) == PN_EXIT_NOT_FOUND)
		pam_syslog(pamh, LOG_ERR, "%s could not be run (exit %d)",
			   path, WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

/* argv[] = HELPER [--config CONF] VERB; returns the count so far. */
static int helper_argv(const struct pn_args *args, const char *verb,
		       char **argv)
{
	int n = 0;

	argv[n++] = (char *)args->helper;
	if (args->conf) {
		argv[n++] = (char *)"--" PN_OPT_CONFIG;
		argv[n++] = (char *)args->conf;
	}
	argv[n++] = (char *)verb;
	return n;
}

/* "--deadline-ms N": the time the helper has, so that every wait of its
 * own ends before the module gives up on it (deadline.h). */
static void add_deadline(const struct pn_args *args, char **argv, int *n,
			 char buf[static 16])
{
	snprintf(buf, 16, "%d", args->timeout * 1000);
	argv[(*n)++] = (char *)"--" PN_OPT_DEADLINE_MS;
	argv[(*n)++] = buf;
}

/* Append "OPT VALUE" to argv[] when @value is set. */
static void add_opt(char **argv, int *n, const char *opt, const char *value)
{
	if (value && *value) {
		argv[(*n)++] = (char *)opt;
		argv[(*n)++] = (char *)value;
	}
}

/*
 * What the helper answered, by exec or through the service, with its exit
 * code @code: log its messages and a failure. Both paths end here, so a
 * login gets the same logs and results either way.
 * Return: @code
 */
static int verb_result(pam_handle_t *pamh, const struct pn_args *args,
		       const char *verb, int code, const char *out)
{
	log_messages(pamh, out, code == EXIT_OK ? LOG_NOTICE : LOG_ERR);
	if (code > 0 && code != EXIT_DENIED)
		pam_syslog(pamh, LOG_ERR, "%s %s exited with %d",
			   args->helper, verb, code);
	return code;
}

/*
 * Run the helper's @verb (argv[] built above), its answer into @out, and
 * log its messages. Return: its exit code, or -1 (logged).
 */
static int run_verb(pam_handle_t *pamh, const struct pn_args *args,
		    const char *verb, char **argv, const struct exec_ns *ns,
		    char *out, size_t outlen)
{
	int code = exit_code(pamh, args->helper,
			     run(pamh, argv, args->timeout, ns, out, outlen));

	return verb_result(pamh, args, verb, code, out);
}

/*
 * Ask the service for @verb with options @opts (key, value pairs, NULL
 * ended), its answer into @out.
 * Return: the exit code (its messages logged), -2 when there is no
 * service (exec the helper), or -1 (logged): fail closed.
 */
static int ask_service(pam_handle_t *pamh, const struct pn_args *args,
		       const char *verb, const char *const *opts, char *out,
		       size_t outlen)
{
	char req[PN_REQUEST_MAX + 1] = "";
	int code, r;

	if (pn_service_request(pamh, args, verb, opts, req, sizeof(req)))
		return -1;
	r = pn_service_call(pamh, args, req, out, outlen, &code);
	if (r)
		return r > 0 ? -2 : -1;
	return verb_result(pamh, args, verb, code, out);
}

/* session-open by exec; @o: the options of the request, in its order. */
static int exec_open(pam_handle_t *pamh, const struct pn_args *args,
		     const char *const *o, char *out, size_t outlen)
{
	char pid[24], deadline[16];
	char *argv[20];
	int n;

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	n = helper_argv(args, PN_VERB_OPEN, argv);
	add_opt(argv, &n, "--" PN_OPT_USER, o[1]);
	add_opt(argv, &n, "--" PN_OPT_SERVICE, o[3]);
	add_opt(argv, &n, "--" PN_OPT_RHOST, o[5]);
	add_opt(argv, &n, "--" PN_OPT_TTY, o[7]);
	add_opt(argv, &n, "--" PN_OPT_PID, pid);
	add_deadline(args, argv, &n, deadline);
	argv[n] = NULL;
	return run_verb(pamh, args, PN_VERB_OPEN, argv, NULL, out, outlen);
}

/**
 * pn_helper_open() - session-open for this login: through the service,
 * or by exec'ing the helper when there is none.
 * Return: 0 with @ret filled (join / none / deny), or -1 on any failure
 * (logged): the caller fails closed.
 */
int pn_helper_open(pam_handle_t *pamh, const struct pn_args *args,
		   const char *user, const char *service, const char *rhost,
		   const char *tty, struct pn_answer *ret)
{
	const char *const opts[] = { PN_OPT_USER, user, PN_OPT_SERVICE,
				     service, PN_OPT_RHOST, rhost, PN_OPT_TTY,
				     tty, NULL };
	char out[OUT_MAX];
	int code;

	*out = '\0';
	code = ask_service(pamh, args, PN_VERB_OPEN, opts, out, sizeof(out));
	if (code == -2)
		code = exec_open(pamh, args, opts, out, sizeof(out));
	if (code != EXIT_OK && code != EXIT_DENIED)
		return -1;
	if (pn_answer_parse(out, ret) ||
	    (code == EXIT_DENIED) != (ret->action == PN_DENY)) {
		pam_syslog(pamh, LOG_ERR, "%s " PN_VERB_OPEN ": malformed "
			   "answer", args->helper);
		return -1;
	}
	return 0;
}

/**
 * pn_helper_close() - session-close --session TOKEN: through the
 * service, or else by exec'ing the helper from the namespaces given by
 * @host_net_fd and @host_mnt_fd (those the login started in), so the
 * helper works on the host side.
 * Return: 0, or -1 (logged).
 */
int pn_helper_close(pam_handle_t *pamh, const struct pn_args *args,
		    const char *token, int host_net_fd, int host_mnt_fd)
{
	const char *const opts[] = { PN_OPT_SESSION, token, NULL };
	struct exec_ns ns = { host_net_fd, host_mnt_fd };
	char deadline[16], out[OUT_MAX];
	char *argv[12];
	int n, code;

	*out = '\0';
	code = ask_service(pamh, args, PN_VERB_CLOSE, opts, out, sizeof(out));
	if (code != -2)
		return code ? -1 : 0;
	n = helper_argv(args, PN_VERB_CLOSE, argv);
	add_opt(argv, &n, "--" PN_OPT_SESSION, token);
	add_deadline(args, argv, &n, deadline);
	argv[n] = NULL;
	return run_verb(pamh, args, PN_VERB_CLOSE, argv, &ns, out,
			sizeof(out)) ? -1 : 0;
}
