/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockaddr.h - address parsing and printing shared by the test tools. */
#ifndef PN_TEST_SOCKADDR_H
#define PN_TEST_SOCKADDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static inline int sa_parse(const char *addr, const char *port,
			   struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	int p = atoi(port);

	memset(sa, 0, sizeof(*sa));
	if (p <= 0 || p > 65535)
		return -1;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static inline void sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

static inline const char *sa_ntop(const struct sockaddr_storage *sa)
{
	static char buf[INET6_ADDRSTRLEN];
	const void *a = sa->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)sa)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

	return inet_ntop(sa->ss_family, a, buf, sizeof(buf)) ?: "?";
}

#endif
