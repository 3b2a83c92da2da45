// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - privilege hygiene for netns-helper.
 *
 * The helper is run by root only (by pam_netns.so from inside sshd, su,
 * sudo, or by systemd at boot). It is never installed setuid: if it finds
 * itself running with AT_SECURE it refuses outright, since a setuid copy
 * would let any user drive netlink and mounts.
 *
 * Theory of operation:
 *  1. caps_sanitize(): before anything else reads the environment or an
 *     fd, drop the environment and every inherited fd above 2, and reset
 *     signal handling the caller may have set.
 *  2. caps_require_root(): verbs that change the system need real uid 0.
 *  3. caps_drop(): the capability sets shrink to CAP_NET_ADMIN (netlink,
 *     nftables, moving links) and CAP_SYS_ADMIN (setns, mount, unshare);
 *     the bounding set is cut too (through libcap, up to the running
 *     kernel's last capability) and no_new_privs is set, so programs the
 *     helper starts later cannot regain the rest.
 *     CAP_NET_RAW and CAP_NET_BIND_SERVICE stay permitted but not
 *     effective, for the one program the helper starts that needs them:
 *     the DHCP client of a macvlan (dhcp.c; raw sockets, port 68).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "sigdfl.h"
#include "util.h"

static const cap_value_t keep[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN };
/* permitted, never effective: for the DHCP client alone (dhcp.c) */
static const cap_value_t for_client[] = { CAP_NET_RAW,
					  CAP_NET_BIND_SERVICE };

/* Every fd above 2 but @keep_fd (-1: none) goes. */
static void close_stray_fds(int keep_fd)
{
#ifdef SYS_close_range
	if ((keep_fd <= 3 ||
	     !syscall(SYS_close_range, 3U, keep_fd - 1U, 0U)) &&
	    !syscall(SYS_close_range, keep_fd < 3 ? 3U : keep_fd + 1U, ~0U,
		     0U))
		return;
#endif
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep_fd)
			(void)close(fd);
}

int caps_sanitize(int keep_fd, char *err, size_t errlen)
{
	sigset_t none;

	if (getauxval(AT_SECURE)) {
		snprintf(err, errlen, "refusing to run setuid, setgid or with "
			 "file capabilities: run it as root");
		return -EPERM;
	}
	if (clearenv()) {
		snprintf(err, errlen, "cannot clear the environment");
		return -ENOMEM;
	}
	/* Programs the helper starts later get a fixed, root-owned PATH. */
	(void)setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	close_stray_fds(keep_fd);
	sig_default_all();
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022);
	return 0;
}

int caps_require_root(char *err, size_t errlen)
{
	if (getuid() != 0 || geteuid() != 0) {
		snprintf(err, errlen, "this verb needs root (real uid %u)",
			 (unsigned)getuid());
		return -EPERM;
	}
	return 0;
}

/* Is @c one of the @n capabilities of @set? */
static bool cap_in(cap_value_t c, const cap_value_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == c)
			return true;
	return false;
}

/*
 * Every capability the running kernel knows (cap_max_bits(), not the
 * CAP_LAST_CAP of the headers the helper was built with: a newer kernel's
 * new capabilities go too). Dropping needs CAP_SETPCAP, which a caller
 * that already cut the bounding set (systemd's CapabilityBoundingSet=)
 * took away: skip what is gone.
 */
static int drop_bounding(void)
{
	cap_value_t max = cap_max_bits();

	for (cap_value_t c = 0; c < max; c++) {
		if (cap_in(c, keep, ARRAY_SIZE(keep)) ||
		    cap_in(c, for_client, ARRAY_SIZE(for_client)) ||
		    cap_get_bound(c) != 1)
			continue;
		if (cap_drop_bound(c) && errno != EINVAL)
			return -errno;
	}
	return 0;
}

/* The client's capabilities, where the bounding set still has them. */
static int client_caps(cap_t caps)
{
	for (size_t i = 0; i < ARRAY_SIZE(for_client); i++)
		if (cap_get_bound(for_client[i]) == 1 &&
		    cap_set_flag(caps, CAP_PERMITTED, 1, &for_client[i],
				 CAP_SET))
			return -1;
	return 0;
}

int caps_drop(char *err, size_t errlen)
{
	cap_t caps;
	int r;

	r = drop_bounding();
	if (r) {
		snprintf(err, errlen, "cannot drop the bounding set: %s",
			 strerror(-r));
		return r;
	}
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	r = cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) ||
	    client_caps(caps) || cap_set_proc(caps) ? -errno : 0;
	cap_free(caps);
	if (!r && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		r = -errno;
	if (r)
		snprintf(err, errlen, "cannot drop capabilities: %s",
			 strerror(-r));
	return r;
}

int caps_only(const cap_value_t *only, int n)
{
	cap_t now = cap_get_proc(), caps = cap_init();
	int r = -1;

	if (!now || !caps)
		goto out;
	for (int i = 0; i < n; i++) {
		cap_flag_value_t have = CAP_CLEAR;

		if (cap_get_flag(now, only[i], CAP_PERMITTED, &have) ||
		    have != CAP_SET)
			continue;
		if (cap_set_flag(caps, CAP_PERMITTED, 1, &only[i], CAP_SET) ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &only[i], CAP_SET))
			goto out;
	}
	r = cap_set_proc(caps) ? -1 : 0;
out:
	cap_free(now);
	cap_free(caps);
	return r;
}
