// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pool.c - address pool arithmetic and leases: slot N maps to the
 * right /31 and /64, the pool size is the smaller of both pools, leases are
 * unique, freed leases come back, and a full pool says so clearly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "locks.h"
#include "pool.h"
#include "state.h"
#include "tap.h"

static struct locks locks = LOCKS_INIT;

static struct network net(const char *pool, const char *pool6)
{
	struct network n;

	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "lab");
	n.type = NET_NAT;
	(void)cidr_parse(pool, true, &n.pool);
	if (pool6)
		(void)cidr_parse(pool6, true, &n.pool6);
	return n;
}

static const char *fmt(const struct cidr *c)
{
	static char buf[4][CIDR_STRLEN];
	static int i;

	return cidr_format(c, true, buf[i++ % 4], CIDR_STRLEN);
}

static void arithmetic(void)
{
	struct network n = net("10.213.0.0/16", "fd6e:7300::/48");
	struct pool_addrs a;

	ok(pool_slots(&n) == 32768, "a /16 holds 32768 sessions");
	ok(!pool_addrs(&n, 0, &a), "slot 0");
	is(fmt(&a.host4), "10.213.0.0/31", "slot 0 host end");
	is(fmt(&a.ns4), "10.213.0.1/31", "slot 0 namespace end");
	is(fmt(&a.host6), "fd6e:7300::1/64", "slot 0 host end v6");
	is(fmt(&a.ns6), "fd6e:7300::2/64", "slot 0 namespace end v6");
	ok(!pool_addrs(&n, 32767, &a), "last slot");
	is(fmt(&a.ns4), "10.213.255.255/31", "last slot namespace end");
	is(fmt(&a.ns6), "fd6e:7300:0:7fff::2/64", "last slot v6");
	ok(pool_addrs(&n, 32768, &a) == -ERANGE, "slot past the end refused");

	n = net("10.213.0.0/16", "fd6e:7300::/60");
	ok(pool_slots(&n) == 16, "a /60 pool6 limits a /16 pool to 16");
	n = net("10.213.0.0/29", NULL);
	ok(pool_slots(&n) == 4, "a /29 holds 4 sessions");
	ok(!pool_addrs(&n, 3, &a) && !a.ns6.family, "no pool6: no IPv6");
}

static int private_state_dir(void)
{
	static char dir[] = "/run/pn-test-pool.XXXXXX";

	if (!mkdtemp(dir))
		return -1;
	chmod(dir, 0700);
	state_set_dir(dir);
	return 0;
}

/*
 * 8 processes, each with its own state (as 8 helpers are), lease 16 slots
 * each at once: the resource lock makes each lease whole, so all 128 are
 * distinct.
 */
static void concurrent(void)
{
	struct network n = net("10.213.0.0/24", NULL);
	bool seen[128] = { false };
	int fds[2], got = 0, dup = 0;
	uint32_t slot;

	if (pipe(fds))
		return;
	for (int c = 0; c < 8; c++) {
		if (fork())
			continue;
		char err[256];
		int bad = 0;

		/* locks of its own, the resource lock's open file too */
		locks_end(&locks);
		if (locks_begin(&locks, false, err, sizeof(err)))
			_exit(1);
		for (int i = 0; i < 16; i++) {
			bad |= pool_alloc(&locks, NULL, &n, &slot, err,
					  sizeof(err));
			bad |= write(fds[1], &slot, sizeof(slot)) !=
			       sizeof(slot);
		}
		_exit(bad);
	}
	(void)close(fds[1]);
	while (read(fds[0], &slot, sizeof(slot)) == sizeof(slot)) {
		got++;
		dup += slot >= 128 || seen[slot];
		if (slot < 128)
			seen[slot] = true;
	}
	(void)close(fds[0]);
	for (int c = 0, st; c < 8; c++)
		ok(wait(&st) > 0 && WIFEXITED(st) && !WEXITSTATUS(st),
		   "leasing process %d", c + 1);
	ok(got == 128 && !dup, "128 leases taken at once by 8 processes are "
	   "128 slots (%d, %d twice)", got, dup);
	(void)pool_set(&locks, "lab", NULL, 0);
}

static void leases(void)
{
	struct network n = net("10.213.0.0/29", NULL);
	char err[256];
	uint32_t s[5];
	int r;

	if (geteuid() != 0 && getenv("CI") && !strcmp(getenv("CI"), "true")) {
		ok(0, "lease tests need root under CI");
		return;
	}
	if (geteuid() != 0) {
		for (int i = 0; i < 18; i++)
			printf("ok %d # skip needs root\n", ++tap_n);
		return;
	}
	ok(!private_state_dir() && !locks_begin(&locks, false, err, sizeof(err)),
	   "state dir opens");
	for (int i = 0; i < 4; i++)
		s[i] = 99;
	r = 0;
	for (int i = 0; i < 4; i++)
		r |= pool_alloc(&locks, NULL, &n, &s[i], err, sizeof(err));
	ok(!r, "4 leases from a /29");
	ok(s[0] != s[1] && s[0] != s[2] && s[0] != s[3] && s[1] != s[2] &&
	   s[1] != s[3] && s[2] != s[3] && s[0] < 4 && s[1] < 4 && s[2] < 4 &&
	   s[3] < 4, "the 4 leases are distinct slots");
	r = pool_alloc(&locks, NULL, &n, &s[4], err, sizeof(err));
	ok(r == -ENOSPC, "a 5th lease fails with ENOSPC");
	is(err, "address pool 10.213.0.0/29 exhausted (4 sessions)",
	   "exhaustion message");
	ok(!pool_free(&locks, "lab", s[2]), "a lease is freed");
	ok(!pool_alloc(&locks, NULL, &n, &s[4], err, sizeof(err)) &&
	   s[4] == s[2],
	   "the freed slot is leased again");
	for (int i = 0; i < 4; i++)
		(void)pool_free(&locks, "lab", i == 2 ? s[4] : s[i]);
	ok(state_read_blob("leases/lab", s, 1) == -ENOENT,
	   "no lease file when the pool is empty");
	{
		uint32_t v[] = { 1, 3 };
		ok(!pool_set(&locks, "lab", v, 2) &&
		   !pool_alloc(&locks, NULL, &n, &s[0], err, sizeof(err)) &&
		   (s[0] == 0 || s[0] == 2), "pool_set rebuilds the bitmap");
		(void)pool_set(&locks, "lab", NULL, 0);
	}
	concurrent();
	locks_end(&locks);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_dir());
		(void)!system(cmd);
	}
}

int main(void)
{
	arithmetic();
	leases();
	return done_testing();
}
