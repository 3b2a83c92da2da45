// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burst.c - a test client that opens many flows: N UDP datagrams to
 * ADDRESS, each from its own source port (FIRST, FIRST+1, ...) and so
 * each a new conntrack entry on the way. When the source ports run out
 * (65535), the destination port moves on by one. Prints "sent=N" and
 * exits 0 when every datagram left the socket, else "error: ..." and 1.
 * It waits for no answer: the test counts what arrived where it arrives.
 *
 *   burst [-n N] [-p FIRST] [-b SOURCE] ADDRESS PORT
 *     -n  datagrams (default 100)    -p  first source port (default 20000)
 *     -b  the source address (default: chosen by the route)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockaddr.h"

static int fail(const char *what, int err)
{
	printf("error: %s: %s\n", what, strerror(err));
	return 1;
}

/* One datagram from @src (port @sport) to @dst. */
static int send_one(const struct sockaddr_storage *dst, socklen_t dlen,
		    struct sockaddr_storage *src, socklen_t slen,
		    uint16_t sport)
{
	int s = socket(dst->ss_family, SOCK_DGRAM, 0), r = 0;

	if (s < 0)
		return -errno;
	sa_set_port(src, sport);
	if (bind(s, (struct sockaddr *)src, slen) ||
	    sendto(s, "?", 1, 0, (const struct sockaddr *)dst, dlen) != 1)
		r = -errno;
	close(s);
	return r;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen = 0;
	const char *from = NULL;
	long n = 100, first = 20000;
	int o;

	while ((o = getopt(argc, argv, "n:p:b:")) != -1) {
		if (o == 'n')
			n = atol(optarg);
		else if (o == 'p')
			first = atol(optarg);
		else if (o == 'b')
			from = optarg;
		else
			return 2;
	}
	if (optind != argc - 2 || n < 0 || first < 1 || first > 65535 ||
	    sa_parse(argv[optind], argv[optind + 1], &dst, &dlen)) {
		fprintf(stderr, "usage: burst [-n N] [-p FIRST] [-b SOURCE] "
			"ADDR PORT\n");
		return 2;
	}
	if (from && (sa_parse(from, "1", &src, &slen) ||
		     src.ss_family != dst.ss_family))
		return 2;
	if (!from) {	/* the wildcard address of the family */
		memset(&src, 0, sizeof(src));
		src.ss_family = dst.ss_family;
		slen = dlen;
	}
	for (long i = 0, sport = first, dport = atoi(argv[optind + 1]);
	     i < n; i++, sport++) {
		int r;

		if (sport > 65535) {	/* the next destination port */
			sport = first;
			if (++dport > 65535)
				return fail("ports", ERANGE);
			sa_set_port(&dst, (uint16_t)dport);
		}
		r = send_one(&dst, dlen, &src, slen, (uint16_t)sport);
		if (r)
			return fail("send", -r);
	}
	printf("sent=%ld\n", n);
	return 0;
}
