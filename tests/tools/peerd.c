// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * peerd.c - a test server: answers every TCP connection (or UDP datagram)
 * with "peer=ADDRESS\n", the source address it saw, so a test can tell
 * whether traffic arrived and whether it was masqueraded.
 *
 *   peerd [-u] [-d] [-l SECONDS] ADDRESS PORT
 *     -u  UDP instead of TCP      -d  fork into the background once
 *     -l  exit after SECONDS (default 300): a test server never outlives
 *         its test by long, even if the test forgets it
 * With -d the child's pid is printed on stdout.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockaddr.h"

static void answer_tcp(int s)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		char buf[INET6_ADDRSTRLEN + 8];
		int c = accept(s, (struct sockaddr *)&peer, &len);

		if (c < 0)
			continue;
		snprintf(buf, sizeof(buf), "peer=%s\n", sa_ntop(&peer));
		(void)!write(c, buf, strlen(buf));
		close(c);
	}
}

static void answer_udp(int s)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		char buf[INET6_ADDRSTRLEN + 8], in[512];

		if (recvfrom(s, in, sizeof(in), 0, (struct sockaddr *)&peer,
			     &len) < 0)
			continue;
		snprintf(buf, sizeof(buf), "peer=%s\n", sa_ntop(&peer));
		(void)sendto(s, buf, strlen(buf), 0, (struct sockaddr *)&peer,
			     len);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	int udp = 0, bg = 0, lifetime = 300, o, s, one = 1;

	while ((o = getopt(argc, argv, "udl:")) != -1) {
		if (o == 'u')
			udp = 1;
		else if (o == 'd')
			bg = 1;
		else if (o == 'l')
			lifetime = atoi(optarg);
		else
			return 2;
	}
	if (optind != argc - 2 ||
	    sa_parse(argv[optind], argv[optind + 1], &sa, &salen)) {
		fprintf(stderr, "usage: peerd [-u] [-d] [-l SEC] ADDR PORT\n");
		return 2;
	}
	s = socket(sa.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sa, salen) ||
	    (!udp && listen(s, 64))) {
		perror("peerd");
		return 1;
	}
	if (bg) {
		pid_t pid = fork();

		if (pid) {
			printf("%d\n", (int)pid);
			return pid < 0;
		}
		setsid();
		close(0);
		close(1);
	}
	alarm((unsigned)lifetime);
	if (udp)
		answer_udp(s);
	else
		answer_tcp(s);
	return 0;
}
