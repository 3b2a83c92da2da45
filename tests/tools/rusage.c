// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rusage.c - run a command and report what it used, for the soak test:
 *
 *   rusage CMD [ARGS...]
 *
 * The command's stdout and stderr pass through; then one line
 * "rusage: exit=N maxrss_kb=N" goes to stderr. Exits with the command's
 * status (128+N for a signal).
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
				     128 + WTERMSIG(status);
	fprintf(stderr, "rusage: exit=%d maxrss_kb=%ld\n", status,
		ru.ru_maxrss);
	return status;
}
