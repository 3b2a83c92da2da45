/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - session records: one per open login, each holding one
 * reference on its namespace (members/NAME/TOKEN). The lock of that
 * namespace is held (state.h).
 */
#ifndef PN_SESSION_H
#define PN_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "nl.h"

struct session_info {
	const char *user;
	const char *service;
	const char *rhost;
	const char *tty;
	pid_t pid;
};

/* session_add() - record a session of @netns owned by @si->pid. */
int session_add(const char *netns, const struct session_info *si,
		char token[], size_t len);

/*
 * session_end() - drop session @token; when it was the last reference on a
 * user- or session-scope namespace, destroy that namespace.
 * Return: 0, -ENOENT for an unknown token, or -errno
 * With @host NULL only the records go (a caller inside a confined
 * session cannot reach the host side); gc releases the namespace then.
 */
int session_end(struct nl *host, const char *token);

/* session_reap() - end the sessions of @netns whose owner died; returns
 * how many. */
int session_reap(struct nl *host, const char *netns);

#endif
