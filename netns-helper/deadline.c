// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * deadline.c - the end of the helper's waits (see deadline.h), on
 * CLOCK_MONOTONIC: a clock change during a login must not move it.
 *
 * One per process, which is one per request of this helper: the waits of
 * the network kinds (a DHCP lease, a tunnel device) read it with no
 * request at hand. A resident service serving requests at once would
 * carry it in the request (struct ns_ctx, and struct locks for the lock
 * waits) instead.
 */
#include <stdbool.h>
#include <time.h>

#include "deadline.h"

static bool bounded;
static long long end_ms;	/* CLOCK_MONOTONIC */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void deadline_set(long ms)
{
	bounded = true;
	end_ms = now_ms() + ms - DEADLINE_MARGIN_MS;
}

long deadline_left_ms(void)
{
	long long left;

	if (!bounded)
		return -1;
	left = end_ms - now_ms();
	return left > 0 ? (long)left : 0;
}

long deadline_cap_ms(long ms)
{
	long left = deadline_left_ms();

	return left >= 0 && left < ms ? left : ms;
}
