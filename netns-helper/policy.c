// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - resolve a login (user, PAM service, remote host) against the
 * rules of the policy: first match wins, then the default.
 *
 * The user's groups are read with getgrouplist(), which asks every NSS
 * source (files, LDAP, SSSD), once per decision and only when a group rule
 * is reached: a policy of user rules never loads a directory's NSS module
 * (libnss_systemd alone costs a login 0.3 ms). Each rule's group name is
 * then looked up with getgrnam_r(). A lookup that *fails* (as opposed to
 * finding nothing) aborts the decision: treating an unreachable
 * directory as "not in the group" would let a confined user log in on
 * the host network.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cidr.h"
#include "policy.h"
#include "util.h"

#define NSS_BUF 16384
#define MAX_GROUPS 65536

struct who {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int n_groups;
	bool have_groups;	/* getgrouplist() done */
};

static int lookup_user(const char *user, struct who *w, char *err,
		       size_t errlen)
{
	struct passwd pw, *res = NULL;
	char buf[NSS_BUF];
	int r;

	errno = 0;
	r = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (r) {
		snprintf(err, errlen, "user '%s': user lookup failed: %s",
			 user, strerror(r));
		return -r;
	}
	if (!res) {
		snprintf(err, errlen, "user '%s': no such user", user);
		return -ENOENT;
	}
	w->uid = pw.pw_uid;
	w->gid = pw.pw_gid;
	return 0;
}

static int lookup_groups(const char *user, struct who *w, char *err,
			 size_t errlen)
{
	int n = 64;

	if (w->have_groups)
		return 0;
	for (;;) {
		gid_t *g = realloc(w->groups, sizeof(*g) * n);
		int got = n;

		if (!g)
			return -ENOMEM;
		w->groups = g;
		errno = 0;
		if (getgrouplist(user, w->gid, g, &got) >= 0) {
			w->n_groups = got;
			w->have_groups = true;
			return 0;
		}
		/* glibc reports a too-small buffer by -1 and a larger count;
		 * anything else is an NSS failure. */
		if (got <= n || got > MAX_GROUPS) {
			snprintf(err, errlen, "user '%s': group lookup failed",
				 user);
			return -EIO;
		}
		n = got;
	}
}

/* 1 when the user is in @group, 0 when not (or the group does not exist). */
static int in_group(const struct who *w, const char *group, char *err,
		    size_t errlen)
{
	struct group gr, *res = NULL;
	char buf[NSS_BUF];
	int r = getgrnam_r(group, &gr, buf, sizeof(buf), &res);

	if (r && r != ENOENT) {
		snprintf(err, errlen, "group '%s': lookup failed: %s", group,
			 strerror(r));
		return -r;
	}
	if (!res)
		return 0;
	for (int i = 0; i < w->n_groups; i++)
		if (w->groups[i] == gr.gr_gid)
			return 1;
	return 0;
}

/*
 * An rhost pattern is a CIDR (matched against an address) or a name. An
 * IPv4 client of an IPv6 socket is reported as ::ffff:a.b.c.d: both sides
 * are unmapped first, so "10.0.0.0/8" matches it.
 */
static bool rhost_match(const char *pattern, const char *rhost)
{
	struct cidr net, addr;

	if (!cidr_parse(pattern, false, &net) &&
	    !cidr_parse(rhost, false, &addr)) {
		cidr_unmap(&net);
		cidr_unmap(&addr);
		return cidr_contains(&net, &addr);
	}
	return !strcasecmp(pattern, rhost);
}

static bool list_match(const char (*list)[CONF_STR_MAX], size_t n,
		       const char *value, bool is_rhost)
{
	if (!n)
		return true;
	if (!value || !*value)
		return false;
	for (size_t i = 0; i < n; i++)
		if (is_rhost ? rhost_match(list[i], value) :
			       !strcmp(list[i], value))
			return true;
	return false;
}

/* 1 match, 0 no match, -errno on a lookup failure. */
static int rule_match(const struct rule *r, const struct login *l,
		      struct who *w, char *err, size_t errlen)
{
	if (*r->user && strcmp(r->user, l->user))
		return 0;
	if (!list_match(r->service, r->n_service, l->service, false))
		return 0;
	if (!list_match(r->rhost, r->n_rhost, l->rhost, true))
		return 0;
	if (*r->group)
		return lookup_groups(l->user, w, err, errlen) ?:
		       in_group(w, r->group, err, errlen);
	return 1;
}

static int fill_decision(const struct rule *r, const struct login *l,
			 struct decision *d)
{
	d->rule = r;
	d->verdict = r->verdict;
	d->net = r->net;
	d->scope = r->scope;
	if (d->verdict != VERDICT_NETWORK)
		return 0;
	if (d->scope == SCOPE_SHARED)
		return strlcpy_checked(d->netns, d->net->name,
				       sizeof(d->netns));
	return name_netns_user(d->net->name, l->user, d->uid, d->netns,
			       sizeof(d->netns));
}

int policy_resolve(const struct conf *c, const struct login *login,
		   struct decision *ret, char *err, size_t errlen)
{
	struct who w = { 0 };
	int r;

	memset(ret, 0, sizeof(*ret));
	r = lookup_user(login->user, &w, err, errlen);
	for (size_t i = 0; !r && i < c->n_rules; i++) {
		ret->uid = w.uid;
		ret->gid = w.gid;
		r = rule_match(&c->rules[i], login, &w, err, errlen);
		if (r == 1) {
			r = fill_decision(&c->rules[i], login, ret);
			free(w.groups);
			return r;
		}
	}
	free(w.groups);
	if (r)
		return r;
	ret->uid = w.uid;
	ret->gid = w.gid;
	ret->verdict = c->def;
	return 0;
}

bool policy_names_service(const struct rule *r, const char *service)
{
	for (size_t i = 0; i < r->n_service; i++)
		if (!strcmp(r->service[i], service))
			return true;
	return false;
}

/* A service no rule names: it matches the rules without a service key. */
#define ANY_OTHER_SERVICE "pam_netns:any-other"

/* 1 when @user logging in through @service from @rhost gets a network. */
static int gets_network(const struct conf *c, const char *user,
			const char *service, const char *rhost, char *err,
			size_t errlen)
{
	struct login l = { user, service, rhost };
	struct decision d;
	int r = policy_resolve(c, &l, &d, err, errlen);

	return r ? r : d.verdict == VERDICT_NETWORK;
}

/* Try @service from no remote host and from each host a rule names. */
static int any_rhost(const struct conf *c, const char *user,
		     const char *service, char *err, size_t errlen)
{
	int r = gets_network(c, user, service, NULL, err, errlen);

	for (size_t i = 0; !r && i < c->n_rules; i++)
		for (size_t k = 0; !r && k < c->rules[i].n_rhost; k++) {
			struct cidr net;
			char addr[CIDR_STRLEN];
			const char *h = c->rules[i].rhost[k];

			/* a range stands for its first address */
			if (!cidr_parse(h, false, &net))
				h = cidr_format(&net, false, addr,
						sizeof(addr));
			r = gets_network(c, user, service, h, err, errlen);
		}
	return r;
}

int policy_confined_elsewhere(const struct conf *c, const struct login *login,
			      char *err, size_t errlen)
{
	int r = any_rhost(c, login->user, ANY_OTHER_SERVICE, err, errlen);

	for (size_t i = 0; !r && i < c->n_rules; i++)
		for (size_t k = 0; !r && k < c->rules[i].n_service; k++) {
			const char *svc = c->rules[i].service[k];

			if (!login->service || strcmp(svc, login->service))
				r = any_rhost(c, login->user, svc, err, errlen);
		}
	return r;
}

const char *policy_verdict_str(enum rule_verdict v)
{
	switch (v) {
	case VERDICT_NETWORK:
		return "network";
	case VERDICT_HOST:
		return "host";
	case VERDICT_DENY:
		return "deny";
	}
	return "?";
}
