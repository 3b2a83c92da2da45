// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - the module's options, parsed the way pam_limits' _pam_parse
 * does: known ones set a field, unknown ones are logged and ignored.
 *
 *   debug  helper=/abs/path  conf=/abs/path  recovery_user=NAME
 */
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

/**
 * pn_parse_args() - fill @ret from the module's arguments.
 * Return: 0, or -1 when an option has a bad value (PAM_SERVICE_ERR).
 */
int pn_parse_args(pam_handle_t *pamh, int argc, const char **argv,
		  struct pn_args *ret)
{
	const char *v;

	*ret = (struct pn_args){ .helper = HELPER_PATH };
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "debug"))
			ret->debug = true;
		else if ((v = value_of(argv[i], "helper"))) {
			if (abs_path(pamh, "helper", v, &ret->helper))
				return -1;
		} else if ((v = value_of(argv[i], "conf"))) {
			if (abs_path(pamh, "conf", v, &ret->conf))
				return -1;
		} else if ((v = value_of(argv[i], "recovery_user")) && *v)
			ret->recovery_user = v;
		else
			pam_syslog(pamh, LOG_ERR, "unknown option '%s', "
				   "ignoring", argv[i]);
	}
	return 0;
}
