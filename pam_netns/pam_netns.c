// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pam_netns.c - the PAM session module: open_session asks netns-helper
 * which network this login gets and moves the process there before the
 * shell (and, for sshd, the forwards) start; close_session hands the
 * session back to the helper from the namespaces the login came from.
 *
 * Return codes (DESIGN.md §5): PAM_IGNORE when the policy leaves the
 * login alone, PAM_PERM_DENIED when it refuses it, PAM_SYSTEM_ERR for any
 * failure (never PAM_SESSION_ERR, which sudo ignores), PAM_SERVICE_ERR
 * for bad module options. A failure never leaves the login on the host
 * network, except for the one recovery_user an administrator names.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "module.h"

#define DATA_NAME "pam_netns_session"

/* Kept with pam_set_data between open and close. */
struct pn_session {
	int host_net_fd, host_mnt_fd;	/* where the login started */
	char token[PN_TOKEN_MAX + 1];	/* "" once closed */
	char netns[NETNS_NAME_MAX + 1];
};

/* Frees memory only: forked children call pam_end with PAM_DATA_SILENT,
 * and teardown belongs to close_session. */
static void session_cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct pn_session *s = data;

	(void)pamh;
	(void)status;
	if (s->host_net_fd >= 0)
		close(s->host_net_fd);
	if (s->host_mnt_fd >= 0)
		close(s->host_mnt_fd);
	free(s);
}

static const char *item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	return pam_get_item(pamh, type, &v) == PAM_SUCCESS ? v : NULL;
}

/* The one place a failure becomes a PAM code. */
static int failed(pam_handle_t *pamh, const struct pn_args *args,
		  const char *user)
{
	if (user && args->recovery_user && !strcmp(user, args->recovery_user)) {
		pam_syslog(pamh, LOG_WARNING, "recovery user '%s': letting "
			   "the login in on the host network", user);
		return PAM_IGNORE;
	}
	pam_syslog(pamh, LOG_ERR, "refusing the session of '%s'",
		   user ? user : "(unknown)");
	return PAM_SYSTEM_ERR;
}

static struct pn_session *session_new(void)
{
	struct pn_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->host_net_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	s->host_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (s->host_net_fd < 0 || s->host_mnt_fd < 0) {
		session_cleanup(NULL, s, 0);
		return NULL;
	}
	return s;
}

/* Join @a's namespace and keep @s; on failure undo everything. */
static int join(pam_handle_t *pamh, const struct pn_args *args,
		struct pn_session *s, const struct pn_answer *a)
{
	char env[16 + NETNS_NAME_MAX];

	snprintf(s->token, sizeof(s->token), "%s", a->session);
	snprintf(s->netns, sizeof(s->netns), "%s", a->netns);
	snprintf(env, sizeof(env), "NETNS=%s", a->netns);
	if (pn_enter(pamh, a) == 0 && pam_putenv(pamh, env) == PAM_SUCCESS &&
	    pam_set_data(pamh, DATA_NAME, s, session_cleanup) == PAM_SUCCESS)
		return 0;
	if (pn_return_to(s->host_net_fd, s->host_mnt_fd))
		pam_syslog(pamh, LOG_CRIT, "cannot return to the original "
			   "namespaces: %m");
	if (pam_getenv(pamh, "NETNS"))
		(void)pam_putenv(pamh, "NETNS");
	(void)pn_helper_close(pamh, args, s->token, s->host_net_fd,
			      s->host_mnt_fd);
	return -1;
}

static int open_session(pam_handle_t *pamh, const struct pn_args *args,
			const char *user)
{
	const char *service = item(pamh, PAM_SERVICE);
	struct pn_session *s;
	struct pn_answer a;

	if (!service || !*service) {
		pam_syslog(pamh, LOG_ERR, "no PAM service name");
		return -1;
	}
	if (pn_single_threaded() != 1) {
		pam_syslog(pamh, LOG_ERR, "the caller has several threads: "
			   "setns would move only one");
		return -1;
	}
	s = session_new();
	if (!s) {
		pam_syslog(pamh, LOG_ERR, "saving the current namespaces: %m");
		return -1;
	}
	if (pn_helper_open(pamh, args, user, service, item(pamh, PAM_RHOST),
			   item(pamh, PAM_TTY), &a)) {
		session_cleanup(pamh, s, 0);
		return -1;
	}
	if (a.action != PN_JOIN) {
		session_cleanup(pamh, s, 0);
		if (a.action == PN_DENY)
			pam_syslog(pamh, LOG_NOTICE, "session of '%s' refused "
				   "by policy: %s", user, a.reason);
		else if (args->debug)
			pam_syslog(pamh, LOG_DEBUG, "'%s' is not confined",
				   user);
		return a.action == PN_DENY ? PAM_PERM_DENIED : PAM_IGNORE;
	}
	if (join(pamh, args, s, &a)) {
		session_cleanup(pamh, s, 0);
		return -1;
	}
	if (args->debug)
		pam_syslog(pamh, LOG_DEBUG, "'%s' joined namespace %s "
			   "(session %s)", user, a.netns, a.session);
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	const char *user = item(pamh, PAM_USER);
	const void *old = NULL;
	struct pn_args args;
	int r;

	(void)flags;
	if (pn_parse_args(pamh, argc, argv, &args))
		return PAM_SERVICE_ERR;
	if (!user || !*user) {
		pam_syslog(pamh, LOG_ERR, "no user name");
		return failed(pamh, &args, NULL);
	}
	if (pam_get_data(pamh, DATA_NAME, &old) == PAM_SUCCESS && old) {
		pam_syslog(pamh, LOG_ERR, "session opened twice");
		return PAM_SYSTEM_ERR;
	}
	r = open_session(pamh, &args, user);
	return r < 0 ? failed(pamh, &args, user) : r;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	const void *data = NULL;
	struct pn_session *s;
	struct pn_args args;

	(void)flags;
	if (pn_parse_args(pamh, argc, argv, &args))
		return PAM_SERVICE_ERR;
	if (pam_get_data(pamh, DATA_NAME, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE;
	s = (struct pn_session *)data;
	if (!s->token[0])
		return PAM_IGNORE;
	if (pn_helper_close(pamh, &args, s->token, s->host_net_fd,
			    s->host_mnt_fd)) {
		pam_syslog(pamh, LOG_ERR, "closing session %s in %s failed; "
			   "`netns-helper gc` will reclaim it", s->token,
			   s->netns);
		return PAM_SESSION_ERR;
	}
	if (args.debug)
		pam_syslog(pamh, LOG_DEBUG, "closed session %s in %s",
			   s->token, s->netns);
	s->token[0] = '\0';
	return PAM_SUCCESS;
}
