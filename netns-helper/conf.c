// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - the policy: the libconfig parse of its files and the
 * validation that turns settings into struct conf. The main file and its
 * drop-ins (conf.h) are validated as one policy: the networks of every
 * file first, then the rules of every file, then the main file's default.
 * Reading the files safely is conf_file.c's, the raw text checks before
 * libconfig conf_scan.c's.
 *
 * Everything a login's confinement depends on is validated here, once, so
 * that the code that builds namespaces can trust struct conf: names are
 * valid, addresses parse, pools do not overlap, every rule names a network
 * that exists. Every error names the file, the line and what is wrong.
 *
 * conf_parse() is pure (no I/O, no logging) so that it can be unit-tested
 * and fuzzed; conf_load() adds the file system.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libconfig.h>

#include "conf_parse.h"
#include "net_kind.h"
#include "util.h"

/* ---- errors --------------------------------------------------------- */

/* Store "NAME:LINE: WHAT MESSAGE" (or "NAME: ..." without a line). */
int conf_fail_at(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_verr_at(p->err, p->errlen, p->name, line, p->what, fmt, ap);
	va_end(ap);
	return r;
}

/* This file's short names for the two helpers it calls most. */
#define fail conf_fail
#define member conf_member

/* The line of @s; array elements and the root may have none of their own. */
int conf_line_of(const config_setting_t *s)
{
	for (; s; s = config_setting_parent(s))
		if (config_setting_source_line(s))
			return (int)config_setting_source_line(s);
	return 0;
}

/* Where something else is written: "line N" in the file being read,
 * "FILE:N" in another. */
const char *conf_place(const struct parser *p, const char *file, int line,
		       char buf[CONF_PLACE_MAX])
{
	if (file == p->name)
		snprintf(buf, CONF_PLACE_MAX, "line %d", line);
	else
		snprintf(buf, CONF_PLACE_MAX, "%s:%d", file, line);
	return buf;
}

config_setting_t *conf_member(const config_setting_t *s, const char *key)
{
	return config_setting_get_member(s, key);
}

config_setting_t *conf_elem(const config_setting_t *s, int i)
{
	return config_setting_get_elem(s, (unsigned)i);
}

/* The key a value belongs to: its own name, or its list's. */
static const char *key_of(const config_setting_t *s)
{
	for (; s; s = config_setting_parent(s))
		if (config_setting_name(s))
			return config_setting_name(s);
	return "?";
}

/* ---- typed values --------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Refuse members of group @s whose names are not in @keys. */
int conf_check_keys(struct parser *p, const config_setting_t *s,
		    const char *const *keys, const char *type)
{
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *m = conf_elem(s, i);
		const char *k = config_setting_name(m);

		if (in_list(k, keys))
			continue;
		if (type)
			return fail(p, m, "unknown key '%s' for type '%s'", k,
				    type);
		return fail(p, m, "unknown key '%s'", k);
	}
	return 0;
}

int conf_get_string(struct parser *p, const config_setting_t *s,
		    const char **ret)
{
	*ret = "";
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(p, s, "'%s' must be a string", key_of(s));
	*ret = config_setting_get_string(s);
	return 0;
}

int conf_get_word(struct parser *p, const config_setting_t *s,
		  const char *what, const char *const *words, size_t n,
		  int *ret)
{
	char expected[128] = "";
	const char *v;
	size_t len = 0;
	int r = conf_get_string(p, s, &v);

	for (size_t i = 0; !r && i < n; i++)
		if (!strcmp(v, words[i])) {
			*ret = (int)i;
			return 0;
		}
	for (size_t i = 0; !r && i < n && len < sizeof(expected); i++)
		len += (size_t)snprintf(expected + len, sizeof(expected) - len,
					"%s%s", !i ? "" : i + 1 < n ? ", " :
					" or ", words[i]);
	return r ?: fail(p, s, "unknown %s '%s' (expected %s)", what, v,
			 expected);
}

int conf_get_bool(struct parser *p, const config_setting_t *s, bool *ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(p, s, "'%s' must be true or false", key_of(s));
	*ret = config_setting_get_bool(s);
	return 0;
}

int conf_get_int(struct parser *p, const config_setting_t *s, int min,
		 int max, int *ret)
{
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return fail(p, s, "'%s' must be an integer", key_of(s));
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return fail(p, s, "%s %lld out of range %d-%d", key_of(s), v,
			    min, max);
	*ret = (int)v;
	return 0;
}

typedef int (*string_fn)(struct parser *p, const config_setting_t *s,
			 const char *v, void *data);

/*
 * Call @fn for each string of @s: a list or array of strings, or a
 * single string standing for a list of one.
 */
static int each_string(struct parser *p, const config_setting_t *s,
		       size_t max, string_fn fn, void *data)
{
	int type = config_setting_type(s);
	int n = config_setting_length(s);

	if (type == CONFIG_TYPE_STRING)
		return fn(p, s, config_setting_get_string(s), data);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return fail(p, s, "'%s' must be a list of strings", key_of(s));
	if ((size_t)n > max)
		return fail(p, s, "'%s' has more than %zu entries", key_of(s),
			    max);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = conf_elem(s, i);
		int r;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail(p, e, "'%s' must be a list of strings",
				    key_of(s));
		r = fn(p, e, config_setting_get_string(e), data);
		if (r)
			return r;
	}
	return 0;
}

/* ---- addresses ------------------------------------------------------ */

static int parse_addr(struct parser *p, const config_setting_t *s,
		      const char *v, enum addr_kind kind, struct cidr *ret)
{
	const char *key = key_of(s);

	if (kind == ADDR_HOST) {
		if (strchr(v, '/') || cidr_parse(v, false, ret))
			return fail(p, s, "'%s' '%s': not an address", key, v);
		return 0;
	}
	if (cidr_parse(v, kind == ADDR_IFADDR, ret))
		return fail(p, s, "'%s' '%s': not an address/prefix", key, v);
	if (kind == ADDR_NET && !cidr_is_network(ret))
		return fail(p, s, "'%s' '%s': host bits set", key, v);
	return 0;
}

struct list_ctx {
	struct cidr_list *list;
	enum addr_kind kind;
	int *lines;		/* each entry's line, or NULL */
};

static int add_addr(struct parser *p, const config_setting_t *s,
		    const char *v, void *data)
{
	struct list_ctx *l = data;

	if (l->lines)
		l->lines[l->list->n] = conf_line_of(s);
	return parse_addr(p, s, v, l->kind, &l->list->v[l->list->n++]);
}

/* An optional list of addresses; absent leaves @ret empty. */
int conf_opt_addrs(struct parser *p, const config_setting_t *net,
		   const char *key, enum addr_kind kind,
		   struct cidr_list *ret)
{
	const config_setting_t *s = member(net, key);
	struct list_ctx l = { ret, kind, NULL };

	ret->n = 0;
	return s ? each_string(p, s, CONF_MAX_LIST, add_addr, &l) : 0;
}

/* "allow", with the line of each entry (check names the ones that open
 * a metadata endpoint). */
int conf_opt_allow(struct parser *p, const config_setting_t *net,
		   struct network *n)
{
	const config_setting_t *s = member(net, "allow");
	struct list_ctx l = { &n->allow, ADDR_NET, n->allow_line };

	n->allow.n = 0;
	return s ? each_string(p, s, CONF_MAX_LIST, add_addr, &l) : 0;
}

int conf_opt_prebuilt(struct parser *p, const config_setting_t *net,
		      struct network *n)
{
	const config_setting_t *s = member(net, "prebuilt");

	return s ? conf_get_int(p, s, 0, CONF_MAX_PREBUILT, &n->prebuilt) : 0;
}

int conf_opt_conn_limit(struct parser *p, const config_setting_t *net,
			struct network *n)
{
	const config_setting_t *s = member(net, "conn_limit");

	return s ? conf_get_int(p, s, 1, INT_MAX, &n->conn_limit) : 0;
}

/* A network range with a prefix length between @min and @max. */
int conf_parse_range(struct parser *p, const config_setting_t *s,
		     int family, unsigned min, unsigned max,
		     struct cidr *ret)
{
	const char *key = key_of(s), *v;
	int r = conf_get_string(p, s, &v);

	if (r)
		return r;
	if (cidr_parse(v, true, ret))
		return fail(p, s, "'%s' '%s': not an address/prefix", key, v);
	if (ret->family != family)
		return fail(p, s, "'%s' '%s': must be %s", key, v,
			    family == AF_INET ? "IPv4" : "IPv6");
	if (ret->prefix < min || ret->prefix > max)
		return fail(p, s, "'%s' '%s': prefix must be between %u and %u",
			    key, v, min, max);
	if (!cidr_is_network(ret))
		return fail(p, s, "'%s' '%s': host bits set", key, v);
	return 0;
}

/* ---- network keys --------------------------------------------------- */

/* The key @key of network @net, or a "type 'T' needs 'KEY'" error. */
int conf_need(struct parser *p, const config_setting_t *net,
	      const struct network *n, const char *key,
	      const config_setting_t **ret)
{
	*ret = member(net, key);
	if (!*ret)
		return fail(p, net, "type '%s' needs '%s'",
			    net_type_str(n->type), key);
	return 0;
}

int conf_parse_ifname(struct parser *p, const config_setting_t *s,
		      char ret[IFNAMSIZ])
{
	char nb[NAME_ERR_MAX];
	const char *v;
	enum name_err e;
	int r = conf_get_string(p, s, &v);

	if (r)
		return r;
	e = name_check_ifname(v);
	if (e)
		return fail(p, s, "'%s' '%s': %s", key_of(s), v,
			    name_err_str(e, IFNAME_MAX, nb));
	return strlcpy_checked(ret, v, IFNAMSIZ);
}

int conf_opt_ifname(struct parser *p, const config_setting_t *net,
		    const char *key, char ret[IFNAMSIZ])
{
	const config_setting_t *s = member(net, key);

	return s ? conf_parse_ifname(p, s, ret) : 0;
}

int conf_need_ifname(struct parser *p, const config_setting_t *net,
		     const struct network *n, const char *key,
		     char ret[IFNAMSIZ])
{
	const config_setting_t *s;

	return conf_need(p, net, n, key, &s) ?: conf_parse_ifname(p, s, ret);
}

/*
 * A gateway is reachable only through an address of its own subnet; an
 * IPv6 link-local gateway (fe80::/10) is on every link.
 */
static bool on_link(const struct network *n, const struct cidr *gw)
{
	if (gw->family == AF_INET6 && gw->addr[0] == 0xfe &&
	    (gw->addr[1] & 0xc0) == 0x80)
		return true;
	for (size_t i = 0; i < n->address.n; i++)
		if (cidr_contains(&n->address.v[i], gw))
			return true;
	return false;
}

static int add_gateway(struct parser *p, const config_setting_t *s,
		       const char *v, void *data)
{
	struct network *n = data;
	struct cidr gw;
	struct cidr *slot;
	int r = parse_addr(p, s, v, ADDR_HOST, &gw);

	if (r)
		return r;
	slot = gw.family == AF_INET ? &n->gateway : &n->gateway6;
	if (slot->family)
		return fail(p, s, "'gateway' has more than one %s address",
			    gw.family == AF_INET ? "IPv4" : "IPv6");
	if (!on_link(n, &gw))
		return fail(p, s, "'gateway' %s is not inside any 'address'",
			    v);
	*slot = gw;
	return 0;
}

/* "gateway": one address per family, inside one of the static addresses. */
int conf_opt_gateway(struct parser *p, const config_setting_t *net,
		     struct network *n)
{
	const config_setting_t *s = member(net, "gateway");

	if (!s)
		return 0;
	if (n->dhcp)
		return fail(p, s, "'gateway' is not allowed with address "
			    "\"dhcp\"");
	return each_string(p, s, 2, add_gateway, n);
}

/* ---- networks ------------------------------------------------------- */

/* "isolated, nat, ... or bridge": the kinds, for "unknown type". */
static const char *kind_names(char *buf, size_t len)
{
	const struct net_kind *k;
	size_t n = 0;

	*buf = '\0';
	for (size_t i = 0; (k = net_kind_at(i)); i++, n = strlen(buf))
		snprintf(buf + n, len - n, "%s%s", !i ? "" :
			 net_kind_at(i + 1) ? ", " : " or ", k->name);
	return buf;
}

static int parse_type(struct parser *p, const config_setting_t *s,
		      struct network *n)
{
	const config_setting_t *t = member(s, "type");
	const struct net_kind *k;
	char names[128];
	const char *v;
	int r;

	if (!t)
		return fail(p, s, "missing 'type'");
	r = conf_get_string(p, t, &v);
	if (!r && (k = net_kind_by_name(v))) {
		n->type = k->type;
		return 0;
	}
	return r ?: fail(p, t, "unknown type '%s' (expected %s)", v,
			 kind_names(names, sizeof(names)));
}

/* Whether some type of network knows the key @k. */
static bool any_kind_key(const char *k)
{
	const struct net_kind *kind;

	for (size_t i = 0; (kind = net_kind_at(i)); i++)
		if (in_list(k, kind->keys))
			return true;
	return false;
}

/*
 * A key no type knows is a typo: report it before the type is looked at,
 * so that a misspelt "type" reads "unknown key 'tpye'", not "missing
 * 'type'". Keys of another type are reported by conf_check_keys() once the
 * type is known.
 */
static int check_any_keys(struct parser *p, const config_setting_t *s)
{
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *m = conf_elem(s, i);

		if (!any_kind_key(config_setting_name(m)))
			return fail(p, m, "unknown key '%s'",
				    config_setting_name(m));
	}
	return 0;
}

/* The earlier network one of whose ranges overlaps @range. */
static const struct network *overlapping(const struct conf *c,
					 const struct cidr *range)
{
	for (size_t k = 0; k < c->n_nets; k++) {
		const struct net_kind *kind = net_kind_of(c->nets[k].type);

		for (size_t j = 0; j < kind->n_ranges; j++)
			if (cidr_overlap(range, net_range_at(&c->nets[k],
							 &kind->ranges[j])))
				return &c->nets[k];
	}
	return NULL;
}

/* Address ranges that networks hand out must not overlap each other. */
static int check_overlap(struct parser *p, const config_setting_t *s,
			 const struct network *n, const struct net_kind *k)
{
	char buf[CIDR_STRLEN], at[CONF_PLACE_MAX];

	for (size_t i = 0; i < k->n_ranges; i++) {
		const struct cidr *mine = net_range_at(n, &k->ranges[i]);
		const struct network *o;

		if (!mine->family || !(o = overlapping(p->c, mine)))
			continue;
		return fail(p, member(s, k->ranges[i].key),
			    "'%s' %s overlaps network '%s' (%s)",
			    k->ranges[i].key,
			    cidr_format(mine, true, buf, sizeof(buf)),
			    o->name, conf_place(p, o->file, o->line, at));
	}
	return 0;
}

/* Where the ranges are written, for the messages of later checks. */
static void range_lines(const config_setting_t *s, struct network *n,
			const struct net_kind *k)
{
	for (size_t i = 0; i < k->n_ranges; i++)
		if (net_range_at(n, &k->ranges[i])->family)
			*(int *)((char *)n + k->ranges[i].line_off) =
				conf_line_of(member(s, k->ranges[i].key));
}

static int parse_network(struct parser *p, const config_setting_t *s,
			 struct network *n)
{
	const char *name = config_setting_name(s);
	enum name_err e = name_check_network(name);
	char nb[NAME_ERR_MAX];
	const struct network *o;
	const struct net_kind *k;
	int r;

	p->what[0] = '\0';	/* not the previous network's */
	if (e)
		return fail(p, s, "network name '%s': %s", name,
			    name_err_str(e, NET_NAME_MAX, nb));
	/* The files share one namespace of names (a file's own duplicates
	 * are libconfig's "duplicate setting name"). */
	o = conf_network(p->c, name);
	if (o)
		return fail(p, s, "network '%s' is already defined at %s:%d",
			    name, o->file, o->line);
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(p->what, sizeof(p->what), "network '%s': ", name);
	n->file = p->name;
	n->line = conf_line_of(s);
	if (!config_setting_is_group(s))
		return fail(p, s, "must be a group");
	r = check_any_keys(p, s) ?: parse_type(p, s, n);
	if (r)
		return r;
	k = net_kind_of(n->type);
	r = conf_check_keys(p, s, k->keys, k->name) ?:
	    (k->parse ? k->parse(p, s, n) : 0) ?:
	    check_overlap(p, s, n, k);
	if (!r)
		range_lines(s, n, k);
	return r;
}

/* Room for @len more entries of @size bytes at *@v, zeroed; no pointer
 * into the array may be held across the call. */
static int grow(void *v, size_t n, size_t len, size_t size)
{
	void **a = v;
	char *m = realloc(*a, (n + len) * size);

	if (!m)
		return -ENOMEM;
	memset(m + n * size, 0, len * size);
	*a = m;
	return 0;
}

static int parse_networks(struct parser *p, const config_setting_t *s)
{
	struct conf *c = p->c;
	int len, r = 0;

	if (!s)
		return 0;
	if (!config_setting_is_group(s))
		return fail(p, s, "'networks' must be a group");
	len = config_setting_length(s);
	if (len > CONF_MAX_NETS)
		return fail(p, s, "'networks' has more than %d entries",
			    CONF_MAX_NETS);
	if ((size_t)len > CONF_MAX_NETS - c->n_nets)
		return fail(p, s, "the policy files have more than %d "
			    "networks together", CONF_MAX_NETS);
	if (!len)
		return 0;
	if (grow(&c->nets, c->n_nets, (size_t)len, sizeof(*c->nets)))
		return -ENOMEM;
	for (int i = 0; !r && i < len; i++) {
		r = parse_network(p, conf_elem(s, i), &c->nets[c->n_nets]);
		if (!r)
			c->n_nets++;
	}
	p->what[0] = '\0';
	return r;
}

/* ---- rules ---------------------------------------------------------- */

static bool bad_byte(unsigned char c, bool path_chars)
{
	return c <= ' ' || c == 0x7f || (path_chars && (c == ':' || c == '/'));
}

/* user, group (@strict: no ':' or '/'), service and rhost strings. */
static int check_match_string(struct parser *p, const config_setting_t *s,
			      const char *v, bool strict)
{
	size_t len = strnlen(v, CONF_STR_MAX);

	if (!len)
		return fail(p, s, "'%s' is empty", key_of(s));
	if (len >= CONF_STR_MAX)
		return fail(p, s, "'%s' is longer than %d bytes", key_of(s),
			    CONF_STR_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if (bad_byte((unsigned char)v[i], strict))
			return fail(p, s, "'%s' '%s': contains whitespace%s "
				    "or a control character", key_of(s), v,
				    strict ? ", ':', '/'" : "");
	return 0;
}

static int opt_name(struct parser *p, const config_setting_t *rule,
		    const char *key, char ret[CONF_STR_MAX], int *ret_line)
{
	const config_setting_t *s = member(rule, key);
	const char *v;

	if (!s)
		return 0;
	*ret_line = conf_line_of(s);
	return conf_get_string(p, s, &v) ?: check_match_string(p, s, v, true) ?:
	       strlcpy_checked(ret, v, CONF_STR_MAX);
}

struct match_ctx {
	char (*v)[CONF_STR_MAX];
	size_t *n;
};

static int add_match(struct parser *p, const config_setting_t *s,
		     const char *v, void *data)
{
	struct match_ctx *m = data;

	return check_match_string(p, s, v, false) ?:
	       strlcpy_checked(m->v[(*m->n)++], v, CONF_STR_MAX);
}

static int opt_match(struct parser *p, const config_setting_t *rule,
		     const char *key, char (*ret)[CONF_STR_MAX], size_t *n)
{
	const config_setting_t *s = member(rule, key);
	struct match_ctx m = { ret, n };

	return s ? each_string(p, s, CONF_MAX_MATCH, add_match, &m) : 0;
}

/* "network": a verdict, or a network defined above. */
static int parse_rule_network(struct parser *p, const config_setting_t *rule,
			      struct rule *r)
{
	const config_setting_t *s = member(rule, "network");
	const char *v;
	int ret;

	if (!s)
		return fail(p, rule, "missing 'network'");
	ret = conf_get_string(p, s, &v);
	if (ret)
		return ret;
	if (!strcmp(v, "host") || !strcmp(v, "deny")) {
		r->verdict = v[0] == 'h' ? VERDICT_HOST : VERDICT_DENY;
		return 0;
	}
	r->verdict = VERDICT_NETWORK;
	r->net = conf_network(p->c, v);
	if (!r->net)
		return fail(p, s, "network '%s' is not defined", v);
	return strlcpy_checked(r->network, v, sizeof(r->network));
}

static int parse_scope(struct parser *p, const config_setting_t *s,
		       struct rule *r)
{
	static const char *const scopes[] = {
		[SCOPE_SHARED] = "shared", [SCOPE_USER] = "user",
		[SCOPE_SESSION] = "session",
	};
	int i, ret = conf_get_word(p, s, "scope", scopes, ARRAY_SIZE(scopes),
				   &i);

	if (!ret)
		r->scope = (enum net_scope)i;
	return ret;
}

/* scope and systemd_user, which only mean something for a network. */
static int parse_rule_scope(struct parser *p, const config_setting_t *rule,
			    struct rule *r)
{
	const config_setting_t *scope = member(rule, "scope");
	const config_setting_t *sd = member(rule, "systemd_user");
	const struct net_kind *k;
	int ret;

	r->scope = SCOPE_USER;
	if (r->verdict != VERDICT_NETWORK && (scope || sd))
		return fail(p, scope ?: sd, "'%s' needs a network",
			    scope ? "scope" : "systemd_user");
	ret = (scope ? parse_scope(p, scope, r) : 0) ?:
	      (sd ? conf_get_bool(p, sd, &r->systemd_user) : 0);
	if (ret)
		return ret;
	/* One user manager per uid cannot follow per-login namespaces. */
	if (r->systemd_user && r->scope == SCOPE_SESSION)
		return fail(p, sd, "'systemd_user' needs scope 'user' or "
			    "'shared', not 'session'");
	k = r->net ? net_kind_of(r->net->type) : NULL;
	return k && k->check_rule ? k->check_rule(p, scope ?: rule, r) : 0;
}

/* A rule that matches every login decides what the default would: the
 * main file's alone, as the default is. */
static int check_dropin_rule(struct parser *p, const config_setting_t *s,
			     const struct rule *r)
{
	if (!p->dropin || *r->user || *r->group || r->n_service ||
	    r->n_rhost)
		return 0;
	return fail(p, s, "matches every login: only the main file may have "
		    "such a rule, as only it sets the default");
}

static int parse_rule(struct parser *p, const config_setting_t *s,
		      struct rule *r)
{
	static const char *const keys[] = {
		"user", "group", "service", "rhost", "network", "scope",
		"systemd_user", NULL,
	};

	if (!config_setting_is_group(s))
		return fail(p, s, "must be a group");
	r->file = p->name;
	r->line = conf_line_of(s);
	return conf_check_keys(p, s, keys, NULL) ?:
	       opt_name(p, s, "user", r->user, &r->user_line) ?:
	       opt_name(p, s, "group", r->group, &r->group_line) ?:
	       opt_match(p, s, "service", r->service, &r->n_service) ?:
	       opt_match(p, s, "rhost", r->rhost, &r->n_rhost) ?:
	       check_dropin_rule(p, s, r) ?:
	       parse_rule_network(p, s, r) ?:
	       parse_rule_scope(p, s, r);
}

static int parse_rules(struct parser *p, const config_setting_t *s)
{
	struct conf *c = p->c;
	int len, r = 0;

	if (!s)
		return 0;
	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return fail(p, s, "'rules' must be a list of groups");
	len = config_setting_length(s);
	if (len > CONF_MAX_RULES)
		return fail(p, s, "'rules' has more than %d entries",
			    CONF_MAX_RULES);
	if ((size_t)len > CONF_MAX_RULES - c->n_rules)
		return fail(p, s, "the policy files have more than %d rules "
			    "together", CONF_MAX_RULES);
	if (!len)
		return 0;
	if (grow(&c->rules, c->n_rules, (size_t)len, sizeof(*c->rules)))
		return -ENOMEM;
	snprintf(p->what, sizeof(p->what), "rule: ");
	for (int i = 0; !r && i < len; i++) {
		r = parse_rule(p, conf_elem(s, i), &c->rules[c->n_rules]);
		if (!r)
			c->n_rules++;
	}
	p->what[0] = '\0';
	return r;
}

/* ---- top level ------------------------------------------------------ */

static int parse_default(struct parser *p, const config_setting_t *s)
{
	const char *v = s ? config_setting_get_string(s) : "host";

	if (!v || (strcmp(v, "host") && strcmp(v, "deny")))
		return fail(p, s, "default must be \"host\" or \"deny\"");
	p->c->def = v[0] == 'h' ? VERDICT_HOST : VERDICT_DENY;
	p->c->default_line = s ? conf_line_of(s) : 0;
	return 0;
}

/* The top-level keys; "default" is the main file's alone. */
static int check_root(struct parser *p, const config_setting_t *root)
{
	static const char *const keys[] = {
		"networks", "rules", "default", NULL,
	};
	const config_setting_t *def = member(root, "default");

	return conf_check_keys(p, root, keys, NULL) ?:
	       (p->dropin && def ?
		fail(p, def, "default: only the main file %s may set it",
		     p->c->path) : 0);
}

static void config_destroyp(config_t *cfg)
{
	config_destroy(cfg);
}

static void conf_freep(struct conf **c)
{
	conf_free(*c);
}

/* libconfig's own messages are "syntax error", "duplicate setting name"... */
static int syntax_error(struct parser *p, const config_t *cfg)
{
	const char *text = config_error_text(cfg) ?: "unknown error";

	if (!strcmp(text, "syntax error"))
		return conf_fail_at(p, config_error_line(cfg), "syntax error");
	return conf_fail_at(p, config_error_line(cfg), "syntax error: %s", text);
}

/* The text of @f through the raw checks and libconfig, into @cfg. */
static int read_text(struct parser *p, const struct conf_file *f,
		     config_t *cfg)
{
	_cleanup_free_ char *buf = malloc(f->len + 2);
	int r;

	if (!buf)
		return -ENOMEM;
	/* libconfig 1.5 refuses a comment on the last line without a '\n'. */
	if (f->len)
		memcpy(buf, f->text, f->len);
	buf[f->len] = '\n';
	buf[f->len + 1] = '\0';
	r = conf_prescan(p, buf, f->len);
	if (r)
		return r;
	if (!config_read_string(cfg, buf))
		return syntax_error(p, cfg);
	return 0;
}

/* The file names networks and rules point to, in c->files. */
static int add_names(struct conf *c, const struct conf_file *f, size_t n)
{
	c->files = calloc(n, sizeof(*c->files));
	if (!c->files)
		return -ENOMEM;
	for (; c->n_files < n; c->n_files++) {
		c->files[c->n_files] = strdup(f[c->n_files].path);
		if (!c->files[c->n_files])
			return -ENOMEM;
	}
	return strlcpy_checked(c->path, f[0].path, sizeof(c->path)) ? -EINVAL :
									0;
}

/* Point @p at file @i of @cfg. */
static const config_setting_t *at_file(struct parser *p, config_t *cfg,
				       size_t i)
{
	p->name = p->c->files[i];
	p->dropin = i > 0;
	p->what[0] = '\0';
	return config_root_setting(&cfg[i]);
}

/*
 * Every file is read before any is validated, and the networks of all
 * files come before the rules of any: a rule may name a network of any
 * file, and the rules keep the files' order.
 */
static int parse_all(struct parser *p, config_t *cfg, size_t n)
{
	int r = 0;

	for (size_t i = 0; !r && i < n; i++)
		r = check_root(p, at_file(p, cfg, i));
	for (size_t i = 0; !r && i < n; i++)
		r = parse_networks(p, member(at_file(p, cfg, i), "networks"));
	for (size_t i = 0; !r && i < n; i++)
		r = parse_rules(p, member(at_file(p, cfg, i), "rules"));
	return r ?: parse_default(p, member(at_file(p, cfg, 0), "default"));
}

struct configs {
	config_t *v;
	size_t n;
};

static void configs_free(struct configs *cf)
{
	for (size_t i = 0; i < cf->n; i++)
		config_destroyp(&cf->v[i]);
	free(cf->v);
}

/**
 * conf_parse_files() - parse and validate a policy of several files
 * @f:		the files: @f[0] the main file, then the drop-ins in order
 * @n:		how many (at least 1)
 * @ret:	the policy on success (free with conf_free()), else NULL
 * @err:	"FILE:LINE: MESSAGE" on failure, FILE one of the @f[].path
 * @errlen:	size of @err (CONF_ERR_MAX is enough)
 *
 * Does no file checks: conf_load() does those.
 *
 * Return: 0, -EINVAL for an invalid policy, -ENOMEM
 */
int conf_parse_files(const struct conf_file *f, size_t n, struct conf **ret,
		     char *err, size_t errlen)
{
	struct parser p = { .name = n ? f[0].path : "?", .err = err,
			    .errlen = errlen };
	__attribute__((cleanup(conf_freep))) struct conf *c = NULL;
	__attribute__((cleanup(configs_free))) struct configs cf = { 0 };
	int r;

	*ret = NULL;
	if (!n || n > CONF_MAX_DROPINS + 1)
		return conf_fail_at(&p, 0, "%zu files", n);
	c = calloc(1, sizeof(*c));
	cf.v = calloc(n, sizeof(*cf.v));
	r = !c || !cf.v ? -ENOMEM : add_names(c, f, n);
	if (r == -EINVAL)
		return conf_fail_at(&p, 0, "the name is too long");
	p.c = c;
	for (size_t i = 0; !r && i < n; i++) {
		config_init(&cf.v[cf.n++]);
		(void)at_file(&p, cf.v, i);
		r = read_text(&p, &f[i], &cf.v[i]);
	}
	r = r ?: parse_all(&p, cf.v, n);
	if (r == -ENOMEM)
		conf_fail_at(&p, 0, "out of memory");
	if (r)
		return r;
	*ret = steal_pointer(&c);
	return 0;
}

/**
 * conf_parse() - parse and validate the policy text of one file
 * @text:	the policy, not necessarily NUL-terminated
 * @len:	its length in bytes
 * @name:	the file it came from, for messages and conf->path
 * @ret:	the policy on success (free with conf_free()), else NULL
 * @err:	"NAME:LINE: MESSAGE" on failure
 * @errlen:	size of @err (CONF_ERR_MAX is enough)
 *
 * Return: 0, -EINVAL for an invalid policy, -ENOMEM
 */
int conf_parse(const char *text, size_t len, const char *name,
	       struct conf **ret, char *err, size_t errlen)
{
	struct conf_file f = { .text = (char *)text, .len = len };

	(void)strlcpy_checked(f.path, name, sizeof(f.path));
	return conf_parse_files(&f, 1, ret, err, errlen);
}

/**
 * conf_load() - the policy: the main file and its drop-ins
 * @path:	the main policy file
 * @ret:	the policy on success (free with conf_free())
 * @err:	"PATH: REASON" or "PATH:LINE: MESSAGE" on failure
 * @errlen:	size of @err
 *
 * Return: 0, or -errno
 */
int conf_load(const char *path, struct conf **ret, char *err, size_t errlen)
{
	struct conf_file *drop = NULL, *all = NULL;
	size_t n = 0;
	int r;

	*ret = NULL;
	all = malloc(sizeof(*all));
	if (!all)
		return conf_errf(-ENOMEM, err, errlen, "%s: out of memory",
				 path);
	r = conf_read_file(path, &all[0], err, errlen) ?:
	    conf_read_dropins(path, &drop, &n, err, errlen);
	if (!r && n) {
		struct conf_file *a = realloc(all, (n + 1) * sizeof(*all));

		if (a) {
			all = a;
			memcpy(all + 1, drop, n * sizeof(*drop));
			free(drop);
			drop = NULL;
		} else {
			r = conf_errf(-ENOMEM, err, errlen, "%s: out of "
				      "memory", path);
		}
	}
	if (!r)
		r = conf_parse_files(all, n + 1, ret, err, errlen);
	/* merged: all holds n + 1 files; else one, and drop the rest */
	conf_files_free(all, drop ? 1 : n + 1);
	conf_files_free(drop, n);
	return r;
}

/**
 * conf_free() - free a policy from conf_parse() or conf_load()
 * @c:		the policy, or NULL
 */
void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c->nets);
	free(c->rules);
	free(c);
}

/**
 * conf_network() - look a network up by name
 * @c:		the policy
 * @name:	network name
 *
 * Return: the network, or NULL
 */
const struct network *conf_network(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_nets; i++)
		if (!strcmp(c->nets[i].name, name))
			return &c->nets[i];
	return NULL;
}

/**
 * net_scope_str() - the policy file's word for a scope
 * @s:		scope
 *
 * Return: "shared", "user" or "session"
 */
const char *net_scope_str(enum net_scope s)
{
	switch (s) {
	case SCOPE_SHARED:
		return "shared";
	case SCOPE_USER:
		return "user";
	case SCOPE_SESSION:
		return "session";
	}
	return "?";
}
