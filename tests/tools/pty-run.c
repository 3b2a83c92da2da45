// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pty-run - run a program on a new pseudo-terminal, as a person at a
 * terminal would: optionally as an ordinary user, answering prompts.
 *
 *   pty-run [-u USER] [-e TEXT -s LINE]... -- CMD [ARG...]
 *
 * The child gets a new session with the pty as its controlling terminal
 * (su and sudo read passwords from it, and flush what was typed before
 * the prompt). -u drops to USER (its groups, uid, gid, HOME, a clean
 * environment) before the exec, as a login shell of USER would run it.
 * Each -e/-s pair, in order: wait until TEXT has appeared in the output
 * since the previous answer, then type LINE and a newline. Everything the
 * program prints goes to stdout; the exit code is the program's (128+N
 * for a signal). A program that neither prints nor ends within the
 * guard (-t SECONDS, default 60) is killed: a hang guard, not a timing.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PAIRS 8
#define SEEN_MAX 8192

struct pair {
	const char *expect, *send;
};

static void die(const char *what)
{
	perror(what);
	exit(125);
}

static void usage(void)
{
	fprintf(stderr, "usage: pty-run [-t SECONDS] [-u USER] "
		"[-e TEXT -s LINE]... -- CMD [ARG...]\n");
	exit(2);
}

/* In the child: become @user with a login's clean environment. */
static void drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);
	static char home[512], logname[128], path[] =
		"PATH=/usr/local/bin:/usr/bin:/bin";

	if (!pw)
		die("getpwnam");
	if (initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) ||
	    setuid(pw->pw_uid))
		die("dropping privileges");
	snprintf(home, sizeof(home), "HOME=%s", pw->pw_dir);
	snprintf(logname, sizeof(logname), "USER=%s", pw->pw_name);
	clearenv();
	putenv(home);
	putenv(logname);
	putenv(path);
	putenv((char *)"TERM=dumb");
	putenv((char *)"LC_ALL=C");
	if (chdir(pw->pw_dir) && chdir("/"))
		die("chdir");
}

static pid_t start(int *master, const char *user, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 200 };
	pid_t pid = forkpty(master, NULL, NULL, &ws);

	if (pid < 0)
		die("forkpty");
	if (pid == 0) {
		if (user)
			drop_to(user);
		execvp(argv[0], argv);
		die(argv[0]);
	}
	return pid;
}

/* Copy output to stdout until EOF, answering @pairs in order. */
static void converse(int master, pid_t pid, struct pair *pairs, int npairs,
		     int guard)
{
	char seen[SEEN_MAX + 1], buf[1024];
	size_t nseen = 0;
	int next = 0;

	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		int r = poll(&p, 1, guard * 1000);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "pty-run: no output for %d s, "
				"killing it\n", guard);
			kill(pid, SIGKILL);
			return;
		}
		n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* EIO: every holder of the pty is gone */
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
		if (next == npairs)
			continue;
		if (nseen + (size_t)n > SEEN_MAX)
			nseen = 0;
		memcpy(seen + nseen, buf, (size_t)n);
		nseen += (size_t)n;
		seen[nseen] = '\0';
		if (strstr(seen, pairs[next].expect)) {
			dprintf(master, "%s\n", pairs[next].send);
			nseen = 0;
			next++;
		}
	}
}

int main(int argc, char **argv)
{
	struct pair pairs[MAX_PAIRS];
	const char *user = NULL;
	int npairs = 0, guard = 60, o, status, master;
	pid_t pid;

	while ((o = getopt(argc, argv, "+t:u:e:s:")) != -1) {
		switch (o) {
		case 't': guard = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'e':
			if (npairs == MAX_PAIRS)
				usage();
			pairs[npairs].expect = optarg;
			pairs[npairs].send = NULL;
			break;
		case 's':
			if (npairs == MAX_PAIRS || !pairs[npairs].expect)
				usage();
			pairs[npairs++].send = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || guard <= 0)
		usage();
	pid = start(&master, user, argv + optind);
	converse(master, pid, pairs, npairs, guard);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	close(master);
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}
