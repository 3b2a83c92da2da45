// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_policy.c - the read-only verbs about the policy (the main file and
 * its drop-ins):
 *   check    validate it and print a one-screen summary
 *   explain  say what a login of USER would get, and why
 * Neither changes anything, and neither needs root.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cmds.h"
#include "log.h"
#include "net_kind.h"
#include "policy.h"

/* Where a drop-in's network or rule is written: "50-lab.conf:3" (the
 * drop-ins share one directory, which check names first). */
static void print_place(const char *file, int line)
{
	const char *slash = strrchr(file, '/');

	printf("%s:%d", slash ? slash + 1 : file, line);
}

static void print_network(const struct conf *c, const struct network *n)
{
	const struct net_kind *k = net_kind_of(n->type);

	printf("  %-20s %-9s", n->name, net_type_str(n->type));
	if (k && k->print)
		k->print(n);
	net_kind_print_list("dns", &n->dns);
	if (n->file != c->files[0]) {
		printf(" (");
		print_place(n->file, n->line);
		printf(")");
	}
	putchar('\n');
}

/* Print "KEY v1|v2" after @sep when the list has values; the next sep. */
static const char *print_values(const char *sep, const char *key,
				const char (*v)[CONF_STR_MAX], size_t n)
{
	if (!n)
		return sep;
	printf("%s%s ", sep, key);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", v[i]);
	return ", ";
}

/* "user alice, group lab, service sshd|login, rhost 192.0.2.0/24" */
static void print_match(const struct rule *r)
{
	const char *sep = "";

	if (*r->user)
		sep = print_values(sep, "user", &r->user, 1);
	if (*r->group)
		sep = print_values(sep, "group", &r->group, 1);
	sep = print_values(sep, "service", r->service, r->n_service);
	sep = print_values(sep, "rhost", r->rhost, r->n_rhost);
	if (!*sep)
		printf("everyone");
}

static void print_rule(const struct conf *c, const struct rule *r)
{
	if (r->file == c->files[0]) {
		printf("  line %-4d ", r->line);
	} else {
		printf("  ");
		print_place(r->file, r->line);
		printf(" ");
	}
	print_match(r);
	if (r->verdict == VERDICT_NETWORK)
		printf(" -> %s (%s scope%s)\n", r->network,
		       net_scope_str(r->scope),
		       r->systemd_user ? ", systemd --user too" : "");
	else
		printf(" -> %s\n", policy_verdict_str(r->verdict));
}

int cmd_check(struct ctx *ctx, int argc, char **argv)
{
	struct conf *c;

	if (argc > 1) {
		err("check: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	if (check_host(c))
		return EXIT_CONFIG;
	for (size_t i = 0; i < c->n_files; i++)
		printf("%s: OK\n", c->files[i]);
	printf("networks (%zu):\n", c->n_nets);
	for (size_t i = 0; i < c->n_nets; i++)
		print_network(c, &c->nets[i]);
	printf("rules (%zu, first match wins):\n", c->n_rules);
	for (size_t i = 0; i < c->n_rules; i++)
		print_rule(c, &c->rules[i]);
	printf("default: %s\n", policy_verdict_str(c->def));
	return EXIT_OK;
}

static void print_decision(const struct conf *c, const struct login *l,
			   const struct decision *d)
{
	printf("user:    %s (uid %u)\n", l->user, (unsigned)d->uid);
	if (d->rule) {
		printf("rule:    %s:%d (", d->rule->file, d->rule->line);
		print_match(d->rule);
		printf(")\n");
	} else {
		printf("rule:    none matched: the default applies");
		if (c->default_line)
			printf(" (%s:%d)", c->path, c->default_line);
		printf("\n");
	}
	if (d->verdict != VERDICT_NETWORK) {
		printf("result:  %s\n", d->verdict == VERDICT_HOST ?
		       "host (the login stays in the host's network)" :
		       "deny (the login is refused)");
		return;
	}
	printf("result:  network %s (%s)\n", d->net->name,
	       net_type_str(d->net->type));
	printf("scope:   %s\n", net_scope_str(d->scope));
	if (d->scope == SCOPE_SESSION)
		printf("netns:   %s.N (a new namespace for each login)\n",
		       d->netns);
	else
		printf("netns:   %s\n", d->netns);
}

int cmd_explain(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "rhost", required_argument, NULL, 'r' },
		{ 0 }
	};
	struct login l = { 0 };
	struct decision d;
	char e[CONF_ERR_MAX];
	struct conf *c;
	int o;

	while ((o = getopt_long(argc, argv, "s:r:", opts, NULL)) != -1) {
		if (o == 's')
			l.service = optarg;
		else if (o == 'r')
			l.rhost = optarg;
		else
			return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		err("usage: explain USER [--service S] [--rhost H]");
		return EXIT_USAGE;
	}
	l.user = argv[optind];
	c = ctx_conf(ctx);
	if (!c)
		return EXIT_CONFIG;
	if (policy_resolve(c, &l, &d, e, sizeof(e))) {
		err("%s", e);
		return EXIT_FAIL;
	}
	print_decision(c, &l, &d);
	return EXIT_OK;
}
