/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.h - validation of network and namespace names, and the derivation
 * of namespace and interface names. Pure code: it is compiled into
 * pam_netns.so too, so that the module re-checks what the helper answers.
 *
 * Namespace names are built so that two different (network, user, session)
 * triples can never map to the same name:
 *   shared scope:  NETWORK                 network names are [a-z0-9_-]
 *   user scope:    NETWORK.USER            '.' never occurs in a network name
 *                  NETWORK.UID             when USER is not [a-z_][a-z0-9_-]*
 *                                          or too long: digits first, so it
 *                                          cannot equal a USER form
 *   session scope: NETWORK.USER.N / NETWORK.UID.N   N a decimal serial
 * Interface names are never cut from these (IFNAMSIZ is 16): each namespace
 * gets a numeric id when it is made, and its links are named from that id.
 */
#ifndef PN_NAMES_H
#define PN_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NET_NAME_MAX	20	/* network names */
#define USER_PART_MAX	32	/* user component of a namespace name */
#define NETNS_NAME_MAX	64	/* any namespace name, without NUL */
#define IFNAME_MAX	15	/* IFNAMSIZ - 1 */

enum name_err {
	NAME_OK = 0,
	NAME_EMPTY,
	NAME_TOO_LONG,
	NAME_BAD_CHAR,
	NAME_RESERVED,
};

/*
 * name_check_network() - a network name: [a-z0-9_-], 1..NET_NAME_MAX bytes,
 * not "host" or "deny" (those are rule verdicts), not starting with '-'.
 */
enum name_err name_check_network(const char *s);

/*
 * name_check_netns() - a namespace name as this project makes them:
 * [a-z0-9_.-], 1..NETNS_NAME_MAX, no leading '.' or '-', no "..".
 * Used by the module on what the helper returns and by verbs taking NAME.
 */
enum name_err name_check_netns(const char *s);

/* name_check_ifname() - a Linux interface name: 1..15 bytes, no '/', ':',
 * whitespace or control bytes, not "." or "..". */
enum name_err name_check_ifname(const char *s);

/* name_err_str() - "is empty", "is longer than N bytes" (written to
 * @buf), ... */
#define NAME_ERR_MAX	64
const char *name_err_str(enum name_err e, size_t limit,
			 char buf[NAME_ERR_MAX]);

/* name_user_part() - true when @user can stand in a namespace name as is. */
bool name_user_part_ok(const char *user);

/*
 * name_netns_user() - NETWORK.USER or NETWORK.UID (see above).
 * name_netns_session() - the same followed by ".SERIAL".
 * Return: 0, or -ENAMETOOLONG / -EINVAL
 */
int name_netns_user(const char *network, const char *user, uid_t uid,
		    char *buf, size_t len);
int name_netns_session(const char *network, const char *user, uid_t uid,
		       uint32_t serial, char *buf, size_t len);

/*
 * name_ifname() - interface name for link @role ('h' host end, 'n' inside
 * end, 'b' bridge port ...) of the namespace with id @id: "pn" ROLE HEX,
 * at most 11 bytes. Injective in (role, id).
 */
int name_ifname(char role, uint32_t id, char *buf, size_t len);

/* name_ifname_ours() - whether @ifname has the form name_ifname() gives
 * the links of pam_netns: "pn", a role letter, lowercase hex. */
bool name_ifname_ours(const char *ifname);

#endif
