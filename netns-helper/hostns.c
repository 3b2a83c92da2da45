// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostns.c - the reference to the host's network namespace (hostns.h):
 * "DEV:INO" of its nsfs file in STATE_DIR/hostns. STATE_DIR is on /run,
 * so the reference lives exactly as long as the boot, and the host's
 * namespace (init's) lives as long: its inode is not reused meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hostns.h"
#include "locks.h"
#include "log.h"
#include "nl.h"
#include "records.h"
#include "state.h"

#define HOSTNS_FILE "hostns"

static int own_netns(char *buf, size_t len)
{
	struct stat st;
	int n;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	n = snprintf(buf, len, "%llu:%llu\n", (unsigned long long)st.st_dev,
		     (unsigned long long)st.st_ino);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* 1 when the reference is @mine, 0 when it is another, or -errno
 * (-ENOENT: there is none). */
static int compare_ref(const char *mine)
{
	char ref[64];
	int n = state_read_blob(HOSTNS_FILE, ref, sizeof(ref) - 1);

	if (n < 0)
		return n;
	ref[n] = '\0';
	return !strcmp(mine, ref);
}

int hostns_is_host(void)
{
	char mine[64];
	int r = own_netns(mine, sizeof(mine));

	if (r)
		return r;
	r = compare_ref(mine);
	if (r != -ENOENT)
		return r;
	/*
	 * No reference yet: while nothing of ours exists no caller can be
	 * inside a namespace we made (or a torn-down one). A namespace
	 * that appeared since the read above was made by a caller that
	 * wrote the reference first (logins of a fresh boot race here):
	 * read it again. With namespaces there and still no reference
	 * (state from before the reference was kept), only a caller in
	 * init's own namespace is taken for the host.
	 */
	if (ns_rec_count() > 0 && (r = compare_ref(mine)) != -ENOENT)
		return r;
	if (ns_rec_count() > 0) {
		char init[64];
		struct stat st;

		if (stat("/proc/1/ns/net", &st) ||
		    snprintf(init, sizeof(init), "%llu:%llu\n",
			     (unsigned long long)st.st_dev,
			     (unsigned long long)st.st_ino) < 0 ||
		    strcmp(init, mine)) {
			err("no reference to the host's network namespace "
			    "(%s/%s) and namespaces exist: run the helper "
			    "once from the host", state_dir(), HOSTNS_FILE);
			return -ENOENT;
		}
	}
	r = state_write_blob(HOSTNS_FILE, mine, strlen(mine));
	return r ? r : 1;
}

int hostns_begin(struct locks *l, bool exclusive, struct nl *host,
		 const char *refusal)
{
	char e[256];
	int r = locks_begin(l, exclusive, e, sizeof(e));

	if (r) {
		err("%s", e);
		return r;
	}
	r = hostns_is_host();
	if (!r)
		err("%s", refusal);
	if (r <= 0)
		r = r ? r : -EPERM;
	else if ((r = nl_open(host)))
		err("netlink: %s", strerror(-r));
	if (r)
		locks_end(l);
	return r;
}
