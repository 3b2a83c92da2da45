// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_kind.c - the table of the network kinds (net_kind.h): the one place
 * that lists them. Its order is the order "unknown type" names them in.
 */
#include <stdio.h>
#include <string.h>

#include "net_kind.h"
#include "util.h"

static const struct net_kind *const kinds[] = {
	&net_isolated,
	&net_nat,
	&net_vpn,
	&net_macvlan,
	&net_physical,
	&net_bridge,
};

const struct net_kind *net_kind_at(size_t i)
{
	return i < ARRAY_SIZE(kinds) ? kinds[i] : NULL;
}

const struct net_kind *net_kind_of(enum net_type type)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i]->type == type)
			return kinds[i];
	return NULL;
}

const struct net_kind *net_kind_by_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

/**
 * net_type_str() - the policy file's word for a network type
 * @t:		type
 *
 * Return: "isolated", "nat", ..., or "?"
 */
const char *net_type_str(enum net_type t)
{
	const struct net_kind *k = net_kind_of(t);

	return k ? k->name : "?";
}

/**
 * net_kind_print_list() - `check`'s " KEY a,b" for the list @l; nothing
 * when it is empty
 * @key:	the policy key
 * @l:		its addresses
 */
void net_kind_print_list(const char *key, const struct cidr_list *l)
{
	char buf[CIDR_STRLEN];

	if (!l->n)
		return;
	printf(" %s", key);
	for (size_t i = 0; i < l->n; i++)
		printf("%s%s", i ? "," : " ",
		       cidr_format(&l->v[i], l->v[i].prefix != cidr_bits(&l->v[i]),
				   buf, sizeof(buf)));
}
