// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - netns-helper: builds and tears down the network namespaces of
 * pam_netns. Run by root: by pam_netns.so at session open and close, by
 * systemd at boot (up), and by administrators (check, explain, edit,
 * list).
 *
 *   netns-helper [--config FILE] [-v] VERB [ARGS]
 *
 * main() is the only place that exits on error (die()); verbs return an
 * exit code from protocol.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "cmds.h"
#include "conf.h"
#include "log.h"

#ifndef CONF_PATH
#define CONF_PATH "/etc/security/pam_netns.conf"
#endif
#ifndef VERSION
#define VERSION "0"
#endif

/* Who may run a verb, and with which privileges. */
enum verb_privs {
	ANYONE,		/* reads only */
	ROOT,		/* real uid 0, then CAP_NET_ADMIN and CAP_SYS_ADMIN */
	/* Real uid 0, all of root kept: edit runs the administrator's
	 * editor as root, as visudo does. The two network capabilities are
	 * of no use to an editor, and cutting the rest would break editors,
	 * not confine them (uid 0 owns the system's files either way). */
	ROOT_EDITOR,
	/* Real uid 0; serve keeps a few more capabilities than ROOT's two
	 * (serve.c, loop_caps()), and each worker drops to ROOT's before
	 * it runs a verb (serve_worker.c). */
	ROOT_SERVICE,
};

struct verb {
	const char *name;
	int (*fn)(struct ctx *ctx, int argc, char **argv);
	enum verb_privs privs;
	const char *usage;
};

static const struct verb verbs[] = {
	{ "check", cmd_check, ANYONE, "check" },
	{ "explain", cmd_explain, ANYONE,
	  "explain USER [--service S] [--rhost H]" },
	{ "edit", cmd_edit, ROOT_EDITOR, "edit [FILE]" },
	{ "up", cmd_up, ROOT, "up NETWORK [--name NAME]" },
	{ "down", cmd_down, ROOT, "down [--force] NAME" },
	{ PN_VERB_OPEN, cmd_session_open, ROOT, USAGE_SESSION_OPEN },
	{ PN_VERB_CLOSE, cmd_session_close, ROOT, USAGE_SESSION_CLOSE },
	{ "list", cmd_list, ROOT, "list [--json]" },
	{ "status", cmd_status, ROOT, "status NAME [--json]" },
	{ "prebuild", cmd_prebuild, ROOT, "prebuild" },
	{ "adopt", cmd_adopt, ROOT, "adopt" },
	{ PN_VERB_TUNNEL, cmd_tunnel, ROOT,
	  "tunnel --dev DEV --address A/P[,A/P] [--dns A[,A]]" },
	{ "openvpn-up", cmd_openvpn_up, ANYONE, "openvpn-up" },
	{ "gc", cmd_gc, ROOT, "gc" },
	{ "serve", cmd_serve, ROOT_SERVICE, "serve" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: netns-helper [--config FILE] [-v] VERB [ARGS]\n\n"
		   "Verbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %s\n", verbs[i].usage);
	fprintf(f, "\nOptions:\n"
		   "  -c, --config FILE  policy file (default %s)\n"
		   "  -v, --verbose      print each privileged action\n"
		   "  -h, --help         this text\n"
		   "  -V, --version      the version\n"
		   "\nExit codes: %d ok, %d failure, %d usage, %d denied by "
		   "policy, %d invalid policy file.\nSee netns-helper(8).\n",
		CONF_PATH, EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_DENIED,
		EXIT_CONFIG);
}

struct conf *ctx_conf(struct ctx *ctx)
{
	char e[CONF_ERR_MAX];

	if (!ctx->conf && conf_load(ctx->conf_path, &ctx->conf, e, sizeof(e)))
		err("%s", e);
	return ctx->conf;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static int parse_global(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ PN_OPT_CONFIG, required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c;

	/* '+': stop at the verb; its own options are parsed by the verb. */
	while ((c = getopt_long(argc, argv, "+c:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optarg[0] != '/')
				die(EXIT_USAGE, "--" PN_OPT_CONFIG " needs an "
				    "absolute path, got '%s'", optarg);
			ctx->conf_path = optarg;
			break;
		case 'v':
			log_verbosity = LOG_LVL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("netns-helper %s\n", VERSION);
			exit(EXIT_OK);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	return optind;
}

/*
 * The helper needs a few dozen fds (netlink sockets, namespace and state
 * files) and a caller may hand it a low limit (`ulimit -n` before su or
 * sudo): raise the soft limit, and stop before changing anything when
 * the hard limit is too low to do the job.
 */
#define FDS_NEEDED 64

static int fd_limit(char *e, size_t elen)
{
	struct rlimit rl, up = { FDS_NEEDED, FDS_NEEDED };

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= FDS_NEEDED)
		return 0;
	if (rl.rlim_max >= FDS_NEEDED) {
		rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
		return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
	}
	if (!setrlimit(RLIMIT_NOFILE, &up))
		return 0;
	snprintf(e, elen, "too few file descriptors: the limit is %llu, "
		 "netns-helper needs %d", (unsigned long long)rl.rlim_max,
		 FDS_NEEDED);
	return -EMFILE;
}

/*
 * @envp is the environment as the helper was started: caps_sanitize()
 * clears environ, not the array the kernel handed over, which only the
 * editor of edit gets to see.
 */
int main(int argc, char **argv, char **envp)
{
	struct ctx ctx = { .conf_path = CONF_PATH, .env = envp,
			   .listen_fd = serve_listen_fd() };
	const struct verb *v;
	char e[256];
	int i, r;

	*e = '\0';
	r = fd_limit(e, sizeof(e));
	if (r)
		die(EXIT_FAIL, "%s", *e ? e : strerror(-r));
	if (caps_sanitize(ctx.listen_fd, e, sizeof(e)))
		die(EXIT_FAIL, "%s", e);
	i = parse_global(argc, argv, &ctx);
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	v = find_verb(argv[i]);
	if (!v)
		die(EXIT_USAGE, "unknown verb '%s' (try --help)", argv[i]);
	if (v->privs != ANYONE && caps_require_root(e, sizeof(e)))
		die(EXIT_FAIL, "%s: %s", v->name, e);
	if (v->privs == ROOT && caps_drop(e, sizeof(e)))
		die(EXIT_FAIL, "%s", e);
	if (ctx.listen_fd >= 0 && v->fn != cmd_serve)
		(void)close(ctx.listen_fd);
	optind = 0;	/* verbs run getopt over their own argv: reinitialize */
	r = v->fn(&ctx, argc - i, argv + i);
	conf_free(ctx.conf);
	return r;
}
