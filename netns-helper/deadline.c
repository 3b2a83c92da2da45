// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * deadline.c - the end of a request's waits (see deadline.h), on
 * CLOCK_MONOTONIC: a clock change during a login must not move it.
 *
 * A struct deadline is a value its verb owns and hands down (struct
 * ns_ctx, struct locks for the lock waits): nothing here is per process,
 * so requests served at once each keep their own.
 */
#include <stdbool.h>
#include <time.h>

#include "deadline.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void deadline_set(struct deadline *d, long ms)
{
	d->bounded = true;
	d->end_ms = now_ms() + ms - DEADLINE_MARGIN_MS;
}

long deadline_left_ms(const struct deadline *d)
{
	long long left;

	if (!d || !d->bounded)
		return -1;
	left = d->end_ms - now_ms();
	return left > 0 ? (long)left : 0;
}

long deadline_cap_ms(const struct deadline *d, long ms)
{
	long left = deadline_left_ms(d);

	return left >= 0 && left < ms ? left : ms;
}
