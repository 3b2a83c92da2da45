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
 *
 * Distribution stacks include each other (su-l includes su, every stack
 * includes common-session), so the module can run twice in one handle:
 * the second run returns what the first returned and changes nothing,
 * and the session is closed once.
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
#define RESULT_NAME "pam_netns_result"

/* Kept with pam_set_data between open and close. */
struct pn_session {
	int host_net_fd, host_mnt_fd;	/* where the login started */
	char token[PN_TOKEN_LEN + 1];	/* "" once closed */
	char netns[NETNS_NAME_MAX + 1];
	struct pn_args args;		/* for a close from pam_end */
};

/*
 * A session still open when the handle ends with a failure was refused
 * after this module let it in (a later module of the stack failed, and
 * the program never calls close_session then): close it, so nothing of
 * a refused login is left. Forked children end their copy of the handle
 * with PAM_DATA_SILENT, and a successful pam_end without a close is a
 * program that keeps the session: both leave it alone.
 */
static void session_cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct pn_session *s = data;

	if (pamh && s->token[0] && !(status & PAM_DATA_SILENT) &&
	    (status & ~PAM_DATA_SILENT) != PAM_SUCCESS)
		(void)pn_helper_close(pamh, &s->args, s->token,
				      s->host_net_fd, s->host_mnt_fd);
	if (s->host_net_fd >= 0)
		close(s->host_net_fd);
	if (s->host_mnt_fd >= 0)
		close(s->host_mnt_fd);
	free(s);
}

static void free_result(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

static const char *item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	return pam_get_item(pamh, type, &v) == PAM_SUCCESS ? v : NULL;
}

/*
 * One line for the person logging in, where the program shows PAM's
 * messages (sshd prints them before it closes a refused session): what
 * refused the login, never internals; the details are in the system log.
 * A refusal is told even under PAM_SILENT, which sudo passes to every
 * session open: without it the user sees only "Permission denied".
 */
static void tell(pam_handle_t *pamh, const char *text)
{
	(void)pam_error(pamh, "pam_netns: %s", text);
}

/* The one place a failure becomes a PAM code. */
static int failed(pam_handle_t *pamh, int flags, const struct pn_args *args,
		  const char *user)
{
	if (user && args->recovery_user && !strcmp(user, args->recovery_user)) {
		pam_syslog(pamh, LOG_WARNING, "recovery user '%s': letting "
			   "the login in on the host network", user);
		if (!(flags & PAM_SILENT))
			tell(pamh, "network set-up failed; recovery user, "
			     "logged in on the host network");
		return PAM_IGNORE;
	}
	pam_syslog(pamh, LOG_ERR, "refusing the session of '%s'",
		   user ? user : "(unknown)");
	tell(pamh, "login refused: the network of this login could "
	     "not be set up (the system log has the reason)");
	return PAM_SYSTEM_ERR;
}

static struct pn_session *session_new(const struct pn_args *args)
{
	struct pn_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->args = *args;
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
	/* su or sudo from within the very namespace: already there */
	if ((pn_netns_is(a->netns_ino) || pn_enter(pamh, a) == 0) &&
	    pam_putenv(pamh, env) == PAM_SUCCESS &&
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

static int open_session(pam_handle_t *pamh, int flags,
			const struct pn_args *args, const char *user)
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
	s = session_new(args);
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
		if (a.action == PN_DENY) {
			char msg[sizeof(a.reason) + 48];

			pam_syslog(pamh, LOG_NOTICE, "session of '%s' refused "
				   "by policy: %s", user, a.reason);
			snprintf(msg, sizeof(msg), "login refused by the "
				 "network policy: %s", a.reason);
			tell(pamh, msg);
		} else if (args->debug)
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

/* Keep @r for a second run of the module in this handle. */
static int remember(pam_handle_t *pamh, int r)
{
	int *keep = malloc(sizeof(*keep));

	if (keep) {
		*keep = r;
		if (pam_set_data(pamh, RESULT_NAME, keep, free_result) !=
		    PAM_SUCCESS)
			free(keep);
	}
	return r;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	const char *user = item(pamh, PAM_USER);
	const void *first = NULL;
	struct pn_args args;
	int r;

	/*
	 * Run already in this handle (a stack included twice): the first
	 * line's result and arguments stand, so a failure under an optional
	 * line never becomes a success under a required one.
	 */
	if (pam_get_data(pamh, RESULT_NAME, &first) == PAM_SUCCESS && first)
		return *(const int *)first;
	if (pn_parse_args(pamh, argc, argv, &args))
		return remember(pamh, PAM_SERVICE_ERR);
	if (!user || !*user) {
		pam_syslog(pamh, LOG_ERR, "no user name");
		return remember(pamh, failed(pamh, flags, &args, NULL));
	}
	r = open_session(pamh, flags, &args, user);
	return remember(pamh, r < 0 ? failed(pamh, flags, &args, user) : r);
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
