/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - open sessions: one session record per open login
 * (records.h: sessions/TOKEN), each holding one reference on its
 * namespace (members/NAME/TOKEN). Every change to those two is made
 * here. The lock of that namespace is held (locks.h).
 */
#ifndef PN_SESSION_H
#define PN_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "nl.h"

struct ns_env;			/* lifecycle.h */

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
 * With @env NULL only the records go (a caller inside a confined
 * session cannot reach the host side); gc releases the namespace then.
 */
int session_end(const struct ns_env *env, const char *token);

/* session_reap() - end the sessions of @netns (every session when NULL)
 * whose owner died; returns how many. */
int session_reap(const struct ns_env *env, const char *netns);

/* session_netns() - the namespace of session @token into @buf ("" for a
 * record without one). Return: 0, -ENOENT when it is not open, -errno */
int session_netns(const char *token, char *buf, size_t len);

/* session_drop_netns() - the sessions of namespace @netns end with it
 * (ns_destroy()): their records and references go. */
void session_drop_netns(const char *netns);

/* session_sweep_members() - drop references without a session record,
 * and the reference directories of namespaces gone (gc). */
void session_sweep_members(void);

#endif
