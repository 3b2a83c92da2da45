// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sdscope.c - the daemons' scope names (sdscope_name()): a
 * namespace's name as it is, a byte a unit name cannot hold escaped as
 * systemd-escape does, and a name too long for a unit refused.
 */
#include <errno.h>
#include <string.h>

#include "sdscope.h"
#include "tap.h"

int main(void)
{
	char buf[SDSCOPE_MAX], name[300];

	ok(!sdscope_name("wg", "corp.alice", buf), "a user-scope name");
	is(buf, "pam_netns-wg-corp.alice.scope", "  is kept as it is");
	ok(!sdscope_name("dhcp", "lease.root.3f2a", buf), "a session-scope name");
	is(buf, "pam_netns-dhcp-lease.root.3f2a.scope", "  is kept as it is");
	ok(!sdscope_name("wg", "a b/c@d", buf), "bytes a unit name cannot hold");
	is(buf, "pam_netns-wg-a\\x20b\\x2fc\\x40d.scope", "  are escaped");
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ok(sdscope_name("wg", name, buf) == -ENAMETOOLONG,
	   "a name too long for a unit is refused");
	name[SDSCOPE_MAX - sizeof("pam_netns-wg-.scope")] = '\0';
	ok(!sdscope_name("wg", name, buf) && strlen(buf) == SDSCOPE_MAX - 1,
	   "the longest that fits is taken");
	return done_testing();
}
