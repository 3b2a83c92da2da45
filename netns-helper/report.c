// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - what list and status share (report.h): the records of the
 * namespaces and sessions, as a table for people or as JSON for scripts.
 * The JSON is an interface: see report.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "locks.h"
#include "log.h"
#include "records.h"
#include "report.h"
#include "util.h"

struct walk {
	bool json;
	int n;
	const char *only;	/* status: one namespace */
};

/* A key of a record in JSON: its value as text, and a number or not. */
struct json_kv {
	const char *key, *val;
	bool num;
};

#define STR(k, v) { k, v, false }
#define NUM(k, v) { k, v, true }

/* {"KEY":VALUE,... without the closing brace */
static void json_object(const struct json_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf(i ? "," : "{");
		json_str(kv[i].key);
		putchar(':');
		if (kv[i].num)
			printf("%s", kv[i].val);
		else
			json_str(kv[i].val);
	}
}

/* The keys of JSON_VERSION 1, in its order. */
static void json_ns(const struct ns_rec *r)
{
	char id[16], created[24];
	const struct json_kv kv[] = {
		STR("name", r->name), STR("network", r->network),
		STR("type", r->type), STR("scope", r->scope),
		STR("user", r->user),
		STR("state", r->ready ? "ready" : "creating"),
		NUM("id", id), NUM("created", created),
		STR("ifname", r->ifname), STR("backend", r->backend),
		STR("addr4", r->addr4), STR("addr6", r->addr6),
		STR("attach", r->attach), STR("parent", r->parent),
		STR("mode", r->mode), STR("device", r->device),
		STR("bridge", r->bridge),
	};

	snprintf(id, sizeof(id), "%u", (unsigned)r->id);
	snprintf(created, sizeof(created), "%lld", r->created);
	json_object(kv, ARRAY_SIZE(kv));
}

static void json_session(const struct sess_rec *r)
{
	char pid[16], since[24];
	const struct json_kv kv[] = {
		STR("token", r->token), STR("netns", r->netns),
		STR("user", r->user), STR("service", r->service),
		STR("rhost", r->rhost), STR("tty", r->tty),
		NUM("pid", pid), NUM("since", since),
	};

	snprintf(pid, sizeof(pid), "%d", (int)r->pid);
	snprintf(since, sizeof(since), "%lld", r->since);
	json_object(kv, ARRAY_SIZE(kv));
	printf("}");
}

static const char *when(long long when, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		return "-";
	return buf;
}

static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

static int show_ns(const struct ns_rec *r, void *data)
{
	struct walk *w = data;
	char t[32];

	if (w->only && strcmp(w->only, r->name))
		return 0;
	if (w->json) {
		printf("%s", w->n ? "," : "");
		json_ns(r);
		printf(",\"sessions\":%d}", member_count(r->name));
	} else {
		if (!w->n)
			printf("%-24s %-12s %-9s %-8s %-8s %-20s %s\n",
			       "NAMESPACE", "NETWORK", "TYPE", "SCOPE",
			       "SESSIONS", "CREATED", "ADDRESSES");
		printf("%-24s %-12s %-9s %-8s %-8d %-20s %s %s\n", r->name,
		       or_dash(r->network), or_dash(r->type),
		       or_dash(r->scope), member_count(r->name),
		       when(r->created, t, sizeof(t)), r->addr4, r->addr6);
		/* macvlan, physical, bridge: what the namespace is attached
		 * to, on a line of its own */
		if (*r->attach)
			printf("  attached: %s\n", r->attach);
	}
	w->n++;
	return 0;
}

static int show_session(const char *token, void *data)
{
	struct walk *w = data;
	struct sess_rec r;
	char t[32], pid[16] = "-";

	if (sess_rec_read(token, &r) || (w->only && strcmp(w->only, r.netns)))
		return 0;
	if (r.pid)
		snprintf(pid, sizeof(pid), "%d", (int)r.pid);
	if (w->json) {
		printf("%s", w->n ? "," : "");
		json_session(&r);
	} else {
		if (!w->n)
			printf("\n%-34s %-12s %-8s %-10s %-20s %s\n", "SESSION",
			       "USER", "PID", "SERVICE", "SINCE", "NAMESPACE");
		printf("%-34s %-12s %-8s %-10s %-20s %s\n", token,
		       or_dash(r.user), pid, or_dash(r.service),
		       when(r.since, t, sizeof(t)), or_dash(r.netns));
	}
	w->n++;
	return 0;
}

/* The state lock shared, and no other (locks.h): no login waits. */
int report_begin(struct locks *l)
{
	char e[256];

	if (locks_begin(l, false, e, sizeof(e))) {
		err("%s", e);
		return -1;
	}
	return 0;
}

void report_records(bool json, const char *only)
{
	struct walk ns = { .json = json, .only = only };
	struct walk se = { .json = json, .only = only };

	if (json)
		printf("{\"version\":%d,\"namespaces\":[", JSON_VERSION);
	(void)ns_rec_each(show_ns, &ns);
	if (json)
		printf("],\"sessions\":[");
	(void)sess_rec_names(show_session, &se);
	if (json)
		printf("]");
	if (!json && !ns.n && !only)
		printf("no namespaces\n");
}

int report_json_flag(int argc, char **argv, bool *json)
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
