/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * locks.h - the helper's locks, all flock(2) on files of STATE_DIR
 * (state.h): the kernel drops them when a holder dies, even by SIGKILL.
 *
 *   lock               the state lock
 *   locks/NAME         the lock of namespace NAME
 *   resources.lock     the resource lock
 *
 * Always taken in this order, and never the other way:
 *
 *   1. the state lock: shared by every verb that reads or changes
 *      records, for the life of its request; exclusive for gc, which so
 *      sees no build half-way and may tear down whatever looks unfinished.
 *      list and status take it shared and nothing else: they never wait
 *      for a login, nor make one wait (flock grants shared locks while
 *      other shared ones are held; only gc waits for them).
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
 * list, never below, and holds one namespace lock at most (locks_ns()
 * refuses a second, and one under the resource lock): no cycle of waits,
 * so no deadlock. Children that may outlive the helper (wireguard-go, the
 * DHCP client, a name lookup) close their copies, so none keeps a lock
 * held after it. The inode index needs none: one file per inode, removed
 * while the namespace still pins its inode.
 *
 * Session-open and session-close wait for the state lock or a namespace
 * lock only until their deadline (deadline.h, the one they set in @dl of
 * their struct locks): -ETIMEDOUT then. The resource lock is never held
 * long, and a rollback needs it after the deadline too: it is waited for
 * without one.
 *
 * Every lock of a request is held in a struct locks its verb owns, the
 * resource lock too: the code deep inside the network kinds that takes it
 * gets the request's struct locks through struct ns_ctx (lifecycle.h).
 * Each struct locks opens the lock files anew, so two requests served at
 * once by one process exclude each other as two processes do (flock does
 * not exclude the holders of one open file).
 */
#ifndef PN_LOCKS_H
#define PN_LOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "names.h"

struct locks {
	int state_fd;			/* the state lock; -1: not held */
	int ns_fd;			/* the lock of namespace @ns */
	char ns[NETNS_NAME_MAX + 1];
	const struct deadline *dl;	/* of the waits; NULL: none */
	int res_fd;			/* the resource lock's file */
	int res_depth;			/* nested state_res_lock() calls */
};

#define LOCKS_INIT { .state_fd = -1, .ns_fd = -1, .res_fd = -1 }

/*
 * locks_begin() - open STATE_DIR (state_open()) and take the state lock,
 * shared or (@exclusive, gc) exclusive, until locks_end().
 * Return: 0 or -errno, with @err saying why
 */
int locks_begin(struct locks *l, bool exclusive, char *err, size_t errlen);

/* locks_end() - release every lock of @l and close STATE_DIR. */
void locks_end(struct locks *l);

/*
 * locks_ns() - take the lock of namespace @name (locks/NAME, made 0600
 * without following symlinks) until locks_end(); its file goes then when
 * the namespace has no record left.
 * Return: 0, -ETIMEDOUT at the deadline, -EDEADLK when the lock of
 * another namespace is held already, or -errno
 */
int locks_ns(struct locks *l, const char *name);

/* locks_ns_release() - give the namespace lock back before locks_end(),
 * so that another may be taken (a login trying pre-built namespaces one
 * after another, prebuilt.h). */
void locks_ns_release(struct locks *l);

/*
 * state_res_lock() - take the resource lock for @l's request (nested
 * calls count: the last state_res_unlock() releases it; locks_end() at
 * the latest). Waited for without a deadline.
 * Return: 0 or -errno
 */
int state_res_lock(struct locks *l);
void state_res_unlock(struct locks *l);

/* locks_sweep() - remove the lock files of namespaces without a record
 * (gc, under the exclusive state lock). */
int locks_sweep(void);

#endif
