// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - the checks of a parsed policy against the host, for `check`
 * and `edit`: what each network's kind checks (net_kind.h: a vpn's wg-quick
 * file), the host's routes, and the users and groups NSS knows. Only what
 * a kind finds broken (a wg-quick file) is an error;
 * the rest may change after the check (a route is added, a directory is
 * reachable again) and is a warning naming the file and the line.
 */
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "net_kind.h"
#include "nft_meta.h"
#include "nl.h"
#include "pool.h"
#include "util.h"

#define NSS_BUF		16384
#define NSS_BUF_MAX	(1024 * 1024)

/* What each network's kind checks on the host (a vpn's wg-quick file):
 * the number of networks that cannot work. */
static int check_kinds(const struct conf *c)
{
	int bad = 0;

	for (size_t i = 0; i < c->n_nets; i++) {
		const struct net_kind *k = net_kind_of(c->nets[i].type);

		if (k && k->check)
			bad += k->check(&c->nets[i]);
	}
	return bad;
}

/* ---- routes --------------------------------------------------------- */

/* Links whose routes are the helper's own: session links and bridges. */
struct own_links {
	const struct conf *c;
	int *v;			/* ifindexes, ending with 0 */
	size_t n, max;
};

/* A link of the host that a network owns (a bridge). */
static bool is_policy_link(const struct conf *c, const char *ifname)
{
	for (size_t i = 0; i < c->n_nets; i++) {
		const struct net_kind *k = net_kind_of(c->nets[i].type);

		if (k && k->owns_link && k->owns_link(&c->nets[i], ifname))
			return true;
	}
	return false;
}

static int add_own_link(const struct nl_link *l, void *data)
{
	struct own_links *o = data;

	if (!name_ifname_ours(l->name) && !is_policy_link(o->c, l->name))
		return 0;
	if (o->n + 1 >= o->max) {
		size_t max = o->max ? 2 * o->max : 64;
		int *v = realloc(o->v, max * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->max = max;
	}
	o->v[o->n++] = l->ifindex;
	o->v[o->n] = 0;
	return 0;
}

static void warn_clash(const struct network *n, const struct pool_clash *k)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN], dev[IF_NAMESIZE + 5] = "";
	char ifname[IF_NAMESIZE];

	if (k->route.oif > 0 && if_indextoname((unsigned)k->route.oif, ifname))
		snprintf(dev, sizeof(dev), " dev %s", ifname);
	warn("%s:%d: network '%s': %s %s overlaps the host's route %s%s: "
	     "logins on it fail while the route is there", n->file, k->line,
	     n->name, k->key, cidr_format(k->range, true, a, sizeof(a)),
	     cidr_format(&k->route.dst, true, b, sizeof(b)), dev);
}

/*
 * The login-time check of pool.c (pool_route_clash()) as a warning: the
 * error comes at the login, while the route is there. The routes of the
 * namespaces already up (their session links and bridges) are not the
 * host's: they are skipped.
 */
static void check_routes(const struct conf *c)
{
	struct own_links own = { .c = c };
	struct nl nl;
	int r = nl_open(&nl);

	if (r) {
		warn("cannot read the routes of the host: %s, ignoring",
		     strerror(-r));
		return;
	}
	r = nl_link_list(&nl, add_own_link, &own);
	for (size_t i = 0; !r && i < c->n_nets; i++) {
		struct pool_clash k;

		r = pool_route_clash(&nl, &c->nets[i], own.v, &k);
		if (r > 0)
			warn_clash(&c->nets[i], &k);
		r = r > 0 ? 0 : r;
	}
	if (r)
		warn("cannot read the routes of the host: %s, ignoring",
		     strerror(-r));
	free(own.v);
	nl_close(&nl);
}

/* ---- users and groups ----------------------------------------------- */

/* getpwnam_r(3): these mean "not found" as much as a NULL result does. */
static bool not_found(int r)
{
	return !r || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM;
}

/* 0 when NSS knows the user (or group) @name, -ENOENT when it does not,
 * or -errno when the lookup failed. */
static int nss_lookup(const char *name, bool group)
{
	for (size_t len = NSS_BUF;; len *= 2) {
		_cleanup_free_ char *buf = malloc(len);
		struct passwd pw, *pwr = NULL;
		struct group gr, *grr = NULL;
		int r;

		if (!buf)
			return -ENOMEM;
		r = group ? getgrnam_r(name, &gr, buf, len, &grr) :
			    getpwnam_r(name, &pw, buf, len, &pwr);
		if (pwr || grr)
			return 0;
		if (r == ERANGE && len < NSS_BUF_MAX)
			continue;
		return not_found(r) ? -ENOENT : -r;
	}
}

static void check_name(const char *file, int line, const char *key,
		       const char *name)
{
	int r = nss_lookup(name, !strcmp(key, "group"));

	if (r == -ENOENT)
		warn("%s:%d: rule names %s '%s', unknown to NSS: it matches "
		     "nobody", file, line, key, name);
	else if (r)
		warn("%s:%d: rule names %s '%s', which could not be looked "
		     "up: %s", file, line, key, name, strerror(-r));
}

static void check_names(const struct conf *c)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];

		if (*r->user)
			check_name(r->file, r->user_line, "user", r->user);
		if (*r->group)
			check_name(r->file, r->group_line, "group", r->group);
	}
}

/* ---- confined for some services only ---------------------------------- */

/*
 * A user or group that one rule confines for some services while another
 * service leaves it on the host keeps a way around confinement: what it
 * runs on the host (an unconfined login, a lingering user manager) can
 * reach the host's resolver sockets through /proc/PID/root and hand
 * sockets into the session over pathname unix sockets. Each subject is
 * walked through the rules as a login of every service the policy names,
 * and of one it names nowhere ("" here); rules with an rhost, and rules of
 * another subject (group membership is not asked of NSS here), are passed
 * over.
 */
static bool serves(const struct rule *r, const char *service)
{
	for (size_t i = 0; i < r->n_service; i++)
		if (!strcmp(r->service[i], service))
			return true;
	return !r->n_service;
}

static bool same_subject(const struct rule *r, const struct rule *subject)
{
	return (!*r->user && !*r->group) ||
	       (!strcmp(r->user, subject->user) &&
		!strcmp(r->group, subject->group));
}

/* The verdict for @subject logging in through @service. */
static enum rule_verdict verdict_for(const struct conf *c,
				     const struct rule *subject,
				     const char *service)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];

		if (!r->n_rhost && same_subject(r, subject) &&
		    serves(r, service))
			return r->verdict;
	}
	return c->def;
}

/* Whether service @k of rule @i was named by an earlier rule or key. */
static bool named_before(const struct conf *c, size_t i, size_t k)
{
	const char *svc = c->rules[i].service[k];

	for (size_t a = 0; a <= i; a++)
		for (size_t b = 0; b < (a < i ? c->rules[a].n_service : k); b++)
			if (!strcmp(c->rules[a].service[b], svc))
				return true;
	return false;
}

/* The services that leave @subject on the host, into @buf. */
static bool host_services(const struct conf *c, const struct rule *subject,
			  char *buf, size_t len)
{
	bool any = false;

	*buf = '\0';
	for (size_t i = 0; i < c->n_rules; i++)
		for (size_t k = 0; k < c->rules[i].n_service; k++) {
			const char *svc = c->rules[i].service[k];

			if (named_before(c, i, k) ||
			    verdict_for(c, subject, svc) != VERDICT_HOST)
				continue;
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 any ? ", " : "", svc);
			any = true;
		}
	if (verdict_for(c, subject, "") == VERDICT_HOST) {
		snprintf(buf + strlen(buf), len - strlen(buf), "%s",
			 any ? ", any other service" : "any other service");
		any = true;
	}
	return any;
}

static void check_mixed(const struct conf *c)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];
		char host[512];
		bool first = true;

		if (r->verdict != VERDICT_NETWORK || r->n_rhost ||
		    (!*r->user && !*r->group))
			continue;
		/* once per subject: at its first confining rule */
		for (size_t j = 0; first && j < i; j++)
			first = !(c->rules[j].verdict == VERDICT_NETWORK &&
				  !c->rules[j].n_rhost &&
				  !strcmp(c->rules[j].user, r->user) &&
				  !strcmp(c->rules[j].group, r->group));
		if (first && host_services(c, r, host, sizeof(host)))
			warn("%s:%d: %s '%s' is confined for some services "
			     "and left on the host for %s: what it runs on "
			     "the host is not confined (pam_netns(8), "
			     "SECURITY)", r->file, r->line,
			     *r->user ? "user" : "group",
			     *r->user ? r->user : r->group, host);
	}
}

/* ---- metadata endpoints --------------------------------------------- */

/* An allow entry that opens a metadata endpoint (nft_meta.h) for a network
 * is the policy's to make, and worth saying back: that network's sessions
 * reach the host's cloud credentials. */
static void check_metadata(const struct conf *c)
{
	for (size_t i = 0; i < c->n_nets; i++) {
		const struct network *n = &c->nets[i];

		for (size_t k = 0; k < n->allow.n; k++) {
			const struct nft_meta_endpoint *e =
				nft_meta_opened(&n->allow.v[k]);
			char a[CIDR_STRLEN];

			if (e)
				warn("%s:%d: network '%s': allow '%s' opens "
				     "the metadata endpoint %s (%s) to its "
				     "sessions", n->file, n->allow_line[k],
				     n->name, cidr_format(&n->allow.v[k], true,
							  a, sizeof(a)),
				     e->range, e->what);
		}
	}
}

/* ---- rules never reached ------------------------------------------- */

/* A rule that matches every login ends the policy: the rules after it
 * (the drop-ins' among them) are never reached. */
static void check_unreached(const struct conf *c)
{
	for (size_t i = 0; i + 1 < c->n_rules; i++) {
		const struct rule *r = &c->rules[i], *next = r + 1;

		if (*r->user || *r->group || r->n_service || r->n_rhost)
			continue;
		warn("%s:%d: rule matches every login: the %zu rule%s after "
		     "it, from %s:%d on, %s never reached", r->file, r->line,
		     c->n_rules - i - 1, c->n_rules - i - 1 == 1 ? "" : "s",
		     next->file, next->line,
		     c->n_rules - i - 1 == 1 ? "is" : "are");
		return;
	}
}

/* Spares serve session-scope logins only (prebuilt.h). */
static void check_prebuilt(const struct conf *c)
{
	for (size_t i = 0; i < c->n_nets; i++) {
		const struct network *n = &c->nets[i];
		bool used = false;

		for (size_t k = 0; !used && k < c->n_rules; k++)
			used = c->rules[k].net == n &&
			       c->rules[k].scope == SCOPE_SESSION;
		if (n->prebuilt && !used)
			warn("%s:%d: network '%s': prebuilt namespaces serve "
			     "session-scope logins only, and no rule gives "
			     "this network that scope: they would never be "
			     "used", n->file, n->line, n->name);
	}
}

/* What each kind has to say about the rules that name its networks. */
static void check_rule_kinds(const struct conf *c)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];
		const struct net_kind *ops = r->net ?
					     net_kind_of(r->net->type) : NULL;

		if (ops && ops->warn_rule)
			ops->warn_rule(r);
	}
}

int check_host(const struct conf *c)
{
	int bad = check_kinds(c);

	check_routes(c);
	check_names(c);
	check_metadata(c);
	check_mixed(c);
	check_unreached(c);
	check_prebuilt(c);
	check_rule_kinds(c);
	return bad;
}
