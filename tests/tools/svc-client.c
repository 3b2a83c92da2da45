// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * svc-client.c - a test peer of `netns-helper serve`: connects to the
 * service's socket, sends one request message, and prints the answer.
 *
 *   svc-client [-s PATH] [-q] [-H] [-z N] [KEY=VALUE...]
 *     -s  the socket (default PN_SOCKET_PATH)
 *     -q  hang up right after sending, without reading the answer
 *     -H  after the answer, stay until killed (the session's owner)
 *     -z  send N bytes of "x" instead of a request (an oversized one)
 * Each KEY=VALUE becomes a "KEY=VALUE\n" line of the request. Exits 0
 * when an answer came (or with -q, once sent), 1 when the service closed
 * the connection without one, 2 on an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "protocol.h"

static int fail(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	return 2;
}

static int request(int argc, char **argv, int first, long junk,
		   char *buf, size_t len)
{
	size_t n = 0;

	if (junk) {
		if ((size_t)junk > len)
			return -1;
		memset(buf, 'x', (size_t)junk);
		return (int)junk;
	}
	for (int i = first; i < argc; i++) {
		int r = snprintf(buf + n, len - n, "%s\n", argv[i]);

		if (r < 0 || (size_t)r >= len - n)
			return -1;
		n += (size_t)r;
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static char buf[65536];
	const char *path = PN_SOCKET_PATH;
	int o, fd, n, quit = 0, hold = 0;
	long junk = 0;

	while ((o = getopt(argc, argv, "s:qHz:")) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 'q': quit = 1; break;
		case 'H': hold = 1; break;
		case 'z': junk = atol(optarg); break;
		default: return 2;
		}
	}
	n = request(argc, argv, optind, junk, buf, sizeof(buf));
	if (n < 0)
		return 2;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return fail("connect");
	/* a server that refuses us may have closed already */
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		return errno == EPIPE || errno == ECONNRESET ? 1 : fail("send");
	if (quit)
		return 0;
	n = (int)recv(fd, buf, sizeof(buf) - 1, 0);
	/* a server that closes with our request unread resets */
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	if (n < 0)
		return fail("recv");
	buf[n] = '\0';
	fputs(buf, stdout);
	fflush(stdout);
	while (hold)
		pause();
	return n > 0 ? 0 : 1;
}
