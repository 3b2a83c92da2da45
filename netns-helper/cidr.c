// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cidr.c - IPv4/IPv6 addresses with a prefix length: parsing with
 * inet_pton(), printing, containment, overlap and address arithmetic.
 *
 * Pure code: no I/O, no logging. Addresses keep their host bits, so the
 * same type serves "192.0.2.5/24" (an interface address) and
 * "192.0.2.0/24" (a network); cidr_is_network() tells them apart.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"

/* Longest address text inet_pton() can accept, plus NUL. */
#define ADDR_TEXT_MAX INET6_ADDRSTRLEN

/*
 * A prefix is 1 to 3 decimal digits with no sign, no blanks and no
 * leading zero: strtoul() would accept " +8" and "0x8", and a policy
 * should have one spelling per value.
 */
static int parse_prefix(const char *s, unsigned bits, uint8_t *ret)
{
	unsigned v = 0;
	size_t len = strlen(s);

	if (len < 1 || len > 3 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > bits)
		return -EINVAL;
	*ret = (uint8_t)v;
	return 0;
}

/**
 * cidr_parse() - parse "A", "A/P", "A6" or "A6/P"
 * @s:		text, without surrounding blanks
 * @need_prefix: true to require "/P"
 * @ret:	filled on success; without "/P" the prefix is the full length
 *
 * Return: 0, or -EINVAL (and @ret zeroed)
 */
int cidr_parse(const char *s, bool need_prefix, struct cidr *ret)
{
	char addr[ADDR_TEXT_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct cidr c = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (alen == 0 || alen >= sizeof(addr) || (need_prefix && !slash))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	c.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c.family, addr, c.addr) != 1)
		return -EINVAL;
	c.prefix = (uint8_t)cidr_bits(&c);
	if (slash && parse_prefix(slash + 1, cidr_bits(&c), &c.prefix))
		return -EINVAL;
	*ret = c;
	return 0;
}

/**
 * cidr_format() - print @c as "A/P", or "A" when @with_prefix is false
 * @c:		address
 * @with_prefix: append "/P"
 * @buf:	output, CIDR_STRLEN bytes are always enough
 * @len:	size of @buf
 *
 * Return: @buf; it holds "?" when @c has no family or @buf is too small,
 * so that the result can always be printed.
 */
const char *cidr_format(const struct cidr *c, bool with_prefix,
			char *buf, size_t len)
{
	char addr[ADDR_TEXT_MAX];
	int n;

	if (!len)
		return buf;
	if ((c->family != AF_INET && c->family != AF_INET6) ||
	    !inet_ntop(c->family, c->addr, addr, sizeof(addr)))
		goto bad;
	if (with_prefix)
		n = snprintf(buf, len, "%s/%u", addr, (unsigned)c->prefix);
	else
		n = snprintf(buf, len, "%s", addr);
	if (n >= 0 && (size_t)n < len)
		return buf;
bad:
	snprintf(buf, len, "?");
	return buf;
}

/**
 * cidr_bits() - address length of @c's family
 * @c:		address
 *
 * Return: 128 for IPv6, else 32
 */
unsigned cidr_bits(const struct cidr *c)
{
	return c->family == AF_INET6 ? 128 : 32;
}

/* Mask of the bits of byte @i that belong to the first @prefix bits. */
static uint8_t prefix_mask(unsigned i, unsigned prefix)
{
	if (prefix >= (i + 1) * 8)
		return 0xff;
	if (prefix <= i * 8)
		return 0;
	return (uint8_t)(0xff << (8 - (prefix - i * 8)));
}

/* True when @a and @b agree on their first @prefix bits. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	for (unsigned i = 0; i < 16 && i * 8 < prefix; i++)
		if ((a[i] ^ b[i]) & prefix_mask(i, prefix))
			return false;
	return true;
}

/**
 * cidr_is_network() - whether @c has no host bits set
 * @c:		address
 *
 * Return: true for "192.0.2.0/24", false for "192.0.2.1/24"
 */
bool cidr_is_network(const struct cidr *c)
{
	unsigned bytes = cidr_bits(c) / 8;

	for (unsigned i = 0; i < bytes; i++)
		if (c->addr[i] & (uint8_t)~prefix_mask(i, c->prefix))
			return false;
	return true;
}

/**
 * cidr_contains() - whether @outer covers all of @inner
 * @outer:	the larger range
 * @inner:	the range or address looked for
 *
 * Return: false when the families differ
 */
bool cidr_contains(const struct cidr *outer, const struct cidr *inner)
{
	if (!outer->family || outer->family != inner->family ||
	    outer->prefix > inner->prefix)
		return false;
	return same_prefix(outer->addr, inner->addr, outer->prefix);
}

/**
 * cidr_overlap() - whether two ranges share an address
 * @a:		range
 * @b:		range
 *
 * Two prefixes either nest or are disjoint, so comparing the shorter
 * prefix's worth of bits decides it.
 *
 * Return: false when the families differ
 */
bool cidr_overlap(const struct cidr *a, const struct cidr *b)
{
	unsigned prefix = a->prefix < b->prefix ? a->prefix : b->prefix;

	if (!a->family || a->family != b->family)
		return false;
	return same_prefix(a->addr, b->addr, prefix);
}

/* Add @n to the big-endian number @addr of @bytes bytes; false on carry out. */
static bool add_u64(uint8_t *addr, unsigned bytes, uint64_t n)
{
	unsigned carry = 0;

	for (unsigned i = bytes; i-- > 0;) {
		unsigned sum = addr[i] + (unsigned)(n & 0xff) + carry;

		addr[i] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
	return !carry && !n;
}

/**
 * cidr_nth() - the address @base + @n, with prefix @prefix
 * @base:	a range; its host bits count as the starting offset
 * @n:		offset added to the host part
 * @prefix:	prefix length of the result
 * @ret:	result (may be @base)
 *
 * Return: 0, -ERANGE when the sum leaves @base's range, -EINVAL for an
 * unset family or a @prefix longer than the address
 */
bool cidr_span(const struct cidr *c, uint8_t first[16], uint8_t next[16])
{
	unsigned bytes = cidr_bits(c) / 8;

	memset(first, 0, 16);
	memset(next, 0, 16);
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t m = prefix_mask(i, c->prefix);

		first[i] = c->addr[i] & m;
		next[i] = first[i] | (uint8_t)~m;	/* the last address */
	}
	return add_u64(next, bytes, 1);
}

int cidr_nth(const struct cidr *base, uint64_t n, uint8_t prefix,
	     struct cidr *ret)
{
	struct cidr c = *base;

	if ((c.family != AF_INET && c.family != AF_INET6) ||
	    prefix > cidr_bits(&c) || c.prefix > cidr_bits(&c))
		return -EINVAL;
	if (!add_u64(c.addr, cidr_bits(&c) / 8, n) ||
	    !same_prefix(c.addr, base->addr, base->prefix))
		return -ERANGE;
	c.prefix = prefix;
	*ret = c;
	return 0;
}

void cidr_unmap(struct cidr *c)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };

	if (c->family != AF_INET6 || c->prefix < 96 ||
	    memcmp(c->addr, mapped, sizeof(mapped)))
		return;
	memmove(c->addr, c->addr + 12, 4);
	memset(c->addr + 4, 0, 12);
	c->family = AF_INET;
	c->prefix -= 96;
}
