// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy.c - who gets which network: first match wins, users, groups
 * through NSS, services, rhost names and CIDRs, host/deny verdicts, the
 * default, and unknown users as errors (never "not confined").
 *
 * Group membership is read through NSS, so as root the test runs in a
 * private mount namespace with its own /etc/passwd and /etc/group bound
 * over the real ones (the host's files are never touched). Without root,
 * only the cases that need no test users run.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"

static const char policy[] =
	"networks = {\n"
	"  offline = { type = \"isolated\"; };\n"
	"  lab = { type = \"nat\"; pool = \"10.213.0.0/16\"; };\n"
	"  ssh = { type = \"nat\"; pool = \"10.214.0.0/16\"; };\n"
	"};\n"
	"rules = (\n"
	"  { user = \"root\"; network = \"host\"; },\n"                    /* 7 */
	"  { user = \"mallory\"; network = \"deny\"; },\n"                 /* 8 */
	"  { group = \"contractors\"; network = \"offline\"; },\n"         /* 9 */
	"  { group = \"students\"; service = [\"sshd\"]; network = \"lab\"; scope = \"session\"; },\n"
	"  { user = \"alice\"; rhost = [\"192.0.2.0/24\", \"gw.example\"]; network = \"ssh\"; },\n"
	"  { group = \"lab\"; network = \"lab\"; scope = \"shared\"; },\n" /* 12 */
	");\n"
	"default = \"deny\";\n";

static struct conf *conf;

static struct decision decide(const char *user, const char *service,
			      const char *rhost, int *ret)
{
	struct login l = { user, service, rhost };
	struct decision d;
	char err[256];

	*ret = policy_resolve(conf, &l, &d, err, sizeof(err));
	return d;
}

static void expect(const char *user, const char *service, const char *rhost,
		   enum rule_verdict v, int line, const char *netns)
{
	int r;
	struct decision d = decide(user, service, rhost, &r);

	ok(!r && d.verdict == v && (d.rule ? d.rule->line : 0) == line &&
	   (!netns || !strcmp(d.netns, netns)),
	   "%s/%s/%s -> %s at line %d %s", user, service ?: "-", rhost ?: "-",
	   policy_verdict_str(v), line, netns ?: "");
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A private mount namespace in which NSS sees only the test users. */
static int fake_nss(void)
{
	static char dir[] = "/run/pn-test-policy.XXXXXX";
	char pw[64], gr[64];
	int r;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || !mkdtemp(dir))
		return -1;
	r = mount("tmpfs", dir, "tmpfs", 0, "mode=0755");
	snprintf(pw, sizeof(pw), "%s/passwd", dir);
	snprintf(gr, sizeof(gr), "%s/group", dir);
	r = r ?: write_file(pw, "root:x:0:0:root:/root:/bin/sh\n"
			     "alice:x:2001:2001::/home/alice:/bin/sh\n"
			     "bob:x:2002:2002::/home/bob:/bin/sh\n"
			     "carol:x:2003:2003::/home/carol:/bin/sh\n"
			     "dave:x:2004:2100::/home/dave:/bin/sh\n");
	r = r ?: write_file(gr, "root:x:0:\n"
			     "alice:x:2001:\nbob:x:2002:\ncarol:x:2003:\n"
			     "lab:x:2100:alice\n"
			     "students:x:2101:alice\n"
			     "contractors:x:2102:bob\n");
	r = r ?: mount(pw, "/etc/passwd", NULL, MS_BIND, NULL);
	r = r ?: mount(gr, "/etc/group", NULL, MS_BIND, NULL);
	/* the tmpfs stays reachable through the binds; its mount point goes */
	(void)umount2(dir, MNT_DETACH);
	(void)rmdir(dir);
	return r;
}

static void with_test_users(void)
{
	int r;

	expect("root", "sshd", NULL, VERDICT_HOST, 7, NULL);
	expect("bob", "sshd", NULL, VERDICT_NETWORK, 9, "offline.bob");
	expect("bob", "login", "192.0.2.7", VERDICT_NETWORK, 9, "offline.bob");
	ok(decide("bob", "sshd", NULL, &r).scope == SCOPE_USER,
	   "scope defaults to user");
	/* alice: students only for sshd, first match wins over later rules */
	expect("alice", "sshd", NULL, VERDICT_NETWORK, 10, "lab.alice");
	ok(decide("alice", "sshd", NULL, &r).scope == SCOPE_SESSION,
	   "students rule has session scope");
	expect("alice", "login", "192.0.2.99", VERDICT_NETWORK, 11,
	       "ssh.alice");
	expect("alice", "login", "GW.example", VERDICT_NETWORK, 11,
	       "ssh.alice");
	/* sshd on an IPv6 socket reports IPv4 clients mapped */
	expect("alice", "login", "::ffff:192.0.2.99", VERDICT_NETWORK, 11,
	       "ssh.alice");
	expect("alice", "login", "::FFFF:198.51.100.1", VERDICT_NETWORK, 12,
	       "lab");
	expect("alice", "login", "198.51.100.1", VERDICT_NETWORK, 12, "lab");
	expect("alice", "su", NULL, VERDICT_NETWORK, 12, "lab");
	/* dave's *primary* group is lab: getgrouplist counts it */
	expect("dave", "su", NULL, VERDICT_NETWORK, 12, "lab");
	expect("carol", "sshd", NULL, VERDICT_DENY, 0, NULL);
	decide("nosuchuser", "sshd", NULL, &r);
	ok(r == -ENOENT, "an unknown user is an error, not 'not confined'");
}

int main(void)
{
	char err[512];

	if (conf_parse(policy, strlen(policy), "t.conf", &conf, err,
		       sizeof(err))) {
		ok(0, "test policy parses: %s", err);
		return done_testing();
	}
	ok(1, "test policy parses");
	expect("root", "sshd", NULL, VERDICT_HOST, 7, NULL);
	if (geteuid() == 0) {
		ok(!fake_nss(), "private passwd/group for the test users");
		with_test_users();
	} else if (getenv("CI") && !strcmp(getenv("CI"), "true")) {
		ok(0, "group tests need root under CI");
	} else {
		printf("ok %d # skip group tests need root\n", ++tap_n);
	}
	conf_free(conf);
	return done_testing();
}
