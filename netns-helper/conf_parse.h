/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf_parse.h - what the parts of the policy parser share: the parser's
 * state, its "FILE:LINE: WHAT MESSAGE" errors, the raw text checks done
 * before libconfig reads a file (conf_scan.c), and the typed getters of
 * conf.c that each network kind's parser (net_*.c) is built from.
 *
 * Only the parser's files include this; the rest of the helper sees the
 * parsed policy (conf.h).
 */
#ifndef PN_CONF_PARSE_H
#define PN_CONF_PARSE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "conf.h"

struct parser {
	const char *name;	/* the file, as messages call it: one of
				 * c->files, so networks and rules point to it */
	bool dropin;		/* not the main file */
	struct conf *c;
	char *err;
	size_t errlen;
	char what[64];		/* "network 'lab': ", "rule: " or "" */
};

/*
 * conf_fail_at() - store "NAME:LINE: WHAT MESSAGE" (or "NAME: ..." when
 * @line is 0) in the parser's error buffer.
 * Return: -EINVAL
 */
__attribute__((format(printf, 3, 4)))
int conf_fail_at(struct parser *p, int line, const char *fmt, ...);

/*
 * conf_prescan() - refuse what libconfig must never see (NUL bytes,
 * @include, integers it would truncate) in the @len bytes at @s, and blank
 * the commas after the last entry of a list. Errors through @p.
 * Return: 0, or -EINVAL
 */
int conf_prescan(struct parser *p, char *s, size_t len);

/* Where something else is written (conf_place()): "line N" or "FILE:N". */
#define CONF_PLACE_MAX (PATH_MAX + 16)

/* conf_fail() - conf_fail_at() at the line of the setting @s. */
#define conf_fail(p, s, ...) conf_fail_at((p), conf_line_of(s), __VA_ARGS__)

/* conf_line_of() - the line of @s, or of the nearest parent that has
 * one (array elements and the root may have none). */
int conf_line_of(const config_setting_t *s);

/* conf_place() - where @file:@line is, as seen from the file being read:
 * "line N" there, "FILE:N" in another; in @buf. */
const char *conf_place(const struct parser *p, const char *file, int line,
		       char buf[CONF_PLACE_MAX]);

/* The member @key of group @s, or NULL; the element @i of a list. */
config_setting_t *conf_member(const config_setting_t *s, const char *key);
config_setting_t *conf_elem(const config_setting_t *s, int i);

/* conf_check_keys() - refuse a member of group @s whose name is not in
 * the NULL-terminated @keys ("unknown key 'K' for type '@type'"). */
int conf_check_keys(struct parser *p, const config_setting_t *s,
		    const char *const *keys, const char *type);

/* Typed values: an error names the key when @s has the wrong type or
 * (conf_get_int()) is outside @min-@max. */
int conf_get_string(struct parser *p, const config_setting_t *s,
		    const char **ret);
int conf_get_bool(struct parser *p, const config_setting_t *s, bool *ret);
int conf_get_int(struct parser *p, const config_setting_t *s, int min,
		 int max, int *ret);

/*
 * conf_get_word() - a string that must be one of the @n @words (an enum's
 * names, in its order): its index into *@ret. Anything else is "unknown
 * WHAT 'VALUE' (expected A, B or C)".
 */
int conf_get_word(struct parser *p, const config_setting_t *s,
		  const char *what, const char *const *words, size_t n,
		  int *ret);

enum addr_kind {
	ADDR_HOST,	/* "A": dns, gateway */
	ADDR_IFADDR,	/* "A/P", host bits allowed: address */
	ADDR_NET,	/* "A" or "A/P", no host bits: allow, deny, routes */
};

/* conf_opt_addrs() - the optional list of addresses @key of network
 * group @net (a single string is a list of one); absent leaves @ret
 * empty. */
int conf_opt_addrs(struct parser *p, const config_setting_t *net,
		   const char *key, enum addr_kind kind,
		   struct cidr_list *ret);

/* "allow" (with the line of each entry), "conn_limit" and "gateway" (one
 * address per family, inside one of @n's addresses), all optional: the
 * keys that several kinds share. */
int conf_opt_allow(struct parser *p, const config_setting_t *net,
		   struct network *n);
/* "prebuilt", 0 to CONF_MAX_PREBUILT (isolated, nat). */
int conf_opt_prebuilt(struct parser *p, const config_setting_t *net,
		      struct network *n);
int conf_opt_conn_limit(struct parser *p, const config_setting_t *net,
			struct network *n);
int conf_opt_gateway(struct parser *p, const config_setting_t *net,
		     struct network *n);

/* conf_parse_range() - the network @s of address family @family with a
 * prefix length between @min and @max, without host bits. */
int conf_parse_range(struct parser *p, const config_setting_t *s,
		     int family, unsigned min, unsigned max,
		     struct cidr *ret);

/* conf_need() - the member @key of network group @net in *@ret, or the
 * error "type 'T' needs 'KEY'". */
int conf_need(struct parser *p, const config_setting_t *net,
	      const struct network *n, const char *key,
	      const config_setting_t **ret);

/* An interface name: the setting @s, the optional member @key, the
 * required member @key (conf_need()). */
int conf_parse_ifname(struct parser *p, const config_setting_t *s,
		      char ret[IFNAMSIZ]);
int conf_opt_ifname(struct parser *p, const config_setting_t *net,
		    const char *key, char ret[IFNAMSIZ]);
int conf_need_ifname(struct parser *p, const config_setting_t *net,
		     const struct network *n, const char *key,
		     char ret[IFNAMSIZ]);

#endif
