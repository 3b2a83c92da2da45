// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pam-driver.c - open and close a PAM session through libpam the way a
 * login program does, and report what the process looked like in between:
 *
 *   pam-driver [-c CONFDIR] [-s SERVICE] [-r RHOST] [-T] [-k] USER [CMD...]
 *     -c  PAM config dir (pam_start_confdir), default /etc/pam.d
 *     -T  start a second thread first (a threaded caller)
 *     -k  keep: skip pam_close_session (the caller "dies")
 *
 * Prints key=value lines: open=CODE, netns=INODE of the process's network
 * namespace after open, env_netns=VALUE of NETNS in the PAM environment,
 * the output of CMD (run as a child, as a login shell would be), then
 * close=CODE and netns_after=INODE.
 *
 * What modules log through pam_syslog is printed as log=MESSAGE lines:
 * the driver's own vsyslog() takes the place of libc's for libpam, so the
 * tests can check the messages without a syslog daemon in the sandbox.
 */
#include <pthread.h>
#include <stdarg.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

void vsyslog(int prio, const char *fmt, va_list ap)
{
	(void)prio;
	fputs("log=", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
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

static unsigned long long netns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (unsigned long long)st.st_ino;
}

static void *idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static void run(char **cmd)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *service = "pn-test", *rhost = NULL;
	struct pam_conv conv = { no_conv, NULL };
	int o, r, opened, threaded = 0, keep = 0;
	pam_handle_t *pamh;
	pthread_t t;

	while ((o = getopt(argc, argv, "+c:s:r:Tk")) != -1) {
		switch (o) {
		case 'c': confdir = optarg; break;
		case 's': service = optarg; break;
		case 'r': rhost = optarg; break;
		case 'T': threaded = 1; break;
		case 'k': keep = 1; break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: pam-driver [-c DIR] [-s SERVICE] "
			"[-r RHOST] [-T] [-k] USER [CMD...]\n");
		return 2;
	}
	if (pam_start_confdir(service, argv[optind], &conv, confdir,
			      &pamh) != PAM_SUCCESS)
		return 1;
	if (rhost)
		pam_set_item(pamh, PAM_RHOST, rhost);
	if (threaded && pthread_create(&t, NULL, idle, NULL))
		return 1;
	r = opened = pam_open_session(pamh, 0);
	printf("open=%d\nopen_text=%s\nnetns=%llu\n", r, pam_strerror(pamh, r),
	       netns_ino());
	printf("env_netns=%s\n", pam_getenv(pamh, "NETNS") ?: "");
	if (r == PAM_SUCCESS && optind + 1 < argc)
		run(argv + optind + 1);
	if (r == PAM_SUCCESS && !keep) {
		r = pam_close_session(pamh, 0);
		printf("close=%d\n", r);
	}
	printf("netns_after=%llu\n", netns_ino());
	/* as sshd and su do: a failed open ends the handle with its error */
	if (!keep)
		pam_end(pamh, opened == PAM_SUCCESS ? PAM_SUCCESS : opened);
	return 0;
}
