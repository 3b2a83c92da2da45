// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session.c - open sessions and their references on namespaces.
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
#include "ns.h"
#include "session.h"
#include "state.h"

static int members_dir(const char *netns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "members/%s", netns);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int session_add(const char *netns, const struct session_info *si,
		char token[], size_t len)
{
	char dir[NETNS_NAME_MAX + 16];
	unsigned long long start;
	struct record rec = { 0 };
	int r;

	if (len < PN_TOKEN_LEN + 1)
		return -EINVAL;
	r = proc_starttime(si->pid, &start);
	if (r)
		return r;
	r = state_token(token) ?: members_dir(netns, dir, sizeof(dir)) ?:
	    rec_set(&rec, "netns", "%s", netns) ?:
	    rec_set(&rec, "user", "%s", si->user) ?:
	    rec_set(&rec, "service", "%s", si->service ?: "") ?:
	    rec_set(&rec, "rhost", "%s", si->rhost ?: "") ?:
	    rec_set(&rec, "tty", "%s", si->tty ?: "") ?:
	    rec_set(&rec, "pid", "%d", (int)si->pid) ?:
	    rec_set(&rec, "start", "%llu", start) ?:
	    rec_set(&rec, "since", "%lld", (long long)time(NULL));
	if (r)
		return r;
	/* The session record first: gc finds members by their record. */
	r = rec_write("sessions", token, &rec) ?: state_mkdir(dir);
	if (!r) {
		rec.n = 0;
		r = rec_write(dir, token, &rec);
	}
	if (r)
		(void)rec_remove("sessions", token);
	return r;
}

/* Destroy @netns when nothing holds it and its scope lets it go. */
static int release(struct nl *host, const char *netns)
{
	char dir[NETNS_NAME_MAX + 16];
	struct record ns;
	const char *scope;

	if (members_dir(netns, dir, sizeof(dir)) || rec_count(dir) > 0)
		return 0;
	if (rec_read("ns", netns, &ns))
		return 0;
	scope = rec_get(&ns, "scope");
	if (!scope || !strcmp(scope, "shared"))
		return 0;	/* shared namespaces stay until `down` */
	debug("namespace '%s': last session gone, tearing down", netns);
	return ns_destroy(host, netns);
}

int session_end(struct nl *host, const char *token)
{
	char dir[NETNS_NAME_MAX + 16], netns[NETNS_NAME_MAX + 1];
	struct record rec;
	int r = rec_read("sessions", token, &rec);

	if (r)
		return r;
	snprintf(netns, sizeof(netns), "%s", rec_get(&rec, "netns") ?: "");
	if (!*netns || members_dir(netns, dir, sizeof(dir)))
		return rec_remove("sessions", token);
	(void)rec_remove(dir, token);
	r = rec_remove("sessions", token);
	return r || !host ? r : release(host, netns);
}

struct reap {
	struct nl *host;
	int n;
};

static int reap_one(const char *token, void *data)
{
	struct reap *rp = data;
	struct record rec;

	if (rec_read("sessions", token, &rec))
		return 0;
	if (proc_alive((pid_t)rec_get_num(&rec, "pid", 0),
		       (unsigned long long)rec_get_num(&rec, "start", 0)))
		return 0;
	debug("session %s: owner pid %s is gone, closing it", token,
	      rec_get(&rec, "pid") ?: "?");
	if (!session_end(rp->host, token))
		rp->n++;
	return 0;
}

int session_reap(struct nl *host, const char *netns)
{
	char dir[NETNS_NAME_MAX + 16];
	struct reap rp = { .host = host };

	if (netns) {
		if (members_dir(netns, dir, sizeof(dir)))
			return 0;
		(void)rec_list(dir, reap_one, &rp);
	} else {
		(void)rec_list("sessions", reap_one, &rp);
	}
	return rp.n;
}
