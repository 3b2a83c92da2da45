// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp.c - busybox udhcpc as the DHCP client of an attachment (dhcp.h).
 *
 * Why udhcpc: its pid file goes where it is told (dhcpcd derives one per
 * interface name, and every namespace calls its link eth0), it forks to
 * the background only once it holds a lease, so the helper's wait is the
 * answer to "did it work", and it configures nothing by itself: an event
 * script does. That script is this project's, not Debian's default one,
 * which would rewrite the host's /etc/resolv.conf (the client runs in the
 * host's mount namespace): ours sets the address and default route and
 * touches no file. DNS comes from the policy or the host, as for every
 * kind.
 *
 * The script is written, for each client, into a tmpfs mounted over
 * STATE_DIR/dhcp/script in a mount namespace of the client's own: nothing
 * executable is left on disk, the host's /run may well be noexec, and no
 * other process can change the script under a running client. That mount
 * namespace drops its copy of NETNS_RUN_DIR, so it pins no namespace.
 *
 * The helper holds CAP_NET_RAW and CAP_NET_BIND_SERVICE in its permitted
 * set for this program alone (see caps.c); the child drops CAP_SYS_ADMIN
 * before the exec, so the client runs with the network capabilities only.
 *
 * Under systemd the client, once recorded, is moved into a scope of its
 * own (sdscope.h), so that the end of the session that started it does
 * not end it for the other sessions of its namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "child.h"
#include "deadline.h"
#include "dhcp.h"
#include "locks.h"
#include "log.h"
#include "netns_file.h"
#include "sdscope.h"
#include "util.h"

#define SCRIPT_DIR	"dhcp/script"	/* under STATE_DIR */

/* 5 discovers 2 s apart: a login waits at most about 10 s for a lease. */
#define DHCP_TRIES	"5"
#define DHCP_PERIOD	"2"
#define STOP_WAIT_MS	3000
#define PIDFILE_WAIT_MS	2000

/* DHCP data only ever reaches `ip` as quoted arguments. */
static const char script[] =
	"#!/bin/sh\n"
	"# pam_netns: udhcpc event script (address and default route only)\n"
	"ip() { busybox ip \"$@\"; }\n"
	"case \"$1\" in\n"
	"deconfig)\n"
	"\tip -4 addr flush dev \"$interface\"\n"
	"\tip link set dev \"$interface\" up ;;\n"
	"bound|renew)\n"
	"\tcur=$(ip -4 -o addr show dev \"$interface\" | "
	"busybox awk '{print $4}')\n"
	"\tif [ \"$cur\" != \"$ip/$mask\" ]; then\n"
	"\t\tip -4 addr flush dev \"$interface\"\n"
	"\t\tip -4 addr add \"$ip/$mask\" dev \"$interface\"\n"
	"\tfi\n"
	"\tset -- $router\n"
	"\tif [ -n \"$1\" ]; then\n"
	"\t\tip -4 route replace default via \"$1\" dev \"$interface\"\n"
	"\tfi ;;\n"
	"esac\n"
	"exit 0\n";

static int pidfile_path(struct ns_ctx *ctx, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/dhcp/%s.pid", state_dir(), ctx->name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * In the child: a mount namespace of its own with a tmpfs over @dir, and
 * the script in it; its path into @path.
 */
static int private_script(const char *dir, char *path, size_t len)
{
	_cleanup_close_ int fd = -1;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return -1;
	/* a copy of the namespace mounts would keep each one alive */
	(void)umount2(NETNS_RUN_DIR, MNT_DETACH);
	if (mount("pam_netns-dhcp", dir, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0700,size=64k"))
		return -1;
	snprintf(path, len, "%s/udhcpc.script", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0700);
	if (fd < 0 || write(fd, script, sizeof(script) - 1) !=
		      sizeof(script) - 1)
		return -1;
	return 0;
}

/*
 * In the child, already in the namespace with nothing of the helper's
 * open: the private script, then udhcpc with the network capabilities
 * only: a raw socket and port 68 for the lease, CAP_NET_ADMIN for its
 * script's address and routes.
 */
static void __attribute__((noreturn))
run_client(const char *ifname, const char *pidfile)
{
	static const cap_value_t keep[] = { CAP_NET_ADMIN, CAP_NET_RAW,
					    CAP_NET_BIND_SERVICE };
	char dir[512], spath[600];
	char *const argv[] = { "busybox", "udhcpc", "-i", (char *)ifname,
			       "-p", (char *)pidfile, "-s", spath, "-n", "-R",
			       "-t", DHCP_TRIES, "-T", DHCP_PERIOD, NULL };

	snprintf(dir, sizeof(dir), "%s/" SCRIPT_DIR, state_dir());
	if (private_script(dir, spath, sizeof(spath)))
		_exit(126);
	child_exec(keep, ARRAY_SIZE(keep), "busybox", argv, NULL);
}

/*
 * The exit status of a client that may never get a lease, within the
 * deadline (deadline.h): killed then, -ETIMEDOUT.
 */
static int wait_client(pid_t pid, const struct deadline *dl)
{
	int st, r = child_wait(pid, deadline_left_ms(dl), &st);

	return r ? r : child_exit_code(st);
}

static pid_t read_pidfile(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	long pid = 0;

	if (!f || fscanf(f, "%ld", &pid) != 1 || pid <= 0 || pid > 1 << 22)
		return 0;
	return (pid_t)pid;
}

/*
 * @pid is the client writing @pidfile: its command line names that file,
 * which is unique per namespace. (Its /proc/PID/ns/net would need ptrace
 * rights over a process holding capabilities the helper has not in its
 * effective set.)
 */
static bool is_client(pid_t pid, const char *pidfile)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (!strcmp(buf + i, pidfile))
			return true;
	return false;
}

/*
 * The client backgrounds itself once it has a lease: the process the
 * helper waited for exits, and its daemon child rewrites the pid file a
 * moment later. Wait for the file to name a live process that is not
 * @fg and is the client.
 */
static pid_t daemon_pid(struct ns_ctx *ctx, const char *pidfile, pid_t fg)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };
	long wait = deadline_cap_ms(ctx->dl, PIDFILE_WAIT_MS);

	for (long ms = 0; ms < wait; ms += 20) {
		pid_t pid = read_pidfile(pidfile);

		if (pid && pid != fg && is_client(pid, pidfile))
			return pid;
		(void)nanosleep(&t, NULL);
	}
	return 0;
}

static int record_client(struct ns_ctx *ctx, const char *pidfile, pid_t fg)
{
	unsigned long long start;
	pid_t pid = daemon_pid(ctx, pidfile, fg);
	int r = pid ? proc_starttime(pid, &start) : -ESRCH;

	if (r) {
		snprintf(ctx->err, ctx->errlen, "network '%s': the DHCP client "
			 "left no pid file at %s", ctx->net->name, pidfile);
		return r;
	}
	ctx->rec->dhcp_pid = pid;
	ctx->rec->dhcp_start = start;
	r = ns_save(ctx);
	if (!r)
		sdscope_move("dhcp", ctx->name, pid, ctx->dl);
	return r;
}

/*
 * The directories, and the pid file already (empty until the client
 * writes it), so that the last client of another namespace going away
 * now sees this one and leaves them (dhcp_stop()).
 */
static int prepare_dirs(struct locks *l, const char *pidfile)
{
	_cleanup_close_ int fd = -1;
	int r = state_res_lock(l);

	if (r)
		return r;
	r = state_mkdir("dhcp") ?: state_mkdir(SCRIPT_DIR);
	if (!r) {
		fd = open(pidfile, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		r = fd < 0 ? -errno : 0;
	}
	state_res_unlock(l);
	return r;
}

int dhcp_start(struct ns_ctx *ctx, const char *ifname)
{
	char pidfile[512];
	pid_t pid;
	int r = pidfile_path(ctx, pidfile, sizeof(pidfile)) ?:
		REC_SET(ctx->rec->dhcp, "%s", pidfile) ?: ns_save(ctx) ?:
		prepare_dirs(ctx->locks, pidfile);

	if (r)
		return r;
	debug("dhcp: busybox udhcpc -i %s -p %s in '%s'", ifname, pidfile,
	      ctx->name);
	/* the locks, netlink sockets: nothing may outlive the helper */
	pid = child_start(&(struct child_opts){ .in_netns = true,
						.netns_fd = ctx->nsfd });
	if (pid < 0)
		return (int)pid;
	if (pid == 0)
		run_client(ifname, pidfile);
	r = wait_client(pid, ctx->dl);
	if (r == 0)
		return record_client(ctx, pidfile, pid);
	if (r == -ETIMEDOUT)
		snprintf(ctx->err, ctx->errlen, "network '%s': no DHCP lease "
			 "on %s (parent '%s') before the login's time limit",
			 ctx->net->name, ifname, ctx->net->parent);
	if (r < 0)
		return r;
	if (r >= 126)
		snprintf(ctx->err, ctx->errlen, "network '%s': cannot run "
			 "busybox udhcpc (exit status %d)", ctx->net->name, r);
	else
		snprintf(ctx->err, ctx->errlen, "network '%s': no DHCP lease "
			 "on %s (parent '%s')", ctx->net->name, ifname,
			 ctx->net->parent);
	return -ETIMEDOUT;
}

/* The client's pid: the recorded one while it lives, else the pid
 * file's, but only for the client of this very namespace. */
static pid_t client_pid(struct ns_ctx *ctx, const char *pidfile)
{
	pid_t pid = ctx->rec->dhcp_pid;
	unsigned long long start = ctx->rec->dhcp_start;

	if (pid > 0 && proc_alive(pid, start))
		return pid;
	pid = read_pidfile(pidfile);
	return pid && is_client(pid, pidfile) ? pid : 0;
}

static bool gone_within(pid_t pid, int ms)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };

	for (int waited = 0; waited < ms; waited += 50) {
		if (kill(pid, 0) && errno == ESRCH)
			return true;
		(void)nanosleep(&t, NULL);
	}
	return false;
}

void dhcp_stop(struct ns_ctx *ctx)
{
	const char *pidfile = ctx->rec->dhcp;
	pid_t pid;

	if (!*pidfile)
		return;
	pid = client_pid(ctx, pidfile);
	/* SIGTERM: with -R the client releases its lease on the way out */
	if (pid > 0 && !kill(pid, SIGTERM) &&
	    !gone_within(pid, (int)deadline_cap_ms(ctx->dl, STOP_WAIT_MS))) {
		warn("dhcp: udhcpc (pid %d) ignored SIGTERM, killing it",
		     (int)pid);
		(void)kill(pid, SIGKILL);
	}
	if (state_res_lock(ctx->locks))
		return;
	if (unlink(pidfile) && errno != ENOENT)
		warn("dhcp: cannot remove %s, ignoring", pidfile);
	/* The last client out: a running one has its tmpfs on the script
	 * dir, which must not be removed under it. */
	if (state_count("dhcp") <= 1) {
		(void)state_rmdir(SCRIPT_DIR);
		(void)state_rmdir("dhcp");
	}
	state_res_unlock(ctx->locks);
}
