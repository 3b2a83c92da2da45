// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_session.c - session-open and session-close, the verbs pam_netns.so
 * runs. Their options, the key=value answer of session-open and the exit
 * codes are the protocol's (protocol.h): session-open exits EXIT_OK (join,
 * none), EXIT_DENIED (deny) or another code on failure, having changed
 * nothing then. The module fails closed on anything but the first two.
 *
 * Both verbs take --deadline-ms N, the time the module gives them (by
 * default the module's default limit): every wait ends before it
 * (deadline.h). They hold the state lock shared and the lock of the one
 * namespace they work on (locks.h), so a login waits only for logins of
 * its own namespace, never for another's tunnel.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "deadline.h"
#include "dns.h"
#include "hostns.h"
#include "log.h"
#include "mnt_template.h"
#include "netns_file.h"
#include "lifecycle.h"
#include "policy.h"
#include "prebuilt.h"
#include "sdunit.h"
#include "locks.h"
#include "records.h"
#include "session.h"
#include "util.h"

struct open_args {
	struct login login;
	const char *tty;
	pid_t pid;
	struct deadline dl;	/* --deadline-ms */
};

static int parse_pid(const char *s, pid_t *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 1 || v > 0x3fffffff)
		return -EINVAL;
	*ret = (pid_t)v;
	return 0;
}

/* --deadline-ms: milliseconds, up to the module's largest timeout. */
static int parse_deadline(const char *verb, const char *s,
			  struct deadline *dl)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > PN_TIMEOUT_MAX * 1000L) {
		err("%s: bad --" PN_OPT_DEADLINE_MS " '%s' (1 to %d)", verb, s,
		    PN_TIMEOUT_MAX * 1000);
		return -EINVAL;
	}
	deadline_set(dl, v);
	return 0;
}

static int parse_open(int argc, char **argv, struct open_args *a)
{
	static const struct option opts[] = {
		{ PN_OPT_USER, required_argument, NULL, 'u' },
		{ PN_OPT_SERVICE, required_argument, NULL, 's' },
		{ PN_OPT_RHOST, required_argument, NULL, 'r' },
		{ PN_OPT_TTY, required_argument, NULL, 't' },
		{ PN_OPT_PID, required_argument, NULL, 'p' },
		{ PN_OPT_DEADLINE_MS, required_argument, NULL, 'd' },
		{ 0 }
	};
	int o;

	deadline_set(&a->dl, PN_TIMEOUT_DEFAULT * 1000L);
	while ((o = getopt_long(argc, argv, "u:s:r:t:p:d:", opts,
				NULL)) != -1) {
		switch (o) {
		case 'd':
			if (parse_deadline(PN_VERB_OPEN, optarg, &a->dl))
				return -EINVAL;
			break;
		case 'u': a->login.user = optarg; break;
		case 's': a->login.service = optarg; break;
		case 'r': a->login.rhost = optarg; break;
		case 't': a->tty = optarg; break;
		case 'p':
			if (parse_pid(optarg, &a->pid)) {
				err(PN_VERB_OPEN ": bad --" PN_OPT_PID " '%s'",
				    optarg);
				return -EINVAL;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !a->login.user || !*a->login.user ||
	    !a->login.service || !a->pid) {
		err("usage: " USAGE_SESSION_OPEN);
		return -EINVAL;
	}
	return 0;
}

/* Send answer @ans (pn_answer_add()) at once: messages share its pipe. */
static int send_answer(const char *ans)
{
	fputs(ans, stdout);
	return fflush(stdout) ? -errno : 0;
}

/* The answer of a login left on the host network. */
static int none(void)
{
	char ans[PN_ANSWER_MAX + 1] = "";

	if (pn_answer_add(ans, sizeof(ans), PN_KEY_ACTION, PN_ACTION_NONE))
		return EXIT_FAIL;
	(void)send_answer(ans);
	return EXIT_OK;
}

static int deny(const char *reason)
{
	char ans[PN_ANSWER_MAX + 1] = "";

	if (pn_answer_add(ans, sizeof(ans), PN_KEY_ACTION, PN_ACTION_DENY) ||
	    pn_answer_add(ans, sizeof(ans), PN_KEY_REASON, reason))
		return EXIT_FAIL;
	(void)send_answer(ans);
	info("login refused: %s", reason);
	return EXIT_DENIED;
}

/* Pick the namespace name; for session scope a fresh serial, which is
 * the namespace's id too (*@ret_serial, else 0: ns_create() draws one). */
static int target_name(struct locks *l, const struct decision *d, char *buf,
		       size_t len, uint32_t *ret_serial)
{
	uint32_t serial;
	int r;

	*ret_serial = 0;
	if (d->scope != SCOPE_SESSION)
		return strlcpy_checked(buf, d->netns, len);
	r = serial_next(l, &serial);
	if (r)
		return r;
	*ret_serial = serial;
	r = snprintf(buf, len, "%s.%u", d->netns, (unsigned)serial);
	return (r < 0 || (size_t)r >= len || r > NETNS_NAME_MAX) ?
		       -ENAMETOOLONG : 0;
}

/* Join @name, creating it when needed; *ret_created tells which. */
static int get_namespace(const struct ns_env *env, const char *name,
			 uint32_t id, const struct decision *d,
			 const char *user, bool *ret_created, char *e,
			 size_t elen)
{
	*ret_created = false;
	(void)session_reap(env, name);
	if (ns_ready(name))
		return 0;
	/* A record without a complete namespace is a crash's leftover. */
	if (ns_rec_exists(name))
		(void)ns_destroy(env, name);
	*ret_created = true;
	return ns_create(env, name, d->net, d->scope, user, id, e, elen);
}

/* The answer for namespace @name, open as @fd. */
static int print_answer(int fd, const char *name, const struct decision *d,
			const char *token)
{
	char path[256], ino[24], ans[PN_ANSWER_MAX + 1] = "";
	size_t len = sizeof(ans);

	snprintf(ino, sizeof(ino), "%llu", netns_inode(fd));
	return pn_answer_add(ans, len, PN_KEY_ACTION, PN_ACTION_JOIN) ?:
	       pn_answer_add(ans, len, PN_KEY_NETNS, name) ?:
	       pn_answer_add(ans, len, PN_KEY_NETNS_INO, ino) ?:
	       pn_answer_add(ans, len, PN_KEY_SESSION, token) ?:
	       pn_answer_add(ans, len, PN_KEY_NETWORK, d->net->name) ?:
	       pn_answer_add(ans, len, PN_KEY_SCOPE, net_scope_str(d->scope)) ?:
	       pn_answer_add(ans, len, PN_KEY_RESOLV,
			     dns_path(name, path, sizeof(path))) ?:
	       (d->scope == SCOPE_SESSION && d->net->prebuilt ?
		pn_answer_add(ans, len, PN_KEY_PREBUILT, "1") : 0) ?:
	       send_answer(ans);
}

static int answer(struct locks *l, const char *name,
		  const struct decision *d, const char *token)
{
	_cleanup_close_ int fd = netns_open(name);

	if (fd < 0)
		return fd;
	/* the module copies its mount namespace from it; without one it
	 * copies the host's (slower, not wrong) */
	(void)mnt_template_ensure(l);
	return print_answer(fd, name, d, token);
}

/*
 * A confined login that runs su or sudo runs us inside its namespace,
 * where "the host" side of netlink and nftables is that namespace:
 * building there would record kernel objects in the wrong place.
 * Return: 1 with @name set when the caller is in a namespace we made,
 * 0 when not, or a negative errno.
 */
static int caller_inside(char *name, size_t len)
{
	_cleanup_close_ int fd = open("/proc/self/ns/net",
				      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* By inode: a confined login does not see the namespace files (the
	 * module detaches NETNS_RUN_DIR there). */
	return ns_by_inode(netns_inode(fd), name, len) == 1;
}

/*
 * systemd_user: the user manager runs in this namespace too. Session
 * scope cannot apply (one manager per uid), and conf.c refuses it.
 */
static int confine_manager(struct locks *l, const struct decision *d,
			   const char *name, char *e, size_t elen)
{
	if (!d->rule || !d->rule->systemd_user || d->scope == SCOPE_SESSION)
		return 0;
	return sdunit_write(l, d->uid, name, e, elen);
}

/* The lock of namespace @name, which a login of it may hold a while. */
static int lock_ns(struct locks *l, const char *name, char *e, size_t elen)
{
	int r = locks_ns(l, name);

	if (r == -ETIMEDOUT)
		snprintf(e, elen, "namespace '%s' is still being set up by "
			 "another login at this login's time limit", name);
	else if (r)
		snprintf(e, elen, "namespace '%s': cannot take its lock: %s",
			 name, strerror(-r));
	return r;
}

/*
 * A login that does not start in the host's network namespace: from
 * within a confined session (su, sudo there) it may join that namespace
 * when the policy gives it that very one, never get another (no way out,
 * nothing built from inside). A process left in a torn-down namespace,
 * or in another tool's, gets nothing: the helper would take its
 * namespace for the host.
 */
static int open_nested(struct locks *l, const struct open_args *a,
		       const struct decision *d)
{
	struct session_info si = { a->login.user, a->login.service,
				   a->login.rhost, a->tty, a->pid };
	char token[PN_TOKEN_LEN + 1], e[CONF_ERR_MAX] = "";
	char inside[NETNS_NAME_MAX + 1];
	_cleanup_close_ int fd = -1;
	int r = caller_inside(inside, sizeof(inside));

	if (r < 0)
		return EXIT_FAIL;
	if (!r) {
		info("session-open for '%s': not in the host's network "
		     "namespace, nor in one of ours", a->login.user);
		return deny("this login does not start in the host's network "
			    "namespace");
	}
	if (d->scope == SCOPE_SESSION || strcmp(d->netns, inside)) {
		info("session-open for '%s': running inside namespace '%s'; "
		     "the policy gives another network", a->login.user, inside);
		return deny("this login starts inside a confined session, and "
			    "the policy gives it another network");
	}
	/* the caller's own namespace: its file is not visible in there,
	 * and no mount template is made from a confined session */
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	r = fd < 0 ? -errno : lock_ns(l, inside, e, sizeof(e)) ?:
	    session_add(inside, &si, token, sizeof(token));
	if (!r && ((r = confine_manager(l, d, inside, e, sizeof(e))) ||
		   (r = print_answer(fd, inside, d, token))))
		(void)session_end(NULL, token);
	if (r) {
		err("session-open for '%s': %s", a->login.user,
		    *e ? e : strerror(-r));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * The namespace of a login, its lock held: a spare of a session-scope
 * network claimed (prebuilt.h; *@ret_claimed), or the name it is found or
 * made under.
 */
static int pick_namespace(const struct ns_env *env, const struct decision *d,
			  const char *user, char *name, size_t len,
			  uint32_t *ret_id, bool *ret_claimed, char *e,
			  size_t elen)
{
	int r = d->scope == SCOPE_SESSION ?
		prebuilt_claim(env, d->net, user, name, len) : 0;

	*ret_id = 0;
	*ret_claimed = r == 1;
	if (r)
		return r < 0 ? r : 0;
	return target_name(env->locks, d, name, len, ret_id) ?:
	       lock_ns(env->locks, name, e, elen);
}

static int open_session(struct locks *l, struct nft *nft,
			const struct open_args *a, const struct decision *d)
{
	struct session_info si = { a->login.user, a->login.service,
				   a->login.rhost, a->tty, a->pid };
	char name[NETNS_NAME_MAX + 1], token[PN_TOKEN_LEN + 1], e[CONF_ERR_MAX];
	struct nl host = { 0 };
	struct ns_env env = { .locks = l, .host = &host, .nft = nft,
			      .dl = &a->dl };
	bool created = false, claimed = false;
	uint32_t id;
	int r;

	r = hostns_is_host();
	if (r < 0)
		return EXIT_FAIL;
	if (!r)
		return open_nested(l, a, d);
	*e = '\0';
	r = nl_open(&host) ?:
	    pick_namespace(&env, d, a->login.user, name, sizeof(name), &id,
			   &claimed, e, sizeof(e));
	/*
	 * A failed ns_create() has rolled back what it made already, and
	 * on -EEXIST the name is someone else's namespace: only a namespace
	 * made here and then left without a session is ours to destroy.
	 */
	if (!r)
		r = get_namespace(&env, name, id, d, a->login.user, &created,
				  e, sizeof(e));
	created = created || claimed;
	if (!r) {
		r = session_add(name, &si, token, sizeof(token));
		if (r && created)
			(void)ns_destroy(&env, name);
		else if (!r && ((r = confine_manager(l, d, name, e,
						     sizeof(e))) ||
				(r = answer(l, name, d, token))))
			(void)session_end(&env, token);
	}
	if (r)
		err("session-open for '%s': %s", a->login.user,
		    *e ? e : strerror(-r));
	nl_close(&host);
	return r ? EXIT_FAIL : EXIT_OK;
}

/*
 * The systemd user manager of a user the policy confines for other
 * services would run on the host's network, and anything the user starts
 * through it (systemd-run --user, a user service, D-Bus activation) with
 * it: a way out of every confined login. It is refused, unless a rule
 * names the systemd-user service itself.
 * Return: 0 (let it be), EXIT_DENIED or EXIT_FAIL.
 */
static int manager_on_host(const struct conf *c, const struct login *l,
			   const struct decision *d)
{
	char e[CONF_ERR_MAX];
	int r;

	if (strcmp(l->service, "systemd-user") ||
	    (d->rule && policy_names_service(d->rule, "systemd-user")))
		return 0;
	r = policy_confined_elsewhere(c, l, e, sizeof(e));
	if (r < 0) {
		err("session-open for '%s': %s", l->user, e);
		return EXIT_FAIL;
	}
	if (!r)
		return 0;
	info("session-open for '%s': the user manager would run on the host "
	     "network while the policy confines the user's logins", l->user);
	return deny("the policy confines this user's logins, and the user "
		    "manager would run on the host network (give it a network "
		    "with systemd_user = true, or name systemd-user in a "
		    "rule)");
}

int cmd_session_open(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	struct nft nft = NFT_INIT;
	struct open_args a = { 0 };
	struct decision d;
	char e[CONF_ERR_MAX];
	struct conf *c;
	int r;

	if (parse_open(argc, argv, &a))
		return EXIT_USAGE;
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	if (policy_resolve(c, &a.login, &d, e, sizeof(e))) {
		err("%s", e);
		return EXIT_FAIL;
	}
	if (d.verdict == VERDICT_HOST) {
		r = manager_on_host(c, &a.login, &d);
		if (r)
			return r;
		return none();
	}
	if (d.verdict == VERDICT_DENY)
		return deny(d.rule ? "a rule of the policy denies this login" :
				     "no rule matches and the default is deny");
	/* One user manager per uid cannot follow per-login namespaces. */
	if (d.scope == SCOPE_SESSION && !strcmp(a.login.service,
						"systemd-user"))
		return deny("session scope cannot apply to the systemd-user "
			    "service; use scope user or shared");
	l.dl = &a.dl;
	if (locks_begin(&l, false, e, sizeof(e))) {
		err("session-open for '%s': %s", a.login.user, e);
		return EXIT_FAIL;
	}
	r = open_session(&l, &nft, &a, &d);
	locks_end(&l);
	nft_release(&nft);
	return r;
}

/* Lock the namespace of session @token: -ENOENT when it is not open. */
static int lock_session(struct locks *l, const char *token)
{
	char netns[NETNS_NAME_MAX + 1];
	int r = session_netns(token, netns, sizeof(netns));

	if (r)
		return r;
	if (!*netns)
		return 0;	/* session_end() drops a record like that */
	r = locks_ns(l, netns);
	if (r == -ETIMEDOUT)
		err("session-close %s: namespace '%s' is still busy with "
		    "another login; gc closes the session later", token,
		    netns);
	return r;
}

/* The session is closed once its record is gone (ns_env.ended). */
static void session_ended(void *arg)
{
	struct ctx *ctx = arg;

	ctx->closed(ctx);
}

int cmd_session_close(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ PN_OPT_SESSION, required_argument, NULL, 's' },
		{ PN_OPT_DEADLINE_MS, required_argument, NULL, 'd' },
		{ 0 }
	};
	struct locks l = LOCKS_INIT;
	const char *token = NULL;
	char e[256];
	struct nl host = { 0 };
	struct nft nft = NFT_INIT;
	struct deadline dl;
	struct ns_env env = { .locks = &l, .host = &host, .nft = &nft,
			      .dl = &dl, .ended_arg = ctx };
	int o, r;

	if (ctx->closed)
		env.ended = session_ended;
	deadline_set(&dl, PN_TIMEOUT_DEFAULT * 1000L);
	while ((o = getopt_long(argc, argv, "s:d:", opts, NULL)) != -1) {
		if (o == 's')
			token = optarg;
		else if (o != 'd' ||
			 parse_deadline(PN_VERB_CLOSE, optarg, &dl))
			return EXIT_USAGE;
	}
	if (optind != argc || !token || !pn_token_ok(token)) {
		err("usage: " USAGE_SESSION_CLOSE);
		return EXIT_USAGE;
	}
	l.dl = &dl;
	if (locks_begin(&l, false, e, sizeof(e))) {
		err("%s", e);
		return EXIT_FAIL;
	}
	/* From anywhere but the host (a nested su's close) only the
	 * record goes: a namespace left empty is torn down by the next
	 * open or gc, from the host. */
	r = hostns_is_host();
	if (r >= 0) {
		int host_side = r;

		r = lock_session(&l, token);
		if (!r && !host_side)
			r = session_end(NULL, token);
		else if (!r && !(r = nl_open(&host)))
			r = session_end(&env, token);
	}
	nl_close(&host);
	locks_end(&l);
	nft_release(&nft);
	if (r == -ENOENT) {
		info("session %s: not open (closed already or reclaimed)",
		     token);
		return EXIT_OK;
	}
	if (r)
		err("session-close %s: %s", token, strerror(-r));
	return r ? EXIT_FAIL : EXIT_OK;
}
