/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net_vpn.h - what the vpn kind (net_vpn.c) offers beyond its struct
 * net_kind: the check of what a VPN client says its server gave it for an
 * adopted device (the tunnel verb, cmd_adopt.c).
 */
#ifndef PN_NET_VPN_H
#define PN_NET_VPN_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

/* vpn_addr_list() - "A[/P],A[/P]" (with a prefix when @prefix) into
 * @ret. Return: 0, or -EINVAL (also for an empty list). */
int vpn_addr_list(const char *s, bool prefix, struct cidr_list *ret);

/* vpn_adopts() - @n is a vpn network adopting device @dev. */
bool vpn_adopts(const struct network *n, const char *dev);

/* vpn_addr_check() - as vpn_client_check(), for a device no namespace
 * holds: nothing is changed. */
int vpn_addr_check(const struct network *n, const struct cidr_list *got,
		   char *err, size_t errlen);

/*
 * vpn_client_check() - namespace @ns holds @n's adopted device; @got is
 * what its server gave the client. An address that is not the policy's
 * sets the device down (the namespace keeps only its unreachable routes).
 * Return: 0 when they agree, else -EADDRNOTAVAIL with the reason in @err.
 */
int vpn_client_check(const struct network *n, const char *ns,
		     const struct cidr_list *got, char *err, size_t errlen);

/* vpn_dns_differs() - @got names a resolver @n's "dns" does not. */
int vpn_dns_differs(const struct network *n, const struct cidr_list *got);

#endif
