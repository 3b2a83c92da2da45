// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_status.c - `netns-helper status NAME [--json]`: one namespace's
 * records (report.h), the links inside it read over netlink, and its
 * kind's own part (a vpn's tunnel: net_kind.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "json.h"
#include "locks.h"
#include "log.h"
#include "net_kind.h"
#include "netns_file.h"
#include "nl.h"
#include "records.h"
#include "report.h"
#include "util.h"

struct links_walk {
	bool json;
	int n;
	struct nl *nl;	/* for addresses: not the socket of the link dump */
};

static int show_addr(int ifindex, const struct cidr *a, void *data)
{
	struct links_walk *w = data;
	char buf[CIDR_STRLEN];

	cidr_format(a, true, buf, sizeof(buf));
	if (w->json) {
		printf("%s", w->n++ ? "," : "");
		json_str(buf);
	} else {
		printf(" %s", buf);
	}
	return 0;
}

static int show_link(const struct nl_link *l, void *data)
{
	struct links_walk *w = data;
	struct links_walk aw = { .json = w->json };

	if (w->json) {
		printf("%s{\"name\":", w->n ? "," : "");
		json_str(l->name);
		printf(",\"kind\":");
		json_str(l->kind);
		printf(",\"up\":%s,\"addresses\":[", l->up ? "true" : "false");
	} else {
		printf("  %-15s %-8s %-4s", l->name, *l->kind ? l->kind : "-",
		       l->up ? "up" : "down");
	}
	(void)nl_addr_list(w->nl, 0, l->ifindex, show_addr, &aw);
	printf(w->json ? "]}" : "\n");
	w->n++;
	return 0;
}

static void show_links(const char *name, bool json)
{
	_cleanup_close_ int fd = netns_open(name);
	struct nl inner = { 0 }, addrs = { 0 };
	struct links_walk w = { .json = json, .nl = &addrs };

	/* The address dump runs while the link dump is being read, so it
	 * needs a socket of its own: one socket carries one dump at a time.
	 * JSON has "links" always, empty when the namespace is unreadable. */
	if (json)
		printf(",\"links\":[");
	if (fd >= 0 && !nl_open_in(&inner, fd)) {
		if (!nl_open_in(&addrs, fd)) {
			if (!json)
				printf("\nlinks inside:\n");
			(void)nl_link_list(&inner, show_link, &w);
			nl_close(&addrs);
		}
		nl_close(&inner);
	}
	if (json)
		printf("]");
}

/* The kind's part (a vpn's tunnel, net_kind.h): JSON has "vpn" always,
 * null when the kind has nothing to say. */
static void show_kind(const char *name, bool json)
{
	const struct net_kind *k;
	struct ns_rec r;

	if (!ns_rec_read(name, &r) && (k = net_kind_by_name(r.type)) &&
	    k->status && !k->status(name, &r, json))
		return;
	if (json)
		printf(",\"vpn\":null");
}

int cmd_status(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	bool json = false;
	const char *name;

	if (report_json_flag(argc, argv, &json) || optind != argc - 1 ||
	    name_check_netns(argv[optind])) {
		err("usage: status NAME [--json]");
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (report_begin(&l))
		return EXIT_FAIL;
	if (!ns_rec_exists(name)) {
		err("status: no namespace '%s' made by pam_netns", name);
		locks_end(&l);
		return EXIT_FAIL;
	}
	report_records(json, name);
	show_links(name, json);
	show_kind(name, json);
	if (json)
		printf("}\n");
	locks_end(&l);
	return EXIT_OK;
}
