// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pam-bench.c - time pam_open_session and pam_close_session of N logins
 * through libpam, opened one after another and kept open together:
 *
 *   pam-bench [-c CONFDIR] -s SERVICE [-l LABEL] [-n N] [-p MS] [-x CMD] USER
 *
 * A process is in one network namespace at a time and pam_netns refuses
 * a second open on one handle, so each login is a child forked after
 * pam_start: it opens its session, reports, and waits until the parent
 * asks it to close (or the parent is gone: EOF on its pipe closes too).
 *
 * Prints "LABEL_open USEC" per open, "LABEL_close USEC" per close and
 * "LABEL_rss KB", the largest resident size of a helper process (from
 * the children's getrusage(RUSAGE_CHILDREN): the module waits for its
 * helpers). -x runs CMD with /bin/sh after the 10th and after the last
 * open, with BENCH_OPENED set to the count, to measure with N present.
 * -p pauses MS milliseconds before each open and each close: the cost of
 * one login alone, without the kernel's deferred cleanup of the one
 * before (an RCU grace period after each nftables change) in its way.
 */
#include <errno.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"

enum { OP_OPEN, OP_CLOSE };

/* One report of a child: less than PIPE_BUF, so writes never mix. */
struct report {
	int op, code;
	double us;
	long maxrss_kb;
};

struct login {
	pid_t pid;
	int cmd_fd;	/* write end: a byte asks for the close */
};

/* Messages of the modules go to stderr (no syslog in the sandbox);
 * the helper's debug chatter is not wanted: only warnings and worse. */
void vsyslog(int prio, const char *fmt, va_list ap)
{
	if (LOG_PRI(prio) > LOG_WARNING)
		return;
	fputs("pam-bench: log: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* libpam is built with _FORTIFY_SOURCE: its calls arrive here */
void __syslog_chk(int prio, int flag, const char *fmt, ...);
void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

static int no_conv(int n, const struct pam_message **msg,
		   struct pam_response **resp, void *data)
{
	(void)n; (void)msg; (void)resp; (void)data;
	return PAM_CONV_ERR;
}

static void report(int fd, int op, int code, double us)
{
	struct rusage ru;
	struct report rp = { op, code, us, 0 };

	if (!getrusage(RUSAGE_CHILDREN, &ru))
		rp.maxrss_kb = ru.ru_maxrss;
	if (write(fd, &rp, sizeof(rp)) != sizeof(rp))
		_exit(3);
}

/* The life of one login, in the child. */
static _Noreturn void child(pam_handle_t *pamh, int cmd_fd, int res_fd)
{
	double t = now_us();
	int r = pam_open_session(pamh, 0);
	char c;

	report(res_fd, OP_OPEN, r, now_us() - t);
	if (r != PAM_SUCCESS)
		_exit(1);
	while (read(cmd_fd, &c, 1) < 0 && errno == EINTR)
		;
	t = now_us();
	r = pam_close_session(pamh, 0);
	report(res_fd, OP_CLOSE, r, now_us() - t);
	pam_end(pamh, r);
	_exit(r == PAM_SUCCESS ? 0 : 1);
}

static int read_report(int fd, struct report *rp)
{
	ssize_t n;

	do
		n = read(fd, rp, sizeof(*rp));
	while (n < 0 && errno == EINTR);
	return n == sizeof(*rp) ? 0 : -1;
}

/* Fork login @i; the child drops the pipes of the others it inherited,
 * so that each sees EOF when the parent goes. */
static int start(pam_handle_t *pamh, struct login *l, unsigned i, int res[2])
{
	int cmd[2];

	if (pipe(cmd))
		return -1;
	l[i].pid = fork();
	if (l[i].pid == 0) {
		for (unsigned k = 0; k < i; k++)
			close(l[k].cmd_fd);
		close(cmd[1]);
		close(res[0]);
		child(pamh, cmd[0], res[1]);
	}
	close(cmd[0]);
	l[i].cmd_fd = cmd[1];
	return l[i].pid < 0 ? -1 : 0;
}

static void run_hook(const char *cmd, unsigned opened)
{
	char v[16];
	int r;

	if (!cmd)
		return;
	snprintf(v, sizeof(v), "%u", opened);
	setenv("BENCH_OPENED", v, 1);
	fflush(stdout);
	r = system(cmd);
	if (r)
		fprintf(stderr, "pam-bench: hook exited %d\n", r);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	/* the parent keeps one pipe per open login */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static unsigned pause_ms;

static void pause_a_while(void)
{
	struct timespec ts = { pause_ms / 1000, pause_ms % 1000 * 1000000L };

	while (pause_ms && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Close logins [0, n) one after another; 0 when all closed cleanly. */
static int close_all(struct login *l, unsigned n, int res, const char *label,
		     long *maxrss)
{
	struct report rp;
	int bad = 0, st;

	for (unsigned i = 0; i < n; i++) {
		pause_a_while();
		if (write(l[i].cmd_fd, "c", 1) != 1 || read_report(res, &rp)) {
			bad = 1;
			continue;
		}
		close(l[i].cmd_fd);
		if (rp.code != PAM_SUCCESS) {
			fprintf(stderr, "pam-bench: close #%u: %d\n", i, rp.code);
			bad = 1;
		}
		*maxrss = rp.maxrss_kb > *maxrss ? rp.maxrss_kb : *maxrss;
		printf("%s_close %.1f\n", label, rp.us);
	}
	for (unsigned i = 0; i < n; i++)
		if (waitpid(l[i].pid, &st, 0) < 0 || st)
			bad = 1;
	return bad;
}

static void usage(void)
{
	fprintf(stderr, "usage: pam-bench [-c CONFDIR] -s SERVICE [-l LABEL] "
		"[-n N] [-p MS] [-x CMD] USER\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *service = NULL, *label = "pam";
	const char *hook = NULL;
	struct pam_conv conv = { no_conv, NULL };
	unsigned n = 10, opened = 0;
	pam_handle_t *pamh;
	struct login *l;
	struct report rp;
	long maxrss = 0;
	int o, res[2], bad = 0;

	while ((o = getopt(argc, argv, "c:s:l:n:p:x:")) != -1) {
		switch (o) {
		case 'c': confdir = optarg; break;
		case 's': service = optarg; break;
		case 'l': label = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'p': pause_ms = (unsigned)atoi(optarg); break;
		case 'x': hook = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || !service || n < 1 || n > 30000)
		usage();
	raise_nofile();
	l = calloc(n, sizeof(*l));
	if (!l || pipe(res) ||
	    pam_start_confdir(service, argv[optind], &conv, confdir, &pamh) !=
		    PAM_SUCCESS)
		return 1;
	for (; opened < n; opened++) {
		pause_a_while();
		if (start(pamh, l, opened, res) || read_report(res[0], &rp)) {
			perror("pam-bench: fork or report");
			bad = 1;
			break;
		}
		if (rp.code != PAM_SUCCESS) {
			fprintf(stderr, "pam-bench: open #%u: %s\n", opened,
				pam_strerror(pamh, rp.code));
			waitpid(l[opened].pid, NULL, 0);
			close(l[opened].cmd_fd);
			bad = 1;
			break;
		}
		maxrss = rp.maxrss_kb > maxrss ? rp.maxrss_kb : maxrss;
		printf("%s_open %.1f\n", label, rp.us);
		if (opened + 1 == 10 || opened + 1 == n)
			run_hook(hook, opened + 1);
	}
	bad |= close_all(l, opened, res[0], label, &maxrss);
	printf("%s_rss %ld\n", label, maxrss);
	pam_end(pamh, PAM_SUCCESS);
	free(l);
	return bad;
}
