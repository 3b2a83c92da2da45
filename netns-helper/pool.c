// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pool.c - address leases for nat networks (see pool.h).
 *
 * The bitmap is read and written whole under the resource lock
 * (locks.h, the caller's struct locks), which each of pool_alloc(),
 * pool_take(), pool_free() and pool_set() holds for its change alone. With the
 * largest pool (a /8 of IPv4 is capped at POOL_MAX_SLOTS) it is 128 KiB;
 * a /16 is 4 KiB. Allocation scans words from a next-fit hint kept in the
 * file's first word, so the common case touches one word.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locks.h"
#include "nl.h"
#include "pool.h"
#include "state.h"
#include "util.h"

#define WORD_BITS 64

uint32_t pool_slots(const struct network *net)
{
	uint64_t n4, n6 = UINT64_MAX;

	if (net->pool.family != AF_INET)
		return 0;
	n4 = (1ull << (32 - net->pool.prefix)) / 2;
	if (net->pool6.family == AF_INET6 && 64 - net->pool6.prefix < 63)
		n6 = 1ull << (64 - net->pool6.prefix);
	n4 = n4 < n6 ? n4 : n6;
	return n4 > POOL_MAX_SLOTS ? POOL_MAX_SLOTS : (uint32_t)n4;
}

int pool_addrs(const struct network *net, uint32_t slot,
	       struct pool_addrs *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	if (slot >= pool_slots(net))
		return -ERANGE;
	r = cidr_nth(&net->pool, 2ull * slot, 31, &ret->host4);
	if (!r)
		r = cidr_nth(&net->pool, 2ull * slot + 1, 31, &ret->ns4);
	if (r || net->pool6.family != AF_INET6)
		return r;
	/* Slot N is the N-th /64: add N to the upper 64 bits. */
	uint64_t hi = 0;

	ret->host6 = net->pool6;
	for (int i = 0; i < 8; i++)
		hi = hi << 8 | ret->host6.addr[i];
	hi += slot;
	for (int i = 7; i >= 0; i--, hi >>= 8)
		ret->host6.addr[i] = hi & 0xff;
	ret->host6.prefix = 64;
	ret->ns6 = ret->host6;
	ret->host6.addr[15] |= 1;
	ret->ns6.addr[15] |= 2;
	return 0;
}

static const char *path_of(const char *network, char *buf, size_t len)
{
	snprintf(buf, len, "leases/%s", network);
	return buf;
}

struct bitmap {
	uint64_t hint;
	uint64_t w[POOL_MAX_SLOTS / WORD_BITS];
};

static int bitmap_load(const char *network, struct bitmap *b, size_t *ret_n)
{
	char path[64];
	int n;

	memset(b, 0, sizeof(*b));
	n = state_read_blob(path_of(network, path, sizeof(path)), b,
			    sizeof(*b));
	if (n == -ENOENT)
		n = 0;
	if (n < 0)
		return n;
	*ret_n = (size_t)n;
	return 0;
}

static int bitmap_store(const char *network, const struct bitmap *b,
			uint32_t slots)
{
	char path[64];
	size_t words = (slots + WORD_BITS - 1) / WORD_BITS;

	return state_write_blob(path_of(network, path, sizeof(path)), b,
				sizeof(b->hint) + words * 8);
}

static bool bitmap_empty(const struct bitmap *b, uint32_t slots)
{
	for (uint32_t i = 0; i < (slots + WORD_BITS - 1) / WORD_BITS; i++)
		if (b->w[i])
			return false;
	return true;
}

/* First clear bit at or after the hint, wrapping; -1 when full. */
static int64_t bitmap_find(const struct bitmap *b, uint32_t slots)
{
	uint32_t words = (slots + WORD_BITS - 1) / WORD_BITS;

	for (uint32_t k = 0; k < words; k++) {
		uint32_t i = (uint32_t)((b->hint + k) % words);
		uint64_t free_bits = ~b->w[i];

		if (i == words - 1 && slots % WORD_BITS)
			free_bits &= (1ull << (slots % WORD_BITS)) - 1;
		if (free_bits)
			return (int64_t)i * WORD_BITS +
			       __builtin_ctzll(free_bits);
	}
	return -1;
}

int pool_route_clash(struct nl *nl, const struct network *net,
		     const int *skip, struct pool_clash *ret)
{
	const struct pool_clash ranges[] = {
		{ .key = "pool", .range = &net->pool, .line = net->pool_line },
		{ .key = "pool6", .range = &net->pool6,
		  .line = net->pool6_line },
		{ .key = "subnet", .range = &net->subnet,
		  .line = net->subnet_line },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		int r;

		if (!ranges[i].range->family)
			continue;
		*ret = ranges[i];
		r = nl_route_overlaps(nl, ret->range, skip, &ret->route);
		if (r)
			return r;
	}
	return 0;
}

int pool_check_routes(struct nl *nl, const struct network *net, char *err,
		      size_t errlen)
{
	struct pool_clash c;
	char buf[CIDR_STRLEN];
	int r = nl ? pool_route_clash(nl, net, NULL, &c) : 0;

	if (r > 0) {
		snprintf(err, errlen, "network '%s': %s %s overlaps a route "
			 "of the host", net->name, c.key,
			 cidr_format(c.range, true, buf, sizeof(buf)));
		return -EADDRINUSE;
	}
	return r;
}

static int alloc(struct nl *nl, const struct network *net,
		 uint32_t *ret_slot, char *err, size_t errlen)
{
	_cleanup_free_ struct bitmap *b = malloc(sizeof(*b));
	uint32_t slots = pool_slots(net);
	char buf[CIDR_STRLEN];
	size_t n;
	int64_t slot;
	int r;

	if (!b)
		return -ENOMEM;
	r = bitmap_load(net->name, b, &n);
	if (r)
		return r;
	if (bitmap_empty(b, slots)) {
		r = pool_check_routes(nl, net, err, errlen);
		if (r)
			return r;
	}
	slot = bitmap_find(b, slots);
	if (slot < 0) {
		snprintf(err, errlen, "address pool %s exhausted (%u sessions)",
			 cidr_format(&net->pool, true, buf, sizeof(buf)), slots);
		return -ENOSPC;
	}
	b->w[slot / WORD_BITS] |= 1ull << (slot % WORD_BITS);
	b->hint = (uint64_t)slot / WORD_BITS;
	*ret_slot = (uint32_t)slot;
	return bitmap_store(net->name, b, slots);
}

static int take(const char *network, uint32_t slots, uint32_t *ret_slot)
{
	_cleanup_free_ struct bitmap *b = malloc(sizeof(*b));
	size_t n;
	int64_t slot;
	int r;

	if (!b)
		return -ENOMEM;
	if (!slots || slots > POOL_MAX_SLOTS)
		return -ERANGE;
	r = bitmap_load(network, b, &n);
	if (r)
		return r;
	slot = bitmap_find(b, slots);
	if (slot < 0)
		return -ENOSPC;
	b->w[slot / WORD_BITS] |= 1ull << (slot % WORD_BITS);
	b->hint = (uint64_t)slot / WORD_BITS;
	*ret_slot = (uint32_t)slot;
	return bitmap_store(network, b, slots);
}

static int release(const char *network, uint32_t slot)
{
	_cleanup_free_ struct bitmap *b = malloc(sizeof(*b));
	char path[64];
	size_t n;
	int r;

	if (!b)
		return -ENOMEM;
	if (slot >= POOL_MAX_SLOTS)
		return -ERANGE;
	r = bitmap_load(network, b, &n);
	if (r || n <= sizeof(b->hint) + (slot / WORD_BITS) * 8)
		return r;
	b->w[slot / WORD_BITS] &= ~(1ull << (slot % WORD_BITS));
	if (bitmap_empty(b, POOL_MAX_SLOTS))
		return state_remove(path_of(network, path, sizeof(path)));
	return state_write_blob(path_of(network, path, sizeof(path)), b, n);
}

static int set(const char *network, const uint32_t *slots, size_t n)
{
	_cleanup_free_ struct bitmap *b = calloc(1, sizeof(*b));
	uint32_t max = 0;
	char path[64];

	if (!b)
		return -ENOMEM;
	if (!n)
		return state_remove(path_of(network, path, sizeof(path)));
	for (size_t i = 0; i < n; i++) {
		if (slots[i] >= POOL_MAX_SLOTS)
			return -ERANGE;
		b->w[slots[i] / WORD_BITS] |= 1ull << (slots[i] % WORD_BITS);
		max = slots[i] > max ? slots[i] : max;
	}
	return state_write_blob(path_of(network, path, sizeof(path)), b,
				sizeof(b->hint) + (max / WORD_BITS + 1) * 8);
}

int pool_alloc(struct locks *l, struct nl *nl, const struct network *net,
	       uint32_t *ret_slot, char *err, size_t errlen)
{
	int r = state_res_lock(l);

	if (!r) {
		r = alloc(nl, net, ret_slot, err, errlen);
		state_res_unlock(l);
	}
	return r;
}

int pool_take(struct locks *l, const char *network, uint32_t slots,
	      uint32_t *ret_slot)
{
	int r = state_res_lock(l);

	if (!r) {
		r = take(network, slots, ret_slot);
		state_res_unlock(l);
	}
	return r;
}

int pool_free(struct locks *l, const char *network, uint32_t slot)
{
	int r = state_res_lock(l);

	if (!r) {
		r = release(network, slot);
		state_res_unlock(l);
	}
	return r;
}

int pool_set(struct locks *l, const char *network, const uint32_t *slots,
	     size_t n)
{
	int r = state_res_lock(l);

	if (!r) {
		r = set(network, slots, n);
		state_res_unlock(l);
	}
	return r;
}
