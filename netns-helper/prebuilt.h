/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prebuilt.h - session-scope namespaces built before a login asks for
 * them: "prebuilt = N" on an isolated or nat network keeps N ready, and a
 * session-scope login of that network claims one instead of waiting while
 * one is made.
 *
 * A spare is an ordinary namespace record with "spare" set, made by
 * ns_create() like any other, so rolled back, torn down and collected like
 * any other. It is named NETWORK.-SERIAL: no user is known when it is
 * built, and a user part of a name never starts with '-' (names.h), so the
 * name cannot be taken for a user's. A claim, under the spare's namespace
 * lock, clears the flag and records the user; the session is then added as
 * to a namespace made on the spot, and the namespace ends with it.
 *
 * The resident service refills after each login and every minute
 * (prebuilt_fill(), the verb `prebuild`); without the service nothing
 * refills, and logins are served as if there were no pool. gc keeps the
 * spares a network still asks for and removes the rest.
 */
#ifndef PN_PREBUILT_H
#define PN_PREBUILT_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "lifecycle.h"
#include "records.h"

/*
 * prebuilt_claim() - take a spare of @net for @user: its name into @name
 * with its namespace lock held (env->locks), the record no longer spare.
 * Return: 1 when one was claimed, 0 when none was free, or -errno
 */
int prebuilt_claim(const struct ns_env *env, const struct network *net,
		   const char *user, char *name, size_t len);

/*
 * prebuilt_fill() - build what the networks of @c ask for and is missing;
 * *@ret_made counts the namespaces made. Stops at the first failure.
 * Return: 0 or -errno, with @err saying why
 */
int prebuilt_fill(const struct ns_env *env, const struct conf *c,
		  int *ret_made, char *err, size_t errlen);

/* prebuilt_wanted() - @rec is a spare that its network still asks for
 * (gc keeps it). */
bool prebuilt_wanted(const struct conf *c, const struct ns_rec *rec);

#endif
