/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - the helper's records under STATE_DIR (/run/pam_netns, root 0700):
 *
 *   lock               the state lock (below)
 *   resources.lock     the resource lock (below)
 *   locks/NAME         the lock of namespace NAME (below)
 *   seq                the last serial handed out (namespace ids, session
 *                      namespace names)
 *   ns/NAME            one record per namespace this project made
 *   ino/INODE          name=NAME: which of them has that netns inode
 *   sessions/TOKEN     one record per open session
 *   members/NAME/TOKEN the sessions holding namespace NAME (its refcount)
 *   leases/NETWORK     the address-pool bitmap of a network (pool.c)
 *   forwarding         the host's forwarding sysctls before the first nat
 *                      namespace, restored after the last
 *
 * A record is a small "key=value" text file, written to a temporary name
 * of the writer's own and renamed into place, so a reader never sees half
 * of one. Namespace records are written *before* any kernel object is
 * made, so whatever a crash leaves behind is named by a record that gc
 * (or the next open of that namespace) can tear down.
 *
 * Locks (flock(2): the kernel drops them when a holder dies, even by
 * SIGKILL), always taken in this order, and never the other way:
 *
 *   1. the state lock: shared by every verb that reads or changes
 *      records, for the life of the process; exclusive for gc, which so
 *      sees no build half-way and may tear down whatever looks unfinished.
 *   2. one namespace lock, exclusive, held by session-open, session-close,
 *      up and down for the namespace they work on, across every wait of
 *      that work (a tunnel device, a DHCP lease, a name lookup): only
 *      logins of that very namespace wait behind it. Never two at once.
 *   3. the resource lock, exclusive, nestable, held only for the instant
 *      something several namespaces share changes: the serial, address
 *      leases, the forwarding sysctls and their saved values, the
 *      nftables table, the login mount template, systemd drop-ins, a
 *      bridge network's bridge, the DHCP directory. Nothing that can
 *      wait runs under it, and no other lock is taken while it is held.
 *
 * A process waits for a lock only while holding locks above it in this
 * list, never below, and holds one namespace lock at most
 * (state_ns_lock() refuses a second, and one under the resource lock):
 * no cycle of waits, so no deadlock. Children that may outlive the
 * helper (wireguard-go, the DHCP client, a name lookup) close their
 * copies, so none keeps a lock held after it. The inode index needs none: one
 * file per inode, removed while the namespace still pins its inode.
 *
 * Session-open and session-close wait for the state lock or a namespace
 * lock only until their deadline (deadline.h): -ETIMEDOUT then. The
 * resource lock is never held long, and a rollback needs it after the
 * deadline too: it is waited for without one.
 */
#ifndef PN_STATE_H
#define PN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "protocol.h"

#ifndef STATE_DIR
#define STATE_DIR "/run/pam_netns"
#endif

#define REC_MAX_KV	32
#define REC_KEY_MAX	24
#define REC_VAL_MAX	256

struct record {
	size_t n;
	struct {
		char key[REC_KEY_MAX];
		char val[REC_VAL_MAX];
	} kv[REC_MAX_KV];
};

/* state_dir() - STATE_DIR, or the override set by state_set_dir(). */
const char *state_dir(void);
void state_set_dir(const char *dir);

/*
 * state_open() - make STATE_DIR and its subdirectories (0700) if missing,
 * refuse it if it is a symlink, not a directory, or not root-owned 0700,
 * and take the state lock, shared or (@exclusive, gc) exclusive, until
 * state_close().
 */
int state_open(bool exclusive, char *err, size_t errlen);
void state_close(void);

/*
 * state_ns_lock() - take the lock of namespace @name (locks/NAME, made
 * 0600 without following symlinks) until state_ns_unlock().
 * Return: 0, -ETIMEDOUT at the deadline, -EDEADLK when the lock of
 * another namespace is held already, or -errno
 */
int state_ns_lock(const char *name);

/* state_ns_unlock() - release it; its file goes when the namespace has
 * no record left. */
void state_ns_unlock(void);

/*
 * state_res_lock() - take the resource lock (nested calls count: the
 * last state_res_unlock() releases it).
 * Return: 0 or -errno
 */
int state_res_lock(void);
void state_res_unlock(void);

/* state_sweep_locks() - remove the lock files of namespaces without a
 * record (gc, under the exclusive state lock). */
int state_sweep_locks(void);

/* rec_* - records in subdirectory @dir ("ns", "sessions", "members/NAME"). */
int rec_read(const char *dir, const char *name, struct record *r);
int rec_write(const char *dir, const char *name, const struct record *r);
int rec_remove(const char *dir, const char *name);
bool rec_exists(const char *dir, const char *name);
const char *rec_get(const struct record *r, const char *key);
long long rec_get_num(const struct record *r, const char *key, long long def);
int rec_set(struct record *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * rec_list() - call @cb(name) for each entry of @dir (sorted); a non-zero
 * return from @cb stops the walk and is returned.
 */
int rec_list(const char *dir, int (*cb)(const char *name, void *data),
	     void *data);

/* rec_count() - number of entries in @dir, 0 when it does not exist. */
int rec_count(const char *dir);

/* state_read_blob() / state_write_blob() - raw files (atomic write);
 * read returns the byte count. */
int state_read_blob(const char *path, void *buf, size_t len);
int state_write_blob(const char *path, const void *buf, size_t len);

/* state_sweep_tmp() - remove temporaries a killed writer left (gc). */
int state_sweep_tmp(void);

/* state_mkdir() / state_rmdir() - a subdirectory such as "members/NAME". */
int state_mkdir(const char *dir);
int state_rmdir(const char *dir);

/* state_next_serial() - a new serial (>= 1), never 0 (under the resource
 * lock). */
int state_next_serial(uint32_t *ret);

/* state_token() - a fresh random session token (protocol.h). */
int state_token(char buf[PN_TOKEN_LEN + 1]);

/*
 * proc_starttime() - field 22 of /proc/PID/stat, which tells a process from
 * a later one that reuses its pid. -ESRCH when the process is gone.
 */
int proc_starttime(pid_t pid, unsigned long long *ret);

/* proc_alive() - @pid runs and started at @start. */
bool proc_alive(pid_t pid, unsigned long long start);

#endif
