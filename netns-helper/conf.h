/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h - the policy (/etc/security/pam_netns.conf and the drop-ins of
 * /etc/security/pam_netns.d/, libconfig syntax) as plain structs. conf.c
 * validates it (the keys of each network kind in its net_*.c, through
 * net_kind.h), conf_file.c reads its files (conf_file.h); policy.c decides
 * with it.
 *
 * Every error names the file, the line and what is wrong, in the form
 *   "FILE:LINE: MESSAGE"   or, when no line applies,   "FILE: MESSAGE".
 *
 * Drop-ins: the directory named after the main file, its ".conf" replaced
 * by ".d" (conf_dropin_dir()). Its files whose names end in ".conf" and do
 * not start with '.' are read in byte order, after the same checks as the
 * main file. They add networks (one namespace of names with the main file)
 * and rules (after the main file's, in file order; the first match still
 * wins); only the main file sets "default" or has a rule that matches every
 * login. One invalid file makes the whole policy invalid.
 */
#ifndef PN_CONF_H
#define PN_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "conf_file.h"
#include "names.h"

#define CONF_MAX_SIZE	(1024 * 1024)	/* bytes; a bigger file is refused */
#define CONF_MAX_LIST	32		/* entries in one list (dns, allow, ...) */
#define CONF_MAX_NETS	256
#define CONF_MAX_RULES	1024
#define CONF_MAX_MATCH	16		/* values in one rule's service/rhost list */
#define CONF_STR_MAX	256		/* user, group, service, rhost strings */
#define CONF_ERR_MAX	512		/* size of an error buffer */
#define CONF_MAX_DROPINS 256		/* files in the drop-in directory */
#define CONF_MAX_PREBUILT 16		/* "prebuilt": namespaces kept ahead */

enum net_type {
	NET_ISOLATED,
	NET_NAT,
	NET_VPN,
	NET_MACVLAN,
	NET_PHYSICAL,
	NET_BRIDGE,
};

enum net_scope {
	SCOPE_SHARED,
	SCOPE_USER,
	SCOPE_SESSION,
};

/* Not "macvlan_mode": linux/if_link.h owns that name. */
enum mvl_mode { MVL_BRIDGE, MVL_PRIVATE, MVL_VEPA };

struct cidr_list {
	struct cidr v[CONF_MAX_LIST];
	size_t n;
};

struct port_forward {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;		/* on the host */
	uint16_t to;		/* inside the namespace */
	int line;
};

/* One struct for every kind: the kind's parser (net_kind.h) fills its
 * part, the rest stays zero. */
struct network {
	char name[NET_NAME_MAX + 1];
	const char *file;		/* where it is defined: conf.files[] */
	int line;
	enum net_type type;

	struct cidr_list dns;		/* every kind but isolated */

	/* nat */
	char uplink[IFNAMSIZ];		/* "" = wherever 0/0 routes */
	struct cidr pool;		/* IPv4 network, prefix <= 30 */
	struct cidr pool6;		/* IPv6 network, prefix <= 64; family 0 = none */
	int pool_line, pool6_line;	/* where they are written */
	struct cidr_list allow;		/* egress: empty = everything */
	int allow_line[CONF_MAX_LIST];	/* where each allow entry is written */
	struct cidr_list deny;
	struct port_forward forward[CONF_MAX_LIST];
	size_t n_forward;
	/* nat, bridge: conntrack entries of one namespace, per address
	 * family; 0 = the default (nft.h) */
	int conn_limit;
	/* isolated, nat: session-scope namespaces kept built ahead by the
	 * resident service (prebuilt.h); 0 = none */
	int prebuilt;

	/* vpn: exactly one of wireguard / interface */
	char wireguard[PATH_MAX];	/* wg-quick config path */
	char interface[IFNAMSIZ];	/* adopt this existing device */
	struct cidr_list address;	/* vpn (interface), macvlan, physical */
	struct cidr_list routes;	/* vpn (interface); default 0/0 and ::/0 */
	int timeout;			/* vpn: seconds to wait for the tunnel, default 10 */

	/* macvlan */
	char parent[IFNAMSIZ];
	enum mvl_mode mode;		/* default MVL_PRIVATE */
	bool dhcp;			/* address = "dhcp" */

	/* macvlan, physical */
	struct cidr gateway;		/* family 0 = none */
	struct cidr gateway6;

	/* physical */
	char device[IFNAMSIZ];

	/* bridge */
	char bridge[IFNAMSIZ];
	struct cidr subnet;		/* IPv4 network; the bridge takes the first host */
	int subnet_line;		/* where it is written */
	bool nat;
};

/* A rule's "network": a network by name, or one of the two verdicts. */
enum rule_verdict { VERDICT_NETWORK, VERDICT_HOST, VERDICT_DENY };

struct rule {
	const char *file;		/* conf.files[] */
	int line;
	char user[CONF_STR_MAX];		/* "" = any */
	char group[CONF_STR_MAX];		/* "" = any */
	int user_line, group_line;		/* where they are written */
	char service[CONF_MAX_MATCH][CONF_STR_MAX];	/* none = any */
	size_t n_service;
	char rhost[CONF_MAX_MATCH][CONF_STR_MAX];	/* none = any */
	size_t n_rhost;
	enum rule_verdict verdict;
	char network[NET_NAME_MAX + 1];	/* when VERDICT_NETWORK */
	const struct network *net;	/* resolved from @network */
	enum net_scope scope;		/* default SCOPE_USER */
	bool systemd_user;		/* also confine user@UID.service */
};

struct conf {
	char path[PATH_MAX];		/* the main file */
	char **files;			/* every file read: the main file, then
					 * the drop-ins in the order read */
	size_t n_files;
	struct network *nets;
	size_t n_nets;
	struct rule *rules;
	size_t n_rules;
	enum rule_verdict def;		/* VERDICT_HOST or VERDICT_DENY */
	int default_line;		/* 0 when "default" is absent (= host) */
};

/*
 * conf_load() - the main file @path and its drop-ins, read and parsed.
 * Return: 0 and *ret set (free with conf_free()), or -errno and @err set
 */
int conf_load(const char *path, struct conf **ret, char *err, size_t errlen);

/*
 * conf_parse_files() - parse and validate @n files as one policy: @f[0]
 * is the main file, the rest its drop-ins in order. Does no file checks.
 */
int conf_parse_files(const struct conf_file *f, size_t n, struct conf **ret,
		     char *err, size_t errlen);

/*
 * conf_parse() - parse and validate the text of a policy without drop-ins;
 * @name stands for the file in messages. Does no file checks: for unit
 * tests and the fuzzer.
 */
int conf_parse(const char *text, size_t len, const char *name,
	       struct conf **ret, char *err, size_t errlen);

void conf_free(struct conf *c);

/* conf_network() - the network called @name, or NULL. */
const struct network *conf_network(const struct conf *c, const char *name);

const char *net_scope_str(enum net_scope s);

#endif
