// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - the module's options, parsed the way pam_limits' _pam_parse
 * does: known ones set a field, unknown ones are logged and ignored.
 *
 *   debug  helper=/abs/path  conf=/abs/path  recovery_user=NAME
 *   timeout=SECONDS
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "module.h"

/* @arg is "KEY=VALUE" for @key: the value, or NULL. */
static const char *value_of(const char *arg, const char *key)
{
	size_t n = strlen(key);

	return strncmp(arg, key, n) || arg[n] != '=' ? NULL : arg + n + 1;
}

static int abs_path(pam_handle_t *pamh, const char *key, const char *v,
		    const char **ret)
{
	if (v[0] != '/' || strstr(v, "/../") || strstr(v, "/./")) {
		pam_syslog(pamh, LOG_ERR, "option %s='%s': not an absolute "
			   "path", key, v);
		return -1;
	}
	*ret = v;
	return 0;
}

/* timeout=: whole seconds, PN_TIMEOUT_MIN to PN_TIMEOUT_MAX. */
static int seconds(pam_handle_t *pamh, const char *v, int *ret)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < PN_TIMEOUT_MIN || n > PN_TIMEOUT_MAX) {
		pam_syslog(pamh, LOG_ERR, "option timeout='%s': not a number "
			   "of seconds from %d to %d", v, PN_TIMEOUT_MIN,
			   PN_TIMEOUT_MAX);
		return -1;
	}
	*ret = (int)n;
	return 0;
}

/**
 * pn_parse_args() - fill @ret from the module's arguments.
 * Return: 0, or -1 when an option has a bad value (PAM_SERVICE_ERR).
 */
int pn_parse_args(pam_handle_t *pamh, int argc, const char **argv,
		  struct pn_args *ret)
{
	const char *v;

	*ret = (struct pn_args){ .helper = HELPER_PATH,
				 .timeout = PN_TIMEOUT_DEFAULT };
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "debug"))
			ret->debug = true;
		else if ((v = value_of(argv[i], "helper"))) {
			if (abs_path(pamh, "helper", v, &ret->helper))
				return -1;
		} else if ((v = value_of(argv[i], "conf"))) {
			if (abs_path(pamh, "conf", v, &ret->conf))
				return -1;
		} else if ((v = value_of(argv[i], "timeout"))) {
			if (seconds(pamh, v, &ret->timeout))
				return -1;
		} else if ((v = value_of(argv[i], "recovery_user")) && *v)
			ret->recovery_user = v;
		else
			pam_syslog(pamh, LOG_ERR, "unknown option '%s', "
				   "ignoring", argv[i]);
	}
	return 0;
}
