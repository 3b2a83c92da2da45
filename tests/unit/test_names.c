// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_names.c - name validation and the derivation of namespace and
 * interface names: bad names are refused with the right reason, and two
 * different inputs never derive the same name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "tap.h"

static void network_names(void)
{
	static const struct { const char *s; enum name_err e; } cases[] = {
		{ "lab", NAME_OK }, { "lab_2-x", NAME_OK }, { "_x", NAME_OK },
		{ "", NAME_EMPTY }, { "Lab", NAME_BAD_CHAR },
		{ "a/b", NAME_BAD_CHAR }, { "..", NAME_BAD_CHAR },
		{ "a.b", NAME_BAD_CHAR }, { "a:b", NAME_BAD_CHAR },
		{ "a b", NAME_BAD_CHAR }, { "a\nb", NAME_BAD_CHAR },
		{ "-x", NAME_BAD_CHAR }, { "host", NAME_RESERVED },
		{ "deny", NAME_RESERVED },
		{ "abcdefghijklmnopqrst", NAME_OK },
		{ "abcdefghijklmnopqrstu", NAME_TOO_LONG },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char shown[64], nb[NAME_ERR_MAX];

		/* keep control bytes out of the TAP line */
		snprintf(shown, sizeof(shown), "%s", cases[i].s);
		for (char *p = shown; *p; p++)
			*p = (*p < ' ') ? '?' : *p;
		ok(name_check_network(cases[i].s) == cases[i].e,
		   "network name '%s' -> %s", shown,
		   name_err_str(cases[i].e, NET_NAME_MAX, nb));
	}
}

static void netns_and_ifnames(void)
{
	char big[300], nb[NAME_ERR_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(name_check_netns("lab.alice.12") == NAME_OK, "netns lab.alice.12");
	ok(name_check_netns("../etc") == NAME_BAD_CHAR, "netns ../etc refused");
	ok(name_check_netns("a..b") == NAME_BAD_CHAR, "netns a..b refused");
	ok(name_check_netns(".x") == NAME_BAD_CHAR, "netns .x refused");
	ok(name_check_netns("a/b") == NAME_BAD_CHAR, "netns a/b refused");
	ok(name_check_netns(big) == NAME_TOO_LONG, "netns of 299 bytes refused");
	ok(name_check_ifname("eth0") == NAME_OK, "ifname eth0");
	ok(name_check_ifname("enp3s1f0") == NAME_OK, "ifname enp3s1f0");
	ok(name_check_ifname("a:b") == NAME_BAD_CHAR, "ifname a:b refused");
	ok(name_check_ifname("a b") == NAME_BAD_CHAR, "ifname 'a b' refused");
	ok(name_check_ifname("..") == NAME_RESERVED, "ifname .. refused");
	ok(name_check_ifname("abcdefghijklmnop") == NAME_TOO_LONG,
	   "ifname of 16 bytes refused");
	is(name_err_str(NAME_TOO_LONG, 15, nb), "is longer than 15 bytes",
	   "too-long message names the limit");
}

static void derivation(void)
{
	char a[NETNS_NAME_MAX + 1], b[NETNS_NAME_MAX + 1];
	char user[300];

	ok(!name_netns_user("lab", "alice", 1000, a, sizeof(a)) &&
	   !strcmp(a, "lab.alice"), "user scope: lab.alice");
	ok(!name_netns_user("lab", "Bob.Smith", 1001, a, sizeof(a)) &&
	   !strcmp(a, "lab.1001"), "a user name with '.' or capitals uses the uid");
	ok(!name_netns_user("lab", "1001", 5, b, sizeof(b)) &&
	   !strcmp(b, "lab.5"), "a numeric user name uses the uid, never '1001'");
	/* network "lab-x" + user "y" vs network "lab" + user "x-y" */
	ok(!name_netns_user("lab-x", "y", 1, a, sizeof(a)) &&
	   !name_netns_user("lab", "x-y", 2, b, sizeof(b)) && strcmp(a, b),
	   "'lab-x'/'y' and 'lab'/'x-y' differ (%s, %s)", a, b);
	ok(!name_netns_session("lab", "alice", 1000, 7, a, sizeof(a)) &&
	   !strcmp(a, "lab.alice.7"), "session scope: lab.alice.7");
	ok(!name_netns_user("lab", "alice.7", 1000, b, sizeof(b)) &&
	   strcmp(a, b), "user 'alice.7' cannot take session lab.alice.7");
	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	ok(!name_netns_user("abcdefghijklmnopqrst", user, 4294967295u, a,
			    sizeof(a)) && name_check_netns(a) == NAME_OK,
	   "299-byte user, 20-byte network -> valid name %s", a);
	ok(!name_netns_session("abcdefghijklmnopqrst",
			       "abcdefghijklmnopqrstuvwxyzabcdef", 1,
			       4294967295u, a, sizeof(a)) &&
	   name_check_netns(a) == NAME_OK && strlen(a) <= NETNS_NAME_MAX,
	   "longest session name fits (%zu bytes)", strlen(a));
	ok(name_netns_user("Bad", "alice", 1, a, sizeof(a)) == -EINVAL,
	   "an invalid network name derives nothing");
}

static void ifname_collisions(void)
{
	enum { N = 5000 };
	static char names[N][16];
	int dup = 0, bad = 0;

	for (int i = 0; i < N; i++) {
		/* ids far apart share long prefixes in decimal; hex keeps
		 * them apart and short */
		uint32_t id = i < N / 2 ? (uint32_t)i : 0xffffffffu - (uint32_t)i;

		if (name_ifname('h', id, names[i], sizeof(names[i])) ||
		    name_check_ifname(names[i]))
			bad++;
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			dup += !strcmp(names[i], names[j]);
	ok(!bad, "5000 derived interface names are valid (<= 15 bytes)");
	ok(!dup, "5000 derived interface names are distinct");
	ok(!name_ifname('h', 0xffffffffu, names[0], 16) &&
	   !strcmp(names[0], "pnhffffffff"), "largest id -> pnhffffffff");
	ok(name_ifname('H', 1, names[0], 16) == -EINVAL, "bad role refused");
}

static void ifnames_ours(void)
{
	char name[16];

	ok(!name_ifname('b', 0x1a, name, sizeof(name)) &&
	   name_ifname_ours(name), "a derived name is recognised as ours");
	ok(name_ifname_ours("pnh0") && name_ifname_ours("pnwffffffff"),
	   "pnh0 and pnwffffffff are ours");
	ok(!name_ifname_ours("pnh") && !name_ifname_ours("pnH1") &&
	   !name_ifname_ours("pnh1g") && !name_ifname_ours("pn01") &&
	   !name_ifname_ours("eth0") && !name_ifname_ours("pnbr0"),
	   "other names are not (pnh, pnH1, pnh1g, pn01, eth0, pnbr0)");
}

int main(void)
{
	network_names();
	netns_and_ifnames();
	derivation();
	ifname_collisions();
	ifnames_ours();
	return done_testing();
}
