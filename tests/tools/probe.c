// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe.c - a test client: connect to ADDRESS PORT (TCP, or UDP with -u),
 * print what the server answers (peerd says "peer=ADDRESS") and exit 0;
 * on failure print "error: REASON" and exit 1. Bounded by -t MS (default
 * 1000), so a filtered path fails fast instead of hanging a test. -b
 * binds the source address first (a spoofing test: any local address).
 *
 *   probe [-u] [-t MS] [-b SOURCE] ADDRESS PORT
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockaddr.h"

static int wait_for(int s, short ev, int ms)
{
	struct pollfd p = { .fd = s, .events = ev };
	int r = poll(&p, 1, ms);

	if (r == 0)
		return -ETIMEDOUT;
	return r < 0 ? -errno : 0;
}

static int fail(const char *what, int err)
{
	printf("error: %s: %s\n", what, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage sa, src;
	socklen_t salen, srclen = 0;
	int udp = 0, ms = 1000, o, s, r, soerr = 0;
	socklen_t l = sizeof(soerr);
	char buf[256];
	ssize_t n;

	while ((o = getopt(argc, argv, "ut:b:")) != -1) {
		if (o == 'u')
			udp = 1;
		else if (o == 't')
			ms = atoi(optarg);
		else if (o == 'b' && !sa_parse(optarg, "1", &src, &srclen))
			sa_set_port(&src, 0);	/* any source port */
		else
			return 2;
	}
	if (optind != argc - 2 ||
	    sa_parse(argv[optind], argv[optind + 1], &sa, &salen)) {
		fprintf(stderr, "usage: probe [-u] [-t MS] [-b SOURCE] ADDR "
			"PORT\n");
		return 2;
	}
	s = socket(sa.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) |
		   SOCK_NONBLOCK, 0);
	if (s < 0)
		return fail("socket", errno);
	if (srclen && bind(s, (struct sockaddr *)&src, srclen))
		return fail("bind", errno);
	r = connect(s, (struct sockaddr *)&sa, salen);
	if (r && errno != EINPROGRESS)
		return fail("connect", errno);
	if (!udp) {
		r = wait_for(s, POLLOUT, ms);
		if (r)
			return fail("connect", -r);
		getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &l);
		if (soerr)
			return fail("connect", soerr);
	} else if (send(s, "?", 1, 0) < 0) {
		return fail("send", errno);
	}
	r = wait_for(s, POLLIN, ms);
	if (r)
		return fail("read", -r);
	n = recv(s, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return fail("read", n ? errno : ECONNRESET);
	buf[n] = '\0';
	fputs(buf, stdout);
	return 0;
}
