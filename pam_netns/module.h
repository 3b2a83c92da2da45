/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * module.h - the parts of pam_netns.so: options (args.c), running the
 * helper (helper_exec.c) or asking its resident service (service.c),
 * entering a namespace (nsenter.c); what it asks the helper and what it
 * gets back is the protocol's (protocol.h). The
 * module links libpam only; it logs through pam_syslog and never to
 * stderr.
 */
#ifndef PN_MODULE_H
#define PN_MODULE_H

#include <stdbool.h>
#include <sys/types.h>
#include <security/pam_modules.h>

#include "names.h"
#include "paths.h"
#include "protocol.h"

#ifndef HELPER_PATH
#define HELPER_PATH "/usr/sbin/netns-helper"
#endif

struct pn_args {
	bool debug;
	const char *helper;		/* absolute path */
	const char *conf;		/* absolute path or NULL: the helper's */
	const char *recovery_user;	/* exempt from fail-closed, or NULL */
	int timeout;			/* s a helper run may take */
};

/* args.c */
int pn_parse_args(pam_handle_t *pamh, int argc, const char **argv,
		  struct pn_args *ret);

/* helper_exec.c */
int pn_helper_open(pam_handle_t *pamh, const struct pn_args *args,
		   const char *user, const char *service, const char *rhost,
		   const char *tty, struct pn_answer *ret);
int pn_helper_close(pam_handle_t *pamh, const struct pn_args *args,
		    const char *token, int host_net_fd, int host_mnt_fd);

/* service.c */
int pn_service_request(pam_handle_t *pamh, const struct pn_args *args,
		       const char *verb, const char *const *opts, char *req,
		       size_t len);
int pn_service_call(pam_handle_t *pamh, const struct pn_args *args,
		    const char *req, char *out, size_t outlen, int *ret_code);

/* nsenter.c */
int pn_single_threaded(void);
bool pn_netns_is(unsigned long long ino);
int pn_enter(pam_handle_t *pamh, const struct pn_answer *a);
int pn_return_to(int net_fd, int mnt_fd);

#endif
