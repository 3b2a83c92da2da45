/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - who gets which network: the first rule of the policy that
 * matches a login decides, else the policy's default.
 */
#ifndef PN_POLICY_H
#define PN_POLICY_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"

struct login {
	const char *user;
	const char *service;	/* PAM service, NULL = unknown */
	const char *rhost;	/* PAM_RHOST, NULL or "" = local */
};

struct decision {
	enum rule_verdict verdict;	/* NETWORK, HOST or DENY */
	const struct rule *rule;	/* NULL when the default applied */
	const struct network *net;	/* with VERDICT_NETWORK */
	enum net_scope scope;
	uid_t uid;
	gid_t gid;
	/* shared: NETWORK; user: NETWORK.USER; session: the NETWORK.USER
	 * prefix, to which the serial is appended when the session opens */
	char netns[NETNS_NAME_MAX + 1];
};

/*
 * policy_resolve() - decide for @login. Groups are looked up through NSS
 * (getgrouplist), so LDAP or SSSD groups count. A user that does not exist
 * or an NSS failure is an error, never "not confined".
 * @err:	the reason on failure ("user 'x': no such user", ...)
 *
 * Return: 0 and *ret filled, or -errno
 */
int policy_resolve(const struct conf *c, const struct login *login,
		   struct decision *ret, char *err, size_t errlen);

/*
 * policy_confined_elsewhere() - whether some login of @login's user that
 * is not @login's service gets a network: one of the services the rules
 * name, or one they do not, from no remote host or from a host a rule
 * names. The user manager of such a user must not start on the host.
 * Return: 1 yes, 0 no, or -errno (@err says why)
 */
int policy_confined_elsewhere(const struct conf *c, const struct login *login,
			      char *err, size_t errlen);

/* policy_names_service() - whether rule @r lists @service explicitly. */
bool policy_names_service(const struct rule *r, const char *service);

/* policy_verdict_str() - "network", "host" or "deny". */
const char *policy_verdict_str(enum rule_verdict v);

#endif
