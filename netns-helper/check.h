/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - what `check` (and `edit`) look at beyond the parse: the policy
 * against the host it runs on.
 */
#ifndef PN_CHECK_H
#define PN_CHECK_H

#include "conf.h"

/*
 * check_host() - check @c against the host and log what is found:
 *   errors:   a wg-quick file a vpn network names that is unsafe or does
 *             not parse;
 *   warnings: a wg-quick file not there yet, a pool, pool6 or subnet that
 *             overlaps a route of the host (routes come and go; a login
 *             over one is refused), a rule naming a user or group NSS
 *             does not know, a user or group confined for some services
 *             and left on the host for others, rules after a rule that
 *             matches every login (the policy stays valid).
 * Return: the number of errors
 */
int check_host(const struct conf *c);

#endif
