/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmds.h - the verbs of netns-helper. Each takes the arguments after the
 * verb (argv[0] is the verb) and returns an exit code (EXIT_*, protocol.h,
 * where the two verbs pam_netns.so runs are described).
 */
#ifndef PN_CMDS_H
#define PN_CMDS_H

#include "conf.h"
#include "protocol.h"

/* The usage of the module's verbs, for --help and their own errors. */
#define USAGE_SESSION_OPEN PN_VERB_OPEN " --" PN_OPT_USER " U --" \
	PN_OPT_SERVICE " S [--" PN_OPT_RHOST " H] [--" PN_OPT_TTY " T] --" \
	PN_OPT_PID " PID [--" PN_OPT_DEADLINE_MS " N]"
#define USAGE_SESSION_CLOSE PN_VERB_CLOSE " --" PN_OPT_SESSION " TOKEN [--" \
	PN_OPT_DEADLINE_MS " N]"

struct ctx {
	const char *conf_path;
	struct conf *conf;	/* loaded on demand by ctx_conf() */
	char **env;		/* the environment the helper was started
				 * with, for the editor of edit only */
	int listen_fd;		/* serve's socket from systemd, or -1 */
	/* session-close in a worker of the service: called once the
	 * session's record is gone and before its namespace's teardown, so
	 * that the service answers first (serve_worker.c); NULL on the exec
	 * path, whose caller waits for the whole close */
	void (*closed)(struct ctx *ctx);
	bool answered;		/* closed() has answered */
};

/* serve_listen_fd() - the socket systemd's socket activation hands the
 * helper (sd_listen_fds(3): fd 3 when LISTEN_PID is ours), or -1; read
 * before main() clears the environment and closes inherited fds. */
int serve_listen_fd(void);

/* ctx_conf() - load the policy once; logs the error and returns NULL. */
struct conf *ctx_conf(struct ctx *ctx);

int cmd_check(struct ctx *ctx, int argc, char **argv);
int cmd_explain(struct ctx *ctx, int argc, char **argv);
int cmd_edit(struct ctx *ctx, int argc, char **argv);
int cmd_up(struct ctx *ctx, int argc, char **argv);
int cmd_down(struct ctx *ctx, int argc, char **argv);
int cmd_session_open(struct ctx *ctx, int argc, char **argv);
int cmd_session_close(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_status(struct ctx *ctx, int argc, char **argv);
int cmd_gc(struct ctx *ctx, int argc, char **argv);
int cmd_prebuild(struct ctx *ctx, int argc, char **argv);
int cmd_adopt(struct ctx *ctx, int argc, char **argv);
int cmd_tunnel(struct ctx *ctx, int argc, char **argv);
int cmd_openvpn_up(struct ctx *ctx, int argc, char **argv);
int cmd_serve(struct ctx *ctx, int argc, char **argv);	/* serve.c */

#endif
