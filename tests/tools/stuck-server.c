// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stuck-server.c - a service that accepts and never answers: listens on
 * a SOCK_SEQPACKET socket at PATH, takes every connection and its
 * request, and keeps them open without a word, until killed. For the
 * test that pam_netns.so refuses the login at its timeout and does not
 * fall back to exec'ing the helper once it sent a request.
 *
 *   stuck-server PATH     prints "ready" once listening; with -d forks
 *                         into the background first and prints its pid
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, bg = argc == 3 && !strcmp(argv[1], "-d");
	char buf[8192];

	if (argc != 2 + bg)
		return 2;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1 + bg]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	(void)unlink(a.sun_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, 16)) {
		perror("stuck-server");
		return 1;
	}
	if (bg) {
		pid_t pid = fork();

		if (pid) {
			printf("%d\n", (int)pid);
			return pid < 0;
		}
		(void)setsid();
		if (!freopen("/dev/null", "w", stdout))
			return 1;
	} else {
		printf("ready\n");
		fflush(stdout);
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);

		/* read the request, keep the connection, never answer */
		if (c >= 0)
			(void)recv(c, buf, sizeof(buf), 0);
	}
}
