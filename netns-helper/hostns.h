/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostns.h - which network namespace is the host's. The helper runs in
 * its caller's namespaces; the host is told by a reference taken when no
 * namespace of ours exists yet, never by our own records (a process left
 * in a torn-down namespace is in no record, and is not the host).
 */
#ifndef PN_HOSTNS_H
#define PN_HOSTNS_H

#include <stdbool.h>

/*
 * hostns_is_host() - whether the caller is in the host's network
 * namespace. The first call with the state open and no namespace of ours
 * recorded takes the reference (STATE_DIR/hostns); later ones compare.
 * Return: 1 the host's, 0 another one, or a negative errno.
 */
int hostns_is_host(void);

struct locks;
struct nl;

/*
 * hostns_begin() - how a verb that changes the host's networking starts:
 * the state lock (@exclusive: gc), the check that it runs in the host's
 * network namespace (@refusal is logged when not), netlink on the host
 * into @host. Logs what fails; on failure nothing is held.
 * Return: 0 or -errno
 */
int hostns_begin(struct locks *l, bool exclusive, struct nl *host,
		 const char *refusal);

#endif
