/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmds.h - the verbs of netns-helper. Each takes the arguments after the
 * verb (argv[0] is the verb) and returns an exit code.
 */
#ifndef PN_CMDS_H
#define PN_CMDS_H

#include "conf.h"

/* Exit codes, documented in netns-helper(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed; nothing was changed */
	EXIT_USAGE = 2,		/* unknown verb, option or bad argument */
	EXIT_DENIED = 3,	/* the policy refuses this login */
	EXIT_CONFIG = 4,	/* the policy file is missing or invalid */
};

struct ctx {
	const char *conf_path;
	struct conf *conf;	/* loaded on demand by ctx_conf() */
	char **env;		/* the environment the helper was started
				 * with, for the editor of edit only */
};

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

#endif
