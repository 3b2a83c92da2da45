// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session.c - open sessions and their references on namespaces (see
 * session.h).
 *
 * The owner of a session is the process that called pam_open_session
 * (sshd's session process, su, login...), identified by pid *and* start
 * time so a recycled pid never keeps a dead session alive.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "lifecycle.h"
#include "records.h"
#include "session.h"
#include "util.h"

static int fill(struct sess_rec *rec, const char *netns,
		const struct session_info *si)
{
	memset(rec, 0, sizeof(*rec));
	rec->pid = si->pid;
	rec->since = (long long)time(NULL);
	return proc_starttime(si->pid, &rec->start) ?:
	       state_token(rec->token) ?:
	       REC_SET(rec->netns, "%s", netns) ?:
	       REC_SET(rec->user, "%s", si->user) ?:
	       REC_SET(rec->service, "%s", si->service ?: "") ?:
	       REC_SET(rec->rhost, "%s", si->rhost ?: "") ?:
	       REC_SET(rec->tty, "%s", si->tty ?: "");
}

int session_add(const char *netns, const struct session_info *si,
		char token[], size_t len)
{
	struct sess_rec rec;
	int r;

	if (len < PN_TOKEN_LEN + 1)
		return -EINVAL;
	r = fill(&rec, netns, si);
	if (r)
		return r;
	/* The session record first: gc finds members by their record. */
	r = sess_rec_write(&rec) ?: member_add(netns, rec.token);
	if (r)
		(void)sess_rec_remove(rec.token);
	else
		memcpy(token, rec.token, PN_TOKEN_LEN + 1);
	return r;
}

/* Destroy @netns when nothing holds it and its scope lets it go. */
static int release(const struct ns_env *env, const char *netns)
{
	struct ns_rec ns;

	if (member_count(netns) != 0 || ns_rec_read(netns, &ns))
		return 0;
	if (ns_rec_shared(&ns))
		return 0;	/* shared namespaces stay until `down` */
	debug("namespace '%s': last session gone, tearing down", netns);
	return ns_destroy(env, netns);
}

int session_netns(const char *token, char *buf, size_t len)
{
	struct sess_rec rec;
	int r = sess_rec_read(token, &rec);

	return r ?: strlcpy_checked(buf, rec.netns, len);
}

int session_end(const struct ns_env *env, const char *token)
{
	char netns[NETNS_NAME_MAX + 1];
	int r = session_netns(token, netns, sizeof(netns));

	if (r)
		return r;
	if (!*netns)
		return sess_rec_remove(token);
	(void)member_remove(netns, token);
	r = sess_rec_remove(token);
	if (r || !env)
		return r;
	if (env->ended)
		env->ended(env->ended_arg);
	return release(env, netns);
}

struct reap {
	const struct ns_env *env;
	int n;
};

static int reap_one(const char *token, void *data)
{
	struct reap *rp = data;
	struct sess_rec rec;

	if (sess_rec_read(token, &rec) || proc_alive(rec.pid, rec.start))
		return 0;
	debug("session %s: owner pid %d is gone, closing it", token,
	      (int)rec.pid);
	if (!session_end(rp->env, token))
		rp->n++;
	return 0;
}

static int reap_member(const char *netns, const char *token, void *data)
{
	(void)netns;
	return reap_one(token, data);
}

int session_reap(const struct ns_env *env, const char *netns)
{
	struct reap rp = { .env = env };

	if (netns)
		(void)member_each(netns, reap_member, &rp);
	else
		(void)sess_rec_names(reap_one, &rp);
	return rp.n;
}

static int drop_member(const char *netns, const char *token, void *data)
{
	(void)data;
	(void)member_remove(netns, token);
	(void)sess_rec_remove(token);
	return 0;
}

void session_drop_netns(const char *netns)
{
	(void)member_each(netns, drop_member, NULL);
	(void)member_dir_remove(netns);
}

static int drop_orphan(const char *netns, const char *token, void *data)
{
	(void)data;
	if (!sess_rec_exists(token))
		(void)member_remove(netns, token);
	return 0;
}

static int sweep_members(const char *netns, void *data)
{
	(void)data;
	(void)member_each(netns, drop_orphan, NULL);
	if (!ns_rec_exists(netns) && !member_count(netns))
		(void)member_dir_remove(netns);
	return 0;
}

void session_sweep_members(void)
{
	(void)member_dirs(sweep_members, NULL);
}
