/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * deadline.h - when the helper's waits must end.
 *
 * pam_netns.so gives a helper run `timeout` seconds (a module option,
 * PN_TIMEOUT_*) and then kills it and refuses the login; it tells
 * session-open and session-close so with --deadline-ms. Every wait of
 * those verbs (a lock, a tunnel device, a DHCP lease, a name lookup,
 * wireguard-go's socket) ends DEADLINE_MARGIN_MS before that, which
 * leaves the helper the time to roll back and answer. PN_TIMEOUT_* are
 * the module's, in protocol.h.
 */
#ifndef PN_DEADLINE_H
#define PN_DEADLINE_H

#include <stdbool.h>

#include "protocol.h"

#define DEADLINE_MARGIN_MS	2000

/*
 * The deadline of one request, owned by its verb and handed down by
 * pointer. A NULL pointer, like one never set, bounds nothing (up, down
 * and gc run from a shell or a unit).
 */
struct deadline {
	bool bounded;
	long long end_ms;	/* CLOCK_MONOTONIC */
};

/*
 * deadline_set() - the caller gives up @ms milliseconds from now; waits
 * end DEADLINE_MARGIN_MS earlier.
 */
void deadline_set(struct deadline *d, long ms);

/* deadline_left_ms() - milliseconds left to wait, 0 when none is; -1
 * when there is no deadline. */
long deadline_left_ms(const struct deadline *d);

/* deadline_cap_ms() - @ms, or what is left of the deadline if less. */
long deadline_cap_ms(const struct deadline *d, long ms);

#endif
