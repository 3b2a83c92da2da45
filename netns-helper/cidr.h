/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cidr.h - IPv4/IPv6 addresses with a prefix length: parsing, printing,
 * containment and overlap. Pure code, unit-tested without root.
 */
#ifndef PN_CIDR_H
#define PN_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIDR_STRLEN 50	/* "ffff:...:ffff/128" plus NUL, with room */

struct cidr {
	int family;		/* AF_INET, AF_INET6, or 0 when unset */
	uint8_t addr[16];	/* network byte order; IPv4 uses addr[0..3] */
	uint8_t prefix;		/* 0..32 or 0..128 */
};

/*
 * cidr_parse() - parse "A", "A/P", "A6" or "A6/P".
 * @s:		text
 * @need_prefix: true to require "/P"
 * @ret:	filled on success; without "/P" the prefix is the full length
 *
 * Host bits are kept (an address with its prefix, as for "address" keys);
 * use cidr_is_network() to require a clean network.
 *
 * Return: 0, or -EINVAL
 */
int cidr_parse(const char *s, bool need_prefix, struct cidr *ret);

/* cidr_format() - "A/P" (or "A" when @with_prefix is false) into @buf. */
const char *cidr_format(const struct cidr *c, bool with_prefix,
			char *buf, size_t len);

/* cidr_bits() - 32 or 128. */
unsigned cidr_bits(const struct cidr *c);

/* cidr_is_network() - true when no host bits are set. */
bool cidr_is_network(const struct cidr *c);

/* cidr_contains() - true when @outer covers all of @inner (same family). */
bool cidr_contains(const struct cidr *outer, const struct cidr *inner);

/*
 * cidr_unmap() - an IPv4-mapped IPv6 range (::ffff:a.b.c.d, prefix 96 or
 * longer) becomes the IPv4 range it stands for; anything else is kept.
 * sshd reports IPv4 clients of an IPv6 socket that way.
 */
void cidr_unmap(struct cidr *c);

/* cidr_overlap() - true when the two ranges share an address. */
bool cidr_overlap(const struct cidr *a, const struct cidr *b);

/*
 * cidr_nth() - the address @base + @n (host part added), keeping @prefix.
 * Return: 0, or -ERANGE when @n does not fit in the host bits of @base
 */
int cidr_nth(const struct cidr *base, uint64_t n, uint8_t prefix,
	     struct cidr *ret);

/*
 * cidr_span() - the range @c covers: its first address into @first and the
 * first address after it into @next (network byte order, the family's
 * length; host bits of @c are ignored).
 * Return: true, or false when nothing follows it (the range ends the
 * address space; @next is then all zeros)
 */
bool cidr_span(const struct cidr *c, uint8_t first[16], uint8_t next[16]);

#endif
