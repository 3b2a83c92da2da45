// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_records.c - the records keep their on-disk form: a record written
 * by an older helper reads into the right fields (unknown keys skipped,
 * missing ones at their "none"), a record written and read again is the
 * same, fields at "none" are not written, and what cannot be kept is
 * refused rather than cut.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locks.h"
#include "records.h"
#include "tap.h"

static const char old_ns[] =
	"network=lab\ntype=nat\nscope=user\nuser=alice\nid=7\n"
	"created=1700000000\nstate=ready\nino=4026532999\nslot=0\n"
	"ifname=pnh00000007\naddr4=10.213.0.1\naddr6=\nwgpid=\n"
	"future=what a later helper may add\n";

static int put(const char *path, const char *text)
{
	return state_write_blob(path, text, strlen(text));
}

static void old_records(struct locks *l)
{
	struct ns_rec r;
	struct sess_rec s;
	struct fwd_rec f;
	uint32_t serial;

	ok(!put("ns/old", old_ns) && !ns_rec_read("old", &r),
	   "a namespace record of the older helper reads");
	ok(!strcmp(r.name, "old") && !strcmp(r.network, "lab") &&
	   !strcmp(r.type, "nat") && !strcmp(r.scope, "user") &&
	   !strcmp(r.user, "alice") && r.id == 7 && r.created == 1700000000 &&
	   r.ready && r.ino == 4026532999ull && r.slot == 0 &&
	   !strcmp(r.ifname, "pnh00000007") && !strcmp(r.addr4, "10.213.0.1"),
	   "into its fields");
	ok(!*r.addr6 && r.wgpid == 0 && r.dev_index == -1 && !*r.bridge,
	   "empty and missing keys at their none (dev_index -1)");
	ok(!put("ns/empty", "") && !ns_rec_read("empty", &r) && r.slot == -1 &&
	   !r.ready && ns_rec_shared(&r), "an empty record: no lease, not "
	   "ready, kept until down");
	ok(!put("sessions/t1", "netns=lab.alice\nuser=alice\nservice=sshd\n"
		"rhost=\ntty=pts/1\npid=1234\nstart=99\nsince=1700000001\n") &&
	   !sess_rec_read("t1", &s) && !strcmp(s.netns, "lab.alice") &&
	   s.pid == 1234 && s.start == 99 && s.since == 1700000001 &&
	   !strcmp(s.tty, "pts/1"), "a session record of the older helper");
	ok(!put("forwarding", "ipv4=0\n") && !fwd_rec_read(&f) &&
	   f.saved[0] && f.old[0] == 0 && !f.saved[1],
	   "saved forwarding sysctls");
	ok(!put("seq", "last=41\n") && !serial_next(l, &serial) && serial == 42,
	   "the serial goes on from the older one");
	ok(!put("ino/4026532999", "name=old\n") &&
	   ns_by_inode(4026532999ull, NULL, 0) == 1,
	   "the inode index of the older helper");
	(void)ns_rec_remove("empty");
	(void)sess_rec_remove("t1");
}

static void round_trip(void)
{
	struct ns_rec a, b;
	char text[1024];
	int n;

	ok(!ns_rec_init(&a, "rt") && !REC_SET(a.network, "lab") &&
	   !REC_SET(a.type, "vpn") && !REC_SET(a.backend, "userspace"),
	   "a record is filled");
	a.id = 3;
	a.wgpid = 4321;
	a.wgstart = 1ull << 40;
	ok(!ns_rec_write(&a) && !ns_rec_read("rt", &b) &&
	   !memcmp(&a, &b, sizeof(a)), "written and read again, it is the "
	   "same");
	n = state_read_blob("ns/rt", text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	ok(strstr(text, "state=creating\n") && strstr(text, "wgpid=4321\n") &&
	   !strstr(text, "slot=") && !strstr(text, "ino=") &&
	   !strstr(text, "addr4="), "none values are not written");
	ok(REC_SET(a.ifname, "%s", "a-name-longer-than-ifnamsiz") == -EINVAL,
	   "a value longer than its field is refused");
	ok(!put("ns/long", "ifname=a-name-longer-than-ifnamsiz\n") &&
	   ns_rec_read("long", &b) == -EBADMSG, "and so is such a record");
	ok(ns_rec_read("nosuch", &b) == -ENOENT, "no record: -ENOENT");
	(void)ns_rec_remove("long");
}

static void members(void)
{
	ok(!member_add("lab", "t1") && !member_add("lab", "t2") &&
	   member_count("lab") == 2, "two references");
	ok(!member_remove("lab", "t1") && member_count("lab") == 1,
	   "one dropped");
	ok(!member_remove("lab", "t2") && !member_dir_remove("lab") &&
	   member_count("lab") == 0, "none left, nor their directory");
}

int main(void)
{
	static char dir[] = "/run/pn-test-records.XXXXXX";
	struct locks l = LOCKS_INIT;
	char err[256], cmd[128];

	if (geteuid() != 0 && !(getenv("CI") && !strcmp(getenv("CI"), "true")))
		skip_all("needs root (a state directory owned by root)");
	if (!ok(mkdtemp(dir) && !chmod(dir, 0700), "a state directory"))
		return done_testing();
	state_set_dir(dir);
	if (ok(!locks_begin(&l, false, err, sizeof(err)), "it opens")) {
		old_records(&l);
		round_trip();
		members();
		locks_end(&l);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
	return done_testing();
}
