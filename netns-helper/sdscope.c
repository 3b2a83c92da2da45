// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdscope.c - the daemons' transient scopes (see sdscope.h).
 *
 * The project links no libsystemd: the scope is asked of the system
 * manager the way `systemd-run --scope` asks for its own, with
 * StartTransientUnit and the "PIDs" property, by busctl on the system bus
 * (the manager's private socket speaks no Hello, which busctl needs).
 * busctl runs as a child of the helper (child.h) with no capability and a
 * time limit; its error text comes back on a pipe for the warning.
 *
 * The job that moves the pid runs after the call has returned: the
 * helper waits until /proc/PID/cgroup names the scope, so that a session
 * ended right after the login can no longer take the daemon with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"
#include "log.h"
#include "sdscope.h"
#include "sdunit.h"
#include "util.h"

#define SCOPE_WAIT_MS	5000	/* busctl, then the job */
#define ERR_MAX		256

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

int sdscope_name(const char *kind, const char *netns,
		 char buf[SDSCOPE_MAX])
{
	size_t n = (size_t)snprintf(buf, SDSCOPE_MAX, SDSCOPE_PREFIX "%s-",
				    kind);

	for (const char *p = netns; *p && n < SDSCOPE_MAX; p++) {
		bool plain = unit_char(*p);

		n += (size_t)snprintf(buf + n, SDSCOPE_MAX - n, plain ? "%c" :
				      "\\x%02x", plain ? *p :
				      (unsigned char)*p);
	}
	if (n + sizeof(".scope") > SDSCOPE_MAX)
		return -ENAMETOOLONG;
	memcpy(buf + n, ".scope", sizeof(".scope"));
	return 0;
}

/* The last component of @pid's cgroup (unified hierarchy, "0::/PATH"),
 * which is the name of the unit it runs in. */
static int cgroup_leaf(pid_t pid, char *buf, size_t len)
{
	char path[64], line[1024];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			char *leaf = strrchr(line, '/');

			leaf = leaf ? leaf + 1 : line + 3;
			leaf[strcspn(leaf, "\n")] = '\0';
			if (strlen(leaf) >= len)
				return -ENAMETOOLONG;
			memcpy(buf, leaf, strlen(leaf) + 1);
			return 0;
		}
	return -ENOENT;
}

static bool systemd_runs(void)
{
	struct stat st;

	return !lstat(SYSTEMD_RUNTIME_DIR, &st) && S_ISDIR(st.st_mode);
}

/* The helper runs as netns-helper@NAME.service (up, reload): that unit
 * owns the namespace, keeps its daemons in its cgroup and stops them. */
static bool in_template_unit(void)
{
	static const char pre[] = "netns-helper@", suf[] = ".service";
	char leaf[256];
	size_t n;

	if (cgroup_leaf(getpid(), leaf, sizeof(leaf)))
		return false;
	n = strlen(leaf);
	return !strncmp(leaf, pre, sizeof(pre) - 1) && n >= sizeof(suf) - 1 &&
	       !strcmp(leaf + n - (sizeof(suf) - 1), suf);
}

/* busctl's first line of complaint, for the warning. */
static void read_err(int fd, char *err, size_t errlen)
{
	ssize_t n = read(fd, err, errlen - 1);

	err[n > 0 ? n : 0] = '\0';
	err[strcspn(err, "\n")] = '\0';
}

/* StartTransientUnit(@unit, "fail", PIDs=[@pid], ...), within @ms. */
static int call_manager(const char *unit, const char *desc, pid_t pid,
			long ms, char *err, size_t errlen)
{
	static const cap_value_t none[1];
	char spid[16];
	char *const argv[] = { "busctl", "--system", "call",
		"org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		"org.freedesktop.systemd1.Manager", "StartTransientUnit",
		"ssa(sv)a(sa(sv))", (char *)unit, "fail", "3",
		"PIDs", "au", "1", spid,
		"CollectMode", "s", "inactive-or-failed",
		"Description", "s", (char *)desc, "0", NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	_cleanup_close_ int rd = -1;
	int p[2], st = 0, r;
	pid_t c;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	rd = p[0];
	c = child_start(&(struct child_opts){ .keep = &p[1], .n_keep = 1 });
	if (c == 0) {
		if (dup2(p[1], STDERR_FILENO) < 0)
			_exit(126);
		child_exec(none, 0, BUSCTL, argv, envp);
	}
	(void)close(p[1]);
	if (c < 0)
		return (int)c;
	r = child_wait(c, ms, &st);
	if (!r)
		read_err(rd, err, errlen);
	return r ? r : st ? -EPROTO : 0;
}

/* The job has run: @pid is in @unit (or gone). */
static int wait_moved(pid_t pid, const char *unit, const struct deadline *d)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char leaf[SDSCOPE_MAX];

	for (;;) {
		int r = cgroup_leaf(pid, leaf, sizeof(leaf));

		if (r)
			return r;
		if (!strcmp(leaf, unit))
			return 0;
		if (!deadline_left_ms(d))
			return -ETIMEDOUT;
		(void)nanosleep(&tick, NULL);
	}
}

void sdscope_move(const char *kind, const char *netns, pid_t pid,
		  const struct deadline *dl)
{
	char unit[SDSCOPE_MAX], desc[128], err[ERR_MAX] = "";
	struct deadline d;
	int r;

	if (!systemd_runs() || in_template_unit())
		return;
	/* one time limit for the call and the job, within the request's */
	deadline_set(&d, deadline_cap_ms(dl, SCOPE_WAIT_MS) +
			 DEADLINE_MARGIN_MS);
	snprintf(desc, sizeof(desc), "pam_netns: %s daemon of namespace %s",
		 kind, netns);
	r = sdscope_name(kind, netns, unit);
	if (!r)
		debug("%s: moving pid %d into %s", kind, (int)pid, unit);
	r = r ?: call_manager(unit, desc, pid, deadline_left_ms(&d), err,
			      sizeof(err)) ?: wait_moved(pid, unit, &d);
	if (r)
		warn("%s: cannot move pid %d into a scope of its own (%s%s%s), "
		     "ignoring: it stays in the helper's cgroup", kind,
		     (int)pid, strerror(-r), *err ? ": " : "", err);
}
