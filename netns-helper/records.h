/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * records.h - the schema of the helper's records under STATE_DIR (state.h
 * for the directory): every key a record file holds is named in records.c
 * and nowhere else; the rest of the helper reads and writes the structs
 * below.
 *
 *   ns/NAME            struct ns_rec, one per namespace this project made
 *   sessions/TOKEN     struct sess_rec, one per open session
 *   members/NAME/TOKEN the sessions holding namespace NAME (empty files)
 *   ino/INODE          which namespace has that netns inode
 *   seq                the last serial handed out
 *   tunnels/DEV        what a VPN client said its server gave it for its
 *                      device DEV (struct tun_rec, the tunnel verb)
 *   forwarding         the host's forwarding sysctls before the first nat
 *                      namespace (struct fwd_rec)
 *
 * On disk a record stays the "key=value" text it always was, written to a
 * temporary name and renamed into place, so a reader never sees half of
 * one and a record written by an older helper still reads (state survives
 * an upgrade). Keys a record does not have read as the field's "none"
 * value ("" for strings, 0 for numbers, -1 for the two where 0 is a
 * value: slot and dev_index), and a field at that value is not written,
 * as the older helper wrote only what it had; keys this version does not
 * know are skipped.
 *
 * Kind-specific items are plain typed fields of struct ns_rec, grouped by
 * the kind that sets them, rather than a union per kind: several are read
 * whatever the kind (gc claims every "ifname" and "bridge", teardown of a
 * record written before its type was known must find them), an older
 * record may hold any of them, and the whole struct stays under 3 KiB.
 * "type" and "scope" stay the strings of net_type_str()/net_scope_str():
 * a record of a kind this build does not know must still read, and be
 * listed as what it is.
 */
#ifndef PN_RECORDS_H
#define PN_RECORDS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cidr.h"
#include "names.h"
#include "state.h"

struct locks;			/* locks.h */

#define REC_STR_MAX	256	/* a value, with its NUL */

struct ns_rec {
	char name[NETNS_NAME_MAX + 1];	/* the file's name, not a key */
	char network[NET_NAME_MAX + 1];
	char type[16];			/* net_type_str() */
	char scope[16];			/* net_scope_str() */
	char user[REC_STR_MAX];		/* "" for shared */
	uint32_t id;			/* serial: names the host links */
	long long created;		/* time(NULL) */
	bool ready;			/* complete (else being built) */
	bool spare;			/* built ahead, no login has claimed it
					 * yet (prebuilt.h) */
	unsigned long long ino;		/* netns inode; 0 before it exists */
	/* links and leases: nat, bridge, vpn */
	long long slot;			/* lease of the pool; -1: none */
	char ifname[IFNAMSIZ];		/* our link on the host */
	char addr4[CIDR_STRLEN], addr6[CIDR_STRLEN];
	char attach[REC_STR_MAX];	/* what it is attached to (list) */
	/* nat (shared scope): "tcp:10105 udp:53" */
	char forwards[REC_STR_MAX];
	/* bridge */
	char bridge[IFNAMSIZ];
	/* macvlan, and its DHCP client */
	char parent[IFNAMSIZ];
	char mode[16];
	char dhcp[REC_STR_MAX];		/* the client's pid file */
	pid_t dhcp_pid;
	unsigned long long dhcp_start;
	/* physical */
	char device[IFNAMSIZ];
	int dev_index;			/* on the host; -1: none */
	/* vpn */
	char backend[16];		/* "kernel", "userspace", "adopted" */
	char inner[IFNAMSIZ];		/* the tunnel's name inside */
	pid_t wgpid;			/* wireguard-go */
	unsigned long long wgstart;
};

struct sess_rec {
	char token[PN_TOKEN_LEN + 1];	/* the file's name, not a key */
	char netns[NETNS_NAME_MAX + 1];
	char user[REC_STR_MAX];
	char service[REC_STR_MAX];
	char rhost[REC_STR_MAX];
	char tty[REC_STR_MAX];
	pid_t pid;			/* the owner: pid and start time */
	unsigned long long start;
	long long since;		/* time(NULL) at open */
};

/* What a VPN client reported for its device (cmd_adopt.c, the tunnel
 * verb): the addresses and resolvers its server gave it. */
struct tun_rec {
	char dev[IFNAMSIZ];		/* the file's name, not a key */
	int ifindex;			/* the device on the host when it was
					 * reported; 0: it was not there */
	char address[REC_STR_MAX];	/* "A/P[,A/P]" */
	char dns[REC_STR_MAX];		/* "A[,A]", or "" */
	long long since;		/* time(NULL) of the report */
};

/* The saved forwarding sysctls, [0] IPv4 and [1] IPv6. */
struct fwd_rec {
	bool saved[2];
	int old[2];
};

/*
 * rec_fmt() - printf into a string field of @size bytes.
 * Return: 0, or -EINVAL when it does not fit or holds a newline (a
 * record could not keep it)
 */
int rec_fmt(char *field, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define REC_SET(field, ...) rec_fmt((field), sizeof(field), __VA_ARGS__)

/* ns_rec_init() - an empty record of namespace @name (every field at
 * its "none"). */
int ns_rec_init(struct ns_rec *r, const char *name);

/* ns_rec_read() - the record of namespace @name. Return: 0, -ENOENT,
 * -EBADMSG for a record this version cannot read, or -errno */
int ns_rec_read(const char *name, struct ns_rec *r);
int ns_rec_write(const struct ns_rec *r);
int ns_rec_remove(const char *name);
bool ns_rec_exists(const char *name);
int ns_rec_count(void);

/*
 * ns_rec_each() - @cb for each namespace record that reads, by name; a
 * non-zero return stops the walk and is returned.
 */
int ns_rec_each(int (*cb)(const struct ns_rec *r, void *data), void *data);

/* ns_rec_names() - @cb for each namespace record's name, read or not. */
int ns_rec_names(int (*cb)(const char *name, void *data), void *data);

/* ns_network_used() - a namespace record other than @except (or any,
 * with NULL) names network @network. */
bool ns_network_used(const char *network, const char *except);

/* ns_rec_shared() - the namespace stays until `down` (scope shared, or
 * a record without a scope). */
bool ns_rec_shared(const struct ns_rec *r);

/* ns_index() - record @r under ino/INODE, so ns_by_inode() finds it
 * without reading every record. */
int ns_index(const struct ns_rec *r);

/* ns_unindex() - drop the index entry of @r, if it has one. */
void ns_unindex(const struct ns_rec *r);

/* ns_by_inode() - 1 (and @name, unless NULL) when a namespace we made
 * has netns inode @ino (checked against its record), 0 when none has. */
int ns_by_inode(unsigned long long ino, char *name, size_t len);

/* ns_index_sweep() - drop the index entries no record confirms (gc). */
int ns_index_sweep(void);

int sess_rec_read(const char *token, struct sess_rec *r);
int sess_rec_write(const struct sess_rec *r);
int sess_rec_remove(const char *token);
bool sess_rec_exists(const char *token);
int sess_rec_names(int (*cb)(const char *token, void *data), void *data);

/* member_*() - members/NETNS/TOKEN, the references on a namespace. */
int member_add(const char *netns, const char *token);
int member_remove(const char *netns, const char *token);
int member_count(const char *netns);
int member_each(const char *netns,
		int (*cb)(const char *netns, const char *token, void *data),
		void *data);
/* member_dir_remove() - members/NETNS, when empty. */
int member_dir_remove(const char *netns);
/* member_dirs() - @cb for each NETNS that has a members/NETNS. */
int member_dirs(int (*cb)(const char *netns, void *data), void *data);

/* serial_next() - a new serial (>= 1), never 0 (the resource lock of @l
 * taken, locks.h). */
int serial_next(struct locks *l, uint32_t *ret);

/* fwd_rec_*() - the saved forwarding sysctls (resource lock held). */
int fwd_rec_read(struct fwd_rec *r);
int fwd_rec_write(const struct fwd_rec *r);
int fwd_rec_remove(void);

/* tun_rec_read() - the report for device @dev: 0, -ENOENT, or -errno */
int tun_rec_read(const char *dev, struct tun_rec *r);
int tun_rec_write(const struct tun_rec *r);
int tun_rec_remove(const char *dev);
int tun_rec_names(int (*cb)(const char *dev, void *data), void *data);

#endif
