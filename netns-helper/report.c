// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - list and status: what is running, read from the records (and
 * for status, from the namespace itself over netlink), as a table for
 * people or as JSON for scripts.
 *
 * The JSON is an interface (netns-helper(8), JSON OUTPUT): "version" says
 * which; every key is always there, with the type documented ("" or 0 when
 * it does not apply). Keys may be added within a version; one removed,
 * renamed, or given another type or meaning makes a new version.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "json.h"
#include "log.h"
#include "net_kind.h"
#include "netns.h"
#include "nl.h"
#include "state.h"
#include "util.h"

#define JSON_VERSION 1

/* A key of a record, and whether JSON gives it as a number. */
struct json_key {
	const char *key;
	bool num;
};

#define STR(k) { k, false }
#define NUM(k) { k, true }
static const struct json_key ns_keys[] = {
	STR("network"), STR("type"), STR("scope"), STR("user"), STR("state"),
	NUM("id"), NUM("created"), STR("ifname"), STR("backend"),
	STR("addr4"), STR("addr6"), STR("attach"), STR("parent"), STR("mode"),
	STR("device"), STR("bridge"),
};
static const struct json_key sess_keys[] = {
	STR("netns"), STR("user"), STR("service"), STR("rhost"), STR("tty"),
	NUM("pid"), NUM("since"),
};

struct walk {
	bool json;
	int n;
	const char *only;	/* status: one namespace */
};

static void json_record(const char *key, const char *name,
			const struct record *r, const struct json_key *keys,
			size_t n)
{
	printf("{");
	json_str(key);
	printf(":");
	json_str(name);
	for (size_t i = 0; i < n; i++) {
		printf(",");
		json_str(keys[i].key);
		printf(":");
		if (keys[i].num)
			printf("%lld", rec_get_num(r, keys[i].key, 0));
		else
			json_str(rec_get(r, keys[i].key) ?: "");
	}
}

static const char *when(const struct record *r, const char *key,
			char *buf, size_t len)
{
	time_t t = (time_t)rec_get_num(r, key, 0);
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		return "-";
	return buf;
}

static int members_of(const char *name)
{
	char dir[NETNS_NAME_MAX + 16];

	snprintf(dir, sizeof(dir), "members/%s", name);
	return rec_count(dir);
}

static int show_ns(const char *name, void *data)
{
	struct walk *w = data;
	struct record r;
	char t[32];

	if ((w->only && strcmp(w->only, name)) || rec_read("ns", name, &r))
		return 0;
	if (w->json) {
		printf("%s", w->n ? "," : "");
		json_record("name", name, &r, ns_keys, ARRAY_SIZE(ns_keys));
		printf(",\"sessions\":%d}", members_of(name));
	} else {
		if (!w->n)
			printf("%-24s %-12s %-9s %-8s %-8s %-20s %s\n",
			       "NAMESPACE", "NETWORK", "TYPE", "SCOPE",
			       "SESSIONS", "CREATED", "ADDRESSES");
		printf("%-24s %-12s %-9s %-8s %-8d %-20s %s %s\n", name,
		       rec_get(&r, "network") ?: "-",
		       rec_get(&r, "type") ?: "-", rec_get(&r, "scope") ?: "-",
		       members_of(name), when(&r, "created", t, sizeof(t)),
		       rec_get(&r, "addr4") ?: "", rec_get(&r, "addr6") ?: "");
		/* macvlan, physical, bridge: what the namespace is attached
		 * to, on a line of its own */
		if (*(rec_get(&r, "attach") ?: ""))
			printf("  attached: %s\n", rec_get(&r, "attach"));
	}
	w->n++;
	return 0;
}

static int show_session(const char *token, void *data)
{
	struct walk *w = data;
	struct record r;
	char t[32];

	if (rec_read("sessions", token, &r) ||
	    (w->only && strcmp(w->only, rec_get(&r, "netns") ?: "")))
		return 0;
	if (w->json) {
		printf("%s", w->n ? "," : "");
		json_record("token", token, &r, sess_keys,
			    ARRAY_SIZE(sess_keys));
		printf("}");
	} else {
		if (!w->n)
			printf("\n%-34s %-12s %-8s %-10s %-20s %s\n", "SESSION",
			       "USER", "PID", "SERVICE", "SINCE", "NAMESPACE");
		printf("%-34s %-12s %-8s %-10s %-20s %s\n", token,
		       rec_get(&r, "user") ?: "-", rec_get(&r, "pid") ?: "-",
		       rec_get(&r, "service") ?: "-",
		       when(&r, "since", t, sizeof(t)),
		       rec_get(&r, "netns") ?: "-");
	}
	w->n++;
	return 0;
}

static int open_state(void)
{
	char e[256];

	if (state_open(false, e, sizeof(e))) {
		err("%s", e);
		return -1;
	}
	return 0;
}

static void report(bool json, const char *only)
{
	struct walk ns = { .json = json, .only = only };
	struct walk se = { .json = json, .only = only };

	if (json)
		printf("{\"version\":%d,\"namespaces\":[", JSON_VERSION);
	(void)rec_list("ns", show_ns, &ns);
	if (json)
		printf("],\"sessions\":[");
	(void)rec_list("sessions", show_session, &se);
	if (json)
		printf("]");
	if (!json && !ns.n && !only)
		printf("no namespaces\n");
}

static int parse_json_flag(int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (o != 'j')
			return -EINVAL;
		*json = true;
	}
	return 0;
}

int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	bool json = false;

	if (parse_json_flag(argc, argv, &json) || optind != argc) {
		err("usage: list [--json]");
		return EXIT_USAGE;
	}
	if (open_state())
		return EXIT_FAIL;
	report(json, NULL);
	if (json)
		printf("}\n");
	return EXIT_OK;
}

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
	struct record r;

	if (!rec_read("ns", name, &r) &&
	    (k = net_kind_by_name(rec_get(&r, "type"))) && k->status &&
	    !k->status(name, &r, json))
		return;
	if (json)
		printf(",\"vpn\":null");
}

int cmd_status(struct ctx *ctx, int argc, char **argv)
{
	bool json = false;
	const char *name;

	if (parse_json_flag(argc, argv, &json) || optind != argc - 1 ||
	    name_check_netns(argv[optind])) {
		err("usage: status NAME [--json]");
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (open_state())
		return EXIT_FAIL;
	if (!rec_exists("ns", name)) {
		err("status: no namespace '%s' made by pam_netns", name);
		return EXIT_FAIL;
	}
	report(json, name);
	show_links(name, json);
	show_kind(name, json);
	if (json)
		printf("}\n");
	return EXIT_OK;
}
