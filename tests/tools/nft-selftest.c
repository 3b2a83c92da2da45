// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft-selftest.c - drive nft.c step by step, so tests/integration/11-nft.t
 * can inspect the kernel's ruleset between steps:
 *   nft-selftest ensure | delete | network NAME [deny CIDR...] |
 *                session-add IFNAME NETWORK ADDR4 [ADDR6] |
 *                session-del IFNAME ADDR4 [ADDR6] | list SET
 */
#include <stdio.h>
#include <string.h>

#include "nft.h"

static int print_key(const char *key, void *data)
{
	printf("%s\n", key);
	return 0;
}

static int network(int argc, char **argv)
{
	struct network n;

	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", argv[2]);
	n.type = NET_NAT;
	for (int i = 4; i < argc && !strcmp(argv[3], "deny"); i++)
		if (!cidr_parse(argv[i], false, &n.deny.v[n.deny.n]))
			n.deny.n++;
	return nft_network_apply(&n);
}

static int session(int argc, char **argv, bool add)
{
	struct cidr a4, a6;
	int i = add ? 4 : 3;
	struct nft_session s = { .host_ifname = argv[2],
				 .network = add ? argv[3] : NULL };

	if (argc > i && !cidr_parse(argv[i], false, &a4))
		s.addr4 = &a4;
	if (argc > i + 1 && !cidr_parse(argv[i + 1], false, &a6))
		s.addr6 = &a6;
	return add ? nft_session_add(&s) : nft_session_del(&s);
}

int main(int argc, char **argv)
{
	int r = -1;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "ensure"))
		r = nft_table_ensure();
	else if (!strcmp(argv[1], "delete"))
		r = nft_table_delete();
	else if (!strcmp(argv[1], "network") && argc > 2)
		r = network(argc, argv);
	else if (!strcmp(argv[1], "session-add") && argc > 4)
		r = session(argc, argv, true);
	else if (!strcmp(argv[1], "session-del") && argc > 2)
		r = session(argc, argv, false);
	else if (!strcmp(argv[1], "list") && argc > 2)
		r = nft_set_list(argv[2], print_key, NULL);
	else
		return 2;
	if (r)
		fprintf(stderr, "nft-selftest %s: %s (%s)\n", argv[1],
			strerror(-r), nft_errmsg());
	return r ? 1 : 0;
}
