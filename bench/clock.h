/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock.h - the benchmarks' one clock: CLOCK_MONOTONIC in microseconds. */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <time.h>

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

#endif
