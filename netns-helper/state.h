/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - the helper's state directory, STATE_DIR (/run/pam_netns, root
 * 0700):
 *
 *   lock, resources.lock, locks/NAME   the locks (locks.h)
 *   seq, ns/, ino/, sessions/, members/, forwarding
 *                                      the records (records.h)
 *   leases/NETWORK     the address-pool bitmap of a network (pool.c)
 *   hostns             the host's network namespace (hostns.c)
 *
 * Namespace records are written *before* any kernel object is made, so
 * whatever a crash leaves behind is named by a record that gc (or the
 * next open of that namespace) can tear down.
 *
 * Every file is written to a temporary name of the writer's own and
 * renamed into place, so a reader never sees half of one.
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


/* state_dir() - STATE_DIR, or the override set by state_set_dir(). */
const char *state_dir(void);
void state_set_dir(const char *dir);

/*
 * state_open() - make STATE_DIR and its subdirectories (0700) if missing,
 * refuse it if it is a symlink, not a directory, or not root-owned 0700,
 * and keep it open until state_close(). No lock: locks_begin() (locks.h)
 * calls it.
 */
int state_open(char *err, size_t errlen);
void state_close(void);

/* state_fd() - the fd of STATE_DIR while open, else -1 (locks.c and
 * records.c open their files relative to it). */
int state_fd(void);

/*
 * state_list() - call @cb(name) for each entry of subdirectory @dir
 * (sorted, without dot files and temporaries); a non-zero return from @cb
 * stops the walk and is returned.
 */
int state_list(const char *dir, int (*cb)(const char *name, void *data),
	       void *data);

/* state_count() - number of entries in @dir, 0 when it does not exist. */
int state_count(const char *dir);

/* state_remove() - remove file @path; 0 when it is gone already. */
int state_remove(const char *path);

/* state_read_blob() / state_write_blob() - raw files (atomic write);
 * read returns the byte count. */
int state_read_blob(const char *path, void *buf, size_t len);
int state_write_blob(const char *path, const void *buf, size_t len);

/* state_sweep_tmp() - remove temporaries a killed writer left (gc). */
int state_sweep_tmp(void);

/* state_mkdir() / state_rmdir() - a subdirectory such as "members/NAME". */
int state_mkdir(const char *dir);
int state_rmdir(const char *dir);

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
